/*
 * Emulated Axelera Metis M.2 AIPU: PCI function, resets, card memory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "exec/memory.h"
#include "metis.h"
#include "trace.h"

/* Capability offsets in configuration space. */
#define METIS_PM_CAP_OFF        0x40
#define METIS_MSI_CAP_OFF       0x50
#define METIS_EXP_CAP_OFF       0x80

#define METIS_MIN_MEM_SIZE      (64 * MiB)
#define METIS_MAX_MEM_SIZE      (64 * GiB)
#define METIS_MEM_CHUNK         (64 * KiB)

static const char *const metis_reset_names[] = {
    [METIS_RESET_DEVICE] = "device",
    [METIS_RESET_D3HOT] = "d3hot-d0",
    [METIS_RESET_SOFT] = "soft",
    [METIS_RESET_LINK_UP] = "link-up",
    [METIS_RESET_REALIZE] = "realize",
};

/* Card memory: L2 (RAM behind BAR2) and DDR (section 2) */

static bool metis_in_l2(uint64_t addr)
{
    return addr >= METIS_L2_BASE && addr - METIS_L2_BASE < METIS_L2_SIZE;
}

/* [addr, addr + len) lies wholly in L2 or wholly in DDR. */
bool metis_card_range_ok(MetisState *s, uint64_t addr, uint64_t len)
{
    if (metis_in_l2(addr)) {
        return len <= METIS_L2_SIZE - (addr - METIS_L2_BASE);
    }
    return addr >= METIS_DDR_BASE && len <= s->mem_size &&
           addr - METIS_DDR_BASE <= s->mem_size - len;
}

static void metis_fill_poison(uint8_t *buf, uint64_t off, uint64_t len)
{
    uint32_t pat = cpu_to_le32(METIS_POISON);
    const uint8_t *p = (const uint8_t *)&pat;
    uint64_t i;

    for (i = 0; i < len; i++) {
        buf[i] = p[(off + i) & 3];
    }
}

/* After a reset L2 and DDR read the poison pattern (section 6). */
void metis_mem_poison(MetisState *s)
{
    uint64_t i, done;

    for (i = 0; i < s->mem_chunks; i++) {
        g_free(s->mem[i]);
        s->mem[i] = NULL;
    }
    if (!s->l2_ptr) {
        return;
    }
    metis_fill_poison(s->l2_ptr, 0, 64);
    for (done = 64; done < METIS_L2_SIZE; done *= 2) {
        memcpy(s->l2_ptr + done, s->l2_ptr, MIN(done, METIS_L2_SIZE - done));
    }
}

/* The DDR chunk holding DDR offset @off, allocated (as poison) on demand. */
static uint8_t *metis_mem_chunk(MetisState *s, uint64_t off, bool alloc)
{
    uint64_t n = off / METIS_MEM_CHUNK;

    if (!s->mem[n] && alloc) {
        s->mem[n] = g_malloc(METIS_MEM_CHUNK);
        metis_fill_poison(s->mem[n], 0, METIS_MEM_CHUNK);
    }
    return s->mem[n];
}

/*
 * Card-side accesses of the eDMA and the firmware.  Callers check the
 * range with metis_card_range_ok() first.  L2 is reached directly, under
 * the extension area's registers too: a driver never points the card
 * there (the area lies in the HDIF region, outside every context's L2).
 */
void metis_card_read(MetisState *s, uint64_t addr, void *buf, uint64_t len)
{
    uint64_t off;
    uint8_t *out = buf;

    if (metis_in_l2(addr)) {
        memcpy(buf, s->l2_ptr + (addr - METIS_L2_BASE), len);
        return;
    }
    off = addr - METIS_DDR_BASE;
    while (len) {
        uint64_t in_chunk = off % METIS_MEM_CHUNK;
        uint64_t n = MIN(len, METIS_MEM_CHUNK - in_chunk);
        uint8_t *c = metis_mem_chunk(s, off, false);

        if (c) {
            memcpy(out, c + in_chunk, n);
        } else {
            metis_fill_poison(out, in_chunk, n);
        }
        off += n;
        out += n;
        len -= n;
    }
}

void metis_card_write(MetisState *s, uint64_t addr, const void *buf,
                      uint64_t len)
{
    uint64_t off;
    const uint8_t *in = buf;

    if (metis_in_l2(addr)) {
        memcpy(s->l2_ptr + (addr - METIS_L2_BASE), buf, len);
        return;
    }
    off = addr - METIS_DDR_BASE;
    while (len) {
        uint64_t in_chunk = off % METIS_MEM_CHUNK;
        uint64_t n = MIN(len, METIS_MEM_CHUNK - in_chunk);

        memcpy(metis_mem_chunk(s, off, true) + in_chunk, in, n);
        off += n;
        in += n;
        len -= n;
    }
}

/*
 * Work the card does from a timer (eDMA completion, firmware events,
 * interrupt storms) issues DMA writes and messages to guest-chosen
 * addresses, which may decode to this card's own registers.  Hold the
 * device's re-entrancy guard meanwhile, as a guarded bottom half does:
 * such an access then fails (MEMTX_ACCESS_ERROR) instead of re-entering
 * the model in the middle of a transfer.
 */
bool metis_io_enter(MetisState *s)
{
    MemReentrancyGuard *g = &DEVICE(s)->mem_reentrancy_guard;
    bool was = g->engaged_in_io;

    g->engaged_in_io = true;
    return was;
}

void metis_io_leave(MetisState *s, bool was)
{
    DEVICE(s)->mem_reentrancy_guard.engaged_in_io = was;
}

/* Interrupts */

/*
 * Send MSI @vector.  With fewer vectors enabled than the source's number,
 * the low bits select the vector (one vector: everything on vector 0).
 */
void metis_msi_notify(MetisState *s, unsigned int vector)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint16_t flags;
    unsigned int enabled;

    if (s->link_down) {
        trace_metis_msi_dropped(vector);
        return;
    }
    /*
     * MSI off while a source is unmasked: the host freed its vectors
     * without silencing the card first (a detach ordering bug).
     */
    if (!msi_enabled(pdev)) {
        s->stat_irqs_lost++;
        trace_metis_msi_dropped(vector);
        return;
    }
    flags = pci_get_word(pdev->config + pdev->msi_cap + PCI_MSI_FLAGS);
    enabled = 1u << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4);
    vector &= enabled - 1;
    trace_metis_msi(vector);
    s->stat_irqs++;
    msi_notify(pdev, vector);
}

/*
 * A 32-bit memory write issued by the function, as an eDMA IMWR: it goes
 * through the bus master address space, so the IOMMU translates it and
 * interrupt remapping applies to writes into the MSI window.
 */
void metis_dma_write_u32(MetisState *s, uint64_t addr, uint32_t val)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    MemTxAttrs attrs = { .requester_id = pci_requester_id(pdev) };
    MemTxResult res;

    if (s->link_down) {
        return;
    }
    /* The same for the eDMA's interrupt writes with bus mastering off. */
    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        s->stat_irqs_lost++;
        trace_metis_imwr(addr, val, MEMTX_ACCESS_ERROR);
        return;
    }
    s->stat_irqs++;
    address_space_stl_le(pci_get_address_space(pdev), addr, val, attrs,
                         &res);
    trace_metis_imwr(addr, val, res);
    if (res != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "metis: IMWR to 0x%" PRIx64 " failed\n", addr);
    }
}

/* Resets (section 6): every kind ends up here. */

void metis_card_reset(MetisState *s, MetisResetKind kind)
{
    trace_metis_reset(metis_reset_names[kind]);
    if (kind != METIS_RESET_REALIZE) {
        s->stat_resets++;
    }
    s->last_reset = kind;
    metis_edma_reset(s);
    metis_fw_reset(s);
    metis_mem_poison(s);
    metis_bootrom_reset(s);
}

static void metis_reset_hold(Object *obj, ResetType type)
{
    MetisState *s = METIS(obj);
    MetisClass *mc = METIS_GET_CLASS(obj);

    if (mc->parent_phases.hold) {
        mc->parent_phases.hold(obj, type);
    }
    trace_metis_reset_type(type);
    s->last_reset_type = type;
    metis_card_reset(s, s->next_reset_kind);
    s->next_reset_kind = METIS_RESET_DEVICE;
}

/* Configuration space */

static uint32_t metis_config_read(PCIDevice *pdev, uint32_t addr, int len)
{
    if (METIS(pdev)->link_down) {
        return len == 4 ? UINT32_MAX : (1u << (len * 8)) - 1;
    }
    return pci_default_read_config(pdev, addr, len);
}

static uint16_t metis_pm_state(PCIDevice *pdev)
{
    return pci_get_word(pdev->config + METIS_PM_CAP_OFF + PCI_PM_CTRL) &
           PCI_PM_CTRL_STATE_MASK;
}

static void metis_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
                               int len)
{
    MetisState *s = METIS(pdev);
    uint16_t old_pm, new_pm;

    if (s->link_down) {
        return;
    }
    old_pm = metis_pm_state(pdev);
    pci_default_write_config(pdev, addr, val, len);
    pcie_cap_flr_write_config(pdev, addr, val, len);
    new_pm = metis_pm_state(pdev);

    /*
     * No_Soft_Reset is 0: D3hot -> D0 is an internal reset and the
     * function returns in D0uninitialized, like after FLR.
     */
    if (old_pm == 3 && new_pm == 0) {
        s->next_reset_kind = METIS_RESET_D3HOT;
        pci_device_reset(pdev);
    }
}

static bool metis_init_pci(MetisState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint8_t *conf = pdev->config;
    int ret;

    conf[PCI_INTERRUPT_PIN] = 0;

    ret = pci_pm_init(pdev, METIS_PM_CAP_OFF, errp);
    if (ret < 0) {
        return false;
    }
    pci_set_word(conf + METIS_PM_CAP_OFF + PCI_PM_PMC, PCI_PM_CAP_VER_1_2);
    pci_set_word(conf + METIS_PM_CAP_OFF + PCI_PM_CTRL, 0);
    pci_set_word(pdev->wmask + METIS_PM_CAP_OFF + PCI_PM_CTRL,
                 PCI_PM_CTRL_STATE_MASK);

    ret = msi_init(pdev, METIS_MSI_CAP_OFF, METIS_MSI_VECTORS, true, true,
                   errp);
    if (ret < 0) {
        return false;
    }

    ret = pcie_endpoint_cap_init(pdev, METIS_EXP_CAP_OFF);
    if (ret < 0) {
        error_setg(errp, "metis: cannot add the PCIe capability");
        return false;
    }
    pcie_cap_flr_init(pdev);
    pcie_cap_deverr_init(pdev);
    pcie_cap_fill_link_ep_usp(pdev, QEMU_PCI_EXP_LNK_X4, QEMU_PCI_EXP_LNK_8GT);

    memory_region_init_io(&s->bar0, OBJECT(s), &metis_bar0_ops, s,
                          "metis-edma", METIS_BAR0_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->bar0);

    /*
     * BAR2 is L2 RAM; the extension area's registers and, while the link
     * is down, an all-ones window are overlays enabled when needed.
     */
    memory_region_init(&s->bar2, OBJECT(s), "metis-bar2", METIS_BAR2_SIZE);
    if (!memory_region_init_ram_nomigrate(&s->l2, OBJECT(s), "metis-l2",
                                          METIS_L2_SIZE, errp)) {
        return false;
    }
    s->l2_ptr = memory_region_get_ram_ptr(&s->l2);
    memory_region_add_subregion(&s->bar2, 0, &s->l2);
    memory_region_init_io(&s->ext, OBJECT(s), &metis_ext_ops, s, "metis-ext",
                          EXT_AREA_SIZE);
    memory_region_set_enabled(&s->ext, false);
    memory_region_add_subregion_overlap(&s->bar2, metis_ext_offset(s),
                                        &s->ext, 1);
    memory_region_init_io(&s->link_down_mr, OBJECT(s), &metis_link_down_ops,
                          s, "metis-link-down", METIS_BAR2_SIZE);
    memory_region_set_enabled(&s->link_down_mr, s->link_down);
    memory_region_add_subregion_overlap(&s->bar2, 0, &s->link_down_mr, 2);
    pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar2);
    return true;
}

static void metis_realize(PCIDevice *pdev, Error **errp)
{
    MetisState *s = METIS(pdev);

    if (s->device_id != METIS_DEVICE_ID &&
        s->device_id != METIS_DEVICE_ID_ALPHA) {
        error_setg(errp, "metis: device-id must be 0x%x or 0x%x",
                   METIS_DEVICE_ID, METIS_DEVICE_ID_ALPHA);
        return;
    }
    if (s->mem_size < METIS_MIN_MEM_SIZE || s->mem_size > METIS_MAX_MEM_SIZE ||
        s->mem_size % MiB) {
        error_setg(errp, "metis: mem-size must be a multiple of 1 MiB "
                   "between 64 MiB and 64 GiB");
        return;
    }
    if (s->areas_base < 4 * KiB || s->areas_base % (4 * KiB) ||
        s->areas_base > METIS_L2_SIZE / 2 - LAYOUT_END) {
        error_setg(errp, "metis: areas-base must be a multiple of 4 KiB "
                   "between 0x1000 and 0x%" PRIx64,
                   (uint64_t)(METIS_L2_SIZE / 2 - LAYOUT_END));
        return;
    }
    pci_config_set_device_id(pdev->config, s->device_id);
    if (!metis_init_pci(s, errp)) {
        return;
    }
    s->mem_chunks = s->mem_size / METIS_MEM_CHUNK;
    s->mem = g_new0(uint8_t *, s->mem_chunks);

    metis_edma_init(s);
    metis_fw_init(s);
    metis_loader_init(s);
    metis_fault_init(s);
    s->next_reset_kind = METIS_RESET_DEVICE;
    metis_card_reset(s, METIS_RESET_REALIZE);
}

static void metis_exit(PCIDevice *pdev)
{
    MetisState *s = METIS(pdev);

    metis_fault_exit(s);
    metis_loader_exit(s);
    metis_fw_exit(s);
    metis_edma_exit(s);
    /* Subregions hold references to their owner: drop them, or it leaks. */
    memory_region_del_subregion(&s->bar2, &s->link_down_mr);
    memory_region_del_subregion(&s->bar2, &s->ext);
    memory_region_del_subregion(&s->bar2, &s->l2);
    s->l2_ptr = NULL;
    metis_mem_poison(s);        /* frees DDR */
    g_free(s->mem);
    s->mem = NULL;
    msi_uninit(pdev);
}

static void metis_instance_init(Object *obj)
{
    METIS(obj)->fault_spurious_vector = METIS_VEC_MSG;
}

static const Property metis_props[] = {
    DEFINE_PROP_BOOL("extensions", MetisState, extensions, true),
    DEFINE_PROP_UINT32("device-id", MetisState, device_id, METIS_DEVICE_ID),
    DEFINE_PROP_UINT32("loader-ms", MetisState, loader_ms, 20),
    DEFINE_PROP_UINT32("areas-base", MetisState, areas_base, 0x1000),
    DEFINE_PROP_BOOL("dma-vm", MetisState, dma_vm, false),
    DEFINE_PROP_SIZE("mem-size", MetisState, mem_size, 256 * MiB),
    DEFINE_PROP_UINT32("latency-us", MetisState, latency_us, 20),
    DEFINE_PROP_UINT32("bandwidth-mbps", MetisState, bandwidth_mbps, 0),
    DEFINE_PROP_UINT32("heartbeat-ms", MetisState, heartbeat_ms, 50),
};

/* Card state lives in host memory and timers only: like nvme, no migration. */
static const VMStateDescription metis_vmstate = {
    .name = "metis",
    .unmigratable = 1,
};

static void metis_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    ResettableClass *rc = RESETTABLE_CLASS(oc);
    MetisClass *mc = METIS_CLASS(oc);

    pc->realize = metis_realize;
    pc->exit = metis_exit;
    pc->config_read = metis_config_read;
    pc->config_write = metis_config_write;
    pc->vendor_id = METIS_VENDOR_ID;
    pc->device_id = METIS_DEVICE_ID;
    pc->subsystem_vendor_id = METIS_VENDOR_ID;
    pc->subsystem_id = METIS_DEVICE_ID;
    pc->revision = METIS_REVISION;
    pc->class_id = METIS_CLASS_ID;

    resettable_class_set_parent_phases(rc, NULL, metis_reset_hold, NULL,
                                       &mc->parent_phases);

    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    dc->desc = "Axelera Metis AIPU (emulated)";
    dc->vmsd = &metis_vmstate;
    device_class_set_props(dc, metis_props);
    metis_fault_class_init(oc);
}

static const TypeInfo metis_types[] = {
    {
        .name = TYPE_METIS,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(MetisState),
        .class_size = sizeof(MetisClass),
        .instance_init = metis_instance_init,
        .class_init = metis_class_init,
        .interfaces = (InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { }
        },
    },
};

DEFINE_TYPES(metis_types)
