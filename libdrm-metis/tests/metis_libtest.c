// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Tests of libdrm_metis on a real (or emulated) card.  Prints one line per
 * test: PASS <name>, FAIL <name>: <reason> or SKIP <name>: <reason>.
 * Exit status 1 if any test failed.
 *
 *   metis_libtest [-p PCI] [TEST...]
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include <xf86drm.h>

#include "libdrm_metis.h"

/*
 * The file also builds against release 1.0's header, to show which tests
 * the 1.0 library fails (the regression tests use only calls both have).
 */
#ifndef LIBDRM_METIS_VERSION
#define LIBDRM_METIS_VERSION 0x010000
#endif
#if LIBDRM_METIS_VERSION >= 0x010100
#define SUBMIT(d, j, n) metis_submit(d, j, n, sizeof(*(j)))
#define RUN(d, j, n, t, res) metis_run(d, j, n, sizeof(*(j)), t, res)
#define INFO_INIT METIS_INFO_INIT
#else
#define SUBMIT(d, j, n) metis_submit(d, j, n)
#define RUN(d, j, n, t, res) metis_run(d, j, n, t)
#define INFO_INIT { 0 }
#endif

static struct metis_device *dev;
static const char *pci;
static char reason[512];
static int failed;

#define CHECK(cond, fmt...) \
	do { \
		if (!(cond)) { \
			snprintf(reason, sizeof(reason), fmt); \
			return -1; \
		} \
	} while (0)
#define CHECK_OK(expr) \
	do { \
		int __r = (expr); \
		CHECK(__r == 0, "%s: %s (%d)", #expr, metis_strerror(__r), __r); \
	} while (0)
#define SKIP(fmt...) \
	do { \
		snprintf(reason, sizeof(reason), fmt); \
		return 1; \
	} while (0)

static void pattern(void *buf, size_t n, uint32_t seed)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

static int t_open(void)
{
	struct metis_device *d2, *d3;
	int n = metis_device_count();

	CHECK(n >= 1, "metis_device_count() = %d", n);
	CHECK(strlen(metis_device_pci_address(dev)) >= 7, "no PCI address");
	CHECK(!strncmp(metis_device_node(dev), "/dev/accel/", 11),
	      "node %s", metis_device_node(dev));
	CHECK_OK(metis_device_open_pci(metis_device_pci_address(dev), &d2));
	metis_device_close(d2);
	/* Without the domain too. */
	CHECK_OK(metis_device_open_pci(metis_device_pci_address(dev) + 5, &d2));
	metis_device_close(d2);
	CHECK_OK(metis_device_open_fd(metis_device_fd(dev), &d3));
	CHECK(!strcmp(metis_device_pci_address(d3), metis_device_pci_address(dev)),
	      "opened by fd: PCI address '%s'", metis_device_pci_address(d3));
	metis_device_close(d3);
	CHECK(metis_device_open_pci("0000:ff:1f.7", &d2) == -ENODEV,
	      "bogus PCI address opened");
	CHECK(metis_device_open(n, &d2) == -ENODEV, "index %d opened", n);
	return 0;
}

/* Whether the card runs our firmware: none on a card exactly as published. */
static int has_fw(void)
{
	struct metis_info in = INFO_INIT;

	return !metis_get_info(dev, &in) && in.contexts > 0;
}

static int t_info(void)
{
	struct metis_info in = INFO_INIT;
	uint64_t v;

	CHECK_OK(metis_get_info(dev, &in));
	CHECK(in.device_id == 0x1f9d1100 || in.device_id == 0x1f9d11aa,
	      "device id %#x", in.device_id);
	CHECK(in.state == DRM_METIS_STATE_READY ||
	      in.state == DRM_METIS_STATE_SUSPENDED, "state %s",
	      metis_state_name(in.state));
	/* A card exactly as published has no firmware of ours and no contexts. */
	if (in.contexts)
		CHECK(in.fw_version >> 16 == 1 && in.contexts == 4,
		      "firmware %#x, contexts %u", in.fw_version, in.contexts);
	else
		CHECK(in.fw_version == 0, "firmware %#x without contexts",
		      in.fw_version);
	CHECK(in.read_channels == 4 && in.write_channels == 4,
	      "channels %u/%u", in.read_channels, in.write_channels);
	CHECK(in.mem_size && in.mem_free <= in.mem_size, "memory %" PRIu64
	      "/%" PRIu64, in.mem_free, in.mem_size);
	CHECK(in.max_jobs >= 1, "max jobs %u", in.max_jobs);
	CHECK(metis_get_param(dev, 0xdead, &v) == -EINVAL,
	      "unknown param accepted");
	return 0;
}

static int t_bo_host(void)
{
	struct metis_bo *bo;
	uint8_t *p;
	void *map;

	CHECK_OK(metis_bo_create(dev, 10000, DRM_METIS_BO_HOST, &bo));
	CHECK(metis_bo_size(bo) == 12288, "size %" PRIu64, metis_bo_size(bo));
	CHECK(metis_bo_flags(bo) == DRM_METIS_BO_HOST, "flags");
	CHECK_OK(metis_bo_map(bo, &map));
	p = map;
	for (int i = 0; i < 12288; i++)
		CHECK(!p[i], "not zero-filled at %d", i);
	memset(p, 0xa5, 12288);
	CHECK_OK(metis_bo_wait(bo, 0));
	metis_bo_free(bo);
	return 0;
}

static int t_bo_device(void)
{
	struct metis_bo *bo;
	uint64_t before, after;
	void *map;

	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_DEVICE_MEM_FREE, &before));
	CHECK_OK(metis_bo_create(dev, 1 << 20, DRM_METIS_BO_DEVICE, &bo));
	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_DEVICE_MEM_FREE, &after));
	CHECK(before - after >= 1 << 20, "free %" PRIu64 " -> %" PRIu64,
	      before, after);
	CHECK(metis_bo_map(bo, &map) == -EINVAL, "device buffer mapped");
	metis_bo_free(bo);
	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_DEVICE_MEM_FREE, &after));
	CHECK(after == before, "free %" PRIu64 " after free, was %" PRIu64,
	      after, before);
	CHECK(metis_bo_create(dev, 0, DRM_METIS_BO_HOST, &bo) == -EINVAL,
	      "zero size accepted");
	CHECK(metis_bo_create(dev, 4096, 0x80, &bo) == -EINVAL,
	      "unknown flag accepted");
	CHECK(metis_bo_create(dev, 1ull << 50, DRM_METIS_BO_DEVICE, &bo) == -E2BIG,
	      "huge device buffer not -E2BIG");
	return 0;
}

static int t_upload_download(void)
{
	static const uint64_t sizes[] = { 4, 100, 4096, 4097, 65536, 1 << 20,
					  (3 << 20) + 12 };
	struct metis_bo *bo;
	uint8_t *a, *b;

	CHECK_OK(metis_bo_create(dev, 4 << 20, DRM_METIS_BO_DEVICE, &bo));
	a = malloc(4 << 20);
	b = malloc(4 << 20);
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t off = (i * 4099) % 8192;

		pattern(a, sizes[i], i + 1);
		memset(b, 0, sizes[i]);
		CHECK_OK(metis_upload(dev, bo, off, a, sizes[i]));
		CHECK_OK(metis_download(dev, bo, off, b, sizes[i]));
		CHECK(!memcmp(a, b, sizes[i]), "size %" PRIu64 " offset %"
		      PRIu64 " differs", sizes[i], off);
	}
	CHECK(metis_upload(dev, bo, 4 << 20, a, 1) == -ERANGE,
	      "upload past the end");
	free(a);
	free(b);
	metis_bo_free(bo);
	return 0;
}

static int t_channels(void)
{
	struct metis_bo *h, *d, *back;
	void *hm, *bm;

	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &h));
	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &back));
	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_DEVICE, &d));
	CHECK_OK(metis_bo_map(h, &hm));
	CHECK_OK(metis_bo_map(back, &bm));
	for (uint32_t c = 0; c < 4; c++) {
		pattern(hm, 65536, 100 + c);
		memset(bm, 0, 65536);
		CHECK_OK(metis_copy(dev, d, 0, h, 0, 65536, c));
		CHECK_OK(metis_copy(dev, back, 0, d, 0, 65536, 3 - c));
		CHECK(!memcmp(hm, bm, 65536), "read channel %u / write %u", c,
		      3 - c);
	}
	CHECK(metis_copy(dev, d, 0, h, 0, 4096, 4) == -EINVAL,
	      "channel 4 accepted");
	CHECK(metis_copy(dev, back, 0, h, 0, 4096, 0) == -EINVAL,
	      "host to host copy accepted");
	metis_bo_free(d);
	metis_bo_free(back);
	metis_bo_free(h);
	return 0;
}

/*
 * B waits for A's out-sync and for nothing else: A is a 200 ms firmware
 * NOP on a buffer of its own, B a copy between two others (host h to
 * device y; checked by downloading y afterwards). No buffer is
 * shared, so implicit fencing cannot order them: if the driver ignored
 * B's in-sync, B would be done long before A.
 */
static int t_syncobj(int timeline)
{
	struct drm_metis_sync sa = { .flags = timeline ? DRM_METIS_SYNC_TIMELINE : 0,
				     .point = timeline ? 5 : 0 };
	struct drm_metis_sync sb = { .flags = 0 };
	struct drm_metis_job ja, jb;
	struct metis_bo *h, *x, *y, *back;
	uint64_t point = timeline ? 5 : 0;
	void *hm, *bm;
	int ret;

	if (!has_fw())
		SKIP("job A is a firmware NOP: the card has no firmware of ours");
	CHECK_OK(metis_syncobj_create(dev, &sa.handle));
	CHECK_OK(metis_syncobj_create(dev, &sb.handle));
	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &h));
	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &back));
	CHECK_OK(metis_bo_create(dev, 4096, DRM_METIS_BO_DEVICE, &x));
	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_DEVICE, &y));
	CHECK_OK(metis_bo_map(h, &hm));
	CHECK_OK(metis_bo_map(back, &bm));
	pattern(hm, 65536, 7);
	memset(bm, 0, 65536);

	metis_job_fw(&ja, DRM_METIS_FW_NOP, x, 0, 4, 0);
	ja.duration_us = 200000;
	metis_job_syncs(&ja, NULL, 0, &sa, 1);
	CHECK_OK(SUBMIT(dev, &ja, 1));
	/* Host to device: a copy has exactly one device side. */
	metis_job_copy(&jb, y, 0, h, 0, 65536);
	metis_job_syncs(&jb, &sa, 1, &sb, 1);
	CHECK_OK(SUBMIT(dev, &jb, 1));
	CHECK_OK(metis_syncobj_wait(dev, &sb.handle, NULL, 1, METIS_TIMEOUT_DEFAULT));
	/* B is done: A must be, with no wait at all. */
	ret = metis_syncobj_wait(dev, &sa.handle, timeline ? &point : NULL, 1, 0);
	CHECK(ret == 0, "B done before A (%d): its in-sync was ignored", ret);
	CHECK_OK(metis_download(dev, y, 0, bm, 65536));
	CHECK(!memcmp(hm, bm, 65536), "B's copy is wrong");
	metis_syncobj_destroy(dev, sa.handle);
	metis_syncobj_destroy(dev, sb.handle);
	metis_bo_free(y);
	metis_bo_free(x);
	metis_bo_free(back);
	metis_bo_free(h);
	return 0;
}

static int t_syncobj_binary(void) { return t_syncobj(0); }
static int t_syncobj_timeline(void) { return t_syncobj(1); }

static int t_dmabuf(void)
{
	struct metis_device *d2;
	struct metis_bo *bo, *imp, *card;
	void *m1, *m2;
	int fd;

	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &bo));
	CHECK_OK(metis_bo_map(bo, &m1));
	CHECK_OK(metis_bo_export(bo, &fd));
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "dma-buf fd not close-on-exec");
	CHECK_OK(metis_device_open_pci(metis_device_pci_address(dev), &d2));
	CHECK_OK(metis_bo_import(d2, fd, &imp));
	close(fd);
	CHECK(metis_bo_size(imp) == 65536, "imported size %" PRIu64,
	      metis_bo_size(imp));
	CHECK_OK(metis_bo_map(imp, &m2));
	pattern(m1, 65536, 9);
	CHECK(!memcmp(m1, m2, 65536), "import does not see the exporter's data");
	/* The importer DMAs from the shared pages. */
	CHECK_OK(metis_bo_create(d2, 65536, DRM_METIS_BO_DEVICE, &card));
	CHECK_OK(metis_copy(d2, card, 0, imp, 0, 65536, DRM_METIS_CHANNEL_ANY));
	memset(m2, 0, 65536);
	CHECK_OK(metis_copy(d2, imp, 0, card, 0, 65536, DRM_METIS_CHANNEL_ANY));
	CHECK(!memcmp(m1, m2, 65536), "round trip through the import");
	pattern(m2, 1, 9);
	CHECK(((uint8_t *)m1)[0] == ((uint8_t *)m2)[0], "not shared");
	metis_bo_free(card);
	metis_bo_free(imp);
	metis_device_close(d2);
	metis_bo_free(bo);
	return 0;
}

static int t_fw(void)
{
	struct metis_bo *bo;
	uint32_t buf[1024];
	uint64_t res;

	pattern(buf, sizeof(buf), 3);
	if (!has_fw()) {
		/* Refused, on a card exactly as published, and nothing lost. */
		CHECK_OK(metis_bo_create(dev, sizeof(buf), DRM_METIS_BO_DEVICE, &bo));
		CHECK_OK(metis_upload(dev, bo, 0, buf, sizeof(buf)));
		CHECK(metis_fw_command(dev, DRM_METIS_FW_CRC32, bo, 0, sizeof(buf),
				       0, 0, &res) == -EOPNOTSUPP,
		      "firmware command not refused with EOPNOTSUPP");
		metis_bo_free(bo);
		return 0;
	}

	CHECK_OK(metis_bo_create(dev, sizeof(buf), DRM_METIS_BO_DEVICE, &bo));
	CHECK_OK(metis_upload(dev, bo, 0, buf, sizeof(buf)));
	CHECK_OK(metis_fw_command(dev, DRM_METIS_FW_CRC32, bo, 0, sizeof(buf),
				  0, 0, &res));
	CHECK(res == metis_crc32(0, buf, sizeof(buf)), "crc32 %#" PRIx64
	      " want %#x", res, metis_crc32(0, buf, sizeof(buf)));
	CHECK_OK(metis_fw_command(dev, DRM_METIS_FW_NOP, bo, 0, 4, 0, 1000, &res));
	CHECK(res == 0, "nop result %#" PRIx64, res);
	CHECK(metis_fw_command(dev, 99, bo, 0, 4, 0, 0, &res) == -EINVAL,
	      "unknown opcode accepted");
	metis_bo_free(bo);
	return 0;
}

/*
 * The same dma-buf imported twice on one device is one buffer object: one
 * wrapper, one GEM handle, freed when the last import is.  Also for a
 * device's own exported buffer.
 */
static int t_import_twice(void)
{
	struct metis_bo *bo, *imp1, *imp2, *self;
	struct metis_device *d2;
	void *m1;
	int fd, r;

	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &bo));
	CHECK_OK(metis_bo_export(bo, &fd));
	CHECK_OK(metis_device_open_pci(metis_device_pci_address(dev), &d2));
	CHECK_OK(metis_bo_import(d2, fd, &imp1));
	CHECK_OK(metis_bo_import(d2, fd, &imp2));
	metis_bo_free(imp2);
	r = metis_bo_wait(imp1, 0);
	CHECK(r == 0, "freeing the second import broke the first: %s (%d)",
	      metis_strerror(r), r);
	CHECK(imp1 == imp2, "two wrappers for one buffer");
	CHECK_OK(metis_bo_map(imp1, &m1));
	pattern(m1, 65536, 21);
	metis_bo_free(imp1);

	CHECK_OK(metis_bo_import(dev, fd, &self));
	close(fd);
	CHECK(self == bo, "importing its own export gave another wrapper");
	metis_bo_free(self);
	r = metis_bo_wait(bo, 0);
	CHECK(r == 0, "freeing the self-import closed the exporter's handle: %s",
	      metis_strerror(r));
	metis_bo_free(bo);
	metis_device_close(d2);
	return 0;
}

#define MAP_THREADS 8

static struct metis_bo *map_bo;
static pthread_barrier_t map_barrier;

static void *map_thread(void *arg)
{
	void **ptr = arg;

	pthread_barrier_wait(&map_barrier);
	if (metis_bo_map(map_bo, ptr))
		*ptr = NULL;
	return NULL;
}

/* Threads mapping one buffer at once all get its one mapping. */
static int t_bo_map_threads(void)
{
	pthread_t t[MAP_THREADS];
	void *ptr[MAP_THREADS];
	int round, k;

	pthread_barrier_init(&map_barrier, NULL, MAP_THREADS);
	for (round = 0; round < 300; round++) {
		CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_HOST, &map_bo));
		for (k = 0; k < MAP_THREADS; k++)
			pthread_create(&t[k], NULL, map_thread, &ptr[k]);
		for (k = 0; k < MAP_THREADS; k++)
			pthread_join(t[k], NULL);
		for (k = 0; k < MAP_THREADS; k++)
			CHECK(ptr[k] && ptr[k] == ptr[0],
			      "round %d: thread %d got mapping %p, thread 0 %p (one leaked)",
			      round, k, ptr[k], ptr[0]);
		metis_bo_free(map_bo);
	}
	pthread_barrier_destroy(&map_barrier);
	return 0;
}

/* The card's QOM property through the test bed's host channel. */
static int card_qom_set(const char *prop, unsigned int value)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "tb-qmp '{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"%s\","
		 "\"property\":\"%s\",\"value\":%u}}' 30 > /dev/null 2>&1",
		 getenv("METIS_QOM_PATH") ? getenv("METIS_QOM_PATH") :
		 "/machine/peripheral/metis0", prop, value);
	return system(cmd);
}

#define ABORT_SIZE 4000

/*
 * metis_run() reports each job's own result.  Two copies into the same
 * buffer on one channel: the first fails (the card aborts every element of
 * ABORT_SIZE bytes, fault-abort-size), the second succeeds and is the
 * buffer's last writer.  The failure is the first job's, whatever the
 * buffer's state says.
 */
static int t_run_own_result(void)
{
	struct metis_bo *h, *d;
	struct drm_metis_job j[2];
	int res[2] = { 1, 1 }, ret;

	if (system("command -v tb-qmp > /dev/null 2>&1 && test -w /results/requests"))
		SKIP("no tb-qmp: not in a test-bed guest");
	CHECK_OK(metis_bo_create(dev, 8192, DRM_METIS_BO_HOST, &h));
	CHECK_OK(metis_bo_create(dev, 8192, DRM_METIS_BO_DEVICE, &d));
	metis_job_copy(&j[0], d, 0, h, 0, ABORT_SIZE);
	metis_job_copy(&j[1], d, 0, h, 4096, 4096);
	j[0].channel = j[1].channel = 0;
	CHECK(!card_qom_set("fault-abort-size", ABORT_SIZE),
	      "qom-set fault-abort-size failed");
	ret = RUN(dev, j, 2, METIS_TIMEOUT_DEFAULT, res);
	card_qom_set("fault-abort-size", 0);
	CHECK(ret == -EIO, "metis_run() = %d (%s) for a failed job followed by a good one",
	      ret, metis_strerror(ret));
#if LIBDRM_METIS_VERSION >= 0x010100
	CHECK(res[0] == -EIO && res[1] == 0, "results %d %d, want -EIO 0",
	      res[0], res[1]);
#endif
	/* A good job on that buffer alone is good. */
	ret = RUN(dev, &j[1], 1, METIS_TIMEOUT_DEFAULT, res);
	CHECK(ret == 0, "a good job after a failed one: %s", metis_strerror(ret));
	metis_bo_free(d);
	metis_bo_free(h);
	return 0;
}

/*
 * A SUBMIT that fails at its second job has queued the first (UAPI):
 * metis_run() waits for it and says which job was bad.
 */
static int t_run_submit_partial(void)
{
	struct metis_bo *h, *d;
	struct drm_metis_job j[3];
	int res[3] = { 1, 1, 1 }, ret;
	uint64_t contexts;

	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_CONTEXTS, &contexts));
	if (!contexts)
		SKIP("no firmware contexts on this card");
	CHECK_OK(metis_bo_create(dev, 8192, DRM_METIS_BO_HOST, &h));
	CHECK_OK(metis_bo_create(dev, 8192, DRM_METIS_BO_DEVICE, &d));
	metis_job_fw(&j[0], DRM_METIS_FW_NOP, d, 0, 4, 0);
	j[0].duration_us = 300000;
	metis_job_copy(&j[1], d, 0, h, 0, 0);		/* zero size: bad */
	metis_job_copy(&j[2], d, 0, h, 0, 4096);
	ret = RUN(dev, j, 3, METIS_TIMEOUT_DEFAULT, res);
	CHECK(ret == -EINVAL, "metis_run() = %d, want -EINVAL", ret);
	ret = metis_bo_wait(d, 0);
	CHECK(ret == 0, "metis_run() returned while the job it queued still ran (%s)",
	      metis_strerror(ret));
#if LIBDRM_METIS_VERSION >= 0x010100
	CHECK(res[0] == 0 && res[1] == -EINVAL && res[2] == -ECANCELED,
	      "results %d %d %d, want 0 -EINVAL -ECANCELED", res[0], res[1],
	      res[2]);
#endif
	metis_bo_free(d);
	metis_bo_free(h);
	return 0;
}

/* A timeout: -ETIME, for the job too; the job then ends by itself. */
static int t_run_timeout(void)
{
	uint64_t contexts;

	struct drm_metis_job j;
	struct metis_bo *d;
	int res[1] = { 1 }, ret;

	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_CONTEXTS, &contexts));
	if (!contexts)
		SKIP("no firmware contexts on this card");
	CHECK_OK(metis_bo_create(dev, 4096, DRM_METIS_BO_DEVICE, &d));
	metis_job_fw(&j, DRM_METIS_FW_NOP, d, 0, 4, 0);
	j.duration_us = 1000000;
	ret = RUN(dev, &j, 1, 100 * 1000 * 1000, res);
	CHECK(ret == -ETIME, "metis_run() = %d, want -ETIME", ret);
#if LIBDRM_METIS_VERSION >= 0x010100
	CHECK(res[0] == -ETIME, "result %d, want -ETIME", res[0]);
#endif
	CHECK_OK(metis_bo_wait(d, METIS_TIMEOUT_DEFAULT));
	metis_bo_free(d);
	return 0;
}

#if LIBDRM_METIS_VERSION >= 0x010100
/*
 * A job's fence as a sync_file (what another driver or API takes), and a
 * sync_file as another client's in-sync: job B of a second client waits
 * for the sync_file of job A (a 300 ms firmware command).
 */
static int t_sync_file(void)
{
	struct drm_metis_sync sa = { 0 }, tb = { 0 }, ub = { 0 };
	struct metis_bo *d, *h2, *d2bo;
	struct drm_metis_job a, b;
	struct metis_device *d2;
	uint64_t contexts;
	struct pollfd pfd;
	int fd, r;

	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_CONTEXTS, &contexts));
	if (!contexts)
		SKIP("no firmware contexts on this card");
	CHECK_OK(metis_syncobj_create(dev, &sa.handle));
	r = metis_syncobj_export_sync_file(dev, sa.handle, &fd);
	CHECK(r == -EINVAL, "export of a syncobj without a fence: %d", r);
	CHECK_OK(metis_bo_create(dev, 4096, DRM_METIS_BO_DEVICE, &d));
	metis_job_fw(&a, DRM_METIS_FW_NOP, d, 0, 4, 0);
	a.duration_us = 300000;
	metis_job_syncs(&a, NULL, 0, &sa, 1);
	CHECK_OK(metis_submit(dev, &a, 1, sizeof(a)));
	CHECK_OK(metis_syncobj_export_sync_file(dev, sa.handle, &fd));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "the sync_file signalled at once");

	CHECK_OK(metis_device_open_pci(metis_device_pci_address(dev), &d2));
	CHECK_OK(metis_syncobj_create(d2, &tb.handle));
	CHECK_OK(metis_syncobj_create(d2, &ub.handle));
	CHECK_OK(metis_syncobj_import_sync_file(d2, tb.handle, fd));
	CHECK_OK(metis_bo_create(d2, 4096, DRM_METIS_BO_HOST, &h2));
	CHECK_OK(metis_bo_create(d2, 4096, DRM_METIS_BO_DEVICE, &d2bo));
	metis_job_copy(&b, d2bo, 0, h2, 0, 4096);
	metis_job_syncs(&b, &tb, 1, &ub, 1);
	CHECK_OK(metis_submit(d2, &b, 1, sizeof(b)));
	CHECK_OK(metis_syncobj_wait(d2, &ub.handle, NULL, 1, METIS_TIMEOUT_DEFAULT));
	CHECK(poll(&pfd, 1, 0) == 1, "job B ended before the sync_file it waited for");
	CHECK_OK(metis_bo_wait(d, 0));
	close(fd);
	metis_syncobj_destroy(d2, tb.handle);
	metis_syncobj_destroy(d2, ub.handle);
	metis_bo_free(d2bo);
	metis_bo_free(h2);
	metis_device_close(d2);
	metis_syncobj_destroy(dev, sa.handle);
	metis_bo_free(d);
	return 0;
}
/*
 * Implicit fences through a metis buffer's dma-buf, as another DRM device
 * or API sees them (the worked example of Documentation/userspace.md):
 *  1. a job writing the buffer is the dma-buf's pending writer: dma-buf
 *     poll() and DMA_BUF_IOCTL_EXPORT_SYNC_FILE(READ) wait for it;
 *  2. a fence another device put in with DMA_BUF_IOCTL_IMPORT_SYNC_FILE
 *     (WRITE) orders a later metis job reading the buffer;
 *  3. CPU access between DMA_BUF_IOCTL_SYNC START and END sees the data.
 * The "other device" is a second metis client whose job's fence is
 * exported as a sync_file.
 */
static int t_dmabuf_fences(void)
{
	struct drm_metis_sync out = { 0 }, cout = { 0 };
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ };
	struct dma_buf_import_sync_file im = { .flags = DMA_BUF_SYNC_WRITE };
	struct dma_buf_sync cpu;
	struct metis_bo *h, *d, *d3, *d2bo;
	struct drm_metis_job a[2], b, c;
	struct metis_device *d2;
	struct pollfd pfd;
	uint64_t contexts;
	uint8_t *hm;
	void *map;
	int buf, cfd;

	CHECK_OK(metis_get_param(dev, DRM_METIS_PARAM_CONTEXTS, &contexts));
	if (!contexts)
		SKIP("no firmware contexts on this card");
	CHECK_OK(metis_bo_create(dev, 4096, DRM_METIS_BO_HOST, &h));
	CHECK_OK(metis_bo_create(dev, 4096, DRM_METIS_BO_DEVICE, &d));
	CHECK_OK(metis_bo_create(dev, 4096, DRM_METIS_BO_DEVICE, &d3));
	CHECK_OK(metis_bo_map(h, &map));
	hm = map;
	CHECK_OK(metis_bo_export(h, &buf));

	/* 1. FILL32 on d for 300 ms, then d -> h: h's writer is pending. */
	metis_job_fw(&a[0], DRM_METIS_FW_FILL32, d, 0, 4096, 0xa5a5a5a5);
	a[0].duration_us = 300000;
	metis_job_copy(&a[1], h, 0, d, 0, 4096);
	CHECK_OK(metis_submit(dev, a, 2, sizeof(a[0])));
	pfd = (struct pollfd){ .fd = buf, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "dma-buf readable while its writer runs");
	CHECK(!ioctl(buf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex),
	      "EXPORT_SYNC_FILE: %s", strerror(errno));
	pfd = (struct pollfd){ .fd = ex.fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "the writer's sync_file signalled at once");
	CHECK(poll(&pfd, 1, 10000) == 1, "the writer's sync_file never signalled");
	close(ex.fd);
	cpu = (struct dma_buf_sync){ .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	CHECK(!ioctl(buf, DMA_BUF_IOCTL_SYNC, &cpu), "SYNC START: %s", strerror(errno));
	CHECK(hm[0] == 0xa5 && hm[4095] == 0xa5, "CPU read %#x after the writer's fence",
	      hm[0]);
	cpu.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	CHECK(!ioctl(buf, DMA_BUF_IOCTL_SYNC, &cpu), "SYNC END: %s", strerror(errno));

	/* 2. Another device's pending write, put into the dma-buf. */
	CHECK_OK(metis_device_open_pci(metis_device_pci_address(dev), &d2));
	CHECK_OK(metis_syncobj_create(d2, &cout.handle));
	CHECK_OK(metis_bo_create(d2, 4096, DRM_METIS_BO_DEVICE, &d2bo));
	metis_job_fw(&c, DRM_METIS_FW_NOP, d2bo, 0, 4, 0);
	c.duration_us = 300000;
	metis_job_syncs(&c, NULL, 0, &cout, 1);
	CHECK_OK(metis_submit(d2, &c, 1, sizeof(c)));
	CHECK_OK(metis_syncobj_export_sync_file(d2, cout.handle, &cfd));
	im.fd = cfd;
	CHECK(!ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &im),
	      "IMPORT_SYNC_FILE: %s", strerror(errno));
	/* A metis job reading h waits for it. */
	CHECK_OK(metis_syncobj_create(dev, &out.handle));
	metis_job_copy(&b, d3, 0, h, 0, 4096);
	metis_job_syncs(&b, NULL, 0, &out, 1);
	CHECK_OK(metis_submit(dev, &b, 1, sizeof(b)));
	CHECK_OK(metis_syncobj_wait(dev, &out.handle, NULL, 1, METIS_TIMEOUT_DEFAULT));
	pfd = (struct pollfd){ .fd = cfd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 1,
	      "the metis job reading the buffer ended before the imported writer's fence");
	close(cfd);
	close(buf);
	metis_syncobj_destroy(dev, out.handle);
	metis_syncobj_destroy(d2, cout.handle);
	metis_bo_free(d2bo);
	metis_device_close(d2);
	metis_bo_free(d3);
	metis_bo_free(d);
	metis_bo_free(h);
	return 0;
}
#endif

/* vgem's UAPI (include/uapi/drm/vgem_drm.h; libdrm-dev does not ship it). */
struct vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;		/* VGEM_FENCE_WRITE */
	uint32_t out_fence;
	uint32_t pad;
};

struct vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define VGEM_FENCE_WRITE 0x1
#define VGEM_IOCTL_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define VGEM_IOCTL_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)

static int vgem_open(void)
{
	char path[64];

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 64; i++) {
			drmVersionPtr v;
			int fd;

			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			v = drmGetVersion(fd);
			if (v && !strcmp(v->name, "vgem")) {
				drmFreeVersion(v);
				return fd;
			}
			drmFreeVersion(v);
			close(fd);
		}
		if (!pass && system("modprobe vgem > /dev/null 2>&1"))
			break;
		usleep(200000);
	}
	return -1;
}

/*
 * A fence another DRM device attached to a shared buffer orders a metis
 * job using it (prime_vgem's fence checks, with metis as the consumer): a
 * vgem buffer imported into metis gets a vgem write fence; a metis copy
 * reading it must wait until vgem signals, and then copies what the CPU
 * wrote through vgem before the signal.
 */
static int t_vgem_fence(void)
{
	struct drm_mode_create_dumb c = { .width = 1024, .height = 16, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	struct vgem_fence_attach at = { .flags = VGEM_FENCE_WRITE };
	struct vgem_fence_signal sig = { 0 };
	struct drm_metis_sync out = { 0 };
	struct metis_bo *imp, *d;
	struct drm_metis_job j;
	uint8_t *cpu, *back;
	int vfd, buf, r;

	vfd = vgem_open();
	if (vfd < 0)
		SKIP("no vgem device (modprobe vgem)");
	CHECK(!drmIoctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &c) && c.size >= 65536,
	      "vgem dumb buffer: %s", strerror(errno));
	m.handle = c.handle;
	CHECK(!drmIoctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &m), "map dumb: %s",
	      strerror(errno));
	cpu = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, m.offset);
	CHECK(cpu != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(cpu, 0x11, 65536);
	CHECK(!drmPrimeHandleToFD(vfd, c.handle, DRM_CLOEXEC | DRM_RDWR, &buf),
	      "vgem export: %s", strerror(errno));
	CHECK_OK(metis_bo_import(dev, buf, &imp));
	CHECK_OK(metis_bo_create(dev, 65536, DRM_METIS_BO_DEVICE, &d));

	at.handle = c.handle;
	CHECK(!drmIoctl(vfd, VGEM_IOCTL_FENCE_ATTACH, &at), "fence attach: %s",
	      strerror(errno));
	CHECK_OK(metis_syncobj_create(dev, &out.handle));
	metis_job_copy(&j, d, 0, imp, 0, 65536);
	metis_job_syncs(&j, NULL, 0, &out, 1);
	CHECK_OK(SUBMIT(dev, &j, 1));
	usleep(300000);
	r = metis_syncobj_wait(dev, &out.handle, NULL, 1, 0);
	CHECK(r == -ETIME, "the metis job did not wait for vgem's write fence (%d)", r);
	pattern(cpu, 65536, 77);	/* vgem's "GPU" writes, then signals */
	sig.fence = at.out_fence;
	CHECK(!drmIoctl(vfd, VGEM_IOCTL_FENCE_SIGNAL, &sig), "fence signal: %s",
	      strerror(errno));
	CHECK_OK(metis_syncobj_wait(dev, &out.handle, NULL, 1, METIS_TIMEOUT_DEFAULT));
	back = malloc(65536);
	CHECK_OK(metis_download(dev, d, 0, back, 65536));
	CHECK(!memcmp(back, cpu, 65536), "the copy did not see what was written before the signal");
	free(back);
	metis_syncobj_destroy(dev, out.handle);
	metis_bo_free(d);
	metis_bo_free(imp);
	close(buf);
	munmap(cpu, 65536);
	close(vfd);
	return 0;
}

static int t_strerror(void)
{
	CHECK(strstr(metis_strerror(-ENOSPC), "on-card memory"), "ENOSPC");
	CHECK(strstr(metis_strerror(-ENODEV), "card"), "ENODEV");
	CHECK(metis_strerror(-12345) != NULL, "unknown");
	CHECK(metis_crc32(0, "123456789", 9) == 0xcbf43926, "crc32 check value");
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
	int needs_dev;
} tests[] = {
	{ "strerror", t_strerror, 0 },
	{ "open", t_open, 1 },
	{ "info", t_info, 1 },
	{ "bo-host", t_bo_host, 1 },
	{ "bo-device", t_bo_device, 1 },
	{ "upload-download", t_upload_download, 1 },
	{ "channels", t_channels, 1 },
	{ "syncobj-binary", t_syncobj_binary, 1 },
	{ "syncobj-timeline", t_syncobj_timeline, 1 },
	{ "dmabuf", t_dmabuf, 1 },
	{ "fw", t_fw, 1 },
	{ "import-twice", t_import_twice, 1 },
	{ "vgem-fence", t_vgem_fence, 1 },
	{ "bo-map-threads", t_bo_map_threads, 1 },
	{ "run-own-result", t_run_own_result, 1 },
	{ "run-submit-partial", t_run_submit_partial, 1 },
	{ "run-timeout", t_run_timeout, 1 },
#if LIBDRM_METIS_VERSION >= 0x010100
	{ "sync-file", t_sync_file, 1 },
	{ "dmabuf-fences", t_dmabuf_fences, 1 },
#endif
};

int main(int argc, char **argv)
{
	int c, ret, open_err;

	while ((c = getopt(argc, argv, "lp:")) != -1) {
		if (c == 'p')
			pci = optarg;
		/* -l: the names of every test, for the runner to count. */
		if (c == 'l') {
			for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
				printf("%s\n", tests[i].name);
			return 0;
		}
	}
	open_err = pci ? metis_device_open_pci(pci, &dev) :
			 metis_device_open(0, &dev);
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (optind < argc) {
			int want = 0;

			for (int k = optind; k < argc; k++)
				want |= !strcmp(argv[k], tests[i].name);
			if (!want)
				continue;
		}
		if (tests[i].needs_dev && open_err) {
			printf("FAIL lib-%s: no card: %s\n", tests[i].name,
			       metis_strerror(open_err));
			failed++;
			continue;
		}
		reason[0] = '\0';
		ret = tests[i].fn();
		if (ret < 0) {
			printf("FAIL lib-%s: %s\n", tests[i].name, reason);
			failed++;
		} else if (ret > 0) {
			printf("SKIP lib-%s: %s\n", tests[i].name, reason);
		} else {
			printf("PASS lib-%s\n", tests[i].name);
		}
		fflush(stdout);
	}
	if (!open_err)
		metis_device_close(dev);
	return failed ? 1 : 0;
}
