/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_RESET_H__
#define __METIS_RESET_H__

#include <linux/pci.h>

#include <drm/gpu_scheduler.h>

struct metis_device;

enum drm_gpu_sched_stat metis_reset_recover(struct metis_device *mdev,
					    struct drm_sched_job *bad);
int metis_reset_device(struct metis_device *mdev);

extern const struct pci_error_handlers metis_pci_err_handlers;

#endif /* __METIS_RESET_H__ */
