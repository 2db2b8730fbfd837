// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Jobs: builders, submission, and the synchronous helpers (run, copy,
 * upload/download through a staging buffer, firmware commands).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

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
			      unsigned int count)
{
	struct drm_metis_submit s = {
		.jobs = (uintptr_t)jobs,
		.job_count = count,
		.job_stride = sizeof(*jobs),
	};

	return metis_ioctl(dev, DRM_IOCTL_METIS_SUBMIT, &s);
}

/*
 * Submit @count jobs, each also signalling point i + 1 of a private
 * timeline syncobj; a chain point signals only once every earlier one
 * did, so waiting for the last point waits for all jobs.
 */
METIS_EXPORT int metis_run(struct metis_device *dev,
			   struct drm_metis_job *jobs, unsigned int count,
			   int64_t timeout_ns)
{
	struct drm_metis_sync *outs;
	struct drm_metis_job *copy;
	uint64_t point = count;
	uint32_t syncobj;
	unsigned int i, n, k = 0;
	int ret, err = 0;

	if (!count)
		return 0;
	for (i = 0, n = 0; i < count; i++)
		n += jobs[i].out_sync_count + 1;
	copy = calloc(count, sizeof(*copy));
	outs = calloc(n, sizeof(*outs));
	if (!copy || !outs) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = metis_syncobj_create(dev, &syncobj);
	if (ret)
		goto out_free;
	for (i = 0; i < count; i++) {
		const struct drm_metis_sync *user =
			(const void *)(uintptr_t)jobs[i].out_syncs;

		copy[i] = jobs[i];
		if (jobs[i].out_sync_count)
			memcpy(&outs[k], user,
			       jobs[i].out_sync_count * sizeof(*outs));
		outs[k + jobs[i].out_sync_count] = (struct drm_metis_sync){
			.handle = syncobj,
			.flags = DRM_METIS_SYNC_TIMELINE,
			.point = i + 1,
		};
		copy[i].out_syncs = (uintptr_t)&outs[k];
		copy[i].out_sync_count = jobs[i].out_sync_count + 1;
		k += copy[i].out_sync_count;
	}
	ret = metis_submit(dev, copy, count);
	if (!ret)
		ret = metis_syncobj_wait(dev, &syncobj, &point, 1, timeout_ns);
	if (!ret) {
		/* The fences are signalled; BO_WAIT reports the job errors. */
		for (i = 0; i < count; i++) {
			struct drm_metis_bo_wait w = {
				.handle = jobs[i].dst_handle,
			};

			err = metis_ioctl(dev, DRM_IOCTL_METIS_BO_WAIT, &w);
			if (err && err != -ETIME) {
				ret = err;
				break;
			}
		}
	}
	metis_syncobj_destroy(dev, syncobj);
out_free:
	free(copy);
	free(outs);
	return ret;
}

METIS_EXPORT int metis_copy(struct metis_device *dev, struct metis_bo *dst,
			    uint64_t dst_off, struct metis_bo *src,
			    uint64_t src_off, uint64_t size, uint32_t channel)
{
	struct drm_metis_job job;

	metis_job_copy(&job, dst, dst_off, src, src_off, size);
	job.channel = channel;
	return metis_run(dev, &job, 1, METIS_TIMEOUT_DEFAULT);
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
	ret = metis_run(dev, &job, 1,
			METIS_TIMEOUT_DEFAULT + duration_us * 1000ll);
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
