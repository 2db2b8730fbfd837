// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * The card's DesignWare-style eDMA: engine set-up, interrupt messages
 * (IMWR) and linked-list transfers built from scatter-gather tables.
 */

#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/iopoll.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "metis_dma.h"
#include "metis_hw.h"

#define METIS_DMA_SYNC_TIMEOUT_US	(5 * USEC_PER_SEC)

struct metis_dma_stats metis_dma_stats;

static u32 ch_base(enum metis_engine dir, unsigned int ch)
{
	return dir == METIS_ENGINE_RD ? EDMA_RD_CH_BASE(ch) : EDMA_WR_CH_BASE(ch);
}

static u32 doorbell(enum metis_engine dir)
{
	return dir == METIS_ENGINE_RD ? EDMA_RD_DOORBELL : EDMA_WR_DOORBELL;
}

/*
 * IMWR data for vector @vec: the MSI data of vector 0 with its low
 * log2(nvec) bits replaced (PCI multi-message rule, hw-interface.md 3.3).
 */
static u16 imwr_data(struct metis_device *mdev, unsigned int vec)
{
	u32 low = mdev->nvec - 1;

	if (mdev->nvec == 1)
		return mdev->msi.data;
	return (mdev->msi.data & ~low) | (vec & low);
}

static void metis_dma_program_imwr(struct metis_device *mdev)
{
	u32 lo = mdev->msi.address_lo, hi = mdev->msi.address_hi;
	unsigned int ch;
	u32 rd[2], wr[2];

	for (ch = 0; ch < METIS_DMA_CHANNELS; ch += 2) {
		rd[ch / 2] = imwr_data(mdev, METIS_VEC_RD(ch)) |
			     (u32)imwr_data(mdev, METIS_VEC_RD(ch + 1)) << 16;
		wr[ch / 2] = imwr_data(mdev, METIS_VEC_WR(ch)) |
			     (u32)imwr_data(mdev, METIS_VEC_WR(ch + 1)) << 16;
	}

	metis_edma_write(mdev, EDMA_RD_DONE_IMWR_LO, lo);
	metis_edma_write(mdev, EDMA_RD_DONE_IMWR_HI, hi);
	metis_edma_write(mdev, EDMA_RD_ABORT_IMWR_LO, lo);
	metis_edma_write(mdev, EDMA_RD_ABORT_IMWR_HI, hi);
	metis_edma_write(mdev, EDMA_RD_CH01_IMWR_DATA, rd[0]);
	metis_edma_write(mdev, EDMA_RD_CH23_IMWR_DATA, rd[1]);
	metis_edma_write(mdev, EDMA_WR_DONE_IMWR_LO, lo);
	metis_edma_write(mdev, EDMA_WR_DONE_IMWR_HI, hi);
	metis_edma_write(mdev, EDMA_WR_ABORT_IMWR_LO, lo);
	metis_edma_write(mdev, EDMA_WR_ABORT_IMWR_HI, hi);
	metis_edma_write(mdev, EDMA_WR_CH01_IMWR_DATA, wr[0]);
	metis_edma_write(mdev, EDMA_WR_CH23_IMWR_DATA, wr[1]);
}

/**
 * metis_dma_hw_init() - bring the eDMA engine from reset to ready
 * @mdev: device
 *
 * Every reset clears the IMWR targets and masks: program them, leave the
 * interrupts masked (metis_hw_irq_unmask() opens them) and enable both
 * engines.
 */
void metis_dma_hw_init(struct metis_device *mdev)
{
	unsigned int ch;

	scoped_guard(spinlock_irqsave, &mdev->imwr_lock)
		metis_dma_program_imwr(mdev);

	for (ch = 0; ch < METIS_DMA_CHANNELS; ch++) {
		metis_edma_write(mdev, EDMA_RD_CH_BASE(ch) + EDMA_CH_CONTROL1, 0);
		metis_edma_write(mdev, EDMA_WR_CH_BASE(ch) + EDMA_CH_CONTROL1, 0);
	}
	metis_edma_write(mdev, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_RD_ENGINE_EN, 1);
	metis_edma_write(mdev, EDMA_WR_ENGINE_EN, 1);
}

/**
 * metis_dma_hw_stop() - abort every channel and disable the engines
 * @mdev: device
 */
void metis_dma_hw_stop(struct metis_device *mdev)
{
	unsigned int ch;

	for (ch = 0; ch < METIS_DMA_CHANNELS; ch++) {
		metis_edma_write(mdev, EDMA_RD_DOORBELL, EDMA_DOORBELL_STOP | ch);
		metis_edma_write(mdev, EDMA_WR_DOORBELL, EDMA_DOORBELL_STOP | ch);
	}
	metis_edma_write(mdev, EDMA_RD_ENGINE_EN, 0);
	metis_edma_write(mdev, EDMA_WR_ENGINE_EN, 0);
	metis_edma_write(mdev, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);
}

/**
 * metis_dma_error() - the error code of a channel's last transfer
 * @mdev: device
 * @dir: METIS_ENGINE_RD or METIS_ENGINE_WR
 * @ch: channel
 *
 * Return: CH_ERROR (hw-interface.md 3.5), 0 if none.
 */
int metis_dma_error(struct metis_device *mdev, enum metis_engine dir,
		    unsigned int ch)
{
	return metis_edma_read(mdev, ch_base(dir, ch) + EDMA_CH_ERROR);
}

/**
 * metis_dma_elements_done() - data elements the channel's last transfer moved
 * @mdev: device
 * @dir: METIS_ENGINE_RD or METIS_ENGINE_WR
 * @ch: channel
 *
 * Return: CH_ELEMENTS (hw-interface.md 3.2).
 */
unsigned int metis_dma_elements_done(struct metis_device *mdev,
				     enum metis_engine dir, unsigned int ch)
{
	return metis_edma_read(mdev, ch_base(dir, ch) + EDMA_CH_ELEMENTS);
}

/**
 * metis_dma_start() - start one run of a linked-list transfer
 * @mdev: device
 * @dir: METIS_ENGINE_RD (host to card) or METIS_ENGINE_WR (card to host)
 * @ch: channel
 * @dl: descriptors
 * @run: which doorbell's worth of @dl to start
 * @irq: the run's last element requests the done interrupt
 *
 * The caller owns the channel and holds drm_dev_enter().
 */
void metis_dma_start(struct metis_device *mdev, enum metis_engine dir,
		     unsigned int ch, struct metis_dma_list *dl,
		     unsigned int run, bool irq)
{
	dma_addr_t llp = dl->blocks[run * METIS_DMA_RUN_BLOCKS].bus;
	u32 base = ch_base(dir, ch);

	/*
	 * With one vector the MSI message may move with the interrupt's
	 * affinity: reprogram the IMWR data before each transfer.
	 */
	if (mdev->nvec == 1) {
		unsigned long flags;

		spin_lock_irqsave(&mdev->imwr_lock, flags);
		get_cached_msi_msg(pci_irq_vector(mdev->pdev, 0), &mdev->msi);
		metis_dma_program_imwr(mdev);
		spin_unlock_irqrestore(&mdev->imwr_lock, flags);
	}

	metis_edma_write(mdev, base + EDMA_CH_CONTROL1,
			 EDMA_CTL_LLE | EDMA_CTL_CCS | (irq ? EDMA_CTL_LIE : 0));
	metis_edma_write(mdev, base + EDMA_CH_LLP_LO, lower_32_bits(llp));
	metis_edma_write(mdev, base + EDMA_CH_LLP_HI, upper_32_bits(llp));
	/* Descriptors are in coherent memory; order them before the doorbell. */
	wmb();
	metis_edma_write(mdev, doorbell(dir), ch);
}

/**
 * metis_dma_run_sync() - run a whole transfer by polling, no interrupt
 * @mdev: device
 * @dir: direction
 * @ch: channel, which must be idle
 * @dl: descriptors
 *
 * Used to load the firmware, before the schedulers run.
 *
 * Return: 0, -EIO on an abort, -ETIMEDOUT, -ENODEV if the card is gone.
 */
int metis_dma_run_sync(struct metis_device *mdev, enum metis_engine dir,
		       unsigned int ch, struct metis_dma_list *dl)
{
	u32 base = ch_base(dir, ch);
	u32 status_reg = dir == METIS_ENGINE_RD ? EDMA_RD_INT_STATUS :
						  EDMA_WR_INT_STATUS;
	u32 clear_reg = dir == METIS_ENGINE_RD ? EDMA_RD_INT_CLEAR :
						 EDMA_WR_INT_CLEAR;
	unsigned int run;
	u32 ctl;
	int ret;

	for (run = 0; run < dl->nruns; run++) {
		metis_dma_start(mdev, dir, ch, dl, run, false);
		ret = readl_poll_timeout(mdev->edma + base + EDMA_CH_CONTROL1,
					 ctl, FIELD_GET(EDMA_CTL_CS, ctl) !=
					 EDMA_CS_RUNNING, 20,
					 METIS_DMA_SYNC_TIMEOUT_US);
		metis_edma_write(mdev, clear_reg, EDMA_INT_DONE(ch) |
				 EDMA_INT_ABORT(ch));
		if (ctl == METIS_ALL_ONES)
			return -ENODEV;
		if (ret) {
			metis_edma_write(mdev, doorbell(dir),
					 EDMA_DOORBELL_STOP | ch);
			return ret;
		}
		if (FIELD_GET(EDMA_CTL_CS, ctl) != EDMA_CS_STOPPED) {
			drm_err(&mdev->drm, "DMA %s%u error %d (status %#x)\n",
				dir == METIS_ENGINE_RD ? "rd" : "wr", ch,
				metis_dma_error(mdev, dir, ch),
				metis_edma_read(mdev, status_reg));
			return -EIO;
		}
	}
	return 0;
}

static void put_elem(struct metis_dma_elem *e, u32 ctrl, u32 size, u64 sar,
		     u64 dar)
{
	e->ctrl = cpu_to_le32(ctrl);
	e->size = cpu_to_le32(size);
	e->sar = cpu_to_le64(sar);
	e->dar = cpu_to_le64(dar);
}

/* Walks the DMA segments of a table over [skip, skip + left). */
struct metis_sg_iter {
	struct scatterlist *sg;
	unsigned int nents;
	u64 skip;
	u64 left;
};

static void sg_iter_init(struct metis_sg_iter *it, struct sg_table *sgt,
			 u64 off, u64 size)
{
	it->sg = sgt->sgl;
	it->nents = sgt->nents;
	it->skip = off;
	it->left = size;
}

static bool sg_iter_next(struct metis_sg_iter *it, u64 *addr, u64 *len)
{
	while (it->nents && it->left) {
		u64 seg = sg_dma_len(it->sg);
		bool use = it->skip < seg;

		if (use) {
			*addr = sg_dma_address(it->sg) + it->skip;
			*len = min(seg - it->skip, it->left);
			it->left -= *len;
			it->skip = 0;
		} else {
			it->skip -= seg;
		}
		it->sg = sg_next(it->sg);
		it->nents--;
		if (use)
			return true;
	}
	return false;
}

/**
 * metis_dma_list_build() - build the descriptors of a transfer
 * @mdev: device
 * @dl: list to fill; freed with metis_dma_list_free()
 * @dir: METIS_ENGINE_RD (host to card) or METIS_ENGINE_WR (card to host)
 * @sgt: DMA-mapped host pages
 * @host_off: offset of the transfer in @sgt
 * @dev_addr: device address of the card side
 * @size: bytes; the caller checked both ranges
 *
 * One data element per contiguous piece of @sgt, in page-sized blocks
 * joined by link elements; a new doorbell every METIS_DMA_RUN_BLOCKS
 * blocks, so that one walk stays far below the card's bound.
 *
 * Return: 0 or -ENOMEM.
 */
int metis_dma_list_build(struct metis_device *mdev, struct metis_dma_list *dl,
			 enum metis_engine dir, struct sg_table *sgt,
			 u64 host_off, u64 dev_addr, u64 size)
{
	unsigned int nelems = 0, b, e = 0;
	struct metis_sg_iter it;
	u64 done = 0, addr, len;

	memset(dl, 0, sizeof(*dl));
	dl->mdev = mdev;

	sg_iter_init(&it, sgt, host_off, size);
	while (sg_iter_next(&it, &addr, &len)) {
		nelems++;
		done += len;
	}
	if (done != size)
		return -EINVAL;

	dl->nblocks = max(1u, DIV_ROUND_UP(nelems, (u32)METIS_DMA_BLOCK_DATA));
	dl->nruns = DIV_ROUND_UP(dl->nblocks, METIS_DMA_RUN_BLOCKS);
	dl->nelems = nelems;
	if (dl->nblocks == 1) {
		dl->blocks = &dl->block0;
	} else {
		dl->blocks = kcalloc(dl->nblocks, sizeof(*dl->blocks), GFP_KERNEL);
		if (!dl->blocks)
			return -ENOMEM;
	}
	/*
	 * Blocks come from the device's pool (no IOMMU mapping per job) and
	 * the list is listed, so that an unplug frees it before the device
	 * goes; both under dma_lock, which the unplug takes to release them.
	 */
	scoped_guard(mutex, &mdev->dma_lock) {
		if (mdev->dma_pool)
			for (b = 0; b < dl->nblocks; b++) {
				dl->blocks[b].cpu = dma_pool_alloc(mdev->dma_pool,
								   GFP_KERNEL,
								   &dl->blocks[b].bus);
				if (!dl->blocks[b].cpu)
					break;
			}
		list_add_tail(&dl->link, &mdev->dma_lists);
		atomic_inc(&metis_dma_stats.lists);
	}
	if (!mdev->dma_pool || !dl->blocks[dl->nblocks - 1].cpu) {
		metis_dma_list_free(dl);
		return -ENOMEM;
	}

	sg_iter_init(&it, sgt, host_off, size);
	done = 0;
	b = 0;
	while (sg_iter_next(&it, &addr, &len)) {
		u64 dev = dev_addr + done;

		if (e == METIS_DMA_BLOCK_DATA) {
			b++;
			e = 0;
		}
		if (dir == METIS_ENGINE_RD)
			put_elem(&dl->blocks[b].cpu[e], EDMA_CTL_CB, len, addr, dev);
		else
			put_elem(&dl->blocks[b].cpu[e], EDMA_CTL_CB, len, dev, addr);
		e++;
		done += len;
	}
	dl->bytes = size;

	/*
	 * Close each block: a link to the next block inside a run, else an
	 * end element (CB clear, so it differs from the cycle state).
	 */
	for (b = 0; b < dl->nblocks; b++) {
		unsigned int used = b + 1 < dl->nblocks ? METIS_DMA_BLOCK_DATA :
				    nelems - b * METIS_DMA_BLOCK_DATA;
		bool run_end = (b + 1) % METIS_DMA_RUN_BLOCKS == 0 ||
			       b + 1 == dl->nblocks;

		if (run_end)
			put_elem(&dl->blocks[b].cpu[used], 0, 0, 0, 0);
		else
			put_elem(&dl->blocks[b].cpu[used],
				 EDMA_CTL_CB | EDMA_CTL_LLP, 0,
				 dl->blocks[b + 1].bus, 0);
		if (b + 1 == dl->nblocks)
			dl->end = &dl->blocks[b].cpu[used];
	}
	return 0;
}

/**
 * metis_dma_list_chain() - end a list, or continue it with another
 * @dl: one-run list, not on the hardware
 * @next: list whose elements the engine walks after @dl's, or NULL to end
 *        the walk with @dl
 *
 * Several small transfers of one channel then take one doorbell and one
 * interrupt. The caller orders the descriptor writes before the doorbell.
 */
void metis_dma_list_chain(struct metis_dma_list *dl,
			  const struct metis_dma_list *next)
{
	if (next)
		put_elem(dl->end, EDMA_CTL_CB | EDMA_CTL_LLP, 0,
			 next->blocks[0].bus, 0);
	else
		put_elem(dl->end, 0, 0, 0, 0);
}

/* Caller holds dma_lock; @dl has blocks. */
static void metis_dma_list_free_locked(struct metis_dma_list *dl)
{
	unsigned int b;

	for (b = 0; b < dl->nblocks; b++)
		if (dl->blocks[b].cpu)
			dma_pool_free(dl->mdev->dma_pool, dl->blocks[b].cpu,
				      dl->blocks[b].bus);
	if (dl->blocks != &dl->block0)
		kfree(dl->blocks);
	dl->blocks = NULL;
	dl->end = NULL;
	list_del(&dl->link);
	atomic_dec(&metis_dma_stats.lists);
}

/**
 * metis_dma_list_free() - free the descriptors of a transfer
 * @dl: list, may be empty or already freed by metis_dma_lists_release()
 */
void metis_dma_list_free(struct metis_dma_list *dl)
{
	if (!dl->mdev)
		return;
	guard(mutex)(&dl->mdev->dma_lock);
	if (dl->blocks)
		metis_dma_list_free_locked(dl);
}

/**
 * metis_dma_lists_release() - free every descriptor list of a device
 * @mdev: device being unplugged: the card silenced, its interrupts freed
 *        and no job can start any more
 *
 * Jobs that are still queued, waiting for a dependency or held by a file
 * may be freed long after the device is gone; their descriptors are
 * coherent memory of the device and go now, with the pool. The jobs find
 * their lists empty when they are freed.
 */
void metis_dma_lists_release(struct metis_device *mdev)
{
	struct metis_dma_list *dl, *next;

	guard(mutex)(&mdev->dma_lock);
	list_for_each_entry_safe(dl, next, &mdev->dma_lists, link)
		metis_dma_list_free_locked(dl);
	dma_pool_destroy(mdev->dma_pool);
	mdev->dma_pool = NULL;
}

static void metis_dma_pool_release(void *arg)
{
	struct metis_device *mdev = arg;

	/* Probe failed after the pool was made; unplug did not run. */
	guard(mutex)(&mdev->dma_lock);
	dma_pool_destroy(mdev->dma_pool);
	mdev->dma_pool = NULL;
}

/**
 * metis_dma_pool_init() - create the pool of descriptor pages
 * @mdev: device
 *
 * Descriptor pages stay allocated and mapped for the card in the pool: a
 * job takes one and gives it back, without a coherent allocation and an
 * IOMMU mapping each time. metis_dma_lists_release() destroys the pool.
 *
 * Return: 0 or a negative errno.
 */
int metis_dma_pool_init(struct metis_device *mdev)
{
	mdev->dma_pool = dma_pool_create("metis-desc", mdev->drm.dev, PAGE_SIZE,
					 PAGE_SIZE, 0);
	if (!mdev->dma_pool)
		return -ENOMEM;
	return devm_add_action_or_reset(mdev->drm.dev, metis_dma_pool_release,
					mdev);
}

/**
 * metis_dma_copy_vmalloc() - copy between a vmalloc buffer and the card
 * @mdev: device, DMA engine initialised, channel 0 of @dir idle
 * @dir: METIS_ENGINE_RD (buffer to card) or METIS_ENGINE_WR (card to buffer)
 * @buf: vmalloc buffer, page aligned
 * @dev_addr: on-card address
 * @size: bytes
 *
 * Polls for completion: used with the schedulers stopped (firmware load,
 * saving and restoring on-card memory).
 *
 * Return: 0 or a negative errno.
 */
int metis_dma_copy_vmalloc(struct metis_device *mdev, enum metis_engine dir,
			   void *buf, u64 dev_addr, size_t size)
{
	enum dma_data_direction ddir = dir == METIS_ENGINE_RD ? DMA_TO_DEVICE :
								DMA_FROM_DEVICE;
	unsigned int i, npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct device *dev = mdev->drm.dev;
	struct metis_dma_list dl;
	struct page **pages;
	struct sg_table sgt;
	int ret;

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		pages[i] = vmalloc_to_page(buf + i * PAGE_SIZE);
	ret = sg_alloc_table_from_pages(&sgt, pages, npages, 0, size,
					GFP_KERNEL);
	kvfree(pages);
	if (ret)
		return ret;
	ret = dma_map_sgtable(dev, &sgt, ddir, 0);
	if (ret)
		goto free_table;
	ret = metis_dma_list_build(mdev, &dl, dir, &sgt, 0, dev_addr, size);
	if (ret)
		goto unmap;
	ret = metis_dma_run_sync(mdev, dir, 0, &dl);
	metis_dma_list_free(&dl);
unmap:
	dma_unmap_sgtable(dev, &sgt, ddir, 0);
free_table:
	sg_free_table(&sgt);
	return ret;
}
