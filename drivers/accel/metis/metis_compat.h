/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 *
 * The one place for differences between the kernels the driver is built
 * for (6.12 LTS and 7.x). Nothing else tests kernel versions.
 */
#ifndef __METIS_COMPAT_H__
#define __METIS_COMPAT_H__

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stringify.h>

#include <drm/gpu_scheduler.h>

/*
 * The METIS_OLD_* macros come from the Makefile, which probes the headers
 * of the kernel being built against.
 */

/* drm_sched_start() takes the error for unfinished jobs since 6.13. */
static inline void metis_sched_start(struct drm_gpu_scheduler *sched)
{
#ifdef METIS_OLD_SCHED_START
	drm_sched_start(sched);
#else
	drm_sched_start(sched, 0);
#endif
}

/* The "recovered" timeout status was called NOMINAL before 6.17. */
#ifdef METIS_OLD_SCHED_STAT
#define METIS_SCHED_STAT_RESET	DRM_GPU_SCHED_STAT_NOMINAL
#else
#define METIS_SCHED_STAT_RESET	DRM_GPU_SCHED_STAT_RESET
#endif

/* Typed allocation helpers arrived in 7.x. */
#ifndef kzalloc_obj
#define kzalloc_obj(P)	kzalloc(sizeof(P), GFP_KERNEL)
#endif

/* Symbol namespaces are strings since 6.13. */
#ifdef METIS_OLD_IMPORT_NS
#define METIS_IMPORT_NS(ns)	MODULE_IMPORT_NS(ns)
#else
#define METIS_IMPORT_NS(ns)	MODULE_IMPORT_NS(__stringify(ns))
#endif

#endif /* __METIS_COMPAT_H__ */
