// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 */

/**
 * TEST: metis dmabuf
 * Category: Core
 * Description: dma-buf sharing of the metis accel driver: host BOs
 *	exported and imported (by metis itself and by vgem), and foreign
 *	dma-bufs (udmabuf, vgem) imported and used as DMA sources and
 *	destinations without copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_metis.h"

#define PAGE 4096ull

static int prime_export(int fd, uint32_t handle, int err)
{
	int dfd = -1, ret;

	ret = drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dfd);
	igt_assert_eq(ret ? -errno : 0, -err);
	return dfd;
}

static uint32_t prime_import(int fd, int dfd)
{
	uint32_t h = 0;

	igt_assert_eq(drmPrimeFDToHandle(fd, dfd, &h), 0);
	igt_assert(h);
	return h;
}

/*
 * Use imported handle @imp (of @size bytes, CPU view @cpu) as a DMA source
 * and destination on @fd, checking through @cpu that the card really read
 * and wrote the shared pages.
 */
static void dma_through(int fd, uint32_t imp, uint8_t *cpu, uint64_t size,
			uint32_t seed)
{
	uint32_t card = igt_metis_bo_create(fd, size, DRM_METIS_BO_DEVICE, 0);
	uint32_t host = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	uint8_t *hm = igt_metis_bo_mmap(fd, host, size);
	uint8_t *want = malloc(size);
	uint64_t off = 3, len = size - 7;

	/* Foreign pages -> card -> our host BO. */
	igt_metis_pattern(cpu, size, seed);
	memcpy(want, cpu, size);
	igt_metis_copy(fd, card, 0, imp, 0, size, DRM_METIS_CHANNEL_ANY);
	igt_metis_copy(fd, host, 0, card, 0, size, DRM_METIS_CHANNEL_ANY);
	igt_assert_eq_u64(igt_metis_first_diff(want, hm, size), size);

	/* Our data -> card -> foreign pages, at an odd offset. */
	igt_metis_pattern(hm, size, seed + 1);
	igt_metis_copy(fd, card, 0, host, 0, size, DRM_METIS_CHANNEL_ANY);
	memset(cpu, 0x5a, size);
	igt_metis_copy(fd, imp, off, card, off, len, DRM_METIS_CHANNEL_ANY);
	memset(want, 0x5a, size);
	memcpy(want + off, hm + off, len);
	igt_assert_eq_u64(igt_metis_first_diff(want, cpu, size), size);

	free(want);
	munmap(hm, size);
	igt_metis_bo_close(fd, host);
	igt_metis_bo_close(fd, card);
}

static void test_export_import(int fd)
{
	const uint64_t size = 64 * PAGE;
	int fd2 = igt_metis_open();
	uint32_t h = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	struct drm_metis_bo_info info = {};
	uint8_t *m1 = igt_metis_bo_mmap(fd, h, size), *m2;
	int dfd = prime_export(fd, h, 0);
	uint32_t imp = prime_import(fd2, dfd);

	igt_assert(fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	close(dfd);
	info.handle = imp;
	igt_metis_bo_info(fd2, &info, 0);
	igt_assert_eq_u32(info.flags, DRM_METIS_BO_HOST);
	igt_assert_eq_u64(info.size, size);
	igt_assert(info.mmap_offset);
	m2 = igt_metis_bo_mmap(fd2, imp, size);
	igt_metis_pattern(m1, size, 1);
	igt_assert_eq_u64(igt_metis_first_diff(m1, m2, size), size);
	/* The importer's DMA lands in the exporter's pages. */
	dma_through(fd2, imp, m1, size, 2);
	munmap(m2, size);
	munmap(m1, size);
	igt_metis_bo_close(fd2, imp);
	igt_metis_bo_close(fd, h);
	close(fd2);
}

static void test_self_import(int fd)
{
	uint32_t h = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	int dfd = prime_export(fd, h, 0);

	/* Importing our own export gives back the same object. */
	igt_assert_eq_u32(prime_import(fd, dfd), h);
	close(dfd);
	igt_metis_bo_close(fd, h);
}

static void test_export_device(int fd)
{
	uint32_t h = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	int dfd = -1;

	/* On-card memory has no pages to share. */
	igt_assert_neq(drmPrimeHandleToFD(fd, h, DRM_CLOEXEC | DRM_RDWR, &dfd), 0);
	igt_metis_bo_close(fd, h);
}

static void test_import_bad(int fd)
{
	int mfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	uint32_t h;

	igt_assert_neq(drmPrimeFDToHandle(fd, mfd, &h), 0);
	close(mfd);
	igt_assert_neq(drmPrimeFDToHandle(fd, 1000000, &h), 0);
	igt_assert_eq(errno, EBADF);
}

/* The import keeps the pages after the exporter dropped everything. */
static void test_import_outlives(int fd)
{
	const uint64_t size = 16 * PAGE;
	int fd2 = igt_metis_open();
	uint32_t h = igt_metis_bo_create(fd2, size, DRM_METIS_BO_HOST, 0);
	uint8_t *m = igt_metis_bo_mmap(fd2, h, size);
	int dfd = prime_export(fd2, h, 0);
	uint32_t imp = prime_import(fd, dfd);
	uint8_t *mi;

	igt_metis_pattern(m, size, 5);
	munmap(m, size);
	close(dfd);
	igt_metis_bo_close(fd2, h);
	close(fd2);
	mi = igt_metis_bo_mmap(fd, imp, size);
	m = malloc(size);
	igt_metis_pattern(m, size, 5);
	igt_assert_eq_u64(igt_metis_first_diff(m, mi, size), size);
	dma_through(fd, imp, mi, size, 6);
	free(m);
	munmap(mi, size);
	igt_metis_bo_close(fd, imp);
}

static int udmabuf_create(uint64_t size, int *memfd, uint8_t **cpu)
{
	struct udmabuf_create c = {};
	int dev, dfd;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	igt_require_f(dev >= 0, "no /dev/udmabuf\n");
	*memfd = memfd_create("metis-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	igt_assert_fd(*memfd);
	igt_assert_eq(ftruncate(*memfd, size), 0);
	igt_assert_eq(fcntl(*memfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	c.memfd = *memfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	c.size = size;
	dfd = ioctl(dev, UDMABUF_CREATE, &c);
	igt_assert_f(dfd >= 0, "UDMABUF_CREATE: %s\n", strerror(errno));
	close(dev);
	*cpu = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *memfd, 0);
	igt_assert(*cpu != MAP_FAILED);
	return dfd;
}

static void test_udmabuf(int fd, uint64_t size)
{
	struct drm_metis_bo_info info = {};
	uint8_t *cpu;
	int memfd, dfd = udmabuf_create(size, &memfd, &cpu);
	uint32_t imp = prime_import(fd, dfd);

	close(dfd);
	info.handle = imp;
	igt_metis_bo_info(fd, &info, 0);
	igt_assert_eq_u64(info.size, size);
	igt_assert_eq_u32(info.flags, DRM_METIS_BO_HOST);
	dma_through(fd, imp, cpu, size, size);
	igt_metis_bo_close(fd, imp);
	munmap(cpu, size);
	close(memfd);
}

static int vgem_open(void)
{
	char path[64];

	igt_require_f(igt_kmod_load("vgem", NULL) == 0 || igt_kmod_is_loaded("vgem"),
		      "vgem module not available\n");
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
	igt_skip("no vgem device node\n");
}

static uint32_t vgem_create(int vfd, uint64_t size, uint8_t **cpu)
{
	struct drm_mode_create_dumb c = {
		.width = PAGE / 4, .height = size / PAGE, .bpp = 32,
	};
	struct drm_mode_map_dumb m = {};

	igt_assert_eq(drmIoctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &c), 0);
	igt_assert_lte_u64(size, c.size);
	m.handle = c.handle;
	igt_assert_eq(drmIoctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &m), 0);
	*cpu = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, m.offset);
	igt_assert(*cpu != MAP_FAILED);
	return c.handle;
}

/* A vgem buffer (a GPU's stand-in) as metis DMA source and destination. */
static void test_vgem_import(int fd)
{
	const uint64_t size = 32 * PAGE;
	int vfd = vgem_open();
	uint8_t *cpu;
	uint32_t vh = vgem_create(vfd, size, &cpu);
	int dfd = prime_export(vfd, vh, 0);
	uint32_t imp = prime_import(fd, dfd);

	close(dfd);
	dma_through(fd, imp, cpu, size, 11);
	igt_metis_bo_close(fd, imp);
	munmap(cpu, size);
	close(vfd);
}

/*
 * A metis host BO imported by vgem (a GPU pipeline's stand-in): vgem takes
 * it, and the dma-buf's own CPU mapping (what an importer's CPU path uses;
 * vgem refuses dumb mappings of imported objects) sees the card's output.
 */
static void test_vgem_export(int fd)
{
	const uint64_t size = 16 * PAGE;
	int vfd = vgem_open();
	uint32_t h = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	uint32_t card = igt_metis_bo_create(fd, size, DRM_METIS_BO_DEVICE, 0);
	uint32_t src = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	uint8_t *sm = igt_metis_bo_mmap(fd, src, size), *dm;
	int dfd = prime_export(fd, h, 0);
	uint32_t vh = prime_import(vfd, dfd);
	struct drm_gem_close cl = { .handle = vh };

	dm = mmap(NULL, size, PROT_READ, MAP_SHARED, dfd, 0);
	igt_assert(dm != MAP_FAILED);
	igt_metis_pattern(sm, size, 12);
	igt_metis_copy(fd, card, 0, src, 0, size, DRM_METIS_CHANNEL_ANY);
	igt_metis_copy(fd, h, 0, card, 0, size, DRM_METIS_CHANNEL_ANY);
	igt_assert_eq_u64(igt_metis_first_diff(sm, dm, size), size);
	munmap(dm, size);
	munmap(sm, size);
	/* vgem lets go of the import while metis still uses the BO. */
	igt_assert_eq(drmIoctl(vfd, DRM_IOCTL_GEM_CLOSE, &cl), 0);
	close(dfd);
	close(vfd);
	igt_metis_copy(fd, card, 0, h, 0, size, DRM_METIS_CHANNEL_ANY);
	igt_metis_bo_close(fd, src);
	igt_metis_bo_close(fd, card);
	igt_metis_bo_close(fd, h);
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = igt_metis_open();

	igt_describe("Export a host BO, import it in another client, DMA through it.");
	igt_subtest("export-import")
		test_export_import(fd);

	igt_describe("Importing one's own export returns the same handle.");
	igt_subtest("self-import")
		test_self_import(fd);

	igt_describe("Device BOs cannot be exported.");
	igt_subtest("export-device-bo")
		test_export_device(fd);

	igt_describe("Importing something that is not a dma-buf fails.");
	igt_subtest("import-bad-fd")
		test_import_bad(fd);

	igt_describe("An import keeps working after its exporter went away.");
	igt_subtest("import-outlives-exporter")
		test_import_outlives(fd);

	igt_describe("udmabuf (memfd pages) as DMA source and destination.");
	igt_subtest_with_dynamic("udmabuf-import") {
		static const uint64_t sizes[] = { PAGE, 16 * PAGE, 1 << 20 };

		for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++)
			igt_dynamic_f("size-%" PRIu64, sizes[i])
				test_udmabuf(fd, sizes[i]);
	}

	igt_describe("A vgem buffer as DMA source and destination.");
	igt_subtest("vgem-import")
		test_vgem_import(fd);

	igt_describe("A metis buffer imported by vgem sees the card's writes.");
	igt_subtest("vgem-export")
		test_vgem_export(fd);

	igt_fixture
		close(fd);
}
