// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Hang recovery. A scheduler timeout stops every scheduler, saves card
 * memory, resets the card (our soft reset when the card has the extension
 * area, else a PCI function reset), brings it up again (the loader's
 * areas, DMA engine, host-driver area, firmware from the cached image,
 * interrupts), restores card memory, ends the guilty job with -ETIMEDOUT
 * and replays the innocent in-flight jobs before the schedulers restart.
 * Timeouts run on one ordered workqueue, so recoveries never overlap.
 */

#include <linux/pm_runtime.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "metis_compat.h"
#include "metis_device.h"
#include "metis_drv.h"
#include "metis_fw.h"
#include "metis_hw.h"
#include "metis_job.h"
#include "metis_reset.h"
#include "metis_sched.h"

/*
 * Halt and restart with the schedulers stopped. @bad may be NULL (a reset
 * asked for through debugfs). Called with lifecycle_lock held.
 */
static int metis_reset_locked(struct metis_device *mdev,
			      struct drm_sched_job *bad)
{
	ktime_t start = ktime_get();
	int ret;

	/* After shutdown the card stays silent for the next kernel. */
	if (mdev->shut_down)
		return -ESHUTDOWN;
	metis_sched_stop_all(mdev, bad);
	metis_device_halt(mdev, METIS_STATE_RESETTING);
	ret = metis_device_restart(mdev, bad, true, METIS_RESET_FULL);
	metis_sched_start_all(mdev);
	if (ret != -ENODEV) {
		atomic_inc(&mdev->reset_count);
		mdev->last_reset_us = ktime_us_delta(ktime_get(), start);
	}
	if (bad)
		atomic_inc(&mdev->hang_count);
	return ret;
}

/**
 * metis_reset_recover() - recover from a job timeout
 * @mdev: device
 * @bad: the job that timed out
 *
 * Return: the status for the scheduler.
 */
enum drm_gpu_sched_stat metis_reset_recover(struct metis_device *mdev,
					    struct drm_sched_job *bad)
{
	struct metis_job *job = to_metis_job(bad);
	int ret;

	drm_warn(&mdev->drm, "%s: job timed out, resetting the card\n",
		 job->queue->name);
	scoped_guard(mutex, &mdev->lifecycle_lock)
		ret = metis_reset_locked(mdev, bad);
	if (ret)
		drm_err(&mdev->drm, "card did not recover: %d\n", ret);
	else if (!drm_dev_is_unplugged(&mdev->drm))
		drm_info(&mdev->drm, "card recovered in %llu us (reset %d)\n",
			 mdev->last_reset_us, atomic_read(&mdev->reset_count));
	return drm_dev_is_unplugged(&mdev->drm) ? DRM_GPU_SCHED_STAT_ENODEV :
						  METIS_SCHED_STAT_RESET;
}

/**
 * metis_reset_device() - reset the card on request (debugfs)
 * @mdev: device
 *
 * Also the way out of the error state once the cause is fixed: without a
 * cached firmware image (its request failed at probe) the image is
 * requested again first.
 *
 * Return: 0 or a negative errno.
 */
int metis_reset_device(struct metis_device *mdev)
{
	struct device *dev = mdev->drm.dev;
	int ret;

	ret = pm_runtime_resume_and_get(dev);
	if (ret)
		return ret;
	scoped_guard(mutex, &mdev->lifecycle_lock) {
		if (drm_dev_is_unplugged(&mdev->drm)) {
			ret = -ENODEV;
			break;
		}
		/* The request at probe may have failed: ask again. */
		if (!mdev->fw.image && metis_has_ext(mdev))
			ret = metis_fw_request(mdev);
		if (!ret)
			ret = metis_reset_locked(mdev, NULL);
	}
	pm_runtime_put_autosuspend(dev);
	return ret;
}

/*
 * A reset the PCI core does for someone else (sysfs reset, AER) loses
 * card memory and the card's set-up like any other: the card is halted
 * first, its memory saved and its jobs parked, as for a suspend, and
 * brought back after, as for a resume. lifecycle_lock is held from the
 * prepare to the done callback. A runtime-suspended card has its memory
 * saved already; its next wake-up starts with a reset anyway.
 */
static void metis_pci_reset_prepare(struct pci_dev *pdev)
{
	struct metis_device *mdev = pci_get_drvdata(pdev);

	if (!mdev || READ_ONCE(mdev->own_pci_reset))
		return;
	metis_sched_stop_all(mdev, NULL);
	mutex_lock(&mdev->lifecycle_lock);
	if (mdev->shut_down || (mdev->state != METIS_STATE_READY &&
				mdev->state != METIS_STATE_ERROR)) {
		mutex_unlock(&mdev->lifecycle_lock);
		metis_sched_start_all(mdev);
		return;
	}
	mdev->outside_reset = true;
	metis_device_halt(mdev, METIS_STATE_RESETTING);
}

static void metis_pci_reset_done(struct pci_dev *pdev)
{
	struct metis_device *mdev = pci_get_drvdata(pdev);
	int ret;

	if (!mdev || READ_ONCE(mdev->own_pci_reset) || !mdev->outside_reset)
		return;
	mdev->outside_reset = false;
	ret = metis_device_restart(mdev, NULL, true, METIS_RESET_EXT);
	mutex_unlock(&mdev->lifecycle_lock);
	metis_sched_start_all(mdev);
	if (ret)
		drm_err(&mdev->drm, "card did not come back after a PCI reset: %d\n",
			ret);
	else
		drm_info(&mdev->drm, "card back after a PCI reset, its memory restored\n");
}

const struct pci_error_handlers metis_pci_err_handlers = {
	.reset_prepare = metis_pci_reset_prepare,
	.reset_done = metis_pci_reset_done,
};
