#!/bin/bash
# build-module.sh KERNEL: build the metis module for a test-bed kernel
# (kernels.conf name: 6.12, 7.2, 7.3) inside the build root, against that
# kernel's headers, and print the path of metis.ko as the last line.
# The build lives under build/modules/<abi>-<source hash>/, so an unchanged
# driver is not rebuilt; the guests see it through the shared checkout.
# KDIR=DIR builds against another configured tree (e.g. the debug kernel).
set -eu
. "$(dirname "$0")/lib/common.sh"

[ $# -eq 1 ] || tb_die "usage: build-module.sh KERNEL"
if [ -n "${KDIR:-}" ]; then
	abi=$(basename "$KDIR")
	kdir=$KDIR
else
	abi=$("$TB_DIR/kernels.sh" --abi "$1")
	kdir=/usr/src/linux-headers-$abi
fi
"$TB_DIR/rootfs.sh" >/dev/null

cd "$TB_TOP"
mapfile -t srcs < <(ls Kbuild drivers/accel/metis/* include/uapi/drm/metis_accel.h)
dir=$TB_TOP/build/modules/$abi-$(tb_hash "${srcs[@]}" -- "$kdir")
ko=$dir/drivers/accel/metis/metis.ko
if [ ! -f "$ko" ]; then
	tb_log "building metis.ko for $abi"
	rm -rf "$dir" && mkdir -p "$dir"
	cp -a --parents "${srcs[@]}" "$dir/"
	if ! "$TB_DIR/chroot.sh" -- make -C "$kdir" M="$dir" -j2 modules \
		> "$dir/build.log" 2>&1 || [ ! -f "$ko" ]; then
		tail -n 30 "$dir/build.log" >&2
		rm -f "$ko"
		tb_die "module build for $abi failed (log: $dir/build.log)"
	fi
fi
echo "$ko"
