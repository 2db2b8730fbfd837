# metis: top-level Makefile.
#
#   make            build the kernel module against KDIR (default: running kernel)
#   make check      run every test (emulator qtests, guests, driver tests)
#   make demo       set up the test bed and run the demo on the emulated card
#   make clean
#
# Out-of-tree module builds go through Kbuild; see Documentation/.

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

.PHONY: all modules clean check demo

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	-$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null
	rm -rf build

check:
	tools/check.sh

# The same with the long test-bed loops (20 S3 cycles per kernel).
check-long:
	TB_LONG=1 tools/check.sh

demo:
	tools/demo.sh
