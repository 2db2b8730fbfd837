/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The metis authors */
#ifndef LIBDRM_METIS_INTERNAL_H
#define LIBDRM_METIS_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>

#include "libdrm_metis.h"
#include "metis_enum.h"

#define METIS_EXPORT __attribute__((visibility("default")))

/*
 * An older version of an exported function: @impl is exported as
 * @name@@node (never the default), for programs linked against that
 * release.
 */
#define METIS_COMPAT(impl, name, node) \
	__asm__(".symver " #impl "," #name "@" node)

#define METIS_BO_BUCKETS 64

struct metis_device {
	int fd;
	struct metis_card card;
	/*
	 * Protects the handle table: every buffer object of this device by
	 * GEM handle, so that importing a dma-buf whose handle is already
	 * known returns the same wrapper (with one more reference).
	 */
	pthread_mutex_t lock;
	struct metis_bo *bos[METIS_BO_BUCKETS];
};

struct metis_bo {
	struct metis_device *dev;
	struct metis_bo *next;		/* in dev->bos, under dev->lock */
	unsigned int refcount;		/* under dev->lock */
	uint32_t handle;
	uint32_t flags;
	uint64_t size;
	uint64_t mmap_offset;
	pthread_mutex_t map_lock;	/* made on the first metis_bo_map() */
	void *map;
};

/* ioctl returning -errno. */
int metis_ioctl(struct metis_device *dev, unsigned long req, void *arg);

/* Relative timeout to an absolute CLOCK_MONOTONIC deadline (saturating). */
int64_t metis_deadline(int64_t timeout_ns);

#endif /* LIBDRM_METIS_INTERNAL_H */
