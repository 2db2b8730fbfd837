// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * metis: command-line tool on libdrm_metis.
 *
 *   metis [-d INDEX | -p PCI] list|info|copy|fw OP|bench [options]
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libdrm_metis.h"

struct opts {
	int index;
	const char *pci;
	uint64_t size;
	uint32_t channel;
	uint32_t param;
	uint32_t duration_us;
	unsigned int iterations;
	double seconds;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: metis [-d INDEX | -p PCI-ADDRESS] COMMAND [options]\n"
		"commands:\n"
		"  list                 list metis cards\n"
		"  info                 show the card's parameters\n"
		"  copy                 upload, download and verify (round trip)\n"
		"  fw nop|crc32|xor32|fill32\n"
		"                       run a firmware command and verify it\n"
		"  bench                DMA throughput, host->card and card->host\n"
		"options:\n"
		"  -s SIZE       bytes (K, M, G suffixes; default 1M)\n"
		"  -c CHANNEL    DMA channel or firmware context (default any)\n"
		"  -n COUNT      iterations (copy; default 1)\n"
		"  -P PARAM      firmware command parameter (default 0x5a5a5a5a)\n"
		"  -D MICROSEC   extra firmware command duration (default 0)\n"
		"  -t SECONDS    bench duration per direction (default 2)\n");
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

static int cmd_list(void)
{
	struct metis_device *dev;
	int n = metis_device_count(), i;

	if (n < 0)
		return fail("scanning sysfs", n);
	for (i = 0; i < n; i++) {
		int ret = metis_device_open(i, &dev);

		if (ret) {
			printf("%d: (cannot open: %s)\n", i, metis_strerror(ret));
			continue;
		}
		printf("%d: %s %s\n", i, metis_device_pci_address(dev),
		       metis_device_node(dev));
		metis_device_close(dev);
	}
	if (!n)
		printf("no metis card\n");
	return 0;
}

static int cmd_info(struct metis_device *dev)
{
	struct metis_info in;
	int ret = metis_get_info(dev, &in);

	if (ret)
		return fail("query", ret);
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
	uint32_t op, want = 0, *buf, *back;
	struct metis_bo *bo;
	int ret, bad = 0;

	for (op = 0; metis_fw_opcode_name(op); op++)
		if (!strcmp(metis_fw_opcode_name(op), name))
			break;
	if (!metis_fw_opcode_name(op)) {
		fprintf(stderr, "metis: unknown firmware command '%s'\n", name);
		return 2;
	}
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
		ret = metis_run(dev, jobs, nch, METIS_TIMEOUT_DEFAULT);
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
	struct metis_info in;
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

int main(int argc, char **argv)
{
	struct opts o = {
		.index = -1, .size = 1 << 20, .channel = DRM_METIS_CHANNEL_ANY,
		.param = 0x5a5a5a5a, .iterations = 1, .seconds = 2,
	};
	struct metis_device *dev;
	const char *cmd;
	int c, ret;

	while ((c = getopt(argc, argv, "+d:p:h")) != -1) {
		switch (c) {
		case 'd': o.index = atoi(optarg); break;
		case 'p': o.pci = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	optind++;
	{
		const char *sub = NULL;

		if (!strcmp(cmd, "fw")) {
			if (optind >= argc) {
				usage(stderr);
				return 2;
			}
			sub = argv[optind++];
		}
		/* Options after the command. */
		argv[optind - 1] = argv[0];
		argc -= optind - 1;
		argv += optind - 1;
		optind = 0;	/* glibc: full re-initialisation */
		while ((c = getopt(argc, argv, "s:c:n:P:D:t:")) != -1) {
			switch (c) {
			case 's': o.size = parse_size(optarg); break;
			case 'c': o.channel = strtoul(optarg, NULL, 0); break;
			case 'n': o.iterations = strtoul(optarg, NULL, 0); break;
			case 'P': o.param = strtoul(optarg, NULL, 0); break;
			case 'D': o.duration_us = strtoul(optarg, NULL, 0); break;
			case 't': o.seconds = atof(optarg); break;
			default: usage(stderr); return 2;
			}
		}
		if (!strcmp(cmd, "list"))
			return cmd_list();
		if (o.pci)
			ret = metis_device_open_pci(o.pci, &dev);
		else
			ret = metis_device_open(o.index < 0 ? 0 : o.index, &dev);
		if (ret)
			return fail("opening the card", ret);
		if (!strcmp(cmd, "info"))
			ret = cmd_info(dev);
		else if (!strcmp(cmd, "copy"))
			ret = cmd_copy(dev, &o);
		else if (sub)
			ret = cmd_fw(dev, sub, &o);
		else if (!strcmp(cmd, "bench"))
			ret = cmd_bench(dev, &o);
		else {
			usage(stderr);
			ret = 2;
		}
	}
	metis_device_close(dev);
	return ret;
}
