/*
 * Emulated Axelera Metis M.2 AIPU (PCI 1f9d:1100): state and register map.
 *
 * The register contract is Documentation/hw-interface.md in the metis
 * project; section numbers below refer to it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_METIS_H
#define HW_METIS_H

#include "hw/pci/pci_device.h"
#include "hw/resettable.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "metis-regs.h"

#define TYPE_METIS "metis"
OBJECT_DECLARE_TYPE(MetisState, MetisClass, METIS)

/* Why the card was reset (trace and statistics only). */
typedef enum MetisResetKind {
    METIS_RESET_DEVICE,     /* Resettable: system, FLR, bus, S3 wake-up */
    METIS_RESET_D3HOT,
    METIS_RESET_SOFT,
    METIS_RESET_LINK_UP,
    METIS_RESET_REALIZE,
} MetisResetKind;

/*
 * Why a transfer ended (internal: the host sees CS, INT_STATUS and
 * ERR_STATUS only, section 4.5).  DMA_ERR_DESC is the linked-list error,
 * every other code the application error.
 */
enum MetisDmaErr {
    DMA_ERR_NONE = 0,
    DMA_ERR_HOST,               /* host access failed */
    DMA_ERR_CARD_ADDR,          /* card address outside L2 and DDR */
    DMA_ERR_DESC,               /* list element cannot be fetched, too long */
    DMA_ERR_SIZE,               /* over 1 GiB */
    DMA_ERR_STOPPED,            /* STOP doorbell, engine disabled */
};

/* One data element of a transfer, captured when the doorbell rings. */
typedef struct MetisEdmaElem {
    uint64_t sar;
    uint64_t dar;
    uint32_t size;
    uint32_t ctl;               /* LIE, RIE */
} MetisEdmaElem;

typedef struct MetisEdmaChan {
    MetisState *s;
    bool wr;                    /* write channel: card -> host */
    unsigned int idx;

    uint32_t control1;
    uint32_t control2;
    uint32_t transfer_size;
    uint64_t sar;
    uint64_t dar;
    uint64_t llp;

    /* The transfer in flight. */
    bool running;
    bool hung;                  /* fault-drop-completions: never completes */
    bool held;                  /* fault-hold: completes once released */
    uint32_t irq_ctl;           /* LIE/RIE of the completed elements */
    uint32_t pending_err;       /* found while walking the list */
    uint64_t walk_llp;          /* where the walk stopped: LLP after it */
    bool walk_ccs;              /* the cycle state then: CCS after it */
    GArray *elems;              /* of MetisEdmaElem */
    uint64_t total;
    int64_t start_ns;
    QEMUTimer timer;
} MetisEdmaChan;

/* Registers of one direction (write = card -> host, read = host -> card). */
typedef struct MetisEdmaDir {
    uint32_t engine_en;
    uint32_t arb_weight_lo;
    uint32_t arb_weight_hi;
    uint32_t int_status;
    uint32_t int_mask;
    uint32_t app_err;           /* bits 3:0 */
    uint32_t ll_err;            /* bits 3:0 */
    uint64_t done_imwr;
    uint64_t abort_imwr;
    uint16_t imwr_data[METIS_EDMA_CHANNELS];
    uint32_t ll_err_en;
    uint32_t pwr_en[METIS_EDMA_CHANNELS];
    MetisEdmaChan ch[METIS_EDMA_CHANNELS];
} MetisEdmaDir;

typedef struct MetisCtx {
    MetisState *s;
    unsigned int idx;
    uint32_t opcode;
    uint32_t status;
    uint64_t addr;
    uint64_t len;
    uint32_t param;
    uint32_t duration_us;
    uint64_t result;
    uint32_t error;
    bool hung;
    /* The command in flight, captured at the doorbell. */
    uint32_t run_opcode;
    uint64_t run_addr;
    uint64_t run_len;
    uint32_t run_param;
    QEMUTimer timer;
} MetisCtx;

struct MetisState {
    PCIDevice parent_obj;

    MemoryRegion bar0;
    MemoryRegion bar2;          /* container: l2, ext, link_down_mr */
    MemoryRegion l2;            /* RAM, the card's L2 (section 2) */
    MemoryRegion ext;           /* extension area registers (section 5) */
    MemoryRegion link_down_mr;  /* all-ones over BAR2 while the link is down */
    uint8_t *l2_ptr;

    /* Properties */
    bool extensions;
    bool dma_vm;
    uint32_t device_id;
    uint32_t loader_ms;
    uint32_t areas_base;
    uint64_t mem_size;
    uint32_t latency_us;
    uint32_t bandwidth_mbps;
    uint32_t heartbeat_ms;

    /* Card DDR: chunks allocated on first write; NULL reads poison. */
    uint8_t **mem;
    uint64_t mem_chunks;

    /* The loader (section 3.3) */
    bool areas_published;
    uint64_t hdif_size;
    QEMUTimer loader_timer;

    /* eDMA */
    uint32_t arb_prio;
    MetisEdmaDir wr;
    MetisEdmaDir rd;

    /* Our runtime firmware and the extension area (section 5) */
    uint32_t fw_state;
    uint32_t fw_error;
    uint32_t fw_version;
    uint32_t mb_status;
    uint32_t mb_result;
    uint32_t irq_status;
    uint32_t irq_mask;
    uint32_t hb_count;
    uint32_t scratch;
    /* Boot in progress: outcome decided at the doorbell. */
    uint32_t boot_err;
    uint32_t boot_version;
    QEMUTimer boot_timer;
    QEMUTimer hb_timer;

    MetisCtx ctx[METIS_CTX_COUNT];

    /* Fault injection (section 7) */
    uint32_t fault_drop_completions;
    uint32_t fault_fw_boot_fail;
    uint32_t fault_corrupt;
    uint32_t fault_abort_size;
    uint32_t fault_spurious_vector;
    uint32_t fault_irq_storm_hz;
    bool fault_hold;
    bool link_down;
    QEMUTimer storm_timer;

    /* Statistics */
    uint64_t stat_bytes;
    uint64_t stat_busy_ns;
    uint64_t stat_transfers;
    uint64_t stat_irqs;
    uint64_t stat_irqs_lost;    /* raised while the host had them off */
    uint64_t stat_resets;
    MetisResetKind last_reset;
    ResetType last_reset_type;
    MetisResetKind next_reset_kind;
};

struct MetisClass {
    PCIDeviceClass parent_class;
    ResettablePhases parent_phases;
};

/* metis-pci.c */
bool metis_io_enter(MetisState *s);
void metis_io_leave(MetisState *s, bool was);
void metis_card_reset(MetisState *s, MetisResetKind kind);
void metis_msi_notify(MetisState *s, unsigned int vector);
void metis_dma_write_u32(MetisState *s, uint64_t addr, uint32_t val);
bool metis_card_range_ok(MetisState *s, uint64_t addr, uint64_t len);
void metis_card_read(MetisState *s, uint64_t addr, void *buf, uint64_t len);
void metis_card_write(MetisState *s, uint64_t addr, const void *buf,
                      uint64_t len);
void metis_mem_poison(MetisState *s);

/* metis-loader.c */
void metis_loader_init(MetisState *s);
void metis_loader_exit(MetisState *s);
void metis_bootrom_reset(MetisState *s);
uint64_t metis_ext_offset(MetisState *s);
void metis_fw_irq(MetisState *s, unsigned int vector);

/* metis-regs.c */
extern const MemoryRegionOps metis_bar0_ops;
extern const MemoryRegionOps metis_ext_ops;
extern const MemoryRegionOps metis_link_down_ops;

/* metis-edma.c */
void metis_edma_init(MetisState *s);
void metis_edma_exit(MetisState *s);
void metis_edma_reset(MetisState *s);
void metis_edma_release(MetisState *s);
uint64_t metis_edma_read(MetisState *s, hwaddr addr);
void metis_edma_write(MetisState *s, hwaddr addr, uint64_t val);

/* metis-fw.c */
void metis_fw_init(MetisState *s);
void metis_fw_exit(MetisState *s);
void metis_fw_reset(MetisState *s);
uint64_t metis_fw_read(MetisState *s, hwaddr addr);
void metis_fw_write(MetisState *s, hwaddr addr, uint32_t val);
void metis_ext_raise(MetisState *s, uint32_t bits);

/* metis-fault.c */
void metis_fault_class_init(ObjectClass *oc);
void metis_fault_init(MetisState *s);
void metis_fault_exit(MetisState *s);
bool metis_fault_take(uint32_t *counter);

#endif /* HW_METIS_H */
