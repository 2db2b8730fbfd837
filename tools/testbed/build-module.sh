#!/bin/bash
# build-module.sh [--rev REV] KERNEL [VAR=VALUE...]: build the metis module
# for a test-bed kernel (kernels.conf name: 6.12, 7.2, 7.3) inside the
# build root, against that kernel's headers, and print the path of
# metis_accel.ko as the last line.  VAR=VALUE are kbuild variables (for example
# CONFIG_DRM_ACCEL_METIS_DEBUG=y); --rev builds the driver of a git
# revision instead of the working tree.
# The build lives under build/modules/<abi>-<hash of sources, variables and
# headers>/, so an unchanged driver is not rebuilt, and two suites asking
# for the same build at once share it; the guests see it through the
# shared checkout.
# KDIR=DIR builds against another configured tree (e.g. the debug kernel).
set -eu
. "$(dirname "$0")/lib/common.sh"

rev=
if [ "${1:-}" = --rev ]; then
	rev=$(git -C "$TB_TOP" rev-parse --verify "${2:-}^{commit}") ||
		tb_die "build-module.sh: no revision ${2:-}"
	shift 2
fi
[ $# -ge 1 ] || tb_die "usage: build-module.sh [--rev REV] KERNEL [VAR=VALUE...]"
k=$1
shift
if [ -n "${KDIR:-}" ]; then
	abi=$(basename "$KDIR")
	kdir=$KDIR
else
	abi=$("$TB_DIR/kernels.sh" --abi "$k")
	kdir=/usr/src/linux-headers-$abi
fi
"$TB_DIR/rootfs.sh" >/dev/null

cd "$TB_TOP"
# The sources only: an in-place build (make at the top) leaves objects there.
paths=(Kbuild drivers/accel/metis/Kconfig drivers/accel/metis/Makefile
	'drivers/accel/metis/*.[ch]' include/uapi/drm/metis_accel.h)
if [ -n "$rev" ]; then
	key=$(tb_hash -- "$rev" "$kdir" "$@")
else
	mapfile -t srcs < <(eval ls "${paths[@]}")
	key=$(tb_hash "${srcs[@]}" -- "$kdir" "$@")
fi
dir=$TB_TOP/build/modules/$abi-$key
ko=$dir/drivers/accel/metis/metis_accel.ko

build() {
	[ -f "$ko" ] && return 0
	tb_log "building metis_accel.ko for $abi${*:+ ($*)}${rev:+ at ${rev:0:12}}"
	rm -rf "$dir" && mkdir -p "$dir"
	if [ -n "$rev" ]; then
		git archive "$rev" Kbuild drivers/accel/metis include/uapi/drm/metis_accel.h |
			tar -x -C "$dir"
	else
		cp -a --parents "${srcs[@]}" "$dir/"
	fi
	if ! "$TB_DIR/chroot.sh" -- make -C "$kdir" M="$dir" -j2 "$@" modules \
		> "$dir/build.log" 2>&1 || [ ! -f "$ko" ]; then
		tail -n 30 "$dir/build.log" >&2
		rm -f "$ko"
		tb_die "module build for $abi failed (log: $dir/build.log)"
	fi
}
tb_locked "module-$abi-$key" build "$@"
echo "$ko"
