/*
 * Emulated Axelera Metis M.2 AIPU: DesignWare-style eDMA (BAR0).
 *
 * Four write channels (card -> host) and four read channels (host -> card).
 * A doorbell captures the transfer (single block, or a linked list fetched
 * from card memory at LLP); a timer completes it after latency-us plus
 * size / bandwidth-mbps.  Every host access goes through pci_dma_*() so the
 * IOMMU sees it; interrupts are IMWR memory writes (section 4.3), or MSIs
 * sent by the card itself with dma-vm=on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "hw/pci/pci_device.h"
#include "metis.h"
#include "trace.h"

#define METIS_BOUNCE_SIZE       (64 * KiB)

static MetisEdmaDir *metis_dir(MetisState *s, bool wr)
{
    return wr ? &s->wr : &s->rd;
}

static const char *metis_dir_name(bool wr)
{
    return wr ? "write" : "read";
}

static void metis_edma_set_cs(MetisEdmaChan *ch, uint32_t cs)
{
    ch->control1 = (ch->control1 & ~EDMA_CTL_CS_MASK) |
                   (cs << EDMA_CTL_CS_SHIFT);
}

/*
 * The channel's host interrupt: the IMWR to @addr, or with dma-vm=on the
 * channel's MSI vector, sent by the card where the IMWR would have gone.
 */
static void metis_edma_irq(MetisEdmaChan *ch, uint64_t addr)
{
    MetisState *s = ch->s;
    MetisEdmaDir *d = metis_dir(s, ch->wr);

    if (s->dma_vm) {
        metis_msi_notify(s, ch->wr ? METIS_VEC_EDMA_WR(ch->idx) :
                                     METIS_VEC_EDMA_RD(ch->idx));
    } else if (addr) {
        metis_dma_write_u32(s, addr, d->imwr_data[ch->idx]);
    }
}

/* End the transfer on @ch with @err (0: success) and raise its interrupt. */
static void metis_edma_finish(MetisEdmaChan *ch, uint32_t err)
{
    MetisState *s = ch->s;
    MetisEdmaDir *d = metis_dir(s, ch->wr);
    unsigned int n = ch->idx;

    timer_del(&ch->timer);
    if (ch->running) {
        s->stat_busy_ns += qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) -
                           ch->start_ns;
    }
    ch->running = false;
    ch->hung = false;
    ch->held = false;
    g_array_set_size(ch->elems, 0);
    trace_metis_edma_finish(metis_dir_name(ch->wr), n, err, ch->irq_ctl);

    /*
     * Done: status when a completed element asked for LIE or RIE; the
     * host interrupt only for RIE (LIE is for the card's own CPU).
     */
    if (!err) {
        s->stat_transfers++;
        metis_edma_set_cs(ch, EDMA_CS_STOPPED);
        if (!(ch->control1 & EDMA_CTL_LLE)) {
            ch->transfer_size = 0;
        }
        if (ch->irq_ctl & (EDMA_CTL_LIE | EDMA_CTL_RIE)) {
            d->int_status |= EDMA_INT_DONE(n);
        }
        if ((ch->irq_ctl & EDMA_CTL_RIE) &&
            !(d->int_mask & EDMA_INT_DONE(n))) {
            metis_edma_irq(ch, d->done_imwr);
        }
        return;
    }

    metis_edma_set_cs(ch, EDMA_CS_HALTED);
    d->int_status |= EDMA_INT_ABORT(n);
    if (err == DMA_ERR_DESC) {
        d->ll_err |= 1u << n;
    } else {
        d->app_err |= 1u << n;
    }
    if (!(d->int_mask & EDMA_INT_ABORT(n))) {
        metis_edma_irq(ch, d->abort_imwr);
    }
}

/*
 * Walk the linked list at LLP (card memory: L2 or DDR) and capture its
 * data elements.  Returns a DMA_ERR_* code, 0 when the list ended
 * normally.  Where the walk stopped and the cycle state then become LLP
 * and CCS when the transfer ends (metis_edma_complete): a doorbell alone
 * goes on from there, as mainline dw-edma's later chunks do.
 */
static uint32_t metis_edma_walk(MetisEdmaChan *ch)
{
    MetisState *s = ch->s;
    uint64_t p = ch->llp;
    bool cycle = ch->control1 & EDMA_CTL_CCS;
    uint8_t raw[METIS_EDMA_ELEM_SIZE];
    unsigned int count;

    for (count = 0; count < METIS_EDMA_MAX_ELEMS; count++) {
        MetisEdmaElem e;
        uint32_t ctl;

        ch->walk_llp = p;
        ch->walk_ccs = cycle;
        if (!metis_card_range_ok(s, p, sizeof(raw))) {
            qemu_log_mask(LOG_GUEST_ERROR, "metis: %s ch%u: cannot fetch "
                          "element at 0x%" PRIx64 " (not card memory)\n",
                          metis_dir_name(ch->wr), ch->idx, p);
            return DMA_ERR_DESC;
        }
        metis_card_read(s, p, raw, sizeof(raw));
        ctl = ldl_le_p(raw);
        if (!!(ctl & EDMA_CTL_CB) != cycle) {
            return DMA_ERR_NONE;
        }
        if (ctl & EDMA_CTL_LLP) {
            if (ctl & EDMA_CTL_TCB) {
                cycle = !cycle;
            }
            p = ldq_le_p(raw + 8);
            continue;
        }
        e.size = ldl_le_p(raw + 4);
        e.sar = ldq_le_p(raw + 8);
        e.dar = ldq_le_p(raw + 16);
        e.ctl = ctl & (EDMA_CTL_LIE | EDMA_CTL_RIE);
        g_array_append_val(ch->elems, e);
        ch->total += e.size;
        if (ch->total > METIS_EDMA_MAX_BYTES) {
            return DMA_ERR_SIZE;
        }
        p += METIS_EDMA_ELEM_SIZE;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: %s ch%u: list longer than %u "
                  "elements\n", metis_dir_name(ch->wr), ch->idx,
                  METIS_EDMA_MAX_ELEMS);
    return DMA_ERR_DESC;
}

/* How long the transfer on @ch takes: latency-us plus size / bandwidth. */
static int64_t metis_edma_delay(MetisEdmaChan *ch)
{
    MetisState *s = ch->s;
    int64_t delay = (int64_t)s->latency_us * SCALE_US;

    if (s->bandwidth_mbps) {
        /* MB/s is bytes per microsecond. */
        delay += ch->total * SCALE_US / s->bandwidth_mbps;
    }
    return delay;
}

static void metis_edma_start(MetisEdmaChan *ch)
{
    MetisState *s = ch->s;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    ch->total = 0;
    ch->running = true;
    ch->start_ns = now;
    ch->irq_ctl = 0;
    g_array_set_size(ch->elems, 0);
    metis_edma_set_cs(ch, EDMA_CS_RUNNING);

    if (ch->control1 & EDMA_CTL_LLE) {
        ch->pending_err = metis_edma_walk(ch);
    } else {
        MetisEdmaElem e = {
            .sar = ch->sar, .dar = ch->dar, .size = ch->transfer_size,
            .ctl = ch->control1 & (EDMA_CTL_LIE | EDMA_CTL_RIE),
        };

        g_array_append_val(ch->elems, e);
        ch->total = e.size;
        ch->pending_err = ch->total > METIS_EDMA_MAX_BYTES ?
                          DMA_ERR_SIZE : DMA_ERR_NONE;
    }
    trace_metis_edma_start(metis_dir_name(ch->wr), ch->idx, ch->elems->len,
                           ch->total, ch->pending_err);

    ch->hung = metis_fault_take(&s->fault_drop_completions);
    if (ch->hung) {
        trace_metis_fault("drop-completion");
        return;
    }
    if (s->fault_hold) {
        ch->held = true;
        trace_metis_fault("hold");
        return;
    }
    timer_mod(&ch->timer, now + metis_edma_delay(ch));
}

/* fault-hold cleared: the held transfers go on as if they started now. */
void metis_edma_release(MetisState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    MetisEdmaDir *dirs[] = { &s->wr, &s->rd };
    unsigned int i, n;

    for (i = 0; i < ARRAY_SIZE(dirs); i++) {
        for (n = 0; n < METIS_EDMA_CHANNELS; n++) {
            MetisEdmaChan *ch = &dirs[i]->ch[n];

            if (ch->held) {
                ch->held = false;
                timer_mod(&ch->timer, now + metis_edma_delay(ch));
            }
        }
    }
}

/* Check every element's card-side address before moving anything. */
static uint32_t metis_edma_check(MetisEdmaChan *ch)
{
    unsigned int i;

    for (i = 0; i < ch->elems->len; i++) {
        MetisEdmaElem *e = &g_array_index(ch->elems, MetisEdmaElem, i);
        uint64_t card = ch->wr ? e->sar : e->dar;

        if (!metis_card_range_ok(ch->s, card, e->size)) {
            qemu_log_mask(LOG_GUEST_ERROR, "metis: %s ch%u: card address "
                          "0x%" PRIx64 "+0x%x outside L2 and DDR\n",
                          metis_dir_name(ch->wr), ch->idx, card, e->size);
            return DMA_ERR_CARD_ADDR;
        }
    }
    return DMA_ERR_NONE;
}

static uint32_t metis_edma_copy(MetisEdmaChan *ch)
{
    MetisState *s = ch->s;
    PCIDevice *pdev = PCI_DEVICE(s);
    g_autofree uint8_t *buf = g_malloc(METIS_BOUNCE_SIZE);
    unsigned int i;

    for (i = 0; i < ch->elems->len; i++) {
        MetisEdmaElem *e = &g_array_index(ch->elems, MetisEdmaElem, i);
        uint64_t off;

        /*
         * fault-abort-size: this element's host side cannot be reached.
         * The walk stops here: the elements before it moved, the rest do
         * not.
         */
        if (s->fault_abort_size && e->size == s->fault_abort_size) {
            trace_metis_fault("abort-size");
            return DMA_ERR_HOST;
        }
        for (off = 0; off < e->size; off += METIS_BOUNCE_SIZE) {
            uint64_t n = MIN(e->size - off, METIS_BOUNCE_SIZE);
            MemTxResult res;

            if (ch->wr) {
                metis_card_read(s, e->sar + off, buf, n);
                res = pci_dma_write(pdev, e->dar + off, buf, n);
            } else {
                res = pci_dma_read(pdev, e->sar + off, buf, n);
            }
            /*
             * The host access may have reset the card (a write into the
             * ECAM window) or unplugged it: the transfer is gone then.
             */
            if (!ch->running) {
                return DMA_ERR_STOPPED;
            }
            if (!ch->wr && res == MEMTX_OK) {
                metis_card_write(s, e->dar + off, buf, n);
            }
            if (res != MEMTX_OK) {
                qemu_log_mask(LOG_GUEST_ERROR, "metis: %s ch%u: host access "
                              "at 0x%" PRIx64 " failed\n",
                              metis_dir_name(ch->wr), ch->idx,
                              (ch->wr ? e->dar : e->sar) + off);
                return DMA_ERR_HOST;
            }
            s->stat_bytes += n;
        }
        ch->irq_ctl |= e->ctl;
    }
    return DMA_ERR_NONE;
}

/* fault-corrupt: flip bit 0 of the first destination byte. */
static void metis_edma_corrupt(MetisEdmaChan *ch)
{
    MetisState *s = ch->s;
    unsigned int i;
    uint8_t b;

    for (i = 0; i < ch->elems->len; i++) {
        MetisEdmaElem *e = &g_array_index(ch->elems, MetisEdmaElem, i);

        if (!e->size) {
            continue;
        }
        if (!metis_fault_take(&s->fault_corrupt)) {
            return;
        }
        trace_metis_fault("corrupt");
        if (ch->wr) {
            if (pci_dma_read(PCI_DEVICE(s), e->dar, &b, 1) == MEMTX_OK) {
                b ^= 1;
                pci_dma_write(PCI_DEVICE(s), e->dar, &b, 1);
            }
        } else {
            metis_card_read(s, e->dar, &b, 1);
            b ^= 1;
            metis_card_write(s, e->dar, &b, 1);
        }
        return;
    }
}

static void metis_edma_complete(void *opaque)
{
    MetisEdmaChan *ch = opaque;
    uint32_t err;
    bool was;

    if (ch->s->link_down || !ch->running) {
        return;
    }
    was = metis_io_enter(ch->s);
    if (ch->control1 & EDMA_CTL_LLE) {
        ch->llp = ch->walk_llp;
        ch->control1 = (ch->control1 & ~EDMA_CTL_CCS) |
                       (ch->walk_ccs ? EDMA_CTL_CCS : 0);
    }
    err = ch->pending_err;
    if (!err) {
        err = metis_edma_check(ch);
    }
    if (!err) {
        err = metis_edma_copy(ch);
    }
    if (!err) {
        metis_edma_corrupt(ch);
    }
    /* Dropped meanwhile by a reset or an unplug: nothing more to do. */
    if (ch->running) {
        metis_edma_finish(ch, err);
    }
    metis_io_leave(ch->s, was);
}

static void metis_edma_doorbell(MetisState *s, bool wr, uint32_t val)
{
    MetisEdmaDir *d = metis_dir(s, wr);
    unsigned int n = val & EDMA_DOORBELL_CH_MASK;
    MetisEdmaChan *ch;

    if (n >= METIS_EDMA_CHANNELS) {
        qemu_log_mask(LOG_GUEST_ERROR, "metis: %s doorbell for channel %u\n",
                      metis_dir_name(wr), n);
        return;
    }
    ch = &d->ch[n];
    if (!(d->engine_en & 1)) {
        qemu_log_mask(LOG_GUEST_ERROR, "metis: %s doorbell while the engine "
                      "is disabled\n", metis_dir_name(wr));
        return;
    }
    if (val & EDMA_DOORBELL_STOP) {
        trace_metis_edma_stop(metis_dir_name(wr), n);
        metis_edma_finish(ch, DMA_ERR_STOPPED);
        return;
    }
    if (ch->running) {
        qemu_log_mask(LOG_GUEST_ERROR, "metis: %s ch%u: doorbell while "
                      "running (ignored)\n", metis_dir_name(wr), n);
        return;
    }
    metis_edma_start(ch);
}

static void metis_edma_engine_enable(MetisState *s, bool wr, uint32_t val)
{
    MetisEdmaDir *d = metis_dir(s, wr);
    unsigned int n;

    d->engine_en = val & 1;
    if (d->engine_en) {
        return;
    }
    for (n = 0; n < METIS_EDMA_CHANNELS; n++) {
        if (d->ch[n].running) {
            metis_edma_finish(&d->ch[n], DMA_ERR_STOPPED);
        }
    }
}

static void metis_edma_int_clear(MetisEdmaDir *d, uint32_t val)
{
    val &= EDMA_INT_ALL;
    d->int_status &= ~val;
    d->app_err &= ~(val >> 16);
    d->ll_err &= ~(val >> 16);
}

static uint64_t metis_edma_chan_read(MetisEdmaChan *ch, hwaddr off)
{
    switch (off) {
    case EDMA_CH_CONTROL1:
        return ch->control1;
    case EDMA_CH_CONTROL2:
        return ch->control2;
    case EDMA_CH_TRANSFER_SIZE:
        return ch->transfer_size;
    case EDMA_CH_SAR_LO:
        return (uint32_t)ch->sar;
    case EDMA_CH_SAR_HI:
        return ch->sar >> 32;
    case EDMA_CH_DAR_LO:
        return (uint32_t)ch->dar;
    case EDMA_CH_DAR_HI:
        return ch->dar >> 32;
    case EDMA_CH_LLP_LO:
        return (uint32_t)ch->llp;
    case EDMA_CH_LLP_HI:
        return ch->llp >> 32;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: read of unknown %s ch%u register "
                  "0x%" HWADDR_PRIx "\n", metis_dir_name(ch->wr), ch->idx, off);
    return 0;
}

static void metis_edma_chan_write(MetisEdmaChan *ch, hwaddr off, uint32_t val)
{
    uint32_t cs;

    switch (off) {
    case EDMA_CH_CONTROL1:
        /* The host may clear CS, never set it; a running channel stays 1. */
        cs = (ch->control1 & EDMA_CTL_CS_MASK) >> EDMA_CTL_CS_SHIFT;
        if (ch->running) {
            cs = EDMA_CS_RUNNING;
        } else if (!(val & EDMA_CTL_CS_MASK)) {
            cs = EDMA_CS_IDLE;
        }
        ch->control1 = val;
        metis_edma_set_cs(ch, cs);
        return;
    case EDMA_CH_CONTROL2:
        ch->control2 = val;
        return;
    case EDMA_CH_TRANSFER_SIZE:
        ch->transfer_size = val;
        return;
    case EDMA_CH_SAR_LO:
        ch->sar = deposit64(ch->sar, 0, 32, val);
        return;
    case EDMA_CH_SAR_HI:
        ch->sar = deposit64(ch->sar, 32, 32, val);
        return;
    case EDMA_CH_DAR_LO:
        ch->dar = deposit64(ch->dar, 0, 32, val);
        return;
    case EDMA_CH_DAR_HI:
        ch->dar = deposit64(ch->dar, 32, 32, val);
        return;
    case EDMA_CH_LLP_LO:
        ch->llp = deposit64(ch->llp, 0, 32, val);
        return;
    case EDMA_CH_LLP_HI:
        ch->llp = deposit64(ch->llp, 32, 32, val);
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: write to unknown or read-only %s "
                  "ch%u register 0x%" HWADDR_PRIx "\n",
                  metis_dir_name(ch->wr), ch->idx, off);
}

/* Channel registers: write ch n at 0x200 + n * 0x200, read ch at +0x100. */
static MetisEdmaChan *metis_edma_chan_at(MetisState *s, hwaddr addr,
                                         hwaddr *off)
{
    hwaddr rel;
    unsigned int n;

    if (addr < EDMA_CH_BASE ||
        addr >= EDMA_CH_BASE + METIS_EDMA_CHANNELS * EDMA_CH_STRIDE) {
        return NULL;
    }
    rel = addr - EDMA_CH_BASE;
    n = rel / EDMA_CH_STRIDE;
    rel %= EDMA_CH_STRIDE;
    *off = rel % EDMA_CH_SIZE;
    return rel < EDMA_CH_SIZE ? &s->wr.ch[n] : &s->rd.ch[n];
}

uint64_t metis_edma_read(MetisState *s, hwaddr addr)
{
    MetisEdmaChan *ch;
    hwaddr off;

    ch = metis_edma_chan_at(s, addr, &off);
    if (ch) {
        return metis_edma_chan_read(ch, off);
    }
    switch (addr) {
    case EDMA_ARB_PRIO:
        return s->arb_prio;
    case EDMA_CTRL:
        return METIS_EDMA_CHANNELS | (METIS_EDMA_CHANNELS << 16);
    case EDMA_WR_ENGINE_EN:
        return s->wr.engine_en;
    case EDMA_RD_ENGINE_EN:
        return s->rd.engine_en;
    case EDMA_WR_DOORBELL:
    case EDMA_RD_DOORBELL:
    case EDMA_WR_INT_CLEAR:
    case EDMA_RD_INT_CLEAR:
        return 0;
    case EDMA_WR_ARB_WEIGHT_LO:
        return s->wr.arb_weight_lo;
    case EDMA_WR_ARB_WEIGHT_HI:
        return s->wr.arb_weight_hi;
    case EDMA_RD_ARB_WEIGHT_LO:
        return s->rd.arb_weight_lo;
    case EDMA_RD_ARB_WEIGHT_HI:
        return s->rd.arb_weight_hi;
    case EDMA_WR_INT_STATUS:
        return s->wr.int_status;
    case EDMA_RD_INT_STATUS:
        return s->rd.int_status;
    case EDMA_WR_INT_MASK:
        return s->wr.int_mask;
    case EDMA_RD_INT_MASK:
        return s->rd.int_mask;
    case EDMA_WR_ERR_STATUS:
        return s->wr.app_err | (s->wr.ll_err << 16);
    case EDMA_RD_ERR_STATUS_LOW:
        return s->rd.app_err;
    case EDMA_RD_ERR_STATUS_HIGH:
        return s->rd.ll_err;
    case EDMA_WR_DONE_IMWR_LO:
        return (uint32_t)s->wr.done_imwr;
    case EDMA_WR_DONE_IMWR_HI:
        return s->wr.done_imwr >> 32;
    case EDMA_WR_ABORT_IMWR_LO:
        return (uint32_t)s->wr.abort_imwr;
    case EDMA_WR_ABORT_IMWR_HI:
        return s->wr.abort_imwr >> 32;
    case EDMA_RD_DONE_IMWR_LO:
        return (uint32_t)s->rd.done_imwr;
    case EDMA_RD_DONE_IMWR_HI:
        return s->rd.done_imwr >> 32;
    case EDMA_RD_ABORT_IMWR_LO:
        return (uint32_t)s->rd.abort_imwr;
    case EDMA_RD_ABORT_IMWR_HI:
        return s->rd.abort_imwr >> 32;
    case EDMA_WR_CH01_IMWR_DATA:
        return s->wr.imwr_data[0] | (s->wr.imwr_data[1] << 16);
    case EDMA_WR_CH23_IMWR_DATA:
        return s->wr.imwr_data[2] | (s->wr.imwr_data[3] << 16);
    case EDMA_RD_CH01_IMWR_DATA:
        return s->rd.imwr_data[0] | (s->rd.imwr_data[1] << 16);
    case EDMA_RD_CH23_IMWR_DATA:
        return s->rd.imwr_data[2] | (s->rd.imwr_data[3] << 16);
    case EDMA_WR_LL_ERR_EN:
        return s->wr.ll_err_en;
    case EDMA_RD_LL_ERR_EN:
        return s->rd.ll_err_en;
    case EDMA_WR_CH_PWR_EN(0) ... EDMA_WR_CH_PWR_EN(3):
        return s->wr.pwr_en[(addr - EDMA_WR_CH_PWR_EN(0)) / 4];
    case EDMA_RD_CH_PWR_EN(0) ... EDMA_RD_CH_PWR_EN(3):
        return s->rd.pwr_en[(addr - EDMA_RD_CH_PWR_EN(0)) / 4];
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: read of unknown eDMA register "
                  "0x%" HWADDR_PRIx "\n", addr);
    return 0;
}

static void metis_set_imwr_data(MetisEdmaDir *d, unsigned int first,
                                uint32_t val)
{
    d->imwr_data[first] = val;
    d->imwr_data[first + 1] = val >> 16;
}

void metis_edma_write(MetisState *s, hwaddr addr, uint64_t val64)
{
    uint32_t val = val64;
    MetisEdmaChan *ch;
    hwaddr off;

    ch = metis_edma_chan_at(s, addr, &off);
    if (ch) {
        metis_edma_chan_write(ch, off, val);
        return;
    }
    switch (addr) {
    case EDMA_ARB_PRIO:
        s->arb_prio = val;
        return;
    case EDMA_WR_ENGINE_EN:
        metis_edma_engine_enable(s, true, val);
        return;
    case EDMA_RD_ENGINE_EN:
        metis_edma_engine_enable(s, false, val);
        return;
    case EDMA_WR_DOORBELL:
        metis_edma_doorbell(s, true, val);
        return;
    case EDMA_RD_DOORBELL:
        metis_edma_doorbell(s, false, val);
        return;
    case EDMA_WR_ARB_WEIGHT_LO:
        s->wr.arb_weight_lo = val;
        return;
    case EDMA_WR_ARB_WEIGHT_HI:
        s->wr.arb_weight_hi = val;
        return;
    case EDMA_RD_ARB_WEIGHT_LO:
        s->rd.arb_weight_lo = val;
        return;
    case EDMA_RD_ARB_WEIGHT_HI:
        s->rd.arb_weight_hi = val;
        return;
    case EDMA_WR_INT_MASK:
        s->wr.int_mask = val & EDMA_INT_ALL;
        return;
    case EDMA_RD_INT_MASK:
        s->rd.int_mask = val & EDMA_INT_ALL;
        return;
    case EDMA_WR_INT_CLEAR:
        metis_edma_int_clear(&s->wr, val);
        return;
    case EDMA_RD_INT_CLEAR:
        metis_edma_int_clear(&s->rd, val);
        return;
    case EDMA_WR_DONE_IMWR_LO:
        s->wr.done_imwr = deposit64(s->wr.done_imwr, 0, 32, val);
        return;
    case EDMA_WR_DONE_IMWR_HI:
        s->wr.done_imwr = deposit64(s->wr.done_imwr, 32, 32, val);
        return;
    case EDMA_WR_ABORT_IMWR_LO:
        s->wr.abort_imwr = deposit64(s->wr.abort_imwr, 0, 32, val);
        return;
    case EDMA_WR_ABORT_IMWR_HI:
        s->wr.abort_imwr = deposit64(s->wr.abort_imwr, 32, 32, val);
        return;
    case EDMA_RD_DONE_IMWR_LO:
        s->rd.done_imwr = deposit64(s->rd.done_imwr, 0, 32, val);
        return;
    case EDMA_RD_DONE_IMWR_HI:
        s->rd.done_imwr = deposit64(s->rd.done_imwr, 32, 32, val);
        return;
    case EDMA_RD_ABORT_IMWR_LO:
        s->rd.abort_imwr = deposit64(s->rd.abort_imwr, 0, 32, val);
        return;
    case EDMA_RD_ABORT_IMWR_HI:
        s->rd.abort_imwr = deposit64(s->rd.abort_imwr, 32, 32, val);
        return;
    case EDMA_WR_CH01_IMWR_DATA:
        metis_set_imwr_data(&s->wr, 0, val);
        return;
    case EDMA_WR_CH23_IMWR_DATA:
        metis_set_imwr_data(&s->wr, 2, val);
        return;
    case EDMA_RD_CH01_IMWR_DATA:
        metis_set_imwr_data(&s->rd, 0, val);
        return;
    case EDMA_RD_CH23_IMWR_DATA:
        metis_set_imwr_data(&s->rd, 2, val);
        return;
    case EDMA_WR_LL_ERR_EN:
        s->wr.ll_err_en = val;
        return;
    case EDMA_RD_LL_ERR_EN:
        s->rd.ll_err_en = val;
        return;
    case EDMA_WR_CH_PWR_EN(0) ... EDMA_WR_CH_PWR_EN(3):
        s->wr.pwr_en[(addr - EDMA_WR_CH_PWR_EN(0)) / 4] = val;
        return;
    case EDMA_RD_CH_PWR_EN(0) ... EDMA_RD_CH_PWR_EN(3):
        s->rd.pwr_en[(addr - EDMA_RD_CH_PWR_EN(0)) / 4] = val;
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: write to unknown or read-only "
                  "eDMA register 0x%" HWADDR_PRIx "\n", addr);
}

static void metis_edma_dir_reset(MetisEdmaDir *d)
{
    unsigned int n;

    d->engine_en = 0;
    d->arb_weight_lo = 0;
    d->arb_weight_hi = 0;
    d->int_status = 0;
    d->int_mask = 0;            /* open (section 4.1) */
    d->app_err = 0;
    d->ll_err = 0;
    d->done_imwr = 0;
    d->abort_imwr = 0;
    d->ll_err_en = 0;
    for (n = 0; n < METIS_EDMA_CHANNELS; n++) {
        MetisEdmaChan *ch = &d->ch[n];

        d->imwr_data[n] = 0;
        d->pwr_en[n] = 0;
        /* Running transfers are dropped: no interrupt, no data. */
        timer_del(&ch->timer);
        g_array_set_size(ch->elems, 0);
        ch->control1 = 0;
        ch->control2 = 0;
        ch->transfer_size = 0;
        ch->sar = 0;
        ch->dar = 0;
        ch->llp = 0;
        ch->irq_ctl = 0;
        ch->running = false;
        ch->hung = false;
        ch->held = false;
        ch->pending_err = 0;
        ch->walk_llp = 0;
        ch->walk_ccs = false;
        ch->total = 0;
    }
}

void metis_edma_reset(MetisState *s)
{
    s->arb_prio = 0;
    metis_edma_dir_reset(&s->wr);
    metis_edma_dir_reset(&s->rd);
}

static void metis_edma_dir_init(MetisState *s, bool wr)
{
    MetisEdmaDir *d = metis_dir(s, wr);
    unsigned int n;

    for (n = 0; n < METIS_EDMA_CHANNELS; n++) {
        MetisEdmaChan *ch = &d->ch[n];

        ch->s = s;
        ch->wr = wr;
        ch->idx = n;
        ch->elems = g_array_new(false, false, sizeof(MetisEdmaElem));
        timer_init_ns(&ch->timer, QEMU_CLOCK_VIRTUAL, metis_edma_complete, ch);
    }
}

void metis_edma_init(MetisState *s)
{
    metis_edma_dir_init(s, true);
    metis_edma_dir_init(s, false);
}

static void metis_edma_dir_exit(MetisEdmaDir *d)
{
    unsigned int n;

    for (n = 0; n < METIS_EDMA_CHANNELS; n++) {
        timer_del(&d->ch[n].timer);
        d->ch[n].running = false;
        g_array_free(d->ch[n].elems, true);
        d->ch[n].elems = NULL;
    }
}

void metis_edma_exit(MetisState *s)
{
    metis_edma_dir_exit(&s->wr);
    metis_edma_dir_exit(&s->rd);
}
