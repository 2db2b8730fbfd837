/*
 * qtests for the emulated Metis card (hw/metis), against the contract in
 * Documentation/hw-interface.md of the metis project.
 *
 * The card sits behind a pcie-root-port on q35.  Configuration space is
 * programmed by hand (bus numbers, bridge window, BARs, MSI), because each
 * reset test must be able to redo it.  MSI and IMWR messages are pointed at
 * guest RAM, so a message is observed as a 32-bit write there.  The areas
 * the card's loader publishes are found through their references, as a
 * driver finds them; only the extensions=off test looks where the model's
 * loader would have put the extension area.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "hw/pci/pci_regs.h"
#include "hw/metis/metis-regs.h"

#define RP_DEVFN        0x10            /* 00:02.0 */
#define DEV_BUS         1
#define LPC_DEVFN       0xF8            /* 00:1f.0 */
#define BAR0_ADDR       0xE0000000ULL
#define BAR2_ADDR       0xE2000000ULL
#define MSI_CAP         0x50
#define PM_CAP          0x40
#define EXP_CAP         0x80

#define RAM_MSI         0x00100000ULL
#define RAM_DONE        0x00101000ULL
#define RAM_ABORT       0x00101100ULL
#define RAM_DESC        0x00200000ULL
#define RAM_SRC         0x00400000ULL
#define RAM_VMSI        0x00600000ULL   /* 2 MiB aligned */
#define RAM_DST         0x01000000ULL
#define RAM_UNMAPPED    0x4000000000ULL   /* nothing there */
#define MSI_DATA        0xA000
#define NO_MSG          0xFFFFFFFFu

#define MEM_SIZE        (256 * 1024 * 1024ULL)
#define LATENCY_NS      20000
#define LOADER_MS       20

typedef struct Ref {
    uint16_t magic;
    uint8_t major;
    uint8_t minor;
    uint32_t size;
    uint64_t off;
    uint16_t area;
} Ref;

typedef struct T {
    QTestState *qts;
    int64_t resets0;            /* stat-resets before the reset under test */
    /* Found through the published areas (areas_find) */
    uint64_t hdif_size;
    uint64_t ext;               /* BAR2 offset of the extension area, or 0 */
    uint64_t hdrv;              /* BAR2 offset of the host-driver area */
    uint64_t desc;              /* card address of the descriptor region */
    uint64_t ddr;               /* memory_map[1] */
    uint64_t l2free;            /* context 0's L2 range */
} T;

/* Test data and firmware images */

static uint32_t crc_table[256];

static uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if (!crc_table[1]) {
        for (uint32_t n = 0; n < 256; n++) {
            uint32_t c = n;
            for (int k = 0; k < 8; k++) {
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            crc_table[n] = c;
        }
    }
    crc ^= 0xFFFFFFFFu;
    while (len--) {
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    }
    return crc ^ 0xFFFFFFFFu;
}

static void fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = seed >> 16;
    }
}

enum { BRK_NONE, BRK_MAGIC, BRK_HEADER, BRK_VERSION, BRK_SIZE, BRK_CHECKSUM };

#define FW_VERSION_OK   0x010203        /* 1.2.3 */
#define FW_PAYLOAD      4096
#define FW_BOOT_US      500

/* Same format as emulator/tools/metis-mkfw. */
static uint8_t *make_fw(int brk, size_t *len)
{
    size_t n = FW_HDR_SIZE + FW_PAYLOAD;
    uint8_t *img = g_malloc0(n);
    uint32_t ver = brk == BRK_VERSION ? 0x020000 : FW_VERSION_OK;

    fill_pattern(img + FW_HDR_SIZE, FW_PAYLOAD, 7);
    stl_le_p(img, brk == BRK_MAGIC ? 0x12345678 : FW_MAGIC);
    stw_le_p(img + 4, FW_HDR_VERSION);
    stw_le_p(img + 6, FW_HDR_SIZE);
    stl_le_p(img + 8, ver);
    stl_le_p(img + 12, FW_PAYLOAD + (brk == BRK_SIZE));
    stl_le_p(img + 16, crc32_ieee(0, img + FW_HDR_SIZE, FW_PAYLOAD));
    stl_le_p(img + 28, FW_BOOT_US);
    memcpy(img + 32, "qtest", 5);
    stl_le_p(img + 20, crc32_ieee(0, img, FW_HDR_SIZE) ^ (brk == BRK_HEADER));
    if (brk == BRK_CHECKSUM) {
        img[n - 1] ^= 0x40;
    }
    *len = n;
    return img;
}

/* Configuration space through CF8/CFC */

static uint32_t cfg_addr(int bus, int devfn, uint8_t off)
{
    return 0x80000000u | bus << 16 | devfn << 8 | (off & 0xFC);
}

static uint32_t cfg_read(T *t, int bus, int devfn, uint8_t off, int len)
{
    qtest_outl(t->qts, 0xCF8, cfg_addr(bus, devfn, off));
    switch (len) {
    case 1:
        return qtest_inb(t->qts, 0xCFC + (off & 3));
    case 2:
        return qtest_inw(t->qts, 0xCFC + (off & 2));
    }
    return qtest_inl(t->qts, 0xCFC);
}

static void cfg_write(T *t, int bus, int devfn, uint8_t off, int len,
                      uint32_t val)
{
    qtest_outl(t->qts, 0xCF8, cfg_addr(bus, devfn, off));
    switch (len) {
    case 1:
        qtest_outb(t->qts, 0xCFC + (off & 3), val);
        break;
    case 2:
        qtest_outw(t->qts, 0xCFC + (off & 2), val);
        break;
    default:
        qtest_outl(t->qts, 0xCFC, val);
    }
}

#define dev_cfg_read(t, off, len) cfg_read(t, DEV_BUS, 0, off, len)
#define dev_cfg_write(t, off, len, v) cfg_write(t, DEV_BUS, 0, off, len, v)

/* Root port: bus 1 behind it, a window over both BARs. */
static void setup_root_port(T *t)
{
    cfg_write(t, 0, RP_DEVFN, PCI_SECONDARY_BUS, 1, DEV_BUS);
    cfg_write(t, 0, RP_DEVFN, PCI_SUBORDINATE_BUS, 1, DEV_BUS);
    cfg_write(t, 0, RP_DEVFN, PCI_MEMORY_BASE, 2, BAR0_ADDR >> 16);
    cfg_write(t, 0, RP_DEVFN, PCI_MEMORY_LIMIT, 2, 0xE3F0);
    cfg_write(t, 0, RP_DEVFN, PCI_PREF_MEMORY_BASE, 2, 0xFFF0);
    cfg_write(t, 0, RP_DEVFN, PCI_PREF_MEMORY_LIMIT, 2, 0);
    cfg_write(t, 0, RP_DEVFN, PCI_COMMAND, 2,
              PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* What an OS does after any reset: BARs, bus mastering, 32 MSI vectors. */
static void setup_dev(T *t)
{
    dev_cfg_write(t, PCI_BASE_ADDRESS_0, 4, BAR0_ADDR);
    dev_cfg_write(t, PCI_BASE_ADDRESS_2, 4, BAR2_ADDR);
    dev_cfg_write(t, PCI_BASE_ADDRESS_3, 4, 0);
    dev_cfg_write(t, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_ADDRESS_LO, 4, RAM_MSI);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_ADDRESS_HI, 4, 0);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_DATA_64, 2, MSI_DATA);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_FLAGS, 2,
                  PCI_MSI_FLAGS_ENABLE | (5 << 4));
}

static void setup_pci(T *t)
{
    setup_root_port(t);
    setup_dev(t);
}

static void step_us(T *t, int64_t us)
{
    qtest_clock_step(t->qts, us * 1000);
}

/* Registers and card memory */

static uint32_t r0(T *t, uint32_t off)
{
    return qtest_readl(t->qts, BAR0_ADDR + off);
}

static void w0(T *t, uint32_t off, uint32_t val)
{
    qtest_writel(t->qts, BAR0_ADDR + off, val);
}

/* BAR2: L2 at BAR2 offset @off */
static uint32_t r2(T *t, uint64_t off)
{
    return qtest_readl(t->qts, BAR2_ADDR + off);
}

static uint64_t r2q(T *t, uint64_t off)
{
    return qtest_readq(t->qts, BAR2_ADDR + off);
}

static void w2(T *t, uint64_t off, uint32_t val)
{
    qtest_writel(t->qts, BAR2_ADDR + off, val);
}

static uint64_t l2_off(uint64_t card)
{
    g_assert_cmphex(card, >=, METIS_L2_BASE);
    g_assert_cmphex(card, <, METIS_L2_BASE + METIS_L2_SIZE);
    return card - METIS_L2_BASE;
}

/* Extension area registers */
static uint32_t rx(T *t, uint32_t off)
{
    g_assert(t->ext);
    return r2(t, t->ext + off);
}

static void wx(T *t, uint32_t off, uint32_t val)
{
    g_assert(t->ext);
    w2(t, t->ext + off, val);
}

static uint32_t ram_l(T *t, uint64_t addr)
{
    return qtest_readl(t->qts, addr);
}

static void ram_set(T *t, uint64_t addr, uint32_t val)
{
    qtest_writel(t->qts, addr, val);
}

static void assert_poison(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i += 4) {
        g_assert_cmphex(ldl_le_p(buf + i), ==, METIS_POISON);
    }
}

static void assert_l2_poison(T *t, uint64_t off, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    qtest_memread(t->qts, BAR2_ADDR + off, buf, len);
    assert_poison(buf, len);
}

/* The published areas (section 3) */

static Ref ref_read(T *t, uint32_t slot)
{
    uint8_t b[MEMREF_SIZE];
    Ref r;

    qtest_memread(t->qts, BAR2_ADDR + slot, b, sizeof(b));
    r.magic = lduw_le_p(b + MEMREF_MAGIC);
    r.major = b[MEMREF_VER_MAJOR];
    r.minor = b[MEMREF_VER_MINOR];
    r.size = ldl_le_p(b + MEMREF_AREA_SIZE);
    r.off = ldq_le_p(b + MEMREF_OFFSET);
    r.area = lduw_le_p(b + MEMREF_MEMORY_AREA);
    return r;
}

/* The checks a driver makes before it uses an area (3.2). */
static Ref ref_check(T *t, uint32_t slot, uint16_t magic, uint32_t min_size)
{
    Ref r = ref_read(t, slot);

    g_assert_cmphex(r.magic, ==, magic);
    g_assert_cmpuint(r.size, >=, min_size);
    g_assert_cmphex(r.off, >=, SYSCTL_SIZE);
    g_assert_cmphex(r.off + r.size, <=, METIS_BAR2_SIZE);
    g_assert_cmpuint(r.area, ==, 0);
    return r;
}

static const uint32_t ref_slots[] = {
    SYSCTL_DATASTREAM_REF, SYSCTL_CTX_REF, SYSCTL_HDRV_REF,
    SYSCTL_DMASGDESC_REF, SYSCTL_VMSI_REF, SYSCTL_AXEMSG_REF,
};

/* Right after a reset: no reference has a magic. */
static void assert_areas_absent(T *t)
{
    for (size_t i = 0; i < ARRAY_SIZE(ref_slots); i++) {
        g_assert_cmphex(ref_read(t, ref_slots[i]).magic, ==, 0);
    }
}

/*
 * Find every area as a driver does; @ext: whether the extension area must
 * be there.
 */
static void areas_find(T *t, bool ext)
{
    Ref r;

    t->hdif_size = r2q(t, SYSCTL_HDIF_SIZE);
    t->ddr = r2q(t, SYSCTL_MEMORY_MAP1);
    r = ref_check(t, SYSCTL_CTX_REF, AREA_MAGIC_CTX, 4 * CTXA_ENTRY_SIZE);
    t->l2free = r2q(t, r.off + CTXA_L2_BASE);
    r = ref_check(t, SYSCTL_HDRV_REF, AREA_MAGIC_HDRV, HDRV_SIZE);
    t->hdrv = r.off;
    r = ref_check(t, SYSCTL_DMASGDESC_REF, AREA_MAGIC_DMASGDESC,
                  DMASGDESC_SIZE);
    t->desc = r2q(t, r.off);
    g_assert_cmphex(r2q(t, r.off + 8), ==, DMASG_REGION_SIZE);
    t->ext = 0;
    r = ref_read(t, SYSCTL_AXEMSG_REF);
    if (ext) {
        r = ref_check(t, SYSCTL_AXEMSG_REF, AREA_MAGIC_EXT, EXT_AREA_SIZE);
        g_assert_cmpuint(r.major, ==, 1);
        g_assert_cmphex(r.off % 0x1000, ==, 0);
        t->ext = r.off;
        g_assert_cmphex(rx(t, EXT_ID), ==, EXT_ID_VALUE);
    } else {
        g_assert_cmphex(r.magic, ==, 0);
    }
}

/* Wait for the loader (default loader-ms) and find the areas. */
static void wait_areas(T *t, bool ext)
{
    step_us(t, LOADER_MS * 1000);
    areas_find(t, ext);
}

/* @machine: extra QEMU options; @extra: extra metis properties */
static T *start_raw(const char *machine, const char *extra)
{
    T *t = g_new0(T, 1);
    const char *datadir = g_getenv("METIS_QEMU_DATADIR");
    g_autofree char *ldir = datadir ? g_strdup_printf("-L %s ", datadir) :
                                      g_strdup("");

    t->qts = qtest_initf("%s-machine q35 -m 128M -nodefaults %s "
                         "-device pcie-root-port,id=rp0,chassis=1,slot=1,"
                         "addr=2.0 "
                         "-device metis,id=metis0,bus=rp0%s",
                         ldir, machine, extra ? extra : "");
    setup_pci(t);
    return t;
}

/* A card with the extensions (the default), its areas published. */
static T *start_with(const char *machine, const char *extra)
{
    T *t = start_raw(machine, extra);

    wait_areas(t, true);
    return t;
}

static T *start(const char *extra)
{
    return start_with("", extra);
}

/* The published card (extensions=off), its areas published. */
static T *start_published(const char *extra)
{
    g_autofree char *props = g_strdup_printf(",extensions=off%s",
                                             extra ? extra : "");
    T *t = start_raw("", props);

    wait_areas(t, false);
    return t;
}

static void stop(T *t)
{
    qtest_quit(t->qts);
    g_free(t);
}

/* QOM properties */

/* The reply to qom-get of @prop; the caller unrefs it. */
static QDict *qom_get(T *t, const char *prop)
{
    QDict *rsp = qtest_qmp(t->qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': '/machine/peripheral/metis0', "
                           "'property': %s}}", prop);

    g_assert(qdict_haskey(rsp, "return"));
    return rsp;
}

static int64_t qom_get_int(T *t, const char *prop)
{
    QDict *rsp = qom_get(t, prop);
    int64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static bool qom_get_bool(T *t, const char *prop)
{
    QDict *rsp = qom_get(t, prop);
    bool v = qdict_get_bool(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static char *qom_get_str(T *t, const char *prop)
{
    QDict *rsp = qom_get(t, prop);
    char *v = g_strdup(qdict_get_str(rsp, "return"));

    qobject_unref(rsp);
    return v;
}

static void qom_set_int(T *t, const char *prop, int64_t val)
{
    qtest_qmp_assert_success(t->qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '/machine/peripheral/metis0', "
                             "'property': %s, 'value': %" PRId64 "}}",
                             prop, val);
}

static void qom_set_bool(T *t, const char *prop, bool val)
{
    qtest_qmp_assert_success(t->qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '/machine/peripheral/metis0', "
                             "'property': %s, 'value': %i}}", prop, val);
}

/* eDMA helpers */

static uint32_t ch_reg(bool wr, int n, uint32_t off)
{
    return EDMA_CH_BASE + n * EDMA_CH_STRIDE + (wr ? 0 : EDMA_CH_SIZE) + off;
}

static uint32_t ch_cs(T *t, bool wr, int n)
{
    return (r0(t, ch_reg(wr, n, EDMA_CH_CONTROL1)) & EDMA_CTL_CS_MASK) >>
           EDMA_CTL_CS_SHIFT;
}

static uint16_t imwr_data(bool wr, int n)
{
    return (wr ? 0x100 : 0x200) + n;
}

/* The setup a driver does after reset: engines on, IMWR to RAM. */
static void edma_setup(T *t)
{
    w0(t, EDMA_WR_ENGINE_EN, 1);
    w0(t, EDMA_RD_ENGINE_EN, 1);
    w0(t, EDMA_WR_DONE_IMWR_LO, RAM_DONE);
    w0(t, EDMA_WR_ABORT_IMWR_LO, RAM_ABORT);
    w0(t, EDMA_RD_DONE_IMWR_LO, RAM_DONE + 4);
    w0(t, EDMA_RD_ABORT_IMWR_LO, RAM_ABORT + 4);
    w0(t, EDMA_WR_CH01_IMWR_DATA, imwr_data(1, 0) | imwr_data(1, 1) << 16);
    w0(t, EDMA_WR_CH23_IMWR_DATA, imwr_data(1, 2) | imwr_data(1, 3) << 16);
    w0(t, EDMA_RD_CH01_IMWR_DATA, imwr_data(0, 0) | imwr_data(0, 1) << 16);
    w0(t, EDMA_RD_CH23_IMWR_DATA, imwr_data(0, 2) | imwr_data(0, 3) << 16);
    ram_set(t, RAM_DONE, NO_MSG);
    ram_set(t, RAM_DONE + 4, NO_MSG);
    ram_set(t, RAM_ABORT, NO_MSG);
    ram_set(t, RAM_ABORT + 4, NO_MSG);
}

static void dma_single_ctl(T *t, bool wr, int n, uint64_t sar, uint64_t dar,
                           uint32_t size, uint32_t ctl)
{
    w0(t, ch_reg(wr, n, EDMA_CH_TRANSFER_SIZE), size);
    w0(t, ch_reg(wr, n, EDMA_CH_SAR_LO), sar);
    w0(t, ch_reg(wr, n, EDMA_CH_SAR_HI), sar >> 32);
    w0(t, ch_reg(wr, n, EDMA_CH_DAR_LO), dar);
    w0(t, ch_reg(wr, n, EDMA_CH_DAR_HI), dar >> 32);
    w0(t, ch_reg(wr, n, EDMA_CH_CONTROL1), ctl);
    w0(t, wr ? EDMA_WR_DOORBELL : EDMA_RD_DOORBELL, n);
}

/* As the vendor driver: RIE for the host interrupt. */
static void dma_single(T *t, bool wr, int n, uint64_t sar, uint64_t dar,
                       uint32_t size)
{
    dma_single_ctl(t, wr, n, sar, dar, size, EDMA_CTL_RIE);
}

static void dma_ll(T *t, bool wr, int n, uint64_t llp, bool ccs)
{
    w0(t, ch_reg(wr, n, EDMA_CH_LLP_LO), llp);
    w0(t, ch_reg(wr, n, EDMA_CH_LLP_HI), llp >> 32);
    w0(t, ch_reg(wr, n, EDMA_CH_CONTROL1),
       EDMA_CTL_LLE | (ccs ? EDMA_CTL_CCS : 0));
    w0(t, wr ? EDMA_WR_DOORBELL : EDMA_RD_DOORBELL, n);
}

/* A list element at card address @at in L2, written through BAR2. */
static void put_elem(T *t, uint64_t at, uint32_t ctl, uint32_t size,
                     uint64_t sar, uint64_t dar)
{
    uint8_t e[24];

    stl_le_p(e, ctl);
    stl_le_p(e + 4, size);
    stq_le_p(e + 8, sar);
    stq_le_p(e + 16, dar);
    qtest_memwrite(t->qts, BAR2_ADDR + l2_off(at), e, sizeof(e));
}

/* Run a transfer to completion, clear its status; returns CS. */
static uint32_t dma_sync(T *t, bool wr, int n, uint64_t sar, uint64_t dar,
                         uint32_t size)
{
    uint32_t cs;

    dma_single(t, wr, n, sar, dar, size);
    step_us(t, 1000 + size / 64);
    cs = ch_cs(t, wr, n);
    g_assert_cmpuint(cs, !=, EDMA_CS_RUNNING);
    w0(t, wr ? EDMA_WR_INT_CLEAR : EDMA_RD_INT_CLEAR,
       EDMA_INT_DONE(n) | EDMA_INT_ABORT(n));
    return cs;
}

static void host_to_card(T *t, uint64_t card, const void *data, size_t len)
{
    qtest_memwrite(t->qts, RAM_SRC, data, len);
    g_assert_cmpuint(dma_sync(t, false, 0, RAM_SRC, card, len), ==,
                     EDMA_CS_STOPPED);
}

static void card_to_host(T *t, uint64_t card, void *data, size_t len)
{
    g_assert_cmpuint(dma_sync(t, true, 0, card, RAM_DST, len), ==,
                     EDMA_CS_STOPPED);
    qtest_memread(t->qts, RAM_DST, data, len);
}

/* Abort checks common to the error tests. */
static void assert_abort(T *t, bool wr, int n, bool ll)
{
    uint32_t app, lle;

    g_assert_cmpuint(ch_cs(t, wr, n), ==, EDMA_CS_HALTED);
    g_assert_cmphex(r0(t, wr ? EDMA_WR_INT_STATUS : EDMA_RD_INT_STATUS) &
                    EDMA_INT_ABORT(n), !=, 0);
    g_assert_cmphex(r0(t, wr ? EDMA_WR_INT_STATUS : EDMA_RD_INT_STATUS) &
                    EDMA_INT_DONE(n), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_ABORT + (wr ? 0 : 4)), ==, imwr_data(wr, n));
    if (wr) {
        app = r0(t, EDMA_WR_ERR_STATUS) & 0xF;
        lle = r0(t, EDMA_WR_ERR_STATUS) >> 16;
    } else {
        app = r0(t, EDMA_RD_ERR_STATUS_LOW);
        lle = r0(t, EDMA_RD_ERR_STATUS_HIGH);
    }
    g_assert_cmphex(ll ? lle : app, ==, 1u << n);
    g_assert_cmphex(ll ? app : lle, ==, 0);
}

/* Firmware and mailbox helpers */

static void mb_cmd(T *t, uint32_t op, uint32_t size, const void *msg,
                   size_t len)
{
    const uint8_t *p = msg;

    w2(t, SYSCTL_CMD_OPCODE, op);
    w2(t, SYSCTL_CMD_SIZE, size);
    for (size_t i = 0; i < len; i += 4) {
        w2(t, SYSCTL_CMD_MSG + i, ldl_le_p(p + i));
    }
    wx(t, EXT_MB_DOORBELL, 1);
}

static void mb_boot_cmd(T *t, uint64_t addr, uint32_t size)
{
    uint8_t msg[16] = { 0 };

    stq_le_p(msg, addr);
    stl_le_p(msg + 8, size);
    mb_cmd(t, MB_OP_BOOT, 16, msg, sizeof(msg));
}

/* Load an image at fw_load_addr and boot it; MB_STATUS after boot time. */
static uint32_t fw_boot_image(T *t, int brk)
{
    size_t len;
    g_autofree uint8_t *img = make_fw(brk, &len);
    uint64_t load = r2q(t, SYSCTL_FW_LOAD_ADDR);

    host_to_card(t, load, img, len);
    mb_boot_cmd(t, load, len);
    step_us(t, FW_BOOT_US + 10);
    return rx(t, EXT_MB_STATUS);
}

static void fw_boot(T *t)
{
    edma_setup(t);
    g_assert_cmpuint(fw_boot_image(t, BRK_NONE), ==, MB_DONE);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_READY);
    wx(t, EXT_IRQ_STATUS, EXT_IRQ_ALL);
}

static uint32_t ctx_base(int n)
{
    return EXT_CTX_BASE + n * CTX_STRIDE;
}

static void ctx_run(T *t, int n, uint32_t op, uint64_t addr, uint64_t len,
                    uint32_t param, uint32_t dur)
{
    uint32_t base = ctx_base(n);

    wx(t, base + CTX_OPCODE, op);
    wx(t, base + CTX_ADDR_LO, addr);
    wx(t, base + CTX_ADDR_HI, addr >> 32);
    wx(t, base + CTX_LEN_LO, len);
    wx(t, base + CTX_LEN_HI, len >> 32);
    wx(t, base + CTX_PARAM, param);
    wx(t, base + CTX_DURATION_US, dur);
    wx(t, base + CTX_DOORBELL, 1);
}

static uint32_t ctx_r(T *t, int n, uint32_t off)
{
    return rx(t, ctx_base(n) + off);
}

/* ---- PCI function ---- */

static void test_pci_ids(void)
{
    T *t = start_raw("", NULL);

    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 2), ==, 0x1f9d);
    g_assert_cmphex(dev_cfg_read(t, PCI_DEVICE_ID, 2), ==, 0x1100);
    g_assert_cmphex(dev_cfg_read(t, PCI_REVISION_ID, 1), ==, 0x02);
    g_assert_cmphex(dev_cfg_read(t, PCI_CLASS_REVISION, 4) >> 8, ==,
                    0x120000);
    g_assert_cmphex(dev_cfg_read(t, PCI_SUBSYSTEM_VENDOR_ID, 2), ==, 0x1f9d);
    g_assert_cmphex(dev_cfg_read(t, PCI_SUBSYSTEM_ID, 2), ==, 0x1100);
    g_assert_cmphex(dev_cfg_read(t, PCI_HEADER_TYPE, 1) & 0x7f, ==, 0);
    g_assert_cmphex(dev_cfg_read(t, PCI_INTERRUPT_PIN, 1), ==, 0);
    stop(t);
}

/* device-id=0x11aa: the Alpha variant, otherwise the same card. */
static void test_pci_alpha(void)
{
    T *t = start(",device-id=0x11aa");

    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 2), ==, 0x1f9d);
    g_assert_cmphex(dev_cfg_read(t, PCI_DEVICE_ID, 2), ==, 0x11aa);
    g_assert_cmphex(dev_cfg_read(t, PCI_CLASS_REVISION, 4) >> 8, ==,
                    0x120000);
    g_assert_cmphex(rx(t, EXT_ID), ==, EXT_ID_VALUE);
    stop(t);
}

/* device_add of metis on root port rpb with @prop = @val. */
static QDict *add_card(QTestState *qts, const char *prop, int64_t val)
{
    return qtest_qmp(qts, "{'execute': 'device_add', 'arguments': "
                     "{'driver': 'metis', 'id': 'm1', 'bus': 'rpb', "
                     "%s: %" PRId64 "}}", prop, val);
}

static void assert_realize_fails(QTestState *qts, const char *prop,
                                 int64_t val)
{
    QDict *rsp = add_card(qts, prop, val);

    g_assert(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
}

static void test_pci_bad_props(void)
{
    QTestState *qts = qtest_init("-machine q35 -m 128M -nodefaults "
        "-device pcie-root-port,id=rpb,chassis=2,slot=2,addr=3.0");
    QDict *rsp;

    /* Only 0x1100 and 0x11aa. */
    assert_realize_fails(qts, "device-id", 0x1101);
    assert_realize_fails(qts, "device-id", 0);
    /* areas-base: a multiple of 4 KiB past the static block. */
    assert_realize_fails(qts, "areas-base", 0x1800);
    assert_realize_fails(qts, "areas-base", 0);
    assert_realize_fails(qts, "areas-base", 0x2000000);
    /* mem-size: a multiple of 1 MiB, at least 64 MiB. */
    assert_realize_fails(qts, "mem-size", 32 * 1024 * 1024);
    assert_realize_fails(qts, "mem-size", 64 * 1024 * 1024 + 65536);
    /* The checks do not reject good values. */
    rsp = add_card(qts, "device-id", 0x11aa);
    g_assert(qdict_haskey(rsp, "return"));
    qobject_unref(rsp);
    qtest_quit(qts);
}

static int find_cap(T *t, uint8_t id)
{
    int pos = dev_cfg_read(t, PCI_CAPABILITY_LIST, 1);

    for (int i = 0; pos && i < 48; i++) {
        if (dev_cfg_read(t, pos, 1) == id) {
            return pos;
        }
        pos = dev_cfg_read(t, pos + 1, 1);
    }
    return 0;
}

static void test_pci_caps(void)
{
    T *t = start_raw("", NULL);
    int pm = find_cap(t, PCI_CAP_ID_PM);
    int msi = find_cap(t, PCI_CAP_ID_MSI);
    int exp = find_cap(t, PCI_CAP_ID_EXP);
    uint16_t flags;
    uint32_t v;

    g_assert(dev_cfg_read(t, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    g_assert_cmpint(pm, ==, PM_CAP);
    g_assert_false(dev_cfg_read(t, pm + PCI_PM_CTRL, 2) &
                   PCI_PM_CTRL_NO_SOFT_RESET);

    g_assert_cmpint(msi, ==, MSI_CAP);
    flags = dev_cfg_read(t, msi + PCI_MSI_FLAGS, 2);
    g_assert(flags & PCI_MSI_FLAGS_64BIT);
    g_assert(flags & PCI_MSI_FLAGS_MASKBIT);
    g_assert_cmpint((flags & PCI_MSI_FLAGS_QMASK) >> 1, ==, 5);
    g_assert_false(find_cap(t, PCI_CAP_ID_MSIX));

    g_assert_cmpint(exp, ==, EXP_CAP);
    v = dev_cfg_read(t, exp + PCI_EXP_FLAGS, 2);
    g_assert_cmpint((v & PCI_EXP_FLAGS_TYPE) >> 4, ==, PCI_EXP_TYPE_ENDPOINT);
    g_assert(dev_cfg_read(t, exp + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
    v = dev_cfg_read(t, exp + PCI_EXP_LNKCAP, 4);
    g_assert_cmpint(v & PCI_EXP_LNKCAP_SLS, ==, 3);             /* 8 GT/s */
    g_assert_cmpint((v & PCI_EXP_LNKCAP_MLW) >> 4, ==, 4);      /* x4 */
    v = dev_cfg_read(t, exp + PCI_EXP_LNKSTA, 2);
    g_assert_cmpint(v & PCI_EXP_LNKSTA_CLS, ==, 3);
    g_assert_cmpint((v & PCI_EXP_LNKSTA_NLW) >> 4, ==, 4);

    /* BAR0: 64 KiB 32-bit memory; BAR2: 32 MiB 64-bit memory. */
    dev_cfg_write(t, PCI_COMMAND, 2, 0);
    dev_cfg_write(t, PCI_BASE_ADDRESS_0, 4, 0xFFFFFFFF);
    v = dev_cfg_read(t, PCI_BASE_ADDRESS_0, 4);
    g_assert_cmphex(v & 0xF, ==, 0);
    g_assert_cmphex(~(v & ~0xFu) + 1, ==, 64 * 1024);
    dev_cfg_write(t, PCI_BASE_ADDRESS_2, 4, 0xFFFFFFFF);
    v = dev_cfg_read(t, PCI_BASE_ADDRESS_2, 4);
    g_assert_cmphex(v & 0xF, ==, PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmphex(~(v & ~0xFu) + 1, ==, 32 * 1024 * 1024);
    dev_cfg_write(t, PCI_BASE_ADDRESS_1, 4, 0xFFFFFFFF);
    g_assert_cmphex(dev_cfg_read(t, PCI_BASE_ADDRESS_1, 4), ==, 0);
    stop(t);
}

/* ---- sysctl block and the loader (section 3) ---- */

/* What the boot ROM writes at once after a reset (3.1, 3.3). */
static void assert_static_block(T *t, uint32_t dma_vm)
{
    uint8_t b[SYSCTL_SIZE];

    qtest_memread(t->qts, BAR2_ADDR, b, sizeof(b));
    g_assert_cmphex(lduw_le_p(b + SYSCTL_HDIF_MAGIC), ==, METIS_HDIF_MAGIC);
    g_assert_cmphex(ldq_le_p(b + SYSCTL_HDIF_BASE), ==, 0x08000000);
    g_assert_cmphex(ldq_le_p(b + SYSCTL_HDIF_SIZE), ==, 0x10000);
    g_assert_cmphex(lduw_le_p(b + SYSCTL_MASTER_VERSION), ==, 0);
    g_assert_cmphex(ldq_le_p(b + SYSCTL_MEMORY_MAP0), ==, 0x08000000);
    g_assert_cmphex(ldq_le_p(b + SYSCTL_MEMORY_MAP1), ==, 0x100000000ULL);
    g_assert_cmphex((uint32_t)ldl_le_p(b + SYSCTL_DMA_VM), ==, dma_vm);
    g_assert_cmphex(ldq_le_p(b + SYSCTL_FW_LOAD_ADDR), ==, 0x100000000ULL);
    /* Everything else reads 0: cmd, every reference, MCUBoot area. */
    for (unsigned int i = 0; i < SYSCTL_SIZE; i++) {
        bool field = i < 2 || (i >= SYSCTL_HDIF_BASE && i < 0x18) ||
                     (i >= SYSCTL_MEMORY_MAP0 && i < SYSCTL_DMA_VM + 4) ||
                     (i >= SYSCTL_FW_LOAD_ADDR && i < SYSCTL_FW_LOAD_ADDR + 8);

        if (!field) {
            g_assert_cmphex(b[i], ==, 0);
        }
    }
}

static void test_sysctl_static_block(void)
{
    T *t = start_raw("", NULL);

    assert_static_block(t, 0);
    assert_areas_absent(t);
    /* The rest of L2 is poison until written. */
    assert_l2_poison(t, SYSCTL_SIZE, 0x10000 - SYSCTL_SIZE);
    assert_l2_poison(t, METIS_L2_SIZE - 0x1000, 0x1000);
    /* The block is memory: the host can write it (a driver bug). */
    qtest_writeq(t->qts, BAR2_ADDR + 0x700, 0x1122334455667788ULL);
    g_assert_cmphex(r2q(t, 0x700), ==, 0x1122334455667788ULL);
    qtest_writeb(t->qts, BAR2_ADDR + SYSCTL_CMD_MSG + 3, 0x5A);
    g_assert_cmphex(r2(t, SYSCTL_CMD_MSG), ==, 0x5A000000);
    stop(t);
}

static void test_loader_timing(void)
{
    T *t = start_raw("", ",loader-ms=7");

    step_us(t, 6900);
    assert_areas_absent(t);
    assert_l2_poison(t, 0x1000, 0x1000);
    /* No extension area's registers anywhere yet: plain L2. */
    for (uint64_t off = 0x1000; off < 0x20000; off += 0x1000) {
        g_assert_cmphex(r2(t, off), ==, METIS_POISON);
    }
    step_us(t, 200);
    areas_find(t, true);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTROM);
    stop(t);
}

/* Areas [off, off + size) must not overlap each other or the block. */
static void assert_disjoint(uint64_t (*r)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_assert_cmphex(r[i][0], >=, SYSCTL_SIZE);
        for (size_t j = i + 1; j < n; j++) {
            g_assert(r[i][0] + r[i][1] <= r[j][0] ||
                     r[j][0] + r[j][1] <= r[i][0]);
        }
    }
}

/* Every area's contents (3.4-3.7), with the loader started at @base. */
static void check_areas(T *t, uint64_t base, bool ext)
{
    Ref ds = ref_check(t, SYSCTL_DATASTREAM_REF, AREA_MAGIC_DATASTREAM,
                       DATASTREAM_SIZE);
    Ref cx = ref_check(t, SYSCTL_CTX_REF, AREA_MAGIC_CTX, 320);
    Ref hd = ref_check(t, SYSCTL_HDRV_REF, AREA_MAGIC_HDRV, HDRV_SIZE);
    Ref dd = ref_check(t, SYSCTL_DMASGDESC_REF, AREA_MAGIC_DMASGDESC, 16);
    Ref vm = ref_check(t, SYSCTL_VMSI_REF, AREA_MAGIC_VMSI, VMSI_SIZE);
    Ref ex = ref_read(t, SYSCTL_AXEMSG_REF);
    uint64_t areas[7][2] = {
        { ds.off, ds.size }, { cx.off, cx.size }, { hd.off, hd.size },
        { dd.off, dd.size }, { vm.off, vm.size },
        { l2_off(t->desc), DMASG_REGION_SIZE }, { ex.off, ex.size },
    };
    uint64_t end = 0, l2_next, ddr_next;
    uint8_t buf[VMSI_SIZE];

    /* Where: from areas-base on, disjoint, inside the HDIF region. */
    assert_disjoint(areas, ext ? 7 : 6);
    for (size_t i = 0; i < (ext ? 7 : 6); i++) {
        g_assert_cmphex(areas[i][0], >=, base);
        end = MAX(end, areas[i][0] + areas[i][1]);
    }
    g_assert_cmphex(t->hdif_size % 0x10000, ==, 0);
    g_assert_cmphex(t->hdif_size, >=, end);
    g_assert_cmphex(t->hdif_size, <, end + 0x10000);
    g_assert_cmphex(r2q(t, SYSCTL_HDIF_BASE), ==, 0x08000000);

    /* Datastream: no streams, every source unsupported. */
    g_assert_cmpuint(ds.major, ==, 2);
    g_assert_cmphex(r2(t, ds.off), ==, 0);
    qtest_memread(t->qts, BAR2_ADDR + ds.off + 4, buf, 256);
    for (int i = 0; i < 256; i++) {
        g_assert_cmphex(buf[i], ==, 0xFF);
    }

    /*
     * Contexts: AI core n, MSI n, a quarter of the L2 past the HDIF
     * region and of DDR each; together all of it.
     */
    g_assert_cmpuint(cx.size, ==, 4 * CTXA_ENTRY_SIZE);
    l2_next = METIS_L2_BASE + t->hdif_size;
    ddr_next = t->ddr;
    for (int n = 0; n < 4; n++) {
        uint64_t e = cx.off + n * CTXA_ENTRY_SIZE;

        g_assert_cmphex(r2q(t, e + CTXA_AICORE), ==, 1u << n);
        g_assert_cmphex(r2q(t, e + CTXA_L2_BASE), ==, l2_next);
        g_assert_cmphex(r2q(t, e + CTXA_L2_BASE) % 0x1000, ==, 0);
        g_assert_cmphex(r2q(t, e + CTXA_L2_SIZE) % 0x1000, ==, 0);
        g_assert_cmphex(r2q(t, e + CTXA_L2_SIZE), >, 0);
        l2_next += r2q(t, e + CTXA_L2_SIZE);
        g_assert_cmphex(r2q(t, e + CTXA_DDR_BASE), ==, ddr_next);
        g_assert_cmphex(r2q(t, e + CTXA_DDR_SIZE), ==, MEM_SIZE / 4);
        ddr_next += r2q(t, e + CTXA_DDR_SIZE);
        g_assert_cmphex(r2q(t, e + CTXA_MSI), ==, n);
        g_assert_cmphex(r2q(t, e + CTXA_CMD), ==, 0);
        g_assert_cmphex(r2q(t, e + CTXA_STS), ==, 0);
        g_assert_cmphex(r2q(t, e + CTXA_ARG), ==, 0);
        g_assert_cmphex(r2q(t, e + CTXA_ELF_BASE), ==, 0);
    }
    g_assert_cmphex(l2_next, <=, METIS_L2_BASE + METIS_L2_SIZE);
    g_assert_cmphex(l2_next, >, METIS_L2_BASE + METIS_L2_SIZE - 0x4000);
    g_assert_cmphex(ddr_next, ==, t->ddr + MEM_SIZE);

    /* Host-driver area: published disabled. */
    for (int i = 0; i < HDRV_SIZE; i += 4) {
        g_assert_cmphex(r2(t, hd.off + i), ==, 0);
    }

    /* Descriptor area: a region in L2 for the lists. */
    g_assert_cmphex(r2q(t, dd.off), ==, t->desc);
    g_assert_cmphex(r2q(t, dd.off + 8), ==, DMASG_REGION_SIZE);

    /* VMSI config. */
    qtest_memread(t->qts, BAR2_ADDR + vm.off, buf, VMSI_SIZE);
    g_assert_cmpuint(lduw_le_p(buf + VMSI_NUM_VMSI), ==, 32);
    g_assert_cmpuint(lduw_le_p(buf + VMSI_NUM_PMSI), ==, 32);
    for (int v = 0; v < 32; v++) {
        const uint8_t *e = buf + VMSI_ENTRIES + v * VMSI_ENTRY_SIZE;

        if (v < 4 || v == 12) {
            g_assert_cmpuint(e[0], ==, 1);
            g_assert_cmpuint(e[1], ==, 0);
            g_assert_cmpuint(lduw_le_p(e + 4), ==, v);
            g_assert_cmpuint(lduw_le_p(e + 6), ==, v);
        } else if (v >= 4 && v <= 11) {
            g_assert_cmpuint(e[0], ==, 1);
            g_assert_cmpuint(e[1], ==, 1);
            g_assert_cmpuint(ldl_le_p(e + 4), ==, v);
        } else {
            g_assert_cmpuint(e[0], ==, 0);
        }
        g_assert_cmpuint(buf[VMSI_TO_PMSI + v], ==, v);
    }

    /* The extension area's reference. */
    if (ext) {
        g_assert_cmphex(ex.magic, ==, AREA_MAGIC_EXT);
        g_assert_cmpuint(ex.major, ==, 1);
        g_assert_cmpuint(ex.minor, ==, 0);
        g_assert_cmphex(ex.size, ==, 0x1000);
        g_assert_cmphex(rx(t, EXT_ID), ==, EXT_ID_VALUE);
        g_assert_cmphex(rx(t, EXT_VERSION), ==, 2);
    } else {
        g_assert_cmphex(ex.magic, ==, 0);
        g_assert_cmphex(ex.off, ==, 0);
        g_assert_cmphex(ex.size, ==, 0);
    }
}

static void test_loader_areas(void)
{
    T *t = start(NULL);

    check_areas(t, 0x1000, true);
    /* The model's defaults: contexts share L2 past 64 KiB. */
    g_assert_cmphex(t->hdif_size, ==, 0x10000);
    g_assert_cmphex(t->l2free, ==, 0x08010000);
    stop(t);
}

static void test_loader_areas_base(void)
{
    T *t = start_raw("", ",areas-base=0x200000,loader-ms=5");

    step_us(t, 4900);
    assert_areas_absent(t);
    step_us(t, 200);
    areas_find(t, true);
    check_areas(t, 0x200000, true);
    g_assert_cmphex(t->ext, >=, 0x200000);
    g_assert_cmphex(t->hdif_size, ==, 0x210000);
    g_assert_cmphex(t->l2free, ==, 0x08210000);
    /* Nothing of the loader's below areas-base. */
    assert_l2_poison(t, SYSCTL_SIZE, 0x10000 - SYSCTL_SIZE);
    assert_l2_poison(t, 0x1F0000, 0x10000);
    stop(t);
}

/* extensions=off: the card as published, no extension area anywhere. */
static void test_loader_extensions_off(void)
{
    T *t = start_published(NULL);
    uint64_t where = 0x1000 + LAYOUT_EXT;   /* the model's place for it */
    int64_t resets = qom_get_int(t, "stat-resets");

    check_areas(t, 0x1000, false);
    for (uint64_t off = 0x1000; off < t->hdif_size + 0x10000;
         off += 0x1000) {
        g_assert_cmphex(r2(t, off), !=, EXT_ID_VALUE);
    }
    /* Plain L2 there: poison, then what the host writes, at any size. */
    assert_l2_poison(t, where, 0x1000);
    qtest_writeb(t->qts, BAR2_ADDR + where + EXT_MB_DOORBELL, 1);
    qtest_writeq(t->qts, BAR2_ADDR + where + EXT_SOFT_RESET,
                 0x0000000052535421ULL);
    g_assert_cmphex(r2(t, where + EXT_MB_DOORBELL), ==, 0x5A5AA501);
    g_assert_cmphex(r2q(t, where + EXT_SOFT_RESET), ==, 0x52535421ULL);
    g_assert_cmpuint(qom_get_int(t, "stat-resets"), ==, resets);
    stop(t);
}

/* ---- L2 memory (BAR2) ---- */

static void test_l2_bar2_access(void)
{
    T *t = start(NULL);
    uint64_t a = l2_off(t->l2free);
    uint8_t buf[4096], back[4096];

    assert_l2_poison(t, a, 4096);
    qtest_writeb(t->qts, BAR2_ADDR + a + 1, 0x11);
    qtest_writew(t->qts, BAR2_ADDR + a + 2, 0x2233);
    qtest_writel(t->qts, BAR2_ADDR + a + 4, 0x44556677);
    qtest_writeq(t->qts, BAR2_ADDR + a + 8, 0x8899AABBCCDDEEFFULL);
    g_assert_cmphex(qtest_readb(t->qts, BAR2_ADDR + a), ==, 0xA5);
    g_assert_cmphex(r2(t, a), ==, 0x223311A5);
    g_assert_cmphex(qtest_readw(t->qts, BAR2_ADDR + a + 6), ==, 0x4455);
    g_assert_cmphex(r2q(t, a + 4), ==, 0xCCDDEEFF44556677ULL);
    g_assert_cmphex(r2(t, a + 16), ==, METIS_POISON);
    /* The last bytes of L2, and a block. */
    qtest_writeq(t->qts, BAR2_ADDR + METIS_L2_SIZE - 8, 0x0102030405060708);
    g_assert_cmphex(r2q(t, METIS_L2_SIZE - 8), ==, 0x0102030405060708);
    fill_pattern(buf, sizeof(buf), 77);
    qtest_memwrite(t->qts, BAR2_ADDR + a + 0x10000, buf, sizeof(buf));
    qtest_memread(t->qts, BAR2_ADDR + a + 0x10000, back, sizeof(back));
    g_assert(memcmp(buf, back, sizeof(buf)) == 0);
    stop(t);
}

/* The eDMA reaches L2 at its card address: the host sees it in BAR2. */
static void test_l2_edma(void)
{
    T *t = start(NULL);
    uint64_t card = t->l2free + 0x3000;
    uint8_t src[8192], back[8192];

    edma_setup(t);
    fill_pattern(src, sizeof(src), 21);
    host_to_card(t, card, src, sizeof(src));
    qtest_memread(t->qts, BAR2_ADDR + l2_off(card), back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    assert_l2_poison(t, l2_off(card) + sizeof(src), 64);
    /* BAR2 writes, write channel reads them. */
    fill_pattern(src, sizeof(src), 22);
    qtest_memwrite(t->qts, BAR2_ADDR + l2_off(card), src, sizeof(src));
    card_to_host(t, card, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    /* The last byte of L2, and the sysctl block, are card memory too. */
    host_to_card(t, METIS_L2_BASE + METIS_L2_SIZE - 16, src, 16);
    g_assert_cmphex(r2(t, METIS_L2_SIZE - 16), ==, (uint32_t)ldl_le_p(src));
    card_to_host(t, METIS_L2_BASE, back, 16);
    g_assert_cmphex(lduw_le_p(back), ==, METIS_HDIF_MAGIC);
    stop(t);
}

/* ---- eDMA registers ---- */

static void test_edma_reset_values(void)
{
    T *t = start_published(NULL);

    g_assert_cmphex(r0(t, EDMA_CTRL), ==, 0x00040004);
    /* Masks open at reset (4.1). */
    g_assert_cmphex(r0(t, EDMA_WR_INT_MASK), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_INT_MASK), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_ENGINE_EN), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_ENGINE_EN), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_ERR_STATUS), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_DONE_IMWR_LO), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_ABORT_IMWR_LO), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_CH23_IMWR_DATA), ==, 0);
    for (int n = 0; n < 4; n++) {
        for (int wr = 0; wr < 2; wr++) {
            for (uint32_t off = 0; off <= 0x28; off += 4) {
                g_assert_cmphex(r0(t, ch_reg(wr, n, off)), ==, 0);
            }
        }
    }
    g_assert_cmphex(r0(t, 0x1000), ==, 0);          /* unlisted */
    stop(t);
}

static void test_edma_regs_rw(void)
{
    T *t = start_published(NULL);
    static const uint32_t rw0[] = {
        EDMA_ARB_PRIO, EDMA_WR_ARB_WEIGHT_LO, EDMA_WR_ARB_WEIGHT_HI,
        EDMA_RD_ARB_WEIGHT_LO, EDMA_RD_ARB_WEIGHT_HI, EDMA_WR_DONE_IMWR_LO,
        EDMA_WR_DONE_IMWR_HI, EDMA_WR_ABORT_IMWR_LO, EDMA_WR_ABORT_IMWR_HI,
        EDMA_RD_DONE_IMWR_LO, EDMA_RD_DONE_IMWR_HI, EDMA_RD_ABORT_IMWR_LO,
        EDMA_RD_ABORT_IMWR_HI, EDMA_WR_CH01_IMWR_DATA, EDMA_WR_CH23_IMWR_DATA,
        EDMA_RD_CH01_IMWR_DATA, EDMA_RD_CH23_IMWR_DATA, EDMA_WR_LL_ERR_EN,
        EDMA_RD_LL_ERR_EN, EDMA_WR_CH_PWR_EN(3), EDMA_RD_CH_PWR_EN(1),
    };

    for (size_t i = 0; i < ARRAY_SIZE(rw0); i++) {
        w0(t, rw0[i], 0x1234567 + i);
        g_assert_cmphex(r0(t, rw0[i]), ==, 0x1234567 + i);
    }
    for (int n = 0; n < 4; n++) {
        for (int wr = 0; wr < 2; wr++) {
            static const uint32_t regs[] = {
                EDMA_CH_CONTROL2, EDMA_CH_TRANSFER_SIZE, EDMA_CH_SAR_LO,
                EDMA_CH_SAR_HI, EDMA_CH_DAR_LO, EDMA_CH_DAR_HI,
                EDMA_CH_LLP_LO, EDMA_CH_LLP_HI,
            };
            for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
                uint32_t v = 0xA0000000 | n << 16 | wr << 8 | i;

                w0(t, ch_reg(wr, n, regs[i]), v);
                g_assert_cmphex(r0(t, ch_reg(wr, n, regs[i])), ==, v);
            }
            /* CS cannot be set by the host. */
            w0(t, ch_reg(wr, n, EDMA_CH_CONTROL1), EDMA_CTL_CS_MASK | 0x18);
            g_assert_cmphex(r0(t, ch_reg(wr, n, EDMA_CH_CONTROL1)), ==, 0x18);
            /* No registers past LLP: 0x24 and 0x28 read 0. */
            w0(t, ch_reg(wr, n, 0x24), 0xFFFFFFFF);
            w0(t, ch_reg(wr, n, 0x28), 0xFFFFFFFF);
            g_assert_cmphex(r0(t, ch_reg(wr, n, 0x24)), ==, 0);
            g_assert_cmphex(r0(t, ch_reg(wr, n, 0x28)), ==, 0);
        }
    }
    w0(t, EDMA_WR_INT_MASK, 0xFFFFFFFF);
    g_assert_cmphex(r0(t, EDMA_WR_INT_MASK), ==, 0x000F000F);
    w0(t, EDMA_CTRL, 0);
    g_assert_cmphex(r0(t, EDMA_CTRL), ==, 0x00040004);
    stop(t);
}

/* ---- eDMA transfers ---- */

static void test_edma_write_channel(void)
{
    T *t = start_published(NULL);
    uint8_t buf[8192];

    edma_setup(t);
    memset(buf, 0xEE, sizeof(buf));
    qtest_memwrite(t->qts, RAM_DST, buf, sizeof(buf));
    dma_single(t, true, 1, t->ddr + 0x10000, RAM_DST, sizeof(buf));
    /* In flight: running, destination untouched. */
    step_us(t, 10);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_RUNNING);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0xEEEEEEEE);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    step_us(t, 20);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_STOPPED);
    g_assert_cmpuint(r0(t, ch_reg(true, 1, EDMA_CH_TRANSFER_SIZE)), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, EDMA_INT_DONE(1));
    g_assert_cmphex(r0(t, EDMA_WR_ERR_STATUS), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, imwr_data(true, 1));
    /* Fresh DDR holds the poison pattern. */
    qtest_memread(t->qts, RAM_DST, buf, sizeof(buf));
    assert_poison(buf, sizeof(buf));
    stop(t);
}

static void test_edma_read_channel(void)
{
    T *t = start_published(NULL);
    uint8_t src[12288], back[12288];

    edma_setup(t);
    fill_pattern(src, sizeof(src), 42);
    qtest_memwrite(t->qts, RAM_SRC, src, sizeof(src));
    dma_single(t, false, 2, RAM_SRC, t->ddr + 0x123458, sizeof(src));
    step_us(t, 10);
    g_assert_cmpuint(ch_cs(t, false, 2), ==, EDMA_CS_RUNNING);
    step_us(t, 20);
    g_assert_cmpuint(ch_cs(t, false, 2), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_DONE(2));
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 2));
    /* Round trip through the write channel. */
    card_to_host(t, t->ddr + 0x123458, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    /* The last bytes of DDR. */
    host_to_card(t, t->ddr + MEM_SIZE - 64, src, 64);
    card_to_host(t, t->ddr + MEM_SIZE - 64, back, 64);
    g_assert(memcmp(src, back, 64) == 0);
    stop(t);
}

static void test_edma_bandwidth(void)
{
    T *t = start_published(",latency-us=5,bandwidth-mbps=100");

    edma_setup(t);
    /* 100 KB at 100 MB/s: 1000 us + 5 us latency. */
    dma_single(t, true, 0, t->ddr, RAM_DST, 100000);
    step_us(t, 990);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_RUNNING);
    step_us(t, 20);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_STOPPED);
    stop(t);
}

/*
 * A list in the descriptor region (L2), as the vendor driver places it:
 * cycle 1, two data elements, a link with TCB to a second block (the
 * vendor's fallback region at the end of L2), elements with cycle 0 there,
 * and an element with CB 1 that ends the list.
 */
static void test_edma_ll_l2(void)
{
    T *t = start_published(NULL);
    uint8_t src[3 * 1024], back[3 * 1024];
    uint64_t d1 = t->desc + DMASG_CHAN_SIZE * 3;    /* channel 3's part */
    uint64_t d2 = DMASG_FALLBACK;
    uint64_t ddr = t->ddr;

    edma_setup(t);
    fill_pattern(src, sizeof(src), 3);
    qtest_memwrite(t->qts, RAM_SRC, src, sizeof(src));
    put_elem(t, d1, EDMA_CTL_CB, 1024, RAM_SRC, ddr + 0x2000);
    put_elem(t, d1 + 24, EDMA_CTL_CB, 0, RAM_SRC, ddr);
    put_elem(t, d1 + 48, EDMA_CTL_CB | EDMA_CTL_LLP | EDMA_CTL_TCB, 0,
             d2, 0);
    put_elem(t, d2, EDMA_CTL_RIE | EDMA_CTL_LIE, 2048, RAM_SRC + 1024,
             ddr + 0x2400);
    put_elem(t, d2 + 24, EDMA_CTL_CB, 4096, RAM_SRC, ddr + 0x9000);
    w0(t, EDMA_RD_LL_ERR_EN, 1u << 3);
    dma_ll(t, false, 3, d1, true);
    /* Fetched at the doorbell: rewriting the list now changes nothing. */
    put_elem(t, d1, EDMA_CTL_CB, 1024, RAM_SRC, ddr + 0x7000);
    step_us(t, 10);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_RUNNING);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_DONE(3));
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 3));
    card_to_host(t, ddr + 0x2000, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    /* The element after the end was not run, nor the rewritten one. */
    card_to_host(t, ddr + 0x9000, back, 64);
    assert_poison(back, 64);
    card_to_host(t, ddr + 0x7000, back, 64);
    assert_poison(back, 64);

    /* Write direction from L2 to the host, list in L2 too. */
    qtest_memwrite(t->qts, BAR2_ADDR + l2_off(t->l2free), src, sizeof(src));
    put_elem(t, t->desc, EDMA_CTL_CB | EDMA_CTL_RIE, 3072, t->l2free,
             RAM_DST + 0x10000);
    put_elem(t, t->desc + 24, EDMA_CTL_TCB, 0, 0, 0);   /* the vendor's end */
    dma_ll(t, true, 0, t->desc, true);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, imwr_data(true, 0));
    qtest_memread(t->qts, RAM_DST + 0x10000, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    stop(t);
}

/* A list in DDR, put there by the eDMA itself; link elements into L2. */
static void test_edma_ll_ddr(void)
{
    T *t = start_published(NULL);
    uint8_t src[2048], back[2048], list[4 * 24];
    uint64_t ll = t->ddr + 0x100000;
    uint64_t l2b = t->desc + 0x100;

    edma_setup(t);
    fill_pattern(src, sizeof(src), 8);
    qtest_memwrite(t->qts, RAM_DST + 0x20000, src, sizeof(src));
    /* Elements: 1024 bytes, a link into L2, where 1024 more and the end. */
    memset(list, 0, sizeof(list));
    stl_le_p(list, EDMA_CTL_CB);
    stl_le_p(list + 4, 1024);
    stq_le_p(list + 8, RAM_DST + 0x20000);
    stq_le_p(list + 16, t->l2free);
    stl_le_p(list + 24, EDMA_CTL_CB | EDMA_CTL_LLP);
    stq_le_p(list + 32, l2b);
    host_to_card(t, ll, list, 48);
    put_elem(t, l2b, EDMA_CTL_CB | EDMA_CTL_RIE, 1024, RAM_DST + 0x20400,
             t->l2free + 1024);
    put_elem(t, l2b + 24, 0, 0, 0, 0);
    dma_ll(t, false, 1, ll, true);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, false, 1), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 1));
    qtest_memread(t->qts, BAR2_ADDR + l2_off(t->l2free), back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    stop(t);
}

/*
 * Mainline dw-edma's use of a list (dw-edma-v0-core.c): CCS and LLP are
 * written for the first chunk only; each chunk ends with a link element
 * back to the start whose CB is the other cycle, and the next chunk, with
 * the cycle bits flipped, runs on a doorbell alone.  The engine keeps its
 * place: LLP then holds the element that ended the list, CCS the cycle.
 */
static void test_edma_ll_continue(void)
{
    T *t = start_published(NULL);
    uint8_t src[2048], back[1024];
    uint64_t d = t->desc;

    edma_setup(t);
    fill_pattern(src, sizeof(src), 12);
    qtest_memwrite(t->qts, RAM_SRC, src, sizeof(src));
    put_elem(t, d, EDMA_CTL_CB | EDMA_CTL_LIE | EDMA_CTL_RIE, 1024, RAM_SRC,
             t->ddr);
    put_elem(t, d + 24, EDMA_CTL_LLP | EDMA_CTL_TCB, 0, d, 0);
    dma_ll(t, false, 2, d, true);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, false, 2), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 2));
    g_assert_cmphex(r0(t, ch_reg(false, 2, EDMA_CH_LLP_LO)), ==,
                    (uint32_t)(d + 24));
    g_assert_cmphex(r0(t, ch_reg(false, 2, EDMA_CH_LLP_HI)), ==, d >> 32);
    g_assert_cmphex(r0(t, ch_reg(false, 2, EDMA_CH_CONTROL1)) &
                    EDMA_CTL_CCS, ==, EDMA_CTL_CCS);
    w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
    ram_set(t, RAM_DONE + 4, NO_MSG);

    /* Second chunk: cycle 0, the link's CB is now 1; doorbell only. */
    put_elem(t, d, EDMA_CTL_LIE | EDMA_CTL_RIE, 1024, RAM_SRC + 1024,
             t->ddr + 1024);
    put_elem(t, d + 24, EDMA_CTL_CB | EDMA_CTL_LLP | EDMA_CTL_TCB, 0, d, 0);
    w0(t, EDMA_RD_DOORBELL, 2);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, false, 2), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 2));
    g_assert_cmphex(r0(t, ch_reg(false, 2, EDMA_CH_LLP_LO)), ==,
                    (uint32_t)(d + 24));
    g_assert_cmphex(r0(t, ch_reg(false, 2, EDMA_CH_CONTROL1)) &
                    EDMA_CTL_CCS, ==, 0);
    card_to_host(t, t->ddr + 1024, back, sizeof(back));
    g_assert(memcmp(src + 1024, back, sizeof(back)) == 0);
    card_to_host(t, t->ddr, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(back)) == 0);
    stop(t);
}

/*
 * Interrupts (4.3): RIE sets the done bit and sends the IMWR; LIE only sets
 * the done bit; neither: the channel stops without either.  In a list the
 * elements' bits count, not CH_CONTROL1's.
 */
static void test_edma_rie_lie(void)
{
    T *t = start_published(NULL);

    edma_setup(t);
    dma_single_ctl(t, true, 0, t->ddr, RAM_DST, 64, EDMA_CTL_RIE);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, EDMA_INT_DONE(0));
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, imwr_data(true, 0));
    w0(t, EDMA_WR_INT_CLEAR, EDMA_INT_DONE(0));
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, 0);

    ram_set(t, RAM_DONE, NO_MSG);
    dma_single_ctl(t, true, 1, t->ddr, RAM_DST, 64, EDMA_CTL_LIE);
    step_us(t, 30);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, EDMA_INT_DONE(1));
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);

    dma_single_ctl(t, false, 2, RAM_SRC, t->ddr, 64, 0);
    step_us(t, 30);
    g_assert_cmpuint(ch_cs(t, false, 2), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, NO_MSG);

    /* List: LIE on its element, CH_CONTROL1 without RIE: status only. */
    put_elem(t, t->desc, EDMA_CTL_CB | EDMA_CTL_LIE, 64, RAM_SRC, t->ddr);
    put_elem(t, t->desc + 24, 0, 0, 0, 0);
    dma_ll(t, false, 3, t->desc, true);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_DONE(3));
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, NO_MSG);
    /* RIE on the last element of a list: the IMWR. */
    w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
    put_elem(t, t->desc, EDMA_CTL_CB, 64, RAM_SRC, t->ddr);
    put_elem(t, t->desc + 24, EDMA_CTL_CB | EDMA_CTL_RIE, 64, RAM_SRC,
             t->ddr + 64);
    put_elem(t, t->desc + 48, 0, 0, 0, 0);
    dma_ll(t, false, 3, t->desc, true);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_DONE(3));
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 3));
    stop(t);
}

static void test_edma_all_channels(void)
{
    T *t = start_published(NULL);
    uint8_t src[4][4096], back[4096];

    edma_setup(t);
    for (int n = 0; n < 4; n++) {
        fill_pattern(src[n], 4096, 100 + n);
        qtest_memwrite(t->qts, RAM_SRC + n * 4096, src[n], 4096);
    }
    /* All four read channels, to DDR and L2; they overlap. */
    for (int n = 0; n < 4; n++) {
        uint64_t card = n & 1 ? t->l2free + n * 0x10000 :
                                t->ddr + n * 0x100000;

        dma_single(t, false, n, RAM_SRC + n * 4096, card, 4096);
    }
    for (int n = 0; n < 4; n++) {
        g_assert_cmpuint(ch_cs(t, false, n), ==, EDMA_CS_RUNNING);
    }
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, 0xF);
    /* All four write channels back to host memory, also overlapping. */
    for (int n = 0; n < 4; n++) {
        uint64_t card = n & 1 ? t->l2free + n * 0x10000 :
                                t->ddr + n * 0x100000;

        dma_single(t, true, n, card, RAM_DST + n * 0x10000, 4096);
    }
    for (int n = 0; n < 4; n++) {
        g_assert_cmpuint(ch_cs(t, true, n), ==, EDMA_CS_RUNNING);
    }
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, 0xF);
    for (int n = 0; n < 4; n++) {
        qtest_memread(t->qts, RAM_DST + n * 0x10000, back, sizeof(back));
        g_assert(memcmp(src[n], back, sizeof(back)) == 0);
        g_assert_cmpuint(ch_cs(t, true, n), ==, EDMA_CS_STOPPED);
        g_assert_cmpuint(ch_cs(t, false, n), ==, EDMA_CS_STOPPED);
    }
    stop(t);
}

static void test_edma_irq_mask_clear(void)
{
    T *t = start_published(NULL);

    edma_setup(t);
    /* Masked done: status set, no IMWR. */
    w0(t, EDMA_WR_INT_MASK, EDMA_INT_DONE(0));
    dma_single(t, true, 0, t->ddr, RAM_DST, 64);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, EDMA_INT_DONE(0));
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    w0(t, EDMA_WR_INT_CLEAR, EDMA_INT_DONE(0));
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, 0);
    /* Unmasked: IMWR carries the channel's data. */
    w0(t, EDMA_WR_INT_MASK, 0);
    w0(t, EDMA_WR_CH01_IMWR_DATA, 0xBEEF);
    dma_single(t, true, 0, t->ddr, RAM_DST, 64);
    step_us(t, 30);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, 0xBEEF);
    /* IMWR address 0 sends nothing. */
    ram_set(t, RAM_DONE, NO_MSG);
    w0(t, EDMA_WR_DONE_IMWR_LO, 0);
    dma_single(t, true, 0, t->ddr, RAM_DST, 64);
    step_us(t, 30);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    /* Abort masked: status and error bits, no IMWR; clear clears both. */
    w0(t, EDMA_RD_INT_MASK, EDMA_INT_ABORT(1));
    dma_single(t, false, 1, RAM_SRC, 0, 64);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_ABORT(1));
    g_assert_cmphex(r0(t, EDMA_RD_ERR_STATUS_LOW), ==, 2);
    g_assert_cmphex(ram_l(t, RAM_ABORT + 4), ==, NO_MSG);
    w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_ABORT(1));
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_ERR_STATUS_LOW), ==, 0);
    stop(t);
}

/* ---- eDMA errors (4.5) ---- */

static void test_edma_err_host(void)
{
    T *t = start_published(NULL);

    edma_setup(t);
    dma_single(t, false, 0, RAM_UNMAPPED, t->ddr, 4096);
    step_us(t, 30);
    assert_abort(t, false, 0, false);
    ram_set(t, RAM_DST, 0x11111111);
    dma_single(t, true, 1, t->ddr, RAM_UNMAPPED, 4096);
    step_us(t, 30);
    assert_abort(t, true, 1, false);
    /* Bus mastering off: every host access fails. */
    dev_cfg_write(t, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    dma_single(t, true, 2, t->ddr, RAM_DST, 64);
    step_us(t, 30);
    g_assert_cmpuint(ch_cs(t, true, 2), ==, EDMA_CS_HALTED);
    g_assert_cmphex(r0(t, EDMA_WR_ERR_STATUS), ==, 0x2 | 0x4);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x11111111);
    stop(t);
}

static void test_edma_err_card_addr(void)
{
    T *t = start_published(NULL);
    static const uint64_t bad[] = {
        0x1000,                 /* below L2 */
        0x07FFFFF0,             /* straddling L2's start */
        0x09FFFFF0,             /* straddling L2's end */
        0x0A000000,             /* between L2 and DDR */
        0x100000000ULL + MEM_SIZE - 32,     /* straddling DDR's end */
        0xFFFFFFFFFFFFFFF0ULL,
    };

    edma_setup(t);
    ram_set(t, RAM_DST, 0x22222222);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        bool wr = i & 1;

        ram_set(t, RAM_ABORT + (wr ? 0 : 4), NO_MSG);
        if (wr) {
            dma_single(t, true, 0, bad[i], RAM_DST, 64);
        } else {
            dma_single(t, false, 0, RAM_SRC, bad[i], 64);
        }
        step_us(t, 30);
        assert_abort(t, wr, 0, false);
        w0(t, wr ? EDMA_WR_INT_CLEAR : EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
    }
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x22222222);
    /* A bad element later in a list: nothing is moved. */
    put_elem(t, t->desc, 0, 64, t->ddr, RAM_DST);
    put_elem(t, t->desc + 24, 0, 64, 0x5000, RAM_DST + 64);
    put_elem(t, t->desc + 48, EDMA_CTL_CB, 0, 0, 0);
    dma_ll(t, true, 3, t->desc, false);
    step_us(t, 30);
    assert_abort(t, true, 3, false);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x22222222);
    stop(t);
}

/*
 * A host address that decodes to the card's own BAR0: the transfer runs
 * from a timer, not from an MMIO access, and must not re-enter the model
 * (QEMU's re-entrancy guard): the access fails, the transfer aborts with
 * an application error and no register changes.  The same for an IMWR
 * pointed at the card's own doorbell.
 */
static void test_edma_err_reentrant(void)
{
    T *t = start_published(NULL);
    uint8_t ones[8];

    edma_setup(t);
    memset(ones, 0xFF, sizeof(ones));
    host_to_card(t, t->ddr, ones, sizeof(ones));
    dma_single(t, true, 0, t->ddr, BAR0_ADDR + EDMA_RD_INT_MASK, 4);
    step_us(t, 30);
    assert_abort(t, true, 0, false);
    g_assert_cmphex(r0(t, EDMA_RD_INT_MASK), ==, 0);
    w0(t, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);

    /* Done IMWR of write channel 1 = its own doorbell: no restart. */
    w0(t, EDMA_WR_DONE_IMWR_LO, BAR0_ADDR + EDMA_WR_DOORBELL);
    w0(t, EDMA_WR_DONE_IMWR_HI, 0);
    w0(t, EDMA_WR_CH01_IMWR_DATA, 1u << 16 | 1);
    dma_single(t, true, 1, t->ddr, RAM_DST, 4);
    step_us(t, 30);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_STOPPED);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_STOPPED);
    g_assert_cmpuint(qom_get_int(t, "stat-transfers"), ==, 2);
    stop(t);
}

/*
 * A transfer whose first element writes the card's own DEVCTL through the
 * host's ECAM window with Initiate FLR set: the card resets in the middle
 * of its own transfer.  As for any reset (section 6) the transfer is
 * dropped: no later element writes, no status, CS idle.
 */
static void test_edma_reset_midway(void)
{
    T *t = start_published(NULL);
    uint8_t data[128];
    uint64_t ecam = 0xB0000000ULL;

    /* q35's PCIEXBAR: ECAM at 0xB0000000, enabled. */
    cfg_write(t, 0, 0, 0x64, 4, 0);
    cfg_write(t, 0, 0, 0x60, 4, ecam | 1);
    g_assert_cmphex(qtest_readw(t->qts, ecam + (DEV_BUS << 20)), ==,
                    METIS_VENDOR_ID);
    edma_setup(t);
    memset(data, 0, sizeof(data));
    stl_le_p(data, PCI_EXP_DEVCTL_BCR_FLR);
    host_to_card(t, t->ddr, data, sizeof(data));
    ram_set(t, RAM_DST, 0x77777777);
    put_elem(t, t->desc, EDMA_CTL_CB, 4, t->ddr,
             ecam + (DEV_BUS << 20) + EXP_CAP + PCI_EXP_DEVCTL);
    put_elem(t, t->desc + 24, EDMA_CTL_CB | EDMA_CTL_RIE, 64, t->ddr + 64,
             RAM_DST);
    put_elem(t, t->desc + 48, EDMA_CTL_TCB, 0, 0, 0);
    dma_ll(t, true, 1, t->desc, true);
    step_us(t, 100);
    g_assert_cmphex(dev_cfg_read(t, PCI_COMMAND, 2), ==, 0);   /* reset */
    setup_dev(t);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_IDLE);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_ERR_STATUS), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x77777777);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    g_assert_cmpuint(qom_get_int(t, "stat-transfers"), ==, 1);
    stop(t);
}

/* LLP and link elements must point at card memory (4.4). */
static void test_edma_err_desc_fetch(void)
{
    T *t = start_published(NULL);

    edma_setup(t);
    /* A host address is not card memory. */
    put_elem(t, t->desc, EDMA_CTL_CB, 64, RAM_SRC, t->ddr);
    dma_ll(t, false, 0, RAM_DESC, true);
    step_us(t, 30);
    assert_abort(t, false, 0, true);
    w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
    g_assert_cmphex(r0(t, EDMA_RD_ERR_STATUS_HIGH), ==, 0);
    /* An element straddling the end of L2. */
    dma_ll(t, false, 1, METIS_L2_BASE + METIS_L2_SIZE - 16, true);
    step_us(t, 30);
    assert_abort(t, false, 1, true);
    /* A link element to a host address. */
    put_elem(t, t->desc, EDMA_CTL_LLP, 0, RAM_DESC, 0);
    dma_ll(t, true, 1, t->desc, false);
    step_us(t, 30);
    assert_abort(t, true, 1, true);
    stop(t);
}

static void test_edma_err_desc_loop(void)
{
    T *t = start_published(NULL);

    edma_setup(t);
    /* A link element pointing at itself: bounded at 65536 elements. */
    put_elem(t, t->desc, EDMA_CTL_LLP | EDMA_CTL_CB, 0, t->desc, 0);
    dma_ll(t, false, 2, t->desc, true);
    step_us(t, 30);
    assert_abort(t, false, 2, true);
    stop(t);
}

static void test_edma_err_size(void)
{
    T *t = start_published(NULL);

    edma_setup(t);
    ram_set(t, RAM_DST, 0x33333333);
    dma_single(t, true, 3, t->ddr, RAM_DST, 0x40000001);
    step_us(t, 30);
    assert_abort(t, true, 3, false);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x33333333);
    /* Two elements of 768 MiB: the total is over 1 GiB. */
    put_elem(t, t->desc, 0, 768 << 20, RAM_SRC, t->ddr);
    put_elem(t, t->desc + 24, 0, 768 << 20, RAM_SRC, t->ddr);
    put_elem(t, t->desc + 48, EDMA_CTL_CB, 0, 0, 0);
    dma_ll(t, false, 0, t->desc, false);
    step_us(t, 30);
    assert_abort(t, false, 0, false);
    stop(t);
}

static void test_edma_err_stop(void)
{
    T *t = start_published(",latency-us=1000");

    edma_setup(t);
    ram_set(t, RAM_DST, 0x44444444);
    dma_single(t, true, 0, t->ddr, RAM_DST, 4096);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_RUNNING);
    w0(t, EDMA_WR_DOORBELL, EDMA_DOORBELL_STOP | 0);
    assert_abort(t, true, 0, false);
    step_us(t, 2000);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x44444444);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_HALTED);
    /* Host clears the stale CS. */
    w0(t, ch_reg(true, 0, EDMA_CH_CONTROL1), 0);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_IDLE);
    /* A STOP of an idle channel aborts it too. */
    w0(t, EDMA_RD_DOORBELL, EDMA_DOORBELL_STOP | 2);
    assert_abort(t, false, 2, false);
    stop(t);
}

static void test_edma_err_engine_disable(void)
{
    T *t = start_published(",latency-us=1000");

    edma_setup(t);
    ram_set(t, RAM_DST, 0x55555555);
    dma_single(t, true, 1, t->ddr, RAM_DST, 4096);
    dma_single(t, false, 1, RAM_SRC, t->ddr, 4096);
    w0(t, EDMA_WR_ENGINE_EN, 0);
    assert_abort(t, true, 1, false);
    g_assert_cmpuint(ch_cs(t, false, 1), ==, EDMA_CS_RUNNING);
    step_us(t, 2000);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x55555555);
    g_assert_cmpuint(ch_cs(t, false, 1), ==, EDMA_CS_STOPPED);
    /* Doorbells of a disabled engine are ignored. */
    dma_single(t, true, 2, t->ddr, RAM_DST, 64);
    g_assert_cmpuint(ch_cs(t, true, 2), ==, EDMA_CS_IDLE);
    stop(t);
}

/* A doorbell while the channel runs is ignored. */
static void test_edma_busy(void)
{
    T *t = start_published(",latency-us=1000");

    edma_setup(t);
    dma_single(t, false, 3, RAM_SRC, t->ddr, 4096);
    step_us(t, 10);
    w0(t, ch_reg(false, 3, EDMA_CH_TRANSFER_SIZE), 8);
    w0(t, EDMA_RD_DOORBELL, 3);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_RUNNING);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_ABORT + 4), ==, NO_MSG);
    /* Writing CONTROL1 while running leaves CS at 1. */
    w0(t, ch_reg(false, 3, EDMA_CH_CONTROL1), EDMA_CTL_RIE);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_RUNNING);
    step_us(t, 980);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_RUNNING);
    step_us(t, 20);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_DONE(3));
    g_assert_cmphex(r0(t, EDMA_RD_ERR_STATUS_LOW), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 3));
    stop(t);
}

/*
 * dma-vm=on: sysctl dma_vm says so and the card sends the channel's MSI
 * (4 + n read, 8 + n write) where the IMWR would have gone.
 */
static void test_edma_dma_vm(void)
{
    T *t = start_raw("", ",dma-vm=on");

    assert_static_block(t, METIS_DMA_VM_MAGIC);
    wait_areas(t, true);
    w0(t, EDMA_WR_ENGINE_EN, 1);
    w0(t, EDMA_RD_ENGINE_EN, 1);
    ram_set(t, RAM_MSI, NO_MSG);
    dma_single(t, false, 1, RAM_SRC, t->ddr, 64);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, EDMA_INT_DONE(1));
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | METIS_VEC_EDMA_RD(1));
    dma_single(t, true, 2, 0x1000, RAM_DST, 64);    /* aborts */
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, EDMA_INT_ABORT(2));
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | METIS_VEC_EDMA_WR(2));
    /* Masked, LIE only: status, no MSI. */
    ram_set(t, RAM_MSI, NO_MSG);
    w0(t, EDMA_RD_INT_MASK, EDMA_INT_DONE(0));
    dma_single(t, false, 0, RAM_SRC, t->ddr, 64);
    dma_single_ctl(t, false, 3, RAM_SRC, t->ddr, 64, EDMA_CTL_LIE);
    step_us(t, 30);
    g_assert_cmphex(r0(t, EDMA_RD_INT_STATUS), ==, 0xB);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, 2);
    stop(t);
}

/* ---- Extension area registers (5.1) ---- */

static void test_ext_regs(void)
{
    T *t = start(NULL);

    g_assert_cmphex(rx(t, EXT_ID), ==, 0x5354454D);
    g_assert_cmphex(rx(t, EXT_VERSION), ==, 2);
    g_assert_cmphex(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTROM);
    g_assert_cmphex(rx(t, EXT_FW_ERROR), ==, 0);
    g_assert_cmphex(rx(t, EXT_FW_VERSION), ==, 0);
    g_assert_cmphex(rx(t, EXT_MB_STATUS), ==, MB_IDLE);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_MASK), ==, 0);
    g_assert_cmphex(rx(t, EXT_HB_PERIOD_MS), ==, 50);
    g_assert_cmphex(rx(t, EXT_HB_COUNT), ==, 0);
    g_assert_cmphex(rx(t, EXT_SCRATCH), ==, 0);
    g_assert_cmphex(rx(t, EXT_CTX_COUNT), ==, 4);
    for (int n = 0; n < 4; n++) {
        for (uint32_t off = 0; off < CTX_STRIDE; off += 4) {
            g_assert_cmphex(ctx_r(t, n, off), ==, 0);
        }
    }
    /* MEM_BASE and MEM_SIZE are gone; unlisted offsets read 0. */
    for (uint32_t off = 0x034; off < EXT_SCRATCH; off += 4) {
        g_assert_cmphex(rx(t, off), ==, 0);
    }
    g_assert_cmphex(rx(t, 0x050), ==, 0);
    g_assert_cmphex(rx(t, 0x800), ==, 0);
    g_assert_cmphex(rx(t, 0xFFC), ==, 0);

    wx(t, EXT_SCRATCH, 0xCAFEF00D);
    g_assert_cmphex(rx(t, EXT_SCRATCH), ==, 0xCAFEF00D);
    wx(t, EXT_IRQ_MASK, 0xFFFFFFFF);
    g_assert_cmphex(rx(t, EXT_IRQ_MASK), ==, EXT_IRQ_ALL);
    wx(t, EXT_ID, 0);
    g_assert_cmphex(rx(t, EXT_ID), ==, 0x5354454D);
    wx(t, 0x800, 0x12345678);
    g_assert_cmphex(rx(t, 0x800), ==, 0);
    wx(t, ctx_base(2) + CTX_PARAM, 0x87654321);
    g_assert_cmphex(ctx_r(t, 2, CTX_PARAM), ==, 0x87654321);
    /* Registers, not memory: 32-bit accesses only. */
    g_assert_cmphex(qtest_readw(t->qts, BAR2_ADDR + t->ext + EXT_ID), ==, 0);
    g_assert_cmphex(qtest_readq(t->qts, BAR2_ADDR + t->ext + EXT_ID), ==, 0);
    qtest_writeb(t->qts, BAR2_ADDR + t->ext + EXT_SCRATCH, 0x11);
    g_assert_cmphex(rx(t, EXT_SCRATCH), ==, 0xCAFEF00D);
    stop(t);
}

/* ---- MSI ---- */

static void test_msi_vectors(void)
{
    T *t = start(NULL);

    /* Per-vector mask: a masked vector is held pending. */
    ram_set(t, RAM_MSI, NO_MSG);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_MASK_64, 4, 1u << 12);
    mb_cmd(t, MB_OP_PING, 4, "\0\0\0\0", 4);        /* error: not running */
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    g_assert_cmphex(dev_cfg_read(t, MSI_CAP + PCI_MSI_PENDING_64, 4) &
                    (1u << 12), !=, 0);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_MASK_64, 4, 0);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 12);

    /* One vector enabled: everything arrives on vector 0. */
    dev_cfg_write(t, MSI_CAP + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
    ram_set(t, RAM_MSI, NO_MSG);
    mb_cmd(t, MB_OP_PING, 4, "\0\0\0\0", 4);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA);

    /* MSI disabled: nothing is sent. */
    dev_cfg_write(t, MSI_CAP + PCI_MSI_FLAGS, 2, 0);
    ram_set(t, RAM_MSI, NO_MSG);
    mb_cmd(t, MB_OP_PING, 4, "\0\0\0\0", 4);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS) & EXT_IRQ_MB, !=, 0);
    stop(t);
}

/*
 * Interrupts the host cannot receive are counted: sources left unmasked
 * after the driver disabled MSI, eDMA interrupt writes with bus mastering
 * off.  The detach tests read the counter.
 */
static void test_irqs_lost(void)
{
    T *t = start(NULL);
    uint16_t cmd;

    fw_boot(t);
    step_us(t, 120 * 1000);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs-lost"), ==, 0);
    /* MSI off, heartbeat unmasked: every beat is lost. */
    dev_cfg_write(t, MSI_CAP + PCI_MSI_FLAGS, 2, 0);
    step_us(t, 100 * 1000);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs-lost"), ==, 2);
    /* Silenced at the device first, as a driver must: nothing lost. */
    wx(t, EXT_IRQ_MASK, EXT_IRQ_ALL);
    step_us(t, 100 * 1000);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs-lost"), ==, 2);
    /* An eDMA done write with bus mastering off is lost too. */
    cmd = dev_cfg_read(t, PCI_COMMAND, 2);
    dev_cfg_write(t, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MASTER);
    dma_single(t, false, 0, RAM_SRC, t->ddr, 64);
    step_us(t, 1000);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs-lost"), ==, 3);
    stop(t);
}

/* ---- VMSI flag words (3.5) ---- */

static void hdrv_enable(T *t, uint64_t target)
{
    qtest_writeq(t->qts, BAR2_ADDR + t->hdrv + HDRV_TARGET, target);
    w2(t, t->hdrv + HDRV_BASE, 0);
    w2(t, t->hdrv + HDRV_DMA_SIZE, 0x200000);
    w2(t, t->hdrv + HDRV_CTRL, 1);
}

static void vmsi_clear(T *t)
{
    for (int v = 0; v < 32; v++) {
        ram_set(t, RAM_VMSI + 4 * v, 0);
    }
}

/* Word @v is 1, every other word 0. */
static void assert_vmsi_only(T *t, int v)
{
    for (int i = 0; i < 32; i++) {
        g_assert_cmphex(ram_l(t, RAM_VMSI + 4 * i), ==, i == v);
    }
}

static void test_vmsi_flags(void)
{
    T *t = start(NULL);

    fw_boot(t);
    vmsi_clear(t);
    /* Published with ctrl = 0: nothing is written. */
    ram_set(t, RAM_MSI, NO_MSG);
    mb_cmd(t, MB_OP_PING, 4, "abcd", 4);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 12);
    assert_vmsi_only(t, -1);

    /* Enabled: the flag word, then the MSI. */
    hdrv_enable(t, RAM_VMSI);
    ram_set(t, RAM_MSI, NO_MSG);
    mb_cmd(t, MB_OP_PING, 4, "abcd", 4);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 12);
    assert_vmsi_only(t, 12);
    vmsi_clear(t);
    ctx_run(t, 2, CTX_OP_NOP, 0, 0, 0, 10);
    step_us(t, 20);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 2);
    assert_vmsi_only(t, 2);
    vmsi_clear(t);
    /* Heartbeats too. */
    step_us(t, 50 * 1000);
    g_assert_cmpuint(rx(t, EXT_HB_COUNT), ==, 1);
    assert_vmsi_only(t, 12);
    vmsi_clear(t);

    /* eDMA interrupts do not touch the array. */
    g_assert_cmpuint(dma_sync(t, false, 1, RAM_SRC, t->ddr, 64), ==,
                     EDMA_CS_STOPPED);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 1));
    assert_vmsi_only(t, -1);

    /* A masked source: neither flag nor MSI. */
    wx(t, EXT_IRQ_MASK, EXT_IRQ_MB | EXT_IRQ_HB);
    ram_set(t, RAM_MSI, NO_MSG);
    mb_cmd(t, MB_OP_PING, 4, "abcd", 4);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    assert_vmsi_only(t, -1);

    /* ctrl = 0 withdraws the buffer: the MSI alone. */
    w2(t, t->hdrv + HDRV_CTRL, 0);
    wx(t, EXT_IRQ_MASK, EXT_IRQ_HB);
    mb_cmd(t, MB_OP_PING, 4, "abcd", 4);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 12);
    assert_vmsi_only(t, -1);
    stop(t);
}

/* ---- Firmware boot (5.2) ---- */

static void test_fw_boot(void)
{
    T *t = start(NULL);
    size_t len;
    g_autofree uint8_t *img = make_fw(BRK_NONE, &len);

    edma_setup(t);
    g_assert_cmphex(r2q(t, SYSCTL_FW_LOAD_ADDR), ==, t->ddr);
    host_to_card(t, t->ddr, img, len);
    ram_set(t, RAM_MSI, NO_MSG);
    mb_boot_cmd(t, t->ddr, len);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_BUSY);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTING);
    step_us(t, FW_BOOT_US - 10);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTING);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    step_us(t, 20);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_READY);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_DONE);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, FW_VERSION_OK);
    g_assert_cmphex(rx(t, EXT_FW_VERSION), ==, FW_VERSION_OK);
    g_assert_cmphex(rx(t, EXT_FW_ERROR), ==, 0);
    g_assert_cmphex(qtest_readb(t->qts, BAR2_ADDR + SYSCTL_MASTER_VERSION),
                    ==, 1);
    g_assert_cmphex(qtest_readb(t->qts,
                                BAR2_ADDR + SYSCTL_MASTER_VERSION + 1), ==, 2);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS) & (EXT_IRQ_MB | EXT_IRQ_FW), ==,
                    EXT_IRQ_MB | EXT_IRQ_FW);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | METIS_VEC_MSG);
    /* A running firmware answers BOOT with MB_ERR_STATE. */
    mb_boot_cmd(t, t->ddr, len);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_ERROR);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, MB_ERR_STATE);
    /* The load area is free afterwards. */
    host_to_card(t, t->ddr, img + 64, 64);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_READY);
    stop(t);
}

static void check_boot_reject(int brk, uint32_t code)
{
    T *t = start(NULL);

    edma_setup(t);
    g_assert_cmpuint(fw_boot_image(t, brk), ==, MB_ERROR);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_FAILED);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, code);
    g_assert_cmpuint(rx(t, EXT_MB_RESULT), ==, code);
    g_assert_cmpuint(rx(t, EXT_FW_VERSION), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS) & (EXT_IRQ_MB | EXT_IRQ_FW), ==,
                    EXT_IRQ_MB | EXT_IRQ_FW);
    /* A failed boot can be retried. */
    g_assert_cmpuint(fw_boot_image(t, BRK_NONE), ==, MB_DONE);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_READY);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, 0);
    stop(t);
}

static void test_fw_reject_magic(void)
{
    check_boot_reject(BRK_MAGIC, FW_ERR_MAGIC);
}

static void test_fw_reject_header(void)
{
    check_boot_reject(BRK_HEADER, FW_ERR_HEADER);
}

static void test_fw_reject_version(void)
{
    check_boot_reject(BRK_VERSION, FW_ERR_VERSION);
}

static void test_fw_reject_size(void)
{
    check_boot_reject(BRK_SIZE, FW_ERR_SIZE);
}

static void test_fw_reject_checksum(void)
{
    check_boot_reject(BRK_CHECKSUM, FW_ERR_CHECKSUM);
}

static void test_fw_reject_addr(void)
{
    T *t = start(NULL);
    size_t len;
    g_autofree uint8_t *img = make_fw(BRK_NONE, &len);

    edma_setup(t);
    mb_boot_cmd(t, 0x1000, 8192);                   /* not card memory */
    step_us(t, 2010);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_ERROR);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, FW_ERR_ADDR);
    mb_boot_cmd(t, t->ddr + MEM_SIZE - 32, 64);     /* over the end */
    step_us(t, 2010);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, FW_ERR_ADDR);
    mb_boot_cmd(t, METIS_L2_BASE + METIS_L2_SIZE - 32, 64);
    step_us(t, 2010);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, FW_ERR_ADDR);
    mb_boot_cmd(t, t->ddr, 63);                     /* smaller than a header */
    step_us(t, 2010);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, FW_ERR_ADDR);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_FAILED);
    /* An image in L2, written through BAR2, boots. */
    qtest_memwrite(t->qts, BAR2_ADDR + l2_off(t->l2free), img, len);
    mb_boot_cmd(t, t->l2free, len);
    step_us(t, FW_BOOT_US + 10);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_DONE);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_READY);
    stop(t);
}

/* Images from emulator/tools/metis-mkfw (path in $METIS_MKFW). */
static uint8_t *mkfw(const char *mkfw_bin, const char *brk, size_t *len)
{
    g_autofree char *path = g_strdup_printf("%s/metis-fw-%d-%s.bin",
                                            g_get_tmp_dir(), getpid(),
                                            brk ? brk : "good");
    const char *argv[] = {
        mkfw_bin, "-o", path, "--version", "1.4.2", "--payload-size",
        "10000", "--boot-time-us", "300", "--build-id", "qtest-mkfw",
        brk ? "--break" : NULL, brk, NULL,
    };
    g_autoptr(GError) err = NULL;
    gchar *img = NULL;
    gint status;

    g_assert(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, NULL,
                          NULL, &status, &err));
    /* Not g_spawn_check_wait_status(): QEMU allows glib 2.66 APIs only. */
    g_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_assert(g_file_get_contents(path, &img, len, NULL));
    unlink(path);
    return (uint8_t *)img;
}

static void test_fw_mkfw_images(void)
{
    static const struct {
        const char *brk;
        uint32_t err;
    } cases[] = {
        { "magic", FW_ERR_MAGIC },
        { "header", FW_ERR_HEADER },
        { "version", FW_ERR_VERSION },
        { "size", FW_ERR_SIZE },
        { "checksum", FW_ERR_CHECKSUM },
        { NULL, FW_ERR_NONE },
    };
    const char *bin = g_getenv("METIS_MKFW");
    uint32_t want;
    T *t;

    if (!bin) {
        g_test_skip("METIS_MKFW is not set");
        return;
    }
    t = start(NULL);
    edma_setup(t);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t len;
        g_autofree uint8_t *img = mkfw(bin, cases[i].brk, &len);

        g_assert_cmpuint(len, ==, FW_HDR_SIZE + 10000);
        g_assert(memcmp(img + 32, "qtest-mkfw", 11) == 0);
        host_to_card(t, t->ddr, img, len);
        mb_boot_cmd(t, t->ddr, len);
        step_us(t, 290);
        g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_BUSY);
        step_us(t, 20);
        want = MB_DONE;
        if (cases[i].err) {
            want = MB_ERROR;
        }
        g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, cases[i].err);
        g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, want);
    }
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_READY);
    g_assert_cmphex(rx(t, EXT_FW_VERSION), ==, 0x010402);
    stop(t);
}

/* ---- Mailbox ---- */

static void test_mb_ping(void)
{
    T *t = start(NULL);
    uint8_t msg[4];

    fw_boot(t);
    ram_set(t, RAM_MSI, NO_MSG);
    stl_le_p(msg, 0x12345678);
    mb_cmd(t, MB_OP_PING, 4, msg, 4);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_DONE);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, 0xEDCBA987);
    g_assert_cmphex(r2(t, SYSCTL_CMD_MSG), ==, 0xEDCBA987);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS) & EXT_IRQ_MB, ==, EXT_IRQ_MB);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | METIS_VEC_MSG);
    stop(t);
}

static void test_mb_errors(void)
{
    T *t = start(NULL);

    mb_cmd(t, MB_OP_PING, 4, "abcd", 4);            /* boot ROM */
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_ERROR);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, MB_ERR_STATE);
    mb_cmd(t, 77, 4, "abcd", 4);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, MB_ERR_OPCODE);
    mb_cmd(t, MB_OP_BOOT, 8, "abcdefgh", 8);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, MB_ERR_SIZE);
    mb_cmd(t, MB_OP_BOOT, 257, "abcd", 4);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, MB_ERR_SIZE);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTROM);
    fw_boot(t);
    mb_cmd(t, MB_OP_PING, 2, "abcd", 4);
    g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_ERROR);
    g_assert_cmphex(rx(t, EXT_MB_RESULT), ==, MB_ERR_SIZE);
    /* A doorbell while BOOT runs is ignored. */
    wx(t, EXT_SOFT_RESET, EXT_SOFT_RESET_MAGIC);
    wait_areas(t, true);
    edma_setup(t);
    {
        size_t len;
        g_autofree uint8_t *img = make_fw(BRK_NONE, &len);

        host_to_card(t, t->ddr, img, len);
        mb_boot_cmd(t, t->ddr, len);
        mb_cmd(t, 77, 4, "abcd", 4);
        g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_BUSY);
        step_us(t, FW_BOOT_US + 10);
        g_assert_cmpuint(rx(t, EXT_MB_STATUS), ==, MB_DONE);
    }
    stop(t);
}

/* ---- Contexts (5.4) ---- */

static void test_ctx_nop(void)
{
    T *t = start(NULL);

    fw_boot(t);
    ram_set(t, RAM_MSI, NO_MSG);
    ctx_run(t, 1, CTX_OP_NOP, 0, 0, 0, 300);
    g_assert_cmpuint(ctx_r(t, 1, CTX_STATUS), ==, CTX_BUSY);
    step_us(t, 290);
    g_assert_cmpuint(ctx_r(t, 1, CTX_STATUS), ==, CTX_BUSY);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    step_us(t, 20);
    g_assert_cmpuint(ctx_r(t, 1, CTX_STATUS), ==, CTX_DONE);
    g_assert_cmphex(ctx_r(t, 1, CTX_RESULT_LO), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, EXT_IRQ_CTX(1));
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 1);
    stop(t);
}

static void test_ctx_crc32(void)
{
    T *t = start(NULL);
    uint8_t data[8192];
    uint64_t l2 = t->l2free + 0x20000;

    fw_boot(t);
    fill_pattern(data, sizeof(data), 9);
    host_to_card(t, t->ddr + 0x400000, data, sizeof(data));
    ctx_run(t, 0, CTX_OP_CRC32, t->ddr + 0x400000, sizeof(data) - 1, 0, 0);
    step_us(t, 7);                                  /* 1 us per KiB */
    g_assert_cmpuint(ctx_r(t, 0, CTX_STATUS), ==, CTX_BUSY);
    step_us(t, 2);
    g_assert_cmpuint(ctx_r(t, 0, CTX_STATUS), ==, CTX_DONE);
    g_assert_cmphex(ctx_r(t, 0, CTX_RESULT_LO), ==,
                    crc32_ieee(0, data, sizeof(data) - 1));
    g_assert_cmphex(ctx_r(t, 0, CTX_RESULT_HI), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, EXT_IRQ_CTX(0));
    /* A region in L2, written through BAR2. */
    fill_pattern(data, sizeof(data), 19);
    qtest_memwrite(t->qts, BAR2_ADDR + l2_off(l2), data, sizeof(data));
    ctx_run(t, 3, CTX_OP_CRC32, l2, sizeof(data), 0, 0);
    step_us(t, 10);
    g_assert_cmpuint(ctx_r(t, 3, CTX_STATUS), ==, CTX_DONE);
    g_assert_cmphex(ctx_r(t, 3, CTX_RESULT_LO), ==,
                    crc32_ieee(0, data, sizeof(data)));
    stop(t);
}

static void test_ctx_xor32(void)
{
    T *t = start(NULL);
    uint8_t data[4096], back[4096];

    fw_boot(t);
    fill_pattern(data, sizeof(data), 10);
    host_to_card(t, t->ddr + 0x800000, data, sizeof(data));
    ctx_run(t, 2, CTX_OP_XOR32, t->ddr + 0x800000, sizeof(data),
            0xA5A5F00F, 50);
    step_us(t, 20);
    /* Contents change only at completion. */
    card_to_host(t, t->ddr + 0x800000, back, sizeof(back));
    g_assert(memcmp(data, back, sizeof(data)) == 0);
    step_us(t, 100);
    g_assert_cmpuint(ctx_r(t, 2, CTX_STATUS), ==, CTX_DONE);
    for (size_t i = 0; i < sizeof(data); i += 4) {
        stl_le_p(data + i, ldl_le_p(data + i) ^ 0xA5A5F00F);
    }
    g_assert_cmphex(ctx_r(t, 2, CTX_RESULT_LO), ==,
                    crc32_ieee(0, data, sizeof(data)));
    card_to_host(t, t->ddr + 0x800000, back, sizeof(back));
    g_assert(memcmp(data, back, sizeof(data)) == 0);
    stop(t);
}

static void test_ctx_fill32(void)
{
    T *t = start(NULL);
    uint8_t back[4096 + 8];
    uint64_t l2 = t->l2free + 0x1000;

    fw_boot(t);
    ram_set(t, RAM_MSI, NO_MSG);
    ctx_run(t, 3, CTX_OP_FILL32, t->ddr + 0x101000, 4096, 0x01020304, 0);
    step_us(t, 10);
    g_assert_cmpuint(ctx_r(t, 3, CTX_STATUS), ==, CTX_DONE);
    g_assert_cmphex(ctx_r(t, 3, CTX_RESULT_LO), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 3);
    card_to_host(t, t->ddr + 0x101000 - 4, back, sizeof(back));
    g_assert_cmphex(ldl_le_p(back), ==, METIS_POISON);
    for (size_t i = 4; i < 4096 + 4; i += 4) {
        g_assert_cmphex(ldl_le_p(back + i), ==, 0x01020304);
    }
    g_assert_cmphex(ldl_le_p(back + 4100), ==, METIS_POISON);
    /* In L2: the host sees it through BAR2. */
    ctx_run(t, 1, CTX_OP_FILL32, l2, 64, 0xFEEDF00D, 0);
    step_us(t, 10);
    g_assert_cmpuint(ctx_r(t, 1, CTX_STATUS), ==, CTX_DONE);
    g_assert_cmphex(r2(t, l2_off(l2) - 4), ==, METIS_POISON);
    g_assert_cmphex(r2(t, l2_off(l2)), ==, 0xFEEDF00D);
    g_assert_cmphex(r2(t, l2_off(l2) + 60), ==, 0xFEEDF00D);
    g_assert_cmphex(r2(t, l2_off(l2) + 64), ==, METIS_POISON);
    stop(t);
}

static void check_ctx_err(T *t, int n, uint32_t err)
{
    g_assert_cmpuint(ctx_r(t, n, CTX_STATUS), ==, CTX_FAILED);
    g_assert_cmpuint(ctx_r(t, n, CTX_ERROR), ==, err);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS) & EXT_IRQ_CTX(n), !=, 0);
    wx(t, EXT_IRQ_STATUS, EXT_IRQ_ALL);
}

static void test_ctx_errors(void)
{
    T *t = start(NULL);

    ctx_run(t, 0, CTX_OP_NOP, 0, 0, 0, 0);          /* boot ROM */
    check_ctx_err(t, 0, CTX_ERR_STATE);
    fw_boot(t);
    ctx_run(t, 1, 9, 0, 0, 0, 0);
    check_ctx_err(t, 1, CTX_ERR_OPCODE);
    ctx_run(t, 2, CTX_OP_CRC32, 0x1000, 16, 0, 0);
    check_ctx_err(t, 2, CTX_ERR_RANGE);
    ctx_run(t, 2, CTX_OP_CRC32, t->ddr + MEM_SIZE - 8, 16, 0, 0);
    check_ctx_err(t, 2, CTX_ERR_RANGE);
    ctx_run(t, 2, CTX_OP_CRC32, METIS_L2_BASE + METIS_L2_SIZE - 8, 16, 0, 0);
    check_ctx_err(t, 2, CTX_ERR_RANGE);
    ctx_run(t, 3, CTX_OP_XOR32, t->ddr, 6, 0, 0);
    check_ctx_err(t, 3, CTX_ERR_ALIGN);
    ctx_run(t, 3, CTX_OP_FILL32, t->ddr, 10, 0, 0);
    check_ctx_err(t, 3, CTX_ERR_ALIGN);
    ctx_run(t, 0, CTX_OP_NOP, 0, 0, 0, CTX_MAX_DURATION_US + 1);
    check_ctx_err(t, 0, CTX_ERR_DURATION);
    /* Busy: the running command continues and completes. */
    ctx_run(t, 1, CTX_OP_NOP, 0, 0, 0, 100);
    wx(t, ctx_base(1) + CTX_DOORBELL, 1);
    g_assert_cmpuint(ctx_r(t, 1, CTX_ERROR), ==, CTX_ERR_BUSY);
    g_assert_cmpuint(ctx_r(t, 1, CTX_STATUS), ==, CTX_BUSY);
    step_us(t, 110);
    g_assert_cmpuint(ctx_r(t, 1, CTX_STATUS), ==, CTX_DONE);
    g_assert_cmpuint(ctx_r(t, 1, CTX_ERROR), ==, 0);
    stop(t);
}

/* ---- Heartbeat ---- */

static void test_heartbeat(void)
{
    T *t = start(NULL);
    uint64_t irqs;

    fw_boot(t);
    ram_set(t, RAM_MSI, NO_MSG);
    step_us(t, 50 * 1000 + 10);
    g_assert_cmpuint(rx(t, EXT_HB_COUNT), ==, 1);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, EXT_IRQ_HB);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | METIS_VEC_MSG);
    /* It keeps coming whether or not the host acknowledges. */
    irqs = qom_get_int(t, "stat-irqs");
    step_us(t, 200 * 1000);
    g_assert_cmpuint(rx(t, EXT_HB_COUNT), ==, 5);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, irqs + 4);
    /* Masked: the count and status go on, the MSIs stop. */
    wx(t, EXT_IRQ_MASK, EXT_IRQ_HB);
    wx(t, EXT_IRQ_STATUS, EXT_IRQ_HB);
    irqs = qom_get_int(t, "stat-irqs");
    step_us(t, 100 * 1000);
    g_assert_cmpuint(rx(t, EXT_HB_COUNT), ==, 7);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, EXT_IRQ_HB);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, irqs);
    stop(t);
}

static void test_heartbeat_off(void)
{
    T *t = start(",heartbeat-ms=0");

    fw_boot(t);
    g_assert_cmpuint(rx(t, EXT_HB_PERIOD_MS), ==, 0);
    step_us(t, 500 * 1000);
    g_assert_cmpuint(rx(t, EXT_HB_COUNT), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, 0);
    stop(t);
}

/* ---- Resets (section 6) ---- */

/* Leave state everywhere a reset must clear, plus a transfer in flight. */
static void dirty_card(T *t)
{
    uint8_t data[256];

    fw_boot(t);
    fill_pattern(data, sizeof(data), 5);
    host_to_card(t, t->ddr + 0x10000, data, sizeof(data));
    qtest_memwrite(t->qts, BAR2_ADDR + l2_off(t->l2free), data,
                   sizeof(data));
    wx(t, EXT_SCRATCH, 0x600DF00D);
    wx(t, EXT_IRQ_MASK, EXT_IRQ_HB);
    w2(t, SYSCTL_CMD_MSG, 0x77777777);
    hdrv_enable(t, RAM_VMSI);
    vmsi_clear(t);
    ctx_run(t, 0, CTX_OP_FILL32, t->ddr + 0x20000, 4096, 0x12121212, 5000);
    w0(t, EDMA_RD_INT_MASK, EDMA_INT_DONE(3));
    ram_set(t, RAM_DST, 0x66666666);
    dma_single(t, true, 1, t->ddr, RAM_DST, 4096);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_RUNNING);
    ram_set(t, RAM_DONE, NO_MSG);
    ram_set(t, RAM_MSI, NO_MSG);
    t->resets0 = qom_get_int(t, "stat-resets");
}

static void check_reset_state(T *t, const char *kind)
{
    uint8_t back[256];
    g_autofree char *last = qom_get_str(t, "stat-last-reset");
    uint64_t ext = t->ext, hdrv = t->hdrv;

    g_assert_cmpuint(qom_get_int(t, "stat-resets"), ==, t->resets0 + 1);
    g_assert_cmpstr(last, ==, kind);
    /* At once: the boot ROM's block, no areas, L2 poison elsewhere. */
    assert_static_block(t, 0);
    assert_areas_absent(t);
    assert_l2_poison(t, ext, 0x1000);       /* plain L2 until published */
    assert_l2_poison(t, hdrv, HDRV_SIZE);
    assert_l2_poison(t, l2_off(t->l2free), sizeof(back));
    /* The dropped transfer never completes nor writes. */
    step_us(t, 1000);
    assert_areas_absent(t);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x66666666);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    g_assert_cmpuint(ch_cs(t, true, 1), ==, EDMA_CS_IDLE);
    g_assert_cmphex(r0(t, EDMA_WR_INT_MASK), ==, 0);
    g_assert_cmphex(r0(t, EDMA_RD_INT_MASK), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_ENGINE_EN), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_DONE_IMWR_LO), ==, 0);
    g_assert_cmphex(r0(t, EDMA_WR_INT_STATUS), ==, 0);
    /* The loader publishes again: host-driver area off, firmware gone. */
    wait_areas(t, true);
    g_assert_cmphex(t->ext, ==, ext);
    g_assert_cmphex(r2(t, t->hdrv + HDRV_CTRL), ==, 0);
    g_assert_cmphex(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTROM);
    g_assert_cmphex(rx(t, EXT_FW_VERSION), ==, 0);
    g_assert_cmphex(qtest_readw(t->qts, BAR2_ADDR + SYSCTL_MASTER_VERSION),
                    ==, 0);
    g_assert_cmphex(rx(t, EXT_MB_STATUS), ==, MB_IDLE);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, 0);
    g_assert_cmphex(rx(t, EXT_IRQ_MASK), ==, 0);
    g_assert_cmphex(rx(t, EXT_SCRATCH), ==, 0);
    g_assert_cmphex(r2(t, SYSCTL_CMD_MSG), ==, 0);
    g_assert_cmphex(rx(t, EXT_HB_COUNT), ==, 0);
    g_assert_cmpuint(ctx_r(t, 0, CTX_STATUS), ==, CTX_IDLE);
    step_us(t, 10000);
    g_assert_cmpuint(ctx_r(t, 0, CTX_STATUS), ==, CTX_IDLE);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    assert_vmsi_only(t, -1);
    /* DDR is poison again. */
    edma_setup(t);
    card_to_host(t, t->ddr + 0x10000, back, sizeof(back));
    assert_poison(back, sizeof(back));
    card_to_host(t, t->ddr + 0x20000, back, sizeof(back));
    assert_poison(back, sizeof(back));
    /* And the card boots again. */
    g_assert_cmpuint(fw_boot_image(t, BRK_NONE), ==, MB_DONE);
}

static void test_reset_system(void)
{
    T *t = start(NULL);

    dirty_card(t);
    qtest_system_reset(t->qts);
    setup_pci(t);
    check_reset_state(t, "cold");
    stop(t);
}

static void test_reset_flr(void)
{
    T *t = start(NULL);

    dirty_card(t);
    dev_cfg_write(t, EXP_CAP + PCI_EXP_DEVCTL, 2,
                  dev_cfg_read(t, EXP_CAP + PCI_EXP_DEVCTL, 2) |
                  PCI_EXP_DEVCTL_BCR_FLR);
    /* FLR resets configuration space too. */
    g_assert_cmphex(dev_cfg_read(t, PCI_COMMAND, 2), ==, 0);
    g_assert_cmphex(dev_cfg_read(t, MSI_CAP + PCI_MSI_FLAGS, 2) &
                    PCI_MSI_FLAGS_ENABLE, ==, 0);
    setup_dev(t);
    check_reset_state(t, "cold");
    stop(t);
}

static void test_reset_bus(void)
{
    T *t = start(NULL);
    uint16_t ctl = cfg_read(t, 0, RP_DEVFN, PCI_BRIDGE_CONTROL, 2);

    dirty_card(t);
    cfg_write(t, 0, RP_DEVFN, PCI_BRIDGE_CONTROL, 2,
              ctl | PCI_BRIDGE_CTL_BUS_RESET);
    cfg_write(t, 0, RP_DEVFN, PCI_BRIDGE_CONTROL, 2, ctl);
    setup_dev(t);
    check_reset_state(t, "cold");
    stop(t);
}

static void test_reset_d3hot(void)
{
    T *t = start(NULL);

    dirty_card(t);
    dev_cfg_write(t, PM_CAP + PCI_PM_CTRL, 2, 3);
    /* In D3hot the BARs do not decode. */
    g_assert_cmphex(r2(t, 0), !=, METIS_HDIF_MAGIC);
    dev_cfg_write(t, PM_CAP + PCI_PM_CTRL, 2, 0);
    g_assert_cmphex(dev_cfg_read(t, PCI_COMMAND, 2), ==, 0);
    setup_dev(t);
    check_reset_state(t, "d3hot-d0");
    stop(t);
}

static void test_reset_soft(void)
{
    T *t = start(NULL);

    dirty_card(t);
    wx(t, EXT_SOFT_RESET, 0x12345678);              /* wrong magic */
    g_assert_cmphex(rx(t, EXT_SCRATCH), ==, 0x600DF00D);
    wx(t, EXT_SOFT_RESET, EXT_SOFT_RESET_MAGIC);
    /* Configuration space is untouched. */
    g_assert_cmphex(dev_cfg_read(t, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, !=,
                    0);
    check_reset_state(t, "soft");
    stop(t);
}

/*
 * S3: program the ICH9 PM block as firmware would, request S3 through
 * PM1_CNT, then wake with QMP system_wakeup.  QEMU's wake-up path resets
 * devices with RESET_TYPE_WAKEUP.
 */
static void test_reset_s3_wakeup(void)
{
    T *t = start(NULL);

    dirty_card(t);
    cfg_write(t, 0, LPC_DEVFN, 0x40, 4, 0x600);     /* PMBASE */
    cfg_write(t, 0, LPC_DEVFN, 0x44, 1, 0x80);      /* ACPI_EN */
    qtest_outw(t->qts, 0x604, 1 << 10 | 1 << 13);   /* SLP_TYP=1, SLP_EN */
    qtest_qmp_eventwait(t->qts, "SUSPEND");
    qtest_qmp_assert_success(t->qts, "{'execute': 'system_wakeup'}");
    qtest_qmp_eventwait(t->qts, "WAKEUP");
    setup_pci(t);
    check_reset_state(t, "wakeup");
    stop(t);
}

/* The published card loses everything too, and comes back the same. */
static void test_reset_published_card(void)
{
    T *t = start_published(NULL);
    uint8_t data[256], back[256];

    edma_setup(t);
    fill_pattern(data, sizeof(data), 6);
    host_to_card(t, t->l2free, data, sizeof(data));
    host_to_card(t, t->ddr, data, sizeof(data));
    hdrv_enable(t, RAM_VMSI);
    dev_cfg_write(t, EXP_CAP + PCI_EXP_DEVCTL, 2,
                  dev_cfg_read(t, EXP_CAP + PCI_EXP_DEVCTL, 2) |
                  PCI_EXP_DEVCTL_BCR_FLR);
    setup_dev(t);
    assert_static_block(t, 0);
    assert_areas_absent(t);
    assert_l2_poison(t, l2_off(t->l2free), sizeof(data));
    wait_areas(t, false);
    check_areas(t, 0x1000, false);
    edma_setup(t);
    card_to_host(t, t->ddr, back, sizeof(back));
    assert_poison(back, sizeof(back));
    stop(t);
}

/* ---- Hot-unplug ---- */

static int rp_exp_cap(T *t)
{
    int pos = cfg_read(t, 0, RP_DEVFN, PCI_CAPABILITY_LIST, 1);

    while (pos && cfg_read(t, 0, RP_DEVFN, pos, 1) != PCI_CAP_ID_EXP) {
        pos = cfg_read(t, 0, RP_DEVFN, pos + 1, 1);
    }
    g_assert(pos);
    return pos;
}

/*
 * Surprise-style removal while everything runs: the OS powers the slot
 * off (native PCIe hotplug), which detaches the card at once with a
 * transfer, a context command, heartbeats and an interrupt storm in
 * flight; then a new card is plugged into the same slot and must work.
 */
static void test_hotplug_unplug_replug(void)
{
    T *t = start_with("-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support"
                      "=off", ",latency-us=1000");
    int exp = rp_exp_cap(t);
    uint16_t sltctl;

    g_assert(cfg_read(t, 0, RP_DEVFN, exp + PCI_EXP_SLTCAP, 4) &
             PCI_EXP_SLTCAP_HPC);
    fw_boot(t);
    hdrv_enable(t, RAM_VMSI);
    dma_single(t, true, 0, t->ddr, RAM_DST, 4096);
    ctx_run(t, 0, CTX_OP_FILL32, t->ddr, 4096, 1, 500);
    qom_set_int(t, "fault-irq-storm-hz", 1000);

    sltctl = cfg_read(t, 0, RP_DEVFN, exp + PCI_EXP_SLTCTL, 2);
    sltctl &= ~(PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_PCC);
    cfg_write(t, 0, RP_DEVFN, exp + PCI_EXP_SLTCTL, 2,
              sltctl | PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_PWR_OFF);
    qtest_qmp_eventwait(t->qts, "DEVICE_DELETED");
    step_us(t, 10000);
    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 2), ==, 0xFFFF);

    qtest_qmp_device_add(t->qts, "metis", "metis0", "{'bus': 'rp0'}");
    cfg_write(t, 0, RP_DEVFN, exp + PCI_EXP_SLTCTL, 2,
              sltctl | PCI_EXP_SLTCTL_PWR_IND_ON | PCI_EXP_SLTCTL_PWR_ON);
    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 2), ==, 0x1f9d);
    setup_dev(t);
    wait_areas(t, true);
    g_assert_cmphex(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTROM);
    g_assert_cmphex(r2(t, t->hdrv + HDRV_CTRL), ==, 0);
    fw_boot(t);
    g_assert_cmpuint(dma_sync(t, true, 0, t->ddr, RAM_DST, 4096), ==,
                     EDMA_CS_STOPPED);
    stop(t);
}

/*
 * The card's own transfer powers its slot off (a write of the root port's
 * slot control through the ECAM window): the card is unplugged in the
 * middle of the transfer, and QEMU must go on without touching it.
 */
static void test_hotplug_unplug_midway(void)
{
    T *t = start_with("-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support"
                      "=off", NULL);
    int exp = rp_exp_cap(t);
    uint64_t ecam = 0xB0000000ULL;
    uint16_t sltctl = cfg_read(t, 0, RP_DEVFN, exp + PCI_EXP_SLTCTL, 2);
    uint8_t data[128];

    cfg_write(t, 0, 0, 0x64, 4, 0);
    cfg_write(t, 0, 0, 0x60, 4, ecam | 1);
    edma_setup(t);
    memset(data, 0, sizeof(data));
    sltctl &= ~(PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_PCC);
    stw_le_p(data, sltctl | PCI_EXP_SLTCTL_PWR_IND_OFF |
             PCI_EXP_SLTCTL_PWR_OFF);
    host_to_card(t, t->ddr, data, sizeof(data));
    put_elem(t, t->desc, EDMA_CTL_CB, 2, t->ddr,
             ecam + (RP_DEVFN << 12) + exp + PCI_EXP_SLTCTL);
    put_elem(t, t->desc + 24, EDMA_CTL_CB | EDMA_CTL_RIE, 64, t->ddr + 64,
             RAM_DST);
    put_elem(t, t->desc + 48, EDMA_CTL_TCB, 0, 0, 0);
    ram_set(t, RAM_DST, 0x88888888);
    dma_ll(t, true, 0, t->desc, true);
    step_us(t, 100);
    qtest_qmp_eventwait(t->qts, "DEVICE_DELETED");
    step_us(t, 1000);
    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 2), ==, 0xFFFF);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x88888888);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    stop(t);
}

/*
 * The card's own MSI powers its slot off: a heartbeat or a storm MSI
 * whose address is the root port's slot control in the ECAM window.  The
 * unplugged card must not re-arm its timer on the way out.
 */
static void unplug_by_msi(bool storm)
{
    T *t = start_with("-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support"
                      "=off", storm ? ",heartbeat-ms=0" : ",heartbeat-ms=1");
    int exp = rp_exp_cap(t);
    uint64_t ecam = 0xB0000000ULL;
    uint16_t sltctl = cfg_read(t, 0, RP_DEVFN, exp + PCI_EXP_SLTCTL, 2);

    cfg_write(t, 0, 0, 0x64, 4, 0);
    cfg_write(t, 0, 0, 0x60, 4, ecam | 1);
    fw_boot(t);
    if (storm) {
        qom_set_int(t, "fault-irq-storm-hz", 1000);
    }
    sltctl &= ~(PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_PCC);
    /* One vector: every source sends exactly this data. */
    dev_cfg_write(t, MSI_CAP + PCI_MSI_ADDRESS_LO, 4,
                  ecam + (RP_DEVFN << 12) + exp + PCI_EXP_SLTCTL);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_DATA_64, 2,
                  sltctl | PCI_EXP_SLTCTL_PWR_IND_OFF |
                  PCI_EXP_SLTCTL_PWR_OFF);
    dev_cfg_write(t, MSI_CAP + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
    step_us(t, 2000);
    qtest_qmp_eventwait(t->qts, "DEVICE_DELETED");
    for (int i = 0; i < 50; i++) {
        step_us(t, 1000);
        g_usleep(2000);         /* let RCU finalize the card */
    }
    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 2), ==, 0xFFFF);
    stop(t);
}

static void test_hotplug_unplug_by_heartbeat(void)
{
    unplug_by_msi(false);
}

static void test_hotplug_unplug_by_storm(void)
{
    unplug_by_msi(true);
}

/* ---- Fault injection (section 7) ---- */

static void test_fault_drop_completions(void)
{
    T *t = start(NULL);

    fw_boot(t);
    qom_set_int(t, "fault-drop-completions", 2);
    g_assert_cmpuint(qom_get_int(t, "fault-drop-completions"), ==, 2);
    dma_single(t, true, 0, t->ddr, RAM_DST, 64);
    ctx_run(t, 0, CTX_OP_NOP, 0, 0, 0, 0);
    step_us(t, 100 * 1000);
    g_assert_cmpuint(ch_cs(t, true, 0), ==, EDMA_CS_RUNNING);
    g_assert_cmpuint(ctx_r(t, 0, CTX_STATUS), ==, CTX_BUSY);
    g_assert_cmpuint(qom_get_int(t, "fault-drop-completions"), ==, 0);
    /* STOP ends the hung channel; the next transfer completes. */
    w0(t, EDMA_WR_DOORBELL, EDMA_DOORBELL_STOP | 0);
    assert_abort(t, true, 0, false);
    w0(t, EDMA_WR_INT_CLEAR, EDMA_INT_ALL);
    g_assert_cmpuint(dma_sync(t, true, 0, t->ddr, RAM_DST, 64), ==,
                     EDMA_CS_STOPPED);
    /* A reset ends the hung context. */
    wx(t, EXT_SOFT_RESET, EXT_SOFT_RESET_MAGIC);
    wait_areas(t, true);
    g_assert_cmpuint(ctx_r(t, 0, CTX_STATUS), ==, CTX_IDLE);
    stop(t);
}

static void test_fault_fw_boot_fail(void)
{
    T *t = start(NULL);

    edma_setup(t);
    qom_set_int(t, "fault-fw-boot-fail", 1);
    g_assert_cmpuint(fw_boot_image(t, BRK_NONE), ==, MB_ERROR);
    g_assert_cmpuint(rx(t, EXT_FW_ERROR), ==, FW_ERR_INJECTED);
    g_assert_cmpuint(rx(t, EXT_FW_STATE), ==, FW_STATE_FAILED);
    g_assert_cmpuint(fw_boot_image(t, BRK_NONE), ==, MB_DONE);
    stop(t);
}

static void test_fault_corrupt(void)
{
    T *t = start_published(NULL);
    uint8_t src[512], back[512];

    edma_setup(t);
    fill_pattern(src, sizeof(src), 11);
    qom_set_int(t, "fault-corrupt", 1);
    host_to_card(t, t->ddr, src, sizeof(src));
    g_assert_cmpuint(qom_get_int(t, "fault-corrupt"), ==, 0);
    card_to_host(t, t->ddr, back, sizeof(back));
    g_assert_cmphex(back[0], ==, src[0] ^ 1);
    g_assert(memcmp(src + 1, back + 1, sizeof(src) - 1) == 0);
    /* Write direction: the host copy gets the flipped bit. */
    qom_set_int(t, "fault-corrupt", 1);
    card_to_host(t, t->ddr, back, sizeof(back));
    g_assert_cmphex(back[0], ==, src[0]);
    g_assert(memcmp(src + 1, back + 1, sizeof(src) - 1) == 0);
    /* Into L2 as well. */
    qom_set_int(t, "fault-corrupt", 1);
    host_to_card(t, t->l2free, src, sizeof(src));
    g_assert_cmphex(qtest_readb(t->qts, BAR2_ADDR + l2_off(t->l2free)), ==,
                    src[0] ^ 1);
    stop(t);
}

/*
 * fault-abort-size: a walk over two lists aborts at the element of the
 * chosen size; the elements before it moved, the rest did not.  The fault
 * stays until cleared, so a rerun of the walk aborts again.
 */
static void test_fault_abort_size(void)
{
    T *t = start_published(NULL);
    uint8_t src[3 * 1024], back[3 * 1024];
    uint64_t d1 = t->desc, d2 = t->desc + 0x1000, ddr = t->ddr;
    int run;

    edma_setup(t);
    fill_pattern(src, sizeof(src), 13);
    qtest_memwrite(t->qts, RAM_SRC, src, sizeof(src));
    host_to_card(t, ddr + 0x8000, src, 64);
    /* 1024 bytes, then a link to the next list: 1000 bytes, 1024 bytes. */
    put_elem(t, d1, EDMA_CTL_CB, 1024, RAM_SRC, ddr);
    put_elem(t, d1 + 24, EDMA_CTL_CB | EDMA_CTL_LLP, 0, d2, 0);
    put_elem(t, d2, EDMA_CTL_CB, 1000, RAM_SRC + 1024, ddr + 1024);
    put_elem(t, d2 + 24, EDMA_CTL_CB | EDMA_CTL_RIE, 1024, RAM_SRC + 2048,
             ddr + 2048);
    put_elem(t, d2 + 48, 0, 0, 0, 0);
    qom_set_int(t, "fault-abort-size", 1000);
    for (run = 0; run < 2; run++) {
        ram_set(t, RAM_ABORT + 4, NO_MSG);
        w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_DONE(1) | EDMA_INT_ABORT(1));
        dma_ll(t, false, 1, d1, true);
        step_us(t, 100);
        assert_abort(t, false, 1, false);
        card_to_host(t, ddr, back, sizeof(back));
        g_assert(memcmp(src, back, 1024) == 0);
        assert_poison(back + 1024, 2048);
    }
    g_assert_cmpuint(qom_get_int(t, "fault-abort-size"), ==, 1000);
    /* Other sizes, other channels and directions are not affected. */
    g_assert_cmpuint(dma_sync(t, false, 2, RAM_SRC, ddr + 0x4000, 999), ==,
                     EDMA_CS_STOPPED);
    card_to_host(t, ddr + 0x8000, back, 64);
    g_assert(memcmp(src, back, 64) == 0);

    /* Cleared: the same walk moves everything. */
    qom_set_int(t, "fault-abort-size", 0);
    w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_ALL);
    ram_set(t, RAM_DONE + 4, NO_MSG);
    dma_ll(t, false, 1, d1, true);
    step_us(t, 100);
    g_assert_cmpuint(ch_cs(t, false, 1), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(r0(t, EDMA_RD_ERR_STATUS_LOW), ==, 0);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, imwr_data(false, 1));
    card_to_host(t, ddr, back, sizeof(back));
    g_assert(memcmp(src, back, 2024) == 0);
    g_assert(memcmp(src + 2048, back + 2048, 1024) == 0);
    stop(t);
}

/*
 * fault-hold: transfers started while it is set stay running and move
 * nothing; cleared, they complete (data and interrupt) after their normal
 * time.  A reset ends a held transfer; nothing completes afterwards.
 */
static void test_fault_hold(void)
{
    T *t = start(NULL);
    uint8_t src[256], back[256];

    edma_setup(t);
    fill_pattern(src, sizeof(src), 17);
    qtest_memwrite(t->qts, RAM_SRC, src, sizeof(src));
    qom_set_bool(t, "fault-hold", true);
    g_assert(qom_get_bool(t, "fault-hold"));
    dma_single(t, false, 0, RAM_SRC, t->ddr, sizeof(src));
    dma_single(t, false, 3, RAM_SRC, t->l2free, sizeof(src));
    step_us(t, 100 * 1000);
    g_assert_cmpuint(ch_cs(t, false, 0), ==, EDMA_CS_RUNNING);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_RUNNING);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), ==, NO_MSG);
    assert_l2_poison(t, l2_off(t->l2free), sizeof(src));

    qom_set_bool(t, "fault-hold", false);
    step_us(t, 1000);
    g_assert_cmpuint(ch_cs(t, false, 0), ==, EDMA_CS_STOPPED);
    g_assert_cmpuint(ch_cs(t, false, 3), ==, EDMA_CS_STOPPED);
    g_assert_cmphex(ram_l(t, RAM_DONE + 4), !=, NO_MSG);
    w0(t, EDMA_RD_INT_CLEAR, EDMA_INT_DONE(0) | EDMA_INT_DONE(3));
    card_to_host(t, t->ddr, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(back)) == 0);
    card_to_host(t, t->l2free, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(back)) == 0);

    /* Held across a reset: dropped, and a release later starts nothing. */
    qom_set_bool(t, "fault-hold", true);
    dma_single(t, true, 1, t->ddr, RAM_DST, 64);
    wx(t, EXT_SOFT_RESET, EXT_SOFT_RESET_MAGIC);
    edma_setup(t);
    qom_set_bool(t, "fault-hold", false);
    step_us(t, 1000);
    g_assert_cmpuint(ch_cs(t, true, 1), !=, EDMA_CS_RUNNING);
    g_assert_cmphex(ram_l(t, RAM_DONE), ==, NO_MSG);
    stop(t);
}

static void test_fault_spurious_irq(void)
{
    T *t = start(NULL);
    uint64_t irqs = qom_get_int(t, "stat-irqs");

    g_assert_cmpuint(qom_get_int(t, "fault-spurious-vector"), ==, 12);
    ram_set(t, RAM_MSI, NO_MSG);
    qom_set_int(t, "fault-spurious-irq", 3);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, irqs + 3);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 12);
    g_assert_cmphex(rx(t, EXT_IRQ_STATUS), ==, 0);
    qom_set_int(t, "fault-spurious-vector", 5);
    qom_set_int(t, "fault-spurious-irq", 1);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 5);
    /* Vector 24 (device message) exists. */
    qom_set_int(t, "fault-spurious-vector", METIS_VEC_DEV_MSG);
    qom_set_int(t, "fault-spurious-irq", 1);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 24);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, irqs + 5);
    stop(t);
}

static void test_fault_irq_storm(void)
{
    T *t = start(NULL);
    uint64_t irqs;

    qom_set_int(t, "fault-spurious-vector", 7);
    irqs = qom_get_int(t, "stat-irqs");
    qom_set_int(t, "fault-irq-storm-hz", 10000);
    ram_set(t, RAM_MSI, NO_MSG);
    step_us(t, 10000 + 50);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, irqs + 100);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, MSI_DATA | 7);
    qom_set_int(t, "fault-irq-storm-hz", 0);
    irqs = qom_get_int(t, "stat-irqs");
    step_us(t, 10000);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, irqs);
    stop(t);
}

static void test_fault_link_down(void)
{
    T *t = start(",latency-us=1000");
    g_autofree char *last = NULL;

    fw_boot(t);
    t->resets0 = qom_get_int(t, "stat-resets");
    wx(t, EXT_SCRATCH, 0xABCD);
    w2(t, l2_off(t->l2free), 0x12345678);
    ram_set(t, RAM_DST, 0x99999999);
    dma_single(t, true, 3, t->ddr, RAM_DST, 64);
    ram_set(t, RAM_MSI, NO_MSG);
    qom_set_bool(t, "link-down", true);
    g_assert_cmphex(dev_cfg_read(t, PCI_VENDOR_ID, 4), ==, 0xFFFFFFFF);
    g_assert_cmphex(dev_cfg_read(t, PCI_COMMAND, 2), ==, 0xFFFF);
    /* Every BAR read returns all-ones, BAR2's RAM included. */
    g_assert_cmphex(r0(t, EDMA_CTRL), ==, 0xFFFFFFFF);
    g_assert_cmphex(r2(t, 0), ==, 0xFFFFFFFF);
    g_assert_cmphex(r2q(t, SYSCTL_MEMORY_MAP0), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readb(t->qts, BAR2_ADDR + l2_off(t->l2free)), ==,
                    0xFF);
    g_assert_cmphex(r2(t, l2_off(t->l2free)), ==, 0xFFFFFFFF);
    g_assert_cmphex(rx(t, EXT_ID), ==, 0xFFFFFFFF);
    wx(t, EXT_SCRATCH, 0x1234);
    w2(t, l2_off(t->l2free), 0);
    g_assert_cmphex(r2(t, l2_off(t->l2free)), ==, 0xFFFFFFFF);
    dev_cfg_write(t, PCI_COMMAND, 2, 0);
    /* No DMA, no heartbeats, no completion. */
    step_us(t, 200 * 1000);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x99999999);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    qom_set_bool(t, "link-down", false);
    /* Config writes were dropped; the card came back reset. */
    g_assert_cmphex(dev_cfg_read(t, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, !=,
                    0);
    assert_static_block(t, 0);
    assert_areas_absent(t);
    assert_l2_poison(t, l2_off(t->l2free), 64);
    g_assert_cmpuint(ch_cs(t, true, 3), ==, EDMA_CS_IDLE);
    g_assert_cmpuint(qom_get_int(t, "stat-resets"), ==, t->resets0 + 1);
    last = qom_get_str(t, "stat-last-reset");
    g_assert_cmpstr(last, ==, "link-up");
    wait_areas(t, true);
    g_assert_cmphex(rx(t, EXT_SCRATCH), ==, 0);
    g_assert_cmphex(rx(t, EXT_FW_STATE), ==, FW_STATE_BOOTROM);
    step_us(t, 2000);
    g_assert_cmphex(ram_l(t, RAM_DST), ==, 0x99999999);
    stop(t);
}

static void test_stats(void)
{
    T *t = start_published(NULL);
    g_autofree char *last = NULL;

    edma_setup(t);
    g_assert_cmpuint(qom_get_int(t, "stat-bytes"), ==, 0);
    g_assert_cmpuint(qom_get_int(t, "stat-transfers"), ==, 0);
    g_assert_cmpuint(qom_get_int(t, "stat-resets"), >=, 1);
    last = qom_get_str(t, "stat-last-reset");
    g_assert_cmpstr(last, ==, "cold");
    dma_sync(t, true, 0, t->ddr, RAM_DST, 1000);
    dma_sync(t, false, 1, RAM_SRC, t->l2free, 3000);
    dma_sync(t, false, 1, RAM_SRC, 0, 3000);        /* fails: not counted */
    g_assert_cmpuint(qom_get_int(t, "stat-bytes"), ==, 4000);
    g_assert_cmpuint(qom_get_int(t, "stat-transfers"), ==, 2);
    g_assert_cmpuint(qom_get_int(t, "stat-busy-ns"), >=, 3 * LATENCY_NS);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, 3);    /* IMWRs */
    stop(t);
}

/* The published card: no firmware, no heartbeats, the eDMA works. */
static void test_published_card(void)
{
    T *t = start_published(NULL);
    uint8_t src[4096], back[4096];

    edma_setup(t);
    fill_pattern(src, sizeof(src), 31);
    host_to_card(t, t->l2free, src, sizeof(src));
    card_to_host(t, t->l2free, back, sizeof(back));
    g_assert(memcmp(src, back, sizeof(src)) == 0);
    ram_set(t, RAM_MSI, NO_MSG);
    step_us(t, 500 * 1000);
    g_assert_cmphex(ram_l(t, RAM_MSI), ==, NO_MSG);
    g_assert_cmpuint(qom_get_int(t, "stat-irqs"), ==, 2);    /* IMWRs */
    g_assert_cmphex(r2(t, SYSCTL_MASTER_VERSION), ==, 0);
    stop(t);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *path;
        void (*fn)(void);
    } tests[] = {
        { "metis/pci/ids", test_pci_ids },
        { "metis/pci/alpha", test_pci_alpha },
        { "metis/pci/bad-props", test_pci_bad_props },
        { "metis/pci/caps", test_pci_caps },
        { "metis/sysctl/static-block", test_sysctl_static_block },
        { "metis/loader/timing", test_loader_timing },
        { "metis/loader/areas", test_loader_areas },
        { "metis/loader/areas-base", test_loader_areas_base },
        { "metis/loader/extensions-off", test_loader_extensions_off },
        { "metis/l2/bar2-access", test_l2_bar2_access },
        { "metis/l2/edma", test_l2_edma },
        { "metis/edma/reset-values", test_edma_reset_values },
        { "metis/edma/regs-rw", test_edma_regs_rw },
        { "metis/edma/write-channel", test_edma_write_channel },
        { "metis/edma/read-channel", test_edma_read_channel },
        { "metis/edma/bandwidth", test_edma_bandwidth },
        { "metis/edma/ll-l2", test_edma_ll_l2 },
        { "metis/edma/ll-ddr", test_edma_ll_ddr },
        { "metis/edma/ll-continue", test_edma_ll_continue },
        { "metis/edma/rie-lie", test_edma_rie_lie },
        { "metis/edma/all-channels", test_edma_all_channels },
        { "metis/edma/irq-mask-clear", test_edma_irq_mask_clear },
        { "metis/edma/err-host", test_edma_err_host },
        { "metis/edma/err-card-addr", test_edma_err_card_addr },
        { "metis/edma/err-reentrant", test_edma_err_reentrant },
        { "metis/edma/reset-midway", test_edma_reset_midway },
        { "metis/edma/err-desc-fetch", test_edma_err_desc_fetch },
        { "metis/edma/err-desc-loop", test_edma_err_desc_loop },
        { "metis/edma/err-size", test_edma_err_size },
        { "metis/edma/err-stop", test_edma_err_stop },
        { "metis/edma/err-engine-disable", test_edma_err_engine_disable },
        { "metis/edma/busy", test_edma_busy },
        { "metis/edma/dma-vm", test_edma_dma_vm },
        { "metis/ext/regs", test_ext_regs },
        { "metis/msi/vectors", test_msi_vectors },
        { "metis/msi/irqs-lost", test_irqs_lost },
        { "metis/vmsi/flags", test_vmsi_flags },
        { "metis/fw/boot", test_fw_boot },
        { "metis/fw/reject-addr", test_fw_reject_addr },
        { "metis/fw/reject-magic", test_fw_reject_magic },
        { "metis/fw/reject-header", test_fw_reject_header },
        { "metis/fw/reject-version", test_fw_reject_version },
        { "metis/fw/reject-size", test_fw_reject_size },
        { "metis/fw/reject-checksum", test_fw_reject_checksum },
        { "metis/fw/mkfw-images", test_fw_mkfw_images },
        { "metis/mb/ping", test_mb_ping },
        { "metis/mb/errors", test_mb_errors },
        { "metis/ctx/nop", test_ctx_nop },
        { "metis/ctx/crc32", test_ctx_crc32 },
        { "metis/ctx/xor32", test_ctx_xor32 },
        { "metis/ctx/fill32", test_ctx_fill32 },
        { "metis/ctx/errors", test_ctx_errors },
        { "metis/heartbeat/irqs-and-mask", test_heartbeat },
        { "metis/heartbeat/off", test_heartbeat_off },
        { "metis/reset/system", test_reset_system },
        { "metis/reset/flr", test_reset_flr },
        { "metis/reset/bus", test_reset_bus },
        { "metis/reset/d3hot-d0", test_reset_d3hot },
        { "metis/reset/soft", test_reset_soft },
        { "metis/reset/s3-wakeup", test_reset_s3_wakeup },
        { "metis/reset/published-card", test_reset_published_card },
        { "metis/hotplug/unplug-replug", test_hotplug_unplug_replug },
        { "metis/hotplug/unplug-midway", test_hotplug_unplug_midway },
        { "metis/hotplug/unplug-by-heartbeat",
          test_hotplug_unplug_by_heartbeat },
        { "metis/hotplug/unplug-by-storm", test_hotplug_unplug_by_storm },
        { "metis/fault/drop-completions", test_fault_drop_completions },
        { "metis/fault/fw-boot-fail", test_fault_fw_boot_fail },
        { "metis/fault/corrupt", test_fault_corrupt },
        { "metis/fault/abort-size", test_fault_abort_size },
        { "metis/fault/hold", test_fault_hold },
        { "metis/fault/spurious-irq", test_fault_spurious_irq },
        { "metis/fault/irq-storm", test_fault_irq_storm },
        { "metis/fault/link-down", test_fault_link_down },
        { "metis/stats", test_stats },
        { "metis/published-card", test_published_card },
    };

    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
        qtest_add_func(tests[i].path, tests[i].fn);
    }
    return g_test_run();
}
