/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_DEVICE_H__
#define __METIS_DEVICE_H__

#include <linux/ktime.h>
#include <linux/types.h>

struct metis_device;

/**
 * enum metis_state - lifecycle of the card, owned by metis_device.c
 * @METIS_STATE_OFF: probed, not initialised yet.
 * @METIS_STATE_BOOTING: resetting the card and booting the firmware.
 * @METIS_STATE_READY: firmware runs; jobs go to the hardware.
 * @METIS_STATE_SUSPENDING: draining and saving for a power transition.
 * @METIS_STATE_SUSPENDED: powered down; state saved in host memory.
 * @METIS_STATE_RESUMING: card re-initialisation after power-up.
 * @METIS_STATE_RESETTING: hang recovery in progress.
 * @METIS_STATE_ERROR: the firmware did not boot; jobs fail with -EIO.
 * @METIS_STATE_GONE: unplugged; nothing touches the hardware any more.
 * @METIS_STATE_COUNT: number of states.
 */
enum metis_state {
	METIS_STATE_OFF,
	METIS_STATE_BOOTING,
	METIS_STATE_READY,
	METIS_STATE_SUSPENDING,
	METIS_STATE_SUSPENDED,
	METIS_STATE_RESUMING,
	METIS_STATE_RESETTING,
	METIS_STATE_ERROR,
	METIS_STATE_GONE,
	METIS_STATE_COUNT,
};

#define METIS_STATE_HISTORY	16

/**
 * enum metis_reset_kind - what a bring-up resets first
 * @METIS_RESET_NONE: nothing; the card may have been reset (resume).
 * @METIS_RESET_EXT: a soft reset when the card has the extension area
 *	(our firmware must start from its boot ROM), else nothing.
 * @METIS_RESET_FULL: a soft reset, or a PCI function reset on a card
 *	without the extension area (hang recovery, debugfs reset).
 */
enum metis_reset_kind {
	METIS_RESET_NONE,
	METIS_RESET_EXT,
	METIS_RESET_FULL,
};

/**
 * struct metis_state_event - one recorded state transition
 * @time: when it happened (boot time clock).
 * @from: old state.
 * @to: new state.
 */
struct metis_state_event {
	ktime_t time;
	enum metis_state from;
	enum metis_state to;
};

const char *metis_state_name(enum metis_state state);
void metis_device_set_state(struct metis_device *mdev, enum metis_state to);
enum metis_state metis_device_state(struct metis_device *mdev);
u32 metis_device_uapi_state(struct metis_device *mdev);

struct drm_sched_job;

int metis_device_init(struct metis_device *mdev);
void metis_device_halt(struct metis_device *mdev, enum metis_state via);
int metis_device_restart(struct metis_device *mdev, struct drm_sched_job *bad,
			 bool bringup, enum metis_reset_kind kind);
int metis_device_bringup(struct metis_device *mdev, enum metis_reset_kind kind);
void metis_device_quiesce(struct metis_device *mdev);
void metis_device_unplug(struct metis_device *mdev);
void metis_device_abort(struct metis_device *mdev);

#endif /* __METIS_DEVICE_H__ */
