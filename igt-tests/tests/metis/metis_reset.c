// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 */

/**
 * TEST: metis reset
 * Category: Core
 * Description: Hang recovery of the metis accel driver.  Hangs are made by
 *	the emulated card's fault injection (QMP qom-set of
 *	fault-drop-completions, fault-fw-boot-fail) through the test bed's
 *	host request channel.  The guilty job ends with an error, innocent
 *	jobs complete with correct data, the reset counter moves, and the
 *	timings follow IGT's gem_eio bounds: the reset completes within 2 s,
 *	waiters wake within 250 ms (median) of it.  On the card exactly as
 *	published (no firmware of ours) only the DMA hang applies; the
 *	others skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_metis.h"

#define PAGE 4096ull
#define MSEC ((uint64_t)1000000)
#define SZ (256 * 1024ull)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Watches the reset counter and the state from another thread. */
struct watch {
	int fd;
	uint64_t base;
	volatile bool stop;
	volatile uint64_t t_detect, t_ready;
	pthread_t thread;
};

static void *watch_fn(void *arg)
{
	struct watch *w = arg;
	uint64_t v;

	while (!w->stop && !w->t_ready) {
		/*
		 * The reset starts when the device says RESETTING (the count
		 * moves only once it is done): else the bound measures
		 * nothing.
		 */
		if (!w->t_detect &&
		    ((!__igt_metis_get_param(w->fd, DRM_METIS_PARAM_DEVICE_STATE, 0, &v) &&
		      v == DRM_METIS_STATE_RESETTING) ||
		     (!__igt_metis_get_param(w->fd, DRM_METIS_PARAM_RESET_COUNT, 0, &v) &&
		      v > w->base)))
			w->t_detect = now_ns();
		if (w->t_detect &&
		    !__igt_metis_get_param(w->fd, DRM_METIS_PARAM_DEVICE_STATE, 0, &v) &&
		    v == DRM_METIS_STATE_READY)
			w->t_ready = now_ns();
		usleep(500);
	}
	return NULL;
}

/* A thread blocked on a syncobj; records when it woke. */
struct waiter {
	int fd;
	uint32_t syncobj;
	int ret;
	uint64_t t_wake;
	pthread_t thread;
};

static void *wait_fn(void *arg)
{
	struct waiter *w = arg;

	w->ret = __igt_metis_syncobj_wait(w->fd, w->syncobj, 0, 60 * NSEC_PER_SEC);
	w->t_wake = now_ns();
	return NULL;
}

struct bufs {
	uint32_t host, card, back;
	uint8_t *hm, *bm;
};

static void bufs_init(int fd, struct bufs *b, uint32_t seed)
{
	b->host = igt_metis_bo_create(fd, SZ, DRM_METIS_BO_HOST, 0);
	b->back = igt_metis_bo_create(fd, SZ, DRM_METIS_BO_HOST, 0);
	b->card = igt_metis_bo_create(fd, SZ, DRM_METIS_BO_DEVICE, 0);
	b->hm = igt_metis_bo_mmap(fd, b->host, SZ);
	b->bm = igt_metis_bo_mmap(fd, b->back, SZ);
	igt_metis_pattern(b->hm, SZ, seed);
}

static void bufs_fini(int fd, struct bufs *b)
{
	munmap(b->hm, SZ);
	munmap(b->bm, SZ);
	igt_metis_bo_close(fd, b->host);
	igt_metis_bo_close(fd, b->back);
	igt_metis_bo_close(fd, b->card);
}

static void verify_card(int fd, struct bufs *b, uint32_t channel)
{
	memset(b->bm, 0, SZ);
	igt_metis_copy(fd, b->back, 0, b->card, 0, SZ, channel);
	igt_assert_eq_u64(igt_metis_first_diff(b->hm, b->bm, SZ), SZ);
}

/* Every channel moves data correctly. */
static void check_all_channels(int fd)
{
	struct bufs b;

	bufs_init(fd, &b, 1234);
	for (uint32_t c = 0; c < 4; c++) {
		igt_metis_pattern(b.hm, SZ, 1234 + c);
		igt_metis_copy(fd, b.card, 0, b.host, 0, SZ, c);
		verify_card(fd, &b, c);
	}
	bufs_fini(fd, &b);
}

/* The PCI device's runtime PM usage count (CONFIG_PM_ADVANCED_DEBUG). */
static int rpm_usage(const char *pci)
{
	char path[160], buf[32] = "";
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_usage", pci);
	f = open(path, O_RDONLY);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	return n > 0 ? atoi(buf) : -1;
}

/*
 * Every reference a job, an error or a reset path took is given back: the
 * usage count returns to what it was before (jobs are freed by a work
 * item, so it may take a moment).
 */
static void check_rpm_balanced(const char *pci, int base)
{
	int now;

	if (base < 0) {
		igt_info("runtime PM usage not checked: no power/runtime_usage (CONFIG_PM_ADVANCED_DEBUG)\n");
		return;
	}
	now = rpm_usage(pci);

	for (int i = 0; i < 100 && now != base; i++) {
		usleep(50000);
		now = rpm_usage(pci);
	}
	igt_info("measured: runtime PM usage %d, %d before\n", now, base);
	igt_assert_f(now == base, "runtime PM usage count %d, was %d before\n",
		     now, base);
}

static int rpm_usage_base(int fd, char *pci, size_t len)
{
	int base;

	igt_assert(igt_metis_pci_address(fd, pci, len));
	base = rpm_usage(pci);
	/* Every test-bed kernel has it; elsewhere only the check goes. */
	if (base < 0)
		igt_info("no power/runtime_usage (CONFIG_PM_ADVANCED_DEBUG)\n");
	return base;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * One hang: job A (guilty: its completion is dropped) then job B queued
 * behind it on the same channel or context.  Returns the wake latencies.
 */
static void hang_once(int fd, bool fw, uint64_t *lat_a, uint64_t *lat_b)
{
	struct drm_metis_sync sa = {}, sb = {};
	struct waiter wa = { .fd = fd }, wb = { .fd = fd };
	struct watch w = { .fd = fd };
	struct drm_metis_job a, b;
	struct bufs ga, gb;
	uint32_t res = 0;
	uint64_t *rm = NULL, t0;

	bufs_init(fd, &ga, 1);
	bufs_init(fd, &gb, 2);
	/* B's source data is on the card before the hang. */
	igt_metis_copy(fd, gb.card, 0, gb.host, 0, SZ, 1);

	if (fw) {
		res = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
		rm = igt_metis_bo_mmap(fd, res, PAGE);
		/* A writing command, so that its buffer carries the error. */
		igt_metis_job_fw(&a, DRM_METIS_FW_FILL32, ga.card, 0, SZ, 0, 0);
		igt_metis_job_fw(&b, DRM_METIS_FW_CRC32, gb.card, 0, SZ, 0, 0);
		b.result_handle = res;
	} else {
		igt_metis_job_copy(&a, ga.card, 0, ga.host, 0, SZ, 0);
		/* New data, so that B's effect is visible. */
		igt_metis_pattern(gb.hm, SZ, 3);
		igt_metis_job_copy(&b, gb.card, 0, gb.host, 0, SZ, 0);
	}
	sa.handle = wa.syncobj = igt_metis_syncobj_create(fd);
	sb.handle = wb.syncobj = igt_metis_syncobj_create(fd);
	a.out_syncs = (uintptr_t)&sa;
	a.out_sync_count = 1;
	b.out_syncs = (uintptr_t)&sb;
	b.out_sync_count = 1;

	w.base = igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT);
	igt_metis_fault_set("fault-drop-completions", 1);
	t0 = now_ns();
	igt_metis_submit(fd, &a, 1, 0);
	igt_metis_submit(fd, &b, 1, 0);
	igt_assert(pthread_create(&w.thread, NULL, watch_fn, &w) == 0);
	igt_assert(pthread_create(&wa.thread, NULL, wait_fn, &wa) == 0);
	igt_assert(pthread_create(&wb.thread, NULL, wait_fn, &wb) == 0);
	pthread_join(wa.thread, NULL);
	pthread_join(wb.thread, NULL);
	/* Give the watcher time to see READY if the waiters were faster. */
	for (int i = 0; i < 4000 && !w.t_ready; i++)
		usleep(500);
	w.stop = true;
	pthread_join(w.thread, NULL);
	igt_metis_fault_set("fault-drop-completions", 0);

	igt_assert_eq(wa.ret, 0);
	igt_assert_eq(wb.ret, 0);
	igt_assert_f(w.t_detect, "neither RESETTING nor a new reset count was seen\n");
	igt_assert_f(w.t_ready, "the card did not come back to READY\n");
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT),
			  w.base + 1);
	igt_info("hang detected %" PRIu64 " ms after submit, ready %" PRIu64
		 " ms later; guilty woke at %+" PRId64 " ms, innocent at %+" PRId64
		 " ms of ready\n", (w.t_detect - t0) / MSEC,
		 (w.t_ready - w.t_detect) / MSEC,
		 ((int64_t)wa.t_wake - (int64_t)w.t_ready) / (int64_t)MSEC,
		 ((int64_t)wb.t_wake - (int64_t)w.t_ready) / (int64_t)MSEC);
	igt_info("measured: reset in %" PRIu64 " ms (bound 2000 ms)\n",
		 (w.t_ready - w.t_detect) / MSEC);
	igt_assert_f(w.t_ready - w.t_detect <= 2000 * MSEC,
		     "reset took %" PRIu64 " ms\n", (w.t_ready - w.t_detect) / MSEC);

	/* Guilty: its buffer reports the failure.  Innocent: done, right. */
	igt_metis_bo_wait(fd, ga.card, 0, EIO);
	igt_metis_bo_wait(fd, gb.card, 0, 0);
	if (fw) {
		igt_metis_bo_wait(fd, res, 0, 0);
		igt_assert_eq_u64(le64toh(rm[0]), igt_metis_crc32(0, gb.hm, SZ));
		munmap(rm, PAGE);
		igt_metis_bo_close(fd, res);
	} else {
		verify_card(fd, &gb, 2);
	}
	*lat_a = wa.t_wake > w.t_ready ? wa.t_wake - w.t_ready : 0;
	*lat_b = wb.t_wake > w.t_ready ? wb.t_wake - w.t_ready : 0;
	igt_metis_syncobj_destroy(fd, sa.handle);
	igt_metis_syncobj_destroy(fd, sb.handle);
	bufs_fini(fd, &ga);
	bufs_fini(fd, &gb);
}

static void test_hang(int fd, bool fw)
{
	uint64_t la[3], lb[3];
	char pci[64];
	int base;

	if (fw)
		igt_require_metis_fw(fd);
	igt_require_metis_qmp();
	base = rpm_usage_base(fd, pci, sizeof(pci));
	igt_metis_set_timeout(300, "hang recovery");
	for (int i = 0; i < 3; i++)
		hang_once(fd, fw, &la[i], &lb[i]);
	qsort(la, 3, sizeof(la[0]), cmp_u64);
	qsort(lb, 3, sizeof(lb[0]), cmp_u64);
	igt_info("measured: median wake after ready: guilty %" PRIu64
		 " ms, innocent %" PRIu64 " ms (bound 250 ms)\n",
		 la[1] / MSEC, lb[1] / MSEC);
	igt_assert_f(la[1] <= 250 * MSEC, "guilty waiters woke late\n");
	igt_assert_f(lb[1] <= 250 * MSEC, "innocent waiters woke late\n");
	check_all_channels(fd);
	check_rpm_balanced(pci, base);
	igt_reset_timeout();
}

/*
 * Another client's work survives a hang it did not cause.  Its firmware
 * command (XOR32, 8 s, context 2) is already running when the fault is
 * armed, so the dropped completion is ours; the reset interrupts its
 * command, which must then run again exactly once (XOR applied once).
 */
static void test_hang_other_client(int fd)
{
	uint64_t la, lb;
	int sync[2];
	char c;

	igt_require_metis_fw(fd);
	igt_require_metis_qmp();
	igt_metis_set_timeout(300, "hang recovery");
	igt_assert_eq(pipe(sync), 0);
	igt_fork(child, 1) {
		int fd2 = igt_metis_open();
		struct drm_metis_job jobs[2];
		struct bufs b;

		bufs_init(fd2, &b, 77);
		igt_metis_copy(fd2, b.card, 0, b.host, 0, SZ, 2);
		igt_metis_job_fw(&jobs[0], DRM_METIS_FW_XOR32, b.card, 0, SZ,
				 0x5a5a5a5a, 2);
		jobs[0].duration_us = 8000000;
		igt_metis_job_copy(&jobs[1], b.back, 0, b.card, 0, SZ, 3);
		igt_metis_submit(fd2, jobs, 2, 0);
		igt_assert_eq(write(sync[1], "s", 1), 1);
		igt_metis_bo_wait(fd2, b.back, 60 * NSEC_PER_SEC, 0);
		for (uint64_t i = 0; i < SZ; i++)
			igt_assert_f(b.bm[i] == (b.hm[i] ^ 0x5a),
				     "innocent client's data wrong at %" PRIu64 "\n", i);
		/* And it keeps working. */
		igt_metis_pattern(b.hm, SZ, 78);
		igt_metis_copy(fd2, b.card, 0, b.host, 0, SZ, 2);
		verify_card(fd2, &b, 3);
		bufs_fini(fd2, &b);
		close(fd2);
	}
	igt_assert_eq(read(sync[0], &c, 1), 1);
	usleep(200000);
	hang_once(fd, false, &la, &lb);
	igt_waitchildren();
	close(sync[0]);
	close(sync[1]);
	igt_reset_timeout();
}

static int driver_dir(int fd, char *pci, size_t len)
{
	igt_assert(igt_metis_pci_address(fd, pci, len));
	return open("/sys/bus/pci/drivers/metis", O_RDONLY | O_DIRECTORY);
}

static void sysfs_write(int dir, const char *file, const char *val)
{
	int f = openat(dir, file, O_WRONLY);

	igt_assert_fd(f);
	igt_assert_eq(write(f, val, strlen(val)), (int)strlen(val));
	close(f);
}

/*
 * The firmware fails to boot during recovery: the device reports the error
 * state and the firmware error, jobs fail with EIO instead of hanging, and
 * unbind + bind brings the card back.
 */
static void test_fw_boot_fail(int fd)
{
	int drv;
	struct drm_metis_job job;
	struct bufs b;
	char pci[64];

	igt_require_metis_fw(fd);
	igt_require_metis_qmp();
	igt_emit_ignore_dmesg_regex("firmware boot failed|did not recover|injected");
	drv = driver_dir(fd, pci, sizeof(pci));
	igt_require_f(drv >= 0, "no /sys/bus/pci/drivers/metis\n");
	igt_metis_set_timeout(300, "firmware boot failure");
	bufs_init(fd, &b, 9);

	igt_metis_fault_set("fault-fw-boot-fail", 1000);
	igt_metis_fault_set("fault-drop-completions", 1);
	igt_metis_job_copy(&job, b.card, 0, b.host, 0, SZ, 0);
	igt_metis_submit(fd, &job, 1, 0);
	igt_metis_bo_wait(fd, b.card, 60 * NSEC_PER_SEC, EIO);
	igt_metis_fault_set("fault-drop-completions", 0);
	igt_assert_eq_u64(igt_metis_wait_state(fd, DRM_METIS_STATE_ERROR, 10),
			  DRM_METIS_STATE_ERROR);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_FW_ERROR), 7);
	/* New work fails at once rather than hanging. */
	igt_metis_job_copy(&job, b.card, 0, b.host, 0, SZ, 1);
	igt_metis_submit(fd, &job, 1, EIO);
	bufs_fini(fd, &b);
	igt_metis_fault_set("fault-fw-boot-fail", 0);

	/* Recovery: rebind the driver; the old file sees the card gone. */
	sysfs_write(drv, "unbind", pci);
	igt_assert_eq(__igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_ID, 0, NULL),
		      -ENODEV);
	close(fd);
	sysfs_write(drv, "bind", pci);
	close(drv);
	igt_metis_reopen_as(fd, 30);
	/* Ready, not merely runtime-suspended: the firmware booted again. */
	igt_assert_eq_u64(igt_metis_wait_state(fd, DRM_METIS_STATE_READY, 30),
			  DRM_METIS_STATE_READY);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_FW_ERROR), 0);
	check_all_channels(fd);
	igt_reset_timeout();
}

/* Writes the debugfs reset file from another thread. */
struct resetter {
	int f, err;
	ssize_t ret;
	pthread_t thread;
};

static void *reset_fn(void *arg)
{
	struct resetter *r = arg;

	r->ret = write(r->f, "1", 1);
	r->err = errno;
	return NULL;
}

/*
 * A reset asked for through debugfs, which needs no fault of the card's:
 * every job queued or running on any channel is innocent, runs again after
 * the reset and completes with its data, and every runtime PM reference
 * taken is given back. The card holds its transfers until the reset has
 * begun (the device reports RESETTING), so that jobs are in flight when it
 * comes; the reset's own transfers need the hold released.
 */
static void test_debugfs_reset(int fd)
{
	struct drm_metis_job jobs[4][4];
	struct resetter r = {};
	struct bufs b[4];
	uint64_t resets, state = ~0ull, t0;
	int64_t started;
	char pci[64], path[192];
	int base;

	igt_require_metis_qmp();
	base = rpm_usage_base(fd, pci, sizeof(pci));
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/reset", pci);
	r.f = open(path, O_WRONLY);
	igt_require_f(r.f >= 0, "no debugfs reset file (%s)\n", path);
	igt_metis_set_timeout(300, "debugfs reset");
	for (uint32_t c = 0; c < 4; c++)
		bufs_init(fd, &b[c], 40 + c);
	resets = igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT);
	started = igt_metis_jobs_started(fd);
	igt_assert_f(started >= 0, "metis debugfs queues missing or in an unknown format\n");

	igt_metis_hold(true);
	for (uint32_t c = 0; c < 4; c++) {
		/* Four writes of the card buffer; the last one's data stays. */
		for (int k = 0; k < 4; k++)
			igt_metis_job_copy(&jobs[c][k], b[c].card, 0, b[c].host, 0,
					   SZ, c);
		igt_metis_submit(fd, jobs[c], 4, 0);
	}
	/* Each channel's first job on the card, the rest behind it. */
	for (int i = 0; i < 1000 && igt_metis_jobs_started(fd) - started < 4; i++)
		usleep(5000);
	igt_assert_f(igt_metis_jobs_started(fd) - started == 4,
		     "%" PRId64 " jobs started on the card, 4 expected (one a channel)\n",
		     igt_metis_jobs_started(fd) - started);
	for (uint32_t c = 0; c < 4; c++)
		igt_assert_f(__igt_metis_bo_wait(fd, b[c].card, 0, 0) == -ETIME,
			     "channel %u's jobs not held by the card\n", c);
	igt_assert(pthread_create(&r.thread, NULL, reset_fn, &r) == 0);
	/*
	 * Well within the job timeout (a timeout's reset would say
	 * RESETTING too) and the reset's own save of card memory, which
	 * the hold keeps waiting until it is released (5 s).
	 */
	t0 = now_ns();
	while (state != DRM_METIS_STATE_RESETTING && now_ns() - t0 < 3000 * MSEC) {
		state = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_STATE);
		usleep(500);
	}
	igt_metis_hold(false);
	igt_info("measured: hold released %" PRIu64 " ms after the reset was asked for\n",
		 (now_ns() - t0) / MSEC);
	pthread_join(r.thread, NULL);
	close(r.f);
	igt_assert_f(state == DRM_METIS_STATE_RESETTING,
		     "the device did not report RESETTING within 3 s (state %" PRIu64 ")\n",
		     state);
	igt_assert_f(r.ret == 1, "debugfs reset failed: %s\n", strerror(r.err));

	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_RESET_COUNT),
			  resets + 1);
	for (uint32_t c = 0; c < 4; c++)
		igt_metis_bo_wait(fd, b[c].card, 60 * NSEC_PER_SEC, 0);
	started = igt_metis_jobs_started(fd) - started;
	igt_info("measured: %" PRId64 " starts for 16 jobs\n", started);
	igt_assert_f(started == 20, "%" PRId64 " starts for 16 jobs, 20 expected: "
		     "the 4 on the card before the reset, then all 16\n", started);
	for (uint32_t c = 0; c < 4; c++) {
		verify_card(fd, &b[c], c);
		bufs_fini(fd, &b[c]);
	}
	check_rpm_balanced(pci, base);
	check_all_channels(fd);
	check_rpm_balanced(pci, base);
	igt_reset_timeout();
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = igt_metis_open();
		igt_install_exit_handler(igt_metis_clear_faults);
	}

	igt_describe("A hung DMA copy: guilty fails, queued innocent completes, "
		     "reset within 2 s, waiters wake within 250 ms.");
	igt_subtest("hang-copy")
		test_hang(fd, false);

	igt_describe("The same with a hung firmware command.");
	igt_subtest("hang-fw")
		test_hang(fd, true);

	igt_describe("Another client's work survives a hang it did not cause.");
	igt_subtest("hang-other-client")
		test_hang_other_client(fd);

	igt_describe("A reset through debugfs with jobs held on every channel: "
		     "all run again and complete with their data; runtime PM "
		     "usage balanced.");
	igt_subtest("debugfs-reset")
		test_debugfs_reset(fd);

	igt_describe("Firmware that fails to boot during recovery: error state, "
		     "EIO, and a rebind brings the card back.");
	igt_subtest("fw-boot-fail")
		test_fw_boot_fail(fd);

	igt_fixture
		close(fd);
}
