/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_FDINFO_H__
#define __METIS_FDINFO_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>

#include "metis_drv.h"

struct drm_file;
struct drm_printer;
struct metis_job;

/**
 * struct metis_file_stats - what one file's jobs used, for its fdinfo
 * @ref: held by the file and by each of its jobs, which can outlive it.
 * @busy_ns: time the file's jobs kept each kind of engine busy.
 */
struct metis_file_stats {
	struct kref ref;
	atomic64_t busy_ns[METIS_ENGINE_COUNT];
};

struct metis_file_stats *metis_file_stats_alloc(void);
void metis_file_stats_put(struct metis_file_stats *stats);
void metis_fdinfo_batch_done(struct metis_queue *q, struct list_head *jobs,
			     ktime_t now);
void metis_show_fdinfo(struct drm_printer *p, struct drm_file *file);

#endif /* __METIS_FDINFO_H__ */
