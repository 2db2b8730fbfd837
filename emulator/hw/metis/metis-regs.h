/*
 * Emulated Axelera Metis M.2 AIPU: register map, bits and codes.
 *
 * Shared by the model and its qtest; plain definitions only.  Section
 * numbers refer to Documentation/hw-interface.md of the metis project.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_METIS_REGS_H
#define HW_METIS_REGS_H

#include "qemu/units.h"

/* Section 1: PCI function */
#define METIS_VENDOR_ID         0x1f9d
#define METIS_DEVICE_ID         0x1100  /* Omega */
#define METIS_DEVICE_ID_ALPHA   0x11aa
#define METIS_REVISION          0x02
#define METIS_CLASS_ID          0x1200
#define METIS_MSI_VECTORS       32
#define METIS_BAR0_SIZE         (64 * KiB)
#define METIS_BAR2_SIZE         (32 * MiB)

#define METIS_VEC_CTX(n)        (n)
#define METIS_VEC_EDMA_RD(n)    (4 + (n))
#define METIS_VEC_EDMA_WR(n)    (8 + (n))
#define METIS_VEC_MSG           12
#define METIS_VEC_DEV_MSG       24

/* Section 2: card address space */
#define METIS_L2_BASE           0x08000000ULL
#define METIS_L2_SIZE           METIS_BAR2_SIZE
#define METIS_DDR_BASE          0x100000000ULL
#define METIS_POISON            0x5A5AA5A5u

/* Section 3.1: static sysctl block (L2 + 0) */
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
#define SYSCTL_DATASTREAM_REF   0x240
#define SYSCTL_BOARDINFO_REF    0x258
#define SYSCTL_AXEMSG_REF       0x270   /* our extension area */
#define SYSCTL_CTX_REF          0x288
#define SYSCTL_VIRT_REF         0x2A0
#define SYSCTL_HDRV_REF         0x2B8
#define SYSCTL_DMASGDESC_REF    0x2D0
#define SYSCTL_VMSI_REF         0x2E8
#define SYSCTL_MCUBOOT          0x400
#define METIS_HDIF_MAGIC        0xFD1F
#define METIS_HDIF_ALIGN        (64 * KiB)
#define METIS_DMA_VM_MAGIC      0xC1A0C1A0u

/* Section 3.2: memory reference */
#define MEMREF_SIZE             24
#define MEMREF_MAGIC            0
#define MEMREF_VER_MAJOR        2
#define MEMREF_VER_MINOR        3
#define MEMREF_AREA_SIZE        4
#define MEMREF_OFFSET           8
#define MEMREF_MEMORY_AREA      16

#define AREA_MAGIC_DATASTREAM   0xF0F0
#define AREA_MAGIC_CTX          0xC7C7  /* ours: none in the vendor source */
#define AREA_MAGIC_HDRV         0xBAC1
#define AREA_MAGIC_DMASGDESC    0xD4D4
#define AREA_MAGIC_VMSI         0xB5B5
#define AREA_MAGIC_EXT          0xE7A5

/* Section 3.4: context array */
#define CTXA_ENTRY_SIZE         80
#define CTXA_AICORE             0x00
#define CTXA_L2_BASE            0x08
#define CTXA_L2_SIZE            0x10
#define CTXA_DDR_BASE           0x18
#define CTXA_DDR_SIZE           0x20
#define CTXA_MSI                0x28
#define CTXA_CMD                0x30
#define CTXA_STS                0x38
#define CTXA_ARG                0x40
#define CTXA_ELF_BASE           0x48

/* Section 3.5: host-driver area and VMSI */
#define HDRV_SIZE               24
#define HDRV_CTRL               0
#define HDRV_BASE               4
#define HDRV_TARGET             8
#define HDRV_DMA_SIZE           16
#define VMSI_NUM_VMSI           0
#define VMSI_NUM_PMSI           2
#define VMSI_ENTRIES            4
#define VMSI_ENTRY_SIZE         8
#define VMSI_TO_PMSI            0x104
#define VMSI_SIZE               (VMSI_TO_PMSI + METIS_MSI_VECTORS)

/* Section 3.6: eDMA descriptor area */
#define DMASGDESC_SIZE          16      /* {addr u64, size u64} */
#define DMASG_REGION_SIZE       0x7F80
#define DMASG_CHAN_SIZE         0x1FE0
#define DMASG_FALLBACK          0x09FF8080ULL

/* Section 3.7: datastream area */
#define DATASTREAM_SIZE         264     /* num_streams, 256-byte table */

/*
 * Where the model's loader puts its areas, relative to areas-base.  Only
 * the model uses these: a driver (and the qtest) go by the references.
 */
#define LAYOUT_DATASTREAM       0x0000
#define LAYOUT_CTX              0x0200
#define LAYOUT_HDRV             0x0380
#define LAYOUT_DMASGDESC        0x03C0
#define LAYOUT_VMSI             0x0400
#define LAYOUT_DMASG_REGION     0x1000
#define LAYOUT_EXT              0x9000
#define LAYOUT_END              0xA000

/* Section 4: eDMA (BAR0) */
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

/* Section 5: extension area (area offset), ours */
#define EXT_AREA_SIZE           0x1000
#define EXT_AREA_VER_MAJOR      1
#define EXT_AREA_VER_MINOR      0
#define EXT_ID                  0x000
#define EXT_VERSION             0x004
#define EXT_FW_STATE            0x008
#define EXT_FW_ERROR            0x00C
#define EXT_FW_VERSION          0x010
#define EXT_MB_DOORBELL         0x014
#define EXT_MB_STATUS           0x018
#define EXT_MB_RESULT           0x01C
#define EXT_IRQ_STATUS          0x020
#define EXT_IRQ_MASK            0x024
#define EXT_HB_PERIOD_MS        0x028
#define EXT_HB_COUNT            0x02C
#define EXT_SOFT_RESET          0x030
#define EXT_SCRATCH             0x048
#define EXT_CTX_COUNT           0x04C

#define EXT_ID_VALUE            0x5354454Du     /* "METS" */
#define EXT_VERSION_VALUE       2
#define EXT_SOFT_RESET_MAGIC    0x52535421u     /* "RST!" */

#define EXT_IRQ_MB              (1u << 0)
#define EXT_IRQ_HB              (1u << 1)
#define EXT_IRQ_FW              (1u << 2)
#define EXT_IRQ_CTX(n)          (1u << (8 + (n)))
#define EXT_IRQ_ALL             0x00000F07u

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

/* Section 5.4: contexts (extension area + 0x100) */
#define METIS_CTX_COUNT         4
#define EXT_CTX_BASE            0x100
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

#endif /* HW_METIS_REGS_H */
