#!/bin/bash
# kernel-tree.sh SERIES TOOLCHAIN: a configured Linux source tree from
# Debian's linux-source-SERIES package, with the metis hook applied
# (tools/kernel-hook.sh), ready for external and in-tree module builds.
# Prints its path as the last stdout line.  TOOLCHAIN: gcc or llvm.
#
# The tree is cached as $TB_CACHE/ksrc/SERIES-TOOLCHAIN-KEY, KEY = hash of
# the package version, this script, kernel-hook.sh and the Debian config
# it starts from (the .config of the test-bed kernel's headers in the
# test-bed root).  Preparation, in the test-bed root:
#   .config from the headers, debug info and signing keys off,
#   CONFIG_DRM_ACCEL_METIS=m, make olddefconfig, make modules_prepare,
#   Module.symvers from the headers (modpost of external modules).
# LLVM trees are configured and built with LLVM=1 and clang-19's bin
# directory first in PATH (run_make below).  Trees of the same series and
# toolchain unused for 6 hours are removed.
#   tools/kernel-tree.sh --run TREE CMD...   run CMD in the root (TB_ROOT,
#                                            default rootfs.sh's), in TREE,
#                                            with the tree's toolchain PATH
#   tools/kernel-tree.sh --sparse            print the path of a sparse that
#                                            understands 7.x kernels (below)
#
# Why a sparse from Debian unstable: trixie's sparse 0.6.4 does not know
# __typeof_unqual__, which 7.x kernel headers use; the kernel's
# scripts/checker-valid.sh then finds it "not available or not up to date"
# and C=1/C=2 builds silently skip the checker.  Unstable's sparse (0.6.5~rc1
# when this was written) needs nothing newer than trixie's libc; its binary
# is unpacked into $TB_CACHE/ksrc/sparse-<version>/ (bound in the chroot).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testbed/lib/common.sh"
. "$top/tools/testbed/lib/apt.sh"
. "$top/tools/testbed/lib/chroot.sh"

base=$TB_CACHE/ksrc
mkdir -p "$base"
llvm_path=/usr/lib/llvm-19/bin

# run_in ROOT TREE CMD...: CMD in the test-bed root, cwd TREE, with the
# cache of trees bound and, for LLVM trees, clang-19 first in PATH.
run_in() {
	local root=$1 tree=$2; shift 2
	local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	case $(basename "$tree") in *-llvm-*) path=$llvm_path:$path ;; esac
	TB_CHROOT_BINDS=$base tb_chroot_run "$root" ro "$top" \
		/usr/bin/env PATH="$path" /bin/sh -c 'cd "$0" && exec "$@"' "$tree" "$@"
}

sid_sparse() {
	local ver dir tmp
	tb_sid_setup || tb_die "apt (unstable) set-up failed"
	ver=$(tb_sid_cache policy sparse 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || tb_die "no sparse in unstable's index"
	dir=$base/sparse-$ver
	if [ ! -x "$dir/sparse" ]; then
		tb_log "sparse: unpacking unstable's sparse $ver"
		tmp=$(mktemp -d "$base/sparse.XXXXXX")
		(cd "$tmp" && tb_sid_get download -qq "sparse=$ver" >&2) || { rm -rf "$tmp"; tb_die "sparse download failed"; }
		dpkg-deb -x "$tmp"/sparse_*.deb "$tmp/x"
		mkdir -p "$dir"
		mv "$tmp/x/usr/bin/sparse" "$dir/sparse.tmp" && mv "$dir/sparse.tmp" "$dir/sparse"
		rm -rf "$tmp"
	fi
	echo "$dir/sparse"
}

if [ "${1:-}" = --sparse ]; then
	tb_locked ksrc-sparse sid_sparse
	exit
fi

if [ "${1:-}" = --run ]; then
	shift
	tree=$1; shift
	root=${TB_ROOT:-$(tb_root)}
	run_in "$root" "$tree" "$@"
	exit
fi

[ $# -eq 2 ] || { echo "usage: $0 SERIES gcc|llvm" >&2; exit 2; }
series=$1 tc=$2
case $tc in gcc) llvm="" ;; llvm) llvm=LLVM=1 ;; *) tb_die "toolchain: gcc or llvm" ;; esac

tb_apt_setup
pkg=linux-source-$series
ver=$(tb_apt_cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || tb_die "$pkg is not in the index"
abi=$("$top/tools/testbed/kernels.sh" --abi "$series")
root=$(tb_root)
hdrs=$root/usr/src/linux-headers-$abi
[ -f "$hdrs/.config" ] || tb_die "no $hdrs/.config in the test-bed root"
key=$(tb_hash "$0" "$top/tools/kernel-hook.sh" "$hdrs/.config" -- "$pkg" "$ver" "$tc")
tree=$base/$series-$tc-$key

fetch_deb() {
	local deb=$base/deb/${pkg}_$ver.deb tmp
	if [ ! -f "$deb" ]; then
		tb_log "kernel tree: downloading $pkg $ver"
		tmp=$(mktemp -d "$base/dl.XXXXXX")
		(cd "$tmp" && tb_apt_get download -q "$pkg=$ver" >/dev/null) || { rm -rf "$tmp"; return 1; }
		mkdir -p "$base/deb"
		rm -f "$base/deb/${pkg}_"*.deb
		mv "$tmp"/*.deb "$deb"
		rm -rf "$tmp"
	fi
	echo "$deb"
}

build() {
	[ -f "$tree/.tb-complete" ] && return 0
	local deb tmp=$tree.tmp start=$SECONDS t
	tb_host_need dpkg-deb:dpkg xz:xz-utils
	deb=$(tb_locked "ksrc-deb-$pkg" fetch_deb)
	rm -rf "$tmp" && mkdir -p "$tmp"
	tb_log "kernel tree $series $tc: extracting $pkg $ver"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "*/$pkg.tar.xz" |
		tar -xJ -C "$tmp" --strip-components=1
	tb_log "kernel tree $series $tc: extracted in $((SECONDS - start)) s"
	"$top/tools/kernel-hook.sh" "$tmp"
	cp "$hdrs/.config" "$tmp/.config"
	"$tmp/scripts/config" --file "$tmp/.config" \
		--disable DEBUG_INFO_BTF --disable DEBUG_INFO_DWARF5 \
		--disable DEBUG_INFO_DWARF4 --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--enable DEBUG_INFO_NONE \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--disable MODULE_SIG_ALL --set-str MODULE_SIG_KEY certs/signing_key.pem \
		--module DRM_ACCEL_METIS
	t=$SECONDS
	run_in "$root" "$tmp" nice -n 10 make $llvm olddefconfig > "$tmp/.tb-prepare.log" 2>&1 &&
		grep -qx 'CONFIG_DRM_ACCEL_METIS=m' "$tmp/.config" &&
		run_in "$root" "$tmp" nice -n 10 make $llvm -j2 modules_prepare >> "$tmp/.tb-prepare.log" 2>&1 ||
		{ tail -n 30 "$tmp/.tb-prepare.log" >&2; tb_die "kernel tree $series $tc: preparation failed"; }
	tb_log "kernel tree $series $tc: configured and prepared in $((SECONDS - t)) s"
	cp "$hdrs/Module.symvers" "$tmp/Module.symvers"
	echo "$pkg $ver $tc" > "$tmp/.tb-complete"
	rm -rf "$tree"
	mv "$tmp" "$tree"
	tb_log "kernel tree $series $tc: ready in $((SECONDS - start)) s: $tree"
}

tb_locked "ksrc-$series-$tc" build
touch "$tree/.tb-complete"
# Prune trees of the same series and toolchain nobody used for 6 hours.
find "$base" -maxdepth 2 -path "$base/$series-$tc-*/.tb-complete" -mmin +360 2>/dev/null |
	while read -r old; do
		[ "${old%/.tb-complete}" = "$tree" ] || rm -rf "${old%/.tb-complete}"
	done
echo "$tree"
