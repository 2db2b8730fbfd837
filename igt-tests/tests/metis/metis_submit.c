// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 */

/**
 * TEST: metis submit
 * Category: Core
 * Description: DMA copy and firmware jobs of the metis accel driver: every
 *	bad argument of SUBMIT with its errno, round trips of many sizes and
 *	alignments on every read and write channel verified byte for byte,
 *	ordering, concurrent clients, syncobj dependencies (binary and
 *	timeline) and firmware commands with verified results.  On the card
 *	exactly as published (no firmware of ours: CONTEXTS = 0) the
 *	firmware subtests skip, every firmware job must be refused with
 *	EOPNOTSUPP and lose nothing (fw-refused), and the jobs that other
 *	subtests keep busy for a while are DMA copies the card holds (its
 *	fault-hold, through the test bed's QMP channel) instead of firmware
 *	commands with a duration.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_metis.h"

#define PAGE 4096ull
#define MSEC 1000000ll

struct ctx {
	int fd;
	uint32_t host, card, back;	/* 1 MiB each */
	uint8_t *host_map, *back_map;
	uint64_t size;
};

static void ctx_init(struct ctx *c, int fd, uint64_t size)
{
	c->fd = fd;
	c->size = size;
	c->host = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	c->back = igt_metis_bo_create(fd, size, DRM_METIS_BO_HOST, 0);
	c->card = igt_metis_bo_create(fd, size, DRM_METIS_BO_DEVICE, 0);
	c->host_map = igt_metis_bo_mmap(fd, c->host, size);
	c->back_map = igt_metis_bo_mmap(fd, c->back, size);
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->host_map, c->size);
	munmap(c->back_map, c->size);
	igt_metis_bo_close(c->fd, c->host);
	igt_metis_bo_close(c->fd, c->back);
	igt_metis_bo_close(c->fd, c->card);
}

static void assert_same(const void *want, const void *got, uint64_t size,
			const char *what)
{
	uint64_t d = igt_metis_first_diff(want, got, size);

	igt_assert_f(d == size, "%s: byte %" PRIu64 " of %" PRIu64
		     " is %#x, want %#x\n", what, d, size,
		     ((const uint8_t *)got)[d], ((const uint8_t *)want)[d]);
}

/*
 * Bad arguments.  The base job is a download card -> back; back is filled
 * with 0xcc, so a bad submission that queued anything would show.
 */
struct bad {
	struct ctx c;
	struct drm_metis_job job;
	struct drm_metis_submit s;
	struct drm_metis_sync sync;
	uint32_t syncobj;
};

static void bad_reset(struct bad *b)
{
	igt_metis_job_copy(&b->job, b->c.back, 0, b->c.card, 0, PAGE,
			   DRM_METIS_CHANNEL_ANY);
	b->s = (struct drm_metis_submit){
		.jobs = (uintptr_t)&b->job,
		.job_count = 1,
		.job_stride = sizeof(b->job),
	};
	b->sync = (struct drm_metis_sync){ .handle = b->syncobj };
}

static void bad_fw(struct bad *b)
{
	igt_metis_job_fw(&b->job, DRM_METIS_FW_NOP, b->c.card, 0, PAGE, 0,
			 DRM_METIS_CHANNEL_ANY);
}

static void bad_expect(struct bad *b, int err)
{
	igt_metis_bo_wait(b->c.fd, b->c.back, 5 * NSEC_PER_SEC, 0);
	memset(b->c.back_map, 0xcc, PAGE);
	igt_assert_eq(__igt_metis_submit_raw(b->c.fd, &b->s), -err);
	igt_metis_bo_wait(b->c.fd, b->c.back, 5 * NSEC_PER_SEC, 0);
	if (!err) {
		/* The good job did write: the check below can fail. */
		igt_assert_eq_u64(igt_metis_first_diff(b->c.host_map,
						       b->c.back_map, PAGE), PAGE);
		return;
	}
	for (uint64_t i = 0; i < PAGE; i++)
		igt_assert_f(b->c.back_map[i] == 0xcc,
			     "a rejected submission wrote the buffer\n");
}

static void test_submit_bad(int fd)
{
	uint64_t max_jobs = igt_metis_get_param(fd, DRM_METIS_PARAM_MAX_JOBS);
	bool has_fw = igt_metis_has_fw(fd);
	struct drm_metis_sync syncs[65];
	struct drm_metis_job *many;
	struct bad b = {};
	void *unmapped;
	uint32_t dev2;

	ctx_init(&b.c, fd, PAGE);
	igt_metis_pattern(b.c.host_map, PAGE, 33);
	igt_metis_copy(fd, b.c.card, 0, b.c.host, 0, PAGE, DRM_METIS_CHANNEL_ANY);
	b.syncobj = igt_metis_syncobj_create(fd);
	dev2 = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	/* Kept mapped without access, so that nothing else lands there. */
	unmapped = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(unmapped != MAP_FAILED);
	memset(syncs, 0, sizeof(syncs));
	for (int i = 0; i < 65; i++)
		syncs[i].handle = b.syncobj;

#define CASE(name, err, setup) \
	igt_dynamic(name) { \
		bad_reset(&b); \
		setup; \
		bad_expect(&b, err); \
	}

	/*
	 * A firmware job on the card as published: a malformed one (flags,
	 * opcode, context, size, duration, alignment) is EINVAL as anywhere,
	 * a well-formed one refused before its buffers are looked at.
	 */
#define CASE_FW(name, err, setup) CASE(name, has_fw ? err : EOPNOTSUPP, setup)

	CASE("good", 0, {})
	CASE("submit-flags", EINVAL, b.s.flags = 1)
	CASE("submit-flags-high", EINVAL, b.s.flags = 0x80000000)
	CASE("submit-pad", EINVAL, b.s.pad = 1)
	CASE("job-flags", EINVAL, b.job.flags = 1)
	CASE("job-pad", EINVAL, b.job.pad = 1)
	CASE("job-op", EINVAL, b.job.op = 2)
	CASE("copy-host-to-host", EINVAL, b.job.src_handle = b.c.host)
	CASE("copy-device-to-device", EINVAL, b.job.dst_handle = dev2)
	CASE("copy-zero-size", EINVAL, b.job.size = 0)
	CASE("copy-channel-4", EINVAL, b.job.channel = 4)
	CASE("copy-channel-huge", EINVAL, b.job.channel = 0xfffffffe)
	CASE("fw-src-handle", EINVAL, { bad_fw(&b); b.job.src_handle = b.c.host; })
	CASE("fw-opcode", EINVAL, { bad_fw(&b); b.job.fw_opcode = DRM_METIS_FW_FILL32 + 1; })
	CASE_FW("fw-host-region", EINVAL, { bad_fw(&b); b.job.dst_handle = b.c.host; })
	CASE("fw-context-4", EINVAL, { bad_fw(&b); b.job.channel = 4; })
	CASE("fw-zero-size", EINVAL, { bad_fw(&b); b.job.size = 0; })
	CASE_FW("fw-result-device", EINVAL, { bad_fw(&b); b.job.result_handle = dev2; })
	CASE("fw-result-unaligned", EINVAL, { bad_fw(&b); b.job.result_handle = b.c.host; b.job.result_offset = 4; })
	CASE("fw-duration", EINVAL, { bad_fw(&b); b.job.duration_us = 10000001; })
	CASE("src-unknown", ENOENT, b.job.src_handle = 0x7ffffff0)
	CASE("dst-unknown", ENOENT, b.job.dst_handle = 0x7ffffff0)
	CASE_FW("fw-result-unknown", ENOENT, { bad_fw(&b); b.job.result_handle = 0x7ffffff0; })
	CASE("in-sync-unknown", ENOENT, { b.sync.handle = 0x7ffffff0; b.job.in_syncs = (uintptr_t)&b.sync; b.job.in_sync_count = 1; })
	CASE("out-sync-unknown", ENOENT, { b.sync.handle = 0x7ffffff0; b.job.out_syncs = (uintptr_t)&b.sync; b.job.out_sync_count = 1; })
	CASE("sync-flags", EINVAL, { b.sync.flags = 2; b.job.out_syncs = (uintptr_t)&b.sync; b.job.out_sync_count = 1; })
	CASE("sync-binary-point", EINVAL, { b.sync.point = 1; b.job.out_syncs = (uintptr_t)&b.sync; b.job.out_sync_count = 1; })
	CASE("src-range", ERANGE, b.job.src_offset = 1)
	CASE("dst-range", ERANGE, b.job.dst_offset = PAGE)
	CASE("size-range", ERANGE, b.job.size = PAGE + 1)
	CASE("offset-overflow", ERANGE, b.job.src_offset = ~0ull - 16)
	CASE("size-overflow", ERANGE, { b.job.dst_offset = 16; b.job.size = ~0ull - 8; })
	CASE_FW("fw-range", ERANGE, { bad_fw(&b); b.job.dst_offset = 4; })
	CASE_FW("fw-result-range", ERANGE, { bad_fw(&b); b.job.result_handle = b.c.host; b.job.result_offset = PAGE; })
	CASE_FW("fw-result-overflow", ERANGE, { bad_fw(&b); b.job.result_handle = b.c.host; b.job.result_offset = ~0ull - 7; })
	CASE("in-syncs-65", E2BIG, { b.job.in_syncs = (uintptr_t)syncs; b.job.in_sync_count = 65; })
	CASE("out-syncs-65", E2BIG, { b.job.out_syncs = (uintptr_t)syncs; b.job.out_sync_count = 65; })
	CASE("stride-small", E2BIG, b.s.job_stride = 8)
	CASE("stride-zero", E2BIG, b.s.job_stride = 0)
	CASE("stride-page", E2BIG, b.s.job_stride = PAGE + 8)
	CASE("jobs-fault", EFAULT, b.s.jobs = (uintptr_t)unmapped)
	CASE("jobs-null", EFAULT, b.s.jobs = 0)
	CASE("in-syncs-fault", EFAULT, { b.job.in_syncs = (uintptr_t)unmapped; b.job.in_sync_count = 1; })
	CASE("out-syncs-fault", EFAULT, { b.job.out_syncs = (uintptr_t)unmapped; b.job.out_sync_count = 1; })

	igt_dynamic("too-many-jobs") {
		bad_reset(&b);
		many = calloc(max_jobs + 1, sizeof(*many));
		for (uint64_t i = 0; i <= max_jobs; i++)
			many[i] = b.job;
		b.s.jobs = (uintptr_t)many;
		b.s.job_count = max_jobs + 1;
		bad_expect(&b, E2BIG);
		free(many);
	}
#undef CASE_FW
#undef CASE

	munmap(unmapped, PAGE);
	igt_metis_bo_close(fd, dev2);
	igt_metis_syncobj_destroy(fd, b.syncobj);
	ctx_fini(&b.c);
}

/* The first bad job stops the submission; the jobs before it run. */
static void test_submit_partial(int fd)
{
	struct drm_metis_job jobs[3];
	struct ctx c;

	ctx_init(&c, fd, 2 * PAGE);
	igt_metis_pattern(c.host_map, 2 * PAGE, 5);
	memset(c.back_map, 0xcc, 2 * PAGE);
	igt_metis_copy(fd, c.card, 0, c.host, 0, 2 * PAGE, DRM_METIS_CHANNEL_ANY);
	igt_metis_job_copy(&jobs[0], c.back, 0, c.card, 0, PAGE, DRM_METIS_CHANNEL_ANY);
	igt_metis_job_copy(&jobs[1], c.back, PAGE, c.card, PAGE, PAGE, 7);
	igt_metis_job_copy(&jobs[2], c.back, PAGE, c.card, PAGE, PAGE, DRM_METIS_CHANNEL_ANY);
	igt_metis_submit(fd, jobs, 3, EINVAL);
	igt_metis_bo_wait(fd, c.back, 10 * NSEC_PER_SEC, 0);
	assert_same(c.host_map, c.back_map, PAGE, "first job");
	for (uint64_t i = PAGE; i < 2 * PAGE; i++)
		igt_assert_f(c.back_map[i] == 0xcc, "job after the bad one ran\n");
	ctx_fini(&c);
}

/* A larger stride with a zero tail is a newer caller: accepted. */
static void test_submit_stride(int fd)
{
	struct { struct drm_metis_job job; uint64_t tail[4]; } big = {};
	struct drm_metis_submit s = {
		.jobs = (uintptr_t)&big, .job_count = 1,
		.job_stride = sizeof(big),
	};
	struct ctx c;

	ctx_init(&c, fd, PAGE);
	igt_metis_pattern(c.host_map, PAGE, 6);
	igt_metis_job_copy(&big.job, c.card, 0, c.host, 0, PAGE, DRM_METIS_CHANNEL_ANY);
	igt_assert_eq(__igt_metis_submit_raw(fd, &s), 0);
	igt_metis_copy(fd, c.back, 0, c.card, 0, PAGE, DRM_METIS_CHANNEL_ANY);
	assert_same(c.host_map, c.back_map, PAGE, "stride");
	ctx_fini(&c);
}

/*
 * Round trip of @size bytes at host offset @hoff and card offset @doff.
 * The card buffer is filled with a background first, so that bytes next
 * to the region show whether DMA wrote outside it, on both sides.
 */
static void round_trip(struct ctx *c, uint64_t size, uint64_t hoff,
		       uint64_t doff, uint32_t rch, uint32_t wch, uint32_t seed)
{
	uint64_t span = c->size;
	uint8_t *want = malloc(span), *src = malloc(span);

	igt_assert(hoff + size <= span && doff + size <= span);
	/* Background on the card. */
	igt_metis_pattern(c->host_map, span, seed + 1000);
	memcpy(want, c->host_map, span);
	igt_metis_copy(c->fd, c->card, 0, c->host, 0, span, rch);
	/* The region. */
	igt_metis_pattern(src, span, seed);
	memcpy(c->host_map, src, span);
	igt_metis_copy(c->fd, c->card, doff, c->host, hoff, size, rch);
	memcpy(want + doff, src + hoff, size);
	/* Whole card buffer back. */
	memset(c->back_map, 0xcc, span);
	igt_metis_copy(c->fd, c->back, 0, c->card, 0, span, wch);
	assert_same(want, c->back_map, span, "card contents");
	/* Region back at another host offset: nothing else touched. */
	memset(c->back_map, 0xcc, span);
	igt_metis_copy(c->fd, c->back, hoff, c->card, doff, size, wch);
	memset(want, 0xcc, span);
	memcpy(want + hoff, src + hoff, size);
	assert_same(want, c->back_map, span, "region download");
	free(want);
	free(src);
}

static void test_dma_sizes(int fd)
{
	static const uint64_t sizes[] = {
		1, 2, 3, 4, 7, 8, 63, 64, 511, 4095, 4096, 4097, 8191,
		65536 + 3, (1 << 20) - 1, 1 << 20, (4 << 20) + 13,
	};
	static const struct { uint64_t h, d; } offs[] = {
		{ 0, 0 }, { 1, 3 }, { 4095, 69 }, { 8, 4096 + 5 },
	};
	struct ctx c;

	ctx_init(&c, fd, (4 << 20) + 3 * PAGE);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (unsigned int o = 0; o < ARRAY_SIZE(offs); o++) {
			if (sizes[i] > (1 << 20) && o > 1)
				continue;
			igt_dynamic_f("size-%" PRIu64 "-at-%" PRIu64 "-%" PRIu64,
				      sizes[i], offs[o].h, offs[o].d)
				round_trip(&c, sizes[i], offs[o].h, offs[o].d,
					   DRM_METIS_CHANNEL_ANY,
					   DRM_METIS_CHANNEL_ANY, i * 16 + o);
		}
	}
	ctx_fini(&c);
}

static void test_dma_channels(int fd)
{
	struct ctx c;

	ctx_init(&c, fd, 256 * 1024);
	for (uint32_t r = 0; r < 4; r++)
		igt_dynamic_f("read-%u", r)
			round_trip(&c, 100000, 7, 4099, r, DRM_METIS_CHANNEL_ANY, r);
	for (uint32_t w = 0; w < 4; w++)
		igt_dynamic_f("write-%u", w)
			round_trip(&c, 100000, 4099, 7, DRM_METIS_CHANNEL_ANY, w, 10 + w);
	ctx_fini(&c);
}

/* All four channels of each direction in one submission. */
static void test_dma_parallel(int fd)
{
	const uint64_t sz = 1 << 20;
	struct drm_metis_job up[4], down[4];
	struct ctx c[4];

	for (int i = 0; i < 4; i++) {
		ctx_init(&c[i], fd, sz);
		igt_metis_pattern(c[i].host_map, sz, 40 + i);
		memset(c[i].back_map, 0, sz);
		igt_metis_job_copy(&up[i], c[i].card, 0, c[i].host, 0, sz, i);
		igt_metis_job_copy(&down[i], c[i].back, 0, c[i].card, 0, sz, 3 - i);
	}
	igt_metis_submit(fd, up, 4, 0);
	igt_metis_submit(fd, down, 4, 0);
	for (int i = 0; i < 4; i++) {
		igt_metis_bo_wait(fd, c[i].back, 30 * NSEC_PER_SEC, 0);
		assert_same(c[i].host_map, c[i].back_map, sz, "parallel");
		ctx_fini(&c[i]);
	}
}

static void test_dma_large(int fd)
{
	const uint64_t sz = 32 << 20;
	struct ctx c;

	ctx_init(&c, fd, sz);
	igt_metis_pattern(c.host_map, sz, 77);
	igt_metis_copy(fd, c.card, 0, c.host, 0, sz, DRM_METIS_CHANNEL_ANY);
	igt_metis_copy(fd, c.back, 0, c.card, 0, sz, DRM_METIS_CHANNEL_ANY);
	assert_same(c.host_map, c.back_map, sz, "32 MiB");
	ctx_fini(&c);
}

/* Many jobs in one submission, each a distinct chunk, in order. */
static void test_many_jobs(int fd)
{
	uint64_t n = igt_metis_get_param(fd, DRM_METIS_PARAM_MAX_JOBS);
	struct drm_metis_job *jobs;
	const uint64_t chunk = 1024;
	struct ctx c;

	if (n > 256)
		n = 256;
	ctx_init(&c, fd, n * chunk);
	jobs = calloc(n, sizeof(*jobs));
	igt_metis_pattern(c.host_map, n * chunk, 99);
	for (uint64_t i = 0; i < n; i++)
		igt_metis_job_copy(&jobs[i], c.card, i * chunk, c.host,
				   (n - 1 - i) * chunk, chunk, i % 4);
	igt_metis_run(fd, jobs, n, 0);
	igt_metis_copy(fd, c.back, 0, c.card, 0, n * chunk, DRM_METIS_CHANNEL_ANY);
	for (uint64_t i = 0; i < n; i++)
		assert_same(c.host_map + (n - 1 - i) * chunk,
			    c.back_map + i * chunk, chunk, "chunk");
	free(jobs);
	ctx_fini(&c);
}

/* Jobs on the same buffer run in submission order (implicit fences). */
static void test_order(int fd)
{
	const uint64_t sz = 256 * 1024;
	uint32_t h2 = igt_metis_bo_create(fd, sz, DRM_METIS_BO_HOST, 0);
	uint8_t *m2 = igt_metis_bo_mmap(fd, h2, sz);
	struct drm_metis_job jobs[4];
	struct ctx c;

	ctx_init(&c, fd, sz);
	igt_metis_pattern(c.host_map, sz, 1);
	igt_metis_pattern(m2, sz, 2);
	/* up A (slow channel 0), up B, down: must see B. Separate submits. */
	igt_metis_job_copy(&jobs[0], c.card, 0, c.host, 0, sz, 0);
	igt_metis_job_copy(&jobs[1], c.card, 0, h2, 0, sz, 1);
	igt_metis_job_copy(&jobs[2], c.back, 0, c.card, 0, sz, 2);
	igt_metis_submit(fd, &jobs[0], 1, 0);
	igt_metis_submit(fd, &jobs[1], 1, 0);
	igt_metis_submit(fd, &jobs[2], 1, 0);
	igt_metis_bo_wait(fd, c.back, 30 * NSEC_PER_SEC, 0);
	assert_same(m2, c.back_map, sz, "order");
	if (!igt_metis_has_fw(fd)) {
		/*
		 * The card as published: upload A, download, upload B,
		 * download elsewhere, in one submission.
		 */
		uint32_t h3 = igt_metis_bo_create(fd, sz, DRM_METIS_BO_HOST, 0);
		uint8_t *m3 = igt_metis_bo_mmap(fd, h3, sz);

		memset(c.back_map, 0, sz);
		memset(m3, 0, sz);
		igt_metis_job_copy(&jobs[0], c.card, 0, c.host, 0, sz, 0);
		igt_metis_job_copy(&jobs[1], c.back, 0, c.card, 0, sz, 1);
		igt_metis_job_copy(&jobs[2], c.card, 0, h2, 0, sz, 2);
		igt_metis_job_copy(&jobs[3], h3, 0, c.card, 0, sz, 3);
		igt_metis_run(fd, jobs, 4, 0);
		igt_metis_bo_wait(fd, c.back, 30 * NSEC_PER_SEC, 0);
		assert_same(c.host_map, c.back_map, sz, "first download of the chain");
		assert_same(m2, m3, sz, "second download of the chain");
		munmap(m3, sz);
		igt_metis_bo_close(fd, h3);
		munmap(m2, sz);
		igt_metis_bo_close(fd, h2);
		ctx_fini(&c);
		return;
	}
	/* upload, XOR32, download in one submission. */
	igt_metis_job_copy(&jobs[0], c.card, 0, c.host, 0, sz, DRM_METIS_CHANNEL_ANY);
	igt_metis_job_fw(&jobs[1], DRM_METIS_FW_XOR32, c.card, 0, sz, 0xffffffff,
			 DRM_METIS_CHANNEL_ANY);
	igt_metis_job_copy(&jobs[2], c.back, 0, c.card, 0, sz, DRM_METIS_CHANNEL_ANY);
	igt_metis_run(fd, jobs, 3, 0);
	for (uint64_t i = 0; i < sz; i++)
		igt_assert_f(c.back_map[i] == (uint8_t)~c.host_map[i],
			     "xor chain wrong at %" PRIu64 "\n", i);
	munmap(m2, sz);
	igt_metis_bo_close(fd, h2);
	ctx_fini(&c);
}

static void test_concurrent(int nchild)
{
	igt_fork(child, nchild) {
		int fd = igt_metis_open();
		struct ctx c;

		ctx_init(&c, fd, 512 * 1024);
		for (int i = 0; i < 5; i++)
			round_trip(&c, 300000 + child * 77 + i, child * 3 + i,
				   i * 4096 + child, child % 4, (child + i) % 4,
				   child * 100 + i);
		ctx_fini(&c);
		close(fd);
	}
	igt_waitchildren();
}

/*
 * Job A keeps device buffer @bo busy for @ms: a NOP command of that
 * duration on context @chan, or on the card as published (no firmware of
 * ours) an upload into @bo on read channel @chan that the card holds
 * (fault-hold) until slow_job_release().  Returns whether it is held; a
 * held job's source buffer is in job->src_handle.
 */
static bool slow_job(int fd, struct drm_metis_job *job, uint32_t bo,
		     uint32_t ms, uint32_t chan)
{
	if (igt_metis_has_fw(fd)) {
		igt_metis_job_fw(job, DRM_METIS_FW_NOP, bo, 0, PAGE, 0, chan);
		job->duration_us = ms * 1000;
		return false;
	}
	igt_require_metis_qmp();
	igt_metis_job_copy(job, bo, 0,
			   igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0), 0,
			   PAGE, chan);
	igt_metis_hold(true);
	return true;
}

/*
 * Submit held job @job and wait until the driver has started it on the
 * card; returns the driver's count of started jobs then.
 */
static int64_t slow_job_submit(int fd, struct drm_metis_job *job)
{
	int64_t base = igt_metis_jobs_started(fd), now = base;

	/* The test bed mounts debugfs and runs as root: checked, not skipped. */
	igt_assert_f(base >= 0, "metis debugfs queues missing or in an unknown format\n");
	igt_metis_submit(fd, job, 1, 0);
	for (int i = 0; i < 200 && now == base; i++) {
		usleep(10000);
		now = igt_metis_jobs_started(fd);
	}
	igt_assert_f(now == base + 1, "%" PRId64 " jobs started for the held one\n",
		     now - base);
	return now;
}

/*
 * A held job: once @ms have passed since @ts it is let go.  Until then
 * nothing but the held job has started (the driver's debugfs count of
 * started jobs is still @started): what waits for it has not run early,
 * and is not merely held by the card too.
 */
static void slow_job_release(int fd, struct timespec *ts, uint32_t ms,
			     int64_t started)
{
	int64_t now;

	while (igt_nsec_elapsed(ts) < ms * MSEC)
		usleep(10000);
	now = igt_metis_jobs_started(fd);
	igt_assert_f(now >= 0, "metis debugfs queues missing or in an unknown format\n");
	igt_assert_f(now == started,
		     "%" PRId64 " jobs started while the first was held, want 1\n",
		     now - started + 1);
	igt_metis_hold(false);
}

/*
 * Explicit dependency: job A is a 300 ms NOP on its own buffer signalling a
 * syncobj; job B, an upload on unrelated buffers, waits for it.  Without
 * the dependency B would finish within milliseconds.  With @cross, B is
 * another client's, waiting on the syncobj shared as an fd.  On the card
 * as published A is an upload the card holds for 300 ms (slow_job()).
 */
static void test_syncobj(int fd, bool timeline, bool cross)
{
	struct drm_metis_sync sa = {
		.flags = timeline ? DRM_METIS_SYNC_TIMELINE : 0,
		.point = timeline ? 3 : 0,
	};
	struct drm_metis_sync sb;
	struct drm_metis_job a, b;
	int fd2 = cross ? igt_metis_open() : fd;
	struct timespec ts = {};
	int64_t started = -1;
	bool held;
	uint32_t r1;
	uint64_t ns;
	struct ctx c;

	r1 = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	sa.handle = igt_metis_syncobj_create(fd);
	sb = sa;
	if (cross) {
		int sfd;

		igt_assert_eq(drmSyncobjHandleToFD(fd, sa.handle, &sfd), 0);
		igt_assert_eq(drmSyncobjFDToHandle(fd2, sfd, &sb.handle), 0);
		close(sfd);
	}
	ctx_init(&c, fd2, PAGE * 16);
	igt_metis_pattern(c.host_map, PAGE * 16, 3);

	held = slow_job(fd, &a, r1, 300, 0);
	a.out_syncs = (uintptr_t)&sa;
	a.out_sync_count = 1;
	/* On another read channel than a held A: it would start at once. */
	igt_metis_job_copy(&b, c.card, 0, c.host, 0, PAGE * 16,
			   held ? 1 : DRM_METIS_CHANNEL_ANY);
	b.in_syncs = (uintptr_t)&sb;
	b.in_sync_count = 1;

	igt_nsec_elapsed(&ts);
	if (held)
		started = slow_job_submit(fd, &a);
	else
		igt_metis_submit(fd, &a, 1, 0);
	igt_metis_submit(fd2, &b, 1, 0);
	igt_assert(igt_metis_syncobj_busy(fd, sa.handle, sa.point));
	igt_metis_bo_wait(fd2, c.card, 0, ETIME);
	if (held)
		slow_job_release(fd, &ts, 300, started);
	igt_metis_bo_wait(fd2, c.card, 30 * NSEC_PER_SEC, 0);
	ns = igt_nsec_elapsed(&ts);
	igt_assert_f(ns >= 300 * MSEC, "B finished after %" PRIu64
		     " ms, before A's 300 ms\n", (uint64_t)(ns / MSEC));
	igt_assert_eq(__igt_metis_syncobj_wait(fd, sa.handle, sa.point, 0), 0);
	igt_metis_copy(fd2, c.back, 0, c.card, 0, PAGE * 16,
		       DRM_METIS_CHANNEL_ANY);
	assert_same(c.host_map, c.back_map, PAGE * 16, "B's data");

	ctx_fini(&c);
	if (cross) {
		igt_metis_syncobj_destroy(fd2, sb.handle);
		close(fd2);
	}
	igt_metis_syncobj_destroy(fd, sa.handle);
	if (held)
		igt_metis_bo_close(fd, a.src_handle);
	igt_metis_bo_close(fd, r1);
}

/* Timeline: point 2 waits for point 1 of another syncobj chain. */
static void test_timeline_points(int fd)
{
	struct drm_metis_sync p1 = { .flags = DRM_METIS_SYNC_TIMELINE, .point = 1 };
	struct drm_metis_sync p2 = { .flags = DRM_METIS_SYNC_TIMELINE, .point = 2 };
	struct drm_metis_job j1, j2;
	struct timespec ts = {};
	int64_t started = -1;
	uint32_t r1, r2;
	struct ctx c;
	bool held;

	ctx_init(&c, fd, PAGE);
	p1.handle = p2.handle = igt_metis_syncobj_create(fd);
	r1 = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	r2 = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	held = slow_job(fd, &j1, r1, 200, 0);
	j1.out_syncs = (uintptr_t)&p1;
	j1.out_sync_count = 1;
	if (held)
		/* The card as published: an upload on another read channel. */
		igt_metis_job_copy(&j2, r2, 0, c.host, 0, PAGE, 1);
	else
		igt_metis_job_fw(&j2, DRM_METIS_FW_NOP, r2, 0, PAGE, 0, 1);
	j2.in_syncs = (uintptr_t)&p1;
	j2.in_sync_count = 1;
	j2.out_syncs = (uintptr_t)&p2;
	j2.out_sync_count = 1;
	igt_nsec_elapsed(&ts);
	if (held)
		started = slow_job_submit(fd, &j1);
	else
		igt_metis_submit(fd, &j1, 1, 0);
	igt_metis_submit(fd, &j2, 1, 0);
	igt_assert(igt_metis_syncobj_busy(fd, p1.handle, 2));
	if (held) {
		igt_assert(igt_metis_syncobj_busy(fd, p1.handle, 1));
		slow_job_release(fd, &ts, 200, started);
	}
	igt_assert_eq(__igt_metis_syncobj_wait(fd, p1.handle, 2, 30 * NSEC_PER_SEC), 0);
	igt_assert_eq(__igt_metis_syncobj_wait(fd, p1.handle, 1, 0), 0);
	igt_metis_bo_wait(fd, r2, 0, 0);
	if (held)
		igt_metis_bo_close(fd, j1.src_handle);
	igt_metis_bo_close(fd, r1);
	igt_metis_bo_close(fd, r2);
	igt_metis_syncobj_destroy(fd, p1.handle);
	ctx_fini(&c);
}

/* Firmware commands, verified against the host's own computation. */
static void fw_check(int fd, uint32_t op, uint32_t context, uint64_t size,
		     uint64_t off, uint32_t param)
{
	uint64_t span = off + size + 64;
	uint32_t res = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	uint64_t *rm = igt_metis_bo_mmap(fd, res, PAGE);
	struct drm_metis_job job;
	uint8_t *want;
	uint64_t expect = 0;
	struct ctx c;

	ctx_init(&c, fd, span);
	igt_metis_pattern(c.host_map, span, op * 7 + context);
	want = malloc(span);
	memcpy(want, c.host_map, span);
	igt_metis_copy(fd, c.card, 0, c.host, 0, span, DRM_METIS_CHANNEL_ANY);
	for (uint64_t i = off; i + 4 <= off + size; i += 4) {
		uint32_t w;

		memcpy(&w, want + i, 4);
		if (op == DRM_METIS_FW_XOR32)
			w = htole32(le32toh(w) ^ param);
		else if (op == DRM_METIS_FW_FILL32)
			w = htole32(param);
		memcpy(want + i, &w, 4);
	}
	if (op == DRM_METIS_FW_CRC32 || op == DRM_METIS_FW_XOR32)
		expect = igt_metis_crc32(0, want + off, size);
	rm[0] = 0xdeadbeefdeadbeefull;
	rm[1] = 0x5555555555555555ull;
	igt_metis_job_fw(&job, op, c.card, off, size, param, context);
	job.result_handle = res;
	job.result_offset = 8;
	igt_metis_run(fd, &job, 1, 0);
	igt_metis_bo_wait(fd, res, 10 * NSEC_PER_SEC, 0);
	igt_assert_eq_u64(le64toh(rm[1]), expect);
	igt_assert_eq_u64(rm[0], 0xdeadbeefdeadbeefull);
	igt_metis_copy(fd, c.back, 0, c.card, 0, span, DRM_METIS_CHANNEL_ANY);
	assert_same(want, c.back_map, span, "region after the command");
	free(want);
	munmap(rm, PAGE);
	igt_metis_bo_close(fd, res);
	ctx_fini(&c);
}

static void test_fw_ops(int fd)
{
	static const char *const names[] = { "nop", "crc32", "xor32", "fill32" };

	igt_require_metis_fw(fd);
	for (uint32_t op = 0; op < 4; op++)
		for (uint32_t ctx = 0; ctx < 4; ctx++)
			igt_dynamic_f("%s-context-%u", names[op], ctx)
				fw_check(fd, op, ctx, 64 * 1024 + 4 * ctx,
					 4 * op, 0xa5a5f00f ^ ctx);
}

static void test_fw_sizes(int fd)
{
	static const uint64_t sizes[] = { 4, 8, 1020, 4096, 65540, 1 << 20 };

	igt_require_metis_fw(fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++)
		igt_dynamic_f("size-%" PRIu64, sizes[i]) {
			fw_check(fd, DRM_METIS_FW_CRC32, DRM_METIS_CHANNEL_ANY,
				 sizes[i], i * 4, 0);
			fw_check(fd, DRM_METIS_FW_XOR32, DRM_METIS_CHANNEL_ANY,
				 sizes[i], i * 8, 0x01020304);
			fw_check(fd, DRM_METIS_FW_FILL32, DRM_METIS_CHANNEL_ANY,
				 sizes[i], 4, 0xfeedface);
		}
	/* CRC32 takes any length, not only multiples of 4. */
	igt_dynamic("crc32-odd-length")
		fw_check(fd, DRM_METIS_FW_CRC32, 0, 4097, 3, 0);
}

/* Four 300 ms commands on four contexts overlap. */
static void test_fw_contexts_parallel(int fd)
{
	struct drm_metis_job jobs[4];
	uint32_t r[4];
	struct timespec ts = {};
	uint64_t ns;

	igt_require_metis_fw(fd);
	for (int i = 0; i < 4; i++) {
		r[i] = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
		igt_metis_job_fw(&jobs[i], DRM_METIS_FW_NOP, r[i], 0, PAGE, 0, i);
		jobs[i].duration_us = 300000;
	}
	igt_nsec_elapsed(&ts);
	igt_metis_submit(fd, jobs, 4, 0);
	for (int i = 0; i < 4; i++)
		igt_metis_bo_wait(fd, r[i], 30 * NSEC_PER_SEC, 0);
	ns = igt_nsec_elapsed(&ts);
	igt_info("measured: 4 x 300 ms on 4 contexts in %" PRIu64
		 " ms (bound 1000 ms)\n", ns / 1000000);
	igt_assert_lte_u64(300 * 1000000ull, ns);
	igt_assert_f(ns < 1000 * 1000000ull, "contexts did not overlap\n");
	for (int i = 0; i < 4; i++)
		igt_metis_bo_close(fd, r[i]);
}

/*
 * The card as published has no firmware of ours: every firmware job is
 * refused with EOPNOTSUPP at SUBMIT and loses nothing.  The region keeps
 * its contents, the result buffer is not written, a submission stops at
 * the firmware job (the copy before it runs, the one after it is not
 * queued), no reset happens, and the next DMA jobs run.
 */
static void test_fw_refused(int fd)
{
	static const uint32_t ops[] = {
		DRM_METIS_FW_NOP, DRM_METIS_FW_CRC32, DRM_METIS_FW_XOR32,
		DRM_METIS_FW_FILL32,
	};
	const uint64_t sz = 64 * 1024;
	uint64_t resets = igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT);
	uint32_t res = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	uint64_t *rm = igt_metis_bo_mmap(fd, res, PAGE);
	uint32_t d2 = igt_metis_bo_create(fd, sz, DRM_METIS_BO_DEVICE, 0);
	struct drm_metis_job jobs[3];
	uint8_t *want = malloc(sz);
	uint64_t state;
	struct ctx c;

	igt_require_f(!igt_metis_has_fw(fd),
		      "the card runs our firmware: its jobs run (fw-commands)\n");
	ctx_init(&c, fd, sz);
	igt_metis_pattern(c.host_map, sz, 61);
	memcpy(want, c.host_map, sz);
	igt_metis_copy(fd, c.card, 0, c.host, 0, sz, DRM_METIS_CHANNEL_ANY);
	rm[0] = 0xdeadbeefdeadbeefull;

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		for (uint32_t ctx = 0; ctx < 5; ctx++) {
			igt_metis_job_fw(&jobs[0], ops[i], c.card, 0, sz, 0xffffffff,
					 ctx < 4 ? ctx : DRM_METIS_CHANNEL_ANY);
			jobs[0].result_handle = res;
			jobs[0].duration_us = 1000;
			igt_assert_f(__igt_metis_submit(fd, jobs, 1) == -EOPNOTSUPP,
				     "firmware opcode %u on context %u not refused with EOPNOTSUPP\n",
				     ops[i], ctx);
		}
	}

	/* A copy, a firmware job, a copy: only the first runs. */
	igt_metis_pattern(c.host_map, sz, 62);
	igt_metis_job_copy(&jobs[0], d2, 0, c.host, 0, sz, DRM_METIS_CHANNEL_ANY);
	igt_metis_job_fw(&jobs[1], DRM_METIS_FW_XOR32, c.card, 0, sz, 0xffffffff,
			 DRM_METIS_CHANNEL_ANY);
	igt_metis_job_copy(&jobs[2], c.card, 0, c.host, 0, sz, DRM_METIS_CHANNEL_ANY);
	igt_assert_eq(__igt_metis_submit(fd, jobs, 3), -EOPNOTSUPP);
	igt_metis_bo_wait(fd, d2, 30 * NSEC_PER_SEC, 0);
	igt_metis_bo_wait(fd, c.card, 30 * NSEC_PER_SEC, 0);

	/* Nothing lost: the region as uploaded, the copy before it done. */
	memset(c.back_map, 0, sz);
	igt_metis_copy(fd, c.back, 0, c.card, 0, sz, DRM_METIS_CHANNEL_ANY);
	assert_same(want, c.back_map, sz, "region after refused firmware jobs");
	memset(c.back_map, 0, sz);
	igt_metis_copy(fd, c.back, 0, d2, 0, sz, DRM_METIS_CHANNEL_ANY);
	assert_same(c.host_map, c.back_map, sz, "the copy submitted before the refused job");
	igt_assert_eq_u64(rm[0], 0xdeadbeefdeadbeefull);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT), resets);
	state = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_STATE);
	igt_assert(state == DRM_METIS_STATE_READY || state == DRM_METIS_STATE_SUSPENDED);

	/* And DMA goes on: a new round trip on every channel. */
	for (uint32_t ch = 0; ch < 4; ch++) {
		igt_metis_pattern(c.host_map, sz, 70 + ch);
		memset(c.back_map, 0, sz);
		igt_metis_copy(fd, c.card, 0, c.host, 0, sz, ch);
		igt_metis_copy(fd, c.back, 0, c.card, 0, sz, 3 - ch);
		assert_same(c.host_map, c.back_map, sz, "round trip after the refusals");
	}
	free(want);
	munmap(rm, PAGE);
	igt_metis_bo_close(fd, res);
	igt_metis_bo_close(fd, d2);
	ctx_fini(&c);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = igt_metis_open();
		igt_install_exit_handler(igt_metis_clear_faults);
	}

	igt_describe("Every bad SUBMIT argument gives its errno and queues nothing.");
	igt_subtest_with_dynamic("submit-bad")
		test_submit_bad(fd);

	igt_describe("The first bad job stops a submission; earlier ones run.");
	igt_subtest("submit-partial")
		test_submit_partial(fd);

	igt_describe("A larger job stride with a zero tail is accepted.");
	igt_subtest("submit-stride")
		test_submit_stride(fd);

	igt_describe("Round trips of many sizes and alignments, byte for byte, "
		     "with the bytes around each region checked.");
	igt_subtest_with_dynamic("dma-sizes")
		test_dma_sizes(fd);

	igt_describe("Round trips on each of the 4 read and 4 write channels.");
	igt_subtest_with_dynamic("dma-channels")
		test_dma_channels(fd);

	igt_describe("All channels of both directions busy at once.");
	igt_subtest("dma-parallel")
		test_dma_parallel(fd);

	igt_describe("A 32 MiB round trip.");
	igt_subtest("dma-large")
		test_dma_large(fd);

	igt_describe("Many jobs in one submission, each its own chunk.");
	igt_subtest("many-jobs")
		test_many_jobs(fd);

	igt_describe("Jobs on one buffer run in submission order.");
	igt_subtest("order")
		test_order(fd);

	igt_describe("Four clients doing verified round trips at once.");
	igt_subtest("concurrent-clients")
		test_concurrent(4);

	igt_describe("A job waits for a binary syncobj signalled by another job.");
	igt_subtest("syncobj-binary")
		test_syncobj(fd, false, false);

	igt_describe("A job waits for a timeline point signalled by another job.");
	igt_subtest("syncobj-timeline")
		test_syncobj(fd, true, false);

	igt_describe("Timeline points signal in order across jobs.");
	igt_subtest("syncobj-timeline-points")
		test_timeline_points(fd);

	igt_describe("A client's job waits for another client's shared syncobj.");
	igt_subtest("syncobj-cross-client")
		test_syncobj(fd, false, true);

	igt_describe("Each firmware command on each context, results verified.");
	igt_subtest_with_dynamic("fw-commands")
		test_fw_ops(fd);

	igt_describe("Firmware commands on regions of many sizes and offsets.");
	igt_subtest_with_dynamic("fw-sizes")
		test_fw_sizes(fd);

	igt_describe("Commands on the four contexts run in parallel.");
	igt_subtest("fw-contexts-parallel")
		test_fw_contexts_parallel(fd);

	igt_describe("On the card as published (no firmware of ours) every "
		     "firmware job is refused with EOPNOTSUPP and loses nothing: "
		     "buffers keep their contents, the next DMA jobs run.");
	igt_subtest("fw-refused")
		test_fw_refused(fd);

	igt_fixture
		close(fd);
}
