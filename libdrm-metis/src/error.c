// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Error messages in metis terms, and the CRC-32 the firmware computes.
 */
#include <string.h>

#include "internal.h"

METIS_EXPORT const char *metis_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case ENODEV:
		return "no metis card (not present, not bound, or removed)";
	case ENOENT:
		return "unknown buffer object or syncobj handle";
	case EINVAL:
		return "invalid argument (unknown flag or opcode, non-zero padding, wrong buffer kind, zero size or bad channel)";
	case ERANGE:
		return "offset and size lie outside the buffer";
	case E2BIG:
		return "too large (buffer bigger than its memory, too many jobs or syncs)";
	case ENOSPC:
		return "on-card memory has no free range that large";
	case ENOMEM:
		return "out of host memory";
	case EIO:
		return "the card failed the job or is in the error state (firmware not running)";
	case ETIME:
	case ETIMEDOUT:
		return "timed out waiting for the card";
	case EFAULT:
		return "bad user pointer";
	case ENOTTY:
		return "not a metis device (the node belongs to another driver)";
	case EACCES:
	case EPERM:
		return "no permission to open the accel node";
	case ECANCELED:
		return "the job was cancelled by a card reset";
	}
	return strerror(-err);
}

METIS_EXPORT uint32_t metis_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const uint8_t *p = buf;
	uint32_t c;
	int i, k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (k = 0; k < 8; k++)
				c = (c >> 1) ^ (0xedb88320 & -(c & 1));
			table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
