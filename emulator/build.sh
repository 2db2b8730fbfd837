#!/bin/bash
# Build QEMU (Debian trixie's source) with the emulated Metis card, its
# qtest and metis-mkfw, plus the firmware blobs QEMU needs at run time.
#
# Prints, as its last stdout line, the install prefix P:
#   P/bin/qemu-system-x86_64   QEMU with -device metis
#   P/bin/metis-test           the qtest binary for the card
#   P/bin/metis-mkfw           firmware image builder
#   P/share/qemu               the -L directory (SeaBIOS, OVMF_CODE_4M.fd,
#                              OVMF_VARS_4M.fd, option ROMs)
# Progress goes to stderr as "TB: " lines; tool output goes to a log file.
#
# Cache layout under $TB_CACHE/emulator (see Documentation/emulator.md):
#   src/       downloaded source packages
#   deb/       downloaded binary packages (meson, firmware)
#   meson-V/   trixie's meson, unpacked
#   tree-K/    one persistent source + build tree per (QEMU version,
#              configure options, patches); our files are synced into it
#   fw-K/      firmware blobs keyed by their package versions
#   inst-H/    installed result, keyed by H = hash of K and emulator/ sources
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
emu=$top/emulator
: "${TB_CACHE:=/var/cache/metis-testbed}"
export TB_CACHE
cache=$TB_CACHE/emulator
jobs=${METIS_BUILD_JOBS:-2}

msg() { echo "TB: emulator: $*" >&2; }
die() { echo "TB: emulator: error: $*" >&2; exit 1; }

mkdir -p "$cache"
log=$cache/build.log

# One build at a time: the test bed and the qtests may both call us.
exec 9>"$cache/lock"
if ! flock -n 9; then
	msg "waiting for another build to finish"
	flock 9
fi

# shellcheck source=emulator/qemu.conf
. "$emu/qemu.conf"
# shellcheck source=tools/testbed/lib/apt.sh
. "$top/tools/testbed/lib/apt.sh"

# Configure options: changing them starts a new build tree.
configure_opts=(
	--target-list=x86_64-softmmu --without-default-features
	--disable-docs --disable-gtk --disable-sdl --disable-vnc --disable-slirp
	--disable-opengl --disable-spice --disable-curses --disable-tools
	--disable-guest-agent --disable-user --disable-fdt --disable-download
	--disable-werror --disable-install-blobs --enable-virtfs --enable-attr
	--enable-trace-backends=log --prefix=/usr/local
)
host_pkgs=(gcc make libglib2.0-dev libpixman-1-dev zlib1g-dev libattr1-dev
	flex bison pkg-config python3-venv ninja-build dpkg-dev xz-utils)
fw_pkgs=(seabios qemu-system-data ovmf)

hash_of() { sha256sum | cut -c1-16; }

# Hash of our sources: every tracked-or-not file under emulator/ except
# documentation-only files.
emu_files() {
	(cd "$emu" && find . -type f ! -name '*.md' ! -name '*~' -print | LC_ALL=C sort)
}
emu_hash() {
	(cd "$emu" && emu_files | xargs -d '\n' sha256sum) | hash_of
}

pick_version() {
	local have
	have=$(tb_apt_cache showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' | sort -u)
	if grep -qxF "$QEMU_DEB_VERSION" <<<"$have"; then
		echo "$QEMU_DEB_VERSION"
		return
	fi
	have=$(grep -E "^(1:)?${QEMU_SERIES//./\\.}\." <<<"$have" | sort -V | tail -n1)
	[ -n "$have" ] || die "no qemu $QEMU_SERIES.x source in trixie"
	msg "pinned qemu $QEMU_DEB_VERSION is gone; using $have"
	echo "$have"
}

ensure_host_pkgs() {
	local missing=() p
	for p in "${host_pkgs[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	msg "installing host packages: ${missing[*]}"
	if ! apt-get install -y -q "${missing[@]}" >>"$log" 2>&1; then
		apt-get update -q >>"$log" 2>&1
		apt-get install -y -q "${missing[@]}" >>"$log" 2>&1 ||
			die "apt-get install failed (see $log)"
	fi
}

# Download binary package $1 (trixie candidate) into deb/, print its path.
fetch_deb() {
	local pkg=$1 ver file
	ver=$(tb_apt_cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "$pkg not in trixie"
	mkdir -p "$cache/deb"
	# apt writes an epoch as %3a in file names.
	local pat=("$cache/deb/${pkg}_${ver/:/%3a}_"*.deb "$cache/deb/${pkg}_${ver#*:}_"*.deb)
	file=$(ls "${pat[@]}" 2>/dev/null | head -n1 || true)
	if [ -z "$file" ]; then
		(cd "$cache/deb" && tb_apt_get download -q "$pkg=$ver" >>"$log" 2>&1) ||
			die "download of $pkg failed (see $log)"
		pat=("$cache/deb/${pkg}_${ver/:/%3a}_"*.deb "$cache/deb/${pkg}_${ver#*:}_"*.deb)
		file=$(ls "${pat[@]}" 2>/dev/null | head -n1 || true)
		[ -n "$file" ] || die "downloaded $pkg but cannot find the .deb"
	fi
	echo "$file"
}

ensure_meson() {
	local deb ver dir
	deb=$(fetch_deb meson)
	ver=$(basename "$deb" .deb)
	dir=$cache/meson-$ver
	if [ ! -e "$dir/.done" ]; then
		msg "unpacking $ver"
		rm -rf "$dir"
		dpkg -x "$deb" "$dir"
		touch "$dir/.done"
	fi
	meson_path=$dir/usr/lib/python3/dist-packages
}

ensure_tree() {
	local tree=$1 ver=$2 src dsc
	[ -e "$tree/.prepared" ] && return
	src=$cache/src
	mkdir -p "$src"
	dsc=$src/qemu_${ver#*:}.dsc
	if [ ! -e "$dsc" ]; then
		msg "downloading qemu $ver source"
		(cd "$src" && tb_apt_get source --download-only -q "qemu=$ver" >>"$log" 2>&1) ||
			die "apt-get source qemu failed (see $log)"
	fi
	msg "unpacking qemu source into $tree"
	rm -rf "$tree"
	mkdir -p "$tree"
	dpkg-source -x "$dsc" "$tree/qemu" >>"$log" 2>&1 || die "dpkg-source failed (see $log)"
	local p
	for p in "$emu"/patches/*.patch; do
		patch -d "$tree/qemu" -p1 --no-backup-if-mismatch -s <"$p" ||
			die "patch $(basename "$p") does not apply"
	done
	touch "$tree/.prepared"
}

# Copy $1 to $2 only when the contents differ, so unchanged files keep
# their mtimes and ninja rebuilds only what changed.
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		changed=1
	fi
}

sync_sources() {
	local q=$1/qemu f
	changed=0
	mkdir -p "$q/hw/metis"
	for f in "$emu"/hw/metis/*; do
		sync_file "$f" "$q/hw/metis/$(basename "$f")"
	done
	# Drop files we no longer have.
	for f in "$q"/hw/metis/*; do
		[ -e "$emu/hw/metis/$(basename "$f")" ] || { rm -f "$f"; changed=1; }
	done
	sync_file "$emu/tests/qtest/metis-test.c" "$q/tests/qtest/metis-test.c"
}

configure_tree() {
	local tree=$1 b=$1/qemu/build
	[ -e "$b/.configured" ] && return
	msg "configuring qemu (log: $log)"
	rm -rf "$b"
	mkdir -p "$b"
	(cd "$b" && PYTHONPATH=$meson_path ../configure "${configure_opts[@]}" >>"$log" 2>&1) ||
		die "configure failed (see $log)"
	# ninja re-runs meson from the venv: let it find trixie's meson too.
	local sp
	for sp in "$b"/pyvenv/lib/python3*/site-packages; do
		echo "$meson_path" >"$sp/metis-meson.pth"
	done
	touch "$b/.configured"
}

build_tree() {
	local b=$1/qemu/build start=$SECONDS
	msg "building qemu-system-x86_64 and metis-test (ninja -j$jobs)"
	(cd "$b" && PYTHONPATH=$meson_path ninja -j"$jobs" \
		qemu-system-x86_64 tests/qtest/metis-test >>"$log" 2>&1) ||
		{ tail -n 40 "$log" >&2; die "build failed (see $log)"; }
	msg "ninja done in $((SECONDS - start)) s"
}

ensure_firmware() {
	local debs=() d key dir
	for d in "${fw_pkgs[@]}"; do
		debs+=("$(fetch_deb "$d")")
	done
	key=$(printf '%s\n' "${debs[@]##*/}" | hash_of)
	dir=$cache/fw-$key
	if [ ! -e "$dir/.done" ]; then
		msg "unpacking firmware blobs"
		rm -rf "$dir" "$dir.x"
		mkdir -p "$dir" "$dir.x"
		for d in "${debs[@]}"; do
			dpkg -x "$d" "$dir.x"
		done
		# SeaBIOS (and its VGA BIOSes), QEMU's x86 option ROMs, OVMF.
		# No NIC is used, so no iPXE ROMs (efi-virtio.rom is ipxe-qemu's).
		cp -L "$dir.x"/usr/share/seabios/*.bin "$dir/"
		for d in linuxboot.bin linuxboot_dma.bin kvmvapic.bin multiboot.bin \
			multiboot_dma.bin pvh.bin; do
			cp -L "$dir.x/usr/share/qemu/$d" "$dir/"
		done
		cp -L "$dir.x"/usr/share/OVMF/OVMF_CODE_4M.fd "$dir.x"/usr/share/OVMF/OVMF_VARS_4M.fd "$dir/"
		rm -rf "$dir.x"
		for d in bios-256k.bin linuxboot_dma.bin kvmvapic.bin \
			OVMF_CODE_4M.fd OVMF_VARS_4M.fd; do
			[ -s "$dir/$d" ] || die "firmware $d missing from trixie packages"
		done
		touch "$dir/.done"
	fi
	fw_dir=$dir
}

build_mkfw() {
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$1" "$emu/tools/metis-mkfw.c" ||
		die "metis-mkfw does not build"
}

main() {
	local ver key tree inst stage
	: >>"$log"
	tb_apt_setup >>"$log" 2>&1 || die "apt setup failed (see $log)"
	ver=$(pick_version)
	key=$( { echo "$ver"; printf '%s\n' "${configure_opts[@]}"; cat "$emu"/patches/*.patch; } | hash_of)
	inst=$cache/inst-$( { echo "$key"; emu_hash; } | hash_of)
	if [ -e "$inst/.done" ]; then
		echo "$inst"
		return
	fi
	msg "qemu $ver, tree $key"
	ensure_host_pkgs
	ensure_meson
	tree=$cache/tree-$key
	ensure_tree "$tree" "$ver"
	sync_sources "$tree"
	configure_tree "$tree"
	build_tree "$tree"
	ensure_firmware

	stage=$inst.tmp
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/share/qemu"
	cp "$tree/qemu/build/qemu-system-x86_64" "$stage/bin/"
	cp "$tree/qemu/build/tests/qtest/metis-test" "$stage/bin/"
	build_mkfw "$stage/bin/metis-mkfw"
	cp -a "$fw_dir"/. "$stage/share/qemu/"
	rm -f "$stage/share/qemu/.done"
	echo "$ver" >"$stage/qemu-version"
	touch "$stage/.done"
	rm -rf "$inst"
	mv "$stage" "$inst"
	# Keep the three newest installs, and older ones for 6 hours: a test
	# run may still start QEMU from a prefix it looked up earlier.  Keep
	# only the current tree (~700 MB).
	ls -1dt "$cache"/inst-* 2>/dev/null | grep -v '\.tmp$' | tail -n +4 |
		while read -r d; do
			if [ -n "$(find "$d/.done" -mmin +360 2>/dev/null)" ]; then
				rm -rf "$d"
			fi
		done
	ls -1d "$cache"/tree-* 2>/dev/null | grep -vxF "$tree" | xargs -r rm -rf
	msg "installed into $inst"
	echo "$inst"
}

main "$@"
