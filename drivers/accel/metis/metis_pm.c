// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * System sleep. Suspend is never refused: the schedulers stop, running
 * jobs are parked, on-card memory is saved to host memory, the card is
 * silenced; the PCI core then saves the config space and powers the card
 * down, which loses everything on it. Resume is the hang-recovery path:
 * reset, DMA engine, firmware from the cached image (no file system),
 * on-card memory back, parked jobs started again, schedulers restarted.
 */

#include <linux/pci.h>

#include <drm/drm_print.h>

#include "metis_device.h"
#include "metis_drv.h"
#include "metis_pm.h"

static int metis_pm_suspend(struct device *dev)
{
	struct metis_device *mdev = dev_get_drvdata(dev);
	ktime_t start = ktime_get();

	guard(mutex)(&mdev->lifecycle_lock);
	if (mdev->state == METIS_STATE_GONE ||
	    mdev->state == METIS_STATE_SUSPENDED)
		return 0;
	mdev->suspended_from = mdev->state;
	metis_device_halt(mdev, NULL, METIS_STATE_SUSPENDING);
	metis_device_set_state(mdev, METIS_STATE_SUSPENDED);
	mdev->last_suspend_us = ktime_us_delta(ktime_get(), start);
	drm_dbg_driver(&mdev->drm, "suspended in %llu us\n",
		       mdev->last_suspend_us);
	return 0;
}

static int metis_pm_resume(struct device *dev)
{
	struct metis_device *mdev = dev_get_drvdata(dev);
	ktime_t start = ktime_get();
	int ret;

	guard(mutex)(&mdev->lifecycle_lock);
	if (mdev->state != METIS_STATE_SUSPENDED)
		return 0;
	metis_device_set_state(mdev, METIS_STATE_RESUMING);
	if (mdev->suspended_from == METIS_STATE_ERROR) {
		/* A card in error stays in error until someone resets it. */
		metis_device_set_state(mdev, METIS_STATE_ERROR);
		metis_device_restart(mdev, NULL, false);
		return 0;
	}
	ret = metis_device_restart(mdev, NULL, true);
	mdev->last_resume_us = ktime_us_delta(ktime_get(), start);
	if (ret)
		drm_err(&mdev->drm, "card did not resume (%d): jobs fail with -EIO\n",
			ret);
	else
		drm_dbg_driver(&mdev->drm, "resumed in %llu us\n",
			       mdev->last_resume_us);
	/* Never fail the system resume: the device reports its state. */
	return 0;
}

const struct dev_pm_ops metis_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(metis_pm_suspend, metis_pm_resume)
};
