// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Jobs: builders, submission, and the synchronous helpers (run, copy,
 * upload/download through a staging buffer, firmware commands).
 */
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include <xf86drm.h>

#include "internal.h"

/* Largest staging buffer of metis_upload()/metis_download(). */
#define STAGING_MAX (64ull << 20)

METIS_EXPORT void metis_job_copy(struct drm_metis_job *job,
				 struct metis_bo *dst, uint64_t dst_off,
				 struct metis_bo *src, uint64_t src_off,
				 uint64_t size)
{
	memset(job, 0, sizeof(*job));
	job->op = DRM_METIS_OP_COPY;
	job->dst_handle = dst->handle;
	job->dst_offset = dst_off;
	job->src_handle = src->handle;
	job->src_offset = src_off;
	job->size = size;
	job->channel = DRM_METIS_CHANNEL_ANY;
}

METIS_EXPORT void metis_job_fw(struct drm_metis_job *job, uint32_t opcode,
			       struct metis_bo *region, uint64_t offset,
			       uint64_t size, uint32_t param)
{
	memset(job, 0, sizeof(*job));
	job->op = DRM_METIS_OP_FW;
	job->fw_opcode = opcode;
	job->dst_handle = region->handle;
	job->dst_offset = offset;
	job->size = size;
	job->fw_param = param;
	job->channel = DRM_METIS_CHANNEL_ANY;
}

METIS_EXPORT void metis_job_result(struct drm_metis_job *job,
				   struct metis_bo *result, uint64_t offset)
{
	job->result_handle = result->handle;
	job->result_offset = offset;
}

METIS_EXPORT void metis_job_syncs(struct drm_metis_job *job,
				  const struct drm_metis_sync *in,
				  unsigned int in_count,
				  const struct drm_metis_sync *out,
				  unsigned int out_count)
{
	job->in_syncs = (uintptr_t)in;
	job->in_sync_count = in_count;
	job->out_syncs = (uintptr_t)out;
	job->out_sync_count = out_count;
}

METIS_EXPORT int metis_submit(struct metis_device *dev,
			      const struct drm_metis_job *jobs,
			      unsigned int count, size_t job_size)
{
	struct drm_metis_submit s = {
		.jobs = (uintptr_t)jobs,
		.job_count = count,
		.job_stride = job_size,
	};

	if (job_size > UINT32_MAX)
		return -E2BIG;
	return metis_ioctl(dev, DRM_IOCTL_METIS_SUBMIT, &s);
}

/* Release 1.0's metis_submit(): the jobs were the 1.0 structure. */
#define JOB_SIZE_1_0 96
_Static_assert(sizeof(struct drm_metis_job) >= JOB_SIZE_1_0,
	       "struct drm_metis_job only grows");

METIS_EXPORT int metis_submit_1_0(struct metis_device *dev,
				  const struct drm_metis_job *jobs,
				  unsigned int count);
METIS_COMPAT(metis_submit_1_0, metis_submit, "LIBDRM_METIS_1");
METIS_EXPORT int metis_submit_1_0(struct metis_device *dev,
				  const struct drm_metis_job *jobs,
				  unsigned int count)
{
	return metis_submit(dev, jobs, count, JOB_SIZE_1_0);
}

/*
 * How a job whose syncobj has a fence ended: 0, its fence's error, or
 * -ETIME while it runs.  The syncobj's fence is the job's own: exported
 * as a sync_file, its status is the fence's.
 */
static int job_status(struct metis_device *dev, uint32_t syncobj)
{
	struct sync_file_info info;
	int fd, ret;

	if (drmSyncobjExportSyncFile(dev->fd, syncobj, &fd))
		return -errno;
	memset(&info, 0, sizeof(info));
	ret = ioctl(fd, SYNC_IOC_FILE_INFO, &info) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	if (info.status < 0)
		return info.status;
	return info.status ? 0 : -ETIME;
}

/* Has the job of @syncobj been queued (its syncobj got a fence)? */
static int job_queued(struct metis_device *dev, uint32_t syncobj)
{
	/* Without WAIT_FOR_SUBMIT, a syncobj without a fence is -EINVAL. */
	if (!drmSyncobjWait(dev->fd, &syncobj, 1, 0, 0, NULL))
		return 1;
	return errno == ETIME;
}

/*
 * Each job also signals a binary syncobj of its own, whose fence tells
 * the job's own result (a buffer's state can come from another job or
 * another client).  A SUBMIT that fails has queued the jobs before the bad
 * one (UAPI: the first bad job stops it, the earlier ones run): those are
 * waited for too, so that no job of ours still runs when we return,
 * except on a timeout.
 */
METIS_EXPORT int metis_run(struct metis_device *dev,
			   struct drm_metis_job *jobs, unsigned int count,
			   size_t job_size, int64_t timeout_ns, int *results)
{
	struct drm_metis_sync *outs = NULL;
	int64_t deadline = metis_deadline(timeout_ns);
	unsigned int i, n = 0, k = 0, queued = count, made = 0;
	uint32_t *syncobjs = NULL;
	char *copy = NULL;
	int ret = 0, submit_err, wait_err = 0;

	if (!count)
		return 0;
	if (!jobs || job_size < JOB_SIZE_1_0 || job_size > 4096)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		const struct drm_metis_job *j =
			(const void *)((const char *)jobs + i * job_size);

		n += j->out_sync_count + 1;
	}
	copy = malloc((size_t)count * job_size);
	outs = calloc(n, sizeof(*outs));
	syncobjs = calloc(count, sizeof(*syncobjs));
	if (!copy || !outs || !syncobjs) {
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(copy, jobs, (size_t)count * job_size);
	for (made = 0; made < count; made++) {
		ret = metis_syncobj_create(dev, &syncobjs[made]);
		if (ret)
			goto out_destroy;
	}
	for (i = 0; i < count; i++) {
		struct drm_metis_job *j = (void *)(copy + i * job_size);
		const struct drm_metis_sync *user =
			(const void *)(uintptr_t)j->out_syncs;

		if (j->out_sync_count)
			memcpy(&outs[k], user,
			       j->out_sync_count * sizeof(*outs));
		outs[k + j->out_sync_count] = (struct drm_metis_sync){
			.handle = syncobjs[i],
		};
		j->out_syncs = (uintptr_t)&outs[k];
		j->out_sync_count++;
		k += j->out_sync_count;
	}

	submit_err = metis_submit(dev, (void *)copy, count, job_size);
	if (submit_err) {
		for (queued = 0; queued < count; queued++)
			if (!job_queued(dev, syncobjs[queued]))
				break;
	}
	if (queued) {
		if (drmSyncobjWait(dev->fd, syncobjs, queued, deadline,
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL))
			wait_err = -errno;
	}
	if (wait_err && wait_err != -ETIME) {
		ret = wait_err;
		goto out_destroy;
	}
	for (i = 0; i < count; i++) {
		int r;

		if (i < queued)
			r = job_status(dev, syncobjs[i]);
		else if (i == queued)
			r = submit_err;		/* the bad job */
		else
			r = -ECANCELED;		/* not queued */
		if (results)
			results[i] = r;
		if (r && !ret)
			ret = r;
	}
	/* The submission's own error first, then a timeout, then the jobs'. */
	if (submit_err)
		ret = submit_err;
	else if (wait_err)
		ret = wait_err;

out_destroy:
	while (made)
		metis_syncobj_destroy(dev, syncobjs[--made]);
out_free:
	free(copy);
	free(outs);
	free(syncobjs);
	return ret;
}

/* Release 1.0's metis_run(): 1.0 jobs, no per-job results. */
METIS_EXPORT int metis_run_1_0(struct metis_device *dev,
			       struct drm_metis_job *jobs, unsigned int count,
			       int64_t timeout_ns);
METIS_COMPAT(metis_run_1_0, metis_run, "LIBDRM_METIS_1");
METIS_EXPORT int metis_run_1_0(struct metis_device *dev,
			       struct drm_metis_job *jobs, unsigned int count,
			       int64_t timeout_ns)
{
	return metis_run(dev, jobs, count, JOB_SIZE_1_0, timeout_ns, NULL);
}

METIS_EXPORT int metis_copy(struct metis_device *dev, struct metis_bo *dst,
			    uint64_t dst_off, struct metis_bo *src,
			    uint64_t src_off, uint64_t size, uint32_t channel)
{
	struct drm_metis_job job;

	metis_job_copy(&job, dst, dst_off, src, src_off, size);
	job.channel = channel;
	return metis_run(dev, &job, 1, sizeof(job), METIS_TIMEOUT_DEFAULT, NULL);
}

/* Move bytes between user memory and any buffer; @up: towards the bo. */
static int transfer(struct metis_device *dev, struct metis_bo *bo,
		    uint64_t offset, void *data, uint64_t size, int up)
{
	struct metis_bo *staging;
	uint64_t done, chunk;
	void *map;
	int ret;

	if (offset > bo->size || size > bo->size - offset)
		return -ERANGE;
	if (!(bo->flags & DRM_METIS_BO_DEVICE)) {
		ret = metis_bo_wait(bo, METIS_TIMEOUT_DEFAULT);
		if (ret)
			return ret;
		ret = metis_bo_map(bo, &map);
		if (ret)
			return ret;
		if (up)
			memcpy((char *)map + offset, data, size);
		else
			memcpy(data, (char *)map + offset, size);
		return 0;
	}

	chunk = size < STAGING_MAX ? size : STAGING_MAX;
	if (!chunk)
		return 0;
	ret = metis_bo_create(dev, chunk, DRM_METIS_BO_HOST, &staging);
	if (ret)
		return ret;
	ret = metis_bo_map(staging, &map);
	for (done = 0; !ret && done < size; done += chunk) {
		if (chunk > size - done)
			chunk = size - done;
		if (up) {
			memcpy(map, (char *)data + done, chunk);
			ret = metis_copy(dev, bo, offset + done, staging, 0,
					 chunk, DRM_METIS_CHANNEL_ANY);
		} else {
			ret = metis_copy(dev, staging, 0, bo, offset + done,
					 chunk, DRM_METIS_CHANNEL_ANY);
			if (!ret)
				memcpy((char *)data + done, map, chunk);
		}
	}
	metis_bo_free(staging);
	return ret;
}

METIS_EXPORT int metis_upload(struct metis_device *dev, struct metis_bo *dst,
			      uint64_t offset, const void *data, uint64_t size)
{
	return transfer(dev, dst, offset, (void *)data, size, 1);
}

METIS_EXPORT int metis_download(struct metis_device *dev,
				struct metis_bo *src, uint64_t offset,
				void *data, uint64_t size)
{
	return transfer(dev, src, offset, data, size, 0);
}

METIS_EXPORT int metis_fw_command(struct metis_device *dev, uint32_t opcode,
				  struct metis_bo *region, uint64_t offset,
				  uint64_t size, uint32_t param,
				  uint32_t duration_us, uint64_t *result)
{
	struct drm_metis_job job;
	struct metis_bo *res;
	uint64_t le;
	void *map;
	int ret;

	ret = metis_bo_create(dev, 4096, DRM_METIS_BO_HOST, &res);
	if (ret)
		return ret;
	ret = metis_bo_map(res, &map);
	if (ret)
		goto out;
	metis_job_fw(&job, opcode, region, offset, size, param);
	job.duration_us = duration_us;
	metis_job_result(&job, res, 0);
	ret = metis_run(dev, &job, 1, sizeof(job),
			METIS_TIMEOUT_DEFAULT + duration_us * 1000ll, NULL);
	if (!ret && result) {
		memcpy(&le, map, sizeof(le));
		*result = le64toh(le);
	}
out:
	metis_bo_free(res);
	return ret;
}

METIS_EXPORT const char *metis_fw_opcode_name(uint32_t opcode)
{
	switch (opcode) {
	case DRM_METIS_FW_NOP:
		return "nop";
	case DRM_METIS_FW_CRC32:
		return "crc32";
	case DRM_METIS_FW_XOR32:
		return "xor32";
	case DRM_METIS_FW_FILL32:
		return "fill32";
	}
	return NULL;
}
