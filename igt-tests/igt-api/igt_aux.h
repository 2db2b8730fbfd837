/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Declarations of IGT's public suspend helpers (see igt_core.h for why
 * metis carries its own declarations of IGT's API).
 */
#ifndef METIS_IGT_AUX_H
#define METIS_IGT_AUX_H

/* Target of igt_system_suspend_autoresume(); see /sys/power/state. */
enum igt_suspend_state {
	SUSPEND_STATE_FREEZE,	/* s2idle */
	SUSPEND_STATE_STANDBY,
	SUSPEND_STATE_S3,	/* mem with mem_sleep forced to deep */
	SUSPEND_STATE_MEM,	/* mem with the system's mem_sleep */
	SUSPEND_STATE_DISK,	/* hibernation */
	SUSPEND_STATE_NUM,
};

/* Where the kernel's pm_test stops the cycle (/sys/power/pm_test). */
enum igt_suspend_test {
	SUSPEND_TEST_NONE,	/* full cycle */
	SUSPEND_TEST_FREEZER,
	SUSPEND_TEST_DEVICES,
	SUSPEND_TEST_PLATFORM,
	SUSPEND_TEST_PROCESSORS,
	SUSPEND_TEST_CORE,
	SUSPEND_TEST_NUM,
};

void igt_system_suspend_autoresume(enum igt_suspend_state state,
				   enum igt_suspend_test test);
void igt_set_autoresume_delay(int delay_secs);
int igt_get_autoresume_delay(enum igt_suspend_state state);

#endif /* METIS_IGT_AUX_H */
