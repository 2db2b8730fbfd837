// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Tests of libdrm_metis that need no card (meson test, or by hand):
 *
 *   metis_hosttest [TEST...]
 *
 * Prints PASS/FAIL lines as metis_libtest does; exit status 1 if any
 * failed.  Driver nodes are simulated: this program defines ioctl(), which
 * libdrm's calls reach first, and answers for a memfd as a DRM driver of a
 * chosen name would (the fd is recognised by its inode, as the library
 * duplicates it).  Everything else goes to the kernel.
 *
 * The file also builds against release 1.0's header (LIBDRM_METIS_VERSION
 * undefined), to show which tests the old library fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libdrm_metis.h"
#include "metis_enum.h"

#ifndef LIBDRM_METIS_VERSION
#define LIBDRM_METIS_VERSION 0x010000
/*
 * What a program linked against the 1.0 library carries: references to
 * the 1.0 versions (linking against a later library would pick the
 * default, later, versions).
 */
__asm__(".symver metis_get_info,metis_get_info@LIBDRM_METIS_1");
__asm__(".symver metis_submit,metis_submit@LIBDRM_METIS_1");
__asm__(".symver metis_run,metis_run@LIBDRM_METIS_1");
#endif

static char reason[512];

#define CHECK(cond, fmt...) \
	do { \
		if (!(cond)) { \
			snprintf(reason, sizeof(reason), fmt); \
			return -1; \
		} \
	} while (0)

/* The simulated driver: its node's inode, its name and what it saw. */
static struct {
	dev_t dev;
	ino_t ino;
	const char *name;
	uint32_t param_base;		/* GET_PARAM answers param_base + param */
	uint32_t device_id;
	uint32_t submit_stride;		/* last SUBMIT's job_stride */
	uint32_t submit_count;
} fake;

static int is_fake(int fd)
{
	struct stat st;

	return fake.name && !fstat(fd, &st) && st.st_dev == fake.dev &&
	       st.st_ino == fake.ino;
}

static int fake_ioctl(unsigned long req, void *arg)
{
	if (req == DRM_IOCTL_VERSION) {
		struct drm_version *v = arg;
		size_t n = strlen(fake.name);

		if (v->name && v->name_len)
			memcpy(v->name, fake.name, v->name_len < n ? v->name_len : n);
		v->name_len = n;
		v->date_len = 0;
		v->desc_len = 0;
		v->version_major = 1;
		return 0;
	}
	/*
	 * Command 0x00: metis's GET_PARAM, and ivpu's, with the same layout
	 * ({ u32 param; u32 index/pad; u64 value }): both answer.
	 */
	if (_IOC_NR(req) == DRM_COMMAND_BASE + DRM_METIS_GET_PARAM) {
		struct drm_metis_get_param *gp = arg;

		gp->value = gp->param == DRM_METIS_PARAM_DEVICE_ID ?
			    fake.device_id : fake.param_base + gp->param;
		return 0;
	}
	if (req == DRM_IOCTL_METIS_SUBMIT) {
		struct drm_metis_submit *s = arg;

		fake.submit_stride = s->job_stride;
		fake.submit_count = s->job_count;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (is_fake(fd))
		return fake_ioctl(req, arg);
	return syscall(SYS_ioctl, fd, req, arg);
}

/* A node of a driver called @name (NULL: stop simulating); its fd. */
static int fake_node(const char *name, uint32_t device_id)
{
	struct stat st;
	int fd = memfd_create("fake-drm-node", MFD_CLOEXEC);

	if (fd < 0 || fstat(fd, &st))
		return -1;
	fake.dev = st.st_dev;
	fake.ino = st.st_ino;
	fake.name = name;
	fake.device_id = device_id;
	fake.param_base = 100;
	return fd;
}

/* An ivpu (Intel NPU) node: GET_PARAM 0 answers, with ivpu's values. */
static int t_open_foreign(void)
{
	struct metis_device *dev = NULL;
	int fd = fake_node("ivpu", 0x8086643e), ret;

	CHECK(fd >= 0, "memfd: %s", strerror(errno));
	ret = metis_device_open_fd(fd, &dev);
	if (!ret)
		metis_device_close(dev);
	close(fd);
	CHECK(ret == -ENOTTY, "an ivpu node opened as a metis card (%d: %s)",
	      ret, metis_strerror(ret));

	/* Not a DRM node at all. */
	fd = open("/dev/null", O_RDWR);
	ret = metis_device_open_fd(fd, &dev);
	if (!ret)
		metis_device_close(dev);
	close(fd);
	CHECK(ret == -ENOTTY, "/dev/null opened as a metis card (%d)", ret);
	return 0;
}

/* A node of the metis driver opens (the check refuses only others). */
static int t_open_metis(void)
{
	struct metis_device *dev = NULL;
	int fd = fake_node("metis", 0x1f9d1100), ret;

	CHECK(fd >= 0, "memfd: %s", strerror(errno));
	ret = metis_device_open_fd(fd, &dev);
	close(fd);
	CHECK(ret == 0, "a metis node did not open: %s", metis_strerror(ret));
	metis_device_close(dev);
	return 0;
}

#if LIBDRM_METIS_VERSION >= 0x010100
/* struct metis_info as a program of a later release would know it. */
struct info_later {
	struct metis_info known;
	uint64_t later_field;
};

static int t_info_size(void)
{
	struct metis_info info = METIS_INFO_INIT;
	struct info_later later;
	struct metis_device *dev;
	int fd = fake_node("metis", 0x1f9d1100), ret;

	CHECK(fd >= 0, "memfd: %s", strerror(errno));
	ret = metis_device_open_fd(fd, &dev);
	close(fd);
	CHECK(!ret, "open: %s", metis_strerror(ret));

	ret = metis_get_info(dev, &info);
	CHECK(!ret, "metis_get_info: %s", metis_strerror(ret));
	CHECK(info.size == sizeof(info), "size %u", info.size);
	CHECK(info.device_id == 0x1f9d1100 && info.max_jobs ==
	      100 + DRM_METIS_PARAM_MAX_JOBS && info.mem_size ==
	      100 + DRM_METIS_PARAM_DEVICE_MEM_SIZE, "values not filled");

	/* An older program: only the fields up to device_id. */
	memset(&info, 0xaa, sizeof(info));
	info.size = 12;
	info.flags = 0;
	ret = metis_get_info(dev, &info);
	CHECK(!ret && info.size == 12 && info.device_id == 0x1f9d1100,
	      "short struct: %d, size %u", ret, info.size);
	CHECK(info.fw_version == 0xaaaaaaaa, "wrote past the caller's size");

	/* A newer program: its unknown tail is zeroed, size says so. */
	memset(&later, 0xaa, sizeof(later));
	later.known.size = sizeof(later);
	later.known.flags = 0;
	ret = metis_get_info(dev, &later.known);
	CHECK(!ret && later.known.size == sizeof(struct metis_info),
	      "long struct: %d, size %u", ret, later.known.size);
	CHECK(later.later_field == 0, "tail not zeroed");

	info.size = 4;
	CHECK(metis_get_info(dev, &info) == -EINVAL, "size 4 accepted");
	info = (struct metis_info){ .size = sizeof(info), .flags = 1 };
	CHECK(metis_get_info(dev, &info) == -EINVAL, "flags accepted");
	metis_device_close(dev);
	return 0;
}

/* metis_submit() passes the caller's job size as the stride. */
static int t_submit_stride(void)
{
	struct {
		struct drm_metis_job job;
		uint64_t later[4];
	} jobs[2];
	struct metis_device *dev;
	int fd = fake_node("metis", 0x1f9d1100), ret;

	CHECK(fd >= 0, "memfd: %s", strerror(errno));
	ret = metis_device_open_fd(fd, &dev);
	close(fd);
	CHECK(!ret, "open: %s", metis_strerror(ret));
	memset(jobs, 0, sizeof(jobs));
	ret = metis_submit(dev, &jobs[0].job, 2, sizeof(jobs[0]));
	CHECK(!ret, "submit: %s", metis_strerror(ret));
	CHECK(fake.submit_stride == sizeof(jobs[0]) && fake.submit_count == 2,
	      "stride %u count %u", fake.submit_stride, fake.submit_count);
	ret = metis_submit(dev, &jobs[0].job, 1, sizeof(struct drm_metis_job));
	CHECK(!ret && fake.submit_stride == sizeof(struct drm_metis_job),
	      "stride %u", fake.submit_stride);
	metis_device_close(dev);
	return 0;
}

#else
/*
 * Built against release 1.0's header: its metis_get_info() and
 * metis_submit() must reach the 1.0 versions, still in the library as
 * name@LIBDRM_METIS_1.
 */
static int t_info_1_0(void)
{
	struct metis_info info;
	struct metis_device *dev;
	int fd = fake_node("metis", 0x1f9d1100), ret;

	CHECK(fd >= 0, "memfd: %s", strerror(errno));
	ret = metis_device_open_fd(fd, &dev);
	close(fd);
	CHECK(!ret, "open: %s", metis_strerror(ret));
	memset(&info, 0xaa, sizeof(info));
	ret = metis_get_info(dev, &info);
	CHECK(!ret, "metis_get_info: %s", metis_strerror(ret));
	CHECK(info.device_id == 0x1f9d1100 && info.fw_version ==
	      100 + DRM_METIS_PARAM_FW_VERSION && info.max_jobs ==
	      100 + DRM_METIS_PARAM_MAX_JOBS && info.mem_size ==
	      100 + DRM_METIS_PARAM_DEVICE_MEM_SIZE,
	      "1.0 layout not filled: device id %#x, max jobs %u", info.device_id,
	      info.max_jobs);
	metis_device_close(dev);
	return 0;
}

static int t_submit_1_0(void)
{
	struct drm_metis_job jobs[2];
	struct metis_device *dev;
	int fd = fake_node("metis", 0x1f9d1100), ret;

	CHECK(fd >= 0, "memfd: %s", strerror(errno));
	ret = metis_device_open_fd(fd, &dev);
	close(fd);
	CHECK(!ret, "open: %s", metis_strerror(ret));
	memset(jobs, 0, sizeof(jobs));
	ret = metis_submit(dev, jobs, 2);
	CHECK(!ret && fake.submit_stride == 96 && fake.submit_count == 2,
	      "1.0 submit: %d, stride %u", ret, fake.submit_stride);
	metis_device_close(dev);
	return 0;
}
#endif

/* Bitwise CRC-32 (zlib's polynomial), the reference. */
static uint32_t crc_ref(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

#define CRC_THREADS 4
#define CRC_LEN 4096

static uint8_t crc_buf[CRC_LEN];
static uint32_t crc_want;
static pthread_barrier_t crc_barrier;

static void *crc_thread(void *arg)
{
	uint32_t *got = arg;

	pthread_barrier_wait(&crc_barrier);
	*got = metis_crc32(0, crc_buf, CRC_LEN);
	return NULL;
}

/*
 * The first calls of a process, from 4 threads at once, must all be
 * right.  A new process each round: only a first call can race.
 */
static int t_crc_threads(void)
{
	int rounds = getenv("METIS_CRC_ROUNDS") ? atoi(getenv("METIS_CRC_ROUNDS")) : 3000;
	int bad = 0, i;

	for (i = 0; i < CRC_LEN; i++)
		crc_buf[i] = i * 7 + (i >> 8);
	crc_want = crc_ref(crc_buf, CRC_LEN);
	for (i = 0; i < rounds && !bad; i++) {
		pid_t pid = fork();
		int st;

		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (!pid) {
			pthread_t t[CRC_THREADS];
			uint32_t got[CRC_THREADS];
			int k, wrong = 0;

			pthread_barrier_init(&crc_barrier, NULL, CRC_THREADS);
			for (k = 0; k < CRC_THREADS; k++)
				pthread_create(&t[k], NULL, crc_thread, &got[k]);
			for (k = 0; k < CRC_THREADS; k++) {
				pthread_join(t[k], NULL);
				wrong |= got[k] != crc_want;
			}
			_exit(wrong);
		}
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
		bad = !WIFEXITED(st) || WEXITSTATUS(st);
	}
	CHECK(!bad, "wrong CRC from a first call racing another, in round %d of %d",
	      i, rounds);
	return 0;
}

static int t_crc(void)
{
	static uint8_t big[100000];

	CHECK(metis_crc32(0, "123456789", 9) == 0xcbf43926, "check value");
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = i ^ (i >> 9);
	CHECK(metis_crc32(metis_crc32(0, big, 777), big + 777, sizeof(big) - 777) ==
	      crc_ref(big, sizeof(big)), "chained CRC");
	CHECK(metis_crc32(0x1234, NULL, 0) == 0x1234, "empty buffer changes the CRC");
	return 0;
}

/*
 * The card enumeration (src/metis_enum.c, which the IGT helpers build
 * too) on a sysfs of its own: a private mount namespace with a tmpfs over
 * /sys/class holding accel10 (metis "Alpha" 1f9d:11aa, 0000:0a:00.0),
 * accel1 (another vendor), accel3 (1f9d, another device), accel2 (metis
 * "Omega" 1f9d:1100, 0000:02:00.0, node renamed by its uevent).
 * Index 0 must be accel2, index 1 accel10: the order of the minors, not
 * of names or of readdir.  Runs in a child (the namespace stays there);
 * needs root, else it says so and fails.
 */
static int mkcard(const char *name, const char *pci, const char *vendor,
		  const char *device, const char *devname)
{
	char path[256], link[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/pcidev/%s", pci);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/pcidev/%s/vendor", pci);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n", vendor);
	fclose(f);
	snprintf(path, sizeof(path), "/sys/class/pcidev/%s/device", pci);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%s\n", device);
	fclose(f);
	snprintf(path, sizeof(path), "/sys/class/accel/%s", name);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/accel/%s/device", name);
	snprintf(link, sizeof(link), "../../pcidev/%s", pci);
	if (symlink(link, path))
		return -1;
	snprintf(path, sizeof(path), "/sys/class/accel/%s/uevent", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "MAJOR=261\nMINOR=%s\nDEVNAME=%s\n", name + 5, devname);
	fclose(f);
	return 0;
}

static int match_any(unsigned int idx, const struct metis_card *c,
		     const void *arg)
{
	return idx == *(const unsigned int *)arg;
}

static int enum_child(void)
{
	struct metis_card c;
	unsigned int i;
	int n;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("fake-sysfs", "/sys/class", "tmpfs", 0, NULL)) {
		printf("enumeration: no private mount namespace (%s): run as root\n",
		       strerror(errno));
		return 3;
	}
	if (mkdir("/sys/class/accel", 0755) || mkdir("/sys/class/pcidev", 0755) ||
	    mkcard("accel10", "0000:0a:00.0", "0x1f9d", "0x11aa", "accel/accel10") ||
	    mkcard("accel1", "0000:01:00.0", "0x8086", "0x1100", "accel/accel1") ||
	    mkcard("accel3", "0000:03:00.0", "0x1f9d", "0x1234", "accel/accel3") ||
	    mkcard("accel2", "0000:02:00.0", "0x1f9d", "0x1100", "accel/metis-b"))
		return 4;
	n = metis_enum_cards(NULL, NULL, NULL);
	if (n != 2) {
		printf("enumeration: %d cards, want 2\n", n);
		return 1;
	}
	i = 0;
	if (metis_enum_cards(match_any, &i, &c) != 0 || strcmp(c.name, "accel2") ||
	    strcmp(c.pci, "0000:02:00.0") || strcmp(c.node, "/dev/accel/metis-b")) {
		printf("enumeration: index 0 is %s %s %s, want accel2 0000:02:00.0 /dev/accel/metis-b\n",
		       c.name, c.pci, c.node);
		return 1;
	}
	i = 1;
	if (metis_enum_cards(match_any, &i, &c) != 1 || strcmp(c.name, "accel10") ||
	    strcmp(c.pci, "0000:0a:00.0")) {
		printf("enumeration: index 1 is %s %s, want accel10 0000:0a:00.0\n",
		       c.name, c.pci);
		return 1;
	}
	i = 2;
	if (metis_enum_cards(match_any, &i, &c) != -ENODEV) {
		printf("enumeration: an index 2\n");
		return 1;
	}
	/* The library's public calls see the same. */
	if (metis_device_count() != 2) {
		printf("enumeration: metis_device_count() = %d\n", metis_device_count());
		return 1;
	}
	return 0;
}

static int t_enum_order(void)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		int r = enum_child();

		fflush(stdout);
		_exit(r);
	}
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the enumeration on a sysfs of 3 accel nodes is wrong (status %#x, see above)", st);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} tests[] = {
	/* First: before any call of metis_crc32() in this process. */
	{ "crc-threads", t_crc_threads },
	{ "crc", t_crc },
	{ "open-foreign-driver", t_open_foreign },
	{ "open-metis-driver", t_open_metis },
	{ "enum-order", t_enum_order },
#if LIBDRM_METIS_VERSION >= 0x010100
	{ "info-size", t_info_size },
	{ "submit-stride", t_submit_stride },
#else
	{ "info-1.0", t_info_1_0 },
	{ "submit-1.0", t_submit_1_0 },
#endif
};

int main(int argc, char **argv)
{
	int failed = 0;

	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int want = argc < 2, ret;

		for (int k = 1; k < argc; k++)
			want |= !strcmp(argv[k], tests[i].name);
		if (!want)
			continue;
		reason[0] = '\0';
		ret = tests[i].fn();
		fake.name = NULL;
		if (ret) {
			printf("FAIL host-%s: %s\n", tests[i].name, reason);
			failed++;
		} else {
			printf("PASS host-%s\n", tests[i].name);
		}
		fflush(stdout);
	}
	return failed ? 1 : 0;
}
