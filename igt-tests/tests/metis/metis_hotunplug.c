// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 */

/**
 * TEST: metis hotunplug
 * Category: Core
 * Description: Detach without crashes, modelled on IGT's core_hotunplug:
 *	driver unbind/bind, PCI remove/rescan, surprise removal (QMP
 *	device_del/device_add on the root port) and link down, each idle and
 *	with load (jobs running on every channel and context, a client
 *	holding open files, BOs, an mmap, an exported dma-buf and an exported
 *	syncobj); module unload and reload.  The client gets ENODEV, never a
 *	hang, and afterwards a new client runs a verified job.  On the card
 *	exactly as published (no firmware of ours) the running jobs are DMA
 *	copies the card holds (its fault-hold, through the test bed's QMP
 *	channel) until the card is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_metis.h"

#define PAGE 4096ull
#define LOAD_SIZE (1ull << 20)

struct hotunplug {
	int fd;			/* the client kept across the event, or -1 */
	char pci[32];
	const char *failure;	/* what is being done, for post-mortems */
	bool dirty;		/* a cycle did not finish: recover() has work */
};

/* What a busy client holds. */
struct load {
	int fd;
	uint32_t host, card[4], res, syncobj;
	uint8_t *map;
	int dmabuf, syncobj_fd;
	bool held;		/* DMA jobs the card holds (the card as published) */
	/* A client thread blocked on the running jobs when the card goes. */
	pthread_t waiter;
	volatile int wait_ret;
	volatile bool waited;
};

static void *load_wait(void *arg)
{
	struct load *l = arg;

	l->wait_ret = __igt_metis_syncobj_wait(l->fd, l->syncobj, 1,
					       60 * NSEC_PER_SEC);
	l->waited = true;
	return NULL;
}

static void set_failure(struct hotunplug *p, const char *what)
{
	p->failure = what;
	igt_debug("%s\n", what);
}

static bool pci_present(const char *pci)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", pci);
	return access(path, F_OK) == 0;
}

static void write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(errno));
	igt_assert_f(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		     "write %s: %s\n", path, strerror(errno));
	close(fd);
}

static bool wait_for(bool (*cond)(const char *), const char *pci, bool want,
		     int timeout_s)
{
	for (int i = 0; i < timeout_s * 20; i++) {
		if (cond(pci) == want)
			return true;
		usleep(50000);
	}
	return false;
}

static void driver_unbind(struct hotunplug *p)
{
	set_failure(p, "driver unbind timeout");
	igt_metis_set_timeout(60, p->failure);
	igt_metis_unbind(p->pci);
	igt_reset_timeout();
}

static void driver_bind(struct hotunplug *p)
{
	set_failure(p, "driver bind timeout");
	igt_metis_set_timeout(60, p->failure);
	igt_metis_bind(p->pci);
	igt_reset_timeout();
}

static void device_unplug(struct hotunplug *p)
{
	char path[128];

	set_failure(p, "device remove timeout");
	igt_metis_set_timeout(60, p->failure);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", p->pci);
	write_sysfs(path, "1");
	igt_assert(!pci_present(p->pci));
	igt_reset_timeout();
}

static void bus_rescan(struct hotunplug *p)
{
	set_failure(p, "bus rescan timeout");
	igt_metis_set_timeout(60, p->failure);
	write_sysfs("/sys/bus/pci/rescan", "1");
	igt_assert_f(wait_for(pci_present, p->pci, true, 30),
		     "%s did not come back\n", p->pci);
	igt_reset_timeout();
}

/* The QMP device_add of the same card (TB_CARD_PROPS: the same face). */
static const char *card_add_json(void)
{
	static char json[768];

	snprintf(json, sizeof(json),
		 "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"metis\","
		 "\"bus\":\"rp1\",\"id\":\"metis0\"%s}}", igt_metis_card_props_json());
	return json;
}

static void qmp_device(struct hotunplug *p, bool add)
{
	char reply[512];
	int ret;

	igt_require_metis_qmp();
	set_failure(p, add ? "device_add" : "device_del");
	igt_metis_set_timeout(60, p->failure);
	/* device_add fails while QEMU still finishes the deletion. */
	for (int i = 0; i < 30; i++) {
		ret = igt_metis_qmp(add ? card_add_json() :
			"{\"execute\":\"device_del\",\"arguments\":{\"id\":\"metis0\"}}",
			reply, sizeof(reply));
		if (!ret || !add || !strstr(reply, "Duplicate"))
			break;
		sleep(1);
	}
	igt_assert_f(ret == 0, "%s: %s\n", p->failure, reply);
	igt_assert_f(wait_for(pci_present, p->pci, add, 30),
		     "%s: the guest did not see it\n", p->failure);
	igt_reset_timeout();
}

/* A new client runs verified jobs on every channel. */
static void healthcheck(struct hotunplug *p)
{
	uint32_t host, back, card;
	uint8_t *hm, *bm;
	int fd;

	set_failure(p, "healthcheck: card not ready again");
	igt_metis_set_timeout(120, p->failure);
	fd = igt_metis_wait_ready(60);
	igt_assert_f(fd >= 0, "no ready card after the event\n");
	igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_ID),
			  (uint64_t)METIS_PCI_VENDOR << 16 | METIS_PCI_DEVICE);
	set_failure(p, "healthcheck: jobs");
	host = igt_metis_bo_create(fd, LOAD_SIZE, DRM_METIS_BO_HOST, 0);
	back = igt_metis_bo_create(fd, LOAD_SIZE, DRM_METIS_BO_HOST, 0);
	card = igt_metis_bo_create(fd, LOAD_SIZE, DRM_METIS_BO_DEVICE, 0);
	hm = igt_metis_bo_mmap(fd, host, LOAD_SIZE);
	bm = igt_metis_bo_mmap(fd, back, LOAD_SIZE);
	for (uint32_t c = 0; c < 4; c++) {
		igt_metis_pattern(hm, LOAD_SIZE, 900 + c);
		memset(bm, 0, LOAD_SIZE);
		igt_metis_copy(fd, card, 0, host, 0, LOAD_SIZE, c);
		igt_metis_copy(fd, back, 0, card, 0, LOAD_SIZE, 3 - c);
		igt_assert_eq_u64(igt_metis_first_diff(hm, bm, LOAD_SIZE), LOAD_SIZE);
	}
	munmap(hm, LOAD_SIZE);
	munmap(bm, LOAD_SIZE);
	close(fd);
	igt_reset_timeout();
	p->failure = NULL;
}

static void load_start(struct hotunplug *p, struct load *l)
{
	struct drm_metis_sync out = { .flags = DRM_METIS_SYNC_TIMELINE, .point = 1 };
	struct drm_metis_job jobs[12];
	int n = 0;

	l->fd = p->fd;
	l->host = igt_metis_bo_create(l->fd, LOAD_SIZE, DRM_METIS_BO_HOST, 0);
	l->res = igt_metis_bo_create(l->fd, PAGE, DRM_METIS_BO_HOST, 0);
	l->map = igt_metis_bo_mmap(l->fd, l->host, LOAD_SIZE);
	igt_metis_pattern(l->map, LOAD_SIZE, 1);
	l->syncobj = igt_metis_syncobj_create(l->fd);
	out.handle = l->syncobj;
	/*
	 * The card as published has no firmware work to keep it busy: it
	 * holds the uploads instead, until the card is gone (release_hold()).
	 */
	l->held = !igt_metis_has_fw(l->fd);
	if (l->held)
		igt_require_metis_qmp();
	/* Before the hold: the card clears a new device BO. */
	for (int c = 0; c < 4; c++)
		l->card[c] = igt_metis_bo_create(l->fd, LOAD_SIZE, DRM_METIS_BO_DEVICE, 0);
	if (l->held)
		igt_metis_hold(true);
	for (int c = 0; c < 4; c++) {
		/* Up on read channel c, 5 s of firmware work, down on write c. */
		igt_metis_job_copy(&jobs[n++], l->card[c], 0, l->host, 0, LOAD_SIZE, c);
		if (!l->held) {
			igt_metis_job_fw(&jobs[n], DRM_METIS_FW_XOR32, l->card[c], 0,
					 LOAD_SIZE, 0xffffffff, c);
			jobs[n++].duration_us = 5000000;
		}
		igt_metis_job_copy(&jobs[n++], l->res, 0, l->card[c], 0, PAGE, c);
	}
	jobs[n - 1].out_syncs = (uintptr_t)&out;
	jobs[n - 1].out_sync_count = 1;
	igt_metis_submit(l->fd, jobs, n, 0);
	igt_assert_eq(drmPrimeHandleToFD(l->fd, l->host, DRM_CLOEXEC | DRM_RDWR,
					 &l->dmabuf), 0);
	igt_assert_eq(drmSyncobjHandleToFD(l->fd, l->syncobj, &l->syncobj_fd), 0);
	/* Really running: the firmware work takes seconds, or the card holds it. */
	igt_assert(igt_metis_syncobj_busy(l->fd, l->syncobj, 1));
	l->waited = false;
	igt_assert(pthread_create(&l->waiter, NULL, load_wait, l) == 0);
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, 1);
}

/*
 * Nothing stays DMA-mapped for a removed card although the client still
 * holds its buffers, import and jobs: the driver's debugfs metis/dma_mapped
 * (counts over all devices; the test bed has one card) must read 0.
 */
static void check_unmapped(void)
{
	const char *path = "/sys/kernel/debug/metis/dma_mapped";
	char buf[256];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
		fd = open(path, O_RDONLY);
	}
	/* The driver's module-wide file: its absence is a failure. */
	igt_assert_f(fd >= 0, "%s: %s\n", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	igt_assert(n > 0);
	buf[n] = 0;
	igt_assert_f(strstr(buf, "host_bos: 0\n") && strstr(buf, "imports: 0\n") &&
		     strstr(buf, "descriptor_lists: 0\n"),
		     "still mapped for the removed card:\n%s", buf);
}

/* After the card went away: what the busy client sees. */
static void load_check_gone(struct load *l)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile uint64_t sum = 0;
	uint64_t v;
	uint8_t *want;
	void *dm;
	int ret;

	/*
	 * The blocked waiter wakes instead of hanging (within 20 s, well
	 * before its 60 s limit); new waits fail at once with ENODEV (the
	 * DRM core refuses every ioctl of an unplugged device).
	 */
	igt_metis_set_timeout(30, "waiting on jobs of a removed card");
	for (int i = 0; i < 200 && !l->waited; i++)
		usleep(100000);
	igt_assert_f(l->waited, "a waiter on the removed card's jobs is still blocked\n");
	check_unmapped();
	pthread_join(l->waiter, NULL);
	igt_assert_f(l->wait_ret == 0 || l->wait_ret == -ENODEV,
		     "blocked syncobj wait ended with %d\n", l->wait_ret);
	ret = __igt_metis_bo_wait(l->fd, l->card[0], 0, 20 * NSEC_PER_SEC);
	igt_assert_f(ret == -ENODEV || ret == -EIO || ret == 0,
		     "BO_WAIT after removal: %d\n", ret);
	igt_reset_timeout();
	/* Ioctls that need the card fail with ENODEV. */
	igt_assert_eq(__igt_metis_get_param(l->fd, DRM_METIS_PARAM_DEVICE_ID, 0, &v),
		      -ENODEV);
	{
		uint32_t h;

		igt_assert_eq(__igt_metis_bo_create(l->fd, PAGE, DRM_METIS_BO_HOST, &h),
			      -ENODEV);
	}
	/* The mmap stays readable or faults cleanly. */
	sigaction(SIGBUS, &sa, &old);
	if (!sigsetjmp(sigbus_jmp, 1)) {
		for (uint64_t i = 0; i < LOAD_SIZE; i += PAGE)
			sum += l->map[i];
		igt_info("mmap still readable after removal\n");
	} else {
		igt_info("mmap faults (SIGBUS) after removal\n");
	}
	sigaction(SIGBUS, &old, NULL);
	/* The exported dma-buf stays valid for its holder. */
	dm = mmap(NULL, LOAD_SIZE, PROT_READ, MAP_SHARED, l->dmabuf, 0);
	igt_assert_f(dm != MAP_FAILED,
		     "the exported dma-buf no longer maps after the detach: %m\n");
	want = malloc(LOAD_SIZE);
	igt_metis_pattern(want, LOAD_SIZE, 1);
	igt_assert_eq_u64(igt_metis_first_diff(want, dm, LOAD_SIZE), LOAD_SIZE);
	free(want);
	munmap(dm, LOAD_SIZE);
	(void)sum;
}

static void load_close(struct load *l)
{
	close(l->dmabuf);
	close(l->syncobj_fd);
	munmap(l->map, LOAD_SIZE);
	/* Closing handles of a removed card must not crash; results ignored. */
	close(l->fd);
}

enum event { UNBIND, REMOVE, QMP_DEL, LINK_DOWN };

static void detach(struct hotunplug *p, enum event e)
{
	switch (e) {
	case UNBIND:
		driver_unbind(p);
		break;
	case REMOVE:
		device_unplug(p);
		break;
	case QMP_DEL:
		qmp_device(p, false);
		break;
	case LINK_DOWN:
		igt_require_metis_qmp();
		/*
		 * A dead link makes the driver's register reads fail: logged
		 * (an idle card resuming then finds no published areas).
		 */
		igt_emit_ignore_dmesg_regex("did not resume|outside memory|inaccessible|"
					    "link down|all-ones|card gone|timed out|"
					    "published no areas");
		igt_metis_link_down(true);
		/* The driver notices all-ones reads; then remove the corpse. */
		sleep(2);
		device_unplug(p);
		igt_metis_link_down(false);
		break;
	}
}

static void reattach(struct hotunplug *p, enum event e)
{
	switch (e) {
	case UNBIND:
		driver_bind(p);
		break;
	case REMOVE:
	case LINK_DOWN:
		bus_rescan(p);
		break;
	case QMP_DEL:
		qmp_device(p, true);
		break;
	}
}

/* When the client kept across the event closes its file. */
enum close_at {
	BEFORE,		/* before the event (cold; with load: after it) */
	DETACHED,	/* after the detach */
	REATTACHED,	/* after the reattach, before the healthcheck */
	LATE,		/* after the healthcheck */
};

static void client_close(struct hotunplug *p, struct load *l, bool load)
{
	if (p->fd < 0)
		return;
	if (load)
		load_close(l);
	else
		close(p->fd);
	p->fd = -1;
}

/*
 * The card stays silent after a teardown: an interrupt it raises once the
 * driver freed its vectors (the card counts them, stat-irqs-lost) means
 * the driver did not mask its sources first.  The heartbeat alone would
 * raise ten in half a second.  Only where the card is still there and
 * working: after an unbind or a remove, not a device_del or link down.
 */
static bool silence_checked(enum event e)
{
	return (e == UNBIND || e == REMOVE) && igt_metis_has_qmp();
}

static uint64_t irqs_lost(enum event e)
{
	return silence_checked(e) ? igt_metis_card_stat("stat-irqs-lost") : 0;
}

static void check_silent(enum event e, uint64_t before)
{
	uint64_t after;

	if (!silence_checked(e))
		return;
	usleep(500000);
	after = igt_metis_card_stat("stat-irqs-lost");
	igt_assert_f(after == before,
		     "the card raised %" PRIu64 " interrupts after the teardown\n",
		     after - before);
}

static void run(struct hotunplug *p, enum event e, enum close_at when, bool load)
{
	struct load l;
	uint64_t lost;

	p->dirty = true;
	p->fd = igt_metis_wait_ready(30);
	igt_assert_fd(p->fd);
	igt_assert(igt_metis_pci_address(p->fd, p->pci, sizeof(p->pci)));
	if (load)
		load_start(p, &l);
	else if (when == BEFORE)
		client_close(p, &l, false);
	lost = irqs_lost(e);
	detach(p, e);
	/*
	 * The card held the load's uploads: let go now, before the silence
	 * check, so that a transfer the teardown left running would complete
	 * and raise its interrupt.  A deleted card took its hold with it.
	 */
	if (load && l.held && e != QMP_DEL)
		igt_metis_hold(false);
	check_silent(e, lost);
	if (load)
		load_check_gone(&l);
	else if (p->fd >= 0)
		igt_assert_eq(__igt_metis_get_param(p->fd, DRM_METIS_PARAM_DEVICE_ID,
						    0, NULL), -ENODEV);
	if (when <= DETACHED)
		client_close(p, &l, load);
	reattach(p, e);
	if (when == REATTACHED)
		client_close(p, &l, load);
	healthcheck(p);
	client_close(p, &l, load);
	p->dirty = false;
}

/*
 * Put back whatever a failed subtest left missing.  IGT runs the fixture
 * of every subtest group, also when it runs one subtest: nothing to do
 * unless a cycle was cut short.
 */
static void recover(struct hotunplug *p)
{
	if (!p->pci[0] || !p->dirty)
		return;
	p->dirty = false;
	if (igt_metis_has_qmp())
		igt_metis_link_down(false);
	for (int i = 0; i < 30 && !pci_present(p->pci) && igt_metis_has_qmp(); i++) {
		igt_metis_qmp(card_add_json(), NULL, 0);
		wait_for(pci_present, p->pci, true, 1);
	}
	if (!pci_present(p->pci))
		write_sysfs("/sys/bus/pci/rescan", "1");
	wait_for(pci_present, p->pci, true, 30);
	if (!igt_metis_bound(p->pci))
		igt_metis_bind(p->pci);
}

static void module_reload(struct hotunplug *p, bool load, int count)
{
	const char *ko = getenv("METIS_KO");
	uint64_t lost;
	char cmd[512];
	int fd;

	igt_require_f(ko, "METIS_KO (the module file) not set\n");
	for (int i = 0; i < count; i++) {
		if (load) {
			/* A busy client that exits before the unload. */
			igt_fork(child, 1) {
				struct hotunplug q = *p;
				struct load l;

				q.fd = igt_metis_open();
				load_start(&q, &l);
			}
			igt_waitchildren();
			/* The card as published held its uploads: let go. */
			fd = igt_metis_open();
			if (!igt_metis_has_fw(fd))
				igt_metis_hold(false);
			close(fd);
		}
		p->dirty = true;
		/*
		 * A client holds the module: rmmod is refused and the card
		 * stays bound (an open file keeps a module reference).
		 */
		set_failure(p, "rmmod with a client attached");
		fd = igt_metis_open();
		igt_assert_neq(system("rmmod metis_accel 2>/dev/null"), 0);
		igt_assert(igt_metis_bound(p->pci));
		igt_assert_eq_u64(igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_ID),
				  (uint64_t)METIS_PCI_VENDOR << 16 | METIS_PCI_DEVICE);
		close(fd);
		set_failure(p, "rmmod");
		igt_metis_set_timeout(60, p->failure);
		lost = irqs_lost(UNBIND);
		igt_assert_eq(system("rmmod metis_accel"), 0);
		igt_assert(!igt_metis_bound(p->pci));
		check_silent(UNBIND, lost);
		snprintf(cmd, sizeof(cmd), "insmod %s", ko);
		set_failure(p, "insmod");
		igt_assert_eq(system(cmd), 0);
		igt_reset_timeout();
		healthcheck(p);
		p->dirty = false;
	}
}

igt_main
{
	static const struct {
		const char *name;
		enum event e;
		enum close_at when;
	} cases[] = {
		{ "unbind-rebind", UNBIND, BEFORE },
		{ "unplug-rescan", REMOVE, BEFORE },
		{ "hotunbind-rebind", UNBIND, DETACHED },
		{ "hotunplug-rescan", REMOVE, DETACHED },
		{ "hotrebind", UNBIND, REATTACHED },
		{ "hotrebind-lateclose", UNBIND, LATE },
		{ "hotreplug", REMOVE, REATTACHED },
		{ "hotreplug-lateclose", REMOVE, LATE },
		{ "surprise-unplug-replug", QMP_DEL, REATTACHED },
		{ "surprise-unplug-replug-lateclose", QMP_DEL, LATE },
		{ "linkdown-rescan", LINK_DOWN, DETACHED },
	};
	struct hotunplug p = { .fd = -1 };
	/* METIS_HOTUNPLUG_REPEAT: cycles per subtest (5 in CI, 50 long). */
	int repeat = getenv("METIS_HOTUNPLUG_REPEAT") ?
		     atoi(getenv("METIS_HOTUNPLUG_REPEAT")) : 1;

	igt_fixture {
		int fd = igt_metis_open();

		igt_assert(igt_metis_pci_address(fd, p.pci, sizeof(p.pci)));
		close(fd);
		igt_require_f(igt_metis_bound(p.pci), "card not bound to metis\n");
		igt_install_exit_handler(igt_metis_clear_faults);
	}

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int load = 0; load < 2; load++) {
			igt_subtest_group {
				igt_describe("Detach and reattach the card; a new client "
					     "then runs verified jobs.");
				igt_subtest_f("%s%s", cases[i].name, load ? "-with-load" : "")
					for (int r = 0; r < repeat; r++)
						run(&p, cases[i].e, cases[i].when, load);

				igt_fixture {
					if (p.fd >= 0)
						close(p.fd);
					p.fd = -1;
					recover(&p);
				}
			}
		}
	}

	igt_describe("rmmod refused while a client holds the device; rmmod after "
		     "busy clients exit, insmod, verified jobs; METIS_RELOAD_COUNT "
		     "times in a row (default 10).");
	igt_subtest("module-reload-with-load")
		module_reload(&p, true, getenv("METIS_RELOAD_COUNT") ?
			      atoi(getenv("METIS_RELOAD_COUNT")) : 10);
}
