// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * The SUBMIT ioctl. Each job is checked completely (arguments, buffers,
 * ranges, syncobjs, descriptors) before anything is queued, so a bad job
 * changes nothing; then it gets its dependencies (in-syncs and implicit
 * fences of its buffers), is pushed to the file's entity of its queue and
 * publishes its finished fence to the buffers and the out-syncs.
 */

#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <uapi/drm/metis_accel.h>

#include "metis_compat.h"
#include "metis_drv.h"
#include "metis_fdinfo.h"
#include "metis_gem.h"
#include "metis_hw.h"
#include "metis_job.h"
#include "metis_regs.h"
#include "metis_sched.h"
#include "metis_trace.h"

#define METIS_JOB_SIZE_V1	sizeof(struct drm_metis_job)

/* Out-sync targets, looked up before the job is queued. */
struct metis_out_sync {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/**
 * metis_job_free() - release a job and what it holds
 * @job: job, no longer on the hardware
 *
 * The job's memory goes with its hardware fence, which others may still
 * hold.
 */
void metis_job_free(struct metis_job *job)
{
	unsigned int i;

	if (job->rpm_ref) {
		job->rpm_ref = false;
		metis_rpm_put(job->mdev);
	}
	metis_dma_list_free(&job->dl);
	for (i = 0; i < job->nbos && !job->bos_borrowed; i++)
		drm_gem_object_put(job->bos[i]);
	job->nbos = 0;
	metis_file_stats_put(job->stats);
	job->stats = NULL;
	if (job->fence_inited)
		dma_fence_put(&job->done_fence);
	else
		kfree(job);
}

/**
 * metis_job_log_no_ext() - say once why firmware jobs are refused
 * @mdev: device
 */
void metis_job_log_no_ext(struct metis_device *mdev)
{
	if (!atomic_xchg(&mdev->no_ext_logged, 1))
		drm_info(&mdev->drm, "the card has no runtime firmware interface: firmware jobs fail with -EOPNOTSUPP\n");
}

static int metis_job_check(const struct drm_metis_job *uj)
{
	if (uj->flags || uj->pad || !uj->size)
		return -EINVAL;
	if (uj->channel != DRM_METIS_CHANNEL_ANY &&
	    uj->channel >= METIS_QUEUES_PER_ENGINE)
		return -EINVAL;

	switch (uj->op) {
	case DRM_METIS_OP_COPY:
		if (uj->fw_opcode || uj->fw_param || uj->duration_us ||
		    uj->result_handle || uj->result_offset)
			return -EINVAL;
		break;
	case DRM_METIS_OP_FW:
		if (uj->src_handle || uj->src_offset)
			return -EINVAL;
		if (uj->fw_opcode > DRM_METIS_FW_FILL32 ||
		    uj->duration_us > CTX_MAX_DURATION_US)
			return -EINVAL;
		if ((uj->fw_opcode == DRM_METIS_FW_XOR32 ||
		     uj->fw_opcode == DRM_METIS_FW_FILL32) &&
		    (uj->size % 4 || uj->dst_offset % 4))
			return -EINVAL;
		if (!uj->result_handle && uj->result_offset)
			return -EINVAL;
		if (uj->result_offset % 8)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	if (uj->in_sync_count > METIS_MAX_SYNCS ||
	    uj->out_sync_count > METIS_MAX_SYNCS)
		return -E2BIG;
	return 0;
}

static int metis_job_add_bo(struct drm_file *file, struct metis_job *job,
			    u32 handle, bool write, struct metis_bo **bo)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (!obj)
		return -ENOENT;
	job->bos[job->nbos] = obj;
	job->bo_write[job->nbos] = write;
	job->nbos++;
	if (!metis_bo_is_metis(obj))
		return -EINVAL;
	*bo = to_metis_bo(obj);
	/* What the card held was lost at a reset or suspend. */
	if (READ_ONCE((*bo)->lost))
		return -EIO;
	return 0;
}

static int metis_check_range(struct metis_bo *bo, u64 offset, u64 size)
{
	u64 end;

	if (check_add_overflow(offset, size, &end) ||
	    end > bo->base.base.size)
		return -ERANGE;
	return 0;
}

static int metis_job_prepare_copy(struct drm_file *file, struct metis_job *job,
				  const struct drm_metis_job *uj,
				  enum metis_engine *engine)
{
	struct metis_bo *src, *dst, *host, *dev;
	struct sg_table *sgt;
	u64 host_off, dev_off;
	int ret;

	ret = metis_job_add_bo(file, job, uj->src_handle, false, &src);
	if (ret)
		return ret;
	ret = metis_job_add_bo(file, job, uj->dst_handle, true, &dst);
	if (ret)
		return ret;
	if (src->device == dst->device)
		return -EINVAL;
	ret = metis_check_range(src, uj->src_offset, uj->size);
	if (!ret)
		ret = metis_check_range(dst, uj->dst_offset, uj->size);
	if (ret)
		return ret;

	if (dst->device) {
		*engine = METIS_ENGINE_RD;
		host = src;
		host_off = uj->src_offset;
		dev = dst;
		dev_off = uj->dst_offset;
	} else {
		*engine = METIS_ENGINE_WR;
		host = dst;
		host_off = uj->dst_offset;
		dev = src;
		dev_off = uj->src_offset;
	}

	sgt = metis_bo_host_sgt(host);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	/* An import's exporter keeps its mapping coherent. */
	if (!host->base.base.import_attach) {
		job->host_sgt = sgt;
		job->host_off = host_off;
	}
	return metis_dma_list_build(job->mdev, &job->dl, *engine, sgt, host_off,
				    dev->node.start + dev_off, uj->size);
}

static int metis_job_prepare_fw(struct drm_file *file, struct metis_job *job,
				const struct drm_metis_job *uj)
{
	bool writes = uj->fw_opcode == DRM_METIS_FW_XOR32 ||
		      uj->fw_opcode == DRM_METIS_FW_FILL32;
	struct metis_bo *region, *result;
	struct sg_table *sgt;
	int ret;

	ret = metis_job_add_bo(file, job, uj->dst_handle, writes, &region);
	if (ret)
		return ret;
	if (!region->device)
		return -EINVAL;
	if (uj->result_handle) {
		ret = metis_job_add_bo(file, job, uj->result_handle, true,
				       &result);
		if (ret)
			return ret;
		/* The result is stored by the CPU: shmem pages only. */
		if (result->device || drm_gem_is_imported(&result->base.base))
			return -EINVAL;
	}
	ret = metis_check_range(region, uj->dst_offset, uj->size);
	if (ret)
		return ret;
	if (uj->result_handle) {
		ret = metis_check_range(result, uj->result_offset, 8);
		if (ret)
			return ret;
		sgt = metis_bo_host_sgt(result);
		if (IS_ERR(sgt))
			return PTR_ERR(sgt);
		job->result_page = result->base.pages[uj->result_offset >> PAGE_SHIFT];
		job->result_off = offset_in_page(uj->result_offset);
	}

	job->dev_addr = region->node.start + uj->dst_offset;
	job->len = uj->size;
	job->fw_opcode = uj->fw_opcode;
	job->fw_param = uj->fw_param;
	job->duration_us = uj->duration_us;
	return 0;
}

static struct drm_metis_sync *metis_copy_syncs(u64 ptr, u32 count)
{
	struct drm_metis_sync *syncs;
	unsigned int i;

	if (!count)
		return NULL;
	syncs = memdup_array_user(u64_to_user_ptr(ptr), count, sizeof(*syncs));
	if (IS_ERR(syncs))
		return syncs;
	for (i = 0; i < count; i++) {
		if (syncs[i].flags & ~DRM_METIS_SYNC_TIMELINE ||
		    (!(syncs[i].flags & DRM_METIS_SYNC_TIMELINE) && syncs[i].point)) {
			kfree(syncs);
			return ERR_PTR(-EINVAL);
		}
	}
	return syncs;
}

static void metis_out_syncs_free(struct metis_out_sync *out, u32 count)
{
	unsigned int i;

	if (!out)
		return;
	for (i = 0; i < count; i++) {
		if (out[i].syncobj)
			drm_syncobj_put(out[i].syncobj);
		dma_fence_chain_free(out[i].chain);
	}
	kfree(out);
}

static struct metis_out_sync *
metis_out_syncs_get(struct drm_file *file, const struct drm_metis_sync *syncs,
		    u32 count)
{
	struct metis_out_sync *out;
	unsigned int i;

	if (!count)
		return NULL;
	out = kcalloc(count, sizeof(*out), GFP_KERNEL);
	if (!out)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < count; i++) {
		out[i].syncobj = drm_syncobj_find(file, syncs[i].handle);
		if (!out[i].syncobj) {
			metis_out_syncs_free(out, count);
			return ERR_PTR(-ENOENT);
		}
		out[i].point = syncs[i].point;
		if (!out[i].point)
			continue;
		out[i].chain = dma_fence_chain_alloc();
		if (!out[i].chain) {
			metis_out_syncs_free(out, count);
			return ERR_PTR(-ENOMEM);
		}
	}
	return out;
}

static void metis_out_syncs_signal(struct metis_out_sync *out, u32 count,
				   struct dma_fence *fence)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (out[i].chain) {
			drm_syncobj_add_point(out[i].syncobj, out[i].chain,
					      fence, out[i].point);
			out[i].chain = NULL;
		} else {
			drm_syncobj_replace_fence(out[i].syncobj, fence);
		}
	}
}

static struct metis_queue *metis_pick_queue(struct metis_device *mdev,
					    enum metis_engine engine,
					    u32 channel)
{
	struct drm_gpu_scheduler *scheds[METIS_QUEUES_PER_ENGINE];
	struct drm_gpu_scheduler *best;
	unsigned int i;

	if (channel != DRM_METIS_CHANNEL_ANY)
		return metis_queue(mdev, engine, channel);
	for (i = 0; i < METIS_QUEUES_PER_ENGINE; i++)
		scheds[i] = &metis_queue(mdev, engine, i)->sched;
	best = drm_sched_pick_best(scheds, METIS_QUEUES_PER_ENGINE);
	return best ? container_of(best, struct metis_queue, sched) :
		      metis_queue(mdev, engine, 0);
}

/*
 * Dependencies on the buffers' fences, then publish ours; all or nothing.
 * Once pushed, the job may complete and be freed at any time: what is
 * needed afterwards is copied first.
 */
static int metis_job_push(struct metis_job *job, struct metis_out_sync *out,
			  u32 nout, struct dma_fence **fence)
{
	struct drm_gem_object *bos[METIS_JOB_MAX_BOS];
	bool write[METIS_JOB_MAX_BOS];
	unsigned int i, nbos = job->nbos;
	struct dma_fence *finished;
	struct ww_acquire_ctx ctx;
	int ret;

	for (i = 0; i < nbos; i++) {
		bos[i] = job->bos[i];
		write[i] = job->bo_write[i];
	}

	ret = drm_gem_lock_reservations(bos, nbos, &ctx);
	if (ret)
		return ret;
	for (i = 0; i < nbos; i++) {
		ret = dma_resv_reserve_fences(bos[i]->resv, 1);
		if (ret)
			goto unlock;
		ret = drm_sched_job_add_implicit_dependencies(&job->base,
							      bos[i], write[i]);
		if (ret)
			goto unlock;
	}

	/* The buffers stay referenced until they are unlocked. */
	for (i = 0; i < nbos; i++)
		drm_gem_object_get(bos[i]);
	drm_sched_job_arm(&job->base);
	finished = dma_fence_get(&job->base.s_fence->finished);
	trace_metis_job_submit(job);
	drm_sched_entity_push_job(&job->base);

	for (i = 0; i < nbos; i++)
		dma_resv_add_fence(bos[i]->resv, finished,
				   write[i] ? DMA_RESV_USAGE_WRITE :
					      DMA_RESV_USAGE_READ);
	drm_gem_unlock_reservations(bos, nbos, &ctx);
	for (i = 0; i < nbos; i++)
		drm_gem_object_put(bos[i]);
	metis_out_syncs_signal(out, nout, finished);
	if (fence)
		*fence = finished;
	else
		dma_fence_put(finished);
	return 0;

unlock:
	drm_gem_unlock_reservations(bos, nbos, &ctx);
	return ret;
}

static int metis_submit_one(struct drm_file *file, struct metis_file *mfile,
			    const struct drm_metis_job *uj)
{
	struct metis_device *mdev = mfile->mdev;
	struct drm_metis_sync *in = NULL, *outs = NULL;
	struct metis_out_sync *out = NULL;
	enum metis_engine engine;
	struct metis_queue *q;
	struct metis_job *job;
	unsigned int i;
	int ret;

	ret = metis_job_check(uj);
	if (ret)
		return ret;

	job = kzalloc_obj(*job);
	if (!job)
		return -ENOMEM;
	job->mdev = mdev;
	job->op = uj->op;
	spin_lock_init(&job->fence_lock);
	kref_get(&mfile->stats->ref);
	job->stats = mfile->stats;
	ret = metis_job_rpm_get(job);
	if (ret)
		goto free_job;

	if (uj->op == DRM_METIS_OP_COPY) {
		ret = metis_job_prepare_copy(file, job, uj, &engine);
	} else if (!metis_has_ext(mdev)) {
		metis_job_log_no_ext(mdev);
		ret = -EOPNOTSUPP;
	} else {
		engine = METIS_ENGINE_CTX;
		ret = metis_job_prepare_fw(file, job, uj);
	}
	if (ret)
		goto free_job;

	in = metis_copy_syncs(uj->in_syncs, uj->in_sync_count);
	if (IS_ERR(in)) {
		ret = PTR_ERR(in);
		in = NULL;
		goto free_job;
	}
	outs = metis_copy_syncs(uj->out_syncs, uj->out_sync_count);
	if (IS_ERR(outs)) {
		ret = PTR_ERR(outs);
		outs = NULL;
		goto free_job;
	}
	out = metis_out_syncs_get(file, outs, uj->out_sync_count);
	if (IS_ERR(out)) {
		ret = PTR_ERR(out);
		out = NULL;
		goto free_job;
	}

	q = metis_pick_queue(mdev, engine, uj->channel);
	job->queue = q;
	ret = drm_sched_job_init(&job->base,
				 &mfile->entities[q - mdev->queues], 1, mfile,
				 file->client_id);
	if (ret)
		goto free_job;

	for (i = 0; i < uj->in_sync_count; i++) {
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   in[i].handle,
							   in[i].point);
		if (ret)
			goto cleanup_job;
	}

	ret = metis_job_push(job, out, uj->out_sync_count, NULL);
	if (ret)
		goto cleanup_job;
	goto out;

cleanup_job:
	drm_sched_job_cleanup(&job->base);
free_job:
	metis_job_free(job);
out:
	metis_out_syncs_free(out, uj->out_sync_count);
	kfree(outs);
	kfree(in);
	return ret;
}

/* One clear job's bytes: seconds even on the test bed's slowed card. */
#define METIS_CLEAR_CHUNK	SZ_16M

/* Queue one job that clears [@off, @off + @len) of @obj; its fence in @done. */
static int metis_job_clear_chunk(struct metis_device *mdev,
				 struct drm_gem_object *obj, u64 off, u64 len,
				 struct dma_fence **done)
{
	struct metis_bo *bo = to_metis_bo(obj);
	struct metis_queue *q;
	struct metis_job *job;
	int ret;

	job = kzalloc_obj(*job);
	if (!job)
		return -ENOMEM;
	job->mdev = mdev;
	job->op = DRM_METIS_OP_COPY;
	spin_lock_init(&job->fence_lock);
	/* Borrowed: metis_job_clear_bo() keeps it until the job has ended. */
	job->bos[0] = obj;
	job->bo_write[0] = true;
	job->nbos = 1;
	job->bos_borrowed = true;
	ret = metis_job_rpm_get(job);
	if (!ret)
		ret = metis_dma_list_build_zero(mdev, &job->dl,
						bo->node.start + off, len);
	if (ret)
		goto free_job;

	q = metis_pick_queue(mdev, METIS_ENGINE_RD, DRM_METIS_CHANNEL_ANY);
	job->queue = q;
	scoped_guard(mutex, &mdev->kernel_lock) {
		ret = drm_sched_job_init(&job->base,
					 &mdev->kernel_entities[q->index],
					 1, mdev, 0);
		if (!ret) {
			ret = metis_job_push(job, NULL, 0, done);
			if (!ret)
				return 0;
			drm_sched_job_cleanup(&job->base);
		}
	}
free_job:
	metis_job_free(job);
	return ret;
}

/**
 * metis_job_clear_bo() - clear a new device buffer on the card
 * @mdev: device
 * @obj: device buffer, not yet visible to anyone
 *
 * Card memory keeps what the buffer that held it before left there,
 * maybe another process's: jobs of the driver's own entities (not queued
 * behind the creator's jobs) write zeroes over it, 16 MiB each (no job
 * nears the timeout), and the buffer is handed out only once they all
 * finished. The jobs borrow the caller's reference, so the buffer's
 * memory is free again the moment it is closed: this returns only once
 * every job queued has ended, also when a signal came.
 *
 * Return: 0; -ENOMEM or a runtime PM error (the pieces queued before
 * ended first); a job's error (-EIO, -ENODEV, -ETIMEDOUT); -ERESTARTSYS
 * when a signal came.
 */
int metis_job_clear_bo(struct metis_device *mdev, struct drm_gem_object *obj)
{
	unsigned int i, n = DIV_ROUND_UP_ULL(obj->size, METIS_CLEAR_CHUNK);
	struct dma_fence **done;
	int ret = 0, err;

	done = kvcalloc(n, sizeof(*done), GFP_KERNEL);
	if (!done)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		u64 off = (u64)i * METIS_CLEAR_CHUNK;

		ret = metis_job_clear_chunk(mdev, obj, off,
					    min_t(u64, obj->size - off,
						  METIS_CLEAR_CHUNK),
					    &done[i]);
	}
	for (i = 0; i < n && done[i]; i++) {
		err = dma_fence_wait(done[i], !ret);
		if (err)
			dma_fence_wait(done[i], false);
		ret = ret ?: err ?: done[i]->error;
		dma_fence_put(done[i]);
	}
	kvfree(done);
	return ret;
}

/**
 * metis_ioctl_submit() - DRM_IOCTL_METIS_SUBMIT
 * @drm: DRM device
 * @data: &struct drm_metis_submit
 * @file: DRM file
 *
 * Return: 0 or a negative errno as documented in the UAPI.
 */
int metis_ioctl_submit(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct metis_device *mdev = to_metis_device(drm);
	struct metis_file *mfile = file->driver_priv;
	struct drm_metis_submit *args = data;
	struct drm_metis_job uj;
	unsigned int i;
	int ret = 0, idx;

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->job_count > METIS_MAX_JOBS ||
	    args->job_stride < METIS_JOB_SIZE_V1 ||
	    args->job_stride > PAGE_SIZE)
		return -E2BIG;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (metis_device_uapi_state(mdev) == DRM_METIS_STATE_ERROR) {
		drm_dev_exit(idx);
		return -EIO;
	}

	scoped_guard(mutex, &mfile->submit_lock) {
		for (i = 0; i < args->job_count; i++) {
			ret = copy_struct_from_user(&uj, sizeof(uj),
						    u64_to_user_ptr(args->jobs) +
						    (u64)i * args->job_stride,
						    args->job_stride);
			if (ret)
				break;
			ret = metis_submit_one(file, mfile, &uj);
			if (ret)
				break;
		}
	}
	drm_dev_exit(idx);
	return ret;
}
