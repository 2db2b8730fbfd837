// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Interrupts. One handler serves every vector: it reads all status
 * registers (eDMA, and our extension area when the card has it) and the
 * VMSI flag array, so it works the same with the full vector map and with
 * a single MSI. Sources nobody waits for are counted and acknowledged.
 */

#include <linux/interrupt.h>
#include <linux/pci.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "metis_dma.h"
#include "metis_hw.h"
#include "metis_sched.h"

static bool metis_irq_dma(struct metis_device *mdev, enum metis_engine dir)
{
	u32 status_reg = dir == METIS_ENGINE_RD ? EDMA_RD_INT_STATUS :
						  EDMA_WR_INT_STATUS;
	u32 clear_reg = dir == METIS_ENGINE_RD ? EDMA_RD_INT_CLEAR :
						 EDMA_WR_INT_CLEAR;
	u32 status = metis_edma_read(mdev, status_reg) & EDMA_INT_ALL;
	unsigned int ch;

	if (!status)
		return false;
	metis_edma_write(mdev, clear_reg, status);
	for (ch = 0; ch < METIS_DMA_CHANNELS; ch++) {
		struct metis_queue *q = metis_queue(mdev, dir, ch);
		u32 cs;

		if (status & EDMA_INT_ABORT(ch)) {
			drm_dbg_driver(&mdev->drm, "%s: abort, error status %#x\n",
				       q->name, metis_dma_err_status(mdev, dir));
			metis_queue_complete(q, -EIO);
		} else if (status & EDMA_INT_DONE(ch)) {
			/* Done means the walk ended: CS must say stopped. */
			cs = metis_dma_cs(mdev, dir, ch);
			if (cs != EDMA_CS_STOPPED)
				drm_dbg_driver(&mdev->drm, "%s: done with CS %u\n",
					       q->name, cs);
			metis_queue_complete(q, cs == EDMA_CS_STOPPED ? 0 : -EIO);
		}
	}
	return true;
}

static bool metis_irq_ext(struct metis_device *mdev)
{
	u32 status;
	unsigned int n;

	if (!READ_ONCE(mdev->ext_irq))
		return false;
	status = metis_ext_read(mdev, EXT_IRQ_STATUS) & EXT_IRQ_ALL;
	if (!status)
		return false;
	metis_ext_write(mdev, EXT_IRQ_STATUS, status);
	if (status & EXT_IRQ_HEARTBEAT)
		atomic64_inc(&mdev->irq.heartbeats);
	if (status & EXT_IRQ_FW_EVENT) {
		atomic64_inc(&mdev->irq.fw_events);
		if (metis_ext_read(mdev, EXT_FW_STATE) == FW_STATE_FAILED)
			drm_err_ratelimited(&mdev->drm, "firmware failed (error %u)\n",
					    metis_ext_read(mdev, EXT_FW_ERROR));
	}
	for (n = 0; n < METIS_CONTEXTS; n++)
		if (status & EXT_IRQ_CTX(n))
			metis_queue_complete(metis_queue(mdev, METIS_ENGINE_CTX, n), 0);
	return true;
}

/*
 * The VMSI flag array (hw-interface.md 3.5): a firmware-originated
 * interrupt on vector v sets word v before the message. Clear the word of
 * the vector that fired, or with one vector every word of the map.
 */
static bool metis_irq_vmsi(struct metis_device *mdev, unsigned int vec)
{
	u32 *flags = mdev->hdrv_cpu;
	unsigned int v, first = vec, last = vec;
	bool seen = false;

	if (mdev->nvec == 1) {
		first = 0;
		last = 31;
	}
	for (v = first; v <= last && v < VMSI_FLAG_WORDS; v++) {
		if (!(READ_ONCE(flags[v]) & VMSI_FLAG_SET))
			continue;
		WRITE_ONCE(flags[v], 0);
		atomic64_inc(&mdev->irq.vmsi_flags);
		seen = true;
	}
	return seen;
}

static irqreturn_t metis_irq_handler(int irq, void *arg)
{
	struct metis_device *mdev = arg;
	unsigned int vec = irq - mdev->irq_base;
	unsigned long flags;
	bool handled;
	int idx;

	atomic64_inc(&mdev->irq.vector[min_t(unsigned int, vec,
					     ARRAY_SIZE(mdev->irq.vector) - 1)]);
	if (!drm_dev_enter(&mdev->drm, &idx))
		return IRQ_NONE;

	spin_lock_irqsave(&mdev->irq_lock, flags);
	if (metis_hw_is_gone(mdev)) {
		spin_unlock_irqrestore(&mdev->irq_lock, flags);
		atomic64_inc(&mdev->irq.all_ones);
		drm_dev_exit(idx);
		return IRQ_NONE;
	}
	handled = metis_irq_vmsi(mdev, vec);
	handled |= metis_irq_ext(mdev);
	handled |= metis_irq_dma(mdev, METIS_ENGINE_RD);
	handled |= metis_irq_dma(mdev, METIS_ENGINE_WR);
	spin_unlock_irqrestore(&mdev->irq_lock, flags);
	if (vec == METIS_VEC_DEV_MSG && mdev->nvec > METIS_VEC_DEV_MSG) {
		/* A device message: nothing of ours sends it; accepted. */
		atomic64_inc(&mdev->irq.dev_msg);
		handled = true;
	} else if (!handled) {
		atomic64_inc(&mdev->irq.spurious);
	}
	drm_dev_exit(idx);
	/*
	 * No status (or another vector's run took it first): the core's
	 * spurious-interrupt detector counts it, and acts only when nearly
	 * all of a line's interrupts are unhandled.
	 */
	return handled ? IRQ_HANDLED : IRQ_NONE;
}

/**
 * metis_irq_multi() - tell whether the full vector map is in use
 * @mdev: device
 *
 * Return: true with one vector per source, false with a single MSI.
 */
bool metis_irq_multi(struct metis_device *mdev)
{
	return mdev->nvec > 1;
}

/**
 * metis_irq_init() - allocate MSI vectors and install the handler
 * @mdev: device
 *
 * Asks for the card's 32 vectors (the vector map uses 0-12 and 24) and
 * falls back to one vector, as x86 grants multiple MSI only with interrupt
 * remapping. Every vector granted gets the handler. Interrupts stay
 * masked at the device until the card is up.
 *
 * Return: 0 or a negative errno.
 */
int metis_irq_init(struct metis_device *mdev)
{
	struct pci_dev *pdev = mdev->pdev;
	int nvec, i, ret;

	nvec = pci_alloc_irq_vectors(pdev, 32, 32, PCI_IRQ_MSI);
	if (nvec < 0)
		nvec = pci_alloc_irq_vectors(pdev, 16, 16, PCI_IRQ_MSI);
	if (nvec < 0)
		nvec = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (nvec < 0) {
		drm_err(&mdev->drm, "no MSI vector: %d\n", nvec);
		return nvec;
	}
	mdev->nvec = nvec;
	mdev->irq_base = pci_irq_vector(pdev, 0);

	for (i = 0; i < nvec; i++) {
		ret = request_irq(pci_irq_vector(pdev, i), metis_irq_handler, 0,
				  DRIVER_NAME, mdev);
		if (ret) {
			while (i--)
				free_irq(pci_irq_vector(pdev, i), mdev);
			pci_free_irq_vectors(pdev);
			mdev->nvec = 0;
			return ret;
		}
	}
	get_cached_msi_msg(pci_irq_vector(pdev, 0), &mdev->msi);
	drm_info(&mdev->drm, "%d MSI vector%s (%s)\n", nvec, nvec > 1 ? "s" : "",
		 nvec > 1 ? "per-source vectors" : "single vector");
	return 0;
}

/**
 * metis_irq_synchronize() - wait for running handlers to finish
 * @mdev: device
 */
void metis_irq_synchronize(struct metis_device *mdev)
{
	int i;

	for (i = 0; i < mdev->nvec; i++)
		synchronize_irq(pci_irq_vector(mdev->pdev, i));
}

/**
 * metis_irq_fini() - free the handlers and the vectors
 * @mdev: device, with its interrupt sources masked at the device
 *
 * Idempotent.
 */
void metis_irq_fini(struct metis_device *mdev)
{
	int i;

	if (!mdev->nvec)
		return;
	for (i = 0; i < mdev->nvec; i++)
		free_irq(pci_irq_vector(mdev->pdev, i), mdev);
	pci_free_irq_vectors(mdev->pdev);
	mdev->nvec = 0;
}
