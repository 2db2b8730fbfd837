// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Device lifecycle: the state machine, bring-up (shared by probe, hang
 * recovery and resume) and the idempotent unplug sequence.
 */

#include <linux/pci.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <uapi/drm/metis_accel.h>

#include "metis_backup.h"
#include "metis_debug.h"
#include "metis_device.h"
#include "metis_dma.h"
#include "metis_drv.h"
#include "metis_fw.h"
#include "metis_gem.h"
#include "metis_hw.h"
#include "metis_job.h"
#include "metis_sched.h"

static const char *const state_names[METIS_STATE_COUNT] = {
	[METIS_STATE_OFF] = "off",
	[METIS_STATE_BOOTING] = "booting",
	[METIS_STATE_READY] = "ready",
	[METIS_STATE_SUSPENDING] = "suspending",
	[METIS_STATE_SUSPENDED] = "suspended",
	[METIS_STATE_RESUMING] = "resuming",
	[METIS_STATE_RESETTING] = "resetting",
	[METIS_STATE_ERROR] = "error",
	[METIS_STATE_GONE] = "gone",
};

/**
 * metis_state_name() - printable name of a state
 * @state: state
 *
 * Return: the name.
 */
const char *metis_state_name(enum metis_state state)
{
	return state < METIS_STATE_COUNT ? state_names[state] : "?";
}

/**
 * metis_device_set_state() - the only writer of mdev->state
 * @mdev: device
 * @to: new state
 *
 * Logs the transition and records it for debugfs. Callers hold
 * lifecycle_lock; GONE is final.
 */
void metis_device_set_state(struct metis_device *mdev, enum metis_state to)
{
	enum metis_state from = mdev->state;
	struct metis_state_event *ev;

	if (from == to || from == METIS_STATE_GONE)
		return;
	ev = &mdev->history[mdev->history_pos];
	ev->time = ktime_get_boottime();
	ev->from = from;
	ev->to = to;
	mdev->history_pos = (mdev->history_pos + 1) % METIS_STATE_HISTORY;
	mdev->transitions++;
	WRITE_ONCE(mdev->state, to);
	dev_dbg(mdev->drm.dev, "state %s -> %s\n", metis_state_name(from),
		metis_state_name(to));
}

/**
 * metis_device_state() - current state, without locking
 * @mdev: device
 *
 * Return: the state.
 */
enum metis_state metis_device_state(struct metis_device *mdev)
{
	return READ_ONCE(mdev->state);
}

/**
 * metis_device_uapi_state() - the state as userspace sees it
 * @mdev: device
 *
 * Return: a DRM_METIS_STATE_* value.
 */
u32 metis_device_uapi_state(struct metis_device *mdev)
{
	switch (metis_device_state(mdev)) {
	case METIS_STATE_READY:
		return DRM_METIS_STATE_READY;
	case METIS_STATE_SUSPENDING:
	case METIS_STATE_SUSPENDED:
	case METIS_STATE_RESUMING:
		/* A card in error stays in error while it sleeps. */
		if (READ_ONCE(mdev->rpm_from) == METIS_STATE_ERROR)
			return DRM_METIS_STATE_ERROR;
		return DRM_METIS_STATE_SUSPENDED;
	case METIS_STATE_ERROR:
		return DRM_METIS_STATE_ERROR;
	case METIS_STATE_GONE:
		return DRM_METIS_STATE_GONE;
	default:
		return DRM_METIS_STATE_RESETTING;
	}
}

/**
 * metis_device_bringup() - take the card from any state to running
 * @mdev: device; the caller holds lifecycle_lock and drm_dev_enter()
 * @kind: what to reset first
 *
 * The loader's areas (waited for and checked), the reset @kind asks for,
 * the eDMA engine (enabled, IMWR programmed), the host-driver area, our
 * firmware from the cached image when the card has the extension area,
 * then the interrupts. The same path serves probe, hang recovery and
 * resume. Ends in READY, or in ERROR with the interrupts masked.
 *
 * Return: 0 or a negative errno.
 */
int metis_device_bringup(struct metis_device *mdev, enum metis_reset_kind kind)
{
	int ret;

	if (mdev->state == METIS_STATE_OFF || mdev->state == METIS_STATE_ERROR)
		metis_device_set_state(mdev, METIS_STATE_BOOTING);

	ret = metis_hw_wait_areas(mdev, false);
	/* A full reset may bring back a card that published nothing. */
	if (ret && (kind != METIS_RESET_FULL || ret == -ENODEV))
		goto fail;
	ret = metis_hw_reset(mdev, kind);
	if (ret)
		goto fail;
	metis_hw_irq_mask_all(mdev);
	metis_dma_hw_init(mdev);
	metis_hw_hdrv_enable(mdev);
	if (metis_has_ext(mdev)) {
		ret = metis_fw_boot(mdev);
		if (ret)
			goto fail;
	} else {
		mdev->fw.running = 0;
	}
	metis_hw_irq_unmask(mdev);
	metis_device_set_state(mdev, METIS_STATE_READY);
	return 0;

fail:
	if (!metis_hw_is_gone(mdev))
		metis_hw_quiesce(mdev);
	metis_device_set_state(mdev, METIS_STATE_ERROR);
	return ret;
}

/**
 * metis_device_quiesce() - silence the card for good and wait for its handlers
 * @mdev: device; the caller holds drm_dev_enter() and lifecycle_lock, and
 *	  stopped the schedulers' work (shutdown)
 */
void metis_device_quiesce(struct metis_device *mdev)
{
	unsigned int i;

	for (i = 0; i < METIS_NUM_QUEUES; i++)
		metis_queue_block(&mdev->queues[i], true);
	metis_hw_quiesce(mdev);
	metis_irq_synchronize(mdev);
}

/*
 * End the parked firmware commands that the card finished meanwhile.
 * Return: true if one ended.
 */
static bool metis_device_settle_fw(struct metis_device *mdev, bool *on_card)
{
	bool ended = false;
	unsigned int n;

	if (!metis_has_ext(mdev))
		return false;
	for (n = 0; n < METIS_CONTEXTS; n++) {
		struct metis_queue *q = metis_queue(mdev, METIS_ENGINE_CTX, n);

		ended |= metis_queue_settle_fw(q, &mdev->parked[q - mdev->queues],
					       &on_card[n]);
	}
	return ended;
}

/**
 * metis_device_halt() - stop the card and keep its work for a restart
 * @mdev: device; the caller holds lifecycle_lock
 * @via: state while halted (RESETTING or SUSPENDING)
 *
 * Silences the card, parks every queue's jobs (on the hardware or next in
 * its FIFO, in order) and, when the card was running, saves card memory
 * to host memory (the stopped engine can still read the card). A
 * firmware command that completes on the card before the memory is saved
 * is ended, not parked: its replay would apply it to the saved result a
 * second time. The caller stopped the schedulers, or knows that
 * no job runs (runtime suspend). Hang recovery, system and runtime
 * suspend share it; metis_device_restart() is the way back.
 */
void metis_device_halt(struct metis_device *mdev, enum metis_state via)
{
	bool was_ready = mdev->state == METIS_STATE_READY;
	bool on_card[METIS_CONTEXTS] = {};
	unsigned int i, tries = 0;
	int idx;

	if (!drm_dev_enter(&mdev->drm, &idx)) {
		for (i = 0; i < METIS_NUM_QUEUES; i++)
			metis_queue_park(&mdev->queues[i], &mdev->parked[i]);
		return;
	}
	metis_device_set_state(mdev, via);
	/* No start between the quiesce and the end of the handlers. */
	for (i = 0; i < METIS_NUM_QUEUES; i++)
		metis_queue_block(&mdev->queues[i], true);
	metis_hw_quiesce(mdev);
	metis_irq_synchronize(mdev);
	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		bool first = list_empty(&mdev->parked[i]);

		if (metis_queue_park(&mdev->queues[i], &mdev->parked[i]) &&
		    first && i >= METIS_ENGINE_CTX * METIS_QUEUES_PER_ENGINE)
			on_card[i - METIS_ENGINE_CTX * METIS_QUEUES_PER_ENGINE] = true;
	}
	if (was_ready) {
		metis_dma_hw_init(mdev);
		/*
		 * Firmware commands run on: save again while one completed
		 * during the save (it ends here and is not replayed).
		 */
		do {
			metis_device_settle_fw(mdev, on_card);
			metis_mem_save(mdev);
		} while (metis_device_settle_fw(mdev, on_card) &&
			 ++tries <= METIS_CONTEXTS);
		metis_hw_quiesce(mdev);
	}
	drm_dev_exit(idx);
}

/**
 * metis_device_restart() - bring the card back after metis_device_halt()
 * @mdev: device; the caller holds lifecycle_lock
 * @bad: the job that timed out, or NULL
 * @bringup: bring the card up; if false it stays down (error state) and
 *           the parked jobs fail
 * @kind: what the bring-up resets first
 *
 * Bring-up, card memory restored (L2 and DDR buffers), the guilty job
 * ended with -ETIMEDOUT, the other parked jobs started again in their
 * queue's order (or ended with -EIO if the card did not come back,
 * -ENODEV if it is gone, -EOPNOTSUPP for firmware jobs on a card that no
 * longer has the extension area). The
 * caller restarts the schedulers it stopped (metis_sched_start_all() gives
 * the jobs their hardware fences back).
 *
 * Return: 0, or the bring-up error.
 */
int metis_device_restart(struct metis_device *mdev, struct drm_sched_job *bad,
			 bool bringup, enum metis_reset_kind kind)
{
	unsigned int i;
	int ret = -ENODEV, idx;
	bool entered;

	entered = drm_dev_enter(&mdev->drm, &idx);
	if (entered && !bringup) {
		ret = -EIO;
	} else if (entered && metis_debug_skip_resume_init &&
		   mdev->state == METIS_STATE_RESUMING) {
		/* What the vendor driver does: assume the card kept its state. */
		metis_device_set_state(mdev, METIS_STATE_READY);
		ret = 0;
	} else if (entered) {
		ret = metis_device_bringup(mdev, kind);
		if (!ret)
			metis_mem_restore(mdev);
	}

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct metis_job *job, *next;

		/* Every job the queue held, in order: end it or replay it. */
		list_for_each_entry_safe(job, next, &mdev->parked[i], qlink) {
			int error = ret == -ENODEV ? -ENODEV :
				    &job->base == bad ? -ETIMEDOUT : ret ? -EIO : 0;

			if (!error && job->op == DRM_METIS_OP_FW &&
			    !metis_has_ext(mdev))
				error = -EOPNOTSUPP;
			/* Its buffer's contents did not survive the halt. */
			if (!error && metis_job_bo_lost(job))
				error = -EIO;

			if (!error)
				continue;
			list_del_init(&job->qlink);
			metis_job_end(job, error);
		}
		if (!list_empty(&mdev->parked[i]))
			metis_queue_replay(&mdev->queues[i], &mdev->parked[i]);
		else if (!ret)
			metis_queue_block(&mdev->queues[i], false);
	}
	if (entered)
		drm_dev_exit(idx);
	return ret;
}

static void metis_device_irq_release(void *arg)
{
	metis_irq_fini(arg);
}

static void metis_device_fw_release(struct drm_device *drm, void *arg)
{
	metis_fw_release(to_metis_device(drm));
}

/**
 * metis_device_init() - initialise the device and boot the card
 * @mdev: device with its BARs mapped
 *
 * A firmware that is missing or does not boot is not a probe failure: the
 * device registers in the ERROR state and reports why.
 *
 * Return: 0 or a negative errno.
 */
int metis_device_init(struct metis_device *mdev)
{
	int ret;

	spin_lock_init(&mdev->irq_lock);
	spin_lock_init(&mdev->imwr_lock);
	init_completion(&mdev->unplug_done);
	ret = drmm_mutex_init(&mdev->drm, &mdev->lifecycle_lock);
	if (ret)
		return ret;
	ret = drmm_mutex_init(&mdev->drm, &mdev->mm_lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&mdev->host_bos);
	INIT_LIST_HEAD(&mdev->dma_lists);
	ret = drmm_mutex_init(&mdev->drm, &mdev->dma_lock) ?:
	      drmm_mutex_init(&mdev->drm, &mdev->kernel_lock);
	if (ret)
		return ret;
	ret = metis_hw_hdrv_init(mdev);
	if (ret)
		return ret;

	ret = metis_hw_identify(mdev) ?:
	      metis_hw_wait_areas(mdev, true) ?:
	      metis_debug_probe_fault(METIS_PROBE_IDENTIFY);
	if (ret)
		return ret;
	/*
	 * A previous driver (or a crashed kernel) may have left the card
	 * running: silence it before it may write host memory at all.
	 */
	metis_hw_quiesce(mdev);
	pci_set_master(mdev->pdev);

	if (metis_has_ext(mdev)) {
		ret = metis_fw_request(mdev);
		if (ret == -ENOMEM)
			return ret;
	} else {
		drm_info(&mdev->drm, "card without our extension area: DMA only, no firmware jobs\n");
	}
	ret = metis_debug_probe_fault(METIS_PROBE_FIRMWARE);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&mdev->drm, metis_device_fw_release, NULL);
	if (ret)
		return ret;

	ret = metis_mem_init(mdev) ?:
	      metis_debug_probe_fault(METIS_PROBE_MEMORY);
	if (ret)
		return ret;
	ret = metis_sched_init(mdev) ?:
	      metis_debug_probe_fault(METIS_PROBE_SCHED);
	if (ret)
		return ret;

	ret = metis_irq_init(mdev);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(mdev->drm.dev, metis_device_irq_release,
				       mdev);
	if (ret)
		return ret;
	ret = metis_debug_probe_fault(METIS_PROBE_IRQ);
	if (ret)
		return ret;

	scoped_guard(mutex, &mdev->lifecycle_lock)
		ret = metis_device_bringup(mdev, METIS_RESET_EXT);
	if (metis_debug_probe_fault(METIS_PROBE_BRINGUP)) {
		/* The card runs: silence it before the handlers go. */
		metis_hw_quiesce(mdev);
		metis_irq_fini(mdev);
		return -ENODEV;
	}
	if (ret)
		drm_err(&mdev->drm, "card not ready (%d): jobs will fail with -EIO\n",
			ret);
	else if (metis_has_ext(mdev))
		drm_info(&mdev->drm, "firmware %u.%u.%u running\n",
			 mdev->fw.running >> 16, (mdev->fw.running >> 8) & 0xff,
			 mdev->fw.running & 0xff);
	return 0;
}

/**
 * metis_device_abort() - undo metis_device_init() when probe fails later
 * @mdev: device, never registered
 *
 * Nobody can have opened it, so silencing the card and freeing the
 * handlers is all; devm and drmm release the rest.
 */
void metis_device_abort(struct metis_device *mdev)
{
	atomic_set(&mdev->unplugged, 1);
	scoped_guard(mutex, &mdev->lifecycle_lock) {
		metis_device_set_state(mdev, METIS_STATE_GONE);
		if (!metis_hw_is_gone(mdev))
			metis_hw_quiesce(mdev);
	}
	metis_irq_fini(mdev);
	complete_all(&mdev->unplug_done);
}

/**
 * metis_device_unplug() - detach from the card, once
 * @mdev: device
 *
 * Order matters: no new hardware access (drm_dev_unplug), no new jobs to
 * the hardware, the card silenced at the device (interrupt sources masked,
 * DMA engine stopped), handlers gone, then every in-flight fence ended
 * with -ENODEV; only then the descriptor lists are freed and the host
 * buffers unmapped, which must not outlive the device (their jobs and
 * objects may: clients hold them). A second caller waits for the first
 * to finish.
 */
void metis_device_unplug(struct metis_device *mdev)
{
	unsigned int i;

	if (atomic_xchg(&mdev->unplugged, 1)) {
		wait_for_completion(&mdev->unplug_done);
		return;
	}

	drm_dev_unplug(&mdev->drm);
	metis_sched_wqueue_stop_all(mdev);

	scoped_guard(mutex, &mdev->lifecycle_lock) {
		metis_device_set_state(mdev, METIS_STATE_GONE);
		for (i = 0; i < METIS_NUM_QUEUES; i++)
			metis_queue_block(&mdev->queues[i], true);
		if (!metis_hw_is_gone(mdev) && !metis_debug_skip_quiesce)
			metis_hw_quiesce(mdev);
	}
	metis_irq_fini(mdev);

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct metis_job *job, *next;
		LIST_HEAD(jobs);

		/* Every job on the hardware or next in the queue. */
		metis_queue_park(&mdev->queues[i], &jobs);
		list_for_each_entry_safe(job, next, &jobs, qlink) {
			list_del_init(&job->qlink);
			metis_job_end(job, -ENODEV);
		}
	}
	/*
	 * Nothing of the card's can outlive the device: jobs and buffers
	 * that clients still hold lose their descriptors and DMA mappings
	 * now (the buffers keep their pages), not when they are freed.
	 */
	metis_dma_lists_release(mdev);
	metis_gem_unmap_all(mdev);
	/* Let queued jobs drain: run_job now fails them with -ENODEV. */
	metis_sched_wqueue_start_all(mdev);
	complete_all(&mdev->unplug_done);
}
