/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * IGT helpers for the metis accel driver.  Helpers taking an @err assert
 * that the ioctl fails with exactly that errno (0: succeeds); the __
 * variants return 0 or -errno instead.
 */
#ifndef IGT_METIS_H
#define IGT_METIS_H

#include <stdbool.h>
#include <stdint.h>

#include "metis_accel.h"

#define METIS_PCI_VENDOR	0x1f9d
#define METIS_PCI_DEVICE	0x1100
#define NSEC_PER_SEC		1000000000LL

/*
 * Opening: the first metis card, found as libdrm_metis finds it (the
 * same enumeration: /sys/class/accel/accelN in the order of N).
 */
int igt_metis_open(void);			/* skips if there is none */
int __igt_metis_open(void);			/* -errno if none */
bool igt_metis_pci_address(int fd, char *buf, size_t len);
int igt_metis_sysfs_dev(int fd);		/* fd of the PCI device dir */

/* Parameters. */
int __igt_metis_get_param(int fd, uint32_t param, uint32_t pad,
			  uint64_t *value);
uint64_t igt_metis_get_param(int fd, uint32_t param);

/* Buffer objects. */
int __igt_metis_bo_create(int fd, uint64_t size, uint32_t flags,
			  uint32_t *handle);
uint32_t igt_metis_bo_create(int fd, uint64_t size, uint32_t flags, int err);
int __igt_metis_bo_info(int fd, struct drm_metis_bo_info *info);
void igt_metis_bo_info(int fd, struct drm_metis_bo_info *info, int err);
void *igt_metis_bo_mmap(int fd, uint32_t handle, uint64_t size);
void igt_metis_bo_close(int fd, uint32_t handle);
int __igt_metis_bo_wait(int fd, uint32_t handle, uint32_t pad,
			int64_t timeout_ns);
void igt_metis_bo_wait(int fd, uint32_t handle, int64_t timeout_ns, int err);

/* Jobs. */
void igt_metis_job_copy(struct drm_metis_job *job, uint32_t dst,
			uint64_t dst_off, uint32_t src, uint64_t src_off,
			uint64_t size, uint32_t channel);
void igt_metis_job_fw(struct drm_metis_job *job, uint32_t opcode,
		      uint32_t region, uint64_t offset, uint64_t size,
		      uint32_t param, uint32_t context);
int __igt_metis_submit_raw(int fd, struct drm_metis_submit *submit);
int __igt_metis_submit(int fd, struct drm_metis_job *jobs,
		       unsigned int count);
void igt_metis_submit(int fd, struct drm_metis_job *jobs, unsigned int count,
		      int err);

/* Syncobjs (libdrm). */
uint32_t igt_metis_syncobj_create(int fd);
void igt_metis_syncobj_destroy(int fd, uint32_t handle);
int __igt_metis_syncobj_wait(int fd, uint32_t handle, uint64_t point,
			     int64_t timeout_ns);
bool igt_metis_syncobj_busy(int fd, uint32_t handle, uint64_t point);

/*
 * Run @count jobs, wait for them (30 s), and assert the result of the last
 * job's destination buffer matches @err (0 or -EIO for a failed job).
 */
void igt_metis_run(int fd, struct drm_metis_job *jobs, unsigned int count,
		   int err);
void igt_metis_copy(int fd, uint32_t dst, uint64_t dst_off, uint32_t src,
		    uint64_t src_off, uint64_t size, uint32_t channel);

/* Relative timeout to the absolute CLOCK_MONOTONIC value the UAPI takes. */
int64_t igt_metis_abs_timeout(int64_t rel_ns);

/*
 * Host requests from inside a test-bed guest (tb-qmp, see
 * Documentation/testbed.md): QMP commands such as the card's fault
 * injection properties (Documentation/hw-interface.md section 8).
 */
bool igt_metis_has_qmp(void);
void igt_require_metis_qmp(void);
int igt_metis_qmp(const char *json, char *reply, size_t len);
void igt_metis_fault_set(const char *property, uint64_t value);
void igt_metis_link_down(bool down);	/* the card's link-down property */
uint64_t igt_metis_card_stat(const char *property);
/* Undo every fault injection this process made (also as an igt exit handler). */
void igt_metis_clear_faults(int sig);
/*
 * The card's fault-hold: while on, eDMA transfers that start stay running
 * (no data moves) until it is turned off; then each completes after its
 * normal time.  How a test has DMA jobs in flight, deterministically, on a
 * card without our firmware's long commands.
 */
void igt_metis_hold(bool on);
/*
 * The -device metis properties of the test bed's card (TB_CARD_PROPS, e.g.
 * "extensions=off,bandwidth-mbps=8"), as JSON members for a QMP device_add
 * that must bring back the same card (",\"extensions\":false,..." or "").
 */
const char *igt_metis_card_props_json(void);

/*
 * The card's two faces (Documentation/hw-interface.md): with our runtime
 * firmware (DRM_METIS_PARAM_CONTEXTS > 0: firmware jobs run) or exactly as
 * published (CONTEXTS = 0: firmware jobs are refused with -EOPNOTSUPP).
 */
bool igt_metis_has_fw(int fd);
/* Skips, with the reason, on the published card. */
void igt_require_metis_fw(int fd);

/* The card's PCI device in sysfs and its driver. */
int igt_metis_pci_dir(const char *pci);		/* /sys/bus/pci/devices/<pci> */
bool igt_metis_bound(const char *pci);
void igt_metis_unbind(const char *pci);
void igt_metis_bind(const char *pci);
char *igt_metis_runtime_status(const char *pci, char *buf, size_t len);
/* Wait (up to @timeout_s) for a card to be ready; returns an open fd or -errno. */
int igt_metis_wait_ready(int timeout_s);
/* Poll @fd's device state until it is @want (up to @timeout_s); returns the last state. */
uint64_t igt_metis_wait_state(int fd, uint64_t want, int timeout_s);
/*
 * After a detach for which @fd was closed: wait for the card as above and
 * make @fd (the same number) its open file again.  A subtest cannot give
 * igt_main a new descriptor: it ends by longjmp, which may restore the
 * old value.
 */
void igt_metis_reopen_as(int fd, int timeout_s);

/*
 * How many times slower than the release kernels this one runs:
 * METIS_TIME_SCALE (an integer, default 1; the debug-kernel tier sets it).
 * igt_metis_set_timeout() is igt_set_timeout() with @seconds, measured on
 * the release kernels, multiplied by it.
 */
unsigned int igt_metis_time_scale(void);
void igt_metis_set_timeout(unsigned int seconds, const char *op);

/*
 * The driver's debugfs file @file of @fd's card (/sys/kernel/debug/accel/
 * <pci>/@file) into @buf; false where it cannot be read (no debugfs, not
 * root).
 */
bool igt_metis_debugfs_read(int fd, const char *file, char *buf, size_t len);
/*
 * Jobs the driver has started on the card so far (debugfs queues, the
 * "submitted" column summed over every queue), or -1 where that cannot be
 * read.  A job waiting for its dependencies has not started.
 */
int64_t igt_metis_jobs_started(int fd);

/* Test data. */
void igt_metis_pattern(void *buf, uint64_t size, uint32_t seed);
uint64_t igt_metis_first_diff(const void *a, const void *b, uint64_t size);
uint32_t igt_metis_crc32(uint32_t crc, const void *buf, size_t len);

#endif /* IGT_METIS_H */
