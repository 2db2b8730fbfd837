/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_DMA_H__
#define __METIS_DMA_H__

#include <linux/scatterlist.h>
#include <linux/types.h>

#include "metis_drv.h"

/**
 * struct metis_dma_elem - eDMA linked-list element (hw-interface.md 3.4)
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

/* One page of elements: data elements then one link or end element. */
#define METIS_DMA_BLOCK_ELEMS	(PAGE_SIZE / sizeof(struct metis_dma_elem))
#define METIS_DMA_BLOCK_DATA	(METIS_DMA_BLOCK_ELEMS - 1)
/* Blocks walked per doorbell; the card walks at most 65536 elements. */
#define METIS_DMA_RUN_BLOCKS	256

/**
 * struct metis_dma_block - one page of descriptors
 * @cpu: CPU address.
 * @bus: bus address the engine fetches from.
 */
struct metis_dma_block {
	struct metis_dma_elem *cpu;
	dma_addr_t bus;
};

/**
 * struct metis_dma_list - the descriptors of one transfer
 * @mdev: device.
 * @blocks: descriptor pages (@block0 for a one-block list).
 * @block0: the only block of a one-block list.
 * @nblocks: entries in @blocks.
 * @nruns: doorbells the transfer needs.
 * @nelems: data elements.
 * @bytes: bytes moved.
 * @end: the element that ends the last run: an end element, or a link to
 *       the next list of a batch (metis_dma_list_chain()).
 * @link: entry in the device's @dma_lists while @blocks is allocated.
 */
struct metis_dma_list {
	struct metis_device *mdev;
	struct list_head link;
	struct metis_dma_block *blocks;
	struct metis_dma_block block0;
	unsigned int nblocks;
	unsigned int nruns;
	unsigned int nelems;
	u64 bytes;
	struct metis_dma_elem *end;
};

/**
 * struct metis_dma_stats - what all devices have mapped for their cards
 * @host_bos: created host buffers whose pages are DMA-mapped.
 * @imports: imported dma-bufs whose attachment is mapped.
 * @lists: descriptor lists (coherent memory) allocated.
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
void metis_dma_list_free(struct metis_dma_list *dl);
void metis_dma_list_chain(struct metis_dma_list *dl,
			  const struct metis_dma_list *next);
int metis_dma_pool_init(struct metis_device *mdev);
void metis_dma_lists_release(struct metis_device *mdev);
unsigned int metis_dma_elements_done(struct metis_device *mdev,
				     enum metis_engine dir, unsigned int ch);

void metis_dma_hw_init(struct metis_device *mdev);
void metis_dma_hw_stop(struct metis_device *mdev);
void metis_dma_start(struct metis_device *mdev, enum metis_engine dir,
		     unsigned int ch, struct metis_dma_list *dl,
		     unsigned int run, bool irq);
int metis_dma_run_sync(struct metis_device *mdev, enum metis_engine dir,
		       unsigned int ch, struct metis_dma_list *dl);
int metis_dma_copy_vmalloc(struct metis_device *mdev, enum metis_engine dir,
			   void *buf, u64 dev_addr, size_t size);
int metis_dma_error(struct metis_device *mdev, enum metis_engine dir,
		    unsigned int ch);

#endif /* __METIS_DMA_H__ */
