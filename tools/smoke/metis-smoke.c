// SPDX-License-Identifier: MIT
/*
 * metis-smoke: a self-contained smoke test of the metis driver, using only
 * the UAPI header and ioctl(2). Prints "ok"/"not ok" per check and exits
 * non-zero if any check failed.
 *
 *   metis-smoke [-d /dev/accel/accel0] [-q]      everything below "full"
 *   metis-smoke -m hang -t TIMEOUT_MS -x CMD     CMD makes the next transfer
 *                                                hang (QMP fault injection)
 *   metis-smoke -b HOLD -B RELEASE               in the full run, HOLD keeps the
 *                                                card's transfers from completing
 *                                                and RELEASE (once the small
 *                                                copies are queued) lets them go
 *                                                (QMP fault-hold): the batch
 *                                                does not race the long copy
 *   metis-smoke -m batchabort -x CMD             CMD makes every eDMA element
 *                                                of 4000 bytes abort (QMP fault
 *                                                injection); one job of a batch
 *                                                fails, the others complete
 *   metis-smoke -m fwfail -e CODE                the firmware did not boot
 *   metis-smoke -m suspend -x CMD                CMD suspends and resumes the
 *                                                system while jobs run
 *   metis-smoke -m params                        queries only
 *   metis-smoke -m unplug -x CMD                 CMD detaches the device while
 *                                                jobs run, one waits for another,
 *                                                and the file, an mmap and an
 *                                                imported udmabuf are held
 *
 * On the card exactly as published (no firmware of ours: CONTEXTS = 0)
 * every firmware job must be refused with EOPNOTSUPP and lose nothing;
 * the firmware checks are replaced by that, data is verified by DMA
 * readback, and in unplug mode the running job is a copy the card holds
 * (-b before the jobs, -B after the detach).  METIS_FACE=full|published
 * in the environment: the card the caller asked for (checked).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "metis_accel.h"

static int failures, checks;
static int quiet;
/* The card runs our firmware (CONTEXTS > 0); else it is the published card. */
static int has_fw = 1;
/* -b, -B: shell commands that hold and release the card's transfers. */
static const char *hold_cmd, *release_cmd;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failures++;
	if (ok && quiet)
		return;
	printf("%s ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int get_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_metis_get_param gp = { .param = param };
	int ret = xioctl(fd, DRM_IOCTL_METIS_GET_PARAM, &gp);

	*value = gp.value;
	return ret;
}

static uint32_t bo_create(int fd, uint64_t size, uint32_t flags)
{
	struct drm_metis_bo_create c = { .size = size, .flags = flags };
	int ret = xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &c);

	check(!ret, "BO_CREATE size %llu flags %u (%d)",
	      (unsigned long long)size, flags, ret);
	return ret ? 0 : c.handle;
}

static void *bo_map(int fd, uint32_t handle, uint64_t size)
{
	struct drm_metis_bo_info info = { .handle = handle };
	void *p;

	if (xioctl(fd, DRM_IOCTL_METIS_BO_INFO, &info)) {
		check(0, "BO_INFO %u", handle);
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	check(p != MAP_FAILED, "mmap of host BO %u", handle);
	return p == MAP_FAILED ? NULL : p;
}

static int bo_wait(int fd, uint32_t handle, int64_t timeout_ms)
{
	struct drm_metis_bo_wait w = {
		.handle = handle,
		.timeout_ns = now_ns() + timeout_ms * 1000000,
	};

	return xioctl(fd, DRM_IOCTL_METIS_BO_WAIT, &w);
}

static int submit(int fd, struct drm_metis_job *jobs, uint32_t count)
{
	struct drm_metis_submit s = {
		.jobs = (uintptr_t)jobs,
		.job_count = count,
		.job_stride = sizeof(*jobs),
	};

	return xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &s);
}

static struct drm_metis_job copy_job(uint32_t src, uint64_t src_off,
				     uint32_t dst, uint64_t dst_off,
				     uint64_t size, uint32_t channel)
{
	struct drm_metis_job j = {
		.op = DRM_METIS_OP_COPY,
		.src_handle = src,
		.dst_handle = dst,
		.src_offset = src_off,
		.dst_offset = dst_off,
		.size = size,
		.channel = channel,
	};

	return j;
}

static struct drm_metis_job fw_job(uint32_t region, uint64_t off, uint64_t size,
				   uint32_t opcode, uint32_t param,
				   uint32_t ctx, uint32_t result, uint64_t roff)
{
	struct drm_metis_job j = {
		.op = DRM_METIS_OP_FW,
		.dst_handle = region,
		.dst_offset = off,
		.size = size,
		.fw_opcode = opcode,
		.fw_param = param,
		.channel = ctx,
		.result_handle = result,
		.result_offset = roff,
	};

	return j;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

static void check_param(int fd, uint32_t param, const char *name,
			uint64_t min, uint64_t max)
{
	uint64_t v = 0;
	int ret = get_param(fd, param, &v);

	check(!ret && v >= min && v <= max, "%s = %#llx (%d)", name,
	      (unsigned long long)v, ret);
}

static void test_params(int fd)
{
	check_param(fd, DRM_METIS_PARAM_DEVICE_ID, "DEVICE_ID", 0x1f9d1100, 0x1f9d1100);
	const char *face = getenv("METIS_FACE");

	if (face && *face)
		check(!strcmp(face, has_fw ? "full" : "published"),
		      "the %s card, as asked for (%s)", has_fw ? "full" : "published", face);
	if (has_fw)
		check_param(fd, DRM_METIS_PARAM_FW_VERSION, "FW_VERSION", 0x10000, 0x1ffff);
	else
		check_param(fd, DRM_METIS_PARAM_FW_VERSION, "FW_VERSION", 0, 0);
	check_param(fd, DRM_METIS_PARAM_FW_ERROR, "FW_ERROR", 0, 0);
	/* A query never wakes the card: it may be runtime-suspended. */
	check_param(fd, DRM_METIS_PARAM_DEVICE_STATE, "DEVICE_STATE",
		    DRM_METIS_STATE_READY, DRM_METIS_STATE_SUSPENDED);
	check_param(fd, DRM_METIS_PARAM_DEVICE_MEM_SIZE, "DEVICE_MEM_SIZE",
		    1 << 20, ~0ull);
	check_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE, "DEVICE_MEM_FREE", 1, ~0ull);
	check_param(fd, DRM_METIS_PARAM_READ_CHANNELS, "READ_CHANNELS", 4, 4);
	check_param(fd, DRM_METIS_PARAM_WRITE_CHANNELS, "WRITE_CHANNELS", 4, 4);
	check_param(fd, DRM_METIS_PARAM_CONTEXTS, "CONTEXTS", has_fw ? 4 : 0, has_fw ? 4 : 0);
	check_param(fd, DRM_METIS_PARAM_MSI_VECTORS, "MSI_VECTORS", 1, 32);
	check_param(fd, DRM_METIS_PARAM_MAX_JOBS, "MAX_JOBS", 1, 4096);
	check_param(fd, DRM_METIS_PARAM_RESET_COUNT, "RESET_COUNT", 0, ~0ull);
}

static void test_bad_args(int fd)
{
	struct drm_metis_get_param gp = { .param = 1000 };
	struct drm_metis_bo_create bc = { .size = 4096, .flags = 4 };
	struct drm_metis_bo_info bi = { .handle = 0xdead };
	struct drm_metis_submit s = { 0 };
	struct drm_metis_job j;
	const char *fwname;
	uint64_t mem, v;
	uint32_t h, d;
	int ret, fwerr;

	check(xioctl(fd, DRM_IOCTL_METIS_GET_PARAM, &gp) == -EINVAL,
	      "GET_PARAM unknown param -> EINVAL");
	gp.param = 0;
	gp.pad = 1;
	check(xioctl(fd, DRM_IOCTL_METIS_GET_PARAM, &gp) == -EINVAL,
	      "GET_PARAM pad -> EINVAL");
	check(xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &bc) == -EINVAL,
	      "BO_CREATE bad flags -> EINVAL");
	bc.flags = 0;
	bc.size = 0;
	check(xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &bc) == -EINVAL,
	      "BO_CREATE size 0 -> EINVAL");
	get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_SIZE, &mem);
	bc.flags = DRM_METIS_BO_DEVICE;
	bc.size = mem + 4096;
	check(xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &bc) == -E2BIG,
	      "BO_CREATE device larger than memory -> E2BIG");
	check(xioctl(fd, DRM_IOCTL_METIS_BO_INFO, &bi) == -ENOENT,
	      "BO_INFO unknown handle -> ENOENT");
	check(bo_wait(fd, 0xdead, 10) == -ENOENT, "BO_WAIT unknown handle -> ENOENT");

	h = bo_create(fd, 8192, DRM_METIS_BO_HOST);
	d = bo_create(fd, 8192, DRM_METIS_BO_DEVICE);
	bi.handle = h;
	bi.pad = 1;
	check(xioctl(fd, DRM_IOCTL_METIS_BO_INFO, &bi) == -EINVAL,
	      "BO_INFO pad -> EINVAL");

	j = copy_job(h, 0, d, 0, 4096, DRM_METIS_CHANNEL_ANY);
	s.jobs = (uintptr_t)&j;
	s.job_count = 1;
	s.job_stride = sizeof(j);
	s.flags = 1;
	check(xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &s) == -EINVAL,
	      "SUBMIT flags -> EINVAL");
	s.flags = 0;
	s.job_stride = 8;
	check(xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &s) == -E2BIG,
	      "SUBMIT small stride -> E2BIG");
	s.job_stride = sizeof(j);
	get_param(fd, DRM_METIS_PARAM_MAX_JOBS, &v);
	s.job_count = v + 1;
	check(xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &s) == -E2BIG,
	      "SUBMIT too many jobs -> E2BIG");
	s.job_count = 1;
	s.jobs = 8;
	check(xioctl(fd, DRM_IOCTL_METIS_SUBMIT, &s) == -EFAULT,
	      "SUBMIT bad pointer -> EFAULT");

	j = copy_job(h, 0, 0xdead, 0, 4096, DRM_METIS_CHANNEL_ANY);
	check(submit(fd, &j, 1) == -ENOENT, "SUBMIT unknown BO -> ENOENT");
	j = copy_job(h, 0, d, 4096, 8192, DRM_METIS_CHANNEL_ANY);
	check(submit(fd, &j, 1) == -ERANGE, "SUBMIT out of range -> ERANGE");
	j = copy_job(h, ~0ull, d, 0, 2, DRM_METIS_CHANNEL_ANY);
	check(submit(fd, &j, 1) == -ERANGE, "SUBMIT offset overflow -> ERANGE");
	j = copy_job(h, 0, h, 4096, 4096, DRM_METIS_CHANNEL_ANY);
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT host to host -> EINVAL");
	j = copy_job(h, 0, d, 0, 0, DRM_METIS_CHANNEL_ANY);
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT size 0 -> EINVAL");
	j = copy_job(h, 0, d, 0, 4096, 4);
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT bad channel -> EINVAL");
	j = copy_job(h, 0, d, 0, 4096, 0);
	j.pad = 1;
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT job pad -> EINVAL");
	/*
	 * On the card as published a malformed firmware job is EINVAL as
	 * anywhere; a well-formed one is refused before its buffers are
	 * looked at.
	 */
	fwerr = has_fw ? -EINVAL : -EOPNOTSUPP;
	fwname = has_fw ? "EINVAL" : "EOPNOTSUPP";
	j = fw_job(d, 0, 4096, 9, 0, DRM_METIS_CHANNEL_ANY, 0, 0);
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT bad fw opcode -> EINVAL");
	j = fw_job(h, 0, 4096, DRM_METIS_FW_CRC32, 0, DRM_METIS_CHANNEL_ANY, 0, 0);
	check(submit(fd, &j, 1) == fwerr, "SUBMIT fw on host BO -> %s", fwname);
	j = fw_job(d, 0, 4096, DRM_METIS_FW_CRC32, 0, DRM_METIS_CHANNEL_ANY, h, 4);
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT misaligned result -> EINVAL");
	j = fw_job(d, 0, 6, DRM_METIS_FW_FILL32, 0, DRM_METIS_CHANNEL_ANY, 0, 0);
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT FILL32 size % 4 -> EINVAL");
	j = copy_job(h, 0, d, 0, 4096, 0);
	j.in_sync_count = 65;
	check(submit(fd, &j, 1) == -E2BIG, "SUBMIT 65 syncs -> E2BIG");
	ret = bo_wait(fd, d, 1000);
	check(ret == 0, "BO_WAIT after rejected jobs (%d)", ret);
}

static void test_copies(int fd, size_t size)
{
	uint32_t a = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t b = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t d = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint8_t *pa = bo_map(fd, a, size), *pb = bo_map(fd, b, size);
	struct drm_metis_job j[2];

	if (!pa || !pb || !d)
		return;
	for (uint32_t rd = 0; rd < 4; rd++) {
		for (uint32_t wr = 0; wr < 4; wr++) {
			/* Odd offsets and lengths: every byte boundary counts. */
			size_t off = (rd * 4 + wr) * 13 % 4093;
			size_t len = size - off - rd * 7;
			int ret;

			fill(pa, size, rd * 16 + wr + size);
			memset(pb, 0, size);
			j[0] = copy_job(a, off, d, off, len, rd);
			j[1] = copy_job(d, off, b, off, len, wr);
			ret = submit(fd, j, 2);
			if (!ret)
				ret = bo_wait(fd, b, 10000);
			check(!ret && !memcmp(pa + off, pb + off, len),
			      "copy %zu bytes host -> rd%u -> card -> wr%u -> host (%d)",
			      len, rd, wr, ret);
		}
	}
	munmap(pa, size);
	munmap(pb, size);
}

/*
 * Small copies that the driver chains behind one doorbell: slice k of
 * @host to slice k of @dev (k < 8) on channel @ch, then slice 8 over
 * slice 0, which only comes out right if the queue keeps their order.
 * Appended to @j at *@n.
 */
#define SLICES 8
static void small_copies(struct drm_metis_job *j, unsigned int *n,
			 uint32_t host, uint32_t dev, uint32_t ch)
{
	for (unsigned int k = 0; k < SLICES; k++)
		j[(*n)++] = copy_job(host, k * 4096, dev, k * 4096, 4096, ch);
	j[(*n)++] = copy_job(host, SLICES * 4096, dev, 0, 4096, ch);
}

/* Read @dev back through @back and check what small_copies() left. */
static void small_copies_check(int fd, uint32_t dev, uint32_t back,
			       const uint8_t *src, uint8_t *pback,
			       const char *what)
{
	struct drm_metis_job j;
	int ret;

	memset(pback, 0, SLICES * 4096);
	j = copy_job(dev, 0, back, 0, SLICES * 4096, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, &j, 1);
	if (!ret)
		ret = bo_wait(fd, back, 10000);
	check(!ret && !memcmp(pback, src + SLICES * 4096, 4096) &&
	      !memcmp(pback + 4096, src + 4096, (SLICES - 1) * 4096),
	      "%s: %u small copies in order (%d)", what, SLICES + 1, ret);
}

/*
 * Small copies queued behind a long one on each read channel: the
 * driver starts them as a batch when the long one ends.
 */
static void test_batches(int fd)
{
	const size_t big = 3 << 20, hsize = (SLICES + 1) * 4096;
	uint32_t h = bo_create(fd, hsize, DRM_METIS_BO_HOST);
	uint32_t back = bo_create(fd, SLICES * 4096, DRM_METIS_BO_HOST);
	uint32_t bh = bo_create(fd, big, DRM_METIS_BO_HOST);
	uint8_t *ph = bo_map(fd, h, hsize);
	uint8_t *pback = bo_map(fd, back, SLICES * 4096);
	struct drm_metis_job j[4 * (SLICES + 2)];
	uint32_t bd[4], d[4];
	unsigned int n = 0;
	char what[32];
	int ret;

	if (!ph || !pback)
		return;
	fill(ph, hsize, 77);
	for (uint32_t c = 0; c < 4; c++) {
		bd[c] = bo_create(fd, big, DRM_METIS_BO_DEVICE);
		d[c] = bo_create(fd, SLICES * 4096, DRM_METIS_BO_DEVICE);
		j[n++] = copy_job(bh, 0, bd[c], 0, big, c);
		small_copies(j, &n, h, d[c], c);
	}
	if (hold_cmd) {
		ret = system(hold_cmd);
		check(ret == 0, "transfers held (%s: %d)", hold_cmd, ret);
	}
	ret = submit(fd, j, n);
	check(!ret, "%u jobs, small copies behind a long one on every read channel (%d)",
	      n, ret);
	if (hold_cmd) {
		ret = system(release_cmd);
		check(ret == 0, "transfers released once queued (%s: %d)",
		      release_cmd, ret);
	}
	for (uint32_t c = 0; c < 4; c++) {
		snprintf(what, sizeof(what), "rd%u", c);
		small_copies_check(fd, d[c], back, ph, pback, what);
	}
	munmap(ph, hsize);
	munmap(pback, SLICES * 4096);
}

static void test_fw(int fd)
{
	const size_t size = 64 * 1024;
	uint32_t h = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t d = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t r = bo_create(fd, 4096, DRM_METIS_BO_HOST);
	uint8_t *ph = bo_map(fd, h, size), *ref = malloc(size);
	uint64_t *pr = bo_map(fd, r, 4096);
	struct drm_metis_job j[3];

	if (!ph || !pr || !ref)
		return;
	for (uint32_t ctx = 0; ctx < 4; ctx++) {
		uint32_t param = 0x11223344u * (ctx + 1);
		uint32_t *w = (uint32_t *)ref;
		int ret, ok = 1;

		/* FILL32, read back */
		memset(ph, 0, size);
		j[0] = fw_job(d, 0, size, DRM_METIS_FW_FILL32, param, ctx, 0, 0);
		j[1] = copy_job(d, 0, h, 0, size, ctx);
		ret = submit(fd, j, 2);
		if (!ret)
			ret = bo_wait(fd, h, 10000);
		for (size_t i = 0; i < size / 4 && !ret; i++)
			ok &= ((uint32_t *)ph)[i] == param;
		check(!ret && ok, "FILL32 on ctx%u (%d)", ctx, ret);

		/* CRC32 of uploaded data */
		fill(ph, size, ctx);
		memcpy(ref, ph, size);
		pr[ctx] = 0;
		j[0] = copy_job(h, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
		j[1] = fw_job(d, 0, size, DRM_METIS_FW_CRC32, 0, ctx, r, ctx * 8);
		ret = submit(fd, j, 2);
		if (!ret)
			ret = bo_wait(fd, r, 10000);
		check(!ret && pr[ctx] == (uint32_t)crc32_z(0, ref, size),
		      "CRC32 on ctx%u: %#llx, expected %#x (%d)", ctx,
		      (unsigned long long)pr[ctx], (uint32_t)crc32_z(0, ref, size), ret);

		/* XOR32, result is the CRC after the change, then read back */
		for (size_t i = 0; i < size / 4; i++)
			w[i] ^= param;
		pr[ctx] = 0;
		memset(ph, 0, size);
		j[0] = fw_job(d, 0, size, DRM_METIS_FW_XOR32, param, ctx, r, ctx * 8);
		j[1] = copy_job(d, 0, h, 0, size, DRM_METIS_CHANNEL_ANY);
		ret = submit(fd, j, 2);
		if (!ret)
			ret = bo_wait(fd, h, 10000);
		if (!ret)
			ret = bo_wait(fd, r, 10000);
		check(!ret && pr[ctx] == (uint32_t)crc32_z(0, ref, size) &&
		      !memcmp(ph, ref, size), "XOR32 on ctx%u (%d)", ctx, ret);

		/* NOP with a duration */
		pr[ctx] = 0xdeadbeef;
		j[0] = fw_job(d, 0, 4, DRM_METIS_FW_NOP, 0, ctx, r, ctx * 8);
		j[0].duration_us = 2000;
		ret = submit(fd, j, 1);
		if (!ret)
			ret = bo_wait(fd, r, 10000);
		check(!ret && pr[ctx] == 0, "NOP on ctx%u (%d)", ctx, ret);
	}
	free(ref);
}

/*
 * The card as published: every firmware job is refused with EOPNOTSUPP at
 * SUBMIT, a submission stops there (the copy before it runs, the one
 * after it is not queued), the region keeps its contents, the result
 * buffer is not written, and the next copies run.
 */
static void test_fw_refused(int fd)
{
	const size_t size = 64 * 1024;
	uint32_t h = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t b = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t d = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t d2 = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t r = bo_create(fd, 4096, DRM_METIS_BO_HOST);
	uint8_t *ph = bo_map(fd, h, size), *pb = bo_map(fd, b, size);
	uint8_t *ref = malloc(size);
	uint64_t *pr = bo_map(fd, r, 4096);
	struct drm_metis_job j[3];
	int ret;

	if (!ph || !pb || !pr || !ref)
		return;
	fill(ph, size, 5);
	memcpy(ref, ph, size);
	j[0] = copy_job(h, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, j, 1);
	if (!ret)
		ret = bo_wait(fd, d, 10000);
	check(!ret, "region uploaded (%d)", ret);
	pr[0] = 0xdeadbeef;
	for (uint32_t op = DRM_METIS_FW_NOP; op <= DRM_METIS_FW_FILL32; op++) {
		j[0] = fw_job(d, 0, size, op, 0x5a5a5a5a, DRM_METIS_CHANNEL_ANY, r, 0);
		ret = submit(fd, j, 1);
		check(ret == -EOPNOTSUPP, "firmware opcode %u refused: EOPNOTSUPP (%d)",
		      op, ret);
	}
	/* A copy, a firmware job, a copy: the first runs, the last does not. */
	fill(ph, size, 6);
	j[0] = copy_job(h, 0, d2, 0, size, 0);
	j[1] = fw_job(d, 0, size, DRM_METIS_FW_XOR32, 0x5a5a5a5a, 0, r, 0);
	j[2] = copy_job(h, 0, d, 0, size, 1);
	ret = submit(fd, j, 3);
	check(ret == -EOPNOTSUPP, "copy, firmware job, copy: EOPNOTSUPP (%d)", ret);
	ret = bo_wait(fd, d2, 10000);
	check(!ret, "the copy before the firmware job ran (%d)", ret);
	memset(pb, 0, size);
	j[0] = copy_job(d2, 0, b, 0, size, 2);
	ret = submit(fd, j, 1);
	if (!ret)
		ret = bo_wait(fd, b, 10000);
	check(!ret && !memcmp(pb, ph, size), "its data on the card (%d)", ret);
	memset(pb, 0, size);
	j[0] = copy_job(d, 0, b, 0, size, 3);
	ret = submit(fd, j, 1);
	if (!ret)
		ret = bo_wait(fd, b, 10000);
	check(!ret && !memcmp(pb, ref, size),
	      "the region intact after the refused jobs, read back by DMA (%d)", ret);
	check(pr[0] == 0xdeadbeef, "the result buffer untouched (%#llx)",
	      (unsigned long long)pr[0]);
	free(ref);
	munmap(ph, size);
	munmap(pb, size);
	munmap(pr, 4096);
}

/* Syncobj ioctls from drm.h, so the test needs no libdrm. */
static uint32_t syncobj_create(int fd)
{
	struct drm_syncobj_create c = { 0 };

	return xioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

static void test_syncobjs(int fd)
{
	const size_t size = 16384;
	uint32_t a = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t b = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t d = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t s1 = syncobj_create(fd), tl = syncobj_create(fd);
	uint8_t *pa = bo_map(fd, a, size), *pb = bo_map(fd, b, size);
	struct drm_metis_sync out1 = { .handle = s1 };
	struct drm_metis_sync in1 = { .handle = s1 };
	struct drm_metis_sync outtl = { .handle = tl, .flags = DRM_METIS_SYNC_TIMELINE, .point = 7 };
	struct drm_metis_sync bad = { .handle = 0xdead };
	struct drm_syncobj_timeline_wait tw = { 0 };
	uint64_t point = 7;
	struct drm_metis_job j;
	int ret;

	check(s1 && tl, "syncobjs created");
	if (!pa || !pb || !s1 || !tl)
		return;
	fill(pa, size, 99);
	memset(pb, 0, size);
	j = copy_job(a, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
	j.out_syncs = (uintptr_t)&out1;
	j.out_sync_count = 1;
	ret = submit(fd, &j, 1);
	check(!ret, "submit with a binary out-sync (%d)", ret);
	j = copy_job(d, 0, b, 0, size, DRM_METIS_CHANNEL_ANY);
	j.in_syncs = (uintptr_t)&in1;
	j.in_sync_count = 1;
	j.out_syncs = (uintptr_t)&outtl;
	j.out_sync_count = 1;
	ret = submit(fd, &j, 1);
	check(!ret, "submit with an in-sync and a timeline out-sync (%d)", ret);
	tw.handles = (uintptr_t)&tl;
	tw.points = (uintptr_t)&point;
	tw.count_handles = 1;
	tw.timeout_nsec = now_ns() + 10000000000ll;
	tw.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	ret = xioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw);
	check(!ret && !memcmp(pa, pb, size), "timeline point signalled, data ok (%d)", ret);

	j = copy_job(a, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
	j.in_syncs = (uintptr_t)&bad;
	j.in_sync_count = 1;
	check(submit(fd, &j, 1) == -ENOENT, "SUBMIT unknown in-sync -> ENOENT");
	j.in_sync_count = 0;
	j.out_syncs = (uintptr_t)&bad;
	j.out_sync_count = 1;
	check(submit(fd, &j, 1) == -ENOENT, "SUBMIT unknown out-sync -> ENOENT");
	out1.point = 3;
	j.out_syncs = (uintptr_t)&out1;
	check(submit(fd, &j, 1) == -EINVAL, "SUBMIT binary sync with a point -> EINVAL");
}

/*
 * The host made the next transfer hang. A copy on rd0 is the guilty job,
 * a firmware command on ctx1 is innocent and in flight at the reset, and a
 * copy queued behind the guilty one on rd0 must run afterwards.
 */
static void test_hang(int fd, int timeout_ms, const char *inject)
{
	const size_t size = 65536;
	uint32_t a = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t b = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t d = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t d2 = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t d3 = bo_create(fd, 4096, DRM_METIS_BO_DEVICE);
	uint32_t r = bo_create(fd, 4096, DRM_METIS_BO_HOST);
	uint32_t keep = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t s = bo_create(fd, (SLICES + 1) * 4096, DRM_METIS_BO_HOST);
	uint32_t back = bo_create(fd, SLICES * 4096, DRM_METIS_BO_HOST);
	uint32_t d4 = bo_create(fd, SLICES * 4096, DRM_METIS_BO_DEVICE);
	uint8_t *pa = bo_map(fd, a, size), *pb = bo_map(fd, b, size);
	uint8_t *ps = bo_map(fd, s, (SLICES + 1) * 4096);
	uint8_t *pback = bo_map(fd, back, SLICES * 4096);
	uint64_t *pr = bo_map(fd, r, 4096);
	uint64_t resets0 = 0, resets1 = 0, state = 0;
	struct drm_metis_job j, js[SLICES + 1];
	int64_t t0, tg, tq, ti;
	unsigned int n;
	int ret;

	if (!pa || !pb || !pr || !ps || !pback)
		return;
	get_param(fd, DRM_METIS_PARAM_RESET_COUNT, &resets0);
	/* Data uploaded before the hang must survive the reset. */
	fill(pa, size, 7);
	j = copy_job(a, 0, keep, 0, size, 1);
	ret = submit(fd, &j, 1);
	if (!ret)
		ret = bo_wait(fd, keep, 10000);
	check(!ret, "upload before the hang (%d)", ret);
	pr[0] = 0xdeadbeef;

	ret = inject ? system(inject) : -1;
	check(ret == 0, "fault injected (%s: %d)", inject ? inject : "no -x", ret);
	t0 = now_ns();
	j = copy_job(a, 0, d, 0, size, 0);
	check(!submit(fd, &j, 1), "submit the job that hangs");
	usleep(200000);
	if (has_fw) {
		j = fw_job(d3, 0, 4, DRM_METIS_FW_NOP, 0, 1, r, 0);
		j.duration_us = timeout_ms * 1000;
		check(!submit(fd, &j, 1), "submit an innocent firmware command");
	}
	j = copy_job(a, 0, d2, 0, size, 0);
	check(!submit(fd, &j, 1), "queue a copy behind the hanging job");
	fill(ps, (SLICES + 1) * 4096, 9);
	n = 0;
	small_copies(js, &n, s, d4, 0);
	check(!submit(fd, js, n), "queue %u small copies behind it", n);

	ret = bo_wait(fd, d, timeout_ms + 10000);
	tg = (now_ns() - t0) / 1000000;
	check(ret == -EIO, "guilty job ends with an error (%d) after %lld ms",
	      ret, (long long)tg);
	check(tg < timeout_ms + 2000, "guilty job ends within timeout + 2 s");
	ret = bo_wait(fd, d2, 10000);
	tq = (now_ns() - t0) / 1000000;
	check(!ret, "queued job completes (%d), %lld ms after the guilty one",
	      ret, (long long)(tq - tg));
	if (has_fw) {
		ret = bo_wait(fd, r, 20000);
		ti = (now_ns() - t0) / 1000000;
		check(!ret && pr[0] == 0, "innocent command replayed (%d, result %#llx) at %lld ms",
		      ret, (unsigned long long)pr[0], (long long)ti);
	}
	ret = bo_wait(fd, d4, 10000);
	check(!ret, "small copies queued behind the guilty job complete (%d)", ret);
	small_copies_check(fd, d4, back, ps, pback, "replayed after the reset");
	get_param(fd, DRM_METIS_PARAM_RESET_COUNT, &resets1);
	check(resets1 == resets0 + 1, "RESET_COUNT %llu -> %llu",
	      (unsigned long long)resets0, (unsigned long long)resets1);
	get_param(fd, DRM_METIS_PARAM_DEVICE_STATE, &state);
	check(state == DRM_METIS_STATE_READY || state == DRM_METIS_STATE_SUSPENDED,
	      "device ready (or runtime-suspended) after the reset");

	memset(pb, 0, size);
	j = copy_job(d2, 0, b, 0, size, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, &j, 1);
	if (!ret)
		ret = bo_wait(fd, b, 10000);
	check(!ret && !memcmp(pa, pb, size), "data of the queued job intact (%d)", ret);

	memset(pb, 0, size);
	j = copy_job(keep, 0, b, 0, size, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, &j, 1);
	if (!ret)
		ret = bo_wait(fd, b, 10000);
	check(!ret && !memcmp(pa, pb, size),
	      "on-card data uploaded before the hang intact (%d)", ret);
}

/*
 * A batch with a copy the card cannot do: CMD makes every eDMA element of
 * ABORT_SIZE bytes abort its walk (fault-abort-size). On each read
 * channel ABORT_JOBS small copies, one of ABORT_SIZE bytes at a different
 * place per channel, and one more over an earlier one's target, queued
 * behind a long copy: they go as one walk, which aborts. Only that job
 * fails; the others complete with their data, in order.
 */
#define ABORT_JOBS	10
#define ABORT_SIZE	4000
static void test_batch_abort(int fd, const char *inject)
{
	const size_t big = 3 << 20, hsize = (ABORT_JOBS + 1) * 4096;
	uint32_t h = bo_create(fd, hsize, DRM_METIS_BO_HOST);
	uint32_t back = bo_create(fd, 4096, DRM_METIS_BO_HOST);
	uint32_t bh = bo_create(fd, big, DRM_METIS_BO_HOST);
	uint8_t *ph = bo_map(fd, h, hsize), *pback = bo_map(fd, back, 4096);
	struct drm_metis_job j[4 * (ABORT_JOBS + 1)], hold[4];
	uint32_t d[4][ABORT_JOBS];
	unsigned int n = 0;
	int ret;

	if (!ph || !pback)
		return;
	fill(ph, hsize, 55);
	ret = inject ? system(inject) : -1;
	check(ret == 0, "fault injected (%s: %d)", inject ? inject : "no -x", ret);
	for (uint32_t c = 0; c < 4; c++) {
		unsigned int f = c * 3, g = (f + 5) % ABORT_JOBS;

		hold[c] = copy_job(bh, 0, bo_create(fd, big, DRM_METIS_BO_DEVICE),
				   0, big, c);
		for (unsigned int k = 0; k < ABORT_JOBS; k++) {
			d[c][k] = bo_create(fd, 4096, DRM_METIS_BO_DEVICE);
			j[n++] = copy_job(h, k * 4096, d[c][k], 0,
					  k == f ? ABORT_SIZE : 4096, c);
		}
		/* Right only if it runs after job g, rerun or not. */
		j[n++] = copy_job(h, ABORT_JOBS * 4096, d[c][g], 0, 4096, c);
	}
	/* The long copies first, so that the small ones queue behind them. */
	ret = submit(fd, hold, 4);
	if (!ret)
		ret = submit(fd, j, n);
	check(!ret, "%u jobs, a batch with one failing copy on every read channel (%d)",
	      n + 4, ret);
	for (uint32_t c = 0; c < 4; c++) {
		unsigned int f = c * 3, g = (f + 5) % ABORT_JOBS;

		for (unsigned int k = 0; k < ABORT_JOBS; k++) {
			const uint8_t *want = ph + (k == g ? ABORT_JOBS : k) * 4096;
			struct drm_metis_job rj;

			ret = bo_wait(fd, d[c][k], 20000);
			if (k == f) {
				check(ret == -EIO, "rd%u job %u of the batch, the faulty one, fails (%d)",
				      c, k, ret);
				continue;
			}
			check(!ret, "rd%u job %u of the batch completes (%d)", c, k, ret);
			memset(pback, 0, 4096);
			rj = copy_job(d[c][k], 0, back, 0, 4096, DRM_METIS_CHANNEL_ANY);
			ret = submit(fd, &rj, 1);
			if (!ret)
				ret = bo_wait(fd, back, 10000);
			check(!ret && !memcmp(pback, want, 4096),
			      "rd%u job %u%s: data on the card (%d)", c, k,
			      k == g ? " and the later job over it" : "", ret);
		}
	}
	munmap(ph, hsize);
	munmap(pback, 4096);
}

/* The firmware did not boot: the device says why and refuses jobs. */
static void test_fwfail(int fd, int code)
{
	struct drm_metis_bo_create c = { .size = 4096 };
	uint64_t state = 0, err = 0, ver = 1;
	struct drm_metis_job j;
	uint32_t h;
	int ret;

	get_param(fd, DRM_METIS_PARAM_DEVICE_STATE, &state);
	get_param(fd, DRM_METIS_PARAM_FW_ERROR, &err);
	get_param(fd, DRM_METIS_PARAM_FW_VERSION, &ver);
	check(state == DRM_METIS_STATE_ERROR, "DEVICE_STATE is ERROR (%llu)",
	      (unsigned long long)state);
	check(err == (uint64_t)code, "FW_ERROR is %d (%llu)", code,
	      (unsigned long long)err);
	check(ver == 0, "FW_VERSION is 0 (%#llx)", (unsigned long long)ver);
	h = bo_create(fd, 4096, DRM_METIS_BO_HOST);
	/* A device buffer is handed out cleared: no job can clear it now. */
	c.flags = DRM_METIS_BO_DEVICE;
	ret = xioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &c);
	check(ret == -EIO, "device BO_CREATE in the error state -> EIO (%d)",
	      ret);
	j = copy_job(h, 0, h, 0, 4096, DRM_METIS_CHANNEL_ANY);
	check(submit(fd, &j, 1) == -EIO, "SUBMIT in the error state -> EIO");
}

/*
 * A "model" uploaded to on-card memory, firmware commands and copies on
 * every channel in flight: CMD suspends the system. Afterwards every job
 * completed with the right data and the model is intact.
 */
static void test_suspend(int fd, const char *cmd)
{
	const size_t size = 4 << 20;
	uint32_t a[4], b[4], d[4], e[4], model, r, h, s, back;
	uint8_t *pa[4], *pb[4], *ph, *ps, *pback, *ref = malloc(size);
	struct drm_metis_job j[12 + 4 * (SLICES + 1)];
	char what[48];
	uint64_t *pr, state = 0;
	unsigned int n = 0;
	int ret;

	h = bo_create(fd, size, DRM_METIS_BO_HOST);
	model = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	r = bo_create(fd, 4096, DRM_METIS_BO_HOST);
	s = bo_create(fd, (SLICES + 1) * 4096, DRM_METIS_BO_HOST);
	back = bo_create(fd, SLICES * 4096, DRM_METIS_BO_HOST);
	ph = bo_map(fd, h, size);
	pr = bo_map(fd, r, 4096);
	ps = bo_map(fd, s, (SLICES + 1) * 4096);
	pback = bo_map(fd, back, SLICES * 4096);
	if (!ph || !pr || !ref || !ps || !pback)
		return;
	fill(ps, (SLICES + 1) * 4096, 43);
	fill(ph, size, 42);
	memcpy(ref, ph, size);
	j[0] = copy_job(h, 0, model, 0, size, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, j, 1);
	if (!ret)
		ret = bo_wait(fd, model, 10000);
	check(!ret, "model uploaded (%d)", ret);

	for (int c = 0; c < 4; c++) {
		a[c] = bo_create(fd, size, DRM_METIS_BO_HOST);
		b[c] = bo_create(fd, size, DRM_METIS_BO_HOST);
		d[c] = bo_create(fd, size, DRM_METIS_BO_DEVICE);
		pa[c] = bo_map(fd, a[c], size);
		pb[c] = bo_map(fd, b[c], size);
		if (!pa[c] || !pb[c])
			return;
		fill(pa[c], size, 100 + c);
		memset(pb[c], 0, size);
		j[n++] = copy_job(a[c], 0, d[c], 0, size, c);
		/* In the FIFO behind the slow copy when the card sleeps. */
		e[c] = bo_create(fd, SLICES * 4096, DRM_METIS_BO_DEVICE);
		small_copies(j, &n, s, e[c], c);
		j[n++] = copy_job(d[c], 0, b[c], 0, size, c);
		pr[c] = 0xdeadbeef;
		if (!has_fw)
			continue;
		j[n] = fw_job(model, 0, size, DRM_METIS_FW_CRC32, 0, c, r, c * 8);
		j[n++].duration_us = 1000000;
	}
	ret = submit(fd, j, n);
	check(!ret, "%u jobs in flight on every channel%s (%d)", n,
	      has_fw ? " and context" : "", ret);

	ret = cmd ? system(cmd) : -1;
	check(ret == 0, "suspended and resumed (%s: %d)", cmd ? cmd : "no -x", ret);

	for (int c = 0; c < 4; c++) {
		ret = bo_wait(fd, b[c], 30000);
		check(!ret && !memcmp(pa[c], pb[c], size),
		      "copy through rd%d and wr%d across the suspend (%d)", c, c, ret);
	}
	for (int c = 0; c < 4; c++) {
		snprintf(what, sizeof(what), "rd%d across the suspend", c);
		small_copies_check(fd, e[c], back, ps, pback, what);
	}
	ret = has_fw ? bo_wait(fd, r, 30000) : 0;
	for (int c = 0; c < 4 && has_fw; c++)
		check(!ret && pr[c] == (uint32_t)crc32_z(0, ref, size),
		      "CRC32 of the model on ctx%d across the suspend: %#llx, expected %#x (%d)",
		      c, (unsigned long long)pr[c], (uint32_t)crc32_z(0, ref, size), ret);

	memset(ph, 0, size);
	j[0] = copy_job(model, 0, h, 0, size, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, j, 1);
	if (!ret)
		ret = bo_wait(fd, h, 10000);
	check(!ret && !memcmp(ph, ref, size), "model intact after the resume (%d)", ret);
	get_param(fd, DRM_METIS_PARAM_DEVICE_STATE, &state);
	check(state == DRM_METIS_STATE_READY || state == DRM_METIS_STATE_SUSPENDED,
	      "device ready (or runtime-suspended) after the resume");
	free(ref);
}

/*
 * A udmabuf of @size bytes imported into @fd (its attachment is mapped for
 * the card), or 0 when the kernel has no /dev/udmabuf.
 */
static uint32_t udmabuf_import(int fd, size_t size)
{
	struct drm_prime_handle ph = { .fd = -1 };
	struct udmabuf_create c = { .size = size };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int memfd, dfd, ret;

	if (dev < 0) {
		printf("# no /dev/udmabuf: no import held across the detach\n");
		return 0;
	}
	memfd = memfd_create("metis-smoke", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	ret = memfd < 0 || ftruncate(memfd, size) ||
	      fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) ? -errno : 0;
	c.memfd = memfd;
	dfd = ret ? -1 : ioctl(dev, UDMABUF_CREATE, &c);
	close(dev);
	if (memfd >= 0)
		close(memfd);
	check(dfd >= 0, "udmabuf created (%d)", dfd < 0 ? -errno : 0);
	if (dfd < 0)
		return 0;
	ph.fd = dfd;
	ret = xioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph);
	close(dfd);
	check(!ret, "udmabuf imported (%d)", ret);
	return ret ? 0 : ph.handle;
}

/*
 * Detach with jobs in flight, a job waiting for one of them, an mmap, an
 * imported dma-buf and the file open.
 */
static void test_unplug(int fd, const char *detach)
{
	const size_t size = 1 << 20;
	uint32_t h = bo_create(fd, size, DRM_METIS_BO_HOST);
	uint32_t d = bo_create(fd, size, DRM_METIS_BO_DEVICE);
	uint32_t d2 = bo_create(fd, 4096, DRM_METIS_BO_DEVICE);
	uint32_t s = syncobj_create(fd);
	uint32_t imp = udmabuf_import(fd, size);
	struct drm_metis_sync sync = { .handle = s };
	uint8_t *ph = bo_map(fd, h, size);
	struct drm_metis_job j[3];
	uint64_t v = 0;
	int ret;

	check(s != 0, "syncobj created");
	if (!ph || !s)
		return;
	fill(ph, size, 3);
	if (has_fw) {
		j[0] = fw_job(d2, 0, 4, DRM_METIS_FW_NOP, 0, 0, 0, 0);
		j[0].duration_us = 3000000;
	} else {
		/* The card as published: a copy the card holds (-b, -B). */
		check(hold_cmd != NULL, "a hold command (-b) for the running job");
		if (!hold_cmd)
			return;
		ret = system(hold_cmd);
		check(ret == 0, "transfers held (%s: %d)", hold_cmd, ret);
		j[0] = copy_job(h, 0, d2, 0, 4096, 0);
	}
	j[0].out_syncs = (uintptr_t)&sync;
	j[0].out_sync_count = 1;
	j[1] = copy_job(h, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
	/* Queued with its descriptors until the firmware command ends. */
	j[2] = copy_job(imp ? imp : h, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
	j[2].in_syncs = (uintptr_t)&sync;
	j[2].in_sync_count = 1;
	check(!submit(fd, j, 2), "jobs submitted before the detach");
	ret = submit(fd, &j[2], 1);
	check(!ret, "job waiting for the firmware command submitted (%d)", ret);
	ret = detach ? system(detach) : -1;
	check(ret == 0, "detached (%s: %d)", detach ? detach : "no -x", ret);
	if (!has_fw) {
		/* Let go: a transfer the teardown left running now completes. */
		ret = system(release_cmd);
		check(ret == 0, "transfers released (%s: %d)", release_cmd, ret);
	}
	ret = get_param(fd, DRM_METIS_PARAM_DEVICE_STATE, &v);
	check(ret == -ENODEV, "GET_PARAM after the detach -> ENODEV (%d)", ret);
	j[1] = copy_job(h, 0, d, 0, size, DRM_METIS_CHANNEL_ANY);
	ret = submit(fd, &j[1], 1);
	check(ret == -ENODEV, "SUBMIT after the detach -> ENODEV (%d)", ret);
	ret = bo_wait(fd, d2, 1000);
	check(ret == -ENODEV, "BO_WAIT after the detach -> ENODEV (%d)", ret);
	check(ph[0] == (uint8_t)((3 * 1103515245u + 12345) >> 16),
	      "mmap of a host BO still readable");
	munmap(ph, size);
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/accel/accel0", *mode = "full", *inject = NULL;
	int opt, fd, timeout_ms = 1000, code = 0;

	while ((opt = getopt(argc, argv, "d:qm:t:e:x:b:B:")) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 'q')
			quiet = 1;
		else if (opt == 'm')
			mode = optarg;
		else if (opt == 't')
			timeout_ms = atoi(optarg);
		else if (opt == 'e')
			code = atoi(optarg);
		else if (opt == 'x')
			inject = optarg;
		else if (opt == 'b')
			hold_cmd = optarg;
		else if (opt == 'B')
			release_cmd = optarg;
		else
			return 2;
	}
	if (!hold_cmd != !release_cmd) {
		fprintf(stderr, "metis-smoke: -b and -B go together\n");
		return 2;
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	{
		uint64_t contexts = 0;

		if (!get_param(fd, DRM_METIS_PARAM_CONTEXTS, &contexts))
			has_fw = contexts > 0;
		if (!has_fw && !quiet)
			printf("# the card as published: no firmware of ours\n");
	}
	if (!strcmp(mode, "hang")) {
		test_hang(fd, timeout_ms, inject);
	} else if (!strcmp(mode, "params")) {
		test_params(fd);
	} else if (!strcmp(mode, "suspend")) {
		test_suspend(fd, inject);
	} else if (!strcmp(mode, "unplug")) {
		test_unplug(fd, inject);
	} else if (!strcmp(mode, "batchabort")) {
		test_batch_abort(fd, inject);
	} else if (!strcmp(mode, "fwfail")) {
		test_fwfail(fd, code);
	} else {
		test_params(fd);
		test_bad_args(fd);
		test_copies(fd, 4096);
		test_copies(fd, 3 << 20);
		test_batches(fd);
		if (has_fw)
			test_fw(fd);
		else
			test_fw_refused(fd);
		test_syncobjs(fd);
	}
	close(fd);
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
