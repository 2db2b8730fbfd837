/*
 * Emulated Axelera Metis M.2 AIPU: BAR0 and BAR2 MMIO dispatch (BAR2 is
 * L2 RAM; only the extension area and the link-down window are MMIO).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "exec/memory.h"
#include "metis.h"
#include "trace.h"

static uint64_t metis_all_ones(unsigned size)
{
    return size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

/* BAR0: eDMA registers, 32-bit (8-byte accesses are split by the core). */

static uint64_t metis_bar0_read(void *opaque, hwaddr addr, unsigned size)
{
    MetisState *s = opaque;
    uint64_t val;

    if (s->link_down) {
        return metis_all_ones(size);
    }
    val = metis_edma_read(s, addr);
    trace_metis_bar0_read(addr, val);
    return val;
}

static void metis_bar0_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    MetisState *s = opaque;

    if (s->link_down) {
        return;
    }
    trace_metis_bar0_write(addr, val);
    metis_edma_write(s, addr, val);
}

const MemoryRegionOps metis_bar0_ops = {
    .read = metis_bar0_read,
    .write = metis_bar0_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/*
 * Extension area (section 5.1): 32-bit registers over 4 KiB of L2 while
 * the loader has it published.  Other access sizes are guest errors.
 */

static uint64_t metis_ext_read(void *opaque, hwaddr addr, unsigned size)
{
    MetisState *s = opaque;
    uint64_t val = 0;

    if (s->link_down) {
        return metis_all_ones(size);
    }
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "metis: %u-byte read of extension register 0x%"
                      HWADDR_PRIx "\n", size, addr);
    } else {
        val = metis_fw_read(s, addr);
    }
    trace_metis_ext_read(addr, size, val);
    return val;
}

static void metis_ext_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    MetisState *s = opaque;

    if (s->link_down) {
        return;
    }
    trace_metis_ext_write(addr, size, val);
    if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "metis: %u-byte write of extension register 0x%"
                      HWADDR_PRIx "\n", size, addr);
        return;
    }
    metis_fw_write(s, addr, val);
}

const MemoryRegionOps metis_ext_ops = {
    .read = metis_ext_read,
    .write = metis_ext_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
};

/* Over all of BAR2 while the link is down: all-ones, writes dropped. */

static uint64_t metis_link_down_read(void *opaque, hwaddr addr, unsigned size)
{
    return metis_all_ones(size);
}

static void metis_link_down_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned size)
{
}

const MemoryRegionOps metis_link_down_ops = {
    .read = metis_link_down_read,
    .write = metis_link_down_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
};
