/*
 * Emulated Axelera Metis M.2 AIPU: BAR0/BAR2 MMIO dispatch.
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

/* BAR2: sysctl block (byte-addressable), host interface, contexts. */

static bool metis_sysctl_writable(hwaddr addr)
{
    return addr >= SYSCTL_RW_START &&
           (addr < SYSCTL_RO2_START || addr >= SYSCTL_RO2_END);
}

static uint64_t metis_bar2_read(void *opaque, hwaddr addr, unsigned size)
{
    MetisState *s = opaque;
    uint64_t val = 0;

    if (s->link_down) {
        return metis_all_ones(size);
    }
    if (addr < SYSCTL_SIZE) {
        val = ldn_le_p(s->sysctl + addr, size);
    } else if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "metis: %u-byte read of BAR2 register 0x%" HWADDR_PRIx
                      "\n", size, addr);
    } else {
        val = metis_fw_read(s, addr, size);
    }
    trace_metis_bar2_read(addr, size, val);
    return val;
}

static void metis_bar2_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    MetisState *s = opaque;
    unsigned int i;

    if (s->link_down) {
        return;
    }
    trace_metis_bar2_write(addr, size, val);
    if (addr < SYSCTL_SIZE) {
        for (i = 0; i < size; i++) {
            if (metis_sysctl_writable(addr + i)) {
                s->sysctl[addr + i] = val >> (i * 8);
            } else {
                qemu_log_mask(LOG_GUEST_ERROR,
                              "metis: write to read-only sysctl byte 0x%"
                              HWADDR_PRIx "\n", addr + i);
            }
        }
    } else if (size != 4) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "metis: %u-byte write of BAR2 register 0x%" HWADDR_PRIx
                      "\n", size, addr);
    } else {
        metis_fw_write(s, addr, val, size);
    }
}

const MemoryRegionOps metis_bar2_ops = {
    .read = metis_bar2_read,
    .write = metis_bar2_write,
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
