// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * metis: command-line tool on libdrm_metis (see usage() and
 * Documentation/userspace.md).  Every command verifies its own data; the
 * exit status is 0 when all was verified, 1 on an error, 2 on a usage
 * error (found before any card is opened).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libdrm_metis.h"

#ifndef METIS_TOOL_VERSION
#define METIS_TOOL_VERSION "unknown"
#endif

/* Largest -s: 1 TiB (more than any card; the driver gives E2BIG past it). */
#define SIZE_MAX_ARG (1ull << 40)
/* Piece of a file transfer between two progress updates. */
#define CHUNK (4ull << 20)

struct opts {
	int index;
	const char *pci;
	uint64_t size;
	int size_set;
	uint32_t channel;
	uint32_t param;
	uint32_t duration_us;
	unsigned int iterations;
	double seconds;
	int json;
	int progress;		/* 1 always, 0 never, -1 when stderr is a tty */
	const char *output;
};

static const char *prog = "metis";

static void usage(FILE *f)
{
	fprintf(f,
"Usage: metis [OPTION]... COMMAND [ARGUMENT]... [COMMAND-OPTION]...\n"
"Query and exercise Axelera Metis AIPU cards through the metis DRM accel\n"
"driver (libdrm_metis).  Every command checks its own results.\n"
"\n"
"Options:\n"
"  -d, --device=INDEX     use the INDEX'th metis card (default 0), in the\n"
"                         order of /sys/class/accel/accelN\n"
"  -p, --pci=ADDRESS      use the card at PCI ADDRESS (0000:01:00.0 or 01:00.0)\n"
"  -h, --help             display this help and exit\n"
"  -V, --version          output version information and exit\n"
"\n"
"Commands:\n"
"  list                   list the metis cards: index, PCI address, node\n"
"  info                   show the card's parameters: state, firmware,\n"
"                         memory, channels, contexts, vectors, resets\n"
"  copy                   host -> card -> host round trip of random data,\n"
"                         verified byte for byte and timed\n"
"  fw nop|crc32|xor32|fill32\n"
"                         upload random data, run the firmware command, check\n"
"                         its result and the buffer against the host's own\n"
"  bench                  DMA throughput of each direction, all channels busy\n"
"  upload FILE            copy FILE into on-card memory and check the card's\n"
"                         CRC-32 of it (a card without firmware commands: read\n"
"                         it back); with -o, download it again into OUTPUT\n"
"  download FILE          fill SIZE bytes of on-card memory with the 32-bit\n"
"                         pattern PARAM (the firmware's FILL32, or DMA) and\n"
"                         download them into FILE\n"
"\n"
"Command options:\n"
"  -s, --size=SIZE        bytes, with an optional K, M, G or T suffix (powers of\n"
"                         1024), between 1 and 1T; default 1M (fw: at least 4,\n"
"                         rounded down to a multiple of 4)\n"
"  -c, --channel=N        DMA channel or firmware context (default: any)\n"
"  -n, --count=N          iterations of copy (default 1)\n"
"  -P, --param=VALUE      firmware command parameter (default 0x5a5a5a5a)\n"
"  -D, --duration=USEC    extra firmware command run time (default 0)\n"
"  -t, --time=SECONDS     bench time per direction (default 2)\n"
"  -j, --json             info, list: print JSON instead of text\n"
"  -o, --output=FILE      upload: download the card's copy into FILE\n"
"      --progress         upload, download: show a progress bar even when\n"
"                         standard error is not a terminal\n"
"  -q, --quiet            upload, download: no progress bar\n"
"\n"
"Exit status:\n"
"  0  everything done and verified\n"
"  1  an error (the message says what the card or driver reported) or a\n"
"     verification failed\n"
"  2  usage error: unknown command or option, bad value; no card was opened\n"
"\n"
"Examples:\n"
"  metis list --json\n"
"  metis -p 01:00.0 info\n"
"  metis fw crc32 -s 64K\n"
"  metis upload model.bin -o model.back\n"
"\n"
"Cards are found through sysfs (PCI 1f9d:1100 or 1f9d:11aa); the node must\n"
"belong to the metis driver.  See Documentation/userspace.md.\n");
}

static void version(void)
{
	printf("metis (libdrm_metis) %s\n", METIS_TOOL_VERSION);
	printf("library %s\n", metis_version());
	printf("Copyright (C) 2026 The metis authors.\n"
	       "License MIT.\n");
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'metis --help' for more information.\n");
	return 2;
}

/* Strict unsigned number: decimal or 0x hex, all of it, no sign. */
static int parse_u64(const char *s, uint64_t *v, char **end)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*v = strtoull(s, end, 0);
	return errno || *end == s ? -1 : 0;
}

static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	char *end;
	int shift = 0;

	if (parse_u64(s, &v, &end))
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end == 'i' && shift)	/* KiB, MiB ... */
		end++;
	if ((*end == 'b' || *end == 'B') && shift)
		end++;
	if (*end || !v || v > SIZE_MAX_ARG >> shift)
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	char *end;

	if (parse_u64(s, &v, &end) || *end || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

static uint32_t fw_opcode(const char *name)
{
	uint32_t op;

	for (op = 0; metis_fw_opcode_name(op); op++)
		if (!strcmp(metis_fw_opcode_name(op), name))
			return op;
	return UINT32_MAX;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill_random(void *buf, uint64_t size, uint64_t seed)
{
	uint8_t *p = buf;
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (uint64_t i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "metis: %s: %s\n", what, metis_strerror(err));
	return 1;
}

static int cmd_copy(struct metis_device *dev, const struct opts *o)
{
	struct metis_bo *src, *dst, *card;
	void *s, *d;
	unsigned int i;
	double t0, t;
	int ret;

	if ((ret = metis_bo_create(dev, o->size, DRM_METIS_BO_HOST, &src)) ||
	    (ret = metis_bo_create(dev, o->size, DRM_METIS_BO_HOST, &dst)) ||
	    (ret = metis_bo_create(dev, o->size, DRM_METIS_BO_DEVICE, &card)))
		return fail("allocating buffers", ret);
	if ((ret = metis_bo_map(src, &s)) || (ret = metis_bo_map(dst, &d)))
		return fail("mapping", ret);
	for (i = 0; i < o->iterations; i++) {
		fill_random(s, o->size, i + 1);
		memset(d, 0, o->size);
		t0 = now();
		ret = metis_copy(dev, card, 0, src, 0, o->size, o->channel);
		if (ret)
			return fail("host -> card copy", ret);
		ret = metis_copy(dev, dst, 0, card, 0, o->size, o->channel);
		if (ret)
			return fail("card -> host copy", ret);
		t = now() - t0;
		if (memcmp(s, d, o->size)) {
			uint64_t k = 0;

			while (((uint8_t *)s)[k] == ((uint8_t *)d)[k])
				k++;
			fprintf(stderr, "metis: copy %u: data differs at byte %" PRIu64 "\n",
				i, k);
			return 1;
		}
		printf("copy %u: %" PRIu64 " bytes round trip verified in %.3f ms\n",
		       i, o->size, t * 1e3);
	}
	metis_bo_free(card);
	metis_bo_free(dst);
	metis_bo_free(src);
	return 0;
}

static int cmd_fw(struct metis_device *dev, const char *name,
		  const struct opts *o)
{
	uint64_t size = o->size & ~3ull, result;
	uint32_t op = fw_opcode(name), want = 0, *buf, *back;
	struct metis_bo *bo;
	int ret, bad = 0;

	buf = malloc(size);
	back = malloc(size);
	if (!buf || !back)
		return fail("allocating", -ENOMEM);
	fill_random(buf, size, 42);
	ret = metis_bo_create(dev, size, DRM_METIS_BO_DEVICE, &bo);
	if (ret)
		return fail("allocating the card buffer", ret);
	ret = metis_upload(dev, bo, 0, buf, size);
	if (ret)
		return fail("upload", ret);
	ret = metis_fw_command(dev, op, bo, 0, size, o->param, o->duration_us,
			       &result);
	if (ret)
		return fail(name, ret);
	ret = metis_download(dev, bo, 0, back, size);
	if (ret)
		return fail("download", ret);

	/* Compute on the host what the firmware must have done. */
	for (uint64_t i = 0; i < size / 4; i++) {
		if (op == DRM_METIS_FW_XOR32)
			buf[i] = htole32(le32toh(buf[i]) ^ o->param);
		else if (op == DRM_METIS_FW_FILL32)
			buf[i] = htole32(o->param);
	}
	if (op == DRM_METIS_FW_CRC32 || op == DRM_METIS_FW_XOR32)
		want = metis_crc32(0, buf, size);
	if (result != want) {
		fprintf(stderr, "metis: %s: result %#" PRIx64 ", expected %#x\n",
			name, result, want);
		bad = 1;
	}
	if (memcmp(buf, back, size)) {
		fprintf(stderr, "metis: %s: buffer contents wrong afterwards\n", name);
		bad = 1;
	}
	if (!bad)
		printf("fw %s on %" PRIu64 " bytes: result %#" PRIx64 ", verified\n",
		       name, size, result);
	metis_bo_free(bo);
	free(buf);
	free(back);
	return bad;
}

/* Keep every channel of one direction busy for o->seconds. */
static int bench_dir(struct metis_device *dev, const struct opts *o, int up,
		     struct metis_bo **host, struct metis_bo **card,
		     unsigned int nch)
{
	struct drm_metis_job jobs[8];
	double t0 = now(), t;
	uint64_t bytes = 0;
	unsigned int c;
	int ret;

	do {
		for (c = 0; c < nch; c++) {
			if (up)
				metis_job_copy(&jobs[c], card[c], 0, host[c], 0, o->size);
			else
				metis_job_copy(&jobs[c], host[c], 0, card[c], 0, o->size);
			jobs[c].channel = c;
		}
		ret = metis_run(dev, jobs, nch, sizeof(jobs[0]),
				METIS_TIMEOUT_DEFAULT, NULL);
		if (ret)
			return fail(up ? "host -> card" : "card -> host", ret);
		bytes += o->size * nch;
		t = now() - t0;
	} while (t < o->seconds);
	printf("%s: %.1f MB/s (%u channels, %" PRIu64 " bytes per job, %.2f s)\n",
	       up ? "host -> card" : "card -> host", bytes / t / 1e6, nch,
	       o->size, t);
	return 0;
}

static int cmd_bench(struct metis_device *dev, const struct opts *o)
{
	struct metis_bo *host[8], *card[8];
	struct metis_info in = METIS_INFO_INIT;
	unsigned int c, nch;
	int ret;

	ret = metis_get_info(dev, &in);
	if (ret)
		return fail("query", ret);
	nch = in.read_channels < in.write_channels ? in.read_channels :
						     in.write_channels;
	if (nch > 8)
		nch = 8;
	for (c = 0; c < nch; c++) {
		if ((ret = metis_bo_create(dev, o->size, DRM_METIS_BO_HOST, &host[c])) ||
		    (ret = metis_bo_create(dev, o->size, DRM_METIS_BO_DEVICE, &card[c])))
			return fail("allocating", ret);
	}
	ret = bench_dir(dev, o, 1, host, card, nch) ||
	      bench_dir(dev, o, 0, host, card, nch);
	for (c = 0; c < nch; c++) {
		metis_bo_free(host[c]);
		metis_bo_free(card[c]);
	}
	return ret;
}



/* JSON string: quotes, backslashes and control characters escaped. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int cmd_list(const struct opts *o)
{
	struct metis_device *dev;
	int n = metis_device_count(), i;

	if (n < 0)
		return fail("scanning sysfs", n);
	if (o->json)
		printf("[");
	for (i = 0; i < n; i++) {
		int ret = metis_device_open(i, &dev);

		if (o->json) {
			printf("%s\n  {\"index\": %d", i ? "," : "", i);
			if (ret) {
				printf(", \"error\": ");
				json_str(metis_strerror(ret));
			} else {
				printf(", \"pci\": ");
				json_str(metis_device_pci_address(dev));
				printf(", \"node\": ");
				json_str(metis_device_node(dev));
				printf(", \"sysfs\": ");
				json_str(metis_device_sysfs(dev));
			}
			printf("}");
		} else if (ret) {
			printf("%d: (cannot open: %s)\n", i, metis_strerror(ret));
		} else {
			printf("%d: %s %s\n", i, metis_device_pci_address(dev),
			       metis_device_node(dev));
		}
		if (!ret)
			metis_device_close(dev);
	}
	if (o->json)
		printf("%s]\n", n ? "\n" : "");
	else if (!n)
		printf("no metis card\n");
	return 0;
}

static int cmd_info(struct metis_device *dev, const struct opts *o)
{
	struct metis_info in = METIS_INFO_INIT;
	int ret = metis_get_info(dev, &in);

	if (ret)
		return fail("query", ret);
	if (o->json) {
		printf("{\n  \"node\": ");
		json_str(metis_device_node(dev));
		printf(",\n  \"pci\": ");
		json_str(metis_device_pci_address(dev));
		printf(",\n  \"device_id\": \"%04x:%04x\"", in.device_id >> 16,
		       in.device_id & 0xffff);
		printf(",\n  \"state\": ");
		json_str(metis_state_name(in.state));
		printf(",\n  \"fw_version\": \"%u.%u.%u\"", in.fw_version >> 16,
		       (in.fw_version >> 8) & 0xff, in.fw_version & 0xff);
		printf(",\n  \"fw_error\": %u", in.fw_error);
		printf(",\n  \"mem_size\": %" PRIu64, in.mem_size);
		printf(",\n  \"mem_free\": %" PRIu64, in.mem_free);
		printf(",\n  \"read_channels\": %u", in.read_channels);
		printf(",\n  \"write_channels\": %u", in.write_channels);
		printf(",\n  \"contexts\": %u", in.contexts);
		printf(",\n  \"msi_vectors\": %u", in.msi_vectors);
		printf(",\n  \"max_jobs\": %u", in.max_jobs);
		printf(",\n  \"resets\": %u\n}\n", in.reset_count);
		return 0;
	}
	printf("node:            %s\n", metis_device_node(dev));
	printf("pci:             %s\n", metis_device_pci_address(dev));
	printf("device id:       %04x:%04x\n", in.device_id >> 16,
	       in.device_id & 0xffff);
	printf("state:           %s\n", metis_state_name(in.state));
	printf("firmware:        %u.%u.%u\n", in.fw_version >> 16,
	       (in.fw_version >> 8) & 0xff, in.fw_version & 0xff);
	printf("firmware error:  %u\n", in.fw_error);
	printf("memory:          %" PRIu64 " MiB, %" PRIu64 " MiB free\n",
	       in.mem_size >> 20, in.mem_free >> 20);
	printf("dma channels:    %u read, %u write\n", in.read_channels,
	       in.write_channels);
	printf("contexts:        %u\n", in.contexts);
	printf("msi vectors:     %u\n", in.msi_vectors);
	printf("max jobs:        %u\n", in.max_jobs);
	printf("resets:          %u\n", in.reset_count);
	return 0;
}

/* A progress bar on standard error: [#####.....]  50%  2.0/4.0 MiB  12.3 MB/s */
struct progress {
	int on;
	const char *what;
	uint64_t total;
	double t0;
};

static void progress_show(struct progress *p, uint64_t done)
{
	int width = 30, fill, pct;
	double t = now() - p->t0;
	char bar[31];

	if (!p->on)
		return;
	pct = p->total ? (int)(done * 100 / p->total) : 100;
	fill = p->total ? (int)(done * width / p->total) : width;
	memset(bar, '#', fill);
	memset(bar + fill, '.', width - fill);
	bar[width] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%%  %.1f/%.1f MiB  %.1f MB/s", p->what, bar,
		pct, done / 1048576.0, p->total / 1048576.0,
		t > 0 ? done / t / 1e6 : 0.0);
	if (done == p->total)
		fputc('\n', stderr);
	fflush(stderr);
}

static void progress_start(struct progress *p, const struct opts *o,
			   const char *what, uint64_t total)
{
	p->on = o->progress < 0 ? isatty(2) : o->progress;
	p->what = what;
	p->total = total;
	p->t0 = now();
	progress_show(p, 0);
}

/* Move @size bytes between @buf and @bo in pieces, with the bar. */
static int transfer(struct metis_device *dev, struct metis_bo *bo, void *buf,
		    uint64_t size, int up, const struct opts *o)
{
	struct progress p;
	uint64_t done, n;
	int ret = 0;

	progress_start(&p, o, up ? "upload  " : "download", size);
	for (done = 0; done < size; done += n) {
		n = size - done < CHUNK ? size - done : CHUNK;
		ret = up ? metis_upload(dev, bo, done, (char *)buf + done, n) :
			   metis_download(dev, bo, done, (char *)buf + done, n);
		if (ret)
			break;
		progress_show(&p, done + n);
	}
	if (ret && p.on)
		fputc('\n', stderr);
	return ret;
}

static int read_file(const char *path, void **bufp, uint64_t *sizep)
{
	struct stat st;
	uint64_t got = 0;
	ssize_t n;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size ||
	    (uint64_t)st.st_size > SIZE_MAX_ARG) {
		fprintf(stderr, "%s: %s: not a regular file of 1 byte to 1 TiB\n",
			prog, path);
		close(fd);
		return 1;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		close(fd);
		return fail("reading the file", -ENOMEM);
	}
	while (got < (uint64_t)st.st_size &&
	       (n = read(fd, buf + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	if (got != (uint64_t)st.st_size) {
		fprintf(stderr, "%s: %s: short read\n", prog, path);
		free(buf);
		return 1;
	}
	*bufp = buf;
	*sizep = got;
	return 0;
}

static int write_file(const char *path, const void *buf, uint64_t size)
{
	uint64_t done = 0;
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	while (done < size &&
	       (n = write(fd, (const char *)buf + done, size - done)) > 0)
		done += n;
	if (done != size || close(fd)) {
		fprintf(stderr, "%s: %s: write failed: %s\n", prog, path,
			strerror(errno));
		return 1;
	}
	return 0;
}

/* Does the card run firmware commands?  Not the card exactly as published. */
static int has_fw(struct metis_device *dev)
{
	uint64_t contexts = 0;

	return !metis_get_param(dev, DRM_METIS_PARAM_CONTEXTS, &contexts) &&
	       contexts;
}

/* The card's CRC-32 of @size bytes of @bo (the firmware's command). */
static int card_crc(struct metis_device *dev, struct metis_bo *bo,
		    uint64_t size, uint32_t *crc)
{
	uint64_t res;
	int ret = metis_fw_command(dev, DRM_METIS_FW_CRC32, bo, 0, size, 0, 0,
				   &res);

	*crc = res;
	return ret;
}

static int cmd_upload(struct metis_device *dev, const char *path,
		      const struct opts *o)
{
	uint32_t host_crc, crc;
	struct metis_bo *bo;
	void *buf, *back;
	uint64_t size;
	int ret, fw = has_fw(dev);

	if (read_file(path, &buf, &size))
		return 1;
	ret = metis_bo_create(dev, size, DRM_METIS_BO_DEVICE, &bo);
	if (ret)
		return fail("allocating on-card memory", ret);
	ret = transfer(dev, bo, buf, size, 1, o);
	if (ret)
		return fail("upload", ret);
	host_crc = metis_crc32(0, buf, size);
	if (fw) {
		ret = card_crc(dev, bo, size, &crc);
		if (ret)
			return fail("the card's CRC-32", ret);
		if (crc != host_crc) {
			fprintf(stderr, "%s: %s: the card holds CRC-32 %08x, the file has %08x\n",
				prog, path, crc, host_crc);
			return 1;
		}
		printf("upload %s: %" PRIu64 " bytes in on-card memory, CRC-32 %08x verified by the card\n",
		       path, size, crc);
	}
	/* A card without firmware commands is checked by reading back. */
	if (!fw || o->output) {
		back = malloc(size);
		if (!back)
			return fail("allocating", -ENOMEM);
		ret = transfer(dev, bo, back, size, 0, o);
		if (ret)
			return fail("download", ret);
		if (metis_crc32(0, back, size) != host_crc ||
		    memcmp(buf, back, size)) {
			fprintf(stderr, "%s: the card's copy differs from %s\n",
				prog, path);
			return 1;
		}
		if (!fw)
			printf("upload %s: %" PRIu64 " bytes in on-card memory, CRC-32 %08x, verified by reading back (the card has no firmware commands)\n",
			       path, size, host_crc);
		if (o->output) {
			if (write_file(o->output, back, size))
				return 1;
			printf("download %s: %" PRIu64 " bytes, identical to %s\n",
			       o->output, size, path);
		}
		free(back);
	}
	metis_bo_free(bo);
	free(buf);
	return 0;
}

static int cmd_download(struct metis_device *dev, const char *path,
			const struct opts *o)
{
	uint64_t size = o->size & ~3ull, res;
	struct metis_bo *bo;
	uint32_t *buf;
	int ret;

	buf = malloc(size);
	if (!buf)
		return fail("allocating", -ENOMEM);
	ret = metis_bo_create(dev, size, DRM_METIS_BO_DEVICE, &bo);
	if (ret)
		return fail("allocating on-card memory", ret);
	if (has_fw(dev)) {
		ret = metis_fw_command(dev, DRM_METIS_FW_FILL32, bo, 0, size,
				       o->param, 0, &res);
		if (ret)
			return fail("fill32", ret);
	} else {
		/* No firmware commands: the pattern goes up by DMA. */
		for (uint64_t i = 0; i < size / 4; i++)
			buf[i] = htole32(o->param);
		ret = metis_upload(dev, bo, 0, buf, size);
		if (ret)
			return fail("filling on-card memory", ret);
		memset(buf, 0, size);
	}
	ret = transfer(dev, bo, buf, size, 0, o);
	if (ret)
		return fail("download", ret);
	for (uint64_t i = 0; i < size / 4; i++) {
		if (le32toh(buf[i]) != o->param) {
			fprintf(stderr, "%s: word %" PRIu64 " is %#x, the card filled %#x\n",
				prog, i, le32toh(buf[i]), o->param);
			return 1;
		}
	}
	if (write_file(path, buf, size))
		return 1;
	printf("download %s: %" PRIu64 " bytes of on-card memory (%s %#x) verified\n",
	       path, size, has_fw(dev) ? "fill32" : "filled by DMA with", o->param);
	metis_bo_free(bo);
	free(buf);
	return 0;
}

enum cmd { C_LIST, C_INFO, C_COPY, C_FW, C_BENCH, C_UPLOAD, C_DOWNLOAD };

static const struct {
	const char *name;
	int args;		/* positional arguments after the name */
	const char *opts;	/* command options it takes */
} commands[] = {
	[C_LIST] = { "list", 0, "j" },
	[C_INFO] = { "info", 0, "j" },
	[C_COPY] = { "copy", 0, "scn" },
	[C_FW] = { "fw", 1, "scPD" },
	[C_BENCH] = { "bench", 0, "st" },
	[C_UPLOAD] = { "upload", 1, "oqg" },
	[C_DOWNLOAD] = { "download", 1, "sPqg" },
};

int main(int argc, char **argv)
{
	static const struct option global[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "pci", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	static const struct option local[] = {
		{ "size", required_argument, NULL, 's' },
		{ "channel", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "param", required_argument, NULL, 'P' },
		{ "duration", required_argument, NULL, 'D' },
		{ "time", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "progress", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = {
		.index = -1, .size = 1 << 20, .channel = DRM_METIS_CHANNEL_ANY,
		.param = 0x5a5a5a5a, .iterations = 1, .seconds = 2,
		.progress = -1,
	};
	const char *args[1] = { NULL };
	struct metis_device *dev;
	unsigned int cmd, k;
	uint32_t u;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+d:p:hV", global, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_u32(optarg, &u) || u > INT32_MAX)
				return usage_error("bad card index '%s'", optarg);
			o.index = u;
			break;
		case 'p': o.pci = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': version(); return 0;
		default:
			fprintf(stderr, "Try 'metis --help' for more information.\n");
			return 2;
		}
	}
	if (o.index >= 0 && o.pci)
		return usage_error("-d and -p exclude each other");
	if (optind >= argc)
		return usage_error("no command");
	for (cmd = 0; cmd < sizeof(commands) / sizeof(commands[0]); cmd++)
		if (!strcmp(argv[optind], commands[cmd].name))
			break;
	if (cmd == sizeof(commands) / sizeof(commands[0]))
		return usage_error("unknown command '%s'", argv[optind]);
	optind++;

	/* Options and arguments of the command, in any order. */
	argv[optind - 1] = argv[0];
	argc -= optind - 1;
	argv += optind - 1;
	optind = 0;	/* glibc: full re-initialisation */
	k = 0;
	while (optind < argc || optind == 0) {
		c = getopt_long(argc, argv, "-s:c:n:P:D:t:jo:qh", local, NULL);
		if (c == -1)
			break;
		if (c == 1) {	/* a positional argument */
			if (k >= (unsigned int)commands[cmd].args)
				return usage_error("%s: unexpected argument '%s'",
						   commands[cmd].name, optarg);
			args[k++] = optarg;
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?')
			return usage_error("%s: bad option", commands[cmd].name);
		if (!strchr(commands[cmd].opts, c))
			return usage_error("%s does not take option -%c",
					   commands[cmd].name, c);
		switch (c) {
		case 's':
			if (parse_size(optarg, &o.size))
				return usage_error("bad size '%s' (1 to 1T; K, M, G suffixes)",
						   optarg);
			o.size_set = 1;
			break;
		case 'c':
			if (!strcmp(optarg, "any"))
				o.channel = DRM_METIS_CHANNEL_ANY;
			else if (parse_u32(optarg, &o.channel) || o.channel > 255)
				return usage_error("bad channel '%s'", optarg);
			break;
		case 'n':
			if (parse_u32(optarg, &u) || !u)
				return usage_error("bad count '%s'", optarg);
			o.iterations = u;
			break;
		case 'P':
			if (parse_u32(optarg, &o.param))
				return usage_error("bad parameter '%s' (32 bits)", optarg);
			break;
		case 'D':
			if (parse_u32(optarg, &o.duration_us) || o.duration_us > 10000000)
				return usage_error("bad duration '%s' (at most 10000000 us)",
						   optarg);
			break;
		case 't':
			errno = 0;
			o.seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(o.seconds) ||
			    o.seconds <= 0 || o.seconds > 3600)
				return usage_error("bad time '%s' (0 to 3600 s)", optarg);
			break;
		case 'j': o.json = 1; break;
		case 'o': o.output = optarg; break;
		case 'q': o.progress = 0; break;
		case 'g': o.progress = 1; break;
		}
	}
	if (k < (unsigned int)commands[cmd].args) {
		if (cmd == C_FW)
			return usage_error("fw needs a command: nop, crc32, xor32 or fill32");
		return usage_error("%s needs a FILE", commands[cmd].name);
	}
	if (cmd == C_FW && fw_opcode(args[0]) == UINT32_MAX)
		return usage_error("unknown firmware command '%s' (nop, crc32, xor32, fill32)",
				   args[0]);
	if ((cmd == C_FW || cmd == C_DOWNLOAD) && o.size < 4)
		return usage_error("%s needs a size of at least 4 bytes",
				   commands[cmd].name);

	if (cmd == C_LIST)
		return cmd_list(&o);
	if (o.pci)
		ret = metis_device_open_pci(o.pci, &dev);
	else
		ret = metis_device_open(o.index < 0 ? 0 : o.index, &dev);
	if (ret)
		return fail("opening the card", ret);
	switch (cmd) {
	case C_INFO: ret = cmd_info(dev, &o); break;
	case C_COPY: ret = cmd_copy(dev, &o); break;
	case C_FW: ret = cmd_fw(dev, args[0], &o); break;
	case C_BENCH: ret = cmd_bench(dev, &o); break;
	case C_UPLOAD: ret = cmd_upload(dev, args[0], &o); break;
	case C_DOWNLOAD: ret = cmd_download(dev, args[0], &o); break;
	default: ret = 2; break;
	}
	metis_device_close(dev);
	return ret;
}
