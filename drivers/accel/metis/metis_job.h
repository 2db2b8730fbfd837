/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_JOB_H__
#define __METIS_JOB_H__

#include <linux/dma-fence.h>
#include <linux/ktime.h>

#include <drm/gpu_scheduler.h>

#include "metis_dma.h"
#include "metis_drv.h"

#define METIS_MAX_JOBS		256
#define METIS_MAX_SYNCS		64
#define METIS_JOB_MAX_BOS	3

/**
 * struct metis_job - one queued unit of work
 * @base: scheduler job.
 * @mdev: device.
 * @queue: hardware queue the job runs on.
 * @qlink: entry in @queue's FIFO, or in a parked list.
 * @op: DRM_METIS_OP_COPY or DRM_METIS_OP_FW.
 * @bos: buffers the job uses, referenced until the job is freed (unless
 *	 @bos_borrowed).
 * @bo_write: whether the job writes the matching @bos entry.
 * @nbos: entries in @bos.
 * @bos_borrowed: @bos are not referenced by the job (a kernel job whose
 *		  caller holds them until it ended).
 * @dl: descriptors of a COPY job.
 * @pos: first element of @dl not yet given to the hardware.
 * @host_sgt: the DMA mapping of a COPY job's host buffer (mapped once,
 *	      synced around every run: a bounce buffer under swiotlb), or
 *	      NULL.
 * @host_off: offset of the copy in @host_sgt.
 * @dev_addr: on-card address of a FW job's region.
 * @len: bytes of a FW job's region.
 * @fw_opcode: context opcode.
 * @fw_param: context parameter.
 * @duration_us: extra run time of the command.
 * @result_page: page of the host buffer receiving the FW result, or NULL.
 * @result_off: offset of the result in @result_page.
 * @done_fence: hardware fence, signalled by the interrupt handler; the same
 *              fence stays valid across a replay after a reset.
 * @fence_lock: lock of @done_fence.
 * @fence_inited: @done_fence was initialised by a first run.
 * @rpm_ref: the job holds a runtime PM reference (from SUBMIT until it
 *           ends, or is freed without having run; a replay keeps it).
 * @start: time of the last start on the hardware (or in the FIFO's
 *         head batch).
 * @stats: the submitting file's statistics (a reference), or NULL for the
 *	   driver's own jobs.
 */
struct metis_job {
	struct drm_sched_job base;
	struct metis_device *mdev;
	struct metis_queue *queue;
	struct list_head qlink;
	u32 op;

	struct drm_gem_object *bos[METIS_JOB_MAX_BOS];
	bool bo_write[METIS_JOB_MAX_BOS];
	unsigned int nbos;
	bool bos_borrowed;

	struct metis_dma_list dl;
	unsigned int pos;
	struct sg_table *host_sgt;
	u64 host_off;

	u64 dev_addr;
	u64 len;
	u32 fw_opcode;
	u32 fw_param;
	u32 duration_us;
	struct page *result_page;
	unsigned int result_off;

	struct dma_fence done_fence;
	spinlock_t fence_lock; /* see @fence_lock above */
	bool fence_inited;
	bool rpm_ref;
	ktime_t start;
	struct metis_file_stats *stats;
};

static inline struct metis_job *to_metis_job(struct drm_sched_job *job)
{
	return container_of(job, struct metis_job, base);
}

void metis_job_free(struct metis_job *job);
void metis_job_log_no_ext(struct metis_device *mdev);
int metis_job_clear_bo(struct metis_device *mdev, struct drm_gem_object *obj);
int metis_ioctl_submit(struct drm_device *drm, void *data,
		       struct drm_file *file);

#endif /* __METIS_JOB_H__ */
