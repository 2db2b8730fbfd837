/*
 * Emulated Axelera Metis M.2 AIPU: our runtime firmware (section 5): the
 * boot ROM's BOOT command and image check, the mailbox, contexts,
 * heartbeats and the extension area's registers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include <zlib.h>
#include "metis.h"
#include "trace.h"

#define METIS_MB_CHUNK          (64 * KiB)

/* Interrupt sources (section 5.1) */

void metis_ext_raise(MetisState *s, uint32_t bits)
{
    uint32_t unmasked = bits & ~s->irq_mask;
    unsigned int n;

    s->irq_status |= bits;
    trace_metis_ext_raise(bits, s->irq_status, s->irq_mask);
    if (unmasked & (EXT_IRQ_MB | EXT_IRQ_HB | EXT_IRQ_FW)) {
        metis_fw_irq(s, METIS_VEC_MSG);
    }
    for (n = 0; n < METIS_CTX_COUNT; n++) {
        if (unmasked & EXT_IRQ_CTX(n)) {
            metis_fw_irq(s, METIS_VEC_CTX(n));
        }
    }
}

/* Firmware image validation (section 5.3), checked in the documented order */

static uint32_t metis_crc_region(MetisState *s, uint64_t addr, uint64_t len)
{
    g_autofree uint8_t *buf = g_malloc(METIS_MB_CHUNK);
    uLong crc = crc32(0, Z_NULL, 0);

    while (len) {
        uint64_t n = MIN(len, METIS_MB_CHUNK);

        metis_card_read(s, addr, buf, n);
        crc = crc32(crc, buf, n);
        addr += n;
        len -= n;
    }
    return crc;
}

static uint32_t metis_fw_validate(MetisState *s, uint64_t addr, uint32_t size,
                                  uint32_t *version, uint32_t *boot_us)
{
    uint8_t hdr[FW_HDR_SIZE];
    uint32_t hcrc, plen;

    *boot_us = FW_DEFAULT_BOOT_US;
    if (size < FW_HDR_SIZE || !metis_card_range_ok(s, addr, size)) {
        return FW_ERR_ADDR;
    }
    metis_card_read(s, addr, hdr, sizeof(hdr));
    if (ldl_le_p(hdr + 28)) {
        *boot_us = ldl_le_p(hdr + 28);
    }
    if (ldl_le_p(hdr) != FW_MAGIC) {
        return FW_ERR_MAGIC;
    }
    hcrc = ldl_le_p(hdr + 20);
    stl_le_p(hdr + 20, 0);
    if (lduw_le_p(hdr + 4) != FW_HDR_VERSION ||
        lduw_le_p(hdr + 6) != FW_HDR_SIZE ||
        crc32(0, hdr, sizeof(hdr)) != hcrc) {
        return FW_ERR_HEADER;
    }
    *version = ldl_le_p(hdr + 8);
    if ((*version >> 16) != 1) {
        return FW_ERR_VERSION;
    }
    plen = ldl_le_p(hdr + 12);
    if (!plen || plen > FW_MAX_PAYLOAD || plen > size - FW_HDR_SIZE) {
        return FW_ERR_SIZE;
    }
    if (metis_crc_region(s, addr + FW_HDR_SIZE, plen) != ldl_le_p(hdr + 16)) {
        return FW_ERR_CHECKSUM;
    }
    return FW_ERR_NONE;
}

/* Mailbox (section 5.2) */

static void metis_mb_complete(MetisState *s, bool ok, uint32_t result,
                              uint32_t irq)
{
    s->mb_status = ok ? MB_DONE : MB_ERROR;
    s->mb_result = result;
    trace_metis_mb_complete(ok, result);
    metis_ext_raise(s, EXT_IRQ_MB | irq);
}

static void metis_hb_arm(MetisState *s)
{
    if (s->heartbeat_ms && s->fw_state == FW_STATE_READY) {
        timer_mod(&s->hb_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  (int64_t)s->heartbeat_ms * SCALE_MS);
    }
}

static void metis_hb_tick(void *opaque)
{
    MetisState *s = opaque;
    bool was;

    if (s->link_down || s->fw_state != FW_STATE_READY) {
        return;
    }
    was = metis_io_enter(s);
    s->hb_count++;
    metis_ext_raise(s, EXT_IRQ_HB);
    metis_hb_arm(s);
    metis_io_leave(s, was);
}

static void metis_boot_done(void *opaque)
{
    MetisState *s = opaque;
    bool was;

    if (s->link_down || s->fw_state != FW_STATE_BOOTING) {
        return;
    }
    trace_metis_boot_done(s->boot_err, s->boot_version);
    was = metis_io_enter(s);
    if (s->boot_err) {
        s->fw_state = FW_STATE_FAILED;
        s->fw_error = s->boot_err;
        metis_mb_complete(s, false, s->boot_err, EXT_IRQ_FW);
    } else {
        s->fw_state = FW_STATE_READY;
        s->fw_error = 0;
        s->fw_version = s->boot_version;
        s->l2_ptr[SYSCTL_MASTER_VERSION] = s->fw_version >> 16;
        s->l2_ptr[SYSCTL_MASTER_VERSION + 1] = s->fw_version >> 8;
        s->hb_count = 0;
        metis_mb_complete(s, true, s->fw_version, EXT_IRQ_FW);
        metis_hb_arm(s);
    }
    metis_io_leave(s, was);
}

static void metis_mb_boot(MetisState *s, uint32_t size)
{
    const uint8_t *msg = s->l2_ptr + SYSCTL_CMD_MSG;
    uint32_t boot_us = FW_DEFAULT_BOOT_US;

    if (s->fw_state != FW_STATE_BOOTROM && s->fw_state != FW_STATE_FAILED) {
        metis_mb_complete(s, false, MB_ERR_STATE, 0);
        return;
    }
    if (size < 16 || size > SYSCTL_CMD_MSG_SIZE) {
        metis_mb_complete(s, false, MB_ERR_SIZE, 0);
        return;
    }
    s->boot_version = 0;
    s->boot_err = metis_fw_validate(s, ldq_le_p(msg), ldl_le_p(msg + 8),
                                    &s->boot_version, &boot_us);
    /* An injected failure overrides the verdict, after the same time. */
    if (metis_fault_take(&s->fault_fw_boot_fail)) {
        trace_metis_fault("fw-boot-fail");
        s->boot_err = FW_ERR_INJECTED;
    }
    trace_metis_boot_start(ldq_le_p(msg), ldl_le_p(msg + 8), s->boot_err,
                           boot_us);
    s->fw_state = FW_STATE_BOOTING;
    s->mb_status = MB_BUSY;
    timer_mod(&s->boot_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              (int64_t)boot_us * SCALE_US);
}

static void metis_mb_doorbell(MetisState *s)
{
    uint32_t op = ldl_le_p(s->l2_ptr + SYSCTL_CMD_OPCODE);
    uint32_t size = ldl_le_p(s->l2_ptr + SYSCTL_CMD_SIZE);
    uint8_t *msg = s->l2_ptr + SYSCTL_CMD_MSG;

    trace_metis_mb_doorbell(op, size);
    if (s->mb_status == MB_BUSY) {
        qemu_log_mask(LOG_GUEST_ERROR, "metis: mailbox doorbell while "
                      "busy\n");
        return;
    }
    switch (op) {
    case MB_OP_BOOT:
        metis_mb_boot(s, size);
        return;
    case MB_OP_PING:
        if (s->fw_state != FW_STATE_READY) {
            metis_mb_complete(s, false, MB_ERR_STATE, 0);
        } else if (size < 4 || size > SYSCTL_CMD_MSG_SIZE) {
            metis_mb_complete(s, false, MB_ERR_SIZE, 0);
        } else {
            stl_le_p(msg, ldl_le_p(msg) ^ UINT32_MAX);
            metis_mb_complete(s, true, ldl_le_p(msg), 0);
        }
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: unknown mailbox opcode %u\n", op);
    metis_mb_complete(s, false, MB_ERR_OPCODE, 0);
}

/* Contexts (section 5.4) */

static uint64_t metis_ctx_run(MetisState *s, MetisCtx *c)
{
    g_autofree uint8_t *buf = NULL;
    uLong crc = crc32(0, Z_NULL, 0);
    uint64_t addr = c->run_addr, len = c->run_len;

    if (c->run_opcode == CTX_OP_NOP) {
        return 0;
    }
    buf = g_malloc(METIS_MB_CHUNK);
    while (len) {
        uint64_t n = MIN(len, METIS_MB_CHUNK), i;

        switch (c->run_opcode) {
        case CTX_OP_CRC32:
            metis_card_read(s, addr, buf, n);
            crc = crc32(crc, buf, n);
            break;
        case CTX_OP_XOR32:
            metis_card_read(s, addr, buf, n);
            for (i = 0; i < n; i += 4) {
                stl_le_p(buf + i, ldl_le_p(buf + i) ^ c->run_param);
            }
            metis_card_write(s, addr, buf, n);
            crc = crc32(crc, buf, n);
            break;
        case CTX_OP_FILL32:
            for (i = 0; i < n; i += 4) {
                stl_le_p(buf + i, c->run_param);
            }
            metis_card_write(s, addr, buf, n);
            break;
        }
        addr += n;
        len -= n;
    }
    return c->run_opcode == CTX_OP_FILL32 ? 0 : crc;
}

static void metis_ctx_done(void *opaque)
{
    MetisCtx *c = opaque;
    MetisState *s = c->s;
    bool was;

    if (s->link_down || c->status != CTX_BUSY) {
        return;
    }
    c->result = metis_ctx_run(s, c);
    c->status = CTX_DONE;
    c->error = CTX_ERR_NONE;
    trace_metis_ctx_done(c->idx, c->result);
    was = metis_io_enter(s);
    metis_ext_raise(s, EXT_IRQ_CTX(c->idx));
    metis_io_leave(s, was);
}

static uint32_t metis_ctx_check(MetisState *s, MetisCtx *c)
{
    if (s->fw_state != FW_STATE_READY) {
        return CTX_ERR_STATE;
    }
    if (c->opcode > CTX_OP_FILL32) {
        return CTX_ERR_OPCODE;
    }
    if (c->duration_us > CTX_MAX_DURATION_US) {
        return CTX_ERR_DURATION;
    }
    if (c->opcode == CTX_OP_NOP) {
        return CTX_ERR_NONE;
    }
    if (c->len > CTX_MAX_LEN || !metis_card_range_ok(s, c->addr, c->len)) {
        return CTX_ERR_RANGE;
    }
    if (c->opcode != CTX_OP_CRC32 && (c->len & 3)) {
        return CTX_ERR_ALIGN;
    }
    return CTX_ERR_NONE;
}

static void metis_ctx_doorbell(MetisState *s, MetisCtx *c)
{
    uint32_t err;
    int64_t delay;

    if (c->status == CTX_BUSY) {
        qemu_log_mask(LOG_GUEST_ERROR, "metis: context %u doorbell while "
                      "busy\n", c->idx);
        c->error = CTX_ERR_BUSY;
        return;
    }
    err = metis_ctx_check(s, c);
    trace_metis_ctx_start(c->idx, c->opcode, c->addr, c->len, err);
    if (err) {
        qemu_log_mask(LOG_GUEST_ERROR, "metis: context %u command rejected "
                      "(error %u)\n", c->idx, err);
        c->status = CTX_FAILED;
        c->error = err;
        c->result = 0;
        metis_ext_raise(s, EXT_IRQ_CTX(c->idx));
        return;
    }
    c->run_opcode = c->opcode;
    c->run_addr = c->addr;
    c->run_len = c->opcode == CTX_OP_NOP ? 0 : c->len;
    c->run_param = c->param;
    c->status = CTX_BUSY;
    c->error = CTX_ERR_NONE;
    c->hung = metis_fault_take(&s->fault_drop_completions);
    if (c->hung) {
        trace_metis_fault("drop-completion");
        return;
    }
    /* duration plus 1 us per KiB of region */
    delay = (int64_t)c->duration_us * SCALE_US +
            (int64_t)(c->run_len * SCALE_US / KiB);
    timer_mod(&c->timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + delay);
}

static uint64_t metis_ctx_read(MetisCtx *c, hwaddr off)
{
    switch (off) {
    case CTX_OPCODE:
        return c->opcode;
    case CTX_STATUS:
        return c->status;
    case CTX_ADDR_LO:
        return (uint32_t)c->addr;
    case CTX_ADDR_HI:
        return c->addr >> 32;
    case CTX_LEN_LO:
        return (uint32_t)c->len;
    case CTX_LEN_HI:
        return c->len >> 32;
    case CTX_PARAM:
        return c->param;
    case CTX_DURATION_US:
        return c->duration_us;
    case CTX_RESULT_LO:
        return (uint32_t)c->result;
    case CTX_RESULT_HI:
        return c->result >> 32;
    case CTX_DOORBELL:
        return 0;
    case CTX_ERROR:
        return c->error;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: read of unknown context %u "
                  "register 0x%" HWADDR_PRIx "\n", c->idx, off);
    return 0;
}

static void metis_ctx_write(MetisState *s, MetisCtx *c, hwaddr off,
                            uint32_t val)
{
    switch (off) {
    case CTX_OPCODE:
        c->opcode = val;
        return;
    case CTX_ADDR_LO:
        c->addr = deposit64(c->addr, 0, 32, val);
        return;
    case CTX_ADDR_HI:
        c->addr = deposit64(c->addr, 32, 32, val);
        return;
    case CTX_LEN_LO:
        c->len = deposit64(c->len, 0, 32, val);
        return;
    case CTX_LEN_HI:
        c->len = deposit64(c->len, 32, 32, val);
        return;
    case CTX_PARAM:
        c->param = val;
        return;
    case CTX_DURATION_US:
        c->duration_us = val;
        return;
    case CTX_DOORBELL:
        if (val == 1) {
            metis_ctx_doorbell(s, c);
            return;
        }
        break;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: bad write 0x%x to context %u "
                  "register 0x%" HWADDR_PRIx "\n", val, c->idx, off);
}

/* Extension area registers (section 5.1), offsets within the area */

uint64_t metis_fw_read(MetisState *s, hwaddr addr)
{
    if (addr >= EXT_CTX_BASE &&
        addr < EXT_CTX_BASE + METIS_CTX_COUNT * CTX_STRIDE) {
        return metis_ctx_read(&s->ctx[(addr - EXT_CTX_BASE) / CTX_STRIDE],
                              (addr - EXT_CTX_BASE) % CTX_STRIDE);
    }
    switch (addr) {
    case EXT_ID:
        return EXT_ID_VALUE;
    case EXT_VERSION:
        return EXT_VERSION_VALUE;
    case EXT_FW_STATE:
        return s->fw_state;
    case EXT_FW_ERROR:
        return s->fw_error;
    case EXT_FW_VERSION:
        return s->fw_state == FW_STATE_READY ? s->fw_version : 0;
    case EXT_MB_DOORBELL:
    case EXT_SOFT_RESET:
        return 0;
    case EXT_MB_STATUS:
        return s->mb_status;
    case EXT_MB_RESULT:
        return s->mb_result;
    case EXT_IRQ_STATUS:
        return s->irq_status;
    case EXT_IRQ_MASK:
        return s->irq_mask;
    case EXT_HB_PERIOD_MS:
        return s->heartbeat_ms;
    case EXT_HB_COUNT:
        return s->hb_count;
    case EXT_SCRATCH:
        return s->scratch;
    case EXT_CTX_COUNT:
        return METIS_CTX_COUNT;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: read of unknown extension "
                  "register 0x%" HWADDR_PRIx "\n", addr);
    return 0;
}

void metis_fw_write(MetisState *s, hwaddr addr, uint32_t val)
{
    if (addr >= EXT_CTX_BASE &&
        addr < EXT_CTX_BASE + METIS_CTX_COUNT * CTX_STRIDE) {
        metis_ctx_write(s, &s->ctx[(addr - EXT_CTX_BASE) / CTX_STRIDE],
                        (addr - EXT_CTX_BASE) % CTX_STRIDE, val);
        return;
    }
    switch (addr) {
    case EXT_MB_DOORBELL:
        if (val == 1) {
            metis_mb_doorbell(s);
            return;
        }
        break;
    case EXT_IRQ_STATUS:
        s->irq_status &= ~val;
        return;
    case EXT_IRQ_MASK:
        s->irq_mask = val & EXT_IRQ_ALL;
        return;
    case EXT_SOFT_RESET:
        if (val == EXT_SOFT_RESET_MAGIC) {
            metis_card_reset(s, METIS_RESET_SOFT);
            return;
        }
        break;
    case EXT_SCRATCH:
        s->scratch = val;
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "metis: bad write 0x%x to extension "
                  "register 0x%" HWADDR_PRIx "\n", val, addr);
}

/* Reset and life cycle */

void metis_fw_reset(MetisState *s)
{
    unsigned int n;

    timer_del(&s->boot_timer);
    timer_del(&s->hb_timer);
    s->fw_state = FW_STATE_BOOTROM;
    s->fw_error = 0;
    s->fw_version = 0;
    s->mb_status = MB_IDLE;
    s->mb_result = 0;
    s->irq_status = 0;
    s->irq_mask = 0;
    s->hb_count = 0;
    s->scratch = 0;
    s->boot_err = 0;
    s->boot_version = 0;

    for (n = 0; n < METIS_CTX_COUNT; n++) {
        MetisCtx *c = &s->ctx[n];

        timer_del(&c->timer);
        c->opcode = 0;
        c->status = CTX_IDLE;
        c->addr = 0;
        c->len = 0;
        c->param = 0;
        c->duration_us = 0;
        c->result = 0;
        c->error = 0;
        c->hung = false;
    }
}

void metis_fw_init(MetisState *s)
{
    unsigned int n;

    timer_init_ns(&s->boot_timer, QEMU_CLOCK_VIRTUAL, metis_boot_done, s);
    timer_init_ns(&s->hb_timer, QEMU_CLOCK_VIRTUAL, metis_hb_tick, s);
    for (n = 0; n < METIS_CTX_COUNT; n++) {
        s->ctx[n].s = s;
        s->ctx[n].idx = n;
        timer_init_ns(&s->ctx[n].timer, QEMU_CLOCK_VIRTUAL, metis_ctx_done,
                      &s->ctx[n]);
    }
}

void metis_fw_exit(MetisState *s)
{
    unsigned int n;

    /*
     * Unrealize may run from inside a heartbeat (its MSI unplugged the
     * card): the firmware is gone, so that tick does not re-arm.
     */
    s->fw_state = FW_STATE_BOOTROM;
    timer_del(&s->boot_timer);
    timer_del(&s->hb_timer);
    for (n = 0; n < METIS_CTX_COUNT; n++) {
        timer_del(&s->ctx[n].timer);
    }
}
