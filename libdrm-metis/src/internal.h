/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The metis authors */
#ifndef LIBDRM_METIS_INTERNAL_H
#define LIBDRM_METIS_INTERNAL_H

#include <errno.h>
#include <limits.h>

#include "libdrm_metis.h"

#define METIS_EXPORT __attribute__((visibility("default")))

struct metis_device {
	int fd;
	char pci[32];
	char node[64];
	char sysfs[PATH_MAX];
};

struct metis_bo {
	struct metis_device *dev;
	uint32_t handle;
	uint32_t flags;
	uint64_t size;
	uint64_t mmap_offset;
	void *map;
};

/* ioctl returning -errno. */
int metis_ioctl(struct metis_device *dev, unsigned long req, void *arg);

/* Relative timeout to an absolute CLOCK_MONOTONIC deadline (saturating). */
int64_t metis_deadline(int64_t timeout_ns);

#endif /* LIBDRM_METIS_INTERNAL_H */
