// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * The card's DesignWare eDMA: engine set-up, interrupt messages (IMWR)
 * and linked-list transfers built from scatter-gather tables. The
 * engine fetches its linked list from card memory: each channel has
 * element slots in the card's descriptor region (hw-interface.md 3.6),
 * written through BAR2 before every doorbell; LLP is their card address.
 */

#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
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
 * log2(nvec) bits replaced (PCI multi-message rule, hw-interface.md 4.3).
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
 * @mdev: device, areas read
 *
 * Every reset clears the IMWR targets and the engine enables: program
 * them (unless the card's firmware owns the eDMA interrupts, dma_vm) and
 * enable both engines. The interrupt masks are left as they are
 * (metis_hw_irq_unmask() opens them).
 */
void metis_dma_hw_init(struct metis_device *mdev)
{
	unsigned int ch;

	if (!mdev->card.dma_vm) {
		scoped_guard(spinlock_irqsave, &mdev->imwr_lock)
			metis_dma_program_imwr(mdev);
	}

	for (ch = 0; ch < METIS_DMA_CHANNELS; ch++) {
		metis_edma_write(mdev, EDMA_RD_CH_BASE(ch) + EDMA_CH_CONTROL1, 0);
		metis_edma_write(mdev, EDMA_WR_CH_BASE(ch) + EDMA_CH_CONTROL1, 0);
	}
	metis_edma_write(mdev, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_RD_LL_ERR_EN, EDMA_LL_ERR_ALL);
	metis_edma_write(mdev, EDMA_WR_LL_ERR_EN, EDMA_LL_ERR_ALL);
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
 * metis_dma_cs() - the channel status of a channel
 * @mdev: device
 * @dir: METIS_ENGINE_RD or METIS_ENGINE_WR
 * @ch: channel
 *
 * Return: CS of CH_CONTROL1 (EDMA_CS_*), or METIS_ALL_ONES if the card is
 * gone.
 */
u32 metis_dma_cs(struct metis_device *mdev, enum metis_engine dir,
		 unsigned int ch)
{
	u32 ctl = metis_edma_read(mdev, ch_base(dir, ch) + EDMA_CH_CONTROL1);

	return ctl == METIS_ALL_ONES ? ctl : FIELD_GET(EDMA_CTL_CS, ctl);
}

/**
 * metis_dma_err_status() - the error status of a direction
 * @mdev: device
 * @dir: METIS_ENGINE_RD or METIS_ENGINE_WR
 *
 * Return: application errors in bits 3:0, linked-list errors in bits
 * 19:16 (hw-interface.md 4.5).
 */
u32 metis_dma_err_status(struct metis_device *mdev, enum metis_engine dir)
{
	if (dir == METIS_ENGINE_WR)
		return metis_edma_read(mdev, EDMA_WR_ERR_STATUS);
	return (metis_edma_read(mdev, EDMA_RD_ERR_STATUS_LOW) & 0xf) |
	       (metis_edma_read(mdev, EDMA_RD_ERR_STATUS_HIGH) & 0xf) << 16;
}

/* BAR2 offset and card address of a channel's element slots. */
static u32 slot_off(struct metis_device *mdev, enum metis_engine dir,
		    unsigned int ch)
{
	return mdev->card.desc_off + ch * DESC_CHANNEL_SIZE +
	       (dir == METIS_ENGINE_WR ?
		DESC_DIR_ELEMS * sizeof(struct metis_dma_elem) : 0);
}

/**
 * metis_dma_run_len() - data elements the next doorbell can take
 * @dl: list
 * @first: first element not moved yet
 * @room: free slots
 *
 * Return: how many elements from @first fit @room and the card's bound
 * of bytes per walk (at least one when @room allows).
 */
unsigned int metis_dma_run_len(const struct metis_dma_list *dl,
			       unsigned int first, unsigned int room)
{
	unsigned int n = 0;
	u64 bytes = 0;

	while (first + n < dl->nelems && n < room) {
		u32 len = le32_to_cpu(dl->elems[first + n].size);

		if (n && bytes + len > METIS_DMA_RUN_BYTES)
			break;
		bytes += len;
		n++;
	}
	return n;
}

/**
 * metis_dma_put() - write data elements into a channel's slots
 * @mdev: device, areas read
 * @dir: METIS_ENGINE_RD or METIS_ENGINE_WR
 * @ch: channel, idle; the caller owns it
 * @pos: first slot
 * @dl: list
 * @first: first element of @dl to write
 * @count: elements; @pos + @count <= METIS_DMA_RUN_ELEMS
 *
 * Through BAR2 into the card's descriptor region, the only place in L2
 * where the driver writes elements.
 */
void metis_dma_put(struct metis_device *mdev, enum metis_engine dir,
		   unsigned int ch, unsigned int pos,
		   const struct metis_dma_list *dl, unsigned int first,
		   unsigned int count)
{
	void __iomem *dst = mdev->l2 + slot_off(mdev, dir, ch) +
			    pos * sizeof(struct metis_dma_elem);

	__iowrite64_copy(dst, &dl->elems[first],
			 count * sizeof(struct metis_dma_elem) / sizeof(u64));
}

/**
 * metis_dma_fire() - end the elements written and ring the doorbell
 * @mdev: device, areas read
 * @dir: METIS_ENGINE_RD or METIS_ENGINE_WR
 * @ch: channel, idle
 * @count: data elements written into the slots (at least one)
 * @irq: the last data element requests the done interrupt (LIE | RIE)
 *
 * The end element (TCB, CB clear, so it differs from the cycle state)
 * follows the last data element; LLP is the card address of the first.
 * The caller holds drm_dev_enter().
 */
void metis_dma_fire(struct metis_device *mdev, enum metis_engine dir,
		    unsigned int ch, unsigned int count, bool irq)
{
	static const struct metis_dma_elem end __aligned(8) = {
		.ctrl = cpu_to_le32(EDMA_CTL_TCB),
	};
	u32 off = slot_off(mdev, dir, ch);
	u64 llp = mdev->card.l2_base + off;
	u32 base = ch_base(dir, ch);

	if (irq)
		metis_l2_write(mdev, off + (count - 1) * sizeof(end),
			       EDMA_CTL_CB | EDMA_CTL_LIE | EDMA_CTL_RIE);
	__iowrite64_copy(mdev->l2 + off + count * sizeof(end), &end,
			 sizeof(end) / sizeof(u64));

	/*
	 * With one vector the MSI message may move with the interrupt's
	 * affinity: reprogram the IMWR data before each transfer.
	 */
	if (irq && mdev->nvec == 1 && !mdev->card.dma_vm) {
		unsigned long flags;

		spin_lock_irqsave(&mdev->imwr_lock, flags);
		get_cached_msi_msg(mdev->irq_base, &mdev->msi);
		metis_dma_program_imwr(mdev);
		spin_unlock_irqrestore(&mdev->imwr_lock, flags);
	}

	/* Posted writes to one function arrive in order: elements first. */
	metis_edma_write(mdev, base + EDMA_CH_CONTROL1, EDMA_CTL_LLE | EDMA_CTL_CCS);
	metis_edma_write(mdev, base + EDMA_CH_LLP_LO, lower_32_bits(llp));
	metis_edma_write(mdev, base + EDMA_CH_LLP_HI, upper_32_bits(llp));
	metis_edma_write(mdev, doorbell(dir), ch);
}

/**
 * metis_dma_run_sync() - run a whole transfer by polling, no interrupt
 * @mdev: device
 * @dir: direction
 * @ch: channel, which must be idle
 * @dl: descriptors
 *
 * Used to load the firmware and to save and restore card memory, with
 * the schedulers stopped. As many doorbells as the slots need.
 *
 * Return: 0, -EIO on an abort, -ETIMEDOUT, -ENODEV if the card is gone.
 */
int metis_dma_run_sync(struct metis_device *mdev, enum metis_engine dir,
		       unsigned int ch, struct metis_dma_list *dl)
{
	u32 clear_reg = dir == METIS_ENGINE_RD ? EDMA_RD_INT_CLEAR :
						 EDMA_WR_INT_CLEAR;
	unsigned int first, n;
	u32 cs;
	int ret;

	for (first = 0; first < dl->nelems; first += n) {
		n = metis_dma_run_len(dl, first, METIS_DMA_RUN_ELEMS);
		metis_dma_put(mdev, dir, ch, 0, dl, first, n);
		metis_dma_fire(mdev, dir, ch, n, false);
		ret = read_poll_timeout(metis_dma_cs, cs,
					cs == EDMA_CS_STOPPED ||
					cs == EDMA_CS_HALTED ||
					cs == METIS_ALL_ONES, 20,
					METIS_DMA_SYNC_TIMEOUT_US, false,
					mdev, dir, ch);
		metis_edma_write(mdev, clear_reg, EDMA_INT_DONE(ch) |
				 EDMA_INT_ABORT(ch));
		if (cs == METIS_ALL_ONES)
			return -ENODEV;
		if (ret) {
			metis_edma_write(mdev, doorbell(dir),
					 EDMA_DOORBELL_STOP | ch);
			drm_err(&mdev->drm, "DMA %s%u timed out (CS %u)\n",
				dir == METIS_ENGINE_RD ? "rd" : "wr", ch, cs);
			return ret;
		}
		if (cs != EDMA_CS_STOPPED) {
			drm_err(&mdev->drm, "DMA %s%u aborted (error status %#x)\n",
				dir == METIS_ENGINE_RD ? "rd" : "wr", ch,
				metis_dma_err_status(mdev, dir));
			return -EIO;
		}
	}
	return 0;
}

static void put_elem(struct metis_dma_elem *e, u32 size, u64 sar, u64 dar)
{
	e->ctrl = cpu_to_le32(EDMA_CTL_CB);
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

static int metis_dma_list_alloc(struct metis_dma_list *dl,
				unsigned int nelems, u64 size)
{
	dl->elems = kvmalloc_array(nelems, sizeof(*dl->elems), GFP_KERNEL);
	if (!dl->elems)
		return -ENOMEM;
	dl->nelems = nelems;
	dl->bytes = size;
	return 0;
}

/* Listed, so that an unplug frees it before the device goes. */
static void metis_dma_list_publish(struct metis_dma_list *dl)
{
	guard(mutex)(&dl->mdev->dma_lock);
	list_add_tail(&dl->link, &dl->mdev->dma_lists);
	atomic_inc(&metis_dma_stats.lists);
}

/**
 * metis_dma_list_build() - build the data elements of a transfer
 * @mdev: device
 * @dl: list to fill; freed with metis_dma_list_free()
 * @dir: METIS_ENGINE_RD (host to card) or METIS_ENGINE_WR (card to host)
 * @sgt: DMA-mapped host pages
 * @host_off: offset of the transfer in @sgt
 * @dev_addr: card address of the card side
 * @size: bytes; the caller checked both ranges
 *
 * One data element per contiguous piece of @sgt (cut at
 * METIS_DMA_ELEM_BYTES), kept in host memory: every doorbell copies the
 * next ones into the channel's slots on the card, so a start needs no
 * allocation.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int metis_dma_list_build(struct metis_device *mdev, struct metis_dma_list *dl,
			 enum metis_engine dir, struct sg_table *sgt,
			 u64 host_off, u64 dev_addr, u64 size)
{
	struct metis_sg_iter it;
	u64 done = 0, addr, len;
	unsigned int nelems = 0;
	int ret;

	memset(dl, 0, sizeof(*dl));
	dl->mdev = mdev;

	sg_iter_init(&it, sgt, host_off, size);
	while (sg_iter_next(&it, &addr, &len)) {
		nelems += DIV_ROUND_UP(len, METIS_DMA_ELEM_BYTES);
		done += len;
	}
	if (done != size || !nelems)
		return -EINVAL;

	ret = metis_dma_list_alloc(dl, nelems, size);
	if (ret)
		return ret;
	metis_dma_list_fill(dl, nelems, dir, sgt, host_off, dev_addr, size);
	metis_dma_list_publish(dl);
	return 0;
}

/**
 * metis_dma_list_fill() - write the elements of a transfer into given room
 * @dl: list whose @dl->elems holds @room elements; not listed
 * @room: elements @dl->elems holds
 * @dir: METIS_ENGINE_RD (host to card) or METIS_ENGINE_WR (card to host)
 * @sgt: DMA-mapped host pages
 * @host_off: offset of the transfer in @sgt
 * @dev_addr: card address of the card side
 * @size: bytes, all of them in @sgt
 *
 * Allocates nothing: for transfers whose room was set aside before the
 * card stopped (saving card memory).
 *
 * Return: 0, or -ENOSPC when the mapping needs more than @room elements.
 */
int metis_dma_list_fill(struct metis_dma_list *dl, unsigned int room,
			enum metis_engine dir, struct sg_table *sgt,
			u64 host_off, u64 dev_addr, u64 size)
{
	struct metis_sg_iter it;
	u64 done = 0, addr, len;
	unsigned int e = 0;

	sg_iter_init(&it, sgt, host_off, size);
	while (sg_iter_next(&it, &addr, &len)) {
		while (len) {
			u64 piece = min_t(u64, len, METIS_DMA_ELEM_BYTES);
			u64 dev = dev_addr + done;

			if (e == room)
				return -ENOSPC;
			if (dir == METIS_ENGINE_RD)
				put_elem(&dl->elems[e], piece, addr, dev);
			else
				put_elem(&dl->elems[e], piece, dev, addr);
			e++;
			addr += piece;
			len -= piece;
			done += piece;
		}
	}
	dl->nelems = e;
	dl->bytes = done;
	return 0;
}

/**
 * metis_dma_sync() - hand a range of a mapping to the card or to the CPU
 * @mdev: device
 * @sgt: DMA-mapped host pages (mapped once for all jobs), the driver's own
 *	 mapping (not an import's: its exporter keeps it coherent)
 * @off: offset of the range in @sgt
 * @size: bytes
 * @dir: DMA_TO_DEVICE (the card reads) or DMA_FROM_DEVICE (it writes)
 * @for_cpu: after the card's transfer (true) or before it (false)
 *
 * Under swiotlb (no IOMMU and a 32-bit mask, swiotlb=force, confidential
 * guests) or on a non-coherent host this copies or flushes the pages of
 * the range: the mapping's own entries that hold it, whole, as the DMA
 * API syncs scatterlists. Where nothing needs syncing it returns at once.
 * Allocates nothing and never sleeps: run_job and the interrupt handler
 * call it.
 */
void metis_dma_sync(struct metis_device *mdev, struct sg_table *sgt, u64 off,
		    u64 size, enum dma_data_direction dir, bool for_cpu)
{
	struct device *dev = mdev->drm.dev;
	struct scatterlist *sg, *first = NULL;
	unsigned int i, n = 0;
	u64 pos = 0;

	if (!dma_dev_need_sync(dev) || !size)
		return;
	for_each_sgtable_sg(sgt, sg, i) {
		if (pos >= off + size)
			break;
		if (pos + sg->length > off) {
			first = first ?: sg;
			n++;
		}
		pos += sg->length;
	}
	if (!first)
		return;
	if (for_cpu)
		dma_sync_sg_for_cpu(dev, first, n, dir);
	else
		dma_sync_sg_for_device(dev, first, n, dir);
}

/**
 * metis_dma_list_build_zero() - build the elements that clear card memory
 * @mdev: device
 * @dl: list to fill; freed with metis_dma_list_free()
 * @dev_addr: card address
 * @size: bytes
 *
 * A host-to-card transfer whose every element reads the device's zeroes
 * (METIS_ZERO_BYTES): one small mapping clears a buffer of any size, with
 * no bounce buffer under swiotlb.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int metis_dma_list_build_zero(struct metis_device *mdev,
			      struct metis_dma_list *dl, u64 dev_addr, u64 size)
{
	u64 done = 0, nelems = DIV_ROUND_UP_ULL(size, METIS_ZERO_BYTES);
	unsigned int e;
	int ret;

	memset(dl, 0, sizeof(*dl));
	dl->mdev = mdev;
	if (!size || nelems > UINT_MAX)
		return -EINVAL;
	ret = metis_dma_list_alloc(dl, nelems, size);
	if (ret)
		return ret;
	for (e = 0; e < nelems; e++) {
		u64 piece = min_t(u64, size - done, METIS_ZERO_BYTES);

		put_elem(&dl->elems[e], piece, mdev->zero_bus, dev_addr + done);
		done += piece;
	}
	metis_dma_list_publish(dl);
	return 0;
}

/* Caller holds dma_lock; @dl has elements. */
static void metis_dma_list_free_locked(struct metis_dma_list *dl)
{
	kvfree(dl->elems);
	dl->elems = NULL;
	dl->nelems = 0;
	list_del(&dl->link);
	atomic_dec(&metis_dma_stats.lists);
}

/**
 * metis_dma_list_free() - free the elements of a transfer
 * @dl: list, may be empty or already freed by metis_dma_lists_release()
 */
void metis_dma_list_free(struct metis_dma_list *dl)
{
	if (!dl->mdev)
		return;
	/* A list is listed exactly while it has elements. */
	guard(mutex)(&dl->mdev->dma_lock);
	if (dl->elems)
		metis_dma_list_free_locked(dl);
}

/**
 * metis_dma_lists_release() - free every descriptor list of a device
 * @mdev: device being unplugged: the card silenced, its interrupts freed
 *        and no job can start any more
 *
 * Jobs that are still queued, waiting for a dependency or held by a file
 * may be freed long after the device is gone; their lists go now. The
 * jobs find their lists empty when they are freed.
 */
void metis_dma_lists_release(struct metis_device *mdev)
{
	struct metis_dma_list *dl, *next;

	guard(mutex)(&mdev->dma_lock);
	list_for_each_entry_safe(dl, next, &mdev->dma_lists, link)
		metis_dma_list_free_locked(dl);
}

/**
 * metis_dma_copy_vmalloc() - copy between a vmalloc buffer and the card
 * @mdev: device, DMA engine initialised, channel 0 of @dir idle
 * @dir: METIS_ENGINE_RD (buffer to card) or METIS_ENGINE_WR (card to buffer)
 * @buf: vmalloc buffer, page aligned
 * @dev_addr: card address
 * @size: bytes
 *
 * Polls for completion: used with the schedulers stopped (firmware load,
 * saving and restoring card memory).
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
