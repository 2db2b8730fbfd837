/*
 * Emulated Axelera Metis M.2 AIPU: fault injection and statistics
 * (section 7).  All of these are QOM properties settable at run time with
 * qom-set, unlike qdev properties which are fixed once realized.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "metis.h"
#include "trace.h"

#define METIS_MAX_SPURIOUS      1000000u
#define METIS_MAX_STORM_HZ      1000000u

/* Consume one unit of a "next N" fault counter; true if the fault fires. */
bool metis_fault_take(uint32_t *counter)
{
    if (!*counter) {
        return false;
    }
    (*counter)--;
    return true;
}

static void metis_storm_arm(MetisState *s)
{
    if (s->fault_irq_storm_hz) {
        timer_mod(&s->storm_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                  NANOSECONDS_PER_SECOND / s->fault_irq_storm_hz);
    } else {
        timer_del(&s->storm_timer);
    }
}

static void metis_storm_tick(void *opaque)
{
    MetisState *s = opaque;
    bool was = metis_io_enter(s);

    metis_msi_notify(s, s->fault_spurious_vector);
    metis_storm_arm(s);
    metis_io_leave(s, was);
}

/* Property accessors: the opaque is the offset of a field in MetisState. */

static void metis_get_u32(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    uint32_t *field = (void *)((char *)obj + (uintptr_t)opaque);

    visit_type_uint32(v, name, field, errp);
}

static void metis_set_u32(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    uint32_t *field = (void *)((char *)obj + (uintptr_t)opaque);
    uint32_t val;

    if (visit_type_uint32(v, name, &val, errp)) {
        trace_metis_fault_set(name, val);
        *field = val;
    }
}

static void metis_get_u64(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    uint64_t *field = (void *)((char *)obj + (uintptr_t)opaque);

    visit_type_uint64(v, name, field, errp);
}

static void metis_get_zero(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    uint32_t zero = 0;

    visit_type_uint32(v, name, &zero, errp);
}

static void metis_set_spurious(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MetisState *s = METIS(obj);
    uint32_t n;

    if (!visit_type_uint32(v, name, &n, errp)) {
        return;
    }
    if (n > METIS_MAX_SPURIOUS) {
        error_setg(errp, "at most %u spurious interrupts at once",
                   METIS_MAX_SPURIOUS);
        return;
    }
    trace_metis_fault_set(name, n);
    while (n--) {
        metis_msi_notify(s, s->fault_spurious_vector);
    }
}

static void metis_set_spurious_vector(Object *obj, Visitor *v,
                                      const char *name, void *opaque,
                                      Error **errp)
{
    MetisState *s = METIS(obj);
    uint32_t vec;

    if (!visit_type_uint32(v, name, &vec, errp)) {
        return;
    }
    if (vec >= METIS_MSI_VECTORS) {
        error_setg(errp, "vector must be below %u", METIS_MSI_VECTORS);
        return;
    }
    s->fault_spurious_vector = vec;
}

static void metis_set_storm(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    MetisState *s = METIS(obj);
    uint32_t hz;

    if (!visit_type_uint32(v, name, &hz, errp)) {
        return;
    }
    if (hz > METIS_MAX_STORM_HZ) {
        error_setg(errp, "at most %u Hz", METIS_MAX_STORM_HZ);
        return;
    }
    trace_metis_fault_set(name, hz);
    s->fault_irq_storm_hz = hz;
    if (DEVICE(s)->realized) {
        metis_storm_arm(s);
    }
}

static bool metis_get_link_down(Object *obj, Error **errp)
{
    return METIS(obj)->link_down;
}

/*
 * Link down: config and BAR reads return all-ones, writes are dropped,
 * DMA and interrupts stop and running work never completes.  Link up
 * again: the card behaves as after a reset.
 */
static void metis_set_link_down(Object *obj, bool down, Error **errp)
{
    MetisState *s = METIS(obj);
    bool was = s->link_down;

    trace_metis_fault_set("link-down", down);
    s->link_down = down;
    if (!DEVICE(s)->realized) {
        return;
    }
    /* BAR2 is RAM: an all-ones window covers it while the link is down. */
    memory_region_set_enabled(&s->link_down_mr, down);
    if (was && !down) {
        metis_card_reset(s, METIS_RESET_LINK_UP);
    }
}

static char *metis_get_last_reset(Object *obj, Error **errp)
{
    static const char *const names[] = {
        [METIS_RESET_DEVICE] = "device",
        [METIS_RESET_D3HOT] = "d3hot-d0",
        [METIS_RESET_SOFT] = "soft",
        [METIS_RESET_LINK_UP] = "link-up",
        [METIS_RESET_REALIZE] = "none",
    };
    MetisState *s = METIS(obj);

    if (s->last_reset == METIS_RESET_DEVICE) {
        return g_strdup(s->last_reset_type == RESET_TYPE_WAKEUP ?
                        "wakeup" : "cold");
    }
    return g_strdup(names[s->last_reset]);
}

static bool metis_get_hold(Object *obj, Error **errp)
{
    return METIS(obj)->fault_hold;
}

/*
 * Hold: eDMA transfers that start while it is set do not complete; once
 * cleared they complete after their normal time.  A test queues work
 * behind a running transfer this way without racing it.
 */
static void metis_set_hold(Object *obj, bool hold, Error **errp)
{
    MetisState *s = METIS(obj);

    trace_metis_fault_set("fault-hold", hold);
    s->fault_hold = hold;
    if (!hold && DEVICE(s)->realized) {
        metis_edma_release(s);
    }
}

#define METIS_FIELD(f) ((void *)offsetof(MetisState, f))

void metis_fault_class_init(ObjectClass *oc)
{
    static const struct {
        const char *name;
        void *field;
    } counters[] = {
        { "fault-drop-completions", METIS_FIELD(fault_drop_completions) },
        { "fault-fw-boot-fail", METIS_FIELD(fault_fw_boot_fail) },
        { "fault-corrupt", METIS_FIELD(fault_corrupt) },
    }, stats[] = {
        { "stat-bytes", METIS_FIELD(stat_bytes) },
        { "stat-busy-ns", METIS_FIELD(stat_busy_ns) },
        { "stat-transfers", METIS_FIELD(stat_transfers) },
        { "stat-irqs", METIS_FIELD(stat_irqs) },
        { "stat-irqs-lost", METIS_FIELD(stat_irqs_lost) },
        { "stat-resets", METIS_FIELD(stat_resets) },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(counters); i++) {
        object_class_property_add(oc, counters[i].name, "uint32",
                                  metis_get_u32, metis_set_u32, NULL,
                                  counters[i].field);
    }
    for (i = 0; i < ARRAY_SIZE(stats); i++) {
        object_class_property_add(oc, stats[i].name, "uint64",
                                  metis_get_u64, NULL, NULL,
                                  stats[i].field);
    }
    /* Not a counter: it stays until set to 0. */
    object_class_property_add(oc, "fault-abort-size", "uint32",
                              metis_get_u32, metis_set_u32, NULL,
                              METIS_FIELD(fault_abort_size));
    object_class_property_add(oc, "fault-spurious-irq", "uint32",
                              metis_get_zero, metis_set_spurious, NULL, NULL);
    object_class_property_add(oc, "fault-spurious-vector", "uint32",
                              metis_get_u32, metis_set_spurious_vector, NULL,
                              METIS_FIELD(fault_spurious_vector));
    object_class_property_add(oc, "fault-irq-storm-hz", "uint32",
                              metis_get_u32, metis_set_storm, NULL,
                              METIS_FIELD(fault_irq_storm_hz));
    object_class_property_add_bool(oc, "fault-hold", metis_get_hold,
                                   metis_set_hold);
    object_class_property_add_bool(oc, "link-down", metis_get_link_down,
                                   metis_set_link_down);
    object_class_property_add_str(oc, "stat-last-reset",
                                  metis_get_last_reset, NULL);
}

void metis_fault_init(MetisState *s)
{
    timer_init_ns(&s->storm_timer, QEMU_CLOCK_VIRTUAL, metis_storm_tick, s);
    metis_storm_arm(s);
}

void metis_fault_exit(MetisState *s)
{
    /* As for the heartbeat: a storm tick that unplugged us stops here. */
    s->fault_irq_storm_hz = 0;
    timer_del(&s->storm_timer);
}
