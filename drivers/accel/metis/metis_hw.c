// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Card-level operations: identification by the sysctl block, the areas
 * the card's loader publishes (found and checked after every reset), the
 * host-driver area, resets, interrupt masks and quiesce.
 *
 * BAR2 is the card's L2 memory. The driver writes it only inside the
 * areas it owns (the host-driver area, the eDMA descriptor region, our
 * extension area's registers) and the sysctl command area; everything
 * else there is the card's RAM.
 */

#include <linux/delay.h>
#include <linux/iopoll.h>
#include <linux/pci.h>
#include <linux/sort.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "metis_dma.h"
#include "metis_hw.h"

#define METIS_RESET_TIMEOUT_US		500000
#define METIS_PCI_RESET_TRY_MS		1000
/* How long the card's loader may take to publish its areas after a reset. */
/* The vendor driver waits 5 s after a link-up (hw-interface.md 3.3). */
#define METIS_LOADER_TIMEOUT_MS		5000
/* At probe: the set of areas must hold this long before it is taken. */
#define METIS_LOADER_SETTLE_MS		50
#define METIS_RESET_WITNESS		0x600dcafe

/**
 * metis_hw_is_gone() - tell whether the card stopped answering
 * @mdev: device
 *
 * Return: true if the eDMA control register (constant on a live card)
 * reads all ones.
 */
bool metis_hw_is_gone(struct metis_device *mdev)
{
	return metis_edma_read(mdev, EDMA_CTRL) == METIS_ALL_ONES;
}

/**
 * metis_hw_identify() - check that the function is a Metis card
 * @mdev: device, BARs mapped
 *
 * The sysctl block's HDIF header (magic 0xFD1F, base = memory_map[0], a
 * size within BAR2), memory_map[0] = the L2 card address of BAR2, and the
 * eDMA's channel counts. Nothing at BAR2 + 0x800 or above is read: that
 * is the card's RAM.
 *
 * Return: 0, -ENODEV if the card does not answer as a Metis card.
 */
int metis_hw_identify(struct metis_device *mdev)
{
	struct metis_card *c = &mdev->card;
	u32 ctrl = metis_edma_read(mdev, EDMA_CTRL);
	u16 magic = readw(mdev->l2 + SYSCTL_HDIF_MAGIC);
	u64 base = metis_l2_read64(mdev, SYSCTL_HDIF_BASE);
	u64 size = metis_l2_read64(mdev, SYSCTL_HDIF_SIZE);
	u64 map0 = metis_l2_read64(mdev, SYSCTL_MEMORY_MAP0);

	c->bar2_size = pci_resource_len(mdev->pdev, 2);
	if (magic != SYSCTL_HDIF_MAGIC_VALUE || map0 != METIS_L2_BASE ||
	    base != map0 || size > c->bar2_size ||
	    c->bar2_size < DESC_FALLBACK_ADDR + DESC_REGION_SIZE - METIS_L2_BASE) {
		drm_err(&mdev->drm, "no Metis sysctl block: magic %#x, base %#llx, size %#llx, memory_map[0] %#llx, BAR2 %#llx\n",
			magic, base, size, map0, c->bar2_size);
		return -ENODEV;
	}
	if ((ctrl & 0xf) < METIS_DMA_CHANNELS ||
	    ((ctrl >> 16) & 0xf) < METIS_DMA_CHANNELS) {
		drm_err(&mdev->drm, "unexpected eDMA CTRL %#x\n", ctrl);
		return -ENODEV;
	}
	c->l2_base = map0;
	return 0;
}

/*
 * A published reference (hw-interface.md 3.2): present when its magic is
 * @magic (or, for @magic 0, when its size is not 0); usable when the area
 * lies inside BAR2, past the static block, and holds at least @min bytes.
 * Return: 0, -EAGAIN when absent, -EINVAL when present but unusable.
 */
static int metis_ref(struct metis_device *mdev, u32 slot, u16 magic, u32 min,
		     const char *name, u32 *offp, u32 *sizep)
{
	u16 m = readw(mdev->l2 + slot + MEMREF_MAGIC);
	u32 size = metis_l2_read(mdev, slot + MEMREF_SIZE);
	u64 off = metis_l2_read64(mdev, slot + MEMREF_OFFSET);
	u64 bar2 = mdev->card.bar2_size;

	if (magic ? m != magic : !size)
		return -EAGAIN;
	if (size < min || off < SYSCTL_STATIC_SIZE || off > bar2 ||
	    size > bar2 - off || !IS_ALIGNED(off, 8)) {
		drm_err(&mdev->drm, "%s area not usable: offset %#llx, size %#x\n",
			name, off, size);
		return -EINVAL;
	}
	*offp = off;
	if (sizep)
		*sizep = size;
	return 0;
}

/* Still published where the last bring-up found it. */
static bool metis_ref_live(struct metis_device *mdev, u32 slot, u16 magic,
			   u32 off)
{
	return off && readw(mdev->l2 + slot + MEMREF_MAGIC) == magic &&
	       metis_l2_read64(mdev, slot + MEMREF_OFFSET) == off;
}

static bool metis_ext_live(struct metis_device *mdev)
{
	return metis_ref_live(mdev, SYSCTL_EXT_REF, AREA_MAGIC_EXT,
			      mdev->card.ext_off);
}

static bool metis_hdrv_live(struct metis_device *mdev)
{
	return metis_ref_live(mdev, SYSCTL_HDRV_REF, AREA_MAGIC_HDRV,
			      mdev->card.hdrv_off);
}

static void metis_add_range(struct metis_card *c, u64 base, u64 size)
{
	u64 start = ALIGN(base, PAGE_SIZE), end;

	if (check_add_overflow(base, size, &end))
		return;
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start >= end || c->nranges == METIS_MAX_RANGES)
		return;
	c->ranges[c->nranges].base = start;
	c->ranges[c->nranges].size = end - start;
	c->nranges++;
}

static int metis_range_cmp(const void *a, const void *b)
{
	const struct metis_range *ra = a, *rb = b;

	return ra->base < rb->base ? -1 : ra->base > rb->base;
}

/*
 * Card memory for buffers: the union of the context array's L2 and DDR
 * ranges (hw-interface.md 3.4). L2 ranges must lie past the HDIF region
 * and inside BAR2, DDR ranges at or above memory_map[1] and outside L2.
 */
static int metis_card_ranges(struct metis_device *mdev, struct metis_card *c,
			     u32 off, u32 size)
{
	u64 l2_lo = c->l2_base + max_t(u64, c->hdif_size, SYSCTL_STATIC_SIZE);
	u64 l2_hi = c->l2_base + c->bar2_size;
	unsigned int i, n = 0;

	for (i = 0; i < size / CTXA_ENTRY_SIZE; i++) {
		u32 e = off + i * CTXA_ENTRY_SIZE;
		u64 l2b = metis_l2_read64(mdev, e + CTXA_L2_BASE);
		u64 l2s = metis_l2_read64(mdev, e + CTXA_L2_SIZE);
		u64 ddrb = metis_l2_read64(mdev, e + CTXA_DDR_BASE);
		u64 ddrs = metis_l2_read64(mdev, e + CTXA_DDR_SIZE);

		if (l2s && (l2b < l2_lo || l2b > l2_hi || l2s > l2_hi - l2b))
			drm_warn(&mdev->drm, "context %u: L2 range %#llx+%#llx ignored\n",
				 i, l2b, l2s);
		else if (l2s)
			metis_add_range(c, l2b, l2s);
		if (ddrs && (!c->ddr_base || ddrb < c->ddr_base ||
			     ddrb + ddrs < ddrb ||
			     (ddrb < l2_hi && ddrb + ddrs > c->l2_base)))
			drm_warn(&mdev->drm, "context %u: DDR range %#llx+%#llx ignored\n",
				 i, ddrb, ddrs);
		else if (ddrs)
			metis_add_range(c, ddrb, ddrs);
	}
	if (!c->nranges) {
		drm_err(&mdev->drm, "the card published no memory for buffers\n");
		return -EINVAL;
	}

	/* Sort and merge: the contexts' quarters are usually adjacent. */
	sort(c->ranges, c->nranges, sizeof(c->ranges[0]), metis_range_cmp, NULL);
	for (i = 1; i < c->nranges; i++) {
		struct metis_range *last = &c->ranges[n];

		if (c->ranges[i].base <= last->base + last->size)
			last->size = max(last->size, c->ranges[i].base +
					 c->ranges[i].size - last->base);
		else
			c->ranges[++n] = c->ranges[i];
	}
	c->nranges = n + 1;
	return 0;
}

/* The descriptor region: the 0xD4D4 area's, else the vendor's fallback. */
static void metis_card_desc(struct metis_device *mdev, struct metis_card *c)
{
	u32 off;
	u64 addr, size;
	int ret;

	ret = metis_ref(mdev, SYSCTL_DESC_REF, AREA_MAGIC_DESC, DESC_AREA_SIZE,
			"eDMA descriptor", &off, NULL);
	if (!ret) {
		addr = metis_l2_read64(mdev, off + DESC_AREA_ADDR);
		size = metis_l2_read64(mdev, off + DESC_AREA_REGION_SIZE);
		if (addr >= c->l2_base + SYSCTL_STATIC_SIZE &&
		    addr - c->l2_base <= c->bar2_size - DESC_REGION_SIZE &&
		    size >= DESC_REGION_SIZE && IS_ALIGNED(addr, 8)) {
			c->desc_addr = addr;
			c->desc_off = addr - c->l2_base;
			return;
		}
		drm_warn(&mdev->drm, "eDMA descriptor region %#llx+%#llx not usable\n",
			 addr, size);
	}
	c->desc_addr = DESC_FALLBACK_ADDR;
	c->desc_off = DESC_FALLBACK_ADDR - c->l2_base;
	c->desc_fallback = true;
}

/* Our extension area: magic, version 1, size, bounds and EXT_ID. */
static void metis_card_ext(struct metis_device *mdev, struct metis_card *c)
{
	u32 off, size, id;
	u8 major;

	if (metis_ref(mdev, SYSCTL_EXT_REF, AREA_MAGIC_EXT, EXT_AREA_SIZE,
		      "extension", &off, &size))
		return;
	major = readb(mdev->l2 + SYSCTL_EXT_REF + MEMREF_VERSION);
	id = metis_l2_read(mdev, off + EXT_ID);
	if (major != 1 || !IS_ALIGNED(off, 4) || id != EXT_ID_VALUE) {
		drm_warn(&mdev->drm, "extension area not taken: version %u, id %#x\n",
			 major, id);
		return;
	}
	c->ext_off = off;
}

/*
 * Read what the card published. Return: 0, -EAGAIN while the loader has
 * not published the host-driver area and the context array yet, -EINVAL
 * for a layout the driver cannot use, -ENODEV if the card is gone.
 */
static int metis_card_read(struct metis_device *mdev, struct metis_card *c)
{
	u32 off, size;
	int ret;

	memset(c, 0, sizeof(*c));
	c->bar2_size = mdev->card.bar2_size;
	if (metis_hw_is_gone(mdev))
		return -ENODEV;
	if (readw(mdev->l2 + SYSCTL_HDIF_MAGIC) != SYSCTL_HDIF_MAGIC_VALUE)
		return -EAGAIN;
	c->l2_base = metis_l2_read64(mdev, SYSCTL_MEMORY_MAP0);
	c->hdif_size = metis_l2_read64(mdev, SYSCTL_HDIF_SIZE);
	if (c->l2_base != METIS_L2_BASE || c->hdif_size > c->bar2_size) {
		drm_err(&mdev->drm, "sysctl block changed: memory_map[0] %#llx, HDIF size %#llx\n",
			c->l2_base, c->hdif_size);
		return -EINVAL;
	}
	c->ddr_base = metis_l2_read64(mdev, SYSCTL_MEMORY_MAP1);
	c->fw_load_addr = metis_l2_read64(mdev, SYSCTL_FW_LOAD_ADDR);
	c->dma_vm = metis_l2_read(mdev, SYSCTL_DMA_VM) == SYSCTL_DMA_VM_FW_OWNED;

	ret = metis_ref(mdev, SYSCTL_HDRV_REF, AREA_MAGIC_HDRV, HDRV_AREA_SIZE,
			"host-driver", &c->hdrv_off, NULL);
	if (ret)
		return ret;
	/* The context array has no magic of its own (hw-interface.md 3.2). */
	ret = metis_ref(mdev, SYSCTL_CTX_REF, 0, CTXA_ENTRY_SIZE, "context",
			&off, &size);
	if (ret)
		return ret;
	if (size % CTXA_ENTRY_SIZE) {
		drm_err(&mdev->drm, "context array of %u bytes\n", size);
		return -EINVAL;
	}
	ret = metis_card_ranges(mdev, c, off, size);
	if (ret)
		return ret;
	metis_card_desc(mdev, c);
	c->vmsi = !metis_ref(mdev, SYSCTL_VMSI_REF, AREA_MAGIC_VMSI, 4, "VMSI",
			     &off, NULL);
	metis_card_ext(mdev, c);
	return 0;
}

/* Whether two readings show the same published areas at the same places. */
static bool metis_card_same_areas(const struct metis_card *a,
				  const struct metis_card *b)
{
	return a->hdrv_off == b->hdrv_off && a->desc_addr == b->desc_addr &&
	       a->desc_fallback == b->desc_fallback && a->vmsi == b->vmsi &&
	       a->ext_off == b->ext_off;
}

/**
 * metis_hw_wait_areas() - wait for the areas of the card's loader
 * @mdev: device
 * @probe: first time: take the card memory layout; else it must be the
 *	   one found at probe (the buffers live in it)
 *
 * After a reset or a power cycle the loader publishes its areas by
 * itself, some time later and one after the other; their magics are the
 * only sign (as for the vendor driver). At probe the set of areas is
 * taken once it has held for METIS_LOADER_SETTLE_MS; after a reset, once
 * it is the set found at probe. Polls for up to METIS_LOADER_TIMEOUT_MS,
 * and checks every reference before anything uses it.
 *
 * Return: 0, -ETIMEDOUT, -EINVAL or -EIO for a layout the driver cannot
 * use, -ENODEV if the card is gone.
 */
int metis_hw_wait_areas(struct metis_device *mdev, bool probe)
{
	ktime_t start = ktime_get();
	ktime_t end = ktime_add_ms(start, METIS_LOADER_TIMEOUT_MS);
	ktime_t seen = 0;
	struct metis_card c, prev;
	int ret;

	for (;;) {
		ret = metis_card_read(mdev, &c);
		if (ret && ret != -EAGAIN)
			return ret;
		if (!ret && !probe && metis_card_same_areas(&c, &mdev->card))
			break;
		if (!ret && probe) {
			if (!seen || !metis_card_same_areas(&c, &prev)) {
				prev = c;
				seen = ktime_get();
			} else if (ktime_ms_delta(ktime_get(), seen) >=
				   METIS_LOADER_SETTLE_MS) {
				break;
			}
		}
		if (ktime_after(ktime_get(), end)) {
			if (!ret && !probe) {
				drm_err(&mdev->drm, "the card's loader published other areas than at probe\n");
				return -EIO;
			}
			drm_err(&mdev->drm, "the card's loader published no areas in %u ms\n",
				METIS_LOADER_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		usleep_range(500, 1000);
	}
	if (!probe && (c.nranges != mdev->card.nranges ||
		       memcmp(c.ranges, mdev->card.ranges,
			      c.nranges * sizeof(c.ranges[0])))) {
		drm_err(&mdev->drm, "the card's memory layout changed\n");
		return -EIO;
	}
	mdev->card = c;
	drm_dbg_driver(&mdev->drm, "areas after %lld us: hdrv %#x, desc %#llx%s, ext %#x\n",
		       ktime_us_delta(ktime_get(), start), c.hdrv_off,
		       c.desc_addr, c.desc_fallback ? " (fallback)" : "",
		       c.ext_off);
	return 0;
}

/*
 * Our soft reset (extension area). SCRATCH survives everything but a
 * reset; after one it reads 0, or L2's contents until the loader
 * publishes the area again: either way not the witness.
 */
static int metis_hw_soft_reset(struct metis_device *mdev)
{
	u32 val;
	int ret;

	metis_ext_write(mdev, EXT_SCRATCH, METIS_RESET_WITNESS);
	metis_ext_write(mdev, EXT_SOFT_RESET, SOFT_RESET_MAGIC);
	ret = read_poll_timeout(metis_ext_read, val, val != METIS_RESET_WITNESS,
				10, METIS_RESET_TIMEOUT_US, false, mdev,
				EXT_SCRATCH);
	if (metis_hw_is_gone(mdev))
		return -ENODEV;
	if (ret)
		drm_err(&mdev->drm, "card did not reset\n");
	return ret;
}

/*
 * A PCI function reset (FLR, else what the PCI core has), with config
 * space saved and restored. The caller does not hold the device lock and
 * may run while an unbind holds it and waits for the caller's
 * drm_dev_enter() section: only try the lock, a while, and give up when
 * the device is being unplugged.
 */
static int metis_hw_pci_reset(struct metis_device *mdev)
{
	ktime_t end = ktime_add_ms(ktime_get(), METIS_PCI_RESET_TRY_MS);
	int ret;

	for (;;) {
		WRITE_ONCE(mdev->own_reset_task, current);
		ret = pci_try_reset_function(mdev->pdev);
		WRITE_ONCE(mdev->own_reset_task, NULL);
		if (ret != -EAGAIN || drm_dev_is_unplugged(&mdev->drm) ||
		    ktime_after(ktime_get(), end))
			break;
		usleep_range(10000, 20000);
	}
	if (ret)
		drm_err(&mdev->drm, "PCI function reset failed: %d\n", ret);
	return ret;
}

/**
 * metis_hw_reset() - reset the card as @kind asks, then wait for its areas
 * @mdev: device, quiesced, areas read (metis_hw_wait_areas())
 * @kind: what to reset
 *
 * The card loses its DMA set-up, memory contents, our firmware and its
 * published areas; the loader publishes them again. Our extension's
 * interrupt sources come back unmasked, so they are masked at once.
 *
 * Return: 0 or a negative errno.
 */
int metis_hw_reset(struct metis_device *mdev, enum metis_reset_kind kind)
{
	int ret;

	if (kind == METIS_RESET_NONE)
		return 0;
	if (metis_has_ext(mdev) && metis_ext_live(mdev))
		ret = metis_hw_soft_reset(mdev);
	else if (kind == METIS_RESET_FULL)
		ret = metis_hw_pci_reset(mdev);
	else
		return 0;
	if (ret)
		return ret;
	ret = metis_hw_wait_areas(mdev, false);
	if (ret)
		return ret;
	metis_hw_irq_mask_all(mdev);
	if (metis_has_ext(mdev) &&
	    metis_ext_read(mdev, EXT_FW_STATE) != FW_STATE_BOOTROM) {
		drm_err(&mdev->drm, "card not in its boot ROM after reset\n");
		return -EIO;
	}
	return 0;
}

/**
 * metis_hw_hdrv_init() - allocate the host buffer of the host-driver area
 * @mdev: device
 *
 * 2 MiB with a 2 MiB-aligned bus address (hw-interface.md 3.5); its first
 * 4 KiB are the VMSI flag array. Device-managed: the card is told to stop
 * using it (metis_hw_quiesce()) before it goes. Also the zeroes that clear
 * new device buffers.
 *
 * Return: 0 or -ENOMEM.
 */
int metis_hw_hdrv_init(struct metis_device *mdev)
{
	struct device *dev = mdev->drm.dev;
	size_t size = HDRV_HOST_SIZE;
	dma_addr_t bus;
	void *cpu;

	cpu = dmam_alloc_coherent(dev, size, &bus, GFP_KERNEL);
	if (cpu && !IS_ALIGNED(bus, HDRV_HOST_SIZE)) {
		dmam_free_coherent(dev, size, cpu, bus);
		cpu = NULL;
	}
	if (!cpu) {
		/* Twice the size holds an aligned 2 MiB whatever the address. */
		size = 2 * HDRV_HOST_SIZE;
		cpu = dmam_alloc_coherent(dev, size, &bus, GFP_KERNEL);
		if (!cpu)
			return -ENOMEM;
	}
	mdev->hdrv_alloc = cpu;
	mdev->hdrv_alloc_bus = bus;
	mdev->hdrv_alloc_size = size;
	mdev->hdrv_bus = ALIGN(bus, HDRV_HOST_SIZE);
	mdev->hdrv_cpu = cpu + (mdev->hdrv_bus - bus);

	/* Coherent memory comes zeroed; nothing writes it afterwards. */
	if (!dmam_alloc_coherent(dev, METIS_ZERO_BYTES, &mdev->zero_bus,
				 GFP_KERNEL))
		return -ENOMEM;
	return 0;
}

/**
 * metis_hw_hdrv_enable() - hand the host buffer to the card
 * @mdev: device, areas read
 *
 * The loader publishes the area with ctrl = 0 after every reset.
 */
void metis_hw_hdrv_enable(struct metis_device *mdev)
{
	u32 off = mdev->card.hdrv_off;

	memset(mdev->hdrv_cpu, 0, VMSI_FLAG_WORDS * sizeof(u32));
	metis_l2_write64(mdev, off + HDRV_TARGET, mdev->hdrv_bus);
	metis_l2_write(mdev, off + HDRV_BASE, 0);
	metis_l2_write(mdev, off + HDRV_DMA_SIZE, HDRV_HOST_SIZE);
	metis_l2_write(mdev, off + HDRV_CTRL, 1);
}

static void metis_hw_hdrv_disable(struct metis_device *mdev)
{
	if (metis_hdrv_live(mdev))
		metis_l2_write(mdev, mdev->card.hdrv_off + HDRV_CTRL, 0);
}

/**
 * metis_hw_irq_mask_all() - mask every interrupt source at the device
 * @mdev: device
 *
 * Also clears what is pending, so that no stale status survives. The
 * extension area is written only while it is published where the driver
 * found it.
 */
void metis_hw_irq_mask_all(struct metis_device *mdev)
{
	WRITE_ONCE(mdev->ext_irq, false);
	if (metis_has_ext(mdev) && metis_ext_live(mdev)) {
		metis_ext_write(mdev, EXT_IRQ_MASK, EXT_IRQ_ALL);
		metis_ext_write(mdev, EXT_IRQ_STATUS, EXT_IRQ_ALL);
	}
	metis_edma_write(mdev, EDMA_WR_INT_MASK, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_RD_INT_MASK, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);
	metis_edma_write(mdev, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
}

/**
 * metis_hw_irq_unmask() - enable the interrupt sources the driver serves
 * @mdev: device, areas read
 *
 * All eDMA done/abort bits; with the extension area its firmware events,
 * heartbeats and context completions (the mailbox is polled, so its done
 * bit stays masked).
 */
void metis_hw_irq_unmask(struct metis_device *mdev)
{
	if (metis_has_ext(mdev)) {
		metis_ext_write(mdev, EXT_IRQ_STATUS, EXT_IRQ_ALL);
		metis_ext_write(mdev, EXT_IRQ_MASK, EXT_IRQ_MAILBOX);
		WRITE_ONCE(mdev->ext_irq, true);
	}
	metis_edma_write(mdev, EDMA_WR_INT_MASK, 0);
	metis_edma_write(mdev, EDMA_RD_INT_MASK, 0);
}

/**
 * metis_hw_quiesce() - silence the card
 * @mdev: device
 *
 * Masks every interrupt source at the device, stops the DMA engine and
 * withdraws the host buffer (host-driver ctrl = 0), so that the card
 * neither interrupts nor writes host memory afterwards.
 */
void metis_hw_quiesce(struct metis_device *mdev)
{
	metis_hw_irq_mask_all(mdev);
	metis_dma_hw_stop(mdev);
	metis_hw_hdrv_disable(mdev);
}
