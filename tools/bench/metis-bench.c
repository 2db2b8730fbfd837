// SPDX-License-Identifier: MIT
/*
 * metis-bench: measurements for `make bench` (Documentation/performance.md).
 * Runs in a test-bed guest.  Prints raw measurements as lines
 *   R,<section>,<key>,<value>
 * that tools/bench/report.py turns into ratios (every figure there is a
 * ratio against a reference measured in the same run and the same guest).
 *
 *   metis-bench dma MAX MAXCH [MIN [TRIES]]  round trips host->card->host
 *   metis-bench jobs N                        one by one, pipelined, batched
 *   metis-bench lat N CLIENTS                 minimal job latency
 *   metis-bench dmabuf SIZE                   udmabuf / vgem imports
 *   metis-bench cold KO                       insmod to first completed job
 *   metis-bench s3 UPLOAD                     upload, S3, first job, upload
 *   metis-bench rpm                           runtime suspend, first job
 *
 * The model's statistics come from QMP through the test bed's tb-qmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/udmabuf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include "libdrm_metis.h"

#define QOM_PATH "/machine/peripheral/metis0"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "metis-bench: %s: %s\n", what,
		err < 0 ? metis_strerror(err) : strerror(errno));
	exit(1);
}

static void out(const char *sec, const char *key, double v)
{
	printf("R,%s,%s,%.6g\n", sec, key, v);
	fflush(stdout);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'g': case 'G': v <<= 10; /* fall through */
	case 'm': case 'M': v <<= 10; /* fall through */
	case 'k': case 'K': v <<= 10;
	}
	return v;
}

/* A statistic of the model through tb-qmp (the host's QMP connection). */
static uint64_t qom_get(const char *prop)
{
	char cmd[512], line[512];
	uint64_t v = 0;
	int found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "tb-qmp '{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"%s\","
		 "\"property\":\"%s\"}}'", QOM_PATH, prop);
	p = popen(cmd, "r");
	if (!p)
		die("popen tb-qmp", 0);
	while (fgets(line, sizeof(line), p)) {
		char *r = strstr(line, "\"return\"");

		if (r && (r = strchr(r, ':'))) {
			v = strtoull(r + 1, NULL, 10);
			found = 1;
		}
	}
	if (pclose(p) != 0 || !found) {
		fprintf(stderr, "metis-bench: qom-get %s failed\n", prop);
		exit(1);
	}
	return v;
}

struct stats { uint64_t bytes, busy, transfers; };

static void stats_get(struct stats *s)
{
	s->bytes = qom_get("stat-bytes");
	s->busy = qom_get("stat-busy-ns");
	s->transfers = qom_get("stat-transfers");
}

static struct metis_device *open_dev(void)
{
	struct metis_device *dev;
	int ret = metis_device_open(0, &dev);

	if (ret)
		die("open card", ret);
	return dev;
}

static struct metis_bo *bo_new(struct metis_device *dev, uint64_t size,
			       uint32_t flags)
{
	struct metis_bo *bo;
	int ret = metis_bo_create(dev, size, flags, &bo);

	if (ret)
		die("bo create", ret);
	return bo;
}

static void *bo_ptr(struct metis_bo *bo)
{
	void *p;
	int ret = metis_bo_map(bo, &p);

	if (ret)
		die("bo map", ret);
	return p;
}

static void fill(void *buf, uint64_t size, uint64_t seed)
{
	uint64_t *p = buf, x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (uint64_t i = 0; i < size / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
}

/*
 * Round trip of @size bytes: @src -> @card on @nch read channels, then
 * @card -> @dst on @nch write channels, channel c moving slice c of
 * size/nch between the c'th buffers (separate buffers: jobs sharing a
 * buffer are ordered by its implicit fences and could not overlap).
 */
static void round_trip(struct metis_device *dev, struct metis_bo **dst,
		       struct metis_bo **card, struct metis_bo **src,
		       uint64_t size, unsigned int nch)
{
	struct drm_metis_job jobs[4];
	uint64_t chunk = size / nch;
	unsigned int c;
	int ret;

	for (c = 0; c < nch; c++) {
		uint64_t len = c == nch - 1 ? size - c * chunk : chunk;

		metis_job_copy(&jobs[c], card[c], 0, src[c], 0, len);
		jobs[c].channel = c;
	}
	ret = metis_run(dev, jobs, nch, sizeof(jobs[0]), METIS_TIMEOUT_DEFAULT, NULL);
	if (ret)
		die("upload", ret);
	for (c = 0; c < nch; c++) {
		uint64_t len = c == nch - 1 ? size - c * chunk : chunk;

		metis_job_copy(&jobs[c], dst[c], 0, card[c], 0, len);
		jobs[c].channel = c;
	}
	ret = metis_run(dev, jobs, nch, sizeof(jobs[0]), METIS_TIMEOUT_DEFAULT, NULL);
	if (ret)
		die("download", ret);
}

/* Did every slice arrive? */
static int trip_ok(struct metis_bo **src, struct metis_bo **dst,
		   uint64_t size, unsigned int nch)
{
	uint64_t chunk = size / nch;
	unsigned int c;

	for (c = 0; c < nch; c++) {
		uint64_t len = c == nch - 1 ? size - c * chunk : chunk;

		if (memcmp(bo_ptr(src[c]), bo_ptr(dst[c]), len))
			return 0;
	}
	return 1;
}

/* Timed tries of each DMA measurement; the fastest counts. */
static unsigned int BEST = 3;

static unsigned int reps_for(uint64_t size)
{
	uint64_t r = (8ull << 20) / size;

	return r < 1 ? 1 : r > 32 ? 32 : r;
}

static int cmd_dma(uint64_t max, unsigned int maxch, uint64_t min)
{
	struct metis_device *dev = open_dev();
	struct metis_bo *src[4], *dst[4], *card[4];
	uint64_t size, t0, memcpy_ns;
	unsigned int nch, r, reps, c, k;
	char *s, *d, key[64];

	if (maxch < 1 || maxch > 4)
		maxch = 4;
	for (c = 0; c < maxch; c++) {
		/* Channel c moves at most max/(c+1) (c = 0: all of it). */
		uint64_t sz = (max / (c + 1) + 4095) & ~4095ull;

		src[c] = bo_new(dev, sz, DRM_METIS_BO_HOST);
		dst[c] = bo_new(dev, sz, DRM_METIS_BO_HOST);
		card[c] = bo_new(dev, sz, DRM_METIS_BO_DEVICE);
		fill(bo_ptr(src[c]), sz, c + 1);
		memset(bo_ptr(dst[c]), 0, sz);
	}
	s = bo_ptr(src[0]);
	d = bo_ptr(dst[0]);
	for (size = min; size <= max; size *= 4) {
		reps = reps_for(size);
		/*
		 * Reference: the CPU copying the same bytes (twice per trip).
		 * Every timing here is the fastest of BEST tries: the host is
		 * shared, and interference only ever makes a try slower.
		 */
		memcpy_ns = UINT64_MAX;
		for (k = 0; k < BEST; k++) {
			t0 = now_ns();
			for (r = 0; r < 2 * reps; r++) {
				memcpy(d, s, size);
				asm volatile("" ::: "memory");
			}
			t0 = now_ns() - t0;
			if (t0 < memcpy_ns)
				memcpy_ns = t0;
		}
		memset(d, 0, size);
		for (nch = 1; nch <= maxch; nch++) {
			struct stats a, b, ba = { 0 }, bb = { 0 };
			uint64_t wall = UINT64_MAX;

			round_trip(dev, dst, card, src, size, nch); /* warm */
			for (c = 0; c < nch; c++)
				memset(bo_ptr(dst[c]), 0, c == nch - 1 ?
				       size - c * (size / nch) : size / nch);
			for (k = 0; k < BEST; k++) {
				stats_get(&a);
				t0 = now_ns();
				for (r = 0; r < reps; r++)
					round_trip(dev, dst, card, src, size,
						   nch);
				t0 = now_ns() - t0;
				stats_get(&b);
				if (t0 < wall) {
					wall = t0;
					ba = a;
					bb = b;
				}
			}
			a = ba;
			b = bb;
			snprintf(key, sizeof(key), "%" PRIu64 ":%u", size, nch);
			printf("R,dma,%s,size=%" PRIu64 " ch=%u bytes=%" PRIu64
			       " wall_ns=%" PRIu64 " memcpy_ns=%" PRIu64
			       " model_bytes=%" PRIu64 " busy_ns=%" PRIu64
			       " transfers=%" PRIu64 " ok=%d\n", key, size, nch,
			       2 * size * reps, wall, memcpy_ns,
			       b.bytes - a.bytes, b.busy - a.busy,
			       b.transfers - a.transfers,
			       trip_ok(src, dst, size, nch));
			fflush(stdout);
		}
	}
	for (c = 0; c < maxch; c++) {
		metis_bo_free(card[c]);
		metis_bo_free(dst[c]);
		metis_bo_free(src[c]);
	}
	metis_device_close(dev);
	return 0;
}

/* One job, signalling @syncobj. */
static void submit1(struct metis_device *dev, struct drm_metis_job *job,
		    uint32_t syncobj)
{
	struct drm_metis_sync out = { .handle = syncobj };
	int ret;

	metis_job_syncs(job, NULL, 0, &out, 1);
	ret = metis_submit(dev, job, 1, sizeof(*job));
	if (ret)
		die("submit", ret);
}

static void wait1(struct metis_device *dev, uint32_t syncobj)
{
	int ret = metis_syncobj_wait(dev, &syncobj, NULL, 1,
				     METIS_TIMEOUT_DEFAULT);

	if (ret)
		die("syncobj wait", ret);
}

#define DEPTH 16
/* Jobs per SUBMIT in the batched mode: two SUBMITs in flight. */
#define GROUP (DEPTH / 2)

/* CPU time of this process and idle time of the guest, in ns. */
struct cpu_mark { uint64_t self, idle; };

static void cpu_mark(struct cpu_mark *m)
{
	unsigned long long v[8] = { 0 };
	struct timespec ts;
	FILE *f;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	m->self = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	m->idle = 0;
	f = fopen("/proc/stat", "r");
	if (f && fscanf(f, "cpu %llu %llu %llu %llu %llu", &v[0], &v[1],
			&v[2], &v[3], &v[4]) == 5)
		m->idle = (v[3] + v[4]) * (1000000000ull / sysconf(_SC_CLK_TCK));
	if (f)
		fclose(f);
}

static void jobs_out(const char *mode, uint64_t wall, const struct cpu_mark *a,
		     const struct cpu_mark *b)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_ns", mode);
	out("jobs", key, wall);
	/* Where the time went: this process, the guest idle, the rest
	 * (kernel threads and interrupts). */
	snprintf(key, sizeof(key), "%s_self_ns", mode);
	out("jobs", key, b->self - a->self);
	snprintf(key, sizeof(key), "%s_idle_ns", mode);
	out("jobs", key, b->idle - a->idle);
}

/* The jobs of cmd_jobs(): buffers and syncobjs shared by every mode. */
struct jobs_ctx {
	struct metis_device *dev;
	struct metis_bo *host[DEPTH], *card[DEPTH];
	uint32_t sync[DEPTH];
};

/* Job @i: buffer pair i % DEPTH, read channel i % 4, in every mode. */
static void jobs_job(struct jobs_ctx *c, struct drm_metis_job *j, unsigned int i)
{
	metis_job_copy(j, c->card[i % DEPTH], 0, c->host[i % DEPTH], 0, 4096);
	j->channel = i % 4;
}

/* One by one: submit, wait, next. */
static void jobs_serial(struct jobs_ctx *c, unsigned int n)
{
	struct drm_metis_job job;
	unsigned int i;

	for (i = 0; i < n; i++) {
		jobs_job(c, &job, i);
		submit1(c->dev, &job, c->sync[0]);
		wait1(c->dev, c->sync[0]);
	}
}

/* Pipelined: one submit per job, up to DEPTH in flight. */
static void jobs_pipelined(struct jobs_ctx *c, unsigned int n)
{
	struct drm_metis_job job;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i >= DEPTH)
			wait1(c->dev, c->sync[i % DEPTH]);
		jobs_job(c, &job, i);
		submit1(c->dev, &job, c->sync[i % DEPTH]);
	}
	for (i = 0; i < DEPTH && i < n; i++)
		wait1(c->dev, c->sync[(n + i) % DEPTH]);
}

/*
 * Batched: GROUP jobs per SUBMIT, each signalling its own syncobj, two
 * SUBMITs (DEPTH jobs) in flight; a group's syncobjs are waited together
 * (one wait) before they are reused.
 */
static void jobs_batched(struct jobs_ctx *c, unsigned int n)
{
	struct drm_metis_sync outs[GROUP];
	struct drm_metis_job group[GROUP];
	unsigned int i, k, g, cnt[2] = { 0 };
	int ret;

	for (i = 0; i < n; i += GROUP) {
		g = (i / GROUP) % 2;
		if (cnt[g]) {
			ret = metis_syncobj_wait(c->dev, &c->sync[g * GROUP], NULL,
						 cnt[g], METIS_TIMEOUT_DEFAULT);
			if (ret)
				die("syncobj wait", ret);
		}
		cnt[g] = n - i < GROUP ? n - i : GROUP;
		for (k = 0; k < cnt[g]; k++) {
			jobs_job(c, &group[k], i + k);
			outs[k] = (struct drm_metis_sync){ .handle = c->sync[g * GROUP + k] };
			metis_job_syncs(&group[k], NULL, 0, &outs[k], 1);
		}
		ret = metis_submit(c->dev, group, cnt[g], sizeof(group[0]));
		if (ret)
			die("submit", ret);
	}
	for (g = 0; g < 2; g++) {
		if (!cnt[g])
			continue;
		ret = metis_syncobj_wait(c->dev, &c->sync[g * GROUP], NULL, cnt[g],
					 METIS_TIMEOUT_DEFAULT);
		if (ret)
			die("syncobj wait", ret);
	}
}

#define JOB_ROUNDS 10

/*
 * @n small jobs (4 KiB host -> card copies) over DEPTH independent buffer
 * pairs (jobs on one buffer are ordered by its implicit fences), the same
 * jobs on the same queues in every mode: only the way they are submitted
 * and waited differs. The modes take turns in JOB_ROUNDS rounds of n /
 * JOB_ROUNDS jobs each, so that the shared host's load hits them alike.
 */
static int cmd_jobs(unsigned int n)
{
	static const char *const names[] = { "serial", "pipelined", "batched" };
	static void (*const modes[])(struct jobs_ctx *, unsigned int) = {
		jobs_serial, jobs_pipelined, jobs_batched,
	};
	struct cpu_mark a, b, sum[3] = { 0 }, zero = { 0 };
	uint64_t wall[3] = { 0 }, t0;
	unsigned int i, m, r, per = n / JOB_ROUNDS ? n / JOB_ROUNDS : 1;
	struct jobs_ctx c = { .dev = open_dev() };
	FILE *marker;

	for (i = 0; i < DEPTH; i++) {
		c.host[i] = bo_new(c.dev, 4096, DRM_METIS_BO_HOST);
		c.card[i] = bo_new(c.dev, 4096, DRM_METIS_BO_DEVICE);
		if (metis_syncobj_create(c.dev, &c.sync[i]))
			die("syncobj", -EIO);
	}
	/* Under bench.sh --trace, each mode's jobs are marked in the trace. */
	marker = fopen("/sys/kernel/tracing/trace_marker", "w");
	for (r = 0; r * per < n; r++) {
		for (m = 0; m < 3; m++) {
			if (marker) {
				fprintf(marker, "metis-bench mode=%s\n", names[m]);
				fflush(marker);
			}
			cpu_mark(&a);
			t0 = now_ns();
			modes[m](&c, n - r * per < per ? n - r * per : per);
			wall[m] += now_ns() - t0;
			cpu_mark(&b);
			sum[m].self += b.self - a.self;
			sum[m].idle += b.idle - a.idle;
		}
	}
	if (marker)
		fclose(marker);
	out("jobs", "count", n);
	for (m = 0; m < 3; m++)
		jobs_out(names[m], wall[m], &zero, &sum[m]);
	for (i = 0; i < DEPTH; i++) {
		metis_syncobj_destroy(c.dev, c.sync[i]);
		metis_bo_free(c.card[i]);
		metis_bo_free(c.host[i]);
	}
	metis_device_close(c.dev);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* @n latencies of a minimal job (FW NOP) into @lat. */
static void nop_latencies(uint64_t *lat, unsigned int n)
{
	struct metis_device *dev = open_dev();
	struct metis_bo *card = bo_new(dev, 4096, DRM_METIS_BO_DEVICE);
	struct drm_metis_job job;
	uint32_t sync;
	unsigned int i;

	if (metis_syncobj_create(dev, &sync))
		die("syncobj", -EIO);
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		metis_job_fw(&job, DRM_METIS_FW_NOP, card, 0, 4096, 0);
		submit1(dev, &job, sync);
		wait1(dev, sync);
		lat[i] = now_ns() - t0;
	}
	metis_syncobj_destroy(dev, sync);
	metis_bo_free(card);
	metis_device_close(dev);
}

static void pct(const char *sec, uint64_t *lat, unsigned int n)
{
	char key[64];

	qsort(lat, n, sizeof(*lat), cmp_u64);
	snprintf(key, sizeof(key), "median_ns");
	out(sec, key, lat[n / 2]);
	out(sec, "p99_ns", lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
}

static int cmd_lat(unsigned int n, unsigned int clients)
{
	uint64_t *lat = calloc((size_t)n * clients, sizeof(*lat));
	struct metis_device *dev = open_dev();
	unsigned int i, c;
	uint64_t v;

	/* Reference: a no-op ioctl round trip (GET_PARAM). */
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		metis_get_param(dev, DRM_METIS_PARAM_READ_CHANNELS, &v);
		lat[i] = now_ns() - t0;
	}
	pct("lat_ioctl", lat, n);
	metis_device_close(dev);

	nop_latencies(lat, 20); /* warm */
	nop_latencies(lat, n);
	pct("lat_1", lat, n);

	/* @clients processes at once, each with its own open file. */
	int fds[16][2];
	pid_t pids[16];

	for (c = 0; c < clients && c < 16; c++) {
		if (pipe(fds[c]))
			die("pipe", 0);
		pids[c] = fork();
		if (!pids[c]) {
			nop_latencies(lat, n);
			if (write(fds[c][1], lat, n * sizeof(*lat)) < 0)
				_exit(1);
			_exit(0);
		}
		close(fds[c][1]);
	}
	for (c = 0; c < clients && c < 16; c++) {
		size_t want = n * sizeof(*lat), got = 0;
		int st;

		while (got < want) {
			ssize_t r = read(fds[c][0], (char *)(lat + c * n) + got,
					 want - got);
			if (r <= 0)
				break;
			got += r;
		}
		waitpid(pids[c], &st, 0);
		if (got != want || !WIFEXITED(st) || WEXITSTATUS(st))
			die("client failed", -EIO);
	}
	pct("lat_multi", lat, n * clients);
	out("lat_multi", "clients", clients);
	free(lat);
	return 0;
}

/* Does /sys/kernel/debug/dma_buf/bufinfo list @addr as an attachment? */
static int dmabuf_attached(const char *addr)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "r");
	char line[512];
	int hits = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, addr))
			hits++;
	fclose(f);
	return hits;
}

static long swiotlb_used(void)
{
	FILE *f = fopen("/sys/kernel/debug/swiotlb/io_tlb_used_hiwater", "r");
	long v = -1;

	if (!f)
		f = fopen("/sys/kernel/debug/swiotlb/io_tlb_used", "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int udmabuf_new(uint64_t size, void **map)
{
	struct udmabuf_create c = { 0 };
	int memfd, dev, fd;

	memfd = memfd_create("metis-bench", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		die("memfd", 0);
	*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (*map == MAP_FAILED)
		die("mmap memfd", 0);
	dev = open("/dev/udmabuf", O_RDWR);
	if (dev < 0)
		return -errno;
	c.memfd = memfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	c.size = size;
	fd = ioctl(dev, UDMABUF_CREATE, &c);
	close(dev);
	close(memfd);
	return fd < 0 ? -errno : fd;
}

static int vgem_new(uint64_t size, void **map)
{
	char path[64];
	int i;

	for (i = 0; i < 16; i++) {
		struct drm_mode_create_dumb cd = { .width = size / 4, .height = 1,
						   .bpp = 32 };
		struct drm_mode_map_dumb md = { 0 };
		drmVersionPtr v;
		int fd, dfd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (!v || strcmp(v->name, "vgem")) {
			drmFreeVersion(v);
			close(fd);
			continue;
		}
		drmFreeVersion(v);
		if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd) ||
		    drmPrimeHandleToFD(fd, cd.handle, DRM_CLOEXEC | DRM_RDWR,
				       &dfd))
			die("vgem buffer", 0);
		md.handle = cd.handle;
		if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md))
			die("vgem map", 0);
		*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			    md.offset);
		if (*map == MAP_FAILED)
			die("vgem mmap", 0);
		return dfd; /* the vgem fd stays open: it owns the buffer */
	}
	return -ENODEV;
}

struct dmabuf_case {
	const char *name;
	int (*make)(uint64_t, void **);
	struct metis_bo *src, *dst;
	void *s, *d;
	int sfd, dfd, attached;
	/* The fastest round: its time and the model's busy time in it. */
	uint64_t wall, busy, bytes, model_bytes;
	long sw0, sw1;
};

static int native_new(uint64_t size, void **map)
{
	(void)size;
	*map = NULL;
	return 0;
}

/*
 * 64 MiB round trips card <-> native host BOs, udmabufs and vgem buffers,
 * interleaved over @rounds rounds so that the host's load hits all alike;
 * the fastest round of each is reported, as for the DMA figures (a shared
 * host only ever adds time: the median of five still caught a slow
 * stretch of one kind).
 */
static int cmd_dmabuf(uint64_t size, unsigned int rounds)
{
	struct metis_device *dev = open_dev();
	struct metis_bo *card = bo_new(dev, size, DRM_METIS_BO_DEVICE);
	const char *addr = metis_device_pci_address(dev);
	struct dmabuf_case cs[3] = {
		{ .name = "native", .make = native_new },
		{ .name = "udmabuf", .make = udmabuf_new },
		{ .name = "vgem", .make = vgem_new },
	};
	unsigned int i, r;
	int ret;

	if (!rounds)
		rounds = 1;
	for (i = 0; i < 3; i++) {
		struct dmabuf_case *c = &cs[i];

		if (i == 0) {
			c->src = bo_new(dev, size, DRM_METIS_BO_HOST);
			c->dst = bo_new(dev, size, DRM_METIS_BO_HOST);
			c->s = bo_ptr(c->src);
			c->d = bo_ptr(c->dst);
			c->sfd = c->dfd = -1;
		} else {
			c->sfd = c->make(size, &c->s);
			c->dfd = c->sfd >= 0 ? c->make(size, &c->d) : c->sfd;
			if (c->sfd < 0 || c->dfd < 0) {
				printf("R,%s,unavailable,%d\n", c->name, c->sfd);
				c->name = NULL;
				continue;
			}
			if ((ret = metis_bo_import(dev, c->sfd, &c->src)) ||
			    (ret = metis_bo_import(dev, c->dfd, &c->dst)))
				die("import", ret);
		}
		fill(c->s, size, 7 + i);
		memset(c->d, 0, size);
		round_trip(dev, &c->dst, &card, &c->src, size, 1); /* warm */
		c->attached = i ? dmabuf_attached(addr) : 0;
		memset(c->d, 0, size);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 3; i++) {
			struct dmabuf_case *c = &cs[i];
			struct stats a, b;
			uint64_t t0, wall;

			if (!c->name)
				continue;
			if (!r)
				c->sw0 = swiotlb_used();
			stats_get(&a);
			t0 = now_ns();
			round_trip(dev, &c->dst, &card, &c->src, size, 1);
			wall = now_ns() - t0;
			stats_get(&b);
			if (!r || wall < c->wall) {
				c->wall = wall;
				c->busy = b.busy - a.busy;
			}
			c->bytes += 2 * size;
			c->model_bytes += b.bytes - a.bytes;
			c->sw1 = swiotlb_used();
		}
	}
	for (i = 0; i < 3; i++) {
		struct dmabuf_case *c = &cs[i];

		if (!c->name)
			continue;
		printf("R,%s,run,bytes=%" PRIu64 " wall_ns=%" PRIu64
		       " model_bytes=%" PRIu64 " busy_ns=%" PRIu64
		       " attached=%d swiotlb_before=%ld swiotlb_after=%ld"
		       " ok=%d\n", c->name, c->bytes / rounds, c->wall,
		       c->model_bytes / rounds, c->busy, c->attached, c->sw0, c->sw1,
		       !memcmp(c->s, c->d, size) && c->model_bytes == c->bytes);
		fflush(stdout);
		metis_bo_free(c->dst);
		metis_bo_free(c->src);
		if (i) {
			close(c->sfd);
			close(c->dfd);
			munmap(c->s, size);
			munmap(c->d, size);
		}
	}
	metis_bo_free(card);
	metis_device_close(dev);
	return 0;
}

/*
 * Open the card once it is ready (or suspended: a job wakes it) and run
 * one minimal job.
 */
static void first_job(void)
{
	struct metis_device *dev = NULL;
	struct metis_info info = METIS_INFO_INIT;
	uint64_t deadline = now_ns() + 60ull * 1000000000;
	int ret;

	for (;;) {
		if (!dev && metis_device_open(0, &dev))
			dev = NULL;
		if (dev && !metis_get_info(dev, &info) &&
		    (info.state == DRM_METIS_STATE_READY ||
		     info.state == DRM_METIS_STATE_SUSPENDED))
			break;
		if (now_ns() > deadline)
			die("card never ready", -ETIME);
		usleep(200);
	}
	struct metis_bo *card = bo_new(dev, 4096, DRM_METIS_BO_DEVICE);

	ret = metis_fw_command(dev, DRM_METIS_FW_NOP, card, 0, 4096, 0, 0,
			       NULL);
	if (ret)
		die("first job", ret);
	metis_bo_free(card);
	metis_device_close(dev);
}

static int cmd_cold(const char *ko, const char *args)
{
	char cmd[512];
	uint64_t t0 = now_ns(), t1;

	snprintf(cmd, sizeof(cmd), "insmod %s %s", ko, args ? args : "");
	if (system(cmd))
		die("insmod", -EIO);
	t1 = now_ns();
	first_job();
	out("cold", "insmod_ns", t1 - t0);
	out("cold", "probe_to_first_job_ns", now_ns() - t0);
	/* A warm job for scale. */
	t0 = now_ns();
	first_job();
	out("cold", "warm_open_job_ns", now_ns() - t0);
	return 0;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) < 0) {
		fprintf(stderr, "metis-bench: write %s to %s: %s\n", s, path,
			strerror(errno));
		exit(1);
	}
	close(fd);
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	if (fd >= 0)
		close(fd);
}

static uint64_t upload_ns(struct metis_device *dev, struct metis_bo *card,
			  struct metis_bo *host);

/* Median of three uploads into the same buffers. */
static uint64_t upload3_ns(struct metis_device *dev, struct metis_bo *card,
			   struct metis_bo *host)
{
	uint64_t t[3];
	int i;

	for (i = 0; i < 3; i++)
		t[i] = upload_ns(dev, card, host);
	qsort(t, 3, sizeof(t[0]), cmp_u64);
	return t[1];
}

static uint64_t upload_ns(struct metis_device *dev, struct metis_bo *card,
			  struct metis_bo *host)
{
	uint64_t t0 = now_ns();
	int ret = metis_copy(dev, card, 0, host, 0, metis_bo_size(host),
			     DRM_METIS_CHANNEL_ANY);

	if (ret)
		die("model upload", ret);
	return now_ns() - t0;
}

/*
 * Sum the PM core's timing (pm_print_times) of @addr's callbacks since the
 * marker @mark in the kernel log: suspend-side and resume-side.
 */
static void pm_times(const char *addr, const char *mark, double *susp,
		     double *res)
{
	int len = klogctl(10, NULL, 0);
	char *buf = malloc(len + 1), *line, *save;

	*susp = *res = 0;
	len = klogctl(3, buf, len);
	buf[len > 0 ? len : 0] = 0;
	char *start = strstr(buf, mark);

	for (line = strtok_r(start ? start : buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, addr), *q;
		unsigned long us;

		if (!p || !(q = strstr(p, " returned ")) ||
		    !strstr(q, " after ") ||
		    sscanf(strstr(q, " after ") + 7, "%lu", &us) != 1)
			continue;
		if (strstr(p, "resume") || strstr(p, "complete") ||
		    strstr(p, "restore"))
			*res += us;
		else
			*susp += us;
	}
	free(buf);
}

/*
 * The "model binary" upload of @size bytes before and after S3: the first
 * upload into fresh buffers (pinning and mapping included) and a repeat
 * into the same buffers; after the resume the same again, the repeat into
 * the buffers of before the suspend (the card lost their contents).
 */
static int cmd_s3(uint64_t size)
{
	struct metis_device *dev = open_dev();
	struct metis_bo *host = bo_new(dev, size, DRM_METIS_BO_HOST);
	struct metis_bo *card = bo_new(dev, size, DRM_METIS_BO_DEVICE);
	char addr[64], mark[64];
	double susp, res;
	uint64_t t0, t1, first, again;

	snprintf(addr, sizeof(addr), "%s", metis_device_pci_address(dev));
	fill(bo_ptr(host), size, 3);
	first = upload_ns(dev, card, host);
	again = upload3_ns(dev, card, host);
	out("upload", "bytes", size);
	out("upload", "before_first_ns", first);
	out("upload", "before_again_ns", again);

	snprintf(mark, sizeof(mark), "metis-bench-s3-%d", getpid());
	write_file("/dev/kmsg", mark);
	write_file("/sys/power/pm_print_times", "1");
	write_file("/sys/class/rtc/rtc0/wakealarm", "0");
	write_file("/sys/class/rtc/rtc0/wakealarm", "+3");
	t0 = now_ns();
	write_file("/sys/power/state", "mem");
	t1 = now_ns();
	first_job(); /* opens the card anew */
	out("s3", "resume_to_first_job_ns", now_ns() - t1);
	out("s3", "state_write_ns", t1 - t0);
	write_file("/sys/power/pm_print_times", "0");
	pm_times(addr, mark, &susp, &res);
	out("s3", "suspend_cb_us", susp);
	out("s3", "resume_cb_us", res);

	struct metis_bo *host2 = bo_new(dev, size, DRM_METIS_BO_HOST);
	struct metis_bo *card2 = bo_new(dev, size, DRM_METIS_BO_DEVICE);

	fill(bo_ptr(host2), size, 3);
	out("upload", "after_first_ns", upload_ns(dev, card2, host2));
	out("upload", "after_again_ns", upload3_ns(dev, card, host));
	metis_bo_free(card2);
	metis_bo_free(host2);
	metis_bo_free(card);
	metis_bo_free(host);
	metis_device_close(dev);
	return 0;
}

/*
 * Runtime PM: let the card autosuspend, then time the first job; @cycles
 * times, the median is reported.
 */
static int cmd_rpm(unsigned int cycles)
{
	struct metis_device *dev = open_dev();
	char dir[256], p[320], st[64];
	uint64_t t0, deadline, lat[16], warm[16];
	unsigned int k;

	if (cycles < 1 || cycles > 16)
		cycles = 5;
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/power",
		 metis_device_pci_address(dev));
	metis_device_close(dev);
	snprintf(p, sizeof(p), "%s/control", dir);
	write_file(p, "auto");
	snprintf(p, sizeof(p), "%s/autosuspend_delay_ms", dir);
	write_file(p, "100");
	snprintf(p, sizeof(p), "%s/runtime_status", dir);
	for (k = 0; k < cycles; k++) {
		deadline = now_ns() + 20ull * 1000000000;
		for (;;) {
			read_file(p, st, sizeof(st));
			if (!strcmp(st, "suspended"))
				break;
			if (now_ns() > deadline) {
				printf("R,rpm,unavailable,%s\n", st);
				return 0;
			}
			usleep(10000);
		}
		t0 = now_ns();
		first_job();
		lat[k] = now_ns() - t0;
		/* The same on the active card (the delay is 100 ms). */
		t0 = now_ns();
		first_job();
		warm[k] = now_ns() - t0;
	}
	qsort(lat, cycles, sizeof(lat[0]), cmp_u64);
	qsort(warm, cycles, sizeof(warm[0]), cmp_u64);
	out("rpm", "cycles", cycles);
	out("rpm", "resume_to_first_job_ns", lat[cycles / 2]);
	out("rpm", "warm_open_job_ns", warm[cycles / 2]);
	snprintf(p, sizeof(p), "%s/autosuspend_delay_ms", dir);
	write_file(p, "2000");
	snprintf(p, sizeof(p), "%s/control", dir);
	write_file(p, "on");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "dma") && argc >= 4) {
		if (argc > 5 && atoi(argv[5]) > 0)
			BEST = atoi(argv[5]);
		return cmd_dma(parse_size(argv[2]), atoi(argv[3]),
			       argc > 4 ? parse_size(argv[4]) : 4096);
	}
	if (!strcmp(argv[1], "jobs") && argc == 3)
		return cmd_jobs(atoi(argv[2]));
	if (!strcmp(argv[1], "lat") && argc == 4)
		return cmd_lat(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(argv[1], "dmabuf") && argc >= 3)
		return cmd_dmabuf(parse_size(argv[2]),
				  argc > 3 ? atoi(argv[3]) : 5);
	if (!strcmp(argv[1], "cold") && argc >= 3)
		return cmd_cold(argv[2], argc > 3 ? argv[3] : NULL);
	if (!strcmp(argv[1], "s3") && argc == 3)
		return cmd_s3(parse_size(argv[2]));
	if (!strcmp(argv[1], "rpm") && argc >= 2)
		return cmd_rpm(argc > 2 ? atoi(argv[2]) : 5);
usage:
	fprintf(stderr, "usage: metis-bench dma MAX MAXCH [MIN [TRIES]] | jobs N | "
		"lat N CLIENTS | dmabuf SIZE [ROUNDS] | cold KO [ARGS] | s3 SIZE | rpm [CYCLES]\n");
	return 2;
}
