# metis: top-level Makefile.
#
#   make [modules]      build the kernel module, metis_accel.ko, against KDIR
#                       (default: the running kernel's build tree); LLVM=1,
#                       W=1, C=1 and other kbuild variables pass through
#   make install        install it under /lib/modules/KVER/updates, with the
#                       firmware image and the udev rule (DESTDIR honoured)
#   make firmware       build/firmware/metis-fw.bin (emulator/tools/metis-mkfw)
#   make dkms-src       stage the DKMS package in DESTDIR/usr/src/metis-accel-VERSION
#   make dkms-install   dkms-src, then dkms add + build + install for KVER
#   make dkms-uninstall dkms remove --all, and remove the staged source
#   make intree KSRC=.. drop the driver into a kernel source tree (tools/kernel-hook.sh)
#   make check          run every test (emulator qtests, guests, driver tests)
#   make check-debug    the debug-kernel tier: the driver's tests on a KASAN,
#                       lockdep, kmemleak kernel, fault injection, ioctl fuzzer
#                       (Documentation/debug-kernel.md; make check runs it
#                       last when CI's time budget allows)
#   make demo           set up the test bed and run the demo on the emulated card
#   make bench          measure the driver on the emulated card, as ratios, with
#                       plots under build/bench (Documentation/performance.md)
#   make conformance VENDOR_SRC=<vendor driver checkout>
#                       the vendor driver on the emulated card, and ours beside
#                       it (Documentation/conformance.md; SKIP without a checkout)
#   make clean
#
# Out-of-tree module builds go through Kbuild; see Documentation/install.md.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(shell pwd)
# The DKMS package is metis-accel, its module metis_accel.ko: the vendor's
# are metis and metis.ko, and both drivers can be installed side by side.
PACKAGE := $(shell sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' $(PWD)/dkms.conf)
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(PWD)/dkms.conf)
DESTDIR ?=
DKMS_SRC = $(DESTDIR)/usr/src/$(PACKAGE)-$(VERSION)
FW_DIR ?= /lib/firmware
UDEV_RULES_DIR ?= /lib/udev/rules.d
HOSTCC ?= cc

FW := build/firmware/metis-fw.bin
# The DKMS package's own files (besides the driver and its UAPI header).
PKG_FILES := dkms.conf Makefile Kbuild packaging/70-metis.rules \
	packaging/dkms-post-install packaging/dkms-post-remove

.PHONY: all modules install firmware dkms-src dkms-install dkms-uninstall \
	intree clean check check-long check-debug check-debug-long demo bench conformance

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates \
		modules_install
	@if [ -f firmware/metis-fw.bin ]; then fw=firmware/metis-fw.bin; else \
		$(MAKE) --no-print-directory firmware && fw=$(FW); fi; \
	install -D -m 0644 $$fw $(DESTDIR)$(FW_DIR)/axelera/metis-fw.bin
	install -D -m 0644 packaging/70-metis.rules $(DESTDIR)$(UDEV_RULES_DIR)/70-metis.rules

# The firmware image of the emulated card (Documentation/emulator.md).
firmware: $(FW)
$(FW): emulator/tools/metis-mkfw.c
	@mkdir -p build/firmware
	$(HOSTCC) -std=gnu11 -O2 -Wall -o build/firmware/metis-mkfw $<
	build/firmware/metis-mkfw -o $@.tmp >/dev/null && mv $@.tmp $@

dkms-src: $(FW)
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/drivers/accel/metis $(DKMS_SRC)/include/uapi/drm \
		$(DKMS_SRC)/packaging $(DKMS_SRC)/firmware
	for f in $(PKG_FILES); do cp -p $$f $(DKMS_SRC)/$$f; done
	cp -p drivers/accel/metis/Kconfig drivers/accel/metis/Makefile \
		drivers/accel/metis/*.[ch] $(DKMS_SRC)/drivers/accel/metis/
	cp -p include/uapi/drm/metis_accel.h $(DKMS_SRC)/include/uapi/drm/
	cp -p $(FW) $(DKMS_SRC)/firmware/metis-fw.bin

dkms-install: dkms-src
	dkms status $(PACKAGE)/$(VERSION) | grep -q . || dkms add $(PACKAGE)/$(VERSION)
	dkms build $(PACKAGE)/$(VERSION) -k $(KVER)
	dkms install $(PACKAGE)/$(VERSION) -k $(KVER)

dkms-uninstall:
	if dkms status $(PACKAGE)/$(VERSION) | grep -q .; then dkms remove $(PACKAGE)/$(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

intree:
	@[ -n "$(KSRC)" ] || { echo "usage: make intree KSRC=<kernel source tree>"; exit 2; }
	tools/kernel-hook.sh $(KSRC)

clean:
	-$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null
	rm -rf build

check:
	tools/check.sh

# The same with the long loops: 20 S3 cycles per kernel in the test bed's
# card check and, with the driver and a model verified after each, in
# metis_pm's s3-cycles (igt-tests/suite-pm.sh, every subtest on every
# kernel); hibernation on every kernel (igt-tests/suite-s4.sh); every
# metis_hotunplug case and the module reload 50 times per kernel.
check-long:
	TB_LONG=1 tools/check.sh

# The debug-kernel tier alone, every test of it, whatever the time (make
# check runs most of it, within CI's budget).
check-debug:
	tools/check.sh tools/testbed/debug-kernel/suite.sh

# The same tier's fuzzer for two million calls (1 to 3 hours: a million
# took 29 minutes on 2026-12-04), with detach cycles, and the probe sweep
# over every injection point (about 3 hours).
check-debug-long:
	DK_FUZZ_CALLS=2000000 DK_PROBE_STRIDE=1 DK_PROBE_TIMEOUT=28800 DK_TIMEOUT=57600 \
		DK_TESTS="load fuzz fuzz-detach failnth-probe unload canary" \
		tools/check.sh tools/testbed/debug-kernel/suite.sh

demo:
	tools/demo.sh

bench:
	tools/bench/bench.sh

conformance:
	tools/conformance/vendor-dma.sh $(VENDOR_SRC)
