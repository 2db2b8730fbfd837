// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * drm_sched back end: one scheduler per hardware queue (4 read channels,
 * 4 write channels, 4 firmware contexts), one entity per queue and file.
 * The scheduler gives each queue up to METIS_QUEUE_DEPTH jobs; the queue
 * keeps them in a FIFO (queue->jobs), runs them in order and, from the
 * interrupt handler, starts the next ones as soon as the hardware is done,
 * without waiting for the scheduler's work item. A reset parks and
 * replays the whole FIFO.
 */

#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <uapi/drm/metis_accel.h>

#include "metis_compat.h"
#include "metis_dma.h"
#include "metis_fdinfo.h"
#include "metis_gem.h"
#include "metis_hw.h"
#include "metis_job.h"
#include "metis_reset.h"
#include "metis_sched.h"
#include "metis_trace.h"

static unsigned int metis_job_timeout_ms = 5000;
module_param_named(job_timeout_ms, metis_job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms, "DMA job timeout before a reset, in ms (firmware commands get 10 s more)");

static const char *const engine_names[] = {
	[METIS_ENGINE_RD] = "rd",
	[METIS_ENGINE_WR] = "wr",
	[METIS_ENGINE_CTX] = "ctx",
};

static const char *metis_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *metis_fence_timeline_name(struct dma_fence *fence)
{
	struct metis_job *job = container_of(fence, struct metis_job, done_fence);

	return job->queue->name;
}

/* The job lives as long as its hardware fence. */
static void metis_fence_release(struct dma_fence *fence)
{
	struct metis_job *job = container_of(fence, struct metis_job, done_fence);

	kfree_rcu(job, done_fence.rcu);
}

static const struct dma_fence_ops metis_fence_ops = {
	.get_driver_name = metis_fence_driver_name,
	.get_timeline_name = metis_fence_timeline_name,
	.release = metis_fence_release,
};

/* Jobs given to a queue at once: on the hardware or next in its FIFO. */
#define METIS_QUEUE_DEPTH	32
/* Small copies chained behind one doorbell, and how small. */
#define METIS_BATCH_MAX		16
#define METIS_BATCH_JOB_BYTES	SZ_1M

static bool metis_job_batchable(const struct metis_job *job)
{
	return job->op == DRM_METIS_OP_COPY &&
	       job->dl.nelems <= METIS_DMA_RUN_ELEMS &&
	       job->dl.bytes <= METIS_BATCH_JOB_BYTES;
}

/* Caller holds q->lock; the card has the extension area (run_job checked). */
static void metis_start_fw(struct metis_queue *q, struct metis_job *job)
{
	struct metis_device *mdev = q->mdev;
	u32 base = CTX_BASE(q->index);

	metis_ext_write(mdev, base + CTX_OPCODE, job->fw_opcode);
	metis_ext_write64(mdev, base + CTX_ADDR_LO, job->dev_addr);
	metis_ext_write64(mdev, base + CTX_LEN_LO, job->len);
	metis_ext_write(mdev, base + CTX_PARAM, job->fw_param);
	metis_ext_write(mdev, base + CTX_DURATION_US, job->duration_us);
	metis_ext_write(mdev, base + CTX_DOORBELL, 1);
}

/*
 * Start the jobs at the head of the FIFO on an idle queue: a firmware
 * command or a long copy alone (its first doorbell's worth of elements),
 * else up to METIS_BATCH_MAX small copies whose elements fill the
 * channel's slots one after the other (one doorbell, one interrupt).
 * Caller holds q->lock and drm_dev_enter().
 */
static void metis_queue_kick(struct metis_queue *q)
{
	struct metis_device *mdev = q->mdev;
	struct metis_job *head, *job;
	ktime_t now = ktime_get();
	unsigned int n = 0, used = 0, cnt;

	lockdep_assert_held(&q->lock);
	if (q->blocked || q->batch || list_empty(&q->jobs))
		return;
	head = list_first_entry(&q->jobs, struct metis_job, qlink);
	list_for_each_entry(job, &q->jobs, qlink) {
		if (n && (n == METIS_BATCH_MAX || q->solo ||
			  !metis_job_batchable(head) ||
			  !metis_job_batchable(job) ||
			  used + job->dl.nelems > METIS_DMA_RUN_ELEMS))
			break;
		if (job->op == DRM_METIS_OP_COPY) {
			cnt = metis_dma_run_len(&job->dl, 0,
						METIS_DMA_RUN_ELEMS - used);
			metis_dma_put(mdev, q->engine, q->index, used, &job->dl,
				      0, cnt);
			job->pos = cnt;
			used += cnt;
		}
		job->start = now;
		n++;
		if (job->bos_borrowed)
			q->kernel_jobs++;
		trace_metis_job_run(job);
	}
	q->batch = n;
	q->submitted += n;
	q->doorbells++;
	if (q->solo)
		q->solo--;
	if (head->op == DRM_METIS_OP_COPY)
		metis_dma_fire(mdev, q->engine, q->index, used, true);
	else
		metis_start_fw(q, head);
}

static void metis_job_store_result(struct metis_job *job, u64 result);

/**
 * metis_queue_push_job() - give a job to a queue
 * @q: queue
 * @job: job, started from its first run
 *
 * The job joins the queue's FIFO and starts at once if the queue is idle,
 * else when the jobs before it are done (the interrupt handler starts
 * it). Used by run_job and to replay jobs after a reset. The caller holds
 * drm_dev_enter().
 */
void metis_queue_push_job(struct metis_queue *q, struct metis_job *job)
{
	unsigned long flags;

	/* Not guard(): sparse of 6.12 miscounts its lock context. */
	spin_lock_irqsave(&q->lock, flags);
	list_add_tail(&job->qlink, &q->jobs);
	metis_queue_kick(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

/**
 * metis_queue_block() - stop or allow starts on the hardware
 * @q: queue
 * @blocked: true before the card is silenced (halt, unplug): a completion
 *	     handled meanwhile starts nothing; false once it is back up
 *
 * Under the queue's lock, as every start is: once this returns, no
 * doorbell of @q rings until it is unblocked.
 */
void metis_queue_block(struct metis_queue *q, bool blocked)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	q->blocked = blocked;
	spin_unlock_irqrestore(&q->lock, flags);
}

/**
 * metis_queue_replay() - give a queue back the jobs it held
 * @q: queue, idle and empty (after a restart)
 * @jobs: jobs, in queue order; the list is emptied
 *
 * They start again from their first descriptor, in order. The caller
 * holds drm_dev_enter().
 */
void metis_queue_replay(struct metis_queue *q, struct list_head *jobs)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	list_splice_tail_init(jobs, &q->jobs);
	q->blocked = false;
	metis_queue_kick(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

/**
 * metis_queue_park() - take every job from a queue
 * @q: queue, whose hardware is stopped or gone
 * @parked: list that receives the jobs, in their order
 *
 * The jobs on the hardware and those waiting for it, as one list in queue
 * order: a restart gives them back in the same order.
 *
 * Return: how many of them were on the hardware (its first ones).
 */
unsigned int metis_queue_park(struct metis_queue *q, struct list_head *parked)
{
	unsigned long flags;
	unsigned int batch;

	spin_lock_irqsave(&q->lock, flags);
	list_splice_tail_init(&q->jobs, parked);
	batch = q->batch;
	q->batch = 0;
	q->solo = 0;
	spin_unlock_irqrestore(&q->lock, flags);
	return batch;
}

/**
 * metis_queue_settle_fw() - end a parked firmware command the card finished
 * @q: context queue, parked, its interrupts masked
 * @parked: the jobs parked from @q; the first one was on the card
 * @on_card: the first parked job is still running on the card; cleared
 *	     when it ends here
 *
 * A command keeps running on a halted card and changes its region when
 * it completes. One that completed before card memory is saved must not
 * be replayed on the saved contents (an XOR32 would apply twice): it ends
 * now, with its result, as the interrupt would have ended it.
 *
 * Return: true if the command ended here.
 */
bool metis_queue_settle_fw(struct metis_queue *q, struct list_head *parked,
			   bool *on_card)
{
	struct metis_device *mdev = q->mdev;
	u32 base = CTX_BASE(q->index), status;
	struct metis_job *job;
	unsigned long flags;
	u64 result = 0;
	int error = 0;

	if (!*on_card || list_empty(parked))
		return false;
	status = metis_ext_read(mdev, base + CTX_STATUS);
	if (status == CTX_STATUS_BUSY || status == METIS_ALL_ONES)
		return false;
	*on_card = false;
	job = list_first_entry(parked, struct metis_job, qlink);
	list_del_init(&job->qlink);
	if (status == CTX_STATUS_DONE)
		result = metis_ext_read64(mdev, base + CTX_RESULT_LO);
	else
		error = -EIO;
	spin_lock_irqsave(&q->lock, flags);
	if (error) {
		q->errors++;
	} else {
		q->completed++;
		q->bytes += job->len;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (!error)
		metis_job_store_result(job, result);
	metis_job_end(job, error);
	return true;
}

/**
 * metis_queue_busy() - tell whether a queue holds jobs
 * @q: queue
 *
 * Return: true if jobs are on the hardware or waiting for it.
 */
bool metis_queue_busy(struct metis_queue *q)
{
	unsigned long flags;
	bool busy;

	spin_lock_irqsave(&q->lock, flags);
	busy = !list_empty(&q->jobs);
	spin_unlock_irqrestore(&q->lock, flags);
	return busy;
}

/**
 * metis_job_rpm_get() - keep the card awake for a job
 * @job: job being submitted, in process context
 *
 * Wakes a runtime-suspended card now, outside the fence-signalling path:
 * run_job finds it awake. The reference goes when the job ends, or when
 * it is freed without having run.
 *
 * Return: 0 or a negative errno.
 */
int metis_job_rpm_get(struct metis_job *job)
{
	int ret = pm_runtime_resume_and_get(job->mdev->drm.dev);

	if (!ret)
		job->rpm_ref = true;
	return ret;
}

/**
 * metis_job_end() - signal a job's hardware fence
 * @job: job no longer on the hardware
 * @error: 0 or a negative errno for the fence
 */
void metis_job_end(struct metis_job *job, int error)
{
	bool rpm_ref = job->rpm_ref;
	struct metis_device *mdev = job->mdev;

	job->rpm_ref = false;
	/* What the card wrote into host memory, visible before the fence. */
	if (!error && job->host_sgt && job->queue->engine == METIS_ENGINE_WR)
		metis_dma_sync(mdev, job->host_sgt, job->host_off, job->dl.bytes,
			       DMA_FROM_DEVICE, true);
	if (error)
		dma_fence_set_error(&job->done_fence, error);
	trace_metis_job_done(job, error);
	dma_fence_signal(&job->done_fence);
	if (rpm_ref)
		metis_rpm_put(mdev);
}

/**
 * metis_rpm_put() - drop a runtime PM reference, from any context
 * @mdev: device
 *
 * The card autosuspends once the last reference is gone for the delay.
 */
void metis_rpm_put(struct metis_device *mdev)
{
	pm_runtime_mark_last_busy(mdev->drm.dev);
	pm_runtime_put_autosuspend(mdev->drm.dev);
}

static void metis_job_store_result(struct metis_job *job, u64 result)
{
	__le64 *dst;
	void *vaddr;

	if (!job->result_page)
		return;
	vaddr = kmap_local_page(job->result_page);
	dst = vaddr + job->result_off;
	*dst = cpu_to_le64(result);
	kunmap_local(vaddr);
}

/**
 * metis_queue_complete() - handle a completion interrupt of a queue
 * @q: queue
 * @error: 0, or a negative errno when a DMA channel aborted
 *
 * Called from the interrupt handler. Starts the next doorbell of a long
 * transfer (its next elements into the channel's slots, no allocation),
 * else ends the jobs of the finished doorbell and starts the next ones of
 * the FIFO before their fences signal. An aborted batch of several jobs
 * is started again one job per doorbell, in order: the card does not say
 * which of its elements moved, so only the job at fault fails and the
 * queue's order of writes is kept. A completion with no job is stale (for
 * example after a reset) and only counted.
 */
void metis_queue_complete(struct metis_queue *q, int error)
{
	struct metis_device *mdev = q->mdev;
	struct metis_job *job, *next;
	unsigned int n, i = 0;
	LIST_HEAD(done);
	u64 result = 0;

	scoped_guard(spinlock_irqsave, &q->lock) {
		q->irqs++;
		if (!q->batch) {
			atomic64_inc(&mdev->irq.unknown);
			return;
		}
		job = list_first_entry(&q->jobs, struct metis_job, qlink);
		n = q->batch;
		if (q->engine == METIS_ENGINE_CTX) {
			u32 base = CTX_BASE(q->index);
			u32 status = metis_ext_read(mdev, base + CTX_STATUS);

			if (status == CTX_STATUS_BUSY) {
				/* Not this context's completion. */
				return;
			}
			if (status != CTX_STATUS_DONE) {
				drm_dbg_driver(&mdev->drm, "%s: error %u\n", q->name,
					       metis_ext_read(mdev, base + CTX_ERROR));
				error = -EIO;
			} else {
				result = metis_ext_read64(mdev, base + CTX_RESULT_LO);
			}
		} else if (!error && n == 1 && job->pos < job->dl.nelems) {
			unsigned int cnt = metis_dma_run_len(&job->dl, job->pos,
							     METIS_DMA_RUN_ELEMS);

			/* Halting: the job is parked and replayed whole. */
			if (q->blocked)
				return;
			metis_dma_put(mdev, q->engine, q->index, 0, &job->dl,
				      job->pos, cnt);
			job->pos += cnt;
			metis_dma_fire(mdev, q->engine, q->index, cnt, true);
			return;
		} else if (error && n > 1) {
			q->solo = n;
			n = 0;
			error = 0;
		}
		list_for_each_entry_safe(job, next, &q->jobs, qlink) {
			if (i++ == n)
				break;
			list_move_tail(&job->qlink, &done);
			if (error) {
				q->errors++;
			} else {
				q->completed++;
				q->bytes += job->op == DRM_METIS_OP_COPY ?
					    job->dl.bytes : job->len;
			}
		}
		metis_fdinfo_batch_done(q, &done, ktime_get());
		q->batch = 0;
		metis_queue_kick(q);
	}

	list_for_each_entry_safe(job, next, &done, qlink) {
		list_del_init(&job->qlink);
		if (!error)
			metis_job_store_result(job, result);
		metis_job_end(job, error);
	}
}

/**
 * metis_job_bo_lost() - tell whether a buffer of a job lost its contents
 * @job: job
 *
 * Return: true if the card contents of one of its buffers could not be
 * kept across a reset or suspend since SUBMIT.
 */
bool metis_job_bo_lost(struct metis_job *job)
{
	unsigned int i;

	for (i = 0; i < job->nbos; i++)
		if (READ_ONCE(to_metis_bo(job->bos[i])->lost))
			return true;
	return false;
}

static struct dma_fence *metis_sched_run_job(struct drm_sched_job *sched_job)
{
	struct metis_job *job = to_metis_job(sched_job);
	struct metis_queue *q = job->queue;
	struct metis_device *mdev = q->mdev;
	struct dma_fence *fence = NULL;
	bool cookie;
	int idx;

	if (unlikely(sched_job->s_fence->finished.error))
		return NULL;
	/*
	 * The card is awake: the job holds a runtime PM reference since
	 * SUBMIT. Nothing here allocates, sleeps or takes a lock that a
	 * fence waiter may hold.
	 */
	cookie = dma_fence_begin_signalling();
	if (!drm_dev_enter(&mdev->drm, &idx)) {
		fence = ERR_PTR(-ENODEV);
		goto end;
	}
	if (metis_device_state(mdev) != METIS_STATE_READY) {
		fence = ERR_PTR(-EIO);
		goto out;
	}
	if (job->op == DRM_METIS_OP_FW && !metis_has_ext(mdev)) {
		metis_job_log_no_ext(mdev);
		fence = ERR_PTR(-EOPNOTSUPP);
		goto out;
	}
	if (metis_job_bo_lost(job)) {
		fence = ERR_PTR(-EIO);
		goto out;
	}
	if (!job->fence_inited) {
		dma_fence_init(&job->done_fence, &metis_fence_ops,
			       &job->fence_lock, q->fence_ctx, ++q->seqno);
		job->fence_inited = true;
	}
	/* One reference for the scheduler, the job keeps its own. */
	fence = dma_fence_get(&job->done_fence);
	if (job->host_sgt)
		metis_dma_sync(mdev, job->host_sgt, job->host_off, job->dl.bytes,
			       q->engine == METIS_ENGINE_RD ? DMA_TO_DEVICE :
							       DMA_FROM_DEVICE,
			       false);
	metis_queue_push_job(q, job);
out:
	drm_dev_exit(idx);
end:
	dma_fence_end_signalling(cookie);
	return fence;
}

static enum drm_gpu_sched_stat
metis_sched_timedout_job(struct drm_sched_job *sched_job)
{
	struct metis_job *job = to_metis_job(sched_job);

	return metis_reset_recover(job->mdev, sched_job);
}

static void metis_sched_free_job(struct drm_sched_job *sched_job)
{
	struct metis_job *job = to_metis_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	metis_job_free(job);
}

static const struct drm_sched_backend_ops metis_sched_ops = {
	.run_job = metis_sched_run_job,
	.timedout_job = metis_sched_timedout_job,
	.free_job = metis_sched_free_job,
};

static void metis_sched_fini(struct drm_device *drm, void *arg)
{
	struct metis_device *mdev = to_metis_device(drm);
	unsigned int i;

	for (i = 0; i < METIS_QUEUES_PER_ENGINE; i++)
		if (mdev->kernel_sched[i])
			drm_sched_entity_destroy(&mdev->kernel_entities[i]);
	for (i = 0; i < METIS_NUM_QUEUES; i++)
		if (mdev->queues[i].sched.ops)
			drm_sched_fini(&mdev->queues[i].sched);
	destroy_workqueue(mdev->reset_wq);
}

/**
 * metis_sched_init() - create the schedulers of every hardware queue
 * @mdev: device
 *
 * Timeouts of all queues run on one ordered workqueue, so that only one
 * recovery runs at a time.
 *
 * Return: 0 or a negative errno.
 */
int metis_sched_init(struct metis_device *mdev)
{
	struct drm_sched_init_args args = {
		.ops = &metis_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = METIS_QUEUE_DEPTH,
		.dev = mdev->drm.dev,
	};
	unsigned int i;
	int ret;

	/* Freezable: no recovery runs while the system sleeps. */
	mdev->reset_wq = alloc_ordered_workqueue("metis-reset", WQ_FREEZABLE);
	if (!mdev->reset_wq)
		return -ENOMEM;
	args.timeout_wq = mdev->reset_wq;

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct metis_queue *q = &mdev->queues[i];

		q->mdev = mdev;
		q->engine = i / METIS_QUEUES_PER_ENGINE;
		q->index = i % METIS_QUEUES_PER_ENGINE;
		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->jobs);
		INIT_LIST_HEAD(&mdev->parked[i]);
		q->fence_ctx = dma_fence_context_alloc(1);
		snprintf(q->name, sizeof(q->name), "metis-%s%u",
			 engine_names[q->engine], q->index);
		args.name = q->name;
		args.timeout = msecs_to_jiffies(metis_job_timeout_ms +
			(q->engine == METIS_ENGINE_CTX ?
			 CTX_MAX_DURATION_US / USEC_PER_MSEC : 0));
		ret = drm_sched_init(&q->sched, &args);
		if (ret) {
			q->sched.ops = NULL;
			drm_err(&mdev->drm, "scheduler %s: %d\n", q->name, ret);
			break;
		}
	}
	for (i = 0; i < METIS_QUEUES_PER_ENGINE && !ret; i++) {
		mdev->kernel_sched[i] = &metis_queue(mdev, METIS_ENGINE_RD, i)->sched;
		ret = drm_sched_entity_init(&mdev->kernel_entities[i],
					    DRM_SCHED_PRIORITY_KERNEL,
					    &mdev->kernel_sched[i], 1, NULL);
		if (ret)
			mdev->kernel_sched[i] = NULL;
	}
	if (ret) {
		metis_sched_fini(&mdev->drm, NULL);
		return ret;
	}
	return drmm_add_action_or_reset(&mdev->drm, metis_sched_fini, NULL);
}

/**
 * metis_sched_file_open() - create a file's entities
 * @mfile: file
 *
 * Return: 0 or a negative errno.
 */
int metis_sched_file_open(struct metis_file *mfile)
{
	struct metis_device *mdev = mfile->mdev;
	unsigned int i;
	int ret;

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct drm_gpu_scheduler *sched = &mdev->queues[i].sched;

		mfile->sched[i] = sched;
		ret = drm_sched_entity_init(&mfile->entities[i],
					    DRM_SCHED_PRIORITY_NORMAL,
					    &mfile->sched[i], 1, NULL);
		if (ret) {
			while (i--)
				drm_sched_entity_destroy(&mfile->entities[i]);
			return ret;
		}
	}
	return 0;
}

/**
 * metis_sched_file_close() - flush and destroy a file's entities
 * @mfile: file
 */
void metis_sched_file_close(struct metis_file *mfile)
{
	unsigned int i;

	for (i = 0; i < METIS_NUM_QUEUES; i++)
		drm_sched_entity_destroy(&mfile->entities[i]);
}

/**
 * metis_sched_stop_all() - stop every scheduler for a reset
 * @mdev: device
 * @bad: the job that timed out, or NULL
 */
void metis_sched_stop_all(struct metis_device *mdev, struct drm_sched_job *bad)
{
	unsigned int i;

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct drm_gpu_scheduler *sched = &mdev->queues[i].sched;

		drm_sched_stop(sched, bad && bad->sched == sched ? bad : NULL);
	}
}

/*
 * drm_sched_stop() detached the hardware fence of every pending job, also
 * of jobs the interrupt handler ended before the halt (a whole batch may
 * end while the schedulers stop). Give each its fence back, so that
 * drm_sched_start() takes how it ended instead of cancelling it.
 */
static void metis_sched_reattach(struct drm_gpu_scheduler *sched)
{
	struct drm_sched_job *s_job;

	spin_lock(&sched->job_list_lock);
	list_for_each_entry(s_job, &sched->pending_list, list) {
		struct metis_job *job = to_metis_job(s_job);

		if (!s_job->s_fence->parent && job->fence_inited)
			s_job->s_fence->parent = dma_fence_get(&job->done_fence);
	}
	spin_unlock(&sched->job_list_lock);
}

/**
 * metis_sched_start_all() - restart every scheduler after a reset
 * @mdev: device
 *
 * Every scheduler was stopped by metis_sched_stop_all() or
 * drm_sched_stop(), so their pending lists hold still.
 */
void metis_sched_start_all(struct metis_device *mdev)
{
	unsigned int i;

	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		metis_sched_reattach(&mdev->queues[i].sched);
		metis_sched_start(&mdev->queues[i].sched);
	}
}

/**
 * metis_sched_wqueue_stop_all() - stop feeding the hardware
 * @mdev: device
 */
void metis_sched_wqueue_stop_all(struct metis_device *mdev)
{
	unsigned int i;

	for (i = 0; i < METIS_NUM_QUEUES; i++)
		drm_sched_wqueue_stop(&mdev->queues[i].sched);
}

/**
 * metis_sched_wqueue_start_all() - feed the hardware again
 * @mdev: device
 */
void metis_sched_wqueue_start_all(struct metis_device *mdev)
{
	unsigned int i;

	for (i = 0; i < METIS_NUM_QUEUES; i++)
		drm_sched_wqueue_start(&mdev->queues[i].sched);
}
