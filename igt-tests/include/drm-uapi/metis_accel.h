/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * UAPI of the metis DRM accel driver for the Axelera Metis M.2 AIPU.
 */
#ifndef __UAPI_METIS_ACCEL_H__
#define __UAPI_METIS_ACCEL_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_METIS_GET_PARAM	0x00
#define DRM_METIS_BO_CREATE	0x01
#define DRM_METIS_BO_INFO	0x02
#define DRM_METIS_BO_WAIT	0x03
#define DRM_METIS_SUBMIT	0x04

/**
 * DOC: metis parameters
 *
 * Values of &drm_metis_get_param.param. Every one is answered by the
 * driver from what it already knows: a query never wakes the card.
 *
 * %DRM_METIS_PARAM_DEVICE_ID: PCI vendor << 16 | device.
 * %DRM_METIS_PARAM_FW_VERSION: running firmware version
 * (major << 16 | minor << 8 | patch), 0 when none runs.
 * %DRM_METIS_PARAM_FW_ERROR: last firmware boot error code of the card
 * (Documentation/hw-interface.md section 5.3), 0 if none.
 * %DRM_METIS_PARAM_DEVICE_STATE: &enum drm_metis_device_state.
 * %DRM_METIS_PARAM_DEVICE_MEM_SIZE: bytes of on-card memory.
 * %DRM_METIS_PARAM_DEVICE_MEM_FREE: bytes of on-card memory not allocated.
 * %DRM_METIS_PARAM_READ_CHANNELS: host to card DMA channels.
 * %DRM_METIS_PARAM_WRITE_CHANNELS: card to host DMA channels.
 * %DRM_METIS_PARAM_CONTEXTS: firmware command contexts; 0 on a card
 * without our runtime firmware interface (a card exactly as published,
 * Documentation/hw-interface.md section 5), where every
 * %DRM_METIS_OP_FW job is refused with -EOPNOTSUPP.
 * %DRM_METIS_PARAM_RESET_COUNT: card resets done to recover from hangs.
 * %DRM_METIS_PARAM_MSI_VECTORS: interrupt vectors the driver got.
 * %DRM_METIS_PARAM_MAX_JOBS: most jobs one &drm_metis_submit may carry.
 */
#define DRM_METIS_PARAM_DEVICE_ID		0
#define DRM_METIS_PARAM_FW_VERSION		1
#define DRM_METIS_PARAM_FW_ERROR		2
#define DRM_METIS_PARAM_DEVICE_STATE		3
#define DRM_METIS_PARAM_DEVICE_MEM_SIZE		4
#define DRM_METIS_PARAM_DEVICE_MEM_FREE		5
#define DRM_METIS_PARAM_READ_CHANNELS		6
#define DRM_METIS_PARAM_WRITE_CHANNELS		7
#define DRM_METIS_PARAM_CONTEXTS		8
#define DRM_METIS_PARAM_RESET_COUNT		9
#define DRM_METIS_PARAM_MSI_VECTORS		10
#define DRM_METIS_PARAM_MAX_JOBS		11

/**
 * enum drm_metis_device_state - what the card can do now
 * @DRM_METIS_STATE_READY: the card is set up (and its firmware runs, where
 *	it has our firmware interface); jobs are accepted.
 * @DRM_METIS_STATE_SUSPENDED: powered down; the next job wakes it.
 * @DRM_METIS_STATE_RESETTING: recovering from a hang; jobs wait.
 * @DRM_METIS_STATE_ERROR: the firmware did not boot; jobs fail with -EIO.
 * @DRM_METIS_STATE_GONE: the card was removed; ioctls fail with -ENODEV.
 */
enum drm_metis_device_state {
	DRM_METIS_STATE_READY = 0,
	DRM_METIS_STATE_SUSPENDED = 1,
	DRM_METIS_STATE_RESETTING = 2,
	DRM_METIS_STATE_ERROR = 3,
	DRM_METIS_STATE_GONE = 4,
};

/**
 * struct drm_metis_get_param - query a device parameter
 *
 * Errors: -EINVAL for an unknown @param or a non-zero @pad.
 */
struct drm_metis_get_param {
	/** @param: Input: one of the DRM_METIS_PARAM_* values. */
	__u32 param;
	/** @pad: Input: must be zero. */
	__u32 pad;
	/** @value: Output: the value. */
	__u64 value;
};

/** @DRM_METIS_BO_HOST: buffer in host memory, CPU-mappable. */
#define DRM_METIS_BO_HOST	0x0
/** @DRM_METIS_BO_DEVICE: buffer in on-card memory, reached only by DMA. */
#define DRM_METIS_BO_DEVICE	0x1

/**
 * struct drm_metis_bo_create - create a buffer object
 *
 * Host buffers are zero-filled shmem pages. Device buffers live in on-card
 * memory and survive suspend, resume and resets (&struct drm_metis_submit
 * says when they cannot); the card writes zeroes over one
 * before its handle is returned (that wakes a runtime-suspended card), so
 * nothing a buffer held before is ever read through the new one.
 *
 * Errors: -EINVAL for unknown @flags, a non-zero @pad or a zero @size;
 * -E2BIG for a size larger than the memory it would live in; -ENOSPC when
 * on-card memory has no free range of that size; -ENOMEM; -EIO, -ENODEV
 * or -ETIMEDOUT when the card could not clear a device buffer (it is not
 * created: so on a card in the error state); -EINTR when a signal
 * interrupted the clearing (restarted for SA_RESTART handlers).
 */
struct drm_metis_bo_create {
	/** @size: Input: size in bytes, rounded up to a page. */
	__u64 size;
	/** @flags: Input: DRM_METIS_BO_HOST or DRM_METIS_BO_DEVICE. */
	__u32 flags;
	/** @handle: Output: GEM handle. */
	__u32 handle;
};

/**
 * struct drm_metis_bo_info - describe a buffer object
 *
 * Errors: -ENOENT for an unknown @handle; -EINVAL for a non-zero @pad.
 */
struct drm_metis_bo_info {
	/** @handle: Input: GEM handle. */
	__u32 handle;
	/** @flags: Output: DRM_METIS_BO_HOST or DRM_METIS_BO_DEVICE. */
	__u32 flags;
	/** @size: Output: size in bytes. */
	__u64 size;
	/**
	 * @mmap_offset: Output: offset to pass to mmap() on the device file
	 * for host and imported buffers; 0 for device buffers, which cannot
	 * be mapped.
	 */
	__u64 mmap_offset;
	/** @pad: Input: must be zero. */
	__u64 pad;
};

/**
 * struct drm_metis_bo_wait - wait until no job uses a buffer object
 *
 * For clients that do not use syncobjs.
 *
 * Errors: -ENOENT for an unknown @handle; -EINVAL for a non-zero @pad;
 * -ETIME when @timeout_ns passed first; -EIO when the last job writing the
 * buffer failed; -ENODEV when the card is gone.
 */
struct drm_metis_bo_wait {
	/** @handle: Input: GEM handle. */
	__u32 handle;
	/** @pad: Input: must be zero. */
	__u32 pad;
	/** @timeout_ns: Input: absolute CLOCK_MONOTONIC time limit. */
	__s64 timeout_ns;
};

/** @DRM_METIS_OP_COPY: DMA copy between two buffer objects. */
#define DRM_METIS_OP_COPY	0
/** @DRM_METIS_OP_FW: firmware command on a device buffer. */
#define DRM_METIS_OP_FW		1

/*
 * Firmware commands (&drm_metis_job.fw_opcode); the card's context opcodes,
 * see Documentation/hw-interface.md section 6.
 */
#define DRM_METIS_FW_NOP	0
#define DRM_METIS_FW_CRC32	1
#define DRM_METIS_FW_XOR32	2
#define DRM_METIS_FW_FILL32	3

/** @DRM_METIS_SYNC_TIMELINE: &drm_metis_sync.point names a timeline point. */
#define DRM_METIS_SYNC_TIMELINE	0x1

/**
 * struct drm_metis_sync - a syncobj to wait on or to signal
 */
struct drm_metis_sync {
	/** @handle: Input: syncobj handle. */
	__u32 handle;
	/** @flags: Input: 0 or DRM_METIS_SYNC_TIMELINE. */
	__u32 flags;
	/** @point: Input: timeline point; must be 0 for binary syncobjs. */
	__u64 point;
};

/** @DRM_METIS_CHANNEL_ANY: let the driver pick the DMA channel or context. */
#define DRM_METIS_CHANNEL_ANY	0xffffffffu

/**
 * struct drm_metis_job - one unit of work on the card
 *
 * A COPY job moves @size bytes from @src_handle at @src_offset to
 * @dst_handle at @dst_offset. Exactly one side must be a device buffer and
 * the other a host or imported buffer: host to device runs on a read
 * channel, device to host on a write channel.
 *
 * A FW job runs @fw_opcode on @size bytes of device buffer @dst_handle at
 * @dst_offset, with @fw_param, lasting at least @duration_us; if
 * @result_handle is not 0 the command's 64-bit result is stored
 * little-endian at @result_offset of that host buffer.
 *
 * A job waits for @in_syncs and for earlier jobs using the same buffers
 * (implicit fences), and signals @out_syncs when done.
 */
struct drm_metis_job {
	/** @op: Input: DRM_METIS_OP_COPY or DRM_METIS_OP_FW. */
	__u32 op;
	/** @flags: Input: must be zero. */
	__u32 flags;
	/** @src_handle: Input: source buffer (COPY); must be 0 for FW. */
	__u32 src_handle;
	/** @dst_handle: Input: destination buffer (COPY) or region (FW). */
	__u32 dst_handle;
	/** @src_offset: Input: byte offset into @src_handle. */
	__u64 src_offset;
	/** @dst_offset: Input: byte offset into @dst_handle. */
	__u64 dst_offset;
	/** @size: Input: bytes to copy or to process; not zero. */
	__u64 size;
	/** @fw_opcode: Input: DRM_METIS_FW_* (FW only). */
	__u32 fw_opcode;
	/** @fw_param: Input: command parameter (FW only). */
	__u32 fw_param;
	/** @duration_us: Input: extra run time of a FW command (max 10 s). */
	__u32 duration_us;
	/**
	 * @channel: Input: DMA channel (COPY) or context (FW) to use, or
	 * DRM_METIS_CHANNEL_ANY.
	 */
	__u32 channel;
	/** @result_handle: Input: host buffer for the FW result, or 0. */
	__u32 result_handle;
	/** @in_sync_count: Input: entries in @in_syncs (at most 64). */
	__u32 in_sync_count;
	/** @result_offset: Input: 8-byte aligned offset in @result_handle. */
	__u64 result_offset;
	/** @in_syncs: Input: pointer to an array of &struct drm_metis_sync. */
	__u64 in_syncs;
	/** @out_syncs: Input: pointer to an array of &struct drm_metis_sync. */
	__u64 out_syncs;
	/** @out_sync_count: Input: entries in @out_syncs (at most 64). */
	__u32 out_sync_count;
	/** @pad: Input: must be zero. */
	__u32 pad;
};

/**
 * struct drm_metis_submit - queue jobs
 *
 * Jobs are checked in order; the first bad one stops the submission and
 * none of the jobs from it on are queued (@job_count is not updated, the
 * earlier ones run). Jobs of one file run in submission order on each
 * channel; jobs on different channels overlap.
 *
 * Errors: -EINVAL for unknown flags (of the submit, a job or a sync), a
 * non-zero pad, an unknown op, a wrong buffer kind, a zero size, a bad
 * channel or opcode, a @duration_us over 10 s, a @result_offset that is
 * not 8-byte aligned, or a non-zero point on a binary syncobj; -ENOENT for an
 * unknown buffer or syncobj handle; -ERANGE for an offset and size outside
 * a buffer; -E2BIG for more than DRM_METIS_PARAM_MAX_JOBS jobs, more than 64
 * syncs, or a @job_stride smaller than the first version of &drm_metis_job
 * or larger than a page; -EFAULT for bad pointers; -EIO when the card is in
 * the error state, or for a device buffer whose contents were lost (the
 * host had no memory to keep them across a reset or suspend: logged; a
 * queued job using it ends with -EIO too; close it); -ENODEV when it is
 * gone.
 */
struct drm_metis_submit {
	/** @jobs: Input: pointer to an array of &struct drm_metis_job. */
	__u64 jobs;
	/** @job_count: Input: entries in @jobs. */
	__u32 job_count;
	/**
	 * @job_stride: Input: sizeof(struct drm_metis_job) as the caller
	 * knows it, so that the structure can grow.
	 */
	__u32 job_stride;
	/** @flags: Input: must be zero. */
	__u32 flags;
	/** @pad: Input: must be zero. */
	__u32 pad;
};

/**
 * DOC: metis ioctls
 *
 * %DRM_IOCTL_METIS_GET_PARAM: &struct drm_metis_get_param.
 * %DRM_IOCTL_METIS_BO_CREATE: &struct drm_metis_bo_create.
 * %DRM_IOCTL_METIS_BO_INFO: &struct drm_metis_bo_info.
 * %DRM_IOCTL_METIS_BO_WAIT: &struct drm_metis_bo_wait.
 * %DRM_IOCTL_METIS_SUBMIT: &struct drm_metis_submit.
 *
 * Buffers are closed with DRM_IOCTL_GEM_CLOSE and shared with
 * DRM_IOCTL_PRIME_HANDLE_TO_FD / DRM_IOCTL_PRIME_FD_TO_HANDLE (host buffers
 * export; any dma-buf imports and acts as a host buffer).
 */
#define DRM_IOCTL_METIS_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_METIS_GET_PARAM, struct drm_metis_get_param)
#define DRM_IOCTL_METIS_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_METIS_BO_CREATE, struct drm_metis_bo_create)
#define DRM_IOCTL_METIS_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_METIS_BO_INFO, struct drm_metis_bo_info)
#define DRM_IOCTL_METIS_BO_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_METIS_BO_WAIT, struct drm_metis_bo_wait)
#define DRM_IOCTL_METIS_SUBMIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_METIS_SUBMIT, struct drm_metis_submit)

#if defined(__cplusplus)
}
#endif

#endif /* __UAPI_METIS_ACCEL_H__ */
