/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Register map of the Metis card, from Documentation/hw-interface.md.
 */
#ifndef __METIS_REGS_H__
#define __METIS_REGS_H__

#include <linux/bits.h>
#include <linux/sizes.h>

/* BAR0: DesignWare eDMA v0, unrolled (hw-interface.md section 4) */
#define EDMA_CTRL			0x008
#define EDMA_WR_ENGINE_EN		0x00c
#define EDMA_WR_DOORBELL		0x010
#define EDMA_RD_ENGINE_EN		0x02c
#define EDMA_RD_DOORBELL		0x030
#define   EDMA_DOORBELL_STOP		BIT(31)
#define EDMA_WR_INT_STATUS		0x04c
#define EDMA_WR_INT_MASK		0x054
#define EDMA_WR_INT_CLEAR		0x058
#define EDMA_WR_ERR_STATUS		0x05c
#define EDMA_WR_DONE_IMWR_LO		0x060
#define EDMA_WR_DONE_IMWR_HI		0x064
#define EDMA_WR_ABORT_IMWR_LO		0x068
#define EDMA_WR_ABORT_IMWR_HI		0x06c
#define EDMA_WR_CH01_IMWR_DATA		0x070
#define EDMA_WR_CH23_IMWR_DATA		0x074
#define EDMA_WR_LL_ERR_EN		0x090
#define EDMA_RD_INT_STATUS		0x0a0
#define EDMA_RD_INT_MASK		0x0a8
#define EDMA_RD_INT_CLEAR		0x0ac
#define EDMA_RD_ERR_STATUS_LOW		0x0b4
#define EDMA_RD_ERR_STATUS_HIGH		0x0b8
#define EDMA_RD_LL_ERR_EN		0x0c4
#define EDMA_RD_DONE_IMWR_LO		0x0cc
#define EDMA_RD_DONE_IMWR_HI		0x0d0
#define EDMA_RD_ABORT_IMWR_LO		0x0d4
#define EDMA_RD_ABORT_IMWR_HI		0x0d8
#define EDMA_RD_CH01_IMWR_DATA		0x0dc
#define EDMA_RD_CH23_IMWR_DATA		0x0e0

/* INT_STATUS / INT_MASK / INT_CLEAR bits */
#define EDMA_INT_DONE(ch)		BIT(ch)
#define EDMA_INT_ABORT(ch)		BIT(16 + (ch))
#define EDMA_INT_DONE_ALL		GENMASK(3, 0)
#define EDMA_INT_ABORT_ALL		GENMASK(19, 16)
#define EDMA_INT_ALL			(EDMA_INT_DONE_ALL | EDMA_INT_ABORT_ALL)
#define EDMA_LL_ERR_ALL			GENMASK(3, 0)

/* Channel register blocks */
#define EDMA_WR_CH_BASE(ch)		(0x200 + (ch) * 0x200)
#define EDMA_RD_CH_BASE(ch)		(0x300 + (ch) * 0x200)
#define EDMA_CH_CONTROL1		0x00
#define EDMA_CH_TRANSFER_SIZE		0x08
#define EDMA_CH_SAR_LO			0x0c
#define EDMA_CH_SAR_HI			0x10
#define EDMA_CH_DAR_LO			0x14
#define EDMA_CH_DAR_HI			0x18
#define EDMA_CH_LLP_LO			0x1c
#define EDMA_CH_LLP_HI			0x20

/* CH_CONTROL1 and linked-list element control bits */
#define EDMA_CTL_CB			BIT(0)
#define EDMA_CTL_TCB			BIT(1)
#define EDMA_CTL_LLP			BIT(2)
#define EDMA_CTL_LIE			BIT(3)
#define EDMA_CTL_RIE			BIT(4)
#define EDMA_CTL_CS			GENMASK(6, 5)
#define EDMA_CTL_CCS			BIT(8)
#define EDMA_CTL_LLE			BIT(9)

#define EDMA_CS_IDLE			0
#define EDMA_CS_RUNNING			1
#define EDMA_CS_HALTED			2
#define EDMA_CS_STOPPED			3

/* L2, the card memory behind BAR2 (hw-interface.md section 2) */
#define METIS_L2_BASE			0x08000000ULL

/* BAR2 + 0: the static sysctl block (hw-interface.md section 3.1) */
#define SYSCTL_STATIC_SIZE		0x800
#define SYSCTL_HDIF_MAGIC		0x000
#define   SYSCTL_HDIF_MAGIC_VALUE	0xfd1f
#define SYSCTL_HDIF_BASE		0x008
#define SYSCTL_HDIF_SIZE		0x010
#define SYSCTL_CMD_OPCODE		0x0b0
#define SYSCTL_CMD_SIZE			0x0b4
#define SYSCTL_CMD_MSG			0x0b8
#define SYSCTL_MASTER_VERSION		0x200
#define SYSCTL_MEMORY_MAP0		0x208
#define SYSCTL_MEMORY_MAP1		0x210
#define SYSCTL_DMA_VM			0x218
#define   SYSCTL_DMA_VM_FW_OWNED	0xc1a0c1a0
#define SYSCTL_FW_LOAD_ADDR		0x238
#define SYSCTL_EXT_REF			0x270
#define SYSCTL_CTX_REF			0x288
#define SYSCTL_HDRV_REF			0x2b8
#define SYSCTL_DESC_REF			0x2d0
#define SYSCTL_VMSI_REF			0x2e8

/* Memory reference (section 3.2), 24 bytes */
#define MEMREF_MAGIC			0x00
#define MEMREF_VERSION			0x02
#define MEMREF_SIZE			0x04
#define MEMREF_OFFSET			0x08

#define AREA_MAGIC_HDRV			0xbac1
#define AREA_MAGIC_DESC			0xd4d4
#define AREA_MAGIC_VMSI			0xb5b5
#define AREA_MAGIC_EXT			0xe7a5

/* Context array (section 3.4): entries of ten u64 */
#define CTXA_ENTRY_SIZE			80
#define CTXA_L2_BASE			0x08
#define CTXA_L2_SIZE			0x10
#define CTXA_DDR_BASE			0x18
#define CTXA_DDR_SIZE			0x20

/* Host-driver area (section 3.5) */
#define HDRV_AREA_SIZE			24
#define HDRV_CTRL			0x00
#define HDRV_BASE			0x04
#define HDRV_TARGET			0x08
#define HDRV_DMA_SIZE			0x10
#define HDRV_HOST_SIZE			SZ_2M
#define VMSI_FLAG_WORDS			1024
#define   VMSI_FLAG_SET			BIT(0)

/* eDMA descriptor area (section 3.6): {addr u64, size u64} */
#define DESC_AREA_SIZE			16
#define DESC_AREA_ADDR			0x00
#define DESC_AREA_REGION_SIZE		0x08
#define DESC_REGION_SIZE		0x7f80
#define DESC_CHANNEL_SIZE		0x1fe0
#define DESC_DIR_ELEMS			170
#define DESC_FALLBACK_ADDR		0x09ff8080ULL

/* Our extension area (section 5), found through SYSCTL_EXT_REF */
#define EXT_AREA_SIZE			0x1000
#define EXT_ID				0x000
#define   EXT_ID_VALUE			0x5354454d
#define EXT_VERSION			0x004
#define EXT_FW_STATE			0x008
#define   FW_STATE_BOOTROM		0
#define   FW_STATE_BOOTING		1
#define   FW_STATE_READY		2
#define   FW_STATE_FAILED		3
#define EXT_FW_ERROR			0x00c
#define EXT_FW_VERSION			0x010
#define EXT_MB_DOORBELL			0x014
#define EXT_MB_STATUS			0x018
#define   MB_STATUS_IDLE		0
#define   MB_STATUS_BUSY		1
#define   MB_STATUS_DONE		2
#define   MB_STATUS_ERROR		3
#define EXT_MB_RESULT			0x01c
#define EXT_IRQ_STATUS			0x020
#define EXT_IRQ_MASK			0x024
#define   EXT_IRQ_MAILBOX		BIT(0)
#define   EXT_IRQ_HEARTBEAT		BIT(1)
#define   EXT_IRQ_FW_EVENT		BIT(2)
#define   EXT_IRQ_CTX(n)		BIT(8 + (n))
#define   EXT_IRQ_CTX_ALL		GENMASK(11, 8)
#define   EXT_IRQ_ALL			(GENMASK(2, 0) | EXT_IRQ_CTX_ALL)
#define EXT_HB_PERIOD_MS		0x028
#define EXT_HB_COUNT			0x02c
#define EXT_SOFT_RESET			0x030
#define   SOFT_RESET_MAGIC		0x52535421
#define EXT_SCRATCH			0x048
#define EXT_CTX_COUNT			0x04c

/* Mailbox opcodes (section 5.2) */
#define MB_OP_BOOT			1
#define MB_OP_PING			2

/* Firmware contexts (section 5.4), at extension area offsets */
#define CTX_BASE(n)			(0x100 + (n) * 0x40)
#define CTX_OPCODE			0x00
#define CTX_STATUS			0x04
#define   CTX_STATUS_IDLE		0
#define   CTX_STATUS_BUSY		1
#define   CTX_STATUS_DONE		2
#define   CTX_STATUS_ERROR		3
#define CTX_ADDR_LO			0x08
#define CTX_ADDR_HI			0x0c
#define CTX_LEN_LO			0x10
#define CTX_LEN_HI			0x14
#define CTX_PARAM			0x18
#define CTX_DURATION_US			0x1c
#define CTX_RESULT_LO			0x20
#define CTX_RESULT_HI			0x24
#define CTX_DOORBELL			0x28
#define CTX_ERROR			0x2c

#define CTX_MAX_DURATION_US		10000000

/* MSI vector map (section 1) */
#define METIS_VEC_CTX(n)		(n)
#define METIS_VEC_RD(ch)		(4 + (ch))
#define METIS_VEC_WR(ch)		(8 + (ch))
#define METIS_VEC_MSG			12
#define METIS_VEC_DEV_MSG		24
#define METIS_NUM_VECTORS		13

#endif /* __METIS_REGS_H__ */
