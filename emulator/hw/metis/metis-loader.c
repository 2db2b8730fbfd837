/*
 * Emulated Axelera Metis M.2 AIPU: the boot ROM's static sysctl block and
 * the loader that publishes the areas (hw-interface.md sections 3 and 5),
 * and the VMSI flag words of firmware-originated interrupts (3.5).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/atomic.h"
#include "hw/pci/pci_device.h"
#include "exec/memory.h"
#include "metis.h"
#include "trace.h"

uint64_t metis_ext_offset(MetisState *s)
{
    return s->areas_base + LAYOUT_EXT;
}

/* A memory reference (3.2): everything first, the magic last. */
static void metis_publish_ref(MetisState *s, hwaddr slot, uint16_t magic,
                              uint8_t major, uint8_t minor, uint32_t size,
                              uint64_t offset)
{
    uint8_t *r = s->l2_ptr + slot;

    memset(r + MEMREF_VER_MAJOR, 0, MEMREF_SIZE - MEMREF_VER_MAJOR);
    stb_p(r + MEMREF_VER_MAJOR, major);
    stb_p(r + MEMREF_VER_MINOR, minor);
    stl_le_p(r + MEMREF_AREA_SIZE, size);
    stq_le_p(r + MEMREF_OFFSET, offset);
    stw_le_p(r + MEMREF_MEMORY_AREA, 0);
    /* A vCPU polling the magic must see the rest of the reference. */
    smp_wmb();
    stw_le_p(r + MEMREF_MAGIC, magic);
    trace_metis_loader_publish(magic, offset, size);
}

static void metis_write_ctx_array(MetisState *s, uint8_t *a)
{
    uint64_t l2q = ((METIS_L2_SIZE - s->hdif_size) / METIS_CTX_COUNT) &
                   ~(uint64_t)(4 * KiB - 1);
    uint64_t ddrq = (s->mem_size / METIS_CTX_COUNT) & ~(uint64_t)(4 * KiB - 1);
    unsigned int n;

    memset(a, 0, METIS_CTX_COUNT * CTXA_ENTRY_SIZE);
    for (n = 0; n < METIS_CTX_COUNT; n++) {
        uint8_t *e = a + n * CTXA_ENTRY_SIZE;

        stq_le_p(e + CTXA_AICORE, 1u << n);
        stq_le_p(e + CTXA_L2_BASE, METIS_L2_BASE + s->hdif_size + n * l2q);
        stq_le_p(e + CTXA_L2_SIZE, l2q);
        stq_le_p(e + CTXA_DDR_BASE, METIS_DDR_BASE + n * ddrq);
        stq_le_p(e + CTXA_DDR_SIZE, ddrq);
        stq_le_p(e + CTXA_MSI, METIS_VEC_CTX(n));
    }
}

static void metis_write_vmsi_config(uint8_t *a)
{
    unsigned int v;

    memset(a, 0, VMSI_SIZE);
    stw_le_p(a + VMSI_NUM_VMSI, METIS_MSI_VECTORS);
    stw_le_p(a + VMSI_NUM_PMSI, METIS_MSI_VECTORS);
    for (v = 0; v < METIS_MSI_VECTORS; v++) {
        uint8_t *e = a + VMSI_ENTRIES + v * VMSI_ENTRY_SIZE;

        if (v < METIS_CTX_COUNT || v == METIS_VEC_MSG) {
            /* Sent by our firmware, with a flag word. */
            e[0] = 1;
            e[1] = 0;
            stw_le_p(e + 4, v);
            stw_le_p(e + 6, v);
        } else if (v >= METIS_VEC_EDMA_RD(0) &&
                   v <= METIS_VEC_EDMA_WR(METIS_EDMA_CHANNELS - 1)) {
            /* The eDMA's own interrupts. */
            e[0] = 1;
            e[1] = 1;
            stl_le_p(e + 4, v);
        }
        a[VMSI_TO_PMSI + v] = v;
    }
}

/*
 * The loader (3.3): lays out the areas from areas-base and publishes each
 * one, area first, then its reference, the magic last.
 */
static void metis_loader_run(void *opaque)
{
    MetisState *s = opaque;
    uint8_t *l2 = s->l2_ptr;
    uint64_t base = s->areas_base;
    uint64_t end = base + (s->extensions ? LAYOUT_END :
                           LAYOUT_DMASG_REGION + DMASG_REGION_SIZE);
    uint8_t *a;

    s->hdif_size = ROUND_UP(end, METIS_HDIF_ALIGN);
    stq_le_p(l2 + SYSCTL_HDIF_SIZE, s->hdif_size);

    a = l2 + base + LAYOUT_DATASTREAM;
    memset(a, 0, DATASTREAM_SIZE);
    memset(a + 4, 0xFF, 256);
    metis_publish_ref(s, SYSCTL_DATASTREAM_REF, AREA_MAGIC_DATASTREAM, 2, 0,
                      DATASTREAM_SIZE, base + LAYOUT_DATASTREAM);

    metis_write_ctx_array(s, l2 + base + LAYOUT_CTX);
    metis_publish_ref(s, SYSCTL_CTX_REF, AREA_MAGIC_CTX, 1, 0,
                      METIS_CTX_COUNT * CTXA_ENTRY_SIZE, base + LAYOUT_CTX);

    memset(l2 + base + LAYOUT_HDRV, 0, HDRV_SIZE);
    metis_publish_ref(s, SYSCTL_HDRV_REF, AREA_MAGIC_HDRV, 1, 0, HDRV_SIZE,
                      base + LAYOUT_HDRV);

    a = l2 + base + LAYOUT_DMASGDESC;
    stq_le_p(a, METIS_L2_BASE + base + LAYOUT_DMASG_REGION);
    stq_le_p(a + 8, DMASG_REGION_SIZE);
    metis_publish_ref(s, SYSCTL_DMASGDESC_REF, AREA_MAGIC_DMASGDESC, 1, 0,
                      DMASGDESC_SIZE, base + LAYOUT_DMASGDESC);

    metis_write_vmsi_config(l2 + base + LAYOUT_VMSI);
    metis_publish_ref(s, SYSCTL_VMSI_REF, AREA_MAGIC_VMSI, 1, 0, VMSI_SIZE,
                      base + LAYOUT_VMSI);

    s->areas_published = true;
    if (s->extensions) {
        memory_region_set_enabled(&s->ext, true);
        metis_publish_ref(s, SYSCTL_AXEMSG_REF, AREA_MAGIC_EXT,
                          EXT_AREA_VER_MAJOR, EXT_AREA_VER_MINOR,
                          EXT_AREA_SIZE, metis_ext_offset(s));
    }
}

/*
 * After every reset (section 6): the boot ROM writes the static block at
 * once; the areas are gone until the loader runs loader-ms later.
 */
void metis_bootrom_reset(MetisState *s)
{
    uint8_t *b = s->l2_ptr;

    timer_del(&s->loader_timer);
    s->areas_published = false;
    memory_region_set_enabled(&s->ext, false);

    memset(b, 0, SYSCTL_SIZE);
    s->hdif_size = ROUND_UP(SYSCTL_SIZE, METIS_HDIF_ALIGN);
    stw_le_p(b + SYSCTL_HDIF_MAGIC, METIS_HDIF_MAGIC);
    stq_le_p(b + SYSCTL_HDIF_BASE, METIS_L2_BASE);
    stq_le_p(b + SYSCTL_HDIF_SIZE, s->hdif_size);
    stq_le_p(b + SYSCTL_MEMORY_MAP0, METIS_L2_BASE);
    stq_le_p(b + SYSCTL_MEMORY_MAP1, METIS_DDR_BASE);
    stl_le_p(b + SYSCTL_DMA_VM, s->dma_vm ? METIS_DMA_VM_MAGIC : 0);
    stq_le_p(b + SYSCTL_FW_LOAD_ADDR, METIS_DDR_BASE);

    if (s->loader_ms) {
        timer_mod(&s->loader_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  (int64_t)s->loader_ms * SCALE_MS);
    } else {
        metis_loader_run(s);
    }
}

/*
 * A firmware-originated interrupt on @vector (3.5, 5.1): with the
 * host-driver area enabled (ctrl = 1), first set the vector's flag word
 * in the host buffer, then send the MSI.
 */
void metis_fw_irq(MetisState *s, unsigned int vector)
{
    if (s->areas_published && !s->link_down) {
        const uint8_t *h = s->l2_ptr + s->areas_base + LAYOUT_HDRV;

        if (ldl_le_p(h + HDRV_CTRL) == 1) {
            uint64_t addr = ldq_le_p(h + HDRV_TARGET) + 4 * vector;
            uint32_t one = cpu_to_le32(1);
            MemTxResult res;

            res = pci_dma_write(PCI_DEVICE(s), addr, &one, sizeof(one));
            trace_metis_vmsi_flag(vector, addr, res);
            if (res != MEMTX_OK) {
                qemu_log_mask(LOG_GUEST_ERROR, "metis: VMSI flag write to "
                              "0x%" PRIx64 " failed\n", addr);
            }
        }
    }
    metis_msi_notify(s, vector);
}

void metis_loader_init(MetisState *s)
{
    timer_init_ns(&s->loader_timer, QEMU_CLOCK_VIRTUAL, metis_loader_run, s);
}

void metis_loader_exit(MetisState *s)
{
    timer_del(&s->loader_timer);
}
