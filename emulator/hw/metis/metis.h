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

#define TYPE_METIS "metis"
OBJECT_DECLARE_TYPE(MetisState, MetisClass, METIS)

/* Section 1: PCI function */
#define METIS_VENDOR_ID         0x1f9d
#define METIS_DEVICE_ID         0x1100
#define METIS_REVISION          0x02
#define METIS_CLASS_ID          0x1200
#define METIS_MSI_VECTORS       32
#define METIS_BAR0_SIZE         (64 * KiB)
#define METIS_BAR2_SIZE         (32 * MiB)

#define METIS_VEC_CTX(n)        (n)
#define METIS_VEC_MSG           12

/* Section 2: device address space */
#define METIS_HDIF_BASE         0x08000000ULL
#define METIS_MEM_BASE          0x100000000ULL
#define METIS_MEM_CHUNK         (64 * KiB)
#define METIS_POISON            0x5A5AA5A5u

/* Section 3: eDMA (BAR0) */
#define METIS_EDMA_CHANNELS     4
#define METIS_EDMA_MAX_ELEMS    65536
#define METIS_EDMA_MAX_BYTES    (1 * GiB)
#define METIS_EDMA_ELEM_SIZE    24

#define EDMA_ARB_PRIO           0x000
#define EDMA_CTRL               0x008
#define EDMA_WR_ENGINE_EN       0x00C
#define EDMA_WR_DOORBELL        0x010
#define EDMA_WR_ARB_WEIGHT_LO   0x018
#define EDMA_WR_ARB_WEIGHT_HI   0x01C
#define EDMA_RD_ENGINE_EN       0x02C
#define EDMA_RD_DOORBELL        0x030
#define EDMA_RD_ARB_WEIGHT_LO   0x038
#define EDMA_RD_ARB_WEIGHT_HI   0x03C
#define EDMA_WR_INT_STATUS      0x04C
#define EDMA_WR_INT_MASK        0x054
#define EDMA_WR_INT_CLEAR       0x058
#define EDMA_WR_ERR_STATUS      0x05C
#define EDMA_WR_DONE_IMWR_LO    0x060
#define EDMA_WR_DONE_IMWR_HI    0x064
#define EDMA_WR_ABORT_IMWR_LO   0x068
#define EDMA_WR_ABORT_IMWR_HI   0x06C
#define EDMA_WR_CH01_IMWR_DATA  0x070
#define EDMA_WR_CH23_IMWR_DATA  0x074
#define EDMA_WR_LL_ERR_EN       0x090
#define EDMA_RD_INT_STATUS      0x0A0
#define EDMA_RD_INT_MASK        0x0A8
#define EDMA_RD_INT_CLEAR       0x0AC
#define EDMA_RD_ERR_STATUS_LOW  0x0B4
#define EDMA_RD_ERR_STATUS_HIGH 0x0B8
#define EDMA_RD_LL_ERR_EN       0x0C4
#define EDMA_RD_DONE_IMWR_LO    0x0CC
#define EDMA_RD_DONE_IMWR_HI    0x0D0
#define EDMA_RD_ABORT_IMWR_LO   0x0D4
#define EDMA_RD_ABORT_IMWR_HI   0x0D8
#define EDMA_RD_CH01_IMWR_DATA  0x0DC
#define EDMA_RD_CH23_IMWR_DATA  0x0E0
#define EDMA_WR_CH_PWR_EN(n)    (0x128 + (n) * 4)
#define EDMA_RD_CH_PWR_EN(n)    (0x168 + (n) * 4)

#define EDMA_CH_BASE            0x200
#define EDMA_CH_STRIDE          0x200
#define EDMA_CH_SIZE            0x100   /* write ch at +0, read ch at +0x100 */
#define EDMA_CH_CONTROL1        0x00
#define EDMA_CH_CONTROL2        0x04
#define EDMA_CH_TRANSFER_SIZE   0x08
#define EDMA_CH_SAR_LO          0x0C
#define EDMA_CH_SAR_HI          0x10
#define EDMA_CH_DAR_LO          0x14
#define EDMA_CH_DAR_HI          0x18
#define EDMA_CH_LLP_LO          0x1C
#define EDMA_CH_LLP_HI          0x20
#define EDMA_CH_ERROR           0x24
#define EDMA_CH_ELEMENTS        0x28

#define EDMA_DOORBELL_CH_MASK   0x7
#define EDMA_DOORBELL_STOP      (1u << 31)
#define EDMA_INT_DONE(n)        (1u << (n))
#define EDMA_INT_ABORT(n)       (1u << (16 + (n)))
#define EDMA_INT_ALL            0x000F000Fu

/* CH_CONTROL1 and element control bits */
#define EDMA_CTL_CB             (1u << 0)
#define EDMA_CTL_TCB            (1u << 1)
#define EDMA_CTL_LLP            (1u << 2)
#define EDMA_CTL_LIE            (1u << 3)
#define EDMA_CTL_RIE            (1u << 4)
#define EDMA_CTL_CS_SHIFT       5
#define EDMA_CTL_CS_MASK        (3u << EDMA_CTL_CS_SHIFT)
#define EDMA_CTL_CCS            (1u << 8)
#define EDMA_CTL_LLE            (1u << 9)

enum MetisEdmaCs {
    EDMA_CS_IDLE = 0,
    EDMA_CS_RUNNING = 1,
    EDMA_CS_HALTED = 2,
    EDMA_CS_STOPPED = 3,
};

/* Section 3.5: channel error codes */
enum MetisDmaErr {
    DMA_ERR_NONE = 0,
    DMA_ERR_HOST = 1,
    DMA_ERR_DEV_ADDR = 2,
    DMA_ERR_DESC = 3,
    DMA_ERR_SIZE = 4,
    DMA_ERR_STOPPED = 5,
    DMA_ERR_BUSY = 6,
};

/* Section 4: sysctl block (BAR2 + 0) */
#define SYSCTL_SIZE             0x800
#define SYSCTL_HDIF_MAGIC       0x000
#define SYSCTL_HDIF_BASE        0x008
#define SYSCTL_HDIF_SIZE        0x010
#define SYSCTL_CMD_OPCODE       0x0B0
#define SYSCTL_CMD_SIZE         0x0B4
#define SYSCTL_CMD_MSG          0x0B8
#define SYSCTL_CMD_MSG_SIZE     256
#define SYSCTL_MASTER_VERSION   0x200
#define SYSCTL_MEMORY_MAP0      0x208
#define SYSCTL_MEMORY_MAP1      0x210
#define SYSCTL_DMA_VM           0x218
#define SYSCTL_FW_LOAD_ADDR     0x238
#define SYSCTL_RW_START         0x0B0   /* RW: 0x0B0-0x1FF and 0x240-0x7FF */
#define SYSCTL_RO2_START        0x200
#define SYSCTL_RO2_END          0x240
#define METIS_HDIF_MAGIC        0xFD1F

/* Section 5: host interface registers (BAR2 + 0x800) */
#define HIF_ID                  0x800
#define HIF_VERSION             0x804
#define HIF_FW_STATE            0x808
#define HIF_FW_ERROR            0x80C
#define HIF_FW_VERSION          0x810
#define HIF_MB_DOORBELL         0x814
#define HIF_MB_STATUS           0x818
#define HIF_MB_RESULT           0x81C
#define HIF_IRQ_STATUS          0x820
#define HIF_IRQ_MASK            0x824
#define HIF_HB_PERIOD_MS        0x828
#define HIF_HB_COUNT            0x82C
#define HIF_SOFT_RESET          0x830
#define HIF_MEM_BASE_LO         0x838
#define HIF_MEM_BASE_HI         0x83C
#define HIF_MEM_SIZE_LO         0x840
#define HIF_MEM_SIZE_HI         0x844
#define HIF_SCRATCH             0x848
#define HIF_CTX_COUNT           0x84C
#define HIF_END                 0x850

#define HIF_ID_VALUE            0x5354454Du
#define HIF_SOFT_RESET_MAGIC    0x52535421u

#define HIF_IRQ_MB              (1u << 0)
#define HIF_IRQ_HB              (1u << 1)
#define HIF_IRQ_FW              (1u << 2)
#define HIF_IRQ_CTX(n)          (1u << (8 + (n)))
#define HIF_IRQ_ALL             0x00000F07u

enum MetisFwState {
    FW_STATE_BOOTROM = 0,
    FW_STATE_BOOTING = 1,
    FW_STATE_READY = 2,
    FW_STATE_FAILED = 3,
};

enum MetisMbStatus {
    MB_IDLE = 0,
    MB_BUSY = 1,
    MB_DONE = 2,
    MB_ERROR = 3,
};

#define MB_OP_BOOT              1
#define MB_OP_PING              2
#define MB_ERR_OPCODE           0x100
#define MB_ERR_STATE            0x101
#define MB_ERR_SIZE             0x102

/* Section 5.3: firmware image */
#define FW_MAGIC                0x3157464Du
#define FW_HDR_VERSION          1
#define FW_HDR_SIZE             64
#define FW_MAX_PAYLOAD          (16 * MiB)
#define FW_DEFAULT_BOOT_US      2000

enum MetisFwErr {
    FW_ERR_NONE = 0,
    FW_ERR_ADDR = 1,
    FW_ERR_MAGIC = 2,
    FW_ERR_HEADER = 3,
    FW_ERR_VERSION = 4,
    FW_ERR_SIZE = 5,
    FW_ERR_CHECKSUM = 6,
    FW_ERR_INJECTED = 7,
};

/* Section 6: firmware contexts (BAR2 + 0x1000) */
#define METIS_CTX_COUNT         4
#define CTX_BASE                0x1000
#define CTX_STRIDE              0x40
#define CTX_OPCODE              0x00
#define CTX_STATUS              0x04
#define CTX_ADDR_LO             0x08
#define CTX_ADDR_HI             0x0C
#define CTX_LEN_LO              0x10
#define CTX_LEN_HI              0x14
#define CTX_PARAM               0x18
#define CTX_DURATION_US         0x1C
#define CTX_RESULT_LO           0x20
#define CTX_RESULT_HI           0x24
#define CTX_DOORBELL            0x28
#define CTX_ERROR               0x2C
#define CTX_MAX_DURATION_US     10000000u
#define CTX_MAX_LEN             (1 * GiB)

enum MetisCtxOp {
    CTX_OP_NOP = 0,
    CTX_OP_CRC32 = 1,
    CTX_OP_XOR32 = 2,
    CTX_OP_FILL32 = 3,
};

enum MetisCtxStatus {
    CTX_IDLE = 0,
    CTX_BUSY = 1,
    CTX_DONE = 2,
    CTX_FAILED = 3,
};

enum MetisCtxErr {
    CTX_ERR_NONE = 0,
    CTX_ERR_STATE = 1,
    CTX_ERR_OPCODE = 2,
    CTX_ERR_RANGE = 3,
    CTX_ERR_ALIGN = 4,
    CTX_ERR_BUSY = 5,
    CTX_ERR_DURATION = 6,
};

/* Why the card was reset (trace and statistics only). */
typedef enum MetisResetKind {
    METIS_RESET_DEVICE,     /* Resettable: system, FLR, bus, S3 wake-up */
    METIS_RESET_D3HOT,
    METIS_RESET_SOFT,
    METIS_RESET_LINK_UP,
    METIS_RESET_REALIZE,
} MetisResetKind;

/* One data element of a transfer, captured when the doorbell rings. */
typedef struct MetisEdmaElem {
    uint64_t sar;
    uint64_t dar;
    uint32_t size;
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
    uint32_t error;
    uint32_t elements;

    /* The transfer in flight. */
    bool running;
    bool hung;                  /* fault-drop-completions: never completes */
    bool irq_done;              /* LIE/RIE requested */
    uint32_t pending_err;       /* found while walking the list */
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
    MemoryRegion bar2;

    /* Properties */
    uint64_t mem_size;
    uint32_t latency_us;
    uint32_t bandwidth_mbps;
    uint32_t heartbeat_ms;

    /* On-card memory: chunks allocated on first write; NULL reads poison. */
    uint8_t **mem;
    uint64_t mem_chunks;

    /* eDMA */
    uint32_t arb_prio;
    MetisEdmaDir wr;
    MetisEdmaDir rd;

    /* sysctl block and host interface */
    uint8_t sysctl[SYSCTL_SIZE];
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

    /* Fault injection (section 8) */
    uint32_t fault_drop_completions;
    uint32_t fault_fw_boot_fail;
    uint32_t fault_corrupt;
    uint32_t fault_spurious_vector;
    uint32_t fault_irq_storm_hz;
    bool link_down;
    QEMUTimer storm_timer;

    /* Statistics */
    uint64_t stat_bytes;
    uint64_t stat_busy_ns;
    uint64_t stat_transfers;
    uint64_t stat_irqs;
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
void metis_card_reset(MetisState *s, MetisResetKind kind);
void metis_msi_notify(MetisState *s, unsigned int vector);
void metis_dma_write_u32(MetisState *s, uint64_t addr, uint32_t val);
bool metis_mem_range_ok(MetisState *s, uint64_t addr, uint64_t len);
void metis_mem_read(MetisState *s, uint64_t addr, void *buf, uint64_t len);
void metis_mem_write(MetisState *s, uint64_t addr, const void *buf,
                     uint64_t len);
void metis_mem_poison(MetisState *s);

/* metis-regs.c */
extern const MemoryRegionOps metis_bar0_ops;
extern const MemoryRegionOps metis_bar2_ops;

/* metis-edma.c */
void metis_edma_init(MetisState *s);
void metis_edma_exit(MetisState *s);
void metis_edma_reset(MetisState *s);
uint64_t metis_edma_read(MetisState *s, hwaddr addr);
void metis_edma_write(MetisState *s, hwaddr addr, uint64_t val);

/* metis-fw.c */
void metis_fw_init(MetisState *s);
void metis_fw_exit(MetisState *s);
void metis_fw_reset(MetisState *s);
uint64_t metis_fw_read(MetisState *s, hwaddr addr, unsigned size);
void metis_fw_write(MetisState *s, hwaddr addr, uint64_t val, unsigned size);
void metis_hif_raise(MetisState *s, uint32_t bits);

/* metis-fault.c */
void metis_fault_class_init(ObjectClass *oc);
void metis_fault_init(MetisState *s);
void metis_fault_exit(MetisState *s);
bool metis_fault_take(uint32_t *counter);

#endif /* HW_METIS_H */
