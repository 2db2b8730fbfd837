/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Force-included (KCFLAGS=-include) into the build of the public vendor
 * driver by vendor-dma.sh, only for kernels whose headers no longer
 * declare strncpy() (7.x): the vendor module still calls it, so without
 * this it does not build there. strncpy()'s own semantics: at most @n
 * bytes, the rest of @n zero-filled, no terminator added past @n.
 * Nothing of the vendor's source is changed or kept here.
 */
#ifndef METIS_VENDOR_COMPAT_H
#define METIS_VENDOR_COMPAT_H

#include <linux/types.h>

static inline char *metis_compat_strncpy(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}
#define strncpy metis_compat_strncpy

#endif
