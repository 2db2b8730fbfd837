/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_GEM_H__
#define __METIS_GEM_H__

#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>

struct dma_buf_attachment;
struct drm_device;
struct drm_file;
struct metis_device;

/**
 * struct metis_bo - a buffer object
 * @base: shmem object; device buffers use only its &drm_gem_object.
 * @device: lives in on-card memory (@node), not in host pages.
 * @node: on-card range of a device buffer.
 * @link: entry in the device's list of device buffers, or of DMA-mapped
 *        host buffers (empty while a host buffer is not mapped).
 * @backup: host copy of a device buffer, set aside before a reset or a
 *          suspend and holding its contents until the restore, else NULL
 *          (metis_backup.c); under the device's mm_lock.
 * @lost: the contents of a device buffer could not be saved or restored:
 *        its jobs fail with -EIO (written under mm_lock).
 */
struct metis_bo {
	struct drm_gem_shmem_object base;
	bool device;
	struct drm_mm_node node;
	struct list_head link;
	struct metis_backup *backup;
	bool lost;
};

static inline struct metis_bo *to_metis_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct metis_bo, base);
}

struct drm_gem_object *metis_gem_create_object(struct drm_device *drm,
					       size_t size);
struct drm_gem_object *
metis_gem_prime_import_sg_table(struct drm_device *drm,
				struct dma_buf_attachment *attach,
				struct sg_table *sgt);
struct sg_table *metis_bo_host_sgt(struct metis_bo *bo);
void metis_gem_unmap_all(struct metis_device *mdev);
bool metis_bo_is_metis(struct drm_gem_object *obj);

int metis_mem_init(struct metis_device *mdev);
bool metis_mem_overlaps(struct metis_device *mdev, u64 base, u64 size);
u64 metis_mem_free_bytes(struct metis_device *mdev);

int metis_ioctl_bo_create(struct drm_device *drm, void *data,
			  struct drm_file *file);
int metis_ioctl_bo_info(struct drm_device *drm, void *data,
			struct drm_file *file);
int metis_ioctl_bo_wait(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __METIS_GEM_H__ */
