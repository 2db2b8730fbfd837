// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Buffer objects: create, import/export as dma-buf, CPU map, wait, free.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "internal.h"

static int bo_wrap(struct metis_device *dev, uint32_t handle,
		   struct metis_bo **bop)
{
	struct drm_metis_bo_info info = { .handle = handle };
	struct drm_gem_close cl = { .handle = handle };
	struct metis_bo *bo;
	int ret;

	ret = metis_ioctl(dev, DRM_IOCTL_METIS_BO_INFO, &info);
	if (ret)
		goto err_close;
	bo = calloc(1, sizeof(*bo));
	if (!bo) {
		ret = -ENOMEM;
		goto err_close;
	}
	bo->dev = dev;
	bo->handle = handle;
	bo->flags = info.flags;
	bo->size = info.size;
	bo->mmap_offset = info.mmap_offset;
	*bop = bo;
	return 0;

err_close:
	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
	return ret;
}

METIS_EXPORT int metis_bo_create(struct metis_device *dev, uint64_t size,
				 uint32_t flags, struct metis_bo **bop)
{
	struct drm_metis_bo_create c = { .size = size, .flags = flags };
	int ret;

	ret = metis_ioctl(dev, DRM_IOCTL_METIS_BO_CREATE, &c);
	if (ret)
		return ret;
	return bo_wrap(dev, c.handle, bop);
}

METIS_EXPORT int metis_bo_import(struct metis_device *dev, int dmabuf_fd,
				 struct metis_bo **bop)
{
	uint32_t handle;

	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &handle))
		return -errno;
	return bo_wrap(dev, handle, bop);
}

METIS_EXPORT int metis_bo_export(struct metis_bo *bo, int *fdp)
{
	return drmPrimeHandleToFD(bo->dev->fd, bo->handle,
				  DRM_CLOEXEC | DRM_RDWR, fdp) ? -errno : 0;
}

METIS_EXPORT int metis_bo_map(struct metis_bo *bo, void **ptrp)
{
	void *p;

	if (!bo->map) {
		if (bo->flags & DRM_METIS_BO_DEVICE || !bo->mmap_offset)
			return -EINVAL;
		p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 bo->dev->fd, bo->mmap_offset);
		if (p == MAP_FAILED)
			return -errno;
		bo->map = p;
	}
	*ptrp = bo->map;
	return 0;
}

METIS_EXPORT void metis_bo_free(struct metis_bo *bo)
{
	struct drm_gem_close cl;

	if (!bo)
		return;
	if (bo->map)
		munmap(bo->map, bo->size);
	cl = (struct drm_gem_close){ .handle = bo->handle };
	drmIoctl(bo->dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
	free(bo);
}

METIS_EXPORT uint32_t metis_bo_handle(const struct metis_bo *bo)
{
	return bo->handle;
}

METIS_EXPORT uint64_t metis_bo_size(const struct metis_bo *bo)
{
	return bo->size;
}

METIS_EXPORT uint32_t metis_bo_flags(const struct metis_bo *bo)
{
	return bo->flags;
}

METIS_EXPORT struct metis_device *metis_bo_device(const struct metis_bo *bo)
{
	return bo->dev;
}

METIS_EXPORT int metis_bo_wait(struct metis_bo *bo, int64_t timeout_ns)
{
	struct drm_metis_bo_wait w = {
		.handle = bo->handle,
		.timeout_ns = metis_deadline(timeout_ns),
	};

	return metis_ioctl(bo->dev, DRM_IOCTL_METIS_BO_WAIT, &w);
}

METIS_EXPORT int metis_syncobj_create(struct metis_device *dev,
				      uint32_t *handlep)
{
	return drmSyncobjCreate(dev->fd, 0, handlep) ? -errno : 0;
}

METIS_EXPORT void metis_syncobj_destroy(struct metis_device *dev,
					uint32_t handle)
{
	drmSyncobjDestroy(dev->fd, handle);
}

METIS_EXPORT int metis_syncobj_wait(struct metis_device *dev,
				    const uint32_t *handles,
				    const uint64_t *points, unsigned int count,
				    int64_t timeout_ns)
{
	int64_t abs = metis_deadline(timeout_ns);
	uint32_t flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	int ret;

	if (points)
		ret = drmSyncobjTimelineWait(dev->fd, (uint32_t *)handles,
					     (uint64_t *)points, count, abs,
					     flags, NULL);
	else
		ret = drmSyncobjWait(dev->fd, (uint32_t *)handles, count, abs,
				     flags, NULL);
	return ret ? -errno : 0;
}

METIS_EXPORT int metis_syncobj_export(struct metis_device *dev,
				      uint32_t handle, int *fdp)
{
	return drmSyncobjHandleToFD(dev->fd, handle, fdp) ? -errno : 0;
}

METIS_EXPORT int metis_syncobj_import(struct metis_device *dev, int fd,
				      uint32_t *handlep)
{
	return drmSyncobjFDToHandle(dev->fd, fd, handlep) ? -errno : 0;
}
