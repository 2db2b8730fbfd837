/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * libdrm_metis: client library for the metis DRM accel driver (Axelera
 * Metis M.2 AIPU, PCI 1f9d:1100 and 1f9d:11aa).
 *
 * Conventions:
 * - Every function that can fail returns 0 (or a non-negative count) on
 *   success and a negative errno on failure; metis_strerror() turns it into
 *   a message that says what went wrong in metis terms.
 * - Timeouts are relative, in nanoseconds; METIS_TIMEOUT_INFINITE waits
 *   forever and 0 only polls.  The library converts them to the absolute
 *   CLOCK_MONOTONIC deadlines of the UAPI.
 * - Threads: every function may be called from several threads at once,
 *   on the same device and the same buffer objects, except that a device
 *   or buffer object must not be freed while another thread uses it.
 * - ABI: the symbols are versioned by release (LIBDRM_METIS_1 for 1.0,
 *   LIBDRM_METIS_1.1, ...); structures that may grow carry their size
 *   (struct metis_info) or take it as an argument (the jobs of
 *   metis_submit() and metis_run()).
 */
#ifndef LIBDRM_METIS_H
#define LIBDRM_METIS_H

#include <stddef.h>
#include <stdint.h>

#include "metis_accel.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define METIS_PCI_VENDOR_ID	0x1f9d
#define METIS_PCI_DEVICE_ID	0x1100		/* "Omega" */
#define METIS_PCI_DEVICE_ID_ALPHA 0x11aa	/* "Alpha" (since 1.1) */

/** Wait without limit. */
#define METIS_TIMEOUT_INFINITE	INT64_MAX

/** Default limit of the synchronous helpers (metis_copy() and friends). */
#define METIS_TIMEOUT_DEFAULT	(30LL * 1000 * 1000 * 1000)

struct metis_device;
struct metis_bo;

/** Release of the library: major << 16 | minor << 8 | patch. */
#define LIBDRM_METIS_VERSION	0x010100

/*
 * Devices.  A device is found through sysfs: every /sys/class/accel/accelN
 * whose PCI function is 1f9d:1100 or 1f9d:11aa, ordered by N; its node is the DEVNAME
 * of its uevent (normally /dev/accel/accelN).  Opening checks that the
 * node's driver is "metis" (drmGetVersion()).
 */

/** metis_device_count() - number of metis cards present, or -errno. */
int metis_device_count(void);

/**
 * metis_device_open() - open the @index'th metis card (0 = first).
 * Returns -ENODEV when there is no such card, -EACCES/-EPERM when the node
 * cannot be opened.
 */
int metis_device_open(unsigned int index, struct metis_device **devp);

/**
 * metis_device_open_pci() - open the card at PCI address @pci_addr
 * ("0000:01:00.0" or "01:00.0").  Returns -ENODEV when no metis card is
 * bound to the metis driver at that address.
 */
int metis_device_open_pci(const char *pci_addr, struct metis_device **devp);

/**
 * metis_device_open_fd() - wrap an already open accel node; @fd is
 * duplicated, the caller keeps its own.  Returns -ENOTTY when @fd is not a
 * node of the metis driver (checked by name with drmGetVersion(): another
 * driver may answer the same ioctl numbers).
 */
int metis_device_open_fd(int fd, struct metis_device **devp);

/** metis_device_close() - close a device; free its buffer objects first. */
void metis_device_close(struct metis_device *dev);

/** metis_device_fd() - the DRM file descriptor, for raw ioctls. */
int metis_device_fd(const struct metis_device *dev);

/** metis_device_pci_address() - "0000:01:00.0", or "" if unknown. */
const char *metis_device_pci_address(const struct metis_device *dev);

/** metis_device_node() - path of the device node, or "" if unknown. */
const char *metis_device_node(const struct metis_device *dev);

/** metis_device_sysfs() - /sys/class/accel/accelN, or "" if unknown. */
const char *metis_device_sysfs(const struct metis_device *dev);

/*
 * Queries.
 */

/** metis_get_param() - one DRM_METIS_PARAM_* value. */
int metis_get_param(struct metis_device *dev, uint32_t param,
		    uint64_t *value);

/**
 * struct metis_info - every parameter at once (see metis_accel.h)
 *
 * Set @size to sizeof(struct metis_info) (METIS_INFO_INIT does) and @flags
 * to 0 before metis_get_info(); on return @size holds how many bytes the
 * library filled.  New fields are only ever added at the end, so a program
 * built against an older header keeps working with a newer library and
 * the other way round (fields the library does not know are zeroed).
 */
struct metis_info {
	uint32_t size;			/* in: sizeof; out: bytes filled */
	uint32_t flags;			/* in: must be 0 */
	uint32_t device_id;		/* vendor << 16 | device */
	uint32_t fw_version;		/* major << 16 | minor << 8 | patch */
	uint32_t fw_error;		/* last firmware boot error, 0 if none */
	uint32_t state;			/* enum drm_metis_device_state */
	uint64_t mem_size;		/* on-card memory, bytes */
	uint64_t mem_free;		/* on-card memory not allocated */
	uint32_t read_channels;		/* host -> card DMA channels */
	uint32_t write_channels;	/* card -> host DMA channels */
	uint32_t contexts;		/* firmware command contexts */
	uint32_t reset_count;		/* hang recoveries so far */
	uint32_t msi_vectors;		/* interrupt vectors in use */
	uint32_t max_jobs;		/* most jobs per metis_submit() */
};

#define METIS_INFO_INIT { .size = sizeof(struct metis_info) }

/**
 * metis_get_info() - fill @info with every parameter.  -EINVAL when
 * @info->size is smaller than the two header fields or @info->flags is
 * not 0.
 */
int metis_get_info(struct metis_device *dev, struct metis_info *info);

/** metis_state_name() - "ready", "suspended", ... for a device state. */
const char *metis_state_name(uint32_t state);

/*
 * Buffer objects.  Host buffers (DRM_METIS_BO_HOST) are zero-filled system
 * memory that the CPU maps; device buffers (DRM_METIS_BO_DEVICE) live in
 * on-card memory and are filled and read only by DMA (metis_upload(),
 * metis_download(), copy jobs).
 */

/** metis_bo_create() - allocate @size bytes (rounded up to a page). */
int metis_bo_create(struct metis_device *dev, uint64_t size, uint32_t flags,
		    struct metis_bo **bop);

/**
 * metis_bo_import() - import a dma-buf; it acts as a host buffer.  A
 * dma-buf whose buffer this device already has (imported before, or
 * created here and exported) gives the same struct metis_bo, with one
 * more reference: each import needs its own metis_bo_free().
 */
int metis_bo_import(struct metis_device *dev, int dmabuf_fd,
		    struct metis_bo **bop);

/**
 * metis_bo_export() - export a host buffer as a dma-buf (O_CLOEXEC,
 * read-write); the caller closes *@fdp.
 */
int metis_bo_export(struct metis_bo *bo, int *fdp);

/**
 * metis_bo_map() - CPU mapping of a host or imported buffer, made on the
 * first call and kept until metis_bo_free().  -EINVAL for device buffers.
 */
int metis_bo_map(struct metis_bo *bo, void **ptrp);

/**
 * metis_bo_free() - drop a reference; the last one unmaps and closes the
 * handle.
 */
void metis_bo_free(struct metis_bo *bo);

uint32_t metis_bo_handle(const struct metis_bo *bo);
uint64_t metis_bo_size(const struct metis_bo *bo);
uint32_t metis_bo_flags(const struct metis_bo *bo);
struct metis_device *metis_bo_device(const struct metis_bo *bo);

/**
 * metis_bo_wait() - wait until no job uses @bo.  -ETIME when @timeout_ns
 * passed, -EIO when the last job writing it failed.
 */
int metis_bo_wait(struct metis_bo *bo, int64_t timeout_ns);

/*
 * Syncobjs (binary and timeline), thin wrappers over libdrm's.
 */
int metis_syncobj_create(struct metis_device *dev, uint32_t *handlep);
void metis_syncobj_destroy(struct metis_device *dev, uint32_t handle);

/**
 * metis_syncobj_wait() - wait until all @count syncobjs signal; @points
 * may be NULL for binary syncobjs, else the timeline point of each.  Also
 * waits for a fence to be attached (WAIT_FOR_SUBMIT).  -ETIME on timeout.
 */
int metis_syncobj_wait(struct metis_device *dev, const uint32_t *handles,
		       const uint64_t *points, unsigned int count,
		       int64_t timeout_ns);

/** metis_syncobj_export() - syncobj to an fd (for another process). */
int metis_syncobj_export(struct metis_device *dev, uint32_t handle, int *fdp);
int metis_syncobj_import(struct metis_device *dev, int fd, uint32_t *handlep);

/**
 * metis_syncobj_export_sync_file() - the fence a binary syncobj holds now
 * (a job's, when the syncobj is the job's out-sync) as a sync_file, for
 * another driver or API (EGL/Vulkan, KMS IN_FENCE_FD, a dma-buf's
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE); the caller closes *@fdp.  -EINVAL
 * when the syncobj has no fence yet.  Since 1.1.
 */
int metis_syncobj_export_sync_file(struct metis_device *dev, uint32_t handle,
				   int *fdp);

/**
 * metis_syncobj_import_sync_file() - put a sync_file's fence (another
 * driver's work) into binary syncobj @handle, so that a job can wait for
 * it as an in-sync.  The caller keeps @fd.  Since 1.1.
 */
int metis_syncobj_import_sync_file(struct metis_device *dev, uint32_t handle,
				   int fd);

/*
 * Jobs.  Fill struct drm_metis_job (metis_accel.h) directly or with these
 * helpers, then metis_submit().
 */

/** metis_job_copy() - DMA @size bytes from @src+@src_off to @dst+@dst_off. */
void metis_job_copy(struct drm_metis_job *job,
		    struct metis_bo *dst, uint64_t dst_off,
		    struct metis_bo *src, uint64_t src_off, uint64_t size);

/** metis_job_fw() - firmware command @opcode on a device buffer region. */
void metis_job_fw(struct drm_metis_job *job, uint32_t opcode,
		  struct metis_bo *region, uint64_t offset, uint64_t size,
		  uint32_t param);

/** metis_job_result() - store a FW job's 64-bit result in a host buffer. */
void metis_job_result(struct drm_metis_job *job, struct metis_bo *result,
		      uint64_t offset);

/** metis_job_syncs() - attach in (wait) and out (signal) syncobjs. */
void metis_job_syncs(struct drm_metis_job *job,
		     const struct drm_metis_sync *in, unsigned int in_count,
		     const struct drm_metis_sync *out, unsigned int out_count);

/**
 * metis_submit() - queue @count jobs in order (see drm_metis_submit);
 * @job_size is sizeof(struct drm_metis_job) as the caller knows it (the
 * stride of @jobs).  On an error, the jobs before the first bad one were
 * queued and run (the UAPI does not say how many: metis_run() finds out).
 */
int metis_submit(struct metis_device *dev, const struct drm_metis_job *jobs,
		 unsigned int count, size_t job_size);

/*
 * Synchronous helpers: submit, wait (METIS_TIMEOUT_DEFAULT) and report the
 * job's own error (-EIO when the card failed it).
 */

/**
 * metis_run() - submit @count jobs (stride @job_size, as metis_submit())
 * and wait until all are done.  Each job's result is its own fence's,
 * whatever other jobs or clients do with the same buffers; @results (may
 * be NULL) receives one per job: 0, the job's error (-EIO: the card failed
 * it, -ECANCELED, -ENODEV), -ETIME if it still ran at the timeout.  When
 * the SUBMIT fails, the jobs it queued are waited for and reported, the
 * bad job gets the SUBMIT's error and the jobs after it -ECANCELED (not
 * queued).
 *
 * Returns 0 when every job succeeded; else the SUBMIT's error, -ETIME, or
 * the first failed job's error, in that order.  After -ETIME jobs may
 * still run: wait for their buffers before freeing them.  metis_run()
 * adds one out-sync to each job, so a job may carry at most 63 of its own
 * (the UAPI's limit is 64).
 */
int metis_run(struct metis_device *dev, struct drm_metis_job *jobs,
	      unsigned int count, size_t job_size, int64_t timeout_ns,
	      int *results);

/** metis_copy() - one copy job on @channel (or DRM_METIS_CHANNEL_ANY). */
int metis_copy(struct metis_device *dev, struct metis_bo *dst,
	       uint64_t dst_off, struct metis_bo *src, uint64_t src_off,
	       uint64_t size, uint32_t channel);

/** metis_upload() - write @size bytes at @offset of any buffer. */
int metis_upload(struct metis_device *dev, struct metis_bo *dst,
		 uint64_t offset, const void *data, uint64_t size);

/** metis_download() - read @size bytes at @offset of any buffer. */
int metis_download(struct metis_device *dev, struct metis_bo *src,
		   uint64_t offset, void *data, uint64_t size);

/**
 * metis_fw_command() - run a firmware command and return its result in
 * *@result (may be NULL).
 */
int metis_fw_command(struct metis_device *dev, uint32_t opcode,
		     struct metis_bo *region, uint64_t offset, uint64_t size,
		     uint32_t param, uint32_t duration_us, uint64_t *result);

/** metis_fw_opcode_name() - "nop", "crc32", ... or NULL. */
const char *metis_fw_opcode_name(uint32_t opcode);

/*
 * Errors.
 */

/**
 * metis_strerror() - message for a negative errno returned by this
 * library, in metis terms ("on-card memory is full", "card was removed",
 * ...); falls back to strerror().  Never NULL.
 */
const char *metis_strerror(int err);

/** metis_version() - the library's release, "1.1.0" (since 1.1). */
const char *metis_version(void);

/** metis_crc32() - CRC-32 as zlib (the FW_CRC32 command's result). */
uint32_t metis_crc32(uint32_t crc, const void *buf, size_t len);

#if defined(__cplusplus)
}
#endif

#endif /* LIBDRM_METIS_H */
