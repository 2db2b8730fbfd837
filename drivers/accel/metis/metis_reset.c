// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Hang recovery. A scheduler timeout stops every scheduler, resets the
 * card, brings it up again (DMA engine, firmware from the cached image,
 * interrupts), ends the guilty job with -ETIMEDOUT and replays the
 * innocent in-flight jobs before the schedulers restart. Timeouts run on
 * one ordered workqueue, so recoveries never overlap.
 */

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "metis_compat.h"
#include "metis_device.h"
#include "metis_drv.h"
#include "metis_hw.h"
#include "metis_job.h"
#include "metis_reset.h"
#include "metis_sched.h"

/*
 * Re-attach a stopped job's hardware fence to its scheduler fence:
 * drm_sched_stop() dropped it, drm_sched_start() waits on it again.
 */
static void metis_reset_reattach(struct metis_job *job)
{
	struct drm_sched_fence *s_fence = job->base.s_fence;

	if (!s_fence->parent)
		s_fence->parent = dma_fence_get(&job->done_fence);
}

/*
 * Stop, reset and restart with the schedulers stopped. @bad may be NULL
 * (a reset asked for by the driver). Called with lifecycle_lock held.
 */
static int metis_reset_locked(struct metis_device *mdev,
			      struct drm_sched_job *bad)
{
	struct metis_job *inflight[METIS_NUM_QUEUES];
	ktime_t start = ktime_get();
	bool gone = false;
	unsigned int i;
	int ret = 0, idx;

	metis_sched_stop_all(mdev, bad);

	if (drm_dev_enter(&mdev->drm, &idx)) {
		metis_device_set_state(mdev, METIS_STATE_RESETTING);
		metis_hw_quiesce(mdev);
		metis_irq_synchronize(mdev);
	} else {
		gone = true;
	}

	for (i = 0; i < METIS_NUM_QUEUES; i++)
		inflight[i] = metis_queue_take_active(&mdev->queues[i]);

	if (!gone) {
		ret = metis_device_bringup(mdev);
		atomic_inc(&mdev->reset_count);
	}

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct metis_job *job = inflight[i];

		if (!job)
			continue;
		metis_reset_reattach(job);
		if (gone)
			metis_job_end(job, -ENODEV);
		else if (&job->base == bad)
			metis_job_end(job, -ETIMEDOUT);
		else if (ret)
			metis_job_end(job, -EIO);
		else
			metis_queue_start_job(&mdev->queues[i], job);
	}
	if (bad) {
		/* The guilty job may have finished just before the timeout. */
		metis_reset_reattach(to_metis_job(bad));
		atomic_inc(&mdev->hang_count);
	}

	if (!gone) {
		mdev->last_reset_us = ktime_us_delta(ktime_get(), start);
		drm_dev_exit(idx);
	}
	metis_sched_start_all(mdev);
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
 * Also the way out of the error state once the cause is fixed.
 *
 * Return: 0 or a negative errno.
 */
int metis_reset_device(struct metis_device *mdev)
{
	guard(mutex)(&mdev->lifecycle_lock);
	if (drm_dev_is_unplugged(&mdev->drm))
		return -ENODEV;
	return metis_reset_locked(mdev, NULL);
}
