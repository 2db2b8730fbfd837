// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metis-mkfw: build a firmware image for the emulated Metis card
 * (format: Documentation/hw-interface.md section 5.3), valid or broken
 * on purpose for tests.
 *
 *   metis-mkfw -o FILE [--version 1.2.3] [--payload-size N]
 *              [--boot-time-us N] [--build-id TEXT] [--seed N]
 *              [--break magic|header|version|size|checksum]
 */

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FW_MAGIC	0x3157464Du
#define FW_HDR_SIZE	64
#define FW_MAX_PAYLOAD	(16u << 20)

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c, n, k;

	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

/* CRC-32 (IEEE 802.3), the same as zlib's crc32(0, buf, len). */
static uint32_t crc32_ieee(const uint8_t *buf, size_t len)
{
	uint32_t c = 0xFFFFFFFFu;

	while (len--)
		c = crc_table[(c ^ *buf++) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: metis-mkfw -o FILE [options]\n"
		"  -o, --output FILE        write the image here ('-' = stdout)\n"
		"  -v, --version X.Y.Z      firmware version (default 1.0.0)\n"
		"  -s, --payload-size N     payload bytes, 1..16 MiB (default 4096)\n"
		"  -t, --boot-time-us N     boot time the boot ROM takes (0 = 2000)\n"
		"  -b, --build-id TEXT      build id, up to 31 characters\n"
		"      --seed N             payload pattern seed (default 1)\n"
		"      --break WHAT         make a broken image; WHAT is one of\n"
		"                           magic, header, version, size, checksum\n");
}

static unsigned long parse_num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !*s) {
		fprintf(stderr, "metis-mkfw: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "version", required_argument, NULL, 'v' },
		{ "payload-size", required_argument, NULL, 's' },
		{ "boot-time-us", required_argument, NULL, 't' },
		{ "build-id", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 'S' },
		{ "break", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *brk = NULL, *build_id = "metis-emu";
	unsigned int maj = 1, min = 0, patch = 0;
	unsigned long size = 4096, boot_us = 0, seed = 1, i;
	uint32_t version, x;
	uint8_t *img;
	size_t total;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "o:v:s:t:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'v':
			if (sscanf(optarg, "%u.%u.%u", &maj, &min, &patch) != 3 ||
			    maj > 255 || min > 255 || patch > 255) {
				fprintf(stderr, "metis-mkfw: bad version '%s'\n", optarg);
				return 2;
			}
			break;
		case 's':
			size = parse_num(optarg, "payload size");
			break;
		case 't':
			boot_us = parse_num(optarg, "boot time");
			break;
		case 'b':
			build_id = optarg;
			break;
		case 'S':
			seed = parse_num(optarg, "seed");
			break;
		case 'B':
			brk = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!out || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (size < 1 || size > FW_MAX_PAYLOAD || boot_us > UINT32_MAX ||
	    strlen(build_id) > 31) {
		fprintf(stderr, "metis-mkfw: payload size, boot time or build id out of range\n");
		return 2;
	}
	if (brk && strcmp(brk, "magic") && strcmp(brk, "header") &&
	    strcmp(brk, "version") && strcmp(brk, "size") &&
	    strcmp(brk, "checksum")) {
		fprintf(stderr, "metis-mkfw: unknown --break '%s'\n", brk);
		return 2;
	}

	crc_init();
	total = FW_HDR_SIZE + size;
	img = calloc(1, total);
	if (!img) {
		perror("metis-mkfw");
		return 1;
	}
	/* A reproducible payload: xorshift32 from the seed. */
	x = seed ? seed : 1;
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		img[FW_HDR_SIZE + i] = x;
	}

	version = maj << 16 | min << 8 | patch;
	if (brk && !strcmp(brk, "version"))
		version = 2u << 16 | min << 8 | patch;
	put32(img + 0, brk && !strcmp(brk, "magic") ? 0x3257464Du : FW_MAGIC);
	put16(img + 4, 1);
	put16(img + 6, FW_HDR_SIZE);
	put32(img + 8, version);
	/* "size": the header claims one byte more than the image holds. */
	put32(img + 12, size + (brk && !strcmp(brk, "size") ? 1 : 0));
	put32(img + 16, crc32_ieee(img + FW_HDR_SIZE, size));
	put32(img + 24, 0);
	put32(img + 28, boot_us);
	memcpy(img + 32, build_id, strlen(build_id));
	put32(img + 20, 0);
	put32(img + 20, crc32_ieee(img, FW_HDR_SIZE) ^
	      (brk && !strcmp(brk, "header") ? 1 : 0));
	if (brk && !strcmp(brk, "checksum"))
		img[FW_HDR_SIZE + size - 1] ^= 0x80;

	f = strcmp(out, "-") ? fopen(out, "wb") : stdout;
	if (!f || fwrite(img, 1, total, f) != total ||
	    (f != stdout && fclose(f))) {
		perror(out);
		return 1;
	}
	free(img);
	return 0;
}
