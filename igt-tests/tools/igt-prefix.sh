#!/bin/bash
# Provide Debian's binary IGT (igt_runner, igt_results, libigt.so.0) in a
# private prefix and print its path.
#
# Why not trixie's intel-gpu-tools 2.0: it ships libigt.so.0 but neither
# igt_runner nor igt_resume.  Debian ships the runner only in unstable's
# igt-gpu-tools (2.5-1 when this was written), so that package is taken,
# plus what it needs beyond a trixie root that has intel-gpu-tools'
# libraries: unstable's libdrm-amdgpu1 (libigt 2.5 binds symbols new in
# libdrm 2.4.125 at load time) and trixie's libjansson4, liboping0, libpci3.
# They are unpacked into $TB_CACHE/igt/<versions>/ (keyed by the package
# versions) and the prefix is copied to $1 (default build/igt), which the
# guests see through the shared checkout.  Nothing is installed in any root.
#
# Usage: igt-prefix.sh [DEST]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:-$top/build/igt}
: "${TB_CACHE:=/var/cache/metis-testbed}"
: "${IGT_DEB_VERSION:=2.5-1}"

. "$top/tools/testbed/lib/apt.sh"

candidate() { "$1" policy "$2" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }

cached=$(ls -d "$TB_CACHE"/igt/igt-gpu-tools_"$IGT_DEB_VERSION"+*/root 2>/dev/null | head -n1 || true)
if [ -z "$cached" ] || [ ! -f "$cached/.complete" ]; then
	tb_apt_setup
	tb_sid_setup
	igt_ver=$IGT_DEB_VERSION
	if ! tb_sid_cache show "igt-gpu-tools=$igt_ver" > /dev/null 2>&1; then
		igt_ver=$(candidate tb_sid_cache igt-gpu-tools)
		echo "TB: igt-gpu-tools $IGT_DEB_VERSION is gone from unstable; using $igt_ver" >&2
	fi
	amd_ver=$(candidate tb_sid_cache libdrm-amdgpu1)
	key="igt-gpu-tools_$igt_ver+libdrm-amdgpu1_$amd_ver"
	dir=$TB_CACHE/igt/$key
	cached=$dir/root
	if [ ! -f "$cached/.complete" ]; then
		echo "TB: fetching Debian IGT ($key)" >&2
		rm -rf "$dir"
		mkdir -p "$dir/debs"
		(cd "$dir/debs" &&
			tb_sid_get download -qq "igt-gpu-tools=$igt_ver" "libdrm-amdgpu1=$amd_ver" >&2 &&
			tb_apt_get download -qq libjansson4 liboping0 libpci3 >&2)
		for d in "$dir"/debs/*.deb; do
			dpkg-deb -x "$d" "$cached"
		done
		# libigt.so.0 and the runner look for their libraries here.
		mkdir -p "$cached/lib"
		for l in "$cached"/usr/lib/x86_64-linux-gnu/*.so*; do
			ln -sf "../usr/lib/x86_64-linux-gnu/$(basename "$l")" "$cached/lib/"
		done
		touch "$cached/.complete"
	fi
fi

if [ ! -f "$dest/.complete" ] || ! cmp -s "$dest/.source" <(echo "$cached"); then
	rm -rf "$dest"
	mkdir -p "$dest"
	cp -a "$cached/usr" "$cached/lib" "$dest/"
	echo "$cached" > "$dest/.source"
	touch "$dest/.complete"
fi
echo "$dest"
