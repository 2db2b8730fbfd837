/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_HW_H__
#define __METIS_HW_H__

#include <linux/io.h>
#include <linux/types.h>

#include "metis_drv.h"
#include "metis_regs.h"

static inline u32 metis_edma_read(struct metis_device *mdev, u32 off)
{
	return readl(mdev->edma + off);
}

static inline void metis_edma_write(struct metis_device *mdev, u32 off, u32 val)
{
	writel(val, mdev->edma + off);
}

static inline u32 metis_hif_read(struct metis_device *mdev, u32 off)
{
	return readl(mdev->hif + off);
}

static inline void metis_hif_write(struct metis_device *mdev, u32 off, u32 val)
{
	writel(val, mdev->hif + off);
}

static inline void metis_hif_write64(struct metis_device *mdev, u32 off, u64 val)
{
	writel(lower_32_bits(val), mdev->hif + off);
	writel(upper_32_bits(val), mdev->hif + off + 4);
}

static inline u64 metis_hif_read64(struct metis_device *mdev, u32 off)
{
	u32 lo = readl(mdev->hif + off);

	return ((u64)readl(mdev->hif + off + 4) << 32) | lo;
}

/* A PCI read of a removed or link-down card returns all ones. */
#define METIS_ALL_ONES	0xffffffffu

bool metis_hw_is_gone(struct metis_device *mdev);
int metis_hw_identify(struct metis_device *mdev);
int metis_hw_soft_reset(struct metis_device *mdev);
void metis_hw_irq_mask_all(struct metis_device *mdev);
void metis_hw_irq_unmask(struct metis_device *mdev);
void metis_hw_quiesce(struct metis_device *mdev);

int metis_irq_init(struct metis_device *mdev);
void metis_irq_fini(struct metis_device *mdev);
void metis_irq_synchronize(struct metis_device *mdev);
bool metis_irq_multi(struct metis_device *mdev);

#endif /* __METIS_HW_H__ */
