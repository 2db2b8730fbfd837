#!/bin/bash
# build.sh: build (once) the debug guest kernel of the test bed from Debian's
# linux-source-7.2 with tinyconfig + debug.config (KASAN, lockdep, kmemleak,
# DEBUG_OBJECTS, fault injection; everything the guests need built in), in the
# trixie build root (gcc-14), with our fixes of kernel bugs the tier found
# (patches/, each says which).  Cached by source version + fragment +
# patches + recipe number under $TB_CACHE/debug-kernel/<key>/ (the
# configured, built source tree: KDIR for out-of-tree modules); the boot
# side is laid out like the Debian kernels of kernels.sh as
# $TB_CACHE/kernels/<abi>/ (vmlinuz, config, lib/modules/<abi>), so
# guest.py and initramfs.sh take it as they are.
#   build.sh            build if needed; print "<abi> <kernel dir> <KDIR>"
#   build.sh --key      print the cache key only
set -eu
. "$(dirname "$0")/../lib/common.sh"
. "$TB_DIR/lib/apt.sh"
. "$TB_DIR/lib/chroot.sh"

here=$TB_DIR/debug-kernel
pkg=linux-source-7.2
# Pinned source version; when it has left the index, the candidate is used.
pin=7.2.12-1~bpo13+1
frag=$here/debug.config
# Fixes of kernel bugs that the tier's fault injection runs into outside
# the driver (each patch's header says which); applied in name order.
patches=("$here"/patches/*.patch)
# Bump when the build recipe below changes in a way that changes the kernel
# (the key is the source version, the fragment, the patches and this
# number: edits to comments or to the boot-side layout do not rebuild an
# hour of kernel).
recipe=1

tb_apt_setup
ver=$pin
if ! tb_apt_cache show "$pkg=$pin" >/dev/null 2>&1; then
	ver=$(tb_apt_cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || tb_die "$pkg is not in the index"
	tb_log "debug kernel: $pkg $pin is gone, using $ver"
fi
key=$(tb_hash "$frag" "${patches[@]}" -- "$pkg" "$ver" "recipe $recipe")
[ "${1:-}" = --key ] && { echo "$key"; exit 0; }

dir=$TB_CACHE/debug-kernel/$key
src=$dir/src

build() {
	local start=$SECONDS root tv rel kdir missing p
	if [ -f "$dir/.tb-complete" ]; then
		return 0
	fi
	root=$(tb_root)
	if [ -f "$dir/.tb-extracted" ] && [ -f "$src/Makefile" ]; then
		# An interrupted build of the same key: make picks up where it was.
		tb_log "debug kernel: resuming the build in $dir"
	else
		tb_host_need dpkg-deb:dpkg xz:xz-utils patch:patch
		rm -rf "$dir" && mkdir -p "$dir/deb"
		tb_log "debug kernel: $pkg $ver, extracting"
		(cd "$dir/deb" && tb_apt_get download -q "$pkg=$ver" >/dev/null)
		dpkg-deb --fsys-tarfile "$dir"/deb/*.deb |
			tar -xO --wildcards "*/usr/src/$pkg.tar.xz" | tar -xJ -C "$dir"
		mv "$dir/$pkg" "$src"
		rm -rf "$dir/deb"
		for p in "${patches[@]}"; do
			tb_log "debug kernel: applying $(basename "$p")"
			patch -d "$src" -p1 -s --no-backup-if-mismatch < "$p" ||
				tb_die "debug kernel: $(basename "$p") does not apply to $pkg $ver"
		done
		touch "$dir/.tb-extracted"
	fi
	# The kernel release carries the key: a changed config is a new kernel.
	cp "$frag" "$dir/fragment.config"
	echo "CONFIG_LOCALVERSION=\"-metis-debug-${key:0:8}\"" >> "$dir/fragment.config"
	tb_log "debug kernel: configuring (tinyconfig + debug.config)"
	tb_chroot_run "$root" ro "$dir" /bin/sh -ec '
		cd src
		make -s tinyconfig >/dev/null
		scripts/kconfig/merge_config.sh -m .config ../fragment.config >/dev/null
		make -s olddefconfig >/dev/null
	'
	# Every line of the fragment must have survived olddefconfig.
	missing=$(grep -E '^CONFIG_' "$dir/fragment.config" | while IFS= read -r line; do
		case $line in
		*=n) grep -qx "# ${line%=n} is not set" "$src/.config" ||
			! grep -q "^${line%=n}=" "$src/.config" || echo "$line" ;;
		*) grep -qxF "$line" "$src/.config" || echo "$line" ;;
		esac
	done)
	[ -z "$missing" ] || tb_die "debug kernel: config lines not applied (dependencies?): $(echo $missing)"
	tb_log "debug kernel: building (nice -n 10 make -j2; about 30 minutes cold)"
	if ! tb_chroot_run "$root" ro "$dir" /bin/sh -ec '
		cd src
		nice -n 10 make -j2 bzImage modules
		rm -rf ../boot
		nice -n 10 make -s modules_install INSTALL_MOD_PATH=../boot INSTALL_MOD_STRIP=1
	' > "$dir/build.log" 2>&1; then
		tail -n 40 "$dir/build.log" >&2
		tb_die "debug kernel: build failed (log: $dir/build.log)"
	fi
	rel=$(cat "$src/include/config/kernel.release")
	echo "$rel" > "$dir/abi"
	# The boot side, like kernels.sh lays out Debian's kernels.
	kdir=$TB_CACHE/kernels/$rel
	rm -rf "$kdir" "$dir/boot.old" && mkdir -p "$kdir/lib/modules"
	cp "$src/arch/x86/boot/bzImage" "$kdir/vmlinuz"
	cp "$src/.config" "$kdir/config"
	cp "$src/System.map" "$kdir/System.map"
	mv "$dir/boot/lib/modules/$rel" "$kdir/lib/modules/$rel"
	rm -rf "$dir/boot" "$kdir/lib/modules/$rel/build" "$kdir/lib/modules/$rel/source"
	echo "debug-kernel $key" > "$kdir/.tb-complete"
	echo "$((SECONDS - start))" > "$dir/build-seconds"
	date -u +%FT%TZ > "$dir/.tb-complete"
	tb_log "debug kernel $rel: built in $((SECONDS - start)) s"
}

mkdir -p "$TB_CACHE/debug-kernel"
tb_locked "debug-kernel-$key" build
rel=$(cat "$dir/abi")
[ -f "$TB_CACHE/kernels/$rel/vmlinuz" ] || tb_die "debug kernel: $TB_CACHE/kernels/$rel is missing; remove $dir to rebuild"
echo "$rel $TB_CACHE/kernels/$rel $src"
