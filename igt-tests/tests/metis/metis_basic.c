// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 */

/**
 * TEST: metis basic
 * Category: Core
 * Description: Device open, parameter queries and buffer objects of the
 *	metis accel driver, with every bad-argument case of GET_PARAM,
 *	BO_CREATE, BO_INFO and BO_WAIT.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_metis.h"

#define PAGE 4096ull

static void test_open(int fd)
{
	char pci[64];
	struct stat st;
	int dfd;

	igt_assert_eq(fstat(fd, &st), 0);
	igt_assert(S_ISCHR(st.st_mode));
	igt_assert(igt_metis_pci_address(fd, pci, sizeof(pci)));
	igt_info("metis card at %s\n", pci);
	dfd = igt_metis_sysfs_dev(fd);
	igt_assert_fd(dfd);
	close(dfd);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_ID),
			  (uint64_t)METIS_PCI_VENDOR << 16 | METIS_PCI_DEVICE);
}

static void test_params(int fd)
{
	uint64_t size = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_SIZE);
	uint64_t free_ = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE);
	uint64_t fw = igt_metis_get_param(fd, DRM_METIS_PARAM_FW_VERSION);
	uint64_t state = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_STATE);
	uint64_t vecs = igt_metis_get_param(fd, DRM_METIS_PARAM_MSI_VECTORS);

	igt_info("firmware %u.%u.%u, state %u, memory %" PRIu64 "/%" PRIu64
		 " free, %" PRIu64 " vectors\n", (unsigned int)(fw >> 16),
		 (unsigned int)(fw >> 8) & 0xff, (unsigned int)fw & 0xff,
		 (unsigned int)state, free_, size, vecs);
	/*
	 * Our firmware runs on a card with our extensions; the card exactly
	 * as published has no firmware of ours and no contexts.
	 */
	if (igt_metis_has_fw(fd)) {
		igt_assert_eq_u64(fw >> 16, 1);
		igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_CONTEXTS), 4);
	} else {
		igt_info("the card as published: no firmware of ours, no contexts\n");
		igt_assert_eq_u64(fw, 0);
	}
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_FW_ERROR), 0);
	igt_assert(state == DRM_METIS_STATE_READY ||
		   state == DRM_METIS_STATE_SUSPENDED);
	igt_assert(size >= 16 << 20);
	igt_assert_lte_u64(free_, size);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_READ_CHANNELS), 4);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_WRITE_CHANNELS), 4);
	igt_assert(vecs >= 1 && vecs <= 32);
	igt_assert(igt_metis_get_param(fd, DRM_METIS_PARAM_MAX_JOBS) >= 1);
	igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT);
}

static void test_param_bad(int fd)
{
	uint64_t v = 0xdeadbeef;

	igt_assert_eq(__igt_metis_get_param(fd, DRM_METIS_PARAM_MAX_JOBS + 1, 0, &v),
		      -EINVAL);
	igt_assert_eq(__igt_metis_get_param(fd, 0xffffffff, 0, &v), -EINVAL);
	igt_assert_eq(__igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_ID, 1, &v),
		      -EINVAL);
	igt_assert_eq_u64(v, 0xdeadbeef);
}

static void test_bo_create(int fd, uint32_t flags)
{
	static const uint64_t sizes[] = { 1, PAGE - 1, PAGE, PAGE + 1,
					  3 * PAGE, 1 << 20, (1 << 20) + 17 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t h = igt_metis_bo_create(fd, sizes[i], flags, 0);
		struct drm_metis_bo_info info = { .handle = h };

		igt_metis_bo_info(fd, &info, 0);
		igt_assert_eq_u32(info.flags, flags);
		igt_assert_eq_u64(info.size, (sizes[i] + PAGE - 1) & ~(PAGE - 1));
		if (flags == DRM_METIS_BO_HOST)
			igt_assert(info.mmap_offset);
		else
			igt_assert_eq_u64(info.mmap_offset, 0);
		igt_metis_bo_close(fd, h);
	}
}

static void test_bo_create_bad(int fd)
{
	uint64_t mem = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_SIZE);
	uint64_t free_before = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE);

	igt_metis_bo_create(fd, 0, DRM_METIS_BO_HOST, EINVAL);
	igt_metis_bo_create(fd, 0, DRM_METIS_BO_DEVICE, EINVAL);
	igt_metis_bo_create(fd, PAGE, 0x2, EINVAL);
	igt_metis_bo_create(fd, PAGE, 0x80000000, EINVAL);
	igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE | 0x100, EINVAL);
	igt_metis_bo_create(fd, mem + PAGE, DRM_METIS_BO_DEVICE, E2BIG);
	igt_metis_bo_create(fd, ~0ull, DRM_METIS_BO_DEVICE, E2BIG);
	igt_metis_bo_create(fd, ~0ull - PAGE + 2, DRM_METIS_BO_HOST, E2BIG);
	/* Nothing was allocated by the failures. */
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE),
			  free_before);
}

/* Fill on-card memory: a range that fits the size but not the free space. */
static void test_bo_enospc(int fd)
{
	uint64_t mem = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_SIZE);
	uint64_t free0 = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE);
	uint64_t half = (mem / 2) & ~(PAGE - 1);
	uint32_t a, b;

	igt_require_f(free0 > half, "someone else holds on-card memory\n");
	a = igt_metis_bo_create(fd, half, DRM_METIS_BO_DEVICE, 0);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE),
			  free0 - half);
	/* mem - half + PAGE does not fit in what is left. */
	igt_metis_bo_create(fd, mem - half + PAGE, DRM_METIS_BO_DEVICE, ENOSPC);
	b = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	igt_metis_bo_close(fd, b);
	igt_metis_bo_close(fd, a);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE),
			  free0);
	/*
	 * Freed for good: the half fits again.  (Not the whole memory in one
	 * buffer: card memory is the contexts' L2 ranges and DDR, which are
	 * not one range; Documentation/hw-interface.md section 3.4.)
	 */
	a = igt_metis_bo_create(fd, half, DRM_METIS_BO_DEVICE, 0);
	igt_metis_bo_close(fd, a);
}

static void test_bo_info_bad(int fd)
{
	uint32_t h = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	struct drm_metis_bo_info info = { .handle = h + 1000 };

	igt_metis_bo_info(fd, &info, ENOENT);
	info = (struct drm_metis_bo_info){ .handle = 0 };
	igt_metis_bo_info(fd, &info, ENOENT);
	info = (struct drm_metis_bo_info){ .handle = h, .pad = 1 };
	igt_metis_bo_info(fd, &info, EINVAL);
	igt_metis_bo_close(fd, h);
	info = (struct drm_metis_bo_info){ .handle = h };
	igt_metis_bo_info(fd, &info, ENOENT);
}

static void test_bo_mmap(int fd)
{
	const uint64_t size = 64 * PAGE;
	uint32_t h = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	uint8_t *p = igt_metis_bo_mmap(fd, h, size), *q;

	for (uint64_t i = 0; i < size; i++)
		igt_assert_f(!p[i], "host BO not zero-filled at %" PRIu64 "\n", i);
	igt_metis_pattern(p, size, 1);
	/* A second mapping sees the same pages. */
	q = igt_metis_bo_mmap(fd, h, size);
	igt_assert_eq_u64(igt_metis_first_diff(p, q, size), size);
	munmap(q, size);
	munmap(p, size);
	/* The object outlives its handle while mapped. */
	p = igt_metis_bo_mmap(fd, h, size);
	igt_metis_bo_close(fd, h);
	q = malloc(size);
	igt_metis_pattern(q, size, 1);
	igt_assert_eq_u64(igt_metis_first_diff(p, q, size), size);
	free(q);
	munmap(p, size);
}

static void test_bo_mmap_device(int fd)
{
	uint32_t h = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	uint32_t g = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	struct drm_metis_bo_info info = { .handle = g };
	void *p;

	igt_metis_bo_info(fd, &info, 0);
	/* No offset of a device BO exists; a made-up one must not map. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset + (1ull << 40));
	igt_assert(p == MAP_FAILED);
	/* Mapping past the end of a host BO fails. */
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
	igt_assert(p == MAP_FAILED);
	igt_metis_bo_close(fd, g);
	igt_metis_bo_close(fd, h);
}

static void test_bo_close_bad(int fd)
{
	struct drm_gem_close cl = { .handle = 0x7fffffff };

	igt_assert_eq(drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &cl), -1);
	igt_assert_eq(errno, EINVAL);
}

static void test_bo_per_file(int fd)
{
	int fd2 = igt_metis_open();
	/* Two sizes: a handle that names the other file's BO shows it. */
	uint32_t h = igt_metis_bo_create(fd, 2 * PAGE, DRM_METIS_BO_HOST, 0);
	uint32_t h2 = igt_metis_bo_create(fd2, PAGE, DRM_METIS_BO_HOST, 0);
	struct drm_metis_bo_info info = { .handle = h2 };

	/*
	 * Another file's handle space is separate, whether or not the two
	 * handles have the same number (under igt_runner both are 1).
	 */
	igt_metis_bo_info(fd2, &info, 0);
	igt_assert_eq_u64(info.size, PAGE);
	info = (struct drm_metis_bo_info){ .handle = h2 + 100 };
	igt_metis_bo_info(fd2, &info, ENOENT);
	igt_metis_bo_close(fd2, h2);
	info = (struct drm_metis_bo_info){ .handle = h };
	igt_metis_bo_info(fd2, &info, ENOENT);
	close(fd2);
	/* Closing the other file did not touch ours. */
	igt_metis_bo_info(fd, &info, 0);
	igt_assert_eq_u64(info.size, 2 * PAGE);
	igt_metis_bo_close(fd, h);
}

/*
 * Another client's data stays its own: it fills a device BO and closes
 * it; a device BO of the same size (the allocator puts it in the same
 * place) reads back as zeroes, not as that data.
 */
static void test_bo_device_cleared(int fd)
{
	const uint64_t size = 1 << 20;
	int fd2 = igt_metis_open();
	uint32_t dev2 = igt_metis_bo_create(fd2, size, DRM_METIS_BO_DEVICE, 0);
	uint32_t host2 = igt_metis_bo_create(fd2, size, DRM_METIS_BO_HOST, 0);
	uint32_t host = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	uint8_t *map2 = igt_metis_bo_mmap(fd2, host2, size);
	uint8_t *map = igt_metis_bo_mmap(fd, host, size);
	uint64_t i, left = 0;
	uint32_t dev;

	memset(map2, 0xa5, size);
	igt_metis_copy(fd2, dev2, 0, host2, 0, size, DRM_METIS_CHANNEL_ANY);
	munmap(map2, size);
	close(fd2);

	dev = igt_metis_bo_create(fd, size, DRM_METIS_BO_DEVICE, 0);
	memset(map, 0x5a, size);
	igt_metis_copy(fd, host, 0, dev, 0, size, DRM_METIS_CHANNEL_ANY);
	for (i = 0; i < size; i++)
		left += map[i] == 0xa5;
	igt_assert_f(left == 0,
		     "%llu bytes of another client's closed device BO read through a new one\n",
		     (unsigned long long)left);
	for (i = 0; i < size; i++)
		igt_assert_f(map[i] == 0, "byte %llu of a new device BO is 0x%02x\n",
			     (unsigned long long)i, map[i]);
	munmap(map, size);
	igt_metis_bo_close(fd, dev);
	igt_metis_bo_close(fd, host);
}

static void test_mem_accounting(int fd)
{
	uint64_t before = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE);
	int fd2 = igt_metis_open();
	uint32_t h;

	h = igt_metis_bo_create(fd2, 1 << 20, DRM_METIS_BO_DEVICE, 0);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE),
			  before - (1 << 20));
	/* Host BOs do not use on-card memory. */
	igt_metis_bo_create(fd2, 1 << 20, DRM_METIS_BO_HOST, 0);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE),
			  before - (1 << 20));
	(void)h;
	/* The last close of a file frees its BOs. */
	close(fd2);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_MEM_FREE),
			  before);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * The value of @key in @fd's /proc/self/fdinfo, in bytes for a size
 * ("N", "N KiB", "N MiB", "N GiB") and in ns for an engine ("N ns");
 * false if the key is not there.
 */
static bool fdinfo_value(int fd, const char *key, char *str, size_t len,
			 uint64_t *num)
{
	char path[64], buf[8192], *line, *save = NULL;
	size_t klen = strlen(key);
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	igt_assert_fd(f);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	igt_assert(n > 0);
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v, *unit;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v = line + klen + 1;
		v += strspn(v, " \t");
		if (str)
			snprintf(str, len, "%s", v);
		if (num) {
			*num = strtoull(v, &unit, 10);
			unit += strspn(unit, " ");
			if (!strcmp(unit, "KiB"))
				*num <<= 10;
			else if (!strcmp(unit, "MiB"))
				*num <<= 20;
			else if (!strcmp(unit, "GiB"))
				*num <<= 30;
		}
		return true;
	}
	return false;
}

static uint64_t fdinfo_num(int fd, const char *key)
{
	uint64_t v;

	igt_assert_f(fdinfo_value(fd, key, NULL, 0, &v), "no %s in fdinfo\n", key);
	return v;
}

/*
 * DRM fdinfo as Documentation/gpu/drm-usage-stats.rst defines it: the
 * driver, client id and PCI device; the busy time of each engine (it
 * moves with the file's own jobs only, and jobs run one at a time keep
 * the engines busy no longer than the wall time); the file's own memory on the card and in system
 * memory, shared once exported, nothing of another client's.
 */
static void test_fdinfo(int fd)
{
	uint32_t host, dev, other, back;
	uint64_t rd, wr, t0, wall;
	char str[128], pci[64];
	int a = igt_metis_open(), b = igt_metis_open(), dmabuf;

	igt_assert(fdinfo_value(a, "drm-driver", str, sizeof(str), NULL));
	igt_assert_eq(strcmp(str, "metis"), 0);
	igt_assert(fdinfo_value(a, "drm-client-id", NULL, 0, NULL));
	igt_assert(fdinfo_value(a, "drm-pdev", str, sizeof(str), NULL));
	igt_assert(igt_metis_pci_address(a, pci, sizeof(pci)));
	igt_assert_eq(strcmp(str, pci), 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-engine-rd"), 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-engine-wr"), 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-engine-capacity-rd"), 4);
	igt_assert_eq_u64(fdinfo_num(a, "drm-engine-capacity-wr"), 4);
	/* Firmware contexts only on a card that runs our firmware. */
	igt_assert_eq(fdinfo_value(a, "drm-engine-ctx", NULL, 0, NULL),
		      igt_metis_has_fw(a));
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-card"), 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-memory"), 0);

	host = igt_metis_bo_create(a, 1 << 20, DRM_METIS_BO_HOST, 0);
	dev = igt_metis_bo_create(a, 2 << 20, DRM_METIS_BO_DEVICE, 0);
	back = igt_metis_bo_create(a, 1 << 20, DRM_METIS_BO_HOST, 0);
	other = igt_metis_bo_create(b, 4 << 20, DRM_METIS_BO_DEVICE, 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-card"), 2 << 20);
	igt_assert_eq_u64(fdinfo_num(a, "drm-resident-card"), 2 << 20);
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-memory"), 2 << 20);
	igt_assert_eq_u64(fdinfo_num(a, "drm-shared-card"), 0);
	igt_assert_eq_u64(fdinfo_num(b, "drm-total-card"), 4 << 20);
	igt_assert_eq_u64(fdinfo_num(b, "drm-total-memory"), 0);

	t0 = now_ns();
	for (int i = 0; i < 4; i++) {
		igt_metis_copy(a, dev, 0, host, 0, 1 << 20, i);
		igt_metis_copy(a, back, 0, dev, 0, 1 << 20, i);
	}
	wall = now_ns() - t0;
	rd = fdinfo_num(a, "drm-engine-rd");
	wr = fdinfo_num(a, "drm-engine-wr");
	igt_info("measured: rd busy %" PRIu64 " us, wr busy %" PRIu64
		 " us in %" PRIu64 " us of wall time\n", rd / 1000, wr / 1000,
		 wall / 1000);
	igt_assert_f(rd > 0 && wr > 0, "engine time did not move\n");
	/* One job at a time: together they fit in the wall time. */
	igt_assert_f(rd + wr <= wall, "engines busier than the wall time of "
		     "jobs run one at a time\n");
	igt_assert_eq_u64(fdinfo_num(b, "drm-engine-rd"), 0);
	igt_assert_eq_u64(fdinfo_num(b, "drm-engine-wr"), 0);

	/*
	 * Both files' small copies queued on one channel end up in the same
	 * batches: each file is charged for its own, and the two together
	 * still fit in the wall time.
	 */
	{
		uint32_t hb = igt_metis_bo_create(b, PAGE, DRM_METIS_BO_HOST, 0);
		uint32_t db = igt_metis_bo_create(b, PAGE, DRM_METIS_BO_DEVICE, 0);
		struct drm_metis_job ja[8], jb[8];
		uint64_t rd_a = fdinfo_num(a, "drm-engine-rd"), ra, rb;

		for (int i = 0; i < 8; i++) {
			igt_metis_job_copy(&ja[i], dev, 0, host, 0, PAGE, 1);
			igt_metis_job_copy(&jb[i], db, 0, hb, 0, PAGE, 1);
		}
		t0 = now_ns();
		for (int i = 0; i < 8; i++) {
			igt_metis_submit(a, &ja[i], 1, 0);
			igt_metis_submit(b, &jb[i], 1, 0);
		}
		igt_metis_bo_wait(a, dev, 10 * NSEC_PER_SEC, 0);
		igt_metis_bo_wait(b, db, 10 * NSEC_PER_SEC, 0);
		wall = now_ns() - t0;
		ra = fdinfo_num(a, "drm-engine-rd") - rd_a;
		rb = fdinfo_num(b, "drm-engine-rd");
		igt_info("measured: interleaved on one channel, rd busy %" PRIu64
			 " us and %" PRIu64 " us in %" PRIu64 " us of wall time\n",
			 ra / 1000, rb / 1000, wall / 1000);
		igt_assert_f(ra > 0 && rb > 0, "a file's jobs were not counted\n");
		igt_assert_f(ra + rb <= wall, "one channel busier than the wall time\n");
		igt_metis_bo_close(b, hb);
		igt_metis_bo_close(b, db);
	}

	/* Exported (host buffers only): shared. Closed: gone. */
	igt_assert_eq(drmPrimeHandleToFD(a, host, DRM_CLOEXEC, &dmabuf), 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-shared-memory"), 1 << 20);
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-memory"), 2 << 20);
	igt_assert_eq_u64(fdinfo_num(a, "drm-shared-card"), 0);
	close(dmabuf);
	igt_metis_bo_close(a, dev);
	igt_metis_bo_close(a, host);
	igt_metis_bo_close(a, back);
	igt_metis_bo_close(b, other);
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-card"), 0);
	igt_assert_eq_u64(fdinfo_num(a, "drm-total-memory"), 0);
	igt_assert_eq_u64(fdinfo_num(b, "drm-total-card"), 0);
	close(a);
	close(b);
}

static void test_bo_wait(int fd)
{
	uint32_t h = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);

	/* Idle: returns at once, even with a deadline in the past. */
	igt_metis_bo_wait(fd, h, 0, 0);
	igt_metis_bo_wait(fd, h, -NSEC_PER_SEC, 0);
	igt_assert_eq(__igt_metis_bo_wait(fd, h, 1, 0), -EINVAL);
	igt_assert_eq(__igt_metis_bo_wait(fd, h + 1000, 0, 0), -ENOENT);
	igt_metis_bo_close(fd, h);
	igt_assert_eq(__igt_metis_bo_wait(fd, h, 0, 0), -ENOENT);
}

/*
 * A job keeping device BO @h busy for 300 ms: a NOP command of that
 * duration, or on the card as published (no firmware of ours) an upload
 * into it that the card holds (fault-hold) and the test lets go after
 * 300 ms.  Returns true for the latter.
 */
static bool busy_300ms(int fd, uint32_t h, struct drm_metis_job *job)
{
	if (igt_metis_has_fw(fd)) {
		igt_metis_job_fw(job, DRM_METIS_FW_NOP, h, 0, PAGE, 0,
				 DRM_METIS_CHANNEL_ANY);
		job->duration_us = 300000;
		return false;
	}
	igt_require_metis_qmp();
	igt_metis_job_copy(job, h, 0,
			   igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0), 0,
			   PAGE, DRM_METIS_CHANNEL_ANY);
	igt_metis_hold(true);
	return true;
}

static void test_bo_wait_busy(int fd)
{
	uint32_t h = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	struct drm_metis_job job;
	struct timespec ts = {};
	bool held = busy_300ms(fd, h, &job);

	igt_nsec_elapsed(&ts);
	igt_metis_submit(fd, &job, 1, 0);
	igt_metis_bo_wait(fd, h, 0, ETIME);
	if (held) {
		/* Still busy when the wait times out, then let go. */
		igt_metis_bo_wait(fd, h, 300 * 1000000ll, ETIME);
		igt_metis_hold(false);
	}
	igt_metis_bo_wait(fd, h, 10 * NSEC_PER_SEC, 0);
	igt_assert_f(igt_nsec_elapsed(&ts) >= 300 * 1000000ull,
		     "wait returned before the job's 300 ms\n");
	if (held)
		igt_metis_bo_close(fd, job.src_handle);
	igt_metis_bo_close(fd, h);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = igt_metis_open();
		igt_install_exit_handler(igt_metis_clear_faults);
	}

	igt_describe("Open the card's accel node found through sysfs.");
	igt_subtest("open")
		test_open(fd);

	igt_describe("Every parameter answers with a sane value.");
	igt_subtest("query-params")
		test_params(fd);

	igt_describe("GET_PARAM: unknown parameter and non-zero pad give EINVAL.");
	igt_subtest("query-bad")
		test_param_bad(fd);

	igt_describe("Host BOs of many sizes, rounded to pages, mappable.");
	igt_subtest("bo-create-host")
		test_bo_create(fd, DRM_METIS_BO_HOST);

	igt_describe("Device BOs of many sizes, rounded to pages, not mappable.");
	igt_subtest("bo-create-device")
		test_bo_create(fd, DRM_METIS_BO_DEVICE);

	igt_describe("BO_CREATE: zero size, unknown flags (EINVAL), too big (E2BIG).");
	igt_subtest("bo-create-bad")
		test_bo_create_bad(fd);

	igt_describe("BO_CREATE: on-card memory without a free range gives ENOSPC.");
	igt_subtest("bo-create-enospc")
		test_bo_enospc(fd);

	igt_describe("BO_INFO: unknown handle (ENOENT), non-zero pad (EINVAL).");
	igt_subtest("bo-info-bad")
		test_bo_info_bad(fd);

	igt_describe("Host BOs map zero-filled, share pages, outlive their handle.");
	igt_subtest("bo-mmap")
		test_bo_mmap(fd);

	igt_describe("Nothing maps beyond a host BO or at made-up offsets.");
	igt_subtest("bo-mmap-bad")
		test_bo_mmap_device(fd);

	igt_describe("GEM_CLOSE of an unknown handle gives EINVAL.");
	igt_subtest("bo-close-bad")
		test_bo_close_bad(fd);

	igt_describe("Handles are per file.");
	igt_subtest("bo-per-file")
		test_bo_per_file(fd);

	igt_describe("A new device BO reads as zeroes, not another client's data.");
	igt_subtest("bo-device-cleared")
		test_bo_device_cleared(fd);

	igt_describe("MEM_FREE follows device BO allocation and file close.");
	igt_subtest("mem-accounting")
		test_mem_accounting(fd);

	igt_describe("DRM fdinfo: driver, client, engines' busy time, the file's "
		     "own memory on the card and in system memory.");
	igt_subtest("fdinfo")
		test_fdinfo(fd);

	igt_describe("BO_WAIT on idle BOs; unknown handle, non-zero pad.");
	igt_subtest("bo-wait")
		test_bo_wait(fd);

	igt_describe("BO_WAIT times out with ETIME on a busy BO, then waits.");
	igt_subtest("bo-wait-busy")
		test_bo_wait_busy(fd);

	igt_fixture
		close(fd);
}
