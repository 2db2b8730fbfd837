// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Power management.
 *
 * System sleep is never refused: the schedulers stop, running jobs are
 * parked, on-card memory is saved to host memory, the card is silenced;
 * the PCI core then saves the config space and powers the card down,
 * which loses everything on it. Resume is the hang-recovery path: reset,
 * DMA engine, firmware from the cached image (no file system), on-card
 * memory back, parked jobs started again, schedulers restarted.
 *
 * Runtime PM: every job holds a reference from SUBMIT until it ends (as
 * ivpu does: the wake-up runs in the ioctl, never in run_job, which is in
 * the fence-signalling path), so the card autosuspends once idle for the
 * delay and the next SUBMIT wakes it. Queries never wake it. Runtime
 * suspend and resume are the same save and bring-up without the
 * schedulers, which keep running. The driver allows runtime PM itself
 * (PCI leaves it forbidden until userspace writes "auto"), as ivpu and
 * amdxdna do: an idle card sleeps without any tuning.
 *
 * Hibernation: freeze, thaw, poweroff and restore are the suspend and
 * resume above. Restore runs in the kernel of the image, whose state says
 * "suspended", after a boot kernel that may or may not have bound the card
 * (and then froze it); resume starts with a reset and assumes nothing of
 * the card, so both work.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/suspend.h>

#include <drm/drm_print.h>

#include "metis_backup.h"
#include "metis_device.h"
#include "metis_drv.h"
#include "metis_pm.h"
#include "metis_sched.h"

static int metis_autosuspend_ms = 2000;
module_param_named(autosuspend_ms, metis_autosuspend_ms, int, 0444);
MODULE_PARM_DESC(autosuspend_ms,
		 "initial runtime PM autosuspend delay in ms (default 2000, -1: never; power/autosuspend_delay_ms tunes it)");

static int metis_pm_suspend(struct device *dev)
{
	struct metis_device *mdev = dev_get_drvdata(dev);
	ktime_t start = ktime_get();

	/* Before lifecycle_lock, which a recovery holds. Timeouts are frozen by now. */
	metis_sched_stop_all(mdev, NULL);

	guard(mutex)(&mdev->lifecycle_lock);
	mdev->system_suspended = true;
	mdev->suspended_from = mdev->state;
	if (mdev->state != METIS_STATE_SUSPENDED)
		mdev->rpm_from = mdev->state;
	if (mdev->state == METIS_STATE_GONE ||
	    mdev->state == METIS_STATE_SUSPENDED)
		return 0;
	metis_device_halt(mdev, METIS_STATE_SUSPENDING);
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
	int ret = 0;

	scoped_guard(mutex, &mdev->lifecycle_lock) {
		if (!mdev->system_suspended)
			return 0;
		mdev->system_suspended = false;
		/* Runtime-suspended before: the next job wakes it. */
		if (mdev->state != METIS_STATE_SUSPENDED ||
		    mdev->suspended_from == METIS_STATE_SUSPENDED)
			break;
		metis_device_set_state(mdev, METIS_STATE_RESUMING);
		if (mdev->suspended_from == METIS_STATE_ERROR) {
			/* A card in error stays so until someone resets it. */
			metis_device_set_state(mdev, METIS_STATE_ERROR);
			metis_device_restart(mdev, NULL, false, METIS_RESET_NONE);
			break;
		}
		ret = metis_device_restart(mdev, NULL, true, METIS_RESET_EXT);
		mdev->last_resume_us = ktime_us_delta(ktime_get(), start);
	}
	metis_sched_start_all(mdev);

	if (ret)
		drm_err(&mdev->drm, "card did not resume (%d): jobs fail with -EIO\n",
			ret);
	else
		drm_dbg_driver(&mdev->drm, "resumed in %llu us\n",
			       mdev->last_resume_us);
	/* Never fail the system resume: the device reports its state. */
	return 0;
}

static int metis_rpm_suspend(struct device *dev)
{
	struct metis_device *mdev = dev_get_drvdata(dev);
	ktime_t start = ktime_get();
	unsigned int i;
	int ret = 0;

	/*
	 * The host copies first, outside lifecycle_lock (a recovery holds
	 * it): without the memory the card stays awake, nothing is lost.
	 */
	if (metis_device_state(mdev) == METIS_STATE_READY)
		ret = metis_mem_prepare(mdev);
	if (ret)
		drm_warn_once(&mdev->drm, "no host memory to save card memory into (%d): the card stays awake\n",
			      ret);

	guard(mutex)(&mdev->lifecycle_lock);
	if (mdev->state == METIS_STATE_GONE)
		return 0;
	for (i = 0; i < METIS_NUM_QUEUES && !ret; i++)
		if (metis_queue_busy(&mdev->queues[i]))
			ret = -EBUSY;
	if (ret) {
		metis_mem_unprepare(mdev);
		return -EBUSY;
	}
	mdev->suspended_from = METIS_STATE_SUSPENDED;
	mdev->rpm_from = mdev->state;
	metis_device_halt(mdev, METIS_STATE_SUSPENDING);
	metis_device_set_state(mdev, METIS_STATE_SUSPENDED);
	mdev->last_suspend_us = ktime_us_delta(ktime_get(), start);
	drm_dbg_driver(&mdev->drm, "runtime suspended in %llu us\n",
		       mdev->last_suspend_us);
	return 0;
}

static int metis_rpm_resume(struct device *dev)
{
	struct metis_device *mdev = dev_get_drvdata(dev);
	ktime_t start = ktime_get();
	int ret;

	guard(mutex)(&mdev->lifecycle_lock);
	if (mdev->state != METIS_STATE_SUSPENDED)
		return 0;
	metis_device_set_state(mdev, METIS_STATE_RESUMING);
	if (mdev->rpm_from == METIS_STATE_ERROR) {
		metis_device_set_state(mdev, METIS_STATE_ERROR);
		return 0;
	}
	ret = metis_device_restart(mdev, NULL, true, METIS_RESET_EXT);
	mdev->last_resume_us = ktime_us_delta(ktime_get(), start);
	if (ret)
		drm_err(&mdev->drm, "card did not resume (%d): jobs fail with -EIO\n",
			ret);
	else
		drm_dbg_driver(&mdev->drm, "runtime resumed in %llu us\n",
			       mdev->last_resume_us);
	/* The device reports the error state; jobs fail, nothing hangs. */
	return 0;
}

/*
 * Before system sleep, while allocating may still reclaim and fail: the
 * host copies of card memory, or the sleep is refused (as xe evicts in
 * its notifier). After it, the copies that hold nothing go.
 */
static int metis_pm_notifier(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct metis_device *mdev = container_of(nb, struct metis_device, pm_nb);
	int ret;

	switch (action) {
	case PM_HIBERNATION_PREPARE:
	case PM_SUSPEND_PREPARE:
		/* Only a running card has memory to save. */
		if (metis_device_state(mdev) != METIS_STATE_READY)
			break;
		metis_mem_keep_backups(mdev, true);
		ret = metis_mem_prepare(mdev);
		if (ret) {
			/* A notifier that fails gets no PM_POST_*. */
			metis_mem_keep_backups(mdev, false);
			metis_mem_unprepare(mdev);
			drm_err(&mdev->drm, "no host memory to save card memory into (%d): system sleep refused\n",
				ret);
			return notifier_from_errno(ret);
		}
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
	case PM_POST_SUSPEND:
		metis_mem_keep_backups(mdev, false);
		metis_mem_unprepare(mdev);
		break;
	}
	return NOTIFY_DONE;
}

const struct dev_pm_ops metis_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(metis_pm_suspend, metis_pm_resume)
	RUNTIME_PM_OPS(metis_rpm_suspend, metis_rpm_resume, NULL)
};

/**
 * metis_pm_init() - enable runtime PM once the device is registered
 * @mdev: device
 *
 * Drops the reference the PCI core holds during probe and allows runtime
 * PM, which the PCI core forbids by default: the card autosuspends after
 * the delay (module parameter autosuspend_ms, then
 * power/autosuspend_delay_ms) with no userspace policy. Writing "on" to
 * power/control keeps it awake.
 */
void metis_pm_init(struct metis_device *mdev)
{
	struct device *dev = mdev->drm.dev;

	mdev->pm_nb.notifier_call = metis_pm_notifier;
	if (register_pm_notifier(&mdev->pm_nb))
		mdev->pm_nb.notifier_call = NULL;
	pm_runtime_set_autosuspend_delay(dev, metis_autosuspend_ms);
	pm_runtime_use_autosuspend(dev);
	pm_runtime_mark_last_busy(dev);
	pm_runtime_allow(dev);
	pm_runtime_put_autosuspend(dev);
}

/**
 * metis_pm_fini() - take back the probe reference before remove
 * @mdev: device; the PCI core resumed it for remove
 *
 * Forbids runtime PM again: the PCI default for a device without a driver.
 */
void metis_pm_fini(struct metis_device *mdev)
{
	struct device *dev = mdev->drm.dev;

	if (mdev->pm_nb.notifier_call)
		unregister_pm_notifier(&mdev->pm_nb);
	pm_runtime_get_noresume(dev);
	pm_runtime_forbid(dev);
	pm_runtime_dont_use_autosuspend(dev);
}
