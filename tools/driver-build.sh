#!/bin/bash
# driver-build.sh: build the metis module against the headers of every
# test-bed kernel inside the trixie build root (the kernels' own gcc-14),
# with W=1 (any warning fails), sparse (C=2) and checkpatch --strict.
# Prints PASS/FAIL/SKIP per (kernel, check).
#   tools/driver-build.sh [KERNEL...]   (default: every kernel of kernels.conf)
set -u
# The body is one function, read whole before it runs: editing this
# file during a run cannot change the running instance.
main() {
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testbed/lib/common.sh"
. "$top/tools/testbed/lib/apt.sh"

out=$top/build/driver-build
mkdir -p "$out"
kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	mapfile -t kernels < <(awk '!/^#/ && NF { print $1 }' "$top/tools/testbed/kernels.conf")
fi

# Copy the module sources to a private directory per kernel, so that
# builds for different kernels never share objects.
stage() {
	local dir=$1
	rm -rf "$dir" && mkdir -p "$dir/drivers/accel" "$dir/include/uapi/drm"
	cp "$top/Kbuild" "$dir/"
	cp -r "$top/drivers/accel/metis" "$dir/drivers/accel/"
	cp "$top/include/uapi/drm/metis_accel.h" "$dir/include/uapi/drm/"
}

# Diagnostics in a build log (compiler warnings and errors, sparse,
# modpost), minus the kernel headers' own sparse noise.
diagnostics() {
	grep -E '(warning|error|WARNING|ERROR):' "$1" | grep -v '^make' |
		grep -E 'drivers/accel/metis|metis_accel\.ko|modpost' || true
}

"$top/tools/testbed/rootfs.sh" >/dev/null || { echo "FAIL driver-build: no build root"; exit 1; }
sparse=$("$top/tools/kernel-tree.sh" --sparse | tail -n1) || {
	echo "FAIL driver-build: no sparse"; exit 1; }
export TB_CHROOT_BINDS="${TB_CHROOT_BINDS:+$TB_CHROOT_BINDS }$(dirname "$sparse")"
nsrc=$(ls "$top"/drivers/accel/metis/*.c | wc -l)

for k in "${kernels[@]}"; do
	abi=$("$top/tools/testbed/kernels.sh" --abi "$k") || {
		echo "FAIL driver-build-$k: kernel $k not resolved"; continue; }
	kdir=/usr/src/linux-headers-$abi
	dir=$out/$k
	stage "$dir"
	tb_log "building metis for $abi"
	if ! "$top/tools/testbed/chroot.sh" -- test -f "$kdir/Makefile"; then
		echo "FAIL driver-build-$k-w1: no headers $kdir in the build root"
		continue
	fi
	"$top/tools/testbed/chroot.sh" -- make -C "$kdir" M="$dir" W=1 -j2 modules \
		> "$dir/w1.log" 2>&1
	rc=$?
	diag=$(diagnostics "$dir/w1.log")
	if [ $rc -ne 0 ] || [ ! -f "$dir/drivers/accel/metis/metis_accel.ko" ]; then
		echo "FAIL driver-build-$k-w1: build failed (log: $dir/w1.log)"
		tail -n 20 "$dir/w1.log"
		continue
	elif [ -n "$diag" ]; then
		echo "$diag"
		echo "FAIL driver-build-$k-w1: $(wc -l <<<"$diag") warnings (log: $dir/w1.log)"
	else
		echo "PASS driver-build-$k-w1"
	fi

	# The debug switches (CONFIG_DRM_ACCEL_METIS_DEBUG) must build too.
	stage "$dir-debug"
	"$top/tools/testbed/chroot.sh" -- make -C "$kdir" M="$dir-debug" W=1 -j2 \
		CONFIG_DRM_ACCEL_METIS_DEBUG=y modules > "$dir-debug/w1.log" 2>&1
	rc=$?
	diag=$(diagnostics "$dir-debug/w1.log")
	if [ $rc -ne 0 ] || [ -n "$diag" ]; then
		echo "$diag"
		echo "FAIL driver-build-$k-debug-w1: build failed or warned (log: $dir-debug/w1.log)"
	else
		echo "PASS driver-build-$k-debug-w1"
	fi

	# Sparse must really check every driver file: trixie's sparse 0.6.4
	# is too old for 7.x headers, so unstable's is used (kernel-tree.sh).
	# KBUILD_CHECKSRC instead of C=2: the headers packages lack the
	# scripts/checker-valid.sh that C= runs, and kbuild would then
	# silently switch the checker off.
	"$top/tools/testbed/chroot.sh" -- make -C "$kdir" M="$dir" KBUILD_CHECKSRC=2 \
		CHECK="$sparse" -j2 modules > "$dir/sparse.log" 2>&1
	rc=$?
	diag=$(diagnostics "$dir/sparse.log")
	checked=$(grep -c '^ *CHECK ' "$dir/sparse.log")
	if [ $rc -ne 0 ]; then
		echo "FAIL driver-build-$k-sparse: sparse build failed (log: $dir/sparse.log)"
	elif [ -n "$diag" ]; then
		echo "$diag"
		echo "FAIL driver-build-$k-sparse: $(wc -l <<<"$diag") warnings (log: $dir/sparse.log)"
	elif [ "$checked" -lt "$nsrc" ]; then
		echo "FAIL driver-build-$k-sparse: sparse checked $checked of $nsrc files (log: $dir/sparse.log)"
	else
		echo "PASS driver-build-$k-sparse ($checked files)"
	fi
done

# checkpatch.pl and its data files from the newest kernel source package,
# cached by package version.
checkpatch_dir() {
	local ver deb dir tmp
	tb_apt_setup >&2 || return 1
	ver=$(tb_apt_cache policy linux-source-7.3 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || return 1
	dir=$TB_CACHE/checkpatch/$(tb_hash -- "$ver")
	if [ ! -f "$dir/checkpatch.pl" ]; then
		tmp=$(mktemp -d "$TB_CACHE/checkpatch.XXXXXX") || return 1
		tb_log "checkpatch: extracting from linux-source-7.3 $ver"
		(cd "$tmp" && tb_apt_get download -q linux-source-7.3 >&2) || { rm -rf "$tmp"; return 1; }
		deb=$(ls "$tmp"/linux-source-7.3_*.deb)
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/linux-source-7.3.tar.xz' |
			tar -xJ -C "$tmp" --wildcards --strip-components=2 \
				'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
				'*/scripts/const_structs.checkpatch' || { rm -rf "$tmp"; return 1; }
		mkdir -p "$dir"
		mv "$tmp"/checkpatch.pl "$tmp"/spelling.txt "$tmp"/const_structs.checkpatch "$dir/"
		rm -rf "$tmp"
	fi
	echo "$dir"
}

if cp_dir=$(checkpatch_dir); then
	files=$(cd "$top" && ls drivers/accel/metis/metis_*.[ch] drivers/accel/metis/Makefile \
		drivers/accel/metis/Kconfig Kbuild include/uapi/drm/metis_accel.h \
		tools/testbed/debug-kernel/canary/dk_canary.c tools/testbed/debug-kernel/canary/Kbuild)
	if log=$(cd "$top" && perl "$cp_dir/checkpatch.pl" --strict --no-tree --terse \
		--show-types -f $files 2>&1 | grep -v '^total:'); [ -n "$log" ]; then
		echo "$log"
		echo "FAIL driver-checkpatch: $(wc -l <<<"$log") findings"
	else
		echo "PASS driver-checkpatch"
	fi
else
	echo "FAIL driver-checkpatch: checkpatch.pl not available"
fi
}
main "$@"
exit $?
