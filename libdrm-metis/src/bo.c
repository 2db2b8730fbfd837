// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Buffer objects: create, import/export as dma-buf, CPU map, wait, free.
 *
 * Every buffer object of a device is in its handle table.  The kernel
 * gives one GEM handle per buffer and file: importing a dma-buf whose
 * buffer this file already has (imported before, or created here and
 * exported) returns that handle, so the table returns its wrapper with one
 * more reference, and the handle is closed only when the last reference
 * goes.  Import and the final free hold the table's lock across the ioctl,
 * so that an import cannot get a handle that a free is closing.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "internal.h"

static struct metis_bo **bucket(struct metis_device *dev, uint32_t handle)
{
	return &dev->bos[handle % METIS_BO_BUCKETS];
}

static struct metis_bo *lookup(struct metis_device *dev, uint32_t handle)
{
	struct metis_bo *bo;

	for (bo = *bucket(dev, handle); bo; bo = bo->next)
		if (bo->handle == handle)
			return bo;
	return NULL;
}

static void gem_close(struct metis_device *dev, uint32_t handle)
{
	struct drm_gem_close cl = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
}

/*
 * A wrapper for a handle new to the table; caller holds dev->lock.  Closes
 * the handle on failure.
 */
static int bo_wrap(struct metis_device *dev, uint32_t handle,
		   struct metis_bo **bop)
{
	struct drm_metis_bo_info info = { .handle = handle };
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
	bo->refcount = 1;
	bo->handle = handle;
	bo->flags = info.flags;
	bo->size = info.size;
	bo->mmap_offset = info.mmap_offset;
	pthread_mutex_init(&bo->map_lock, NULL);
	bo->next = *bucket(dev, handle);
	*bucket(dev, handle) = bo;
	*bop = bo;
	return 0;

err_close:
	gem_close(dev, handle);
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
	pthread_mutex_lock(&dev->lock);
	ret = bo_wrap(dev, c.handle, bop);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

METIS_EXPORT int metis_bo_import(struct metis_device *dev, int dmabuf_fd,
				 struct metis_bo **bop)
{
	struct metis_bo *bo;
	uint32_t handle;
	int ret;

	pthread_mutex_lock(&dev->lock);
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &handle)) {
		ret = -errno;
	} else if ((bo = lookup(dev, handle))) {
		bo->refcount++;
		*bop = bo;
		ret = 0;
	} else {
		ret = bo_wrap(dev, handle, bop);
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

METIS_EXPORT int metis_bo_export(struct metis_bo *bo, int *fdp)
{
	return drmPrimeHandleToFD(bo->dev->fd, bo->handle,
				  DRM_CLOEXEC | DRM_RDWR, fdp) ? -errno : 0;
}

METIS_EXPORT int metis_bo_map(struct metis_bo *bo, void **ptrp)
{
	void *p;
	int ret = 0;

	if (bo->flags & DRM_METIS_BO_DEVICE || !bo->mmap_offset)
		return -EINVAL;
	pthread_mutex_lock(&bo->map_lock);
	if (!bo->map) {
		p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 bo->dev->fd, bo->mmap_offset);
		if (p == MAP_FAILED)
			ret = -errno;
		else
			bo->map = p;
	}
	if (!ret)
		*ptrp = bo->map;
	pthread_mutex_unlock(&bo->map_lock);
	return ret;
}

METIS_EXPORT void metis_bo_free(struct metis_bo *bo)
{
	struct metis_device *dev;
	struct metis_bo **pp;

	if (!bo)
		return;
	dev = bo->dev;
	pthread_mutex_lock(&dev->lock);
	if (--bo->refcount) {
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	for (pp = bucket(dev, bo->handle); *pp != bo; pp = &(*pp)->next)
		;
	*pp = bo->next;
	gem_close(dev, bo->handle);
	pthread_mutex_unlock(&dev->lock);
	if (bo->map)
		munmap(bo->map, bo->size);
	pthread_mutex_destroy(&bo->map_lock);
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

METIS_EXPORT int metis_syncobj_export_sync_file(struct metis_device *dev,
						uint32_t handle, int *fdp)
{
	return drmSyncobjExportSyncFile(dev->fd, handle, fdp) ? -errno : 0;
}

METIS_EXPORT int metis_syncobj_import_sync_file(struct metis_device *dev,
						uint32_t handle, int fd)
{
	return drmSyncobjImportSyncFile(dev->fd, handle, fd) ? -errno : 0;
}
