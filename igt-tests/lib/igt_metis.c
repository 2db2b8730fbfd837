// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * IGT helpers for the metis accel driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>
#include <zlib.h>

#include "igt.h"
#include "igt_metis.h"
#include "metis_enum.h"

static int metis_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

/*
 * The library's enumeration (libdrm-metis/src/metis_enum.c, built into
 * these helpers too): the same cards in the same order as
 * metis_device_open(0) and `metis -d 0`.
 */
int __igt_metis_open(void)
{
	struct metis_card card;

	return metis_enum_open(0, &card);
}

int igt_metis_open(void)
{
	int fd = __igt_metis_open();

	igt_require_f(fd >= 0, "no metis card: %s\n", strerror(-fd));
	return fd;
}

int igt_metis_sysfs_dev(int fd)
{
	char path[128];
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return -1;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	return open(path, O_RDONLY | O_DIRECTORY);
}

bool igt_metis_pci_address(int fd, char *buf, size_t len)
{
	char path[128], link[256], *p;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return false;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	p = strrchr(link, '/');
	snprintf(buf, len, "%s", p ? p + 1 : link);
	return true;
}

int __igt_metis_get_param(int fd, uint32_t param, uint32_t pad,
			  uint64_t *value)
{
	struct drm_metis_get_param gp = { .param = param, .pad = pad };
	int ret = metis_ioctl(fd, DRM_IOCTL_METIS_GET_PARAM, &gp);

	if (!ret && value)
		*value = gp.value;
	return ret;
}

uint64_t igt_metis_get_param(int fd, uint32_t param)
{
	uint64_t v = 0;

	igt_assert_eq(__igt_metis_get_param(fd, param, 0, &v), 0);
	return v;
}

int __igt_metis_bo_create(int fd, uint64_t size, uint32_t flags,
			  uint32_t *handle)
{
	struct drm_metis_bo_create c = { .size = size, .flags = flags };
	int ret = metis_ioctl(fd, DRM_IOCTL_METIS_BO_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

uint32_t igt_metis_bo_create(int fd, uint64_t size, uint32_t flags, int err)
{
	uint32_t handle = 0;

	igt_assert_eq(__igt_metis_bo_create(fd, size, flags, &handle), -err);
	if (!err)
		igt_assert(handle);
	return handle;
}

int __igt_metis_bo_info(int fd, struct drm_metis_bo_info *info)
{
	return metis_ioctl(fd, DRM_IOCTL_METIS_BO_INFO, info);
}

void igt_metis_bo_info(int fd, struct drm_metis_bo_info *info, int err)
{
	igt_assert_eq(__igt_metis_bo_info(fd, info), -err);
}

void *igt_metis_bo_mmap(int fd, uint32_t handle, uint64_t size)
{
	struct drm_metis_bo_info info = { .handle = handle };
	void *p;

	igt_metis_bo_info(fd, &info, 0);
	igt_assert(info.mmap_offset);
	igt_assert_lte_u64(size, info.size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	igt_assert(p != MAP_FAILED);
	return p;
}

void igt_metis_bo_close(int fd, uint32_t handle)
{
	struct drm_gem_close cl = { .handle = handle };

	igt_assert_eq(metis_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl), 0);
}

int64_t igt_metis_abs_timeout(int64_t rel_ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec + rel_ns;
}

int __igt_metis_bo_wait(int fd, uint32_t handle, uint32_t pad,
			int64_t timeout_ns)
{
	struct drm_metis_bo_wait w = {
		.handle = handle,
		.pad = pad,
		.timeout_ns = igt_metis_abs_timeout(timeout_ns),
	};

	return metis_ioctl(fd, DRM_IOCTL_METIS_BO_WAIT, &w);
}

void igt_metis_bo_wait(int fd, uint32_t handle, int64_t timeout_ns, int err)
{
	igt_assert_eq(__igt_metis_bo_wait(fd, handle, 0, timeout_ns), -err);
}

void igt_metis_job_copy(struct drm_metis_job *job, uint32_t dst,
			uint64_t dst_off, uint32_t src, uint64_t src_off,
			uint64_t size, uint32_t channel)
{
	memset(job, 0, sizeof(*job));
	job->op = DRM_METIS_OP_COPY;
	job->dst_handle = dst;
	job->dst_offset = dst_off;
	job->src_handle = src;
	job->src_offset = src_off;
	job->size = size;
	job->channel = channel;
}

void igt_metis_job_fw(struct drm_metis_job *job, uint32_t opcode,
		      uint32_t region, uint64_t offset, uint64_t size,
		      uint32_t param, uint32_t context)
{
	memset(job, 0, sizeof(*job));
	job->op = DRM_METIS_OP_FW;
	job->fw_opcode = opcode;
	job->dst_handle = region;
	job->dst_offset = offset;
	job->size = size;
	job->fw_param = param;
	job->channel = context;
}

int __igt_metis_submit_raw(int fd, struct drm_metis_submit *submit)
{
	return metis_ioctl(fd, DRM_IOCTL_METIS_SUBMIT, submit);
}

int __igt_metis_submit(int fd, struct drm_metis_job *jobs, unsigned int count)
{
	struct drm_metis_submit s = {
		.jobs = (uintptr_t)jobs,
		.job_count = count,
		.job_stride = sizeof(*jobs),
	};

	return __igt_metis_submit_raw(fd, &s);
}

void igt_metis_submit(int fd, struct drm_metis_job *jobs, unsigned int count,
		      int err)
{
	igt_assert_eq(__igt_metis_submit(fd, jobs, count), -err);
}

uint32_t igt_metis_syncobj_create(int fd)
{
	uint32_t h = 0;

	igt_assert_eq(drmSyncobjCreate(fd, 0, &h), 0);
	return h;
}

void igt_metis_syncobj_destroy(int fd, uint32_t handle)
{
	igt_assert_eq(drmSyncobjDestroy(fd, handle), 0);
}

int __igt_metis_syncobj_wait(int fd, uint32_t handle, uint64_t point,
			     int64_t timeout_ns)
{
	int64_t abs = igt_metis_abs_timeout(timeout_ns);
	uint32_t flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	int ret;

	if (point)
		ret = drmSyncobjTimelineWait(fd, &handle, &point, 1, abs, flags,
					     NULL);
	else
		ret = drmSyncobjWait(fd, &handle, 1, abs, flags, NULL);
	return ret ? -errno : 0;
}

bool igt_metis_syncobj_busy(int fd, uint32_t handle, uint64_t point)
{
	return __igt_metis_syncobj_wait(fd, handle, point, 0) == -ETIME;
}

void igt_metis_run(int fd, struct drm_metis_job *jobs, unsigned int count,
		   int err)
{
	struct drm_metis_sync out = { .flags = DRM_METIS_SYNC_TIMELINE };
	unsigned int last = count - 1;

	igt_assert(count);
	/* The last job signals; earlier ones finish first on the same BO. */
	igt_assert_eq(jobs[last].out_sync_count, 0);
	out.handle = igt_metis_syncobj_create(fd);
	out.point = 1;
	jobs[last].out_syncs = (uintptr_t)&out;
	jobs[last].out_sync_count = 1;
	igt_metis_submit(fd, jobs, count, 0);
	igt_assert_eq(__igt_metis_syncobj_wait(fd, out.handle, 1,
					       30 * NSEC_PER_SEC), 0);
	for (unsigned int i = 0; i < count; i++)
		igt_metis_bo_wait(fd, jobs[i].dst_handle, 30 * NSEC_PER_SEC,
				  i == last ? err : 0);
	jobs[last].out_syncs = 0;
	jobs[last].out_sync_count = 0;
	igt_metis_syncobj_destroy(fd, out.handle);
}

void igt_metis_copy(int fd, uint32_t dst, uint64_t dst_off, uint32_t src,
		    uint64_t src_off, uint64_t size, uint32_t channel)
{
	struct drm_metis_job job;

	igt_metis_job_copy(&job, dst, dst_off, src, src_off, size, channel);
	igt_metis_run(fd, &job, 1, 0);
}

bool igt_metis_has_qmp(void)
{
	return system("command -v tb-qmp > /dev/null 2>&1") == 0 &&
	       access("/results/requests", W_OK) == 0;
}

void igt_require_metis_qmp(void)
{
	igt_require_f(igt_metis_has_qmp(),
		      "no host request channel (tb-qmp): not in a test-bed guest\n");
}

int igt_metis_qmp(const char *json, char *reply, size_t len)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int st;

	igt_assert(strchr(json, '\'') == NULL);
	snprintf(cmd, sizeof(cmd), "tb-qmp '%s' 30 2>&1", json);
	p = popen(cmd, "r");
	igt_assert(p);
	if (reply && len) {
		n = fread(reply, 1, len - 1, p);
		reply[n] = '\0';
	} else {
		char sink[256];

		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The card's QOM path: -device metis,id=metis0 unless told otherwise. */
static const char *card_qom_path(void)
{
	const char *p = getenv("METIS_QOM_PATH");

	return p ? p : "/machine/peripheral/metis0";
}

/* Whether this process set a fault: only then is there one to undo. */
static bool faults_set;

/*
 * qom-set of the card's @property to @value (JSON text); the QMP exit
 * status, the reply in @reply.
 */
static int card_qom_set(const char *property, const char *value,
			char *reply, size_t len)
{
	char json[512];

	faults_set = true;
	snprintf(json, sizeof(json),
		 "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"%s\","
		 "\"property\":\"%s\",\"value\":%s}}", card_qom_path(), property, value);
	return igt_metis_qmp(json, reply, len);
}

void igt_metis_fault_set(const char *property, uint64_t value)
{
	char val[32], reply[512];

	snprintf(val, sizeof(val), "%" PRIu64, value);
	igt_assert_f(card_qom_set(property, val, reply, sizeof(reply)) == 0,
		     "qom-set %s=%" PRIu64 " failed: %s\n", property, value, reply);
	igt_debug("fault %s = %" PRIu64 "\n", property, value);
}

/* The emulated card's integer QOM property @property (a stat-* counter). */
uint64_t igt_metis_card_stat(const char *property)
{
	char json[512], reply[512];
	const char *v;

	snprintf(json, sizeof(json),
		 "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"%s\","
		 "\"property\":\"%s\"}}", card_qom_path(), property);
	igt_assert_f(igt_metis_qmp(json, reply, sizeof(reply)) == 0,
		     "qom-get %s failed: %s\n", property, reply);
	v = strstr(reply, "\"return\":");
	igt_assert_f(v, "qom-get %s: no value in %s\n", property, reply);
	return strtoull(v + strlen("\"return\":"), NULL, 10);
}

int igt_metis_pci_dir(const char *pci)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", pci);
	return open(path, O_RDONLY | O_DIRECTORY);
}

bool igt_metis_bound(const char *pci)
{
	char path[160];

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/metis/%s", pci);
	return access(path, F_OK) == 0;
}

static void driver_write(const char *file, const char *pci)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/metis/%s", file);
	fd = open(path, O_WRONLY);
	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(errno));
	igt_assert_f(write(fd, pci, strlen(pci)) == (ssize_t)strlen(pci),
		     "write %s to %s: %s\n", pci, path, strerror(errno));
	close(fd);
}

void igt_metis_unbind(const char *pci)
{
	driver_write("unbind", pci);
	igt_assert(!igt_metis_bound(pci));
}

void igt_metis_bind(const char *pci)
{
	driver_write("bind", pci);
	igt_assert(igt_metis_bound(pci));
}

char *igt_metis_runtime_status(const char *pci, char *buf, size_t len)
{
	char path[160];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/power/runtime_status", pci);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return buf;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

uint64_t igt_metis_wait_state(int fd, uint64_t want, int timeout_s)
{
	uint64_t s = ~0ull;

	for (int i = 0; i < timeout_s * 20; i++) {
		s = igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_STATE);
		if (s == want)
			break;
		usleep(50000);
	}
	return s;
}

int igt_metis_wait_ready(int timeout_s)
{
	uint64_t state;
	int fd = -ENODEV;

	for (int i = 0; i < timeout_s * 10; i++) {
		if (fd < 0)
			fd = __igt_metis_open();
		if (fd >= 0 &&
		    !__igt_metis_get_param(fd, DRM_METIS_PARAM_DEVICE_STATE, 0, &state) &&
		    (state == DRM_METIS_STATE_READY ||
		     state == DRM_METIS_STATE_SUSPENDED))
			return fd;
		usleep(100000);
	}
	if (fd >= 0)
		close(fd);
	return -ETIMEDOUT;
}

unsigned int igt_metis_time_scale(void)
{
	const char *env = getenv("METIS_TIME_SCALE");
	unsigned long scale = env ? strtoul(env, NULL, 10) : 1;

	return scale >= 1 && scale <= 100 ? scale : 1;
}

void igt_metis_set_timeout(unsigned int seconds, const char *op)
{
	igt_set_timeout(seconds * igt_metis_time_scale(), op);
}

void igt_metis_reopen_as(int fd, int timeout_s)
{
	int nfd = igt_metis_wait_ready(timeout_s);

	igt_assert_f(nfd >= 0, "no ready metis card after %d s: %s\n",
		     timeout_s, strerror(-nfd));
	if (nfd == fd)
		return;
	igt_assert_eq(dup3(nfd, fd, O_CLOEXEC), fd);
	close(nfd);
}

void igt_metis_link_down(bool down)
{
	char reply[512];

	igt_assert_f(card_qom_set("link-down", down ? "true" : "false",
				  reply, sizeof(reply)) == 0,
		     "qom-set link-down=%d failed: %s\n", down, reply);
}

void igt_metis_clear_faults(int sig)
{
	static const char *const props[] = {
		"fault-drop-completions", "fault-fw-boot-fail", "fault-corrupt",
		"fault-irq-storm-hz",
	};

	/* Each request is a host round trip: none when nothing was set. */
	if (!faults_set || !igt_metis_has_qmp())
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(props); i++)
		card_qom_set(props[i], "0", NULL, 0);
	card_qom_set("fault-hold", "false", NULL, 0);
	card_qom_set("link-down", "false", NULL, 0);
}

void igt_metis_hold(bool on)
{
	char reply[512];

	igt_assert_f(card_qom_set("fault-hold", on ? "true" : "false",
				  reply, sizeof(reply)) == 0,
		     "qom-set fault-hold=%d failed: %s\n", on, reply);
	igt_debug("fault-hold = %d\n", on);
}

/*
 * A -device property value as QMP's device_add takes it: typed JSON (a
 * boolean, a number; sizes with K/M/G suffixes in bytes), else a string.
 */
static size_t prop_json_value(const char *v, char *out, size_t len)
{
	static const char *const yes[] = { "on", "true", "yes" };
	static const char *const no[] = { "off", "false", "no" };
	unsigned long long x;
	char *end;

	for (unsigned int i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i]))
			return snprintf(out, len, "true");
		if (!strcmp(v, no[i]))
			return snprintf(out, len, "false");
	}
	errno = 0;
	x = strtoull(v, &end, 0);
	if (!errno && end != v && *v != '-') {
		const char *sfx = "KMGT", *p = *end ? strchr(sfx, *end) : NULL;

		if (p && !end[1])
			x <<= 10 * (p - sfx + 1);
		if (!*end || (p && !end[1]))
			return snprintf(out, len, "%llu", x);
	}
	return snprintf(out, len, "\"%s\"", v);
}

const char *igt_metis_card_props_json(void)
{
	static char json[512];
	const char *env = getenv("TB_CARD_PROPS");
	char *copy, *save = NULL, *prop;
	size_t n = 0;

	if (json[0] || !env || !*env)
		return json;
	copy = strdup(env);
	igt_assert(copy);
	for (prop = strtok_r(copy, ",", &save); prop;
	     prop = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(prop, '=');

		igt_assert_f(eq && !strpbrk(prop, "\"'\\"),
			     "TB_CARD_PROPS: bad property '%s'\n", prop);
		*eq = '\0';
		n += snprintf(json + n, sizeof(json) - n, ",\"%s\":", prop);
		igt_assert(n < sizeof(json));
		n += prop_json_value(eq + 1, json + n, sizeof(json) - n);
		igt_assert(n < sizeof(json));
	}
	free(copy);
	return json;
}

bool igt_metis_has_fw(int fd)
{
	return igt_metis_get_param(fd, DRM_METIS_PARAM_CONTEXTS) > 0;
}

void igt_require_metis_fw(int fd)
{
	igt_require_f(igt_metis_has_fw(fd),
		      "the card has no runtime firmware of ours (CONTEXTS = 0: "
		      "the card exactly as published), firmware jobs are refused\n");
}

bool igt_metis_debugfs_read(int fd, const char *file, char *buf, size_t len)
{
	char pci[64], path[192];
	ssize_t n;
	int dfd;

	if (!igt_metis_pci_address(fd, pci, sizeof(pci)))
		return false;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/%s", pci, file);
	dfd = open(path, O_RDONLY);
	if (dfd < 0)
		return false;
	n = read(dfd, buf, len - 1);
	close(dfd);
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

int64_t igt_metis_jobs_started(int fd)
{
	char buf[4096], *line, *save = NULL;
	int col = -1, row = 0;
	int64_t sum = 0;

	if (!igt_metis_debugfs_read(fd, "queues", buf, sizeof(buf)))
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), row++) {
		char *w, *s2 = NULL;
		int i = 0;

		for (w = strtok_r(line, " \t", &s2); w;
		     w = strtok_r(NULL, " \t", &s2), i++) {
			if (!row && !strcmp(w, "submitted"))
				col = i;
			else if (row && i == col)
				sum += strtoll(w, NULL, 10);
		}
		if (!row && col < 0)
			return -1;
	}
	return row > 1 ? sum : -1;
}

void igt_metis_pattern(void *buf, uint64_t size, uint32_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 0x1234567;
	uint8_t *p = buf;
	uint64_t i;

	for (i = 0; i + 8 <= size; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
	for (; i < size; i++)
		p[i] = x >> (8 * (i & 7));
}

uint64_t igt_metis_first_diff(const void *a, const void *b, uint64_t size)
{
	const uint8_t *x = a, *y = b;
	uint64_t i;

	for (i = 0; i < size; i++)
		if (x[i] != y[i])
			return i;
	return size;
}

/* zlib's CRC-32: the firmware's CRC32 command computes the same. */
uint32_t igt_metis_crc32(uint32_t crc, const void *buf, size_t len)
{
	return buf ? crc32_z(crc, buf, len) : crc;
}
