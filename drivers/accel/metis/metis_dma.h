/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_DMA_H__
#define __METIS_DMA_H__

#include <linux/dma-direction.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "metis_drv.h"
#include "metis_regs.h"

/**
 * struct metis_dma_elem - eDMA linked-list element (hw-interface.md 4.4)
 * @ctrl: CB, TCB, LLP, LIE, RIE bits.
 * @size: bytes to move.
 * @sar: source address, or the next element's address in a link element.
 * @dar: destination address.
 */
struct metis_dma_elem {
	__le32 ctrl;
	__le32 size;
	__le64 sar;
	__le64 dar;
} __packed;

/*
 * Each channel has DESC_DIR_ELEMS element slots per direction in the
 * card's descriptor region: one doorbell walks at most this many data
 * elements, followed by the end element (one slot spare).
 */
#define METIS_DMA_RUN_ELEMS	(DESC_DIR_ELEMS - 2)
/* The card aborts a walk over 1 GiB; elements are cut to this size. */
#define METIS_DMA_RUN_BYTES	SZ_1G
#define METIS_DMA_ELEM_BYTES	SZ_256M
/* Host zeroes read over and over to clear a device buffer. */
#define METIS_ZERO_BYTES	SZ_256K

/**
 * struct metis_dma_list - the data elements of one transfer
 * @mdev: device.
 * @link: entry in the device's @dma_lists while @elems is allocated.
 * @elems: data elements, in host memory; each doorbell copies the next
 *         ones into the channel's slots in the card's descriptor region.
 * @nelems: entries in @elems.
 * @bytes: bytes moved.
 */
struct metis_dma_list {
	struct metis_device *mdev;
	struct list_head link;
	struct metis_dma_elem *elems;
	unsigned int nelems;
	u64 bytes;
};

/**
 * struct metis_dma_stats - what all devices hold for their cards
 * @host_bos: created host buffers whose pages are DMA-mapped.
 * @imports: imported dma-bufs whose attachment is mapped.
 * @lists: descriptor lists allocated.
 *
 * Shown by debugfs metis/dma_mapped, which outlives the devices: after an
 * unbind all three must be 0 even while clients hold buffers.
 */
struct metis_dma_stats {
	atomic_t host_bos;
	atomic_t imports;
	atomic_t lists;
};

extern struct metis_dma_stats metis_dma_stats;

int metis_dma_list_build(struct metis_device *mdev, struct metis_dma_list *dl,
			 enum metis_engine dir, struct sg_table *sgt,
			 u64 host_off, u64 dev_addr, u64 size);
void metis_dma_sync(struct metis_device *mdev, struct sg_table *sgt, u64 off,
		    u64 size, enum dma_data_direction dir, bool for_cpu);
int metis_dma_list_fill(struct metis_dma_list *dl, unsigned int room,
			enum metis_engine dir, struct sg_table *sgt,
			u64 host_off, u64 dev_addr, u64 size);
int metis_dma_list_build_zero(struct metis_device *mdev,
			      struct metis_dma_list *dl, u64 dev_addr, u64 size);
void metis_dma_list_free(struct metis_dma_list *dl);
void metis_dma_lists_release(struct metis_device *mdev);
unsigned int metis_dma_run_len(const struct metis_dma_list *dl,
			       unsigned int first, unsigned int room);

void metis_dma_hw_init(struct metis_device *mdev);
void metis_dma_hw_stop(struct metis_device *mdev);
void metis_dma_put(struct metis_device *mdev, enum metis_engine dir,
		   unsigned int ch, unsigned int pos,
		   const struct metis_dma_list *dl, unsigned int first,
		   unsigned int count);
void metis_dma_fire(struct metis_device *mdev, enum metis_engine dir,
		    unsigned int ch, unsigned int count, bool irq);
int metis_dma_run_sync(struct metis_device *mdev, enum metis_engine dir,
		       unsigned int ch, struct metis_dma_list *dl);
int metis_dma_copy_vmalloc(struct metis_device *mdev, enum metis_engine dir,
			   void *buf, u64 dev_addr, size_t size);
u32 metis_dma_cs(struct metis_device *mdev, enum metis_engine dir,
		 unsigned int ch);
u32 metis_dma_err_status(struct metis_device *mdev, enum metis_engine dir);

#endif /* __METIS_DMA_H__ */
