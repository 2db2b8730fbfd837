/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Register map of the Metis card, from Documentation/hw-interface.md.
 */
#ifndef __METIS_REGS_H__
#define __METIS_REGS_H__

#include <linux/bits.h>

/* BAR0: DesignWare eDMA v0, unrolled (hw-interface.md section 3) */
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
#define EDMA_CH_ERROR			0x24
#define EDMA_CH_ELEMENTS		0x28

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

/* CH_ERROR codes (section 3.5) */
#define EDMA_ERR_HOST			1
#define EDMA_ERR_DEV_ADDR		2
#define EDMA_ERR_DESC			3
#define EDMA_ERR_SIZE			4
#define EDMA_ERR_STOPPED		5
#define EDMA_ERR_BUSY			6

/* BAR2: sysctl block (section 4) */
#define SYSCTL_HDIF_MAGIC		0x000
#define   SYSCTL_HDIF_MAGIC_VALUE	0xfd1f
#define SYSCTL_CMD_OPCODE		0x0b0
#define SYSCTL_CMD_SIZE			0x0b4
#define SYSCTL_CMD_MSG			0x0b8
#define SYSCTL_MASTER_VERSION		0x200
#define SYSCTL_MEMORY_MAP1		0x210
#define SYSCTL_DMA_VM			0x218
#define SYSCTL_FW_LOAD_ADDR		0x238

/* BAR2: host interface registers (section 5) */
#define HIF_ID				0x800
#define   HIF_ID_VALUE			0x5354454d
#define HIF_VERSION			0x804
#define HIF_FW_STATE			0x808
#define   FW_STATE_BOOTROM		0
#define   FW_STATE_BOOTING		1
#define   FW_STATE_READY		2
#define   FW_STATE_FAILED		3
#define HIF_FW_ERROR			0x80c
#define HIF_FW_VERSION			0x810
#define HIF_MB_DOORBELL			0x814
#define HIF_MB_STATUS			0x818
#define   MB_STATUS_IDLE		0
#define   MB_STATUS_BUSY		1
#define   MB_STATUS_DONE		2
#define   MB_STATUS_ERROR		3
#define HIF_MB_RESULT			0x81c
#define HIF_IRQ_STATUS			0x820
#define HIF_IRQ_MASK			0x824
#define   HIF_IRQ_MAILBOX		BIT(0)
#define   HIF_IRQ_HEARTBEAT		BIT(1)
#define   HIF_IRQ_FW_EVENT		BIT(2)
#define   HIF_IRQ_CTX(n)		BIT(8 + (n))
#define   HIF_IRQ_CTX_ALL		GENMASK(11, 8)
#define   HIF_IRQ_ALL			(GENMASK(2, 0) | HIF_IRQ_CTX_ALL)
#define HIF_HB_PERIOD_MS		0x828
#define HIF_HB_COUNT			0x82c
#define HIF_SOFT_RESET			0x830
#define   SOFT_RESET_MAGIC		0x52535421
#define HIF_MEM_BASE_LO			0x838
#define HIF_MEM_BASE_HI			0x83c
#define HIF_MEM_SIZE_LO			0x840
#define HIF_MEM_SIZE_HI			0x844
#define HIF_SCRATCH			0x848
#define HIF_CTX_COUNT			0x84c

/* Mailbox opcodes (section 5.2) */
#define MB_OP_BOOT			1
#define MB_OP_PING			2

/* BAR2: firmware contexts (section 6) */
#define CTX_BASE(n)			(0x1000 + (n) * 0x40)
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
#define METIS_NUM_VECTORS		13

#endif /* __METIS_REGS_H__ */
