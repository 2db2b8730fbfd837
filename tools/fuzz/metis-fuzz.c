// SPDX-License-Identifier: MIT
/*
 * metis-fuzz: structure-aware ioctl fuzzer of the metis accel driver, and
 * the fail-nth fault-injection sweeps of the debug-kernel tier.
 *
 *   metis-fuzz [-d NODE] [-n CALLS] [-t THREADS] [-f FILES] [-s SEED]
 *              [-H BYTES] [-v]
 *	Random but plausible calls from the UAPI (include/uapi/drm/
 *	metis_accel.h) and the DRM core ioctls the driver serves (GEM close,
 *	PRIME export/import, syncobjs): handles that exist or nearly exist,
 *	sizes and offsets around buffer ends, every flag bit, job arrays with
 *	in/out syncobjs, dma-buf fds passed between files, mmaps, from THREADS
 *	threads sharing FILES open files, which are closed and reopened
 *	underneath each other.  Stops after CALLS calls (total), closes
 *	everything and prints per-ioctl outcome counts.  Errors from the
 *	driver are expected; the kernel's reports (KASAN, lockdep, kmemleak,
 *	...) are what the caller checks.  Exit status 1 when the fuzzer never
 *	got a buffer or a job through (it would be fuzzing nothing).
 *	A node that disappears (unbind, hot unplug) is reopened when it
 *	comes back.  SIGTERM stops it the same way as the end of the calls.
 *	-H: the largest host buffer (default 16 MiB); a valid larger size
 *	(up to 64 GiB) is cut to it, around its page edges.  Jobs pin whole
 *	host buffers: with 256 MiB ones the debug kernel's 2 GB guest swapped
 *	and 100,000 calls took 25 minutes, most of it in SUBMIT.  0: no limit.
 *	-v: the rate every 10,000 calls.
 *
 *   metis-fuzz --check [-d NODE]
 *	One verified host -> device -> host copy: exit status 0 when the
 *	device works.
 *
 *   metis-fuzz --failnth OP [-d NODE]
 *	For n = 1, 2, ...: make the n-th fault-injection point of this
 *	thread fail (/proc/thread-self/fail-nth), run OP once, and stop when
 *	OP no longer reaches an n-th point.  OP is open, bo-host, bo-device,
 *	submit, prime or syncobj.  With failslab / fail_page_alloc limited to
 *	the driver's text (require-start/end, see
 *	tools/testbed/debug-kernel/guest-tier.sh) only the driver's
 *	allocations count.  Every injected failure must come back as an
 *	error (or a success that works); after the sweep a verified copy
 *	must work.  Prints the number of injected points.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "metis_accel.h"

#define MAX_FILES	8
#define MAX_THREADS	16
#define SLOT_OBJS	32
#define MAX_DMABUFS	16

static const char *node;	/* -d, else the first /dev/accel/accelN */
static long max_calls = 100000;
static int nthreads = 4, nfiles = 3, verbose;
static uint64_t seed;

/* Open files, closed and reopened underneath the other threads. */
struct file_slot {
	_Atomic int fd;
	/* Recently created objects of this file; racy by design. */
	_Atomic uint32_t bo[SLOT_OBJS];
	_Atomic uint64_t bo_size[SLOT_OBJS];
	_Atomic uint32_t bo_flags[SLOT_OBJS];
	_Atomic uint32_t syncobj[SLOT_OBJS];
};

static struct file_slot files[MAX_FILES];
static _Atomic int dmabufs[MAX_DMABUFS];
static _Atomic long calls;
static int64_t t_start;	/* when the workers started */
/* SIGTERM/SIGINT: stop, close everything and print the counts. */
static volatile sig_atomic_t stop;
static uint64_t dev_mem_size = 64 << 20;
static uint64_t host_bo_max = 16 << 20;	/* -H */
static uint32_t n_read = 1, n_write = 1, n_ctx = 1, max_jobs = 16;

enum { C_PARAM, C_BO_CREATE, C_BO_INFO, C_BO_WAIT, C_SUBMIT, C_GEM_CLOSE,
	C_EXPORT, C_IMPORT, C_SYNC_CREATE, C_SYNC_DESTROY, C_SYNC_WAIT,
	C_MMAP, C_REOPEN, C_DMABUF_CLOSE, C_RAW, C_NR };
static const char *const cname[C_NR] = {
	"get_param", "bo_create", "bo_info", "bo_wait", "submit", "gem_close",
	"prime_export", "prime_import", "syncobj_create", "syncobj_destroy",
	"syncobj_wait", "mmap", "reopen", "dmabuf_close", "raw_ioctl",
};
/* Outcomes: [call][0] successes, [call][errno] failures (errno < 160). */
#define NERR 160
static _Atomic long stats[C_NR][NERR];
/* Per call: total and slowest time (ns), to say where a slow run went. */
static _Atomic int64_t time_sum[C_NR], time_max[C_NR];
static _Thread_local int last_call = C_NR;

/*
 * Open the device: -d NODE, else the first accel node that opens (after a
 * detach with files still open the card comes back as another minor).
 */
static int open_node(void)
{
	char path[32];
	int i, fd;

	if (node)
		return open(node, O_RDWR | O_CLOEXEC);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			return fd;
	}
	errno = ENOENT;
	return -1;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "metis-fuzz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* xorshift64*: one per thread, seeded from the run's seed. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rnd(s) % n) : 0;
}

static int chance(uint64_t *s, int percent)
{
	return below(s, 100) < (uint32_t)percent;
}

static void count(int c, int ret)
{
	int e = ret ? errno : 0;

	if (e < 0 || e >= NERR)
		e = NERR - 1;
	atomic_fetch_add(&stats[c][e], 1);
	last_call = c;
}

static void account(int c, int64_t ns)
{
	int64_t m = atomic_load(&time_max[c]);

	atomic_fetch_add(&time_sum[c], ns);
	while (ns > m && !atomic_compare_exchange_weak(&time_max[c], &m, ns))
		;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/* A size: mostly small, sometimes page edges, sometimes absurd. */
static uint64_t fuzz_size(uint64_t *s)
{
	switch (below(s, 10)) {
	case 0: return 0;
	case 1: return 1 + below(s, 4096);
	case 2: return 4096ULL << below(s, 8);
	case 3: return (4096ULL << below(s, 8)) + below(s, 3) - 1;
	case 4: return dev_mem_size + (below(s, 3) - 1) * 4096ULL;
	case 5: return rnd(s);
	case 6: return ~0ULL - below(s, 8192);
	default: return 4096ULL * (1 + below(s, 16));
	}
}

/* An offset relative to a buffer of SIZE: inside, at the end, past it. */
static uint64_t fuzz_offset(uint64_t *s, uint64_t size)
{
	switch (below(s, 8)) {
	case 0: return rnd(s);
	case 1: return size;
	case 2: return size ? size - 1 : 0;
	case 3: return ~0ULL - below(s, 4096);
	case 4: return below(s, 64) * 8;
	default: return size ? (rnd(s) % size) & ~7ULL : 0;
	}
}

static int slot_fd(uint64_t *s, int *slot)
{
	int i = below(s, nfiles);

	if (slot)
		*slot = i;
	return atomic_load(&files[i].fd);
}

static uint32_t pick_bo(uint64_t *s, struct file_slot *f, uint64_t *size,
			uint32_t *flags)
{
	int i = below(s, SLOT_OBJS);
	uint32_t h = atomic_load(&f->bo[i]);

	*size = atomic_load(&f->bo_size[i]);
	*flags = atomic_load(&f->bo_flags[i]);
	switch (below(s, 20)) {
	case 0: return 0;
	case 1: return h + 1;
	case 2: return rnd(s);
	default: return h;
	}
}

static uint32_t pick_syncobj(uint64_t *s, struct file_slot *f)
{
	uint32_t h = atomic_load(&f->syncobj[below(s, SLOT_OBJS)]);

	if (chance(s, 5))
		return below(s, 2) ? h + 1 : (uint32_t)rnd(s);
	return h;
}

static void do_param(uint64_t *s, int fd)
{
	struct drm_metis_get_param p = {
		.param = chance(s, 80) ? below(s, 13) : (uint32_t)rnd(s),
		.pad = chance(s, 5) ? 1 : 0,
	};

	count(C_PARAM, xioctl(fd, DRM_IOCTL_METIS_GET_PARAM, &p));
}

static void do_bo_create(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_metis_bo_create c = {
		.size = fuzz_size(s),
		.flags = chance(s, 90) ? below(s, 2) : (uint32_t)rnd(s),
	};
	int ret, i;

	/* Keep most buffers small: TCG guests have little memory. */
	if (c.size > (8ULL << 20) && chance(s, 70))
		c.size = 4096;
	if (!(c.flags & DRM_METIS_BO_DEVICE) && host_bo_max &&
	    c.size > host_bo_max && c.size <= (64ULL << 30))
		c.size = host_bo_max + (below(s, 3) - 1) * 4096ULL;
	ret = xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &c);
	count(C_BO_CREATE, ret);
	if (ret)
		return;
	i = below(s, SLOT_OBJS);
	atomic_store(&f->bo[i], c.handle);
	atomic_store(&f->bo_size[i], (c.size + 4095) & ~4095ULL);
	atomic_store(&f->bo_flags[i], c.flags);
}

static void do_bo_info(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_metis_bo_info i = { 0 };
	uint64_t size;
	uint32_t flags;

	i.handle = pick_bo(s, f, &size, &flags);
	i.pad = chance(s, 5);
	count(C_BO_INFO, xioctl(fd, DRM_IOCTL_METIS_BO_INFO, &i));
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void do_bo_wait(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_metis_bo_wait w = { 0 };
	uint64_t size;
	uint32_t flags;

	w.handle = pick_bo(s, f, &size, &flags);
	w.pad = chance(s, 5);
	switch (below(s, 4)) {
	case 0: w.timeout_ns = 0; break;
	case 1: w.timeout_ns = -(int64_t)below(s, 1000); break;
	default: w.timeout_ns = now_ns() + below(s, 20) * 1000000LL; break;
	}
	count(C_BO_WAIT, xioctl(fd, DRM_IOCTL_METIS_BO_WAIT, &w));
}

static void fill_syncs(uint64_t *s, struct file_slot *f, struct drm_metis_sync *v,
		       uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		v[i].handle = pick_syncobj(s, f);
		v[i].flags = chance(s, 90) ? 0 : (chance(s, 50) ? DRM_METIS_SYNC_TIMELINE : (uint32_t)rnd(s));
		v[i].point = v[i].flags ? below(s, 4) : (chance(s, 95) ? 0 : rnd(s));
	}
}

/* A buffer of FLAGS kind of this file, or 0 when it has none. */
static uint32_t pick_kind(uint64_t *s, struct file_slot *f, uint32_t flags, uint64_t *size)
{
	int start = below(s, SLOT_OBJS), k;

	for (k = 0; k < SLOT_OBJS; k++) {
		int i = (start + k) % SLOT_OBJS;
		uint32_t h = atomic_load(&f->bo[i]);

		if (h && atomic_load(&f->bo_flags[i]) == flags) {
			*size = atomic_load(&f->bo_size[i]);
			return h;
		}
	}
	*size = 0;
	return 0;
}

/* A job the driver should accept (unless the buffers went away). */
static void plausible_job(uint64_t *s, struct file_slot *f, struct drm_metis_job *job)
{
	uint64_t ssize, dsize, rsize, lim;
	int to_dev = below(s, 2);

	if (chance(s, 70)) {
		job->op = DRM_METIS_OP_COPY;
		job->src_handle = pick_kind(s, f, to_dev ? DRM_METIS_BO_HOST : DRM_METIS_BO_DEVICE, &ssize);
		job->dst_handle = pick_kind(s, f, to_dev ? DRM_METIS_BO_DEVICE : DRM_METIS_BO_HOST, &dsize);
		lim = ssize < dsize ? ssize : dsize;
		job->channel = chance(s, 60) ? DRM_METIS_CHANNEL_ANY : below(s, to_dev ? n_read : n_write);
	} else {
		job->op = DRM_METIS_OP_FW;
		job->dst_handle = pick_kind(s, f, DRM_METIS_BO_DEVICE, &dsize);
		lim = dsize;
		job->fw_opcode = below(s, 4);
		job->fw_param = (uint32_t)rnd(s);
		job->duration_us = below(s, 100);
		job->channel = chance(s, 60) ? DRM_METIS_CHANNEL_ANY : below(s, n_ctx);
		if (chance(s, 40)) {
			job->result_handle = pick_kind(s, f, DRM_METIS_BO_HOST, &rsize);
			job->result_offset = rsize >= 8 ? (rnd(s) % (rsize / 8)) * 8 : 0;
		}
	}
	if (lim > 64 * 1024)
		lim = 64 * 1024;
	job->size = lim >= 8 ? 8 * (1 + below(s, lim / 8)) : 8;
	if (job->size < lim && chance(s, 50)) {
		uint64_t off = (rnd(s) % (lim - job->size + 1)) & ~7ULL;

		job->src_offset = job->op == DRM_METIS_OP_COPY ? off : 0;
		job->dst_offset = off;
	}
}

static void do_submit(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_metis_job jobs[20];
	struct drm_metis_sync in[20][4], out[20][4];
	struct drm_metis_submit sub = { 0 };
	uint32_t n = chance(s, 80) ? 1 + below(s, 3) : below(s, 20), j;
	uint32_t stride = sizeof(struct drm_metis_job);

	memset(jobs, 0, sizeof(jobs));
	for (j = 0; j < n && j < 20; j++) {
		struct drm_metis_job *job = &jobs[j];
		uint64_t ssize, dsize, rsize;
		uint32_t sflags, dflags, rflags;

		if (chance(s, 75)) {
			plausible_job(s, f, job);
		} else {
			job->op = chance(s, 95) ? below(s, 2) : (uint32_t)rnd(s);
			job->flags = chance(s, 3) ? 1u << below(s, 32) : 0;
			job->src_handle = pick_bo(s, f, &ssize, &sflags);
			job->dst_handle = pick_bo(s, f, &dsize, &dflags);
			if (job->op == DRM_METIS_OP_FW && chance(s, 90))
				job->src_handle = 0;
			job->src_offset = fuzz_offset(s, ssize);
			job->dst_offset = fuzz_offset(s, dsize);
			{
				uint64_t lim = ssize < dsize ? ssize : dsize;

				if (job->op == DRM_METIS_OP_FW)
					lim = dsize;
				job->size = chance(s, 70) && lim ? 8 * (1 + below(s, lim / 8 > 512 ? 512 : (uint32_t)(lim / 8)))
								 : fuzz_size(s);
			}
			job->fw_opcode = chance(s, 90) ? below(s, 4) : (uint32_t)rnd(s);
			job->fw_param = (uint32_t)rnd(s);
			/* Short commands: a long one would stall the whole run. */
			job->duration_us = chance(s, 95) ? below(s, 200) : below(s, 20000);
			switch (below(s, 6)) {
			case 0: job->channel = (uint32_t)rnd(s); break;
			case 1: job->channel = job->op ? n_ctx : n_read; break;
			case 2: case 3: job->channel = below(s, job->op ? n_ctx : n_read + n_write); break;
			default: job->channel = DRM_METIS_CHANNEL_ANY; break;
			}
			if (job->op == DRM_METIS_OP_FW && chance(s, 40)) {
				job->result_handle = pick_bo(s, f, &rsize, &rflags);
				job->result_offset = chance(s, 80) ? fuzz_offset(s, rsize) & ~7ULL : rnd(s);
			}
		}
		if (chance(s, 20)) {
			job->in_sync_count = chance(s, 95) ? 1 + below(s, 4) : below(s, 100);
			fill_syncs(s, f, in[j], 4);
			job->in_syncs = (uintptr_t)in[j];
			if (chance(s, 3))
				job->in_syncs = chance(s, 50) ? 0 : rnd(s);
		}
		if (chance(s, 50)) {
			job->out_sync_count = chance(s, 95) ? 1 + below(s, 4) : below(s, 100);
			fill_syncs(s, f, out[j], 4);
			job->out_syncs = (uintptr_t)out[j];
			if (chance(s, 3))
				job->out_syncs = chance(s, 50) ? 0 : rnd(s);
		}
		if (chance(s, 3))
			job->pad = 1;
		/* Counts above the arrays' 4 entries only with a bad pointer. */
		if (job->in_sync_count > 4 && job->in_syncs == (uintptr_t)in[j])
			job->in_sync_count = 4;
		if (job->out_sync_count > 4 && job->out_syncs == (uintptr_t)out[j])
			job->out_sync_count = 4;
	}
	sub.jobs = (uintptr_t)jobs;
	sub.job_count = n;
	if (n > 20) /* never: the array holds 20 */
		sub.job_count = 20;
	switch (below(s, 30)) {
	case 0: sub.job_stride = stride - 8; break;
	case 1: sub.job_stride = 8192; break;
	case 2: sub.jobs = 0; break;
	case 3: sub.jobs = rnd(s); break;
	case 4: sub.job_count = max_jobs + 1 + below(s, 1000); sub.jobs = chance(s, 50) ? 0 : sub.jobs; break;
	default: sub.job_stride = stride; break;
	}
	if (sub.job_stride > stride && sub.job_count > 1)
		sub.job_count = 1;	/* do not read past jobs[] */
	if (sub.job_count > max_jobs && sub.jobs == (uintptr_t)jobs)
		sub.job_count = n;
	sub.flags = chance(s, 3) ? 1u << below(s, 32) : 0;
	sub.pad = chance(s, 3);
	count(C_SUBMIT, xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &sub));
}

static void do_gem_close(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_gem_close c = { 0 };
	uint64_t size;
	uint32_t flags;
	int i = below(s, SLOT_OBJS);

	c.handle = chance(s, 90) ? atomic_exchange(&f->bo[i], 0) : pick_bo(s, f, &size, &flags);
	count(C_GEM_CLOSE, xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c));
}

static void do_export(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_prime_handle p = { 0 };
	uint64_t size;
	uint32_t flags;
	int ret, old;

	p.handle = pick_bo(s, f, &size, &flags);
	p.flags = chance(s, 90) ? (DRM_CLOEXEC | (chance(s, 50) ? DRM_RDWR : 0)) : (uint32_t)rnd(s);
	ret = xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	count(C_EXPORT, ret);
	if (ret)
		return;
	old = atomic_exchange(&dmabufs[below(s, MAX_DMABUFS)], p.fd);
	if (old > 0)
		close(old);
}

static void do_import(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_prime_handle p = { 0 };
	int ret, i;

	p.fd = atomic_load(&dmabufs[below(s, MAX_DMABUFS)]);
	if (chance(s, 5))
		p.fd = chance(s, 50) ? fd : (int)below(s, 64);
	ret = xioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
	count(C_IMPORT, ret);
	if (ret)
		return;
	i = below(s, SLOT_OBJS);
	atomic_store(&f->bo[i], p.handle);
	atomic_store(&f->bo_size[i], 4096);
	atomic_store(&f->bo_flags[i], DRM_METIS_BO_HOST);
}

static void do_sync_create(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_syncobj_create c = { .flags = chance(s, 30) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0 };
	int ret;

	ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	count(C_SYNC_CREATE, ret);
	if (!ret) {
		struct drm_syncobj_destroy d = {
			.handle = atomic_exchange(&f->syncobj[below(s, SLOT_OBJS)], c.handle),
		};

		if (d.handle)
			xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	}
}

static void do_sync_destroy(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_syncobj_destroy d = {
		.handle = chance(s, 80) ? atomic_exchange(&f->syncobj[below(s, SLOT_OBJS)], 0)
					: pick_syncobj(s, f),
	};

	count(C_SYNC_DESTROY, xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d));
}

static void do_sync_wait(uint64_t *s, struct file_slot *f, int fd)
{
	uint32_t h[4];
	struct drm_syncobj_wait w = { 0 };
	int i;

	for (i = 0; i < 4; i++)
		h[i] = pick_syncobj(s, f);
	w.handles = (uintptr_t)h;
	w.count_handles = 1 + below(s, 4);
	w.timeout_nsec = now_ns() + below(s, 20) * 1000000LL;
	w.flags = below(s, 4); /* WAIT_ALL, WAIT_FOR_SUBMIT */
	count(C_SYNC_WAIT, xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
}

static void do_mmap(uint64_t *s, struct file_slot *f, int fd)
{
	struct drm_metis_bo_info i = { 0 };
	uint64_t size;
	uint32_t flags;
	volatile uint8_t *p;
	uint64_t len;
	int ret;

	i.handle = pick_bo(s, f, &size, &flags);
	ret = xioctl(fd, DRM_IOCTL_METIS_BO_INFO, &i);
	if (ret || !i.mmap_offset) {
		count(C_MMAP, ret ? ret : (errno = ENODATA, -1));
		return;
	}
	len = i.size;
	if (chance(s, 10))
		len += 4096;	/* past the end: mmap must refuse */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 chance(s, 95) ? (off_t)i.mmap_offset : (off_t)(i.mmap_offset + 4096));
	if (p == MAP_FAILED) {
		count(C_MMAP, -1);
		return;
	}
	count(C_MMAP, 0);
	/* Touch the first and the last page (host buffers are shmem). */
	if (len == i.size && len) {
		p[0] = (uint8_t)rnd(s);
		(void)p[len - 1];
	}
	munmap((void *)p, len);
}

static void do_reopen(uint64_t *s)
{
	int i = below(s, nfiles), old, fd;

	old = atomic_exchange(&files[i].fd, -1);
	if (old >= 0)
		close(old);
	for (int k = 0; k < SLOT_OBJS; k++) {
		atomic_store(&files[i].bo[k], 0);
		atomic_store(&files[i].syncobj[k], 0);
	}
	fd = open_node();
	count(C_REOPEN, fd < 0 ? -1 : 0);
	if (fd >= 0 && !atomic_compare_exchange_strong(&files[i].fd, &(int){ -1 }, fd))
		close(fd);
}

static void do_dmabuf_close(uint64_t *s)
{
	int fd = atomic_exchange(&dmabufs[below(s, MAX_DMABUFS)], -1);

	count(C_DMABUF_CLOSE, fd > 0 ? close(fd) : (errno = EBADF, -1));
}

/* An ioctl number of the driver's range with a random argument. */
static void do_raw(uint64_t *s, int fd)
{
	uint8_t buf[256];
	unsigned long nr = DRM_COMMAND_BASE + below(s, 8);
	unsigned long req;
	size_t k;

	for (k = 0; k < sizeof(buf); k++)
		buf[k] = (uint8_t)rnd(s);
	req = _IOC(below(s, 4), DRM_IOCTL_BASE, nr, below(s, 256));
	count(C_RAW, ioctl(fd, req, chance(s, 90) ? (void *)buf : (void *)(uintptr_t)rnd(s)));
}

static void *worker(void *arg)
{
	uint64_t s = seed ^ (0x9E3779B97F4A7C15ULL * (1 + (uintptr_t)arg));
	long n;

	if (!s)
		s = 1;
	while (!stop && (n = atomic_fetch_add(&calls, 1)) < max_calls) {
		int slot, fd = slot_fd(&s, &slot);
		struct file_slot *f = &files[slot];
		uint32_t w = below(&s, 100);
		int64_t t0 = now_ns();

		last_call = C_NR;
		if (fd < 0) {
			do_reopen(&s);
			continue;
		}
		if (w < 5) do_param(&s, fd);
		else if (w < 22) do_bo_create(&s, f, fd);
		else if (w < 27) do_bo_info(&s, f, fd);
		else if (w < 31) do_bo_wait(&s, f, fd);
		else if (w < 58) do_submit(&s, f, fd);
		else if (w < 66) do_gem_close(&s, f, fd);
		else if (w < 70) do_export(&s, f, fd);
		else if (w < 74) do_import(&s, f, fd);
		else if (w < 82) do_sync_create(&s, f, fd);
		else if (w < 85) do_sync_destroy(&s, f, fd);
		else if (w < 89) do_sync_wait(&s, f, fd);
		else if (w < 94) do_mmap(&s, f, fd);
		else if (w < 95) do_reopen(&s);
		else if (w < 97) do_dmabuf_close(&s);
		else do_raw(&s, fd);
		if (last_call < C_NR)
			account(last_call, now_ns() - t0);
		if (verbose && n % 10000 == 0)
			fprintf(stderr, "metis-fuzz: %ld calls in %.0f s\n", n,
				(now_ns() - t_start) / 1e9);
	}
	return NULL;
}

static uint64_t get_param(int fd, uint32_t param, uint64_t def)
{
	struct drm_metis_get_param p = { .param = param };

	return xioctl(fd, DRM_IOCTL_METIS_GET_PARAM, &p) ? def : p.value;
}

/* ---- a known-good copy: the device works ---------------------------- */

static int bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *h)
{
	struct drm_metis_bo_create c = { .size = size, .flags = flags };

	if (xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &c))
		return -errno;
	*h = c.handle;
	return 0;
}

static void gem_close(int fd, uint32_t h)
{
	struct drm_gem_close c = { .handle = h };

	if (h)
		xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static void *bo_map(int fd, uint32_t h, uint64_t size)
{
	struct drm_metis_bo_info i = { .handle = h };
	void *p;

	if (xioctl(fd, DRM_IOCTL_METIS_BO_INFO, &i) || !i.mmap_offset)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, i.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

static int copy(int fd, uint32_t src, uint32_t dst, uint64_t size, uint32_t out_sync)
{
	struct drm_metis_sync os = { .handle = out_sync };
	struct drm_metis_job job = {
		.op = DRM_METIS_OP_COPY, .src_handle = src, .dst_handle = dst,
		.size = size, .channel = DRM_METIS_CHANNEL_ANY,
		.out_syncs = out_sync ? (uintptr_t)&os : 0, .out_sync_count = !!out_sync,
	};
	struct drm_metis_submit sub = {
		.jobs = (uintptr_t)&job, .job_count = 1, .job_stride = sizeof(job),
	};

	return xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &sub) ? -errno : 0;
}

static int bo_wait(int fd, uint32_t h)
{
	struct drm_metis_bo_wait w = { .handle = h, .timeout_ns = now_ns() + 30000000000LL };

	return xioctl(fd, DRM_IOCTL_METIS_BO_WAIT, &w) ? -errno : 0;
}

/* Host -> device -> host with a pattern; 0 when the data came back. */
static int verified_copy(void)
{
	const uint64_t size = 64 << 10;
	uint32_t a = 0, d = 0, b = 0;
	uint32_t *pa = NULL, *pb = NULL;
	int fd, ret = -1;
	uint64_t k;

	fd = open_node();
	if (fd < 0) {
		fprintf(stderr, "metis-fuzz: open %s: %s\n", node ? node : "/dev/accel/accel*", strerror(errno));
		return -1;
	}
	if (bo_create(fd, size, DRM_METIS_BO_HOST, &a) || bo_create(fd, size, DRM_METIS_BO_DEVICE, &d) ||
	    bo_create(fd, size, DRM_METIS_BO_HOST, &b))
		goto out;
	pa = bo_map(fd, a, size);
	pb = bo_map(fd, b, size);
	if (!pa || !pb)
		goto out;
	for (k = 0; k < size / 4; k++)
		pa[k] = (uint32_t)(k * 2654435761u);
	if (copy(fd, a, d, size, 0) || copy(fd, d, b, size, 0) || bo_wait(fd, b))
		goto out;
	ret = memcmp(pa, pb, size) ? -2 : 0;
out:
	if (ret)
		fprintf(stderr, "metis-fuzz: verified copy failed (%s)\n",
			ret == -2 ? "data mismatch" : strerror(errno));
	if (pa)
		munmap(pa, size);
	if (pb)
		munmap(pb, size);
	gem_close(fd, a);
	gem_close(fd, d);
	gem_close(fd, b);
	close(fd);
	return ret;
}

/* ---- fail-nth sweeps -------------------------------------------------- */

static int failnth_fd = -1;

static void failnth_set(unsigned int n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(failnth_fd, buf, len, 0) != len)
		die("write fail-nth: %s", strerror(errno));
}

/* Remaining count: 0 once the n-th point failed. */
static unsigned int failnth_get(void)
{
	char buf[32] = "";

	if (pread(failnth_fd, buf, sizeof(buf) - 1, 0) < 0)
		die("read fail-nth: %s", strerror(errno));
	return strtoul(buf, NULL, 10);
}

/*
 * End the injection window of this round (once): remember how many points
 * were left (0: the n-th point was reached and failed).
 */
static int failnth_stopped;
static unsigned int failnth_left;

static void failnth_stop(void)
{
	if (failnth_stopped)
		return;
	failnth_left = failnth_get();
	failnth_set(0);
	failnth_stopped = 1;
}

/* One operation under injection; returns 0 or -errno.  fd is prepared. */
static int failnth_op(const char *op, int fd, uint32_t *objs)
{
	int ret = 0;

	if (!strcmp(op, "open")) {
		int nfd = open_node();

		if (nfd < 0)
			return -errno;
		/* The file must work when open succeeded. */
		failnth_stop();
		ret = bo_create(nfd, 4096, DRM_METIS_BO_HOST, &objs[4]);
		if (!ret)
			gem_close(nfd, objs[4]);
		close(nfd);
		return ret ? -1000 : 0;
	} else if (!strcmp(op, "bo-host") || !strcmp(op, "bo-device")) {
		uint32_t h = 0;

		ret = bo_create(fd, 256 << 10, op[3] == 'h' ? DRM_METIS_BO_HOST : DRM_METIS_BO_DEVICE, &h);
		if (!ret) {
			failnth_stop();
			if (op[3] == 'h') {
				uint8_t *p = bo_map(fd, h, 256 << 10);

				if (!p)
					ret = -1000;
				else {
					p[0] = 1;
					munmap(p, 256 << 10);
				}
			}
			gem_close(fd, h);
		}
		return ret;
	} else if (!strcmp(op, "submit")) {
		/* objs: host a, device d, host b, syncobj */
		ret = copy(fd, objs[0], objs[1], 64 << 10, objs[3]);
		if (!ret) {
			struct drm_syncobj_wait w = {
				.handles = (uintptr_t)&objs[3], .count_handles = 1,
				.timeout_nsec = now_ns() + 30000000000LL,
			};

			failnth_stop();
			if (xioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w))
				return -1000;
		}
		return ret;
	} else if (!strcmp(op, "prime")) {
		struct drm_prime_handle p = { .handle = objs[0], .flags = DRM_CLOEXEC | DRM_RDWR };

		if (xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p))
			return -errno;
		/* Import into a second file: a real import, not a self-import. */
		{
			int fd2 = objs[5];
			struct drm_prime_handle q = { .fd = p.fd };

			ret = xioctl(fd2, DRM_IOCTL_PRIME_FD_TO_HANDLE, &q) ? -errno : 0;
			failnth_stop();
			if (!ret)
				gem_close(fd2, q.handle);
		}
		close(p.fd);
		return ret;
	} else if (!strcmp(op, "syncobj")) {
		struct drm_syncobj_create c = { 0 };
		struct drm_syncobj_destroy d;

		if (xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c))
			return -errno;
		d.handle = c.handle;
		d.pad = 0;
		xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
		return 0;
	}
	die("unknown --failnth op %s (open, bo-host, bo-device, submit, prime, syncobj)", op);
	return 0;
}

static int failnth(const char *op)
{
	unsigned int n, injected = 0, ok_after = 0, max_n = 5000;
	uint32_t objs[8] = { 0 };
	long errs[NERR] = { 0 };
	int fd, fd2, ret, e;
	struct drm_syncobj_create sc = { 0 };

	failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (failnth_fd < 0)
		die("/proc/thread-self/fail-nth: %s (CONFIG_FAULT_INJECTION?)", strerror(errno));
	fd = open_node();
	fd2 = open_node();
	if (fd < 0 || fd2 < 0)
		die("open %s: %s", node ? node : "/dev/accel/accel*", strerror(errno));
	if (bo_create(fd, 64 << 10, DRM_METIS_BO_HOST, &objs[0]) ||
	    bo_create(fd, 64 << 10, DRM_METIS_BO_DEVICE, &objs[1]) ||
	    bo_create(fd, 64 << 10, DRM_METIS_BO_HOST, &objs[2]) ||
	    xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		die("setup: %s", strerror(errno));
	objs[3] = sc.handle;
	objs[5] = fd2;
	for (n = 1; n <= max_n; n++) {
		failnth_stopped = 0;
		failnth_set(n);
		ret = failnth_op(op, fd, objs);
		failnth_stop();
		if (failnth_left != 0) {
			/* Fewer than n points: the sweep is complete. */
			if (ret) {
				fprintf(stderr, "metis-fuzz: %s failed without an injected fault: %d\n", op, ret);
				return 1;
			}
			break;
		}
		injected++;
		if (ret == -1000) {
			fprintf(stderr, "metis-fuzz: %s: fault %u: the call succeeded but its result does not work\n",
				op, n);
			return 1;
		}
		if (!ret) {
			ok_after++;
		} else {
			e = -ret;
			errs[e > 0 && e < NERR ? e : NERR - 1]++;
		}
	}
	if (n > max_n) {
		fprintf(stderr, "metis-fuzz: %s: more than %u fault points?\n", op, max_n);
		return 1;
	}
	printf("failnth %s: %u fault points injected, %u absorbed (call succeeded)", op, injected, ok_after);
	for (e = 1; e < NERR; e++)
		if (errs[e])
			printf(", %s x%ld", strerrorname_np(e) ? strerrorname_np(e) : "?", errs[e]);
	printf("\n");
	gem_close(fd, objs[0]);
	gem_close(fd, objs[1]);
	gem_close(fd, objs[2]);
	{
		struct drm_syncobj_destroy d = { .handle = objs[3] };

		xioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	}
	close(fd);
	close(fd2);
	close(failnth_fd);
	return verified_copy() ? 1 : 0;
}

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS];
	const char *fop = NULL;
	int check_only = 0;
	int i, c, fd;
	long total;

	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-v")) {
			verbose = 1;
			continue;
		}
		if (!strcmp(a, "--check")) {
			check_only = 1;
			continue;
		}
		if (!v)
			die("%s needs a value", a);
		i++;
		if (!strcmp(a, "-d")) node = v;
		else if (!strcmp(a, "-n")) max_calls = atol(v);
		else if (!strcmp(a, "-t")) nthreads = atoi(v);
		else if (!strcmp(a, "-f")) nfiles = atoi(v);
		else if (!strcmp(a, "-s")) seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "-H")) host_bo_max = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--failnth")) fop = v;
		else die("unknown option %s", a);
	}
	if (check_only)
		return verified_copy() ? 1 : 0;
	if (fop)
		return failnth(fop);
	if (nthreads < 1 || nthreads > MAX_THREADS || nfiles < 1 || nfiles > MAX_FILES)
		die("1..%d threads, 1..%d files", MAX_THREADS, MAX_FILES);

	fd = open_node();
	if (fd < 0)
		die("open %s: %s", node ? node : "/dev/accel/accel*", strerror(errno));
	dev_mem_size = get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_SIZE, dev_mem_size);
	n_read = get_param(fd, DRM_METIS_PARAM_READ_CHANNELS, 1);
	n_write = get_param(fd, DRM_METIS_PARAM_WRITE_CHANNELS, 1);
	n_ctx = get_param(fd, DRM_METIS_PARAM_CONTEXTS, 1);
	max_jobs = get_param(fd, DRM_METIS_PARAM_MAX_JOBS, 16);
	close(fd);
	printf("metis-fuzz: seed 0x%" PRIx64 ", %ld calls, %d threads, %d files\n",
	       seed, max_calls, nthreads, nfiles);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (i = 0; i < MAX_DMABUFS; i++)
		atomic_store(&dmabufs[i], -1);
	for (i = 0; i < nfiles; i++)
		atomic_store(&files[i].fd, open_node());
	t_start = now_ns();
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i))
			die("pthread_create");
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nfiles; i++) {
		int f = atomic_exchange(&files[i].fd, -1);

		if (f >= 0)
			close(f);
	}
	for (i = 0; i < MAX_DMABUFS; i++) {
		int f = atomic_exchange(&dmabufs[i], -1);

		if (f > 0)
			close(f);
	}
	printf("metis-fuzz: %ld calls in %.1f s\n", max_calls < calls ? max_calls : (long)calls,
	       (now_ns() - t_start) / 1e9);
	for (c = 0; c < C_NR; c++) {
		int e;

		total = 0;
		for (e = 0; e < NERR; e++)
			total += stats[c][e];
		if (!total)
			continue;
		printf("  %-16s %7ld calls, %7ld ok, %.1f s in all, slowest %.3f s", cname[c], total,
		       stats[c][0], time_sum[c] / 1e9, time_max[c] / 1e9);
		for (e = 1; e < NERR; e++)
			if (stats[c][e])
				printf(", %s %ld", strerrorname_np(e) ? strerrorname_np(e) : "?", stats[c][e]);
		printf("\n");
	}
	if (!stats[C_BO_CREATE][0] || !stats[C_SUBMIT][0]) {
		printf("metis-fuzz: no buffer or no job got through: fuzzing nothing\n");
		return 1;
	}
	return 0;
}
