// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Error messages in metis terms, and the CRC-32 the firmware computes.
 */
#include <string.h>

#include <zlib.h>

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
		return "the job was cancelled (by a card reset, or not queued after a bad job)";
	case EOPNOTSUPP:
		return "the card has no firmware command interface (no contexts)";
	}
	return strerror(-err);
}

/* zlib's: thread-safe, and the same CRC as the firmware's CRC32 command. */
METIS_EXPORT uint32_t metis_crc32(uint32_t crc, const void *buf, size_t len)
{
	/* zlib returns the initial value for a NULL buffer: keep @crc. */
	return buf ? crc32_z(crc, buf, len) : crc;
}

METIS_EXPORT const char *metis_version(void)
{
	return METIS_VERSION_STRING;
}
