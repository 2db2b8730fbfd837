/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_SCHED_H__
#define __METIS_SCHED_H__

#include "metis_drv.h"

struct metis_job;

int metis_sched_init(struct metis_device *mdev);
int metis_sched_file_open(struct metis_file *mfile);
void metis_sched_file_close(struct metis_file *mfile);

void metis_queue_push_job(struct metis_queue *q, struct metis_job *job);
void metis_queue_complete(struct metis_queue *q, int error);
void metis_queue_block(struct metis_queue *q, bool blocked);
void metis_queue_replay(struct metis_queue *q, struct list_head *jobs);
unsigned int metis_queue_park(struct metis_queue *q, struct list_head *parked);
bool metis_queue_settle_fw(struct metis_queue *q, struct list_head *parked,
			   bool *on_card);
bool metis_queue_busy(struct metis_queue *q);
int metis_job_rpm_get(struct metis_job *job);
bool metis_job_bo_lost(struct metis_job *job);
void metis_job_end(struct metis_job *job, int error);
void metis_rpm_put(struct metis_device *mdev);

void metis_sched_stop_all(struct metis_device *mdev, struct drm_sched_job *bad);
void metis_sched_start_all(struct metis_device *mdev);
void metis_sched_wqueue_stop_all(struct metis_device *mdev);
void metis_sched_wqueue_start_all(struct metis_device *mdev);

#endif /* __METIS_SCHED_H__ */
