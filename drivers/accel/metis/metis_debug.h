/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Switches that break the driver on purpose, so that tests can show they
 * are able to fail. Compiled only with CONFIG_DRM_ACCEL_METIS_DEBUG; in
 * normal builds they are constants and the code they guard disappears.
 */
#ifndef __METIS_DEBUG_H__
#define __METIS_DEBUG_H__

#include <linux/types.h>

/* Probe steps that debug_fail_probe can fail. */
enum metis_probe_step {
	METIS_PROBE_PCI = 1,
	METIS_PROBE_IDENTIFY,
	METIS_PROBE_FIRMWARE,
	METIS_PROBE_MEMORY,
	METIS_PROBE_SCHED,
	METIS_PROBE_IRQ,
	METIS_PROBE_BRINGUP,
	METIS_PROBE_REGISTER,
};

#ifdef METIS_DEBUG_SWITCHES
extern bool metis_debug_skip_resume_init;
extern bool metis_debug_skip_quiesce;
extern unsigned int metis_debug_fail_probe;
#else
#define metis_debug_skip_resume_init	false
#define metis_debug_skip_quiesce	false
#define metis_debug_fail_probe		0u
#endif

/* Return: -ENODEV when the debug switch fails probe at @step, else 0. */
static inline int metis_debug_probe_fault(enum metis_probe_step step)
{
	return metis_debug_fail_probe == step ? -ENODEV : 0;
}

#endif /* __METIS_DEBUG_H__ */
