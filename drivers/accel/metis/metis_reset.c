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
 * Timeouts run on one ordered workqueue, with the two steps of a PCI reset
 * from outside the driver, so none of them overlaps another.
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
	/* A PCI reset from outside has it halted: its restart brings it back. */
	if (mdev->outside_reset)
		return -EBUSY;
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
 * A reset the PCI core does for someone else (the sysfs reset file, or a
 * driver resetting the bus) loses card memory and the card's set-up like
 * any other: the card is halted first, its memory saved and its jobs
 * parked, as for a suspend, and brought back after, as for a resume. Both
 * steps run on the ordered reset workqueue, as hang recoveries do, so
 * they never overlap one; no lock is held between the two callbacks. A
 * runtime-suspended card has its memory saved already and its next
 * wake-up starts with a reset anyway. AER recovery does not come here
 * (it has its own callbacks, which the driver does not implement yet).
 */
static void metis_outside_reset_halt(struct work_struct *work)
{
	struct metis_device *mdev = container_of(work, struct metis_device,
						 outside_reset_work);

	guard(mutex)(&mdev->lifecycle_lock);
	if (mdev->shut_down || (mdev->state != METIS_STATE_READY &&
				mdev->state != METIS_STATE_ERROR))
		return;
	metis_sched_stop_all(mdev, NULL);
	metis_device_halt(mdev, METIS_STATE_RESETTING);
	mdev->outside_reset = true;
}

static void metis_outside_reset_restart(struct work_struct *work)
{
	struct metis_device *mdev = container_of(work, struct metis_device,
						 outside_reset_work);
	int ret;

	scoped_guard(mutex, &mdev->lifecycle_lock) {
		if (!mdev->outside_reset)
			return;
		mdev->outside_reset = false;
		ret = metis_device_restart(mdev, NULL, true, METIS_RESET_EXT);
		metis_sched_start_all(mdev);
	}
	if (ret)
		drm_err(&mdev->drm, "card did not come back after a PCI reset: %d\n",
			ret);
	else
		drm_info(&mdev->drm, "card back after a PCI reset, its memory restored\n");
}

static void metis_outside_reset_step(struct metis_device *mdev,
				     work_func_t step)
{
	INIT_WORK(&mdev->outside_reset_work, step);
	queue_work(mdev->reset_wq, &mdev->outside_reset_work);
	flush_work(&mdev->outside_reset_work);
}

/* Not for the driver's own function reset (its caller is the recovery). */
static bool metis_outside(struct metis_device *mdev)
{
	return mdev && READ_ONCE(mdev->own_reset_task) != current;
}

static void metis_pci_reset_prepare(struct pci_dev *pdev)
{
	struct metis_device *mdev = pci_get_drvdata(pdev);

	if (metis_outside(mdev))
		metis_outside_reset_step(mdev, metis_outside_reset_halt);
}

static void metis_pci_reset_done(struct pci_dev *pdev)
{
	struct metis_device *mdev = pci_get_drvdata(pdev);

	if (metis_outside(mdev))
		metis_outside_reset_step(mdev, metis_outside_reset_restart);
}

const struct pci_error_handlers metis_pci_err_handlers = {
	.reset_prepare = metis_pci_reset_prepare,
	.reset_done = metis_pci_reset_done,
};
