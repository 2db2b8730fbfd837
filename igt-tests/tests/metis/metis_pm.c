// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 */

/**
 * TEST: metis pm
 * Category: Core
 * Description: The metis card across system suspend (s2idle, S3, S4 test
 *	points) and runtime suspend: what a client uploaded to on-card memory
 *	survives, jobs in flight at the moment of suspend complete once with
 *	the right data, hangs and firmware failures around a suspend end in a
 *	working or a reported error state.  Built on
 *	igt_system_suspend_autoresume(), like IGT's gem_exec_suspend.  On
 *	the card exactly as published (no firmware of ours: CONTEXTS = 0)
 *	the card's contents are verified by DMA readback alone and the jobs
 *	in flight are chains of DMA copies; firmware-only subtests skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_metis.h"

#define PAGE 4096ull
#define MODEL_SIZE (2ull << 20)

/* The user's scenario: a "model binary" on the card and a job using it. */
struct model {
	int fd;
	uint32_t card, host, back, res;
	uint8_t *hm, *bm;
	uint64_t *rm;
	uint32_t crc;
	bool fw;	/* the card runs our firmware: the CRC32 job too */
};

static void model_load(int fd, struct model *m, uint32_t seed)
{
	m->fd = fd;
	m->fw = igt_metis_has_fw(fd);
	m->card = igt_metis_bo_create(fd, MODEL_SIZE, DRM_METIS_BO_DEVICE, 0);
	m->host = igt_metis_bo_create(fd, MODEL_SIZE, DRM_METIS_BO_HOST, 0);
	m->back = igt_metis_bo_create(fd, MODEL_SIZE, DRM_METIS_BO_HOST, 0);
	m->res = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	m->hm = igt_metis_bo_mmap(fd, m->host, MODEL_SIZE);
	m->bm = igt_metis_bo_mmap(fd, m->back, MODEL_SIZE);
	m->rm = igt_metis_bo_mmap(fd, m->res, PAGE);
	igt_metis_pattern(m->hm, MODEL_SIZE, seed);
	m->crc = igt_metis_crc32(0, m->hm, MODEL_SIZE);
	igt_metis_copy(fd, m->card, 0, m->host, 0, MODEL_SIZE, DRM_METIS_CHANNEL_ANY);
}

/*
 * The job: CRC32 of the model on the card, then the bytes back.  On the
 * card as published the bytes read back by DMA are the whole check.
 */
static void model_run(struct model *m)
{
	struct drm_metis_job job;

	if (!m->fw)
		goto readback;
	m->rm[0] = 0;
	igt_metis_job_fw(&job, DRM_METIS_FW_CRC32, m->card, 0, MODEL_SIZE, 0,
			 DRM_METIS_CHANNEL_ANY);
	job.result_handle = m->res;
	igt_metis_run(m->fd, &job, 1, 0);
	igt_metis_bo_wait(m->fd, m->res, 10 * NSEC_PER_SEC, 0);
	igt_assert_eq_u64(le64toh(m->rm[0]), m->crc);
readback:
	memset(m->bm, 0, MODEL_SIZE);
	igt_metis_copy(m->fd, m->back, 0, m->card, 0, MODEL_SIZE, DRM_METIS_CHANNEL_ANY);
	igt_assert_eq_u64(igt_metis_first_diff(m->hm, m->bm, MODEL_SIZE), MODEL_SIZE);
}

static void model_free(struct model *m)
{
	munmap(m->hm, MODEL_SIZE);
	munmap(m->bm, MODEL_SIZE);
	munmap(m->rm, PAGE);
	igt_metis_bo_close(m->fd, m->card);
	igt_metis_bo_close(m->fd, m->host);
	igt_metis_bo_close(m->fd, m->back);
	igt_metis_bo_close(m->fd, m->res);
}

/*
 * s2idle does not wake on the RTC alarm under QEMU (Documentation/
 * testbed.md): ask the host for a byte on the wake-enabled serial port.
 */
static void arm_wake(enum igt_suspend_state state, enum igt_suspend_test test)
{
	int fd;

	if (state != SUSPEND_STATE_FREEZE || test != SUSPEND_TEST_NONE)
		return;
	igt_require_metis_qmp();
	fd = open("/sys/class/tty/ttyS0/power/wakeup", O_WRONLY);
	igt_require_f(fd >= 0, "ttyS0 cannot wake the system\n");
	igt_assert_eq(write(fd, "enabled", 7), 7);
	close(fd);
	/*
	 * Several bytes, in one host request (a round trip is slow on the
	 * debug kernel): one that arrives before the system sleeps is lost,
	 * and entering s2idle with jobs in flight may take minutes on a
	 * loaded host. disarm_wake() drops those not needed.
	 */
	igt_assert_eq(igt_metis_qmp("{\"serial-write\":\"w\","
				    "\"delay\":[6,9,13,19,28,42,63,94,140,210,300,450,600]}",
				    NULL, 0), 0);
}

/* Awake again: the wake bytes still to come would cut a later sleep short. */
static void disarm_wake(enum igt_suspend_state state, enum igt_suspend_test test)
{
	if (state != SUSPEND_STATE_FREEZE || test != SUSPEND_TEST_NONE)
		return;
	igt_assert_eq(igt_metis_qmp("{\"serial-cancel\":true}", NULL, 0), 0);
}

/* The file system type of the mount holding @path (longest prefix). */
static bool on_9p(const char *path)
{
	char line[512], dev[128], dir[256], type[64], best[64] = "";
	size_t best_len = 0;
	FILE *f = fopen("/proc/self/mounts", "re");

	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		size_t n;

		if (sscanf(line, "%127s %255s %63s", dev, dir, type) != 3)
			continue;
		n = strlen(dir);
		if (strncmp(path, dir, n) ||
		    (n > 1 && path[n] && path[n] != '/') || n < best_len)
			continue;
		best_len = n;
		snprintf(best, sizeof(best), "%s", type);
	}
	fclose(f);
	return !strcmp(best, "9p");
}

/*
 * Hibernation freezes and thaws every device, and virtio-9p has no freeze
 * or restore callbacks: its shares stop answering afterwards, and every
 * process touching one then hangs.  The test bed's ordinary guests run
 * from such shares (root and checkout), so hibernation is skipped there.
 * Its --block-root S4 guest (igt-tests/guest/s4-igt.sh) has the root on
 * virtio-blk, copies this test to tmpfs and says so with
 * METIS_IGT_S4_SAFE=1; the test itself and its working directory must
 * still be off 9p.  statfs() cannot tell: 9P2000.L reports the host's file
 * system type, hence /proc/self/mounts.
 */
static void require_hibernation_safe_root(void)
{
	char exe[256] = "", cwd[256] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	bool p9 = false;

	if (n > 0)
		exe[n] = 0;
	igt_assert(getcwd(cwd, sizeof(cwd)));
	if (!getenv("METIS_IGT_S4_SAFE")) {
		char line[512], dev[128], dir[256], type[64];
		FILE *f = fopen("/proc/self/mounts", "re");

		igt_assert(f);
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%127s %255s %63s", dev, dir, type) == 3 &&
			    !strcmp(type, "9p"))
				p9 = true;
		fclose(f);
		igt_require_f(!p9, "virtio-9p mounts (this root file system and checkout) "
			      "do not survive hibernation's freeze\n");
	}
	igt_require_f(!on_9p(exe) && !on_9p(cwd),
		      "this test (%s) or its working directory (%s) is on virtio-9p, "
		      "which does not survive hibernation's freeze\n", exe, cwd);
}

/*
 * What comes before a suspend and may take a while (a host request for the
 * s2idle wake): a test with jobs in flight does it before starting them.
 *
 * Whatever follows a resume must not hang the run: suspend_enter() arms
 * IGT's timeout for the work after it.  The alarm is the process's, not
 * the subtest's: left armed, it fails a later subtest, or fires in the
 * next suspend while rtcwake runs and leaves that child behind (igt_exit
 * then aborts).  So it is disarmed here, and every subtest that suspends
 * ends with igt_reset_timeout().
 */
static void suspend_prepare(enum igt_suspend_state state, enum igt_suspend_test test)
{
	igt_reset_timeout();
	if (state == SUSPEND_STATE_DISK)
		require_hibernation_safe_root();
	arm_wake(state, test);
}

static void suspend_enter(enum igt_suspend_state state, enum igt_suspend_test test)
{
	/*
	 * A full hibernation resumes by a new boot, never by the RTC; an
	 * alarm that fires while the image is written is a wake-up event
	 * that rolls the hibernation back instead.
	 */
	if (state == SUSPEND_STATE_DISK && test == SUSPEND_TEST_NONE)
		igt_set_autoresume_delay(600);
	igt_system_suspend_autoresume(state, test);
	disarm_wake(state, test);
	igt_set_autoresume_delay(5);
	igt_metis_set_timeout(120, "work after resume");
}

static void suspend(enum igt_suspend_state state, enum igt_suspend_test test)
{
	suspend_prepare(state, test);
	suspend_enter(state, test);
}

/*
 * The driver's own account of a suspend (debugfs state and resets): the
 * transitions counter and the last_resume_us duration.  Returns false
 * (with the reason printed) where debugfs is not there.
 */
struct pm_account {
	bool ok;
	unsigned long transitions;
	char history[2048];	/* "<time> <from> -> <to>" lines, oldest first */
	unsigned long long resume_us, suspend_us;
};

static struct pm_account pm_account(int fd)
{
	struct pm_account a = { };
	char buf[4096], *p, *line;

	if (!igt_metis_debugfs_read(fd, "state", buf, sizeof(buf)))
		return a;
	p = strstr(buf, "transitions: ");
	if (!p)
		return a;
	a.transitions = strtoul(p + 13, NULL, 10);
	line = strchr(p, '\n');
	snprintf(a.history, sizeof(a.history), "%s", line ? line + 1 : "");
	if (!igt_metis_debugfs_read(fd, "resets", buf, sizeof(buf)))
		return a;
	p = strstr(buf, "last_suspend_us: ");
	a.suspend_us = p ? strtoull(p + 17, NULL, 10) : 0;
	p = strstr(buf, "last_resume_us: ");
	a.resume_us = p ? strtoull(p + 16, NULL, 10) : 0;
	a.ok = true;
	return a;
}

/*
 * Whether one of the last @n history lines is "@what".  The driver keeps
 * 16; the lines after a suspend are the newest.
 */
static bool history_has(const char *history, unsigned long n, const char *what)
{
	const char *line[16], *p = history;
	unsigned int count = 0;

	while (*p) {
		line[count++ % 16] = p;
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	for (unsigned long i = 0; i < n && i < 16 && i < count; i++) {
		const char *l = line[(count - 1 - i) % 16], *t = strchr(l, ' ');
		size_t len = strlen(what);

		if (t && !strncmp(t + 1, what, len) && (t[len + 1] == '\n' || !t[len + 1]))
			return true;
	}
	return false;
}

/*
 * After a suspend: the driver went through it and timed its resume.  A
 * card whose runtime PM is allowed may already have autosuspended again
 * (a rebind restores the driver's default, power/control "auto"), so the
 * resume is looked for among the new transitions, not only the last.
 */
static void check_pm_account(int fd, const struct pm_account *before)
{
	struct pm_account a = pm_account(fd);

	/*
	 * The test bed mounts debugfs and runs as root: a missing file or a
	 * format the parser no longer knows must not pass unchecked.
	 */
	igt_assert_f(before->ok && a.ok,
		     "metis debugfs state/resets missing or in an unknown format "
		     "(before: %s, after: %s)\n", before->ok ? "ok" : "unreadable",
		     a.ok ? "ok" : "unreadable");
	igt_assert_f(a.transitions >= before->transitions + 4,
		     "%lu state transitions across the suspend, want at least 4\n",
		     a.transitions - before->transitions);
	igt_assert_f(history_has(a.history, a.transitions - before->transitions,
				 "resuming -> ready"),
		     "no \"resuming -> ready\" among the %lu transitions since the suspend:\n%s",
		     a.transitions - before->transitions, a.history);
	igt_assert_f(a.resume_us > 0, "debugfs resets: no last_resume_us\n");
	igt_info("driver: %lu transitions, suspend %llu us, resume %llu us\n",
		 a.transitions - before->transitions, a.suspend_us, a.resume_us);
}

static void test_model(int fd, enum igt_suspend_state state,
		       enum igt_suspend_test test, int cycles)
{
	struct model m;

	model_load(fd, &m, state * 10 + test);
	model_run(&m);
	for (int i = 0; i < cycles; i++) {
		struct pm_account before = pm_account(fd);

		suspend(state, test);
		check_pm_account(fd, &before);
		/* The same job again: the model is still on the card. */
		model_run(&m);
		igt_info("cycle %d of %d: model intact\n", i + 1, cycles);
	}
	model_free(&m);
	igt_reset_timeout();
}

/*
 * Jobs really in flight at suspend, from two clients, on all channels and
 * contexts: upload P, XOR32 with Q lasting 1 s, download.  Each must run
 * exactly once: a lost job leaves P or nothing, a repeated XOR gives P.
 *
 * On the card as published (no firmware of ours) a chain is @trips round
 * trips of DMA copies: upload P0 or P1 in turn, download into slice t of
 * the back buffer.  A lost upload leaves the other pattern in its slice, a
 * lost download zeros, a replay out of order the wrong pattern.  The
 * chains last because the card is slow (the suites give the published
 * card bandwidth-mbps): flights_trips() sizes them from a measured round
 * trip.
 */
struct flight {
	int fd;
	uint32_t card, host, back;
	uint8_t *hm, *bm;
	uint32_t q;
	unsigned int trips;	/* 0: the firmware chain */
	struct drm_metis_job *jobs;	/* the DMA chain, prepared */
};

#define FLIGHT_SIZE (256 * 1024ull)
#define PUB_SIZE (64 * 1024ull)
#define PUB_TRIPS_MAX 128

/*
 * Round trips of PUB_SIZE a chain needs to run about 3 s on this card,
 * measured (at most PUB_TRIPS_MAX).  Two chains share each channel.
 */
static unsigned int flights_trips(int fd)
{
	uint32_t card = igt_metis_bo_create(fd, PUB_SIZE, DRM_METIS_BO_DEVICE, 0);
	uint32_t host = igt_metis_bo_create(fd, PUB_SIZE, DRM_METIS_BO_HOST, 0);
	struct timespec ts = {};
	uint64_t ns;
	unsigned int trips;

	igt_nsec_elapsed(&ts);
	for (int i = 0; i < 4; i++) {
		igt_metis_copy(fd, card, 0, host, 0, PUB_SIZE, i);
		igt_metis_copy(fd, host, 0, card, 0, PUB_SIZE, i);
	}
	ns = igt_nsec_elapsed(&ts) / 4;
	igt_metis_bo_close(fd, card);
	igt_metis_bo_close(fd, host);
	trips = ns ? 3 * NSEC_PER_SEC / ns : PUB_TRIPS_MAX;
	trips = trips < 4 ? 4 : trips > PUB_TRIPS_MAX ? PUB_TRIPS_MAX : trips;
	igt_info("a %llu KiB round trip takes %" PRIu64 " us: %u per chain\n",
		 PUB_SIZE >> 10, ns / 1000, trips);
	return trips;
}

/*
 * Buffers and jobs of DMA chain @i, all of them before any chain starts:
 * on a slow guest the first chains would otherwise end before the last
 * is submitted.
 */
static void flight_prepare_dma(struct flight *f, int fd, int i)
{
	unsigned int n = 2 * f->trips;
	struct drm_metis_job *jobs = calloc(n, sizeof(*jobs));

	igt_assert(jobs);
	f->fd = fd;
	f->jobs = jobs;
	f->card = igt_metis_bo_create(fd, PUB_SIZE, DRM_METIS_BO_DEVICE, 0);
	f->host = igt_metis_bo_create(fd, 2 * PUB_SIZE, DRM_METIS_BO_HOST, 0);
	f->back = igt_metis_bo_create(fd, f->trips * PUB_SIZE, DRM_METIS_BO_HOST, 0);
	f->hm = igt_metis_bo_mmap(fd, f->host, 2 * PUB_SIZE);
	f->bm = igt_metis_bo_mmap(fd, f->back, f->trips * PUB_SIZE);
	igt_metis_pattern(f->hm, 2 * PUB_SIZE, 500 + i);
	memset(f->bm, 0, f->trips * PUB_SIZE);
	for (unsigned int t = 0; t < f->trips; t++) {
		igt_metis_job_copy(&jobs[2 * t], f->card, 0, f->host,
				   (t & 1) * PUB_SIZE, PUB_SIZE, i % 4);
		igt_metis_job_copy(&jobs[2 * t + 1], f->back, t * PUB_SIZE,
				   f->card, 0, PUB_SIZE, (i + 1) % 4);
	}
}

/* In order, in as few submissions as the driver takes. */
static void flight_submit_dma(struct flight *f)
{
	uint64_t max_jobs = igt_metis_get_param(f->fd, DRM_METIS_PARAM_MAX_JOBS);
	unsigned int n = 2 * f->trips, done = 0;

	igt_assert(max_jobs);
	while (done < n) {
		unsigned int k = n - done < max_jobs ? n - done : max_jobs;

		igt_metis_submit(f->fd, f->jobs + done, k, 0);
		done += k;
	}
	free(f->jobs);
	f->jobs = NULL;
}

static void flight_check_dma(struct flight *f)
{
	igt_metis_bo_wait(f->fd, f->back, 120 * NSEC_PER_SEC, 0);
	for (unsigned int t = 0; t < f->trips; t++) {
		uint64_t d = igt_metis_first_diff(f->hm + (t & 1) * PUB_SIZE,
						  f->bm + t * PUB_SIZE, PUB_SIZE);

		igt_assert_f(d == PUB_SIZE,
			     "round trip %u of %u: byte %" PRIu64 " wrong (lost or "
			     "reordered job)\n", t + 1, f->trips, d);
	}
	munmap(f->hm, 2 * PUB_SIZE);
	munmap(f->bm, f->trips * PUB_SIZE);
	igt_metis_bo_close(f->fd, f->card);
	igt_metis_bo_close(f->fd, f->host);
	igt_metis_bo_close(f->fd, f->back);
}

static void flight_submit(struct flight *f, int fd, int i)
{
	struct drm_metis_job jobs[3];

	f->fd = fd;
	f->q = 0x01010101u * (i + 1) ^ 0xa5000000u;
	f->card = igt_metis_bo_create(fd, FLIGHT_SIZE, DRM_METIS_BO_DEVICE, 0);
	f->host = igt_metis_bo_create(fd, FLIGHT_SIZE, DRM_METIS_BO_HOST, 0);
	f->back = igt_metis_bo_create(fd, FLIGHT_SIZE, DRM_METIS_BO_HOST, 0);
	f->hm = igt_metis_bo_mmap(fd, f->host, FLIGHT_SIZE);
	f->bm = igt_metis_bo_mmap(fd, f->back, FLIGHT_SIZE);
	igt_metis_pattern(f->hm, FLIGHT_SIZE, 500 + i);
	memset(f->bm, 0, FLIGHT_SIZE);
	igt_metis_job_copy(&jobs[0], f->card, 0, f->host, 0, FLIGHT_SIZE, i % 4);
	igt_metis_job_fw(&jobs[1], DRM_METIS_FW_XOR32, f->card, 0, FLIGHT_SIZE,
			 f->q, i % 4);
	/* 1 s: the chains outlast their submission (longer on slow kernels). */
	jobs[1].duration_us = 1000000 * igt_metis_time_scale();
	igt_metis_job_copy(&jobs[2], f->back, 0, f->card, 0, FLIGHT_SIZE, (i + 1) % 4);
	igt_metis_submit(fd, jobs, 3, 0);
}

static void flight_check(struct flight *f)
{
	if (f->trips) {
		flight_check_dma(f);
		return;
	}
	igt_metis_bo_wait(f->fd, f->back, 60 * NSEC_PER_SEC, 0);
	for (uint64_t w = 0; w < FLIGHT_SIZE / 4; w++) {
		uint32_t p, b;

		memcpy(&p, f->hm + 4 * w, 4);
		memcpy(&b, f->bm + 4 * w, 4);
		igt_assert_f(le32toh(b) == (le32toh(p) ^ f->q),
			     "word %" PRIu64 ": %#x, want %#x (lost or repeated job)\n",
			     w, le32toh(b), le32toh(p) ^ f->q);
	}
	munmap(f->hm, FLIGHT_SIZE);
	munmap(f->bm, FLIGHT_SIZE);
	igt_metis_bo_close(f->fd, f->card);
	igt_metis_bo_close(f->fd, f->host);
	igt_metis_bo_close(f->fd, f->back);
}

/*
 * Eight chains, alternating between two clients, all still running.
 * @trips: 0 for the firmware chains, else round trips of DMA a chain.
 */
static void flights_start(struct flight *f, int fd, int fd2, unsigned int trips)
{
	int busy = 0;

	for (int i = 0; i < 8; i++) {
		f[i].trips = trips;
		if (trips)
			flight_prepare_dma(&f[i], i & 1 ? fd2 : fd, i);
		else
			flight_submit(&f[i], i & 1 ? fd2 : fd, i);
	}
	for (int i = 0; i < 8 && trips; i++)
		flight_submit_dma(&f[i]);
	/* In flight now: nothing may have finished yet. */
	for (int i = 0; i < 8; i++)
		busy += __igt_metis_bo_wait(f[i].fd, f[i].back, 0, 0) == -ETIME;
	igt_assert_f(busy == 8, "only %d of 8 chains still running before suspend%s\n",
		     busy, trips ? " (DMA only: the card is too fast; the test bed "
		     "slows the published card with bandwidth-mbps)" : "");
}

/* The chains' kind: firmware where the card has ours, else DMA. */
static unsigned int flights_kind(int fd)
{
	return igt_metis_has_fw(fd) ? 0 : flights_trips(fd);
}

static void flights_check(struct flight *f)
{
	for (int i = 0; i < 8; i++)
		flight_check(&f[i]);
}

static void test_inflight(int fd, enum igt_suspend_state state,
			  enum igt_suspend_test test)
{
	unsigned int trips = flights_kind(fd);
	int fd2 = igt_metis_open();
	struct flight f[8];

	suspend_prepare(state, test);
	flights_start(f, fd, fd2, trips);
	suspend_enter(state, test);
	flights_check(f);
	close(fd2);
	igt_reset_timeout();
}

/* A hang pending at suspend is handled on one side or the other. */
static void test_hang(int fd, enum igt_suspend_state state,
		      enum igt_suspend_test test)
{
	uint32_t card = igt_metis_bo_create(fd, FLIGHT_SIZE, DRM_METIS_BO_DEVICE, 0);
	uint32_t host = igt_metis_bo_create(fd, FLIGHT_SIZE, DRM_METIS_BO_HOST, 0);
	struct drm_metis_job job;
	struct model m;
	int ret;

	igt_require_metis_qmp();
	model_load(fd, &m, 77);
	igt_metis_fault_set("fault-drop-completions", 1);
	igt_metis_job_copy(&job, card, 0, host, 0, FLIGHT_SIZE, 0);
	igt_metis_submit(fd, &job, 1, 0);
	suspend(state, test);
	ret = __igt_metis_bo_wait(fd, card, 0, 60 * NSEC_PER_SEC);
	igt_metis_fault_set("fault-drop-completions", 0);
	igt_info("hung job after resume: %s\n", ret ? strerror(-ret) : "completed");
	igt_assert_f(ret == 0 || ret == -EIO, "hung job: %d\n", ret);
	model_run(&m);
	model_free(&m);
	igt_metis_bo_close(fd, card);
	igt_metis_bo_close(fd, host);
	igt_reset_timeout();
}

/*
 * The user's whole scenario across a real hibernation (the test bed's
 * --block-root S4 guest: the image is written, QEMU ends, a second QEMU
 * boot restores it, so the card was powered off in between and lost
 * everything): a model on the card and its job, chains of two clients in
 * flight at the moment of hibernation; after the restore every chain
 * completes once with the right data and the same job gives the same CRC
 * and bytes.
 */
static void test_model_inflight(int fd, enum igt_suspend_state state,
				enum igt_suspend_test test)
{
	unsigned int trips = flights_kind(fd);
	int fd2 = igt_metis_open();
	struct flight f[8];
	struct model m;

	model_load(fd, &m, 40 + state);
	model_run(&m);
	suspend_prepare(state, test);
	flights_start(f, fd, fd2, trips);
	suspend_enter(state, test);
	flights_check(f);
	igt_info("8 chains in flight at suspend completed once, correctly\n");
	model_run(&m);
	if (m.fw)
		igt_info("model intact: same CRC32 %#x, same bytes\n", m.crc);
	else
		igt_info("model intact: same bytes (read back by DMA)\n");
	model_free(&m);
	close(fd2);
	igt_reset_timeout();
}

static void runtime_write(const char *pci, const char *file, const char *val)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/%s", pci, file);
	fd = open(path, O_WRONLY);
	igt_assert_f(fd >= 0, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(write(fd, val, strlen(val)), (int)strlen(val));
	close(fd);
}

/*
 * Unbind and bind; power/control as it was (a new device starts with the
 * driver's default, "auto", and the test bed pins "on" for these tests).
 * @fd is closed first and then names the new device.
 */
static void recover_by_rebind(int fd, const char *pci)
{
	char path[160], control[16] = "";
	int cfd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/control", pci);
	cfd = open(path, O_RDONLY);
	if (cfd >= 0) {
		igt_assert(read(cfd, control, sizeof(control) - 1) > 0);
		close(cfd);
	}
	close(fd);
	igt_metis_unbind(pci);
	igt_metis_bind(pci);
	igt_metis_reopen_as(fd, 30);
	if (control[0])
		runtime_write(pci, "control", control);
}

/* Firmware refusing to boot at resume: a reported error, not a hang. */
static void test_resume_fw_fail(int fd, enum igt_suspend_state state,
				enum igt_suspend_test test)
{
	uint32_t card = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_DEVICE, 0);
	uint32_t host = igt_metis_bo_create(fd, PAGE, DRM_METIS_BO_HOST, 0);
	struct drm_metis_job job;
	struct model m;
	char pci[64];

	igt_require_metis_fw(fd);
	igt_require_metis_qmp();
	igt_emit_ignore_dmesg_regex("firmware boot failed|did not recover|injected|resume");
	igt_assert(igt_metis_pci_address(fd, pci, sizeof(pci)));
	igt_metis_fault_set("fault-fw-boot-fail", 1000);
	suspend(state, test);
	igt_assert_eq_u64(igt_metis_wait_state(fd, DRM_METIS_STATE_ERROR, 30),
			  DRM_METIS_STATE_ERROR);
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_FW_ERROR), 7);
	igt_metis_job_copy(&job, card, 0, host, 0, PAGE, DRM_METIS_CHANNEL_ANY);
	igt_metis_submit(fd, &job, 1, EIO);
	/* Still an error after another cycle, not a crash or a hang. */
	suspend(state, test);
	igt_assert_eq_u64(igt_metis_wait_state(fd, DRM_METIS_STATE_ERROR, 30),
			  DRM_METIS_STATE_ERROR);
	igt_metis_fault_set("fault-fw-boot-fail", 0);
	recover_by_rebind(fd, pci);
	model_load(fd, &m, 3);
	model_run(&m);
	model_free(&m);
	igt_reset_timeout();
}

static bool wait_runtime(const char *pci, const char *want, int timeout_s)
{
	char buf[32];

	for (int i = 0; i < timeout_s * 20; i++) {
		if (!strcmp(igt_metis_runtime_status(pci, buf, sizeof(buf)), want))
			return true;
		usleep(50000);
	}
	igt_info("runtime_status is %s, not %s\n", buf, want);
	return false;
}

/* idle -> suspended -> job -> active, data kept, with an fd open. */
static void test_runtime(int fd, int cycles)
{
	struct model m;
	char pci[64], buf[32];

	igt_assert(igt_metis_pci_address(fd, pci, sizeof(pci)));
	runtime_write(pci, "autosuspend_delay_ms", "200");
	runtime_write(pci, "control", "auto");
	model_load(fd, &m, 11);
	for (int i = 0; i < cycles; i++) {
		igt_assert_f(wait_runtime(pci, "suspended", 20),
			     "the idle card did not runtime-suspend\n");
		/* Queries do not wake the card. */
		igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_STATE),
				  DRM_METIS_STATE_SUSPENDED);
		igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_FW_VERSION) >> 16,
				  m.fw ? 1 : 0);
		igt_assert_eq(strcmp(igt_metis_runtime_status(pci, buf, sizeof(buf)), "suspended"), 0);
		model_run(&m);
		igt_info("cycle %d: status after the job: %s\n", i + 1,
			 igt_metis_runtime_status(pci, buf, sizeof(buf)));
	}
	model_free(&m);
	runtime_write(pci, "control", "on");
	igt_assert(wait_runtime(pci, "active", 10));
}

/*
 * The driver's fault-injection point for the host copies of card memory
 * (debugfs fail_backup, Documentation/fault-injection; kernels with
 * CONFIG_FAULT_INJECTION_DEBUG_FS: the debug-kernel tier).
 */
static void fail_backup_write(const char *pci, const char *file, const char *val)
{
	char path[192];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/fail_backup/%s",
		 pci, file);
	fd = open(path, O_WRONLY);
	igt_require_f(fd >= 0 || errno != ENOENT,
		      "no fail_backup fault-injection point (a kernel without "
		      "CONFIG_FAULT_INJECTION_DEBUG_FS)\n");
	igt_assert_f(fd >= 0, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(write(fd, val, strlen(val)), (int)strlen(val));
	close(fd);
}

static void fail_backup(const char *pci, bool on)
{
	fail_backup_write(pci, "times", "-1");
	fail_backup_write(pci, "interval", "1");
	fail_backup_write(pci, "probability", on ? "100" : "0");
}

/*
 * Runtime suspend with no host memory for the card's contents: refused,
 * the card stays awake with the model on it; once memory is there, it
 * suspends and the model survives.
 */
static void test_backup_fail_runtime(int fd)
{
	struct model m;
	char pci[64];

	igt_assert(igt_metis_pci_address(fd, pci, sizeof(pci)));
	igt_emit_ignore_dmesg_regex("no host memory to save card memory");
	fail_backup(pci, false);
	model_load(fd, &m, 21);
	fail_backup(pci, true);
	runtime_write(pci, "autosuspend_delay_ms", "200");
	runtime_write(pci, "control", "auto");
	/* Ten times the delay. */
	igt_assert_f(!wait_runtime(pci, "suspended", 2),
		     "the card runtime-suspended with no host memory to keep its contents\n");
	fail_backup(pci, false);
	model_run(&m);
	igt_assert_f(wait_runtime(pci, "suspended", 20),
		     "the idle card did not runtime-suspend once memory was there\n");
	model_run(&m);
	model_free(&m);
	runtime_write(pci, "control", "on");
	igt_assert(wait_runtime(pci, "active", 10));
}

/* /sys/class/rtc/rtc0/wakealarm: "+N" seconds from now, or "0" (none). */
static void rtc_alarm(const char *val)
{
	int fd = open("/sys/class/rtc/rtc0/wakealarm", O_WRONLY);

	igt_assert(fd >= 0);
	igt_assert(write(fd, "0", 1) == 1);
	if (strcmp(val, "0"))
		igt_assert(write(fd, val, strlen(val)) == (ssize_t)strlen(val));
	close(fd);
}

/*
 * S3 with no host memory for the card's contents: refused before
 * anything sleeps, with the reason (ENOMEM), instead of a resume with the
 * model gone; then a clean S3 keeps it.
 */
static void test_backup_fail_s3(int fd)
{
	struct model m;
	char pci[64];
	int sfd, ret, err;

	igt_assert(igt_metis_pci_address(fd, pci, sizeof(pci)));
	igt_emit_ignore_dmesg_regex("no host memory to save card memory|PM: .*(notifier|Some devices failed)|suspend");
	fail_backup(pci, false);
	model_load(fd, &m, 22);
	sfd = open("/sys/power/mem_sleep", O_WRONLY);
	igt_assert(sfd >= 0);
	igt_assert_eq(write(sfd, "deep", 4), 4);
	close(sfd);
	/* A sleep that happens anyway must still end. */
	rtc_alarm("+10");
	fail_backup(pci, true);
	sfd = open("/sys/power/state", O_WRONLY);
	igt_assert(sfd >= 0);
	ret = write(sfd, "mem", 3);
	err = errno;
	close(sfd);
	fail_backup(pci, false);
	rtc_alarm("0");
	igt_assert_f(ret < 0 && err == ENOMEM,
		     "S3 without host memory for card memory: write %d (%s), not ENOMEM\n",
		     ret, ret < 0 ? strerror(err) : "the system slept");
	model_run(&m);
	suspend(SUSPEND_STATE_S3, SUSPEND_TEST_NONE);
	model_run(&m);
	model_free(&m);
	igt_reset_timeout();
}

static int cycles_from_env(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v ? atoi(v) : dflt;
}

static const struct {
	const char *name;
	enum igt_suspend_state state;
	enum igt_suspend_test test;
} modes[] = {
	{ "s3-devices", SUSPEND_STATE_S3, SUSPEND_TEST_DEVICES },
	{ "s3", SUSPEND_STATE_S3, SUSPEND_TEST_NONE },
	{ "s2idle", SUSPEND_STATE_FREEZE, SUSPEND_TEST_NONE },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = igt_metis_open();
		igt_set_autoresume_delay(5);
		igt_install_exit_handler(igt_metis_clear_faults);
	}

	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
		igt_describe("Upload a model to on-card memory, run a job, suspend, "
			     "run it again: same result, same bytes.");
		igt_subtest_f("model-%s", modes[i].name)
			test_model(fd, modes[i].state, modes[i].test, 1);

		igt_describe("Jobs of two clients in flight on every channel and "
			     "context at suspend each complete once, correctly.");
		igt_subtest_f("inflight-%s", modes[i].name)
			test_inflight(fd, modes[i].state, modes[i].test);
	}

	igt_describe("A hang pending at S3 is handled; the card works after.");
	igt_subtest("hang-s3")
		test_hang(fd, SUSPEND_STATE_S3, SUSPEND_TEST_NONE);

	igt_describe("Firmware failing to boot at resume gives the error state "
		     "across suspends; a rebind recovers.");
	igt_subtest("resume-fw-fail-s3")
		test_resume_fw_fail(fd, SUSPEND_STATE_S3, SUSPEND_TEST_NONE);

	igt_describe("Consecutive S3 cycles with the model verified each time "
		     "(METIS_S3_CYCLES, default 3).");
	igt_subtest("s3-cycles")
		test_model(fd, SUSPEND_STATE_S3, SUSPEND_TEST_NONE,
			   cycles_from_env("METIS_S3_CYCLES", 3));

	igt_describe("Runtime suspend when idle, resume on the next job, data kept.");
	igt_subtest("runtime-suspend")
		test_runtime(fd, 3);

	igt_describe("No host memory for card memory (fault injection): runtime "
		     "suspend refused, the card stays awake, the model kept.");
	igt_subtest("backup-fail-runtime")
		test_backup_fail_runtime(fd);

	igt_describe("No host memory for card memory (fault injection): S3 "
		     "refused with ENOMEM before anything sleeps, the model kept.");
	igt_subtest("backup-fail-s3")
		test_backup_fail_s3(fd);

	/*
	 * S4 last: when hibernation breaks, it takes the system with it.
	 * The devices test points freeze and thaw without powering off; all
	 * S4 subtests skip on a 9p root (require_hibernation_safe_root()).
	 */
	igt_describe("The model survives hibernation's device freeze and thaw.");
	igt_subtest("model-s4-devices")
		test_model(fd, SUSPEND_STATE_DISK, SUSPEND_TEST_DEVICES, 1);

	igt_describe("Jobs in flight across hibernation's device freeze and thaw.");
	igt_subtest("inflight-s4-devices")
		test_inflight(fd, SUSPEND_STATE_DISK, SUSPEND_TEST_DEVICES);

	/*
	 * A full hibernation: the restore is a new boot, so only a process
	 * that survives it (the --block-root guest of igt-tests/suite-s4.sh)
	 * sees the end.  Last of all.
	 */
	igt_describe("A model and jobs in flight across a full hibernation and "
		     "restore (the card powered off in between).");
	igt_subtest("model-inflight-s4")
		test_model_inflight(fd, SUSPEND_STATE_DISK, SUSPEND_TEST_NONE);

	igt_fixture {
		igt_reset_timeout();
		close(fd);
	}
}
