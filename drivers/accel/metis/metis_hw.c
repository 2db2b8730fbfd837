// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Card-level register operations: identification, soft reset, interrupt
 * masks and quiesce.
 */

#include <linux/delay.h>
#include <linux/iopoll.h>

#include <drm/drm_print.h>

#include "metis_dma.h"
#include "metis_hw.h"

#define METIS_RESET_TIMEOUT_US	500000

/**
 * metis_hw_is_gone() - tell whether the card stopped answering
 * @mdev: device
 *
 * Return: true if an identification register reads all ones.
 */
bool metis_hw_is_gone(struct metis_device *mdev)
{
	return metis_hif_read(mdev, HIF_ID) == METIS_ALL_ONES;
}

/**
 * metis_hw_identify() - check the card and read its memory layout
 * @mdev: device
 *
 * Return: 0, -ENODEV if the card does not answer as a Metis card.
 */
int metis_hw_identify(struct metis_device *mdev)
{
	u32 id = metis_hif_read(mdev, HIF_ID);
	u32 ver = metis_hif_read(mdev, HIF_VERSION);
	u32 ctrl = metis_edma_read(mdev, EDMA_CTRL);

	if (id != HIF_ID_VALUE) {
		drm_err(&mdev->drm, "unexpected HIF_ID %#x\n", id);
		return -ENODEV;
	}
	if ((ctrl & 0xf) < METIS_DMA_CHANNELS ||
	    ((ctrl >> 16) & 0xf) < METIS_DMA_CHANNELS) {
		drm_err(&mdev->drm, "unexpected eDMA CTRL %#x\n", ctrl);
		return -ENODEV;
	}
	if (metis_hif_read(mdev, HIF_CTX_COUNT) < METIS_CONTEXTS) {
		drm_err(&mdev->drm, "card has too few contexts\n");
		return -ENODEV;
	}

	mdev->mem_base = metis_hif_read64(mdev, HIF_MEM_BASE_LO);
	mdev->mem_size = metis_hif_read64(mdev, HIF_MEM_SIZE_LO);
	if (!mdev->mem_size || mdev->mem_size & ~PAGE_MASK) {
		drm_err(&mdev->drm, "bad on-card memory size %#llx\n",
			mdev->mem_size);
		return -ENODEV;
	}
	drm_info(&mdev->drm, "host interface v%u, %llu MiB on-card memory at %#llx\n",
		 ver, mdev->mem_size >> 20, mdev->mem_base);
	return 0;
}

/**
 * metis_hw_soft_reset() - reset the whole card
 * @mdev: device
 *
 * The card loses its DMA set-up, firmware and memory contents; it comes
 * back in its boot ROM with every interrupt source unmasked, so the caller
 * masks them again at once.
 *
 * Return: 0, -ENODEV if the card is gone, -ETIMEDOUT if it did not reset.
 */
int metis_hw_soft_reset(struct metis_device *mdev)
{
	u32 val;
	int ret;

	/* SCRATCH survives everything but a reset: a cheap reset witness. */
	metis_hif_write(mdev, HIF_SCRATCH, 0x600dcafe);
	metis_hif_write(mdev, HIF_SOFT_RESET, SOFT_RESET_MAGIC);
	ret = readl_poll_timeout(mdev->hif + HIF_SCRATCH, val, !val, 10,
				 METIS_RESET_TIMEOUT_US);
	if (val == METIS_ALL_ONES)
		return -ENODEV;
	if (ret) {
		drm_err(&mdev->drm, "card did not reset\n");
		return ret;
	}
	metis_hw_irq_mask_all(mdev);
	if (metis_hif_read(mdev, HIF_FW_STATE) != FW_STATE_BOOTROM) {
		drm_err(&mdev->drm, "card not in its boot ROM after reset\n");
		return -EIO;
	}
	return 0;
}

/**
 * metis_hw_irq_mask_all() - mask every interrupt source at the device
 * @mdev: device
 *
 * Also clears what is pending, so that no stale status survives.
 */
void metis_hw_irq_mask_all(struct metis_device *mdev)
{
	metis_hif_write(mdev, HIF_IRQ_MASK, HIF_IRQ_ALL);
	metis_hif_write(mdev, HIF_IRQ_STATUS, HIF_IRQ_ALL);
	metis_edma_write(mdev, EDMA_WR_INT_MASK, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_RD_INT_MASK, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
}

/**
 * metis_hw_irq_unmask() - enable the interrupt sources the driver serves
 * @mdev: device
 *
 * The mailbox is polled, so its done bit stays masked; firmware events,
 * heartbeats, context completions and all eDMA done/abort bits are on.
 */
void metis_hw_irq_unmask(struct metis_device *mdev)
{
	metis_hif_write(mdev, HIF_IRQ_STATUS, HIF_IRQ_ALL);
	metis_hif_write(mdev, HIF_IRQ_MASK, HIF_IRQ_MAILBOX);
	metis_edma_write(mdev, EDMA_WR_INT_MASK, 0);
	metis_edma_write(mdev, EDMA_RD_INT_MASK, 0);
}

/**
 * metis_hw_quiesce() - silence the card
 * @mdev: device
 *
 * Masks every interrupt source at the device and stops the DMA engine, so
 * that the card neither interrupts nor writes host memory afterwards.
 */
void metis_hw_quiesce(struct metis_device *mdev)
{
	metis_hw_irq_mask_all(mdev);
	metis_dma_hw_stop(mdev);
}
