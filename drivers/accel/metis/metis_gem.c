// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Buffer objects: host buffers on the shmem helpers (mmap, dma-buf export
 * and import), device buffers as ranges of on-card memory handed out by a
 * drm_mm allocator (reached only by DMA, never mapped).
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>
#include <uapi/drm/metis_accel.h>

#include "metis_backup.h"
#include "metis_compat.h"
#include "metis_dma.h"
#include "metis_drv.h"
#include "metis_fw.h"
#include "metis_gem.h"
#include "metis_job.h"

/* dma_buf_unmap_attachment() */
METIS_IMPORT_NS(DMA_BUF);

/* Counted in metis_dma_stats while listed in the device's host_bos. */
static atomic_t *metis_host_bo_stat(struct metis_bo *bo)
{
	return drm_gem_is_imported(&bo->base.base) ? &metis_dma_stats.imports :
						     &metis_dma_stats.host_bos;
}

static void metis_host_bo_free(struct drm_gem_object *obj)
{
	struct metis_device *mdev = to_metis_device(obj->dev);
	struct metis_bo *bo = to_metis_bo(obj);

	scoped_guard(mutex, &mdev->dma_lock) {
		if (!list_empty(&bo->link)) {
			list_del(&bo->link);
			atomic_dec(metis_host_bo_stat(bo));
		}
	}
	/* Unmaps what metis_gem_unmap_all() did not take already. */
	drm_gem_shmem_object_free(obj);
}

static const struct drm_gem_object_funcs metis_host_bo_funcs = {
	.free = metis_host_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

static void metis_dev_bo_free(struct drm_gem_object *obj)
{
	struct metis_device *mdev = to_metis_device(obj->dev);
	struct metis_bo *bo = to_metis_bo(obj);

	scoped_guard(mutex, &mdev->mm_lock) {
		mdev->mem_used -= bo->node.size;
		drm_mm_remove_node(&bo->node);
		list_del(&bo->link);
	}
	metis_backup_release(bo);
	drm_gem_object_release(obj);
	kfree(bo);
}

static struct dma_buf *metis_dev_bo_export(struct drm_gem_object *obj,
					   int flags)
{
	/* On-card memory has no host pages to share. */
	return ERR_PTR(-EINVAL);
}

static const struct drm_gem_object_funcs metis_dev_bo_funcs = {
	.free = metis_dev_bo_free,
	.export = metis_dev_bo_export,
};

/**
 * metis_gem_create_object() - &drm_driver.gem_create_object hook
 * @drm: DRM device
 * @size: object size
 *
 * Allocates the driver's object around the shmem object, for created and
 * imported host buffers.
 *
 * Return: the new object or ERR_PTR(-ENOMEM).
 */
struct drm_gem_object *metis_gem_create_object(struct drm_device *drm,
					       size_t size)
{
	struct metis_bo *bo = kzalloc_obj(*bo);

	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->link);
	bo->base.base.funcs = &metis_host_bo_funcs;
	return &bo->base.base;
}

/**
 * metis_gem_prime_import_sg_table() - &drm_driver.gem_prime_import_sg_table
 * @drm: DRM device
 * @attach: the dma-buf attachment of the card
 * @sgt: the exporter's mapping of the buffer for the card
 *
 * A shmem object around the importer's mapping, listed so that an unplug
 * can give the mapping back while the object lives on.
 *
 * Return: the new object or an ERR_PTR.
 */
struct drm_gem_object *
metis_gem_prime_import_sg_table(struct drm_device *drm,
				struct dma_buf_attachment *attach,
				struct sg_table *sgt)
{
	struct metis_device *mdev = to_metis_device(drm);
	struct drm_gem_object *obj;

	obj = drm_gem_shmem_prime_import_sg_table(drm, attach, sgt);
	if (IS_ERR(obj))
		return obj;
	scoped_guard(mutex, &mdev->dma_lock)
		list_add_tail(&to_metis_bo(obj)->link, &mdev->host_bos);
	atomic_inc(&metis_dma_stats.imports);
	return obj;
}

/**
 * metis_bo_is_metis() - tell whether a GEM object is one of ours
 * @obj: object
 *
 * Return: true for host, imported and device buffers of this driver.
 */
bool metis_bo_is_metis(struct drm_gem_object *obj)
{
	return obj->funcs == &metis_host_bo_funcs ||
	       obj->funcs == &metis_dev_bo_funcs;
}

/**
 * metis_bo_host_sgt() - DMA-mapped pages of a host or imported buffer
 * @bo: host buffer
 *
 * Pins the pages of a created buffer for its lifetime; an imported buffer
 * uses the importer's mapping of the dma-buf (zero copy).
 *
 * Return: the table or an ERR_PTR.
 */
struct sg_table *metis_bo_host_sgt(struct metis_bo *bo)
{
	struct metis_device *mdev = to_metis_device(bo->base.base.dev);
	struct sg_table *sgt;

	if (drm_gem_is_imported(&bo->base.base))
		return bo->base.sgt ?: ERR_PTR(-EINVAL);
	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		return sgt;
	guard(mutex)(&mdev->dma_lock);
	if (list_empty(&bo->link)) {
		list_add_tail(&bo->link, &mdev->host_bos);
		atomic_inc(&metis_dma_stats.host_bos);
	}
	return sgt;
}

/**
 * metis_gem_unmap_all() - take every host buffer mapping from the card
 * @mdev: device being unplugged: the card silenced, its interrupts freed,
 *        no job can start any more
 *
 * Host buffers that clients still hold keep their pages, so their mmaps
 * stay valid (the pages go when the buffer is freed, as usual), but lose
 * their DMA mapping for the card, which must not outlive the device: the
 * sg table of a created buffer is unmapped and freed, an imported
 * buffer's mapping is given back to its exporter (the attachment itself
 * goes with the buffer; exporters that cache the mapping, such as the DRM
 * ones on 6.12, release it only then). With shmem->sgt NULL,
 * drm_gem_shmem_free() has nothing left to unmap.
 */
void metis_gem_unmap_all(struct metis_device *mdev)
{
	struct metis_bo *bo, *next;

	guard(mutex)(&mdev->dma_lock);
	list_for_each_entry_safe(bo, next, &mdev->host_bos, link) {
		struct drm_gem_shmem_object *shmem = &bo->base;
		struct drm_gem_object *obj = &shmem->base;

		dma_resv_lock(obj->resv, NULL);
		if (shmem->sgt && drm_gem_is_imported(obj)) {
			dma_buf_unmap_attachment(obj->import_attach, shmem->sgt,
						 DMA_BIDIRECTIONAL);
		} else if (shmem->sgt) {
			dma_unmap_sgtable(mdev->drm.dev, shmem->sgt,
					  DMA_BIDIRECTIONAL, 0);
			sg_free_table(shmem->sgt);
			kfree(shmem->sgt);
		}
		shmem->sgt = NULL;
		dma_resv_unlock(obj->resv);
		atomic_dec(metis_host_bo_stat(bo));
		list_del_init(&bo->link);
	}
}

/* Holes between ranges and kept areas: at most this many nodes. */
#define METIS_MEM_FIXED_NODES	(3 * METIS_MAX_RANGES)

static void metis_mem_fini(struct drm_device *drm, void *arg)
{
	struct metis_device *mdev = to_metis_device(drm);
	struct drm_mm_node *node, *next;

	/* Every buffer is gone with the last reference to the device. */
	drm_mm_for_each_node_safe(node, next, &mdev->mm)
		drm_mm_remove_node(node);
	drm_mm_takedown(&mdev->mm);
}

/**
 * metis_mem_overlaps() - tell whether card memory for buffers is touched
 * @mdev: device, ranges read
 * @base: card address
 * @size: bytes
 *
 * Return: true if [@base, @base + @size) meets one of the card's ranges.
 */
bool metis_mem_overlaps(struct metis_device *mdev, u64 base, u64 size)
{
	const struct metis_card *c = &mdev->card;
	unsigned int i;

	for (i = 0; i < c->nranges; i++)
		if (base < c->ranges[i].base + c->ranges[i].size &&
		    base + size > c->ranges[i].base)
			return true;
	return false;
}

/* Reserve [start, end) in the allocator: it is free. */
static int metis_mem_reserve(struct metis_device *mdev, struct drm_mm_node *nodes,
			     unsigned int *used, u64 start, u64 end)
{
	int ret;

	if (*used == METIS_MEM_FIXED_NODES)
		return -ENOSPC;
	nodes[*used].start = start;
	nodes[*used].size = end - start;
	ret = drm_mm_reserve_node(&mdev->mm, &nodes[(*used)++]);
	if (!ret)
		mdev->mem_reserved += end - start;
	return ret;
}

/*
 * Keep [base, base + size) from buffers where it meets the ranges and is
 * not kept already (the kept places may overlap: a card may publish its
 * descriptor region at the vendor's fallback address, or inside the
 * host-device interface region).
 */
static int metis_mem_keep(struct metis_device *mdev, struct drm_mm_node *nodes,
			  unsigned int *used, u64 base, u64 size)
{
	const struct metis_card *c = &mdev->card;
	u64 start = ALIGN_DOWN(base, PAGE_SIZE), end = PAGE_ALIGN(base + size);
	u64 gap[METIS_MEM_FIXED_NODES][2];
	struct drm_mm_node *n;
	unsigned int i, k, ngaps;
	int ret;

	if (size > U64_MAX - base)
		return -EINVAL;
	for (i = 0; i < c->nranges; i++) {
		u64 lo = max(start, c->ranges[i].base);
		u64 hi = min(end, c->ranges[i].base + c->ranges[i].size);
		u64 pos = lo;

		if (lo >= hi)
			continue;
		/* The free parts first: reserving changes the tree. */
		ngaps = 0;
		drm_mm_for_each_node_in_range(n, &mdev->mm, lo, hi) {
			if (n->start > pos && ngaps < ARRAY_SIZE(gap)) {
				gap[ngaps][0] = pos;
				gap[ngaps++][1] = n->start;
			}
			pos = max(pos, n->start + n->size);
		}
		if (pos < hi && ngaps < ARRAY_SIZE(gap)) {
			gap[ngaps][0] = pos;
			gap[ngaps++][1] = hi;
		}
		for (k = 0; k < ngaps; k++) {
			ret = metis_mem_reserve(mdev, nodes, used, gap[k][0],
						gap[k][1]);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * metis_mem_init() - set up the card memory allocator
 * @mdev: device, with the card's ranges read and the firmware cached
 *
 * One allocator over the span of the card's ranges (L2 and DDR), the
 * holes between them kept out, so that a buffer never spans two ranges.
 * Also kept out: the firmware load area (our firmware is loaded there
 * after every reset) and the vendor's fixed descriptor region in L2 (used
 * when a card does not publish its descriptor area).
 *
 * Return: 0 or a negative errno.
 */
int metis_mem_init(struct metis_device *mdev)
{
	const struct metis_card *c = &mdev->card;
	const struct metis_range *last = &c->ranges[c->nranges - 1];
	struct drm_mm_node *nodes;
	unsigned int i, used = 0;
	int ret;

	nodes = drmm_kcalloc(&mdev->drm, METIS_MEM_FIXED_NODES, sizeof(*nodes),
			     GFP_KERNEL);
	if (!nodes)
		return -ENOMEM;

	INIT_LIST_HEAD(&mdev->dev_bos);
	drm_mm_init(&mdev->mm, c->ranges[0].base,
		    last->base + last->size - c->ranges[0].base);
	ret = drmm_add_action_or_reset(&mdev->drm, metis_mem_fini, NULL);
	if (ret)
		return ret;

	mdev->mem_size = 0;
	mdev->mem_reserved = 0;
	for (i = 0; i < c->nranges; i++) {
		mdev->mem_size += c->ranges[i].size;
		if (i + 1 == c->nranges)
			break;
		nodes[used].start = c->ranges[i].base + c->ranges[i].size;
		nodes[used].size = c->ranges[i + 1].base - nodes[used].start;
		ret = drm_mm_reserve_node(&mdev->mm, &nodes[used++]);
		if (ret)
			return ret;
	}

	/*
	 * Nothing the card published may hold a buffer: the host-device
	 * interface region (the sysctl block and the areas), and the areas
	 * the driver writes wherever they are, with the vendor's fallback
	 * descriptor region.
	 */
	ret = metis_mem_keep(mdev, nodes, &used, DESC_FALLBACK_ADDR,
			     DESC_REGION_SIZE) ?:
	      metis_mem_keep(mdev, nodes, &used, c->l2_base, c->hdif_size) ?:
	      metis_mem_keep(mdev, nodes, &used, c->desc_addr, DESC_REGION_SIZE) ?:
	      metis_mem_keep(mdev, nodes, &used, c->l2_base + c->hdrv_off,
			     HDRV_AREA_SIZE);
	if (!ret && c->ext_off)
		ret = metis_mem_keep(mdev, nodes, &used, c->l2_base + c->ext_off,
				     EXT_AREA_SIZE);
	if (ret)
		return ret;
	mdev->fw_area.base = 0;
	mdev->fw_area.size = 0;
	if (c->ext_off) {
		u64 size = metis_fw_reserve_size(mdev);

		if (metis_mem_overlaps(mdev, c->fw_load_addr, size)) {
			ret = metis_mem_keep(mdev, nodes, &used, c->fw_load_addr,
					     size);
			if (ret)
				return ret;
			mdev->fw_area.base = c->fw_load_addr;
			mdev->fw_area.size = size;
		}
	}
	mdev->mem_used = mdev->mem_reserved;
	drm_info(&mdev->drm, "%llu MiB of card memory in %u range%s (L2 and DDR), %llu KiB kept\n",
		 mdev->mem_size >> 20, c->nranges, c->nranges > 1 ? "s" : "",
		 mdev->mem_reserved >> 10);
	return 0;
}

/**
 * metis_mem_free_bytes() - on-card memory not allocated
 * @mdev: device
 *
 * Return: free bytes (possibly fragmented).
 */
u64 metis_mem_free_bytes(struct metis_device *mdev)
{
	guard(mutex)(&mdev->mm_lock);
	return mdev->mem_size - mdev->mem_used;
}

static struct drm_gem_object *metis_dev_bo_create(struct metis_device *mdev,
						  u64 size)
{
	struct metis_bo *bo;
	int ret;

	if (size > mdev->mem_size - mdev->mem_reserved)
		return ERR_PTR(-E2BIG);
	/* Buffers never span two of the card's ranges. */

	bo = kzalloc_obj(*bo);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->device = true;
	bo->base.base.funcs = &metis_dev_bo_funcs;

	scoped_guard(mutex, &mdev->mm_lock) {
		ret = drm_mm_insert_node_generic(&mdev->mm, &bo->node, size,
						 PAGE_SIZE, 0,
						 DRM_MM_INSERT_BEST);
		if (!ret) {
			mdev->mem_used += size;
			list_add_tail(&bo->link, &mdev->dev_bos);
		}
	}
	if (ret) {
		kfree(bo);
		return ERR_PTR(-ENOSPC);
	}
	drm_gem_private_object_init(&mdev->drm, &bo->base.base, size);
	return &bo->base.base;
}

/**
 * metis_ioctl_bo_create() - DRM_IOCTL_METIS_BO_CREATE
 * @drm: DRM device
 * @data: &struct drm_metis_bo_create
 * @file: DRM file
 *
 * Return: 0 or a negative errno as documented in the UAPI.
 */
int metis_ioctl_bo_create(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct metis_device *mdev = to_metis_device(drm);
	struct drm_metis_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	u64 size;
	int ret;

	if (args->flags & ~DRM_METIS_BO_DEVICE || !args->size)
		return -EINVAL;
	if (args->size > U64_MAX - PAGE_SIZE)
		return -E2BIG;
	size = PAGE_ALIGN(args->size);

	if (args->flags & DRM_METIS_BO_DEVICE) {
		obj = metis_dev_bo_create(mdev, size);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		ret = metis_job_clear_bo(mdev, obj);
		if (ret) {
			drm_gem_object_put(obj);
			return ret;
		}
	} else {
		if (size > (u64)totalram_pages() << PAGE_SHIFT)
			return -E2BIG;
		shmem = drm_gem_shmem_create(drm, size);
		if (IS_ERR(shmem))
			return PTR_ERR(shmem);
		obj = &shmem->base;
	}

	ret = drm_gem_handle_create(file, obj, &args->handle);
	drm_gem_object_put(obj);
	return ret;
}

/**
 * metis_ioctl_bo_info() - DRM_IOCTL_METIS_BO_INFO
 * @drm: DRM device
 * @data: &struct drm_metis_bo_info
 * @file: DRM file
 *
 * Return: 0 or a negative errno as documented in the UAPI.
 */
int metis_ioctl_bo_info(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_metis_bo_info *args = data;
	struct drm_gem_object *obj;
	struct metis_bo *bo;
	int ret = 0;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (!metis_bo_is_metis(obj)) {
		ret = -EINVAL;
		goto out;
	}
	bo = to_metis_bo(obj);
	if (bo->device) {
		args->flags = DRM_METIS_BO_DEVICE;
		args->mmap_offset = 0;
	} else {
		ret = drm_gem_create_mmap_offset(obj);
		if (ret)
			goto out;
		args->flags = DRM_METIS_BO_HOST;
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	}
	args->size = obj->size;
out:
	drm_gem_object_put(obj);
	return ret;
}

/**
 * metis_ioctl_bo_wait() - DRM_IOCTL_METIS_BO_WAIT
 * @drm: DRM device
 * @data: &struct drm_metis_bo_wait
 * @file: DRM file
 *
 * Return: 0 or a negative errno as documented in the UAPI.
 */
int metis_ioctl_bo_wait(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_metis_bo_wait *args = data;
	struct dma_resv_iter cursor;
	struct drm_gem_object *obj;
	struct dma_fence *fence;
	long timeout;
	int ret = 0;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	timeout = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
					timeout);
	if (timeout < 0) {
		ret = timeout;
	} else if (!timeout) {
		ret = -ETIME;
	} else {
		/*
		 * Report how the last writer ended; the unlocked iterator
		 * would skip the signalled fences.
		 */
		ret = dma_resv_lock_interruptible(obj->resv, NULL);
		if (!ret) {
			dma_resv_for_each_fence(&cursor, obj->resv,
						DMA_RESV_USAGE_WRITE, fence) {
				if (fence->error)
					ret = fence->error == -ENODEV ? -ENODEV : -EIO;
			}
			dma_resv_unlock(obj->resv);
		}
	}
	drm_gem_object_put(obj);
	return ret;
}
