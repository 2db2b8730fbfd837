#!/bin/bash
# make demo: build what is missing (QEMU with the emulated card, the Debian
# root, the 7.2 kernel, the driver, libdrm-metis), boot a guest with the card
# and show a model surviving S3.  DEMO_KERNEL=6.12|7.2|7.3 picks the kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${DEMO_KERNEL:-7.2}
out=build/demo

echo "TB: setting up the test bed (the first run builds and caches it)"
tools/testbed/rootfs.sh > /dev/null
ko=$(tools/testbed/build-module.sh "$kernel" | tail -n1)
tools/testbed/chroot.sh -- make -s -C libdrm-metis > /dev/null
mkdir -p "$out"
tools/testbed/chroot.sh -- gcc -O2 -Wall -Werror -Ilibdrm-metis/include \
	-Iinclude/uapi/drm -I/usr/include/drm -o "$out/metis-demo" \
	tools/demo/metis-demo.c -Lbuild/libdrm-metis -ldrm_metis -ldrm
cp build/libdrm-metis/metis build/libdrm-metis/libdrm_metis.so* "$out/"

echo "TB: booting a $kernel guest with the emulated Metis card"
exec tools/testbed/run-in-guest.sh --kernel "$kernel" --timeout 600 -- \
	bash tools/demo/guest-demo.sh "/metis/${ko#"$top"/}" /metis/$out
