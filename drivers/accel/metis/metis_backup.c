// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Host copies of on-card memory.
 *
 * Card memory does not survive a reset or a power cycle: before one,
 * every device buffer is copied to host memory, and back after. The host
 * side of each copy (a vmalloc buffer, the table of its pages and room
 * for its descriptors) is set aside while allocating is safe and may
 * fail without harm: in the system sleep notifier (a failure refuses the
 * sleep) and before a runtime suspend stops the card (a failure keeps it
 * awake). Only a hang recovery, or a buffer created since, allocates
 * during the save itself. A buffer whose copy could not be made or put
 * back is lost: its jobs fail with -EIO and the log says so, instead of
 * the card running on what the reset left.
 */

#include <linux/dma-mapping.h>
#include <linux/fault-inject.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "metis_backup.h"
#include "metis_compat.h"
#include "metis_dma.h"
#include "metis_drv.h"
#include "metis_gem.h"

/**
 * struct metis_backup - the host copy of one device buffer
 * @buf: vmalloc buffer of the buffer's size.
 * @sgt: the pages of @buf, mapped for the card only during a copy.
 * @dl: descriptors of a copy, written into room set aside with @buf.
 * @room: elements @dl can hold: enough for any mapping of @sgt.
 * @saved: @buf holds the card's contents.
 */
struct metis_backup {
	void *buf;
	struct sg_table sgt;
	struct metis_dma_list dl;
	unsigned int room;
	bool saved;
};

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(metis_fail_backup);

/**
 * metis_backup_debugfs_init() - the fail_backup fault-injection point
 * @root: the device's debugfs directory
 *
 * Fails the host copies' allocation, as memory pressure would
 * (Documentation/fault-injection: probability, times, interval).
 */
void metis_backup_debugfs_init(struct dentry *root)
{
	fault_create_debugfs_attr("fail_backup", root, &metis_fail_backup);
}

static bool metis_backup_should_fail(u64 size)
{
	return should_fail(&metis_fail_backup, size);
}
#else
void metis_backup_debugfs_init(struct dentry *root)
{
}

static bool metis_backup_should_fail(u64 size)
{
	return false;
}
#endif

static void metis_backup_destroy(struct metis_backup *b)
{
	if (!b)
		return;
	kvfree(b->dl.elems);
	sg_free_table(&b->sgt);
	vfree(b->buf);
	kfree(b);
}

static void metis_backup_free(struct metis_bo *bo)
{
	metis_backup_destroy(bo->backup);
	bo->backup = NULL;
}

/* A host copy of @size bytes with its page table and descriptor room. */
static struct metis_backup *metis_backup_new(struct metis_device *mdev,
					     u64 size)
{
	unsigned int i, npages = size >> PAGE_SHIFT;
	struct metis_backup *b;
	struct page **pages;
	int ret;

	if (metis_backup_should_fail(size))
		return NULL;
	b = kzalloc_obj(*b);
	if (!b)
		return NULL;
	b->dl.mdev = mdev;
	b->buf = vmalloc(size);
	if (!b->buf)
		goto fail;
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto fail;
	for (i = 0; i < npages; i++)
		pages[i] = vmalloc_to_page(b->buf + (size_t)i * PAGE_SIZE);
	ret = sg_alloc_table_from_pages(&b->sgt, pages, npages, 0, size,
					GFP_KERNEL);
	kvfree(pages);
	if (ret)
		goto fail;
	/* A mapping only merges segments; each is cut at the element size. */
	b->room = b->sgt.orig_nents + div_u64(size, METIS_DMA_ELEM_BYTES) + 1;
	b->dl.elems = kvmalloc_array(b->room, sizeof(*b->dl.elems), GFP_KERNEL);
	if (!b->dl.elems)
		goto fail;
	return b;

fail:
	metis_backup_destroy(b);
	return NULL;
}

/* The last resort, under mm_lock: a buffer created since the prepare. */
static int metis_backup_alloc(struct metis_device *mdev, struct metis_bo *bo)
{
	if (!bo->backup)
		bo->backup = metis_backup_new(mdev, bo->node.size);
	return bo->backup ? 0 : -ENOMEM;
}

/* Map, describe, run, unmap: nothing is allocated but the mapping. */
static int metis_backup_copy(struct metis_device *mdev, struct metis_bo *bo,
			     enum metis_engine dir)
{
	enum dma_data_direction ddir = dir == METIS_ENGINE_RD ? DMA_TO_DEVICE :
								DMA_FROM_DEVICE;
	struct metis_backup *b = bo->backup;
	int ret;

	ret = dma_map_sgtable(mdev->drm.dev, &b->sgt, ddir, 0);
	if (ret)
		return ret;
	ret = metis_dma_list_fill(&b->dl, b->room, dir, &b->sgt, 0,
				  bo->node.start, bo->node.size) ?:
	      metis_dma_run_sync(mdev, dir, 0, &b->dl);
	dma_unmap_sgtable(mdev->drm.dev, &b->sgt, ddir, 0);
	return ret;
}

/* A device buffer with no host copy yet, referenced; NULL when none. */
static struct metis_bo *metis_mem_next_bare(struct metis_device *mdev)
{
	struct metis_bo *bo;

	guard(mutex)(&mdev->mm_lock);
	list_for_each_entry(bo, &mdev->dev_bos, link)
		if (!bo->lost && !bo->backup &&
		    kref_get_unless_zero(&bo->base.base.refcount))
			return bo;
	return NULL;
}

/**
 * metis_mem_prepare() - set aside the host copies of every device buffer
 * @mdev: device
 *
 * Allocates outside mm_lock, which the save takes on the recovery path:
 * memory reclaim never waits with it held here.
 *
 * Return: 0, or -ENOMEM (the copies set aside stay until
 * metis_mem_unprepare()).
 */
int metis_mem_prepare(struct metis_device *mdev)
{
	struct metis_backup *b;
	struct metis_bo *bo;
	bool ok;

	while ((bo = metis_mem_next_bare(mdev))) {
		b = metis_backup_new(mdev, bo->node.size);
		ok = b;
		if (b) {
			guard(mutex)(&mdev->mm_lock);
			if (!bo->backup) {
				bo->backup = b;
				b = NULL;
			}
		}
		metis_backup_destroy(b);
		drm_gem_object_put(&bo->base.base);
		if (!ok)
			return -ENOMEM;
	}
	return 0;
}

/**
 * metis_mem_unprepare() - free the host copies that hold nothing
 * @mdev: device
 *
 * Not during a system sleep (metis_mem_keep_backups()): its notifier set
 * them aside for the whole of it.
 */
void metis_mem_unprepare(struct metis_device *mdev)
{
	struct metis_bo *bo;

	guard(mutex)(&mdev->mm_lock);
	if (mdev->keep_backups)
		return;
	list_for_each_entry(bo, &mdev->dev_bos, link)
		if (bo->backup && !bo->backup->saved)
			metis_backup_free(bo);
}

/**
 * metis_mem_keep_backups() - keep the host copies after a restore, or not
 * @mdev: device
 * @keep: true from the system sleep notifier's prepare to its end: a
 *	  hibernation saves again after the thaw, when it can no longer
 *	  allocate safely
 *
 * Copies not kept go once their buffer is back on the card.
 */
void metis_mem_keep_backups(struct metis_device *mdev, bool keep)
{
	guard(mutex)(&mdev->mm_lock);
	mdev->keep_backups = keep;
}

/**
 * metis_mem_save() - copy every device buffer to host memory
 * @mdev: device, schedulers stopped, DMA engine initialised
 *
 * A buffer without a host copy set aside gets one now. Buffers whose copy
 * fails are lost (logged; their jobs fail with -EIO); the others are put
 * back by metis_mem_restore().
 *
 * Return: 0, or the first error.
 */
int metis_mem_save(struct metis_device *mdev)
{
	unsigned int lost = 0;
	struct metis_bo *bo;
	int ret = 0, err;

	guard(mutex)(&mdev->mm_lock);
	list_for_each_entry(bo, &mdev->dev_bos, link) {
		if (bo->lost)
			continue;
		err = metis_backup_alloc(mdev, bo) ?:
		      metis_backup_copy(mdev, bo, METIS_ENGINE_WR);
		if (err) {
			metis_backup_free(bo);
			WRITE_ONCE(bo->lost, true);
			lost++;
			ret = ret ?: err;
			continue;
		}
		bo->backup->saved = true;
	}
	if (ret)
		drm_err(&mdev->drm, "card memory of %u buffer%s not saved (%d): lost, their jobs fail with -EIO\n",
			lost, lost > 1 ? "s" : "", ret);
	return ret;
}

/**
 * metis_mem_restore() - put saved device buffers back on the card
 * @mdev: device, schedulers stopped, firmware running
 *
 * Drops the host copies unless metis_mem_keep_backups() keeps them. A buffer
 * that cannot be put back is lost (logged).
 *
 * Return: 0, or the first error.
 */
int metis_mem_restore(struct metis_device *mdev)
{
	unsigned int lost = 0;
	struct metis_bo *bo;
	int ret = 0, err;

	guard(mutex)(&mdev->mm_lock);
	list_for_each_entry(bo, &mdev->dev_bos, link) {
		if (!bo->backup || !bo->backup->saved)
			continue;
		err = metis_backup_copy(mdev, bo, METIS_ENGINE_RD);
		bo->backup->saved = false;
		if (err) {
			WRITE_ONCE(bo->lost, true);
			lost++;
			ret = ret ?: err;
		}
		if (err || !mdev->keep_backups)
			metis_backup_free(bo);
	}
	if (ret)
		drm_err(&mdev->drm, "card memory of %u buffer%s not restored (%d): lost, their jobs fail with -EIO\n",
			lost, lost > 1 ? "s" : "", ret);
	return ret;
}

/**
 * metis_backup_release() - free a buffer's host copy
 * @bo: device buffer being freed
 */
void metis_backup_release(struct metis_bo *bo)
{
	metis_backup_free(bo);
}
