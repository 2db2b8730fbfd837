// SPDX-License-Identifier: GPL-2.0-only
/*
 * vendor-roundtrip: a host -> card -> host DMA round trip through the public
 * vendor driver's own user-buffer DMA ioctl, for tools/conformance/.
 *
 * Ours, written from the facts of the vendor's UAPI header, which it is
 * compiled against (the checkout's axl-aipu-dmabuf.h, found with -I): the
 * 'U' ioctl AXL_IOCTL_USR_DMA_XFER takes a struct dma_xfer with the card
 * address in .phy, the user buffer in .virt and .size, and the direction in
 * .flags: DMABUF_XFER_FLAG_WRITE moves host memory to the card,
 * DMABUF_XFER_FLAG_READ the card's memory to the host.  The ioctl waits for
 * the transfer and fails with the transfer's error (ETIMEDOUT when the card
 * never signalled completion).
 *
 * The card address is taken from the card's sysctl block, which the vendor
 * node maps at offset 0 (its BAR2): memory_map[1] (card DDR, sysctl 0x210)
 * plus 1 MiB, or memory_map[0] (L2, 0x208) plus 16 MiB when DDR is not
 * published; -a overrides it (Documentation/hw-interface.md, sections 2, 3).
 *
 *   vendor-roundtrip [-s SIZE] [-a CARD_ADDR] [-x SEED] DEVICE
 *   vendor-roundtrip -S DEVICE    print the sysctl block's published areas
 *
 * Writes a pattern that depends on SEED (default: time and pid, so stale
 * card memory from an earlier run cannot pass), reads it back into a second
 * buffer filled with 0xee, compares.  Prints one line.  Exit status:
 *   0 verified;  2 a DMA ioctl failed with ETIMEDOUT;  3 a DMA ioctl failed
 *   otherwise;  4 the data read back differs;  1 usage or set-up error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "axl-aipu-dmabuf.h"

#define SYSCTL_MAGIC_OFF	0x000
#define SYSCTL_MAGIC		0xfd1f
#define SYSCTL_MEMMAP0_OFF	0x208
#define SYSCTL_MEMMAP1_OFF	0x210
#define SYSCTL_MAP_LEN		0x1000

static uint64_t rd64(const volatile uint8_t *p, size_t off)
{
	const volatile uint32_t *w = (const volatile uint32_t *)(p + off);

	return (uint64_t)w[0] | (uint64_t)w[1] << 32;
}

/* The card address to use, from the sysctl block the node maps at 0. */
static int pick_card_addr(int fd, uint64_t *addr)
{
	volatile uint8_t *sc;
	uint64_t l2, ddr;
	uint16_t magic;

	sc = mmap(NULL, SYSCTL_MAP_LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (sc == MAP_FAILED) {
		fprintf(stderr, "vendor-roundtrip: mmap of the sysctl block: %s\n",
			strerror(errno));
		return -1;
	}
	magic = *(const volatile uint16_t *)(sc + SYSCTL_MAGIC_OFF);
	l2 = rd64(sc, SYSCTL_MEMMAP0_OFF);
	ddr = rd64(sc, SYSCTL_MEMMAP1_OFF);
	munmap((void *)sc, SYSCTL_MAP_LEN);
	if (magic != SYSCTL_MAGIC) {
		fprintf(stderr, "vendor-roundtrip: sysctl magic 0x%04x, not 0x%04x\n",
			magic, SYSCTL_MAGIC);
		return -1;
	}
	if (ddr)
		*addr = ddr + (1u << 20);
	else if (l2)
		*addr = l2 + (16u << 20);
	else {
		fprintf(stderr, "vendor-roundtrip: memory_map[] is empty\n");
		return -1;
	}
	return 0;
}

/* -S: the header, dma_vm and each area reference's magic and BAR2 offset. */
static int show_sysctl(int fd)
{
	static const struct { const char *name; size_t off; } refs[] = {
		{ "datastream", 0x240 }, { "boardinfo", 0x258 }, { "axemsg", 0x270 },
		{ "ctx", 0x288 }, { "virt", 0x2a0 }, { "hdrv", 0x2b8 },
		{ "dmasgdesc", 0x2d0 }, { "vmsi", 0x2e8 },
	};
	volatile uint8_t *sc;
	size_t i;

	sc = mmap(NULL, SYSCTL_MAP_LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (sc == MAP_FAILED) {
		fprintf(stderr, "vendor-roundtrip: mmap of the sysctl block: %s\n",
			strerror(errno));
		return 1;
	}
	printf("SYSCTL magic=0x%04x map0=0x%" PRIx64 " map1=0x%" PRIx64 " dma_vm=0x%08x",
	       *(const volatile uint16_t *)sc, rd64(sc, SYSCTL_MEMMAP0_OFF),
	       rd64(sc, SYSCTL_MEMMAP1_OFF), *(const volatile uint32_t *)(sc + 0x218));
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		printf(" %s=0x%04x@0x%" PRIx64, refs[i].name,
		       *(const volatile uint16_t *)(sc + refs[i].off),
		       rd64(sc, refs[i].off + 8));
	printf("\n");
	munmap((void *)sc, SYSCTL_MAP_LEN);
	return 0;
}

static int xfer(int fd, int flags, uint64_t card, void *buf, size_t size)
{
	struct dma_xfer x;

	memset(&x, 0, sizeof(x));
	x.phy = card;
	x.virt = (uintptr_t)buf;
	x.size = size;
	x.flags = flags;
	return ioctl(fd, AXL_IOCTL_USR_DMA_XFER, &x) ? -errno : 0;
}

static int fail_ioctl(const char *what, int err, uint64_t card, size_t size)
{
	printf("ROUNDTRIP FAIL: %s of %zu bytes at card 0x%" PRIx64 ": %s (errno %d)\n",
	       what, size, card, strerror(-err), -err);
	return err == -ETIMEDOUT ? 2 : 3;
}

int main(int argc, char **argv)
{
	uint64_t card = 0, seed = 0, x;
	size_t size = 4096, i, bad = 0, first = 0;
	uint8_t *src, *dst;
	int opt, fd, err, have_card = 0, have_seed = 0, sysctl = 0;
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "s:a:x:S")) != -1) {
		switch (opt) {
		case 'S': sysctl = 1; break;
		case 's': size = strtoull(optarg, NULL, 0); break;
		case 'a': card = strtoull(optarg, NULL, 0); have_card = 1; break;
		case 'x': seed = strtoull(optarg, NULL, 0); have_seed = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || !size || size > (64u << 20))
		goto usage;

	fd = open(argv[optind], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "vendor-roundtrip: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (sysctl)
		return show_sysctl(fd);
	if (!have_card && pick_card_addr(fd, &card))
		return 1;
	if (!have_seed)
		seed = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();

	src = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	dst = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	if (!src || !dst) {
		fprintf(stderr, "vendor-roundtrip: out of memory\n");
		return 1;
	}
	/* xorshift64: a pattern no earlier run with another seed left behind */
	x = seed | 1;
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		src[i] = (uint8_t)x;
	}
	memset(dst, 0xee, size);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = xfer(fd, DMABUF_XFER_FLAG_WRITE, card, src, size);
	if (err)
		return fail_ioctl("host -> card", err, card, size);
	err = xfer(fd, DMABUF_XFER_FLAG_READ, card, dst, size);
	if (err)
		return fail_ioctl("card -> host", err, card, size);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (i = 0; i < size; i++) {
		if (src[i] != dst[i] && !bad++)
			first = i;
	}
	if (bad) {
		printf("ROUNDTRIP FAIL: %zu of %zu bytes differ at card 0x%" PRIx64
		       ", first at %zu (wrote 0x%02x, read 0x%02x)\n",
		       bad, size, card, first, src[first], dst[first]);
		return 4;
	}
	printf("ROUNDTRIP OK: %zu bytes host -> card 0x%" PRIx64 " -> host verified (%.1f ms)\n",
	       size, card, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;

usage:
	fprintf(stderr, "usage: vendor-roundtrip [-s SIZE] [-a CARD_ADDR] [-x SEED] DEVICE\n"
		"       vendor-roundtrip -S DEVICE\n");
	return 1;
}
