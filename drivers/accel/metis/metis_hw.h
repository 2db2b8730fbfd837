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

static inline u32 metis_l2_read(struct metis_device *mdev, u32 off)
{
	return readl(mdev->l2 + off);
}

static inline void metis_l2_write(struct metis_device *mdev, u32 off, u32 val)
{
	writel(val, mdev->l2 + off);
}

static inline u64 metis_l2_read64(struct metis_device *mdev, u32 off)
{
	u32 lo = readl(mdev->l2 + off);

	return ((u64)readl(mdev->l2 + off + 4) << 32) | lo;
}

static inline void metis_l2_write64(struct metis_device *mdev, u32 off, u64 val)
{
	writel(lower_32_bits(val), mdev->l2 + off);
	writel(upper_32_bits(val), mdev->l2 + off + 4);
}

/* Registers of our extension area: only while mdev->card.ext_off is set. */
static inline u32 metis_ext_read(struct metis_device *mdev, u32 off)
{
	return readl(mdev->l2 + mdev->card.ext_off + off);
}

static inline void metis_ext_write(struct metis_device *mdev, u32 off, u32 val)
{
	writel(val, mdev->l2 + mdev->card.ext_off + off);
}

static inline u64 metis_ext_read64(struct metis_device *mdev, u32 off)
{
	return metis_l2_read64(mdev, mdev->card.ext_off + off);
}

static inline void metis_ext_write64(struct metis_device *mdev, u32 off, u64 val)
{
	metis_l2_write64(mdev, mdev->card.ext_off + off, val);
}

/**
 * metis_has_ext() - tell whether the card has our extension area
 * @mdev: device
 *
 * Return: true when the last bring-up found the area (runtime firmware,
 * contexts, heartbeats, soft reset).
 */
static inline bool metis_has_ext(struct metis_device *mdev)
{
	return READ_ONCE(mdev->card.ext_off) != 0;
}

/* A PCI read of a removed or link-down card returns all ones. */
#define METIS_ALL_ONES	0xffffffffu

bool metis_hw_is_gone(struct metis_device *mdev);
int metis_hw_identify(struct metis_device *mdev);
int metis_hw_wait_areas(struct metis_device *mdev, bool probe);
int metis_hw_reset(struct metis_device *mdev, enum metis_reset_kind kind);
int metis_hw_hdrv_init(struct metis_device *mdev);
void metis_hw_hdrv_enable(struct metis_device *mdev);
void metis_hw_irq_mask_all(struct metis_device *mdev);
void metis_hw_irq_unmask(struct metis_device *mdev);
void metis_hw_quiesce(struct metis_device *mdev);

int metis_irq_init(struct metis_device *mdev);
void metis_irq_fini(struct metis_device *mdev);
void metis_irq_synchronize(struct metis_device *mdev);
bool metis_irq_multi(struct metis_device *mdev);

#endif /* __METIS_HW_H__ */
