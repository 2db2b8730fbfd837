#!/usr/bin/env python3
"""bar.py BDF BAR OFFSET [VALUE]: read (or write) one 32-bit register of a
PCI device through /sys/bus/pci/devices/BDF/resourceN, for tests that need
no driver.  Turns on memory decoding first if nothing did.  Prints reads
as 0x%08x."""
import mmap
import os
import struct
import sys


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__)
    bdf, bar, off = argv[1], int(argv[2]), int(argv[3], 0)
    dev = "/sys/bus/pci/devices/" + bdf
    with open(dev + "/config", "r+b") as cfg:
        cfg.seek(4)
        cmd = struct.unpack("<H", cfg.read(2))[0]
        if not cmd & 2:
            cfg.seek(4)
            cfg.write(struct.pack("<H", cmd | 2))
    fd = os.open("%s/resource%d" % (dev, bar), os.O_RDWR | os.O_SYNC)
    page = off & ~(mmap.PAGESIZE - 1)
    m = mmap.mmap(fd, mmap.PAGESIZE, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE,
                  offset=page)
    mv = memoryview(m).cast("I")
    idx = (off - page) // 4
    if len(argv) == 5:
        mv[idx] = int(argv[4], 0) & 0xFFFFFFFF
    else:
        print("0x%08x" % mv[idx])
    mv.release()
    m.close()
    os.close(fd)


if __name__ == "__main__":
    main(sys.argv)
