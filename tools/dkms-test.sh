#!/bin/bash
# dkms-test.sh [KERNEL]: the DKMS package from a clean state, as a user
# installs it, for a test-bed kernel (default 7.2):
#   dkms-install-K  in a throwaway overlay of the test-bed root (the root
#                   itself stays untouched), `make dkms-install KVER=<abi>`:
#                   dkms add/build/install; the module is in
#                   /lib/modules/<abi>/updates/dkms with that kernel's
#                   vermagic, signed with dkms's key (made beforehand),
#                   and modinfo -k resolves metis to it
#   dkms-files-K    firmware image /lib/firmware/axelera/metis-fw.bin and
#                   udev rule /lib/udev/rules.d/70-metis.rules installed
#                   (udevadm verify clean)
#   dkms-guest-K    those files in a guest of that kernel: modprobe, udev
#                   group/mode, smoke test as a member of render, unload
#                   (tools/dkms-guest.sh)
#   dkms-remove-K   `make dkms-uninstall`: no module, firmware, rule, dkms
#                   state or source left; the overlay holds nothing else
#                   than depmod's indexes and dkms's signing key
#   dkms-vendor-K   with a stand-in for the vendor's metis.ko (it has a
#                   version) in /lib/modules/<abi>/extra, in a fresh
#                   overlay: dkms install refuses; --force archives the
#                   vendor file; with it back (a vendor package upgrade),
#                   the documented depmod override makes metis resolve
#                   to ours
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testbed/lib/common.sh"
. "$top/tools/testbed/lib/chroot.sh"

out=$top/build/dkms-test
# The overlay's layers live in the cache, on the root's file system (an
# overlay upper layer cannot be on every file system a checkout may be on,
# and the kernel's modules are hard-linked into it), one per checkout.
ovl=$TB_CACHE/dkms-test/$(tb_hash -- "$top")

# Internal: run CMD chrooted in an overlay of ROOT whose upper layer is
# $ovl/upper (called in a private mount namespace, see ovl_run).
if [ "${1:-}" = --in-overlay ]; then
	root=$2 ovl=$3; shift 3
	mkdir -p "$ovl/upper" "$ovl/work" "$ovl/merged"
	mount -t overlay overlay -o "lowerdir=$root,upperdir=$ovl/upper,workdir=$ovl/work" "$ovl/merged"
	tb_chroot_run "$ovl/merged" rw "$top" "$@"
	exit
fi

k=${1:-7.2}
tb_host_need openssl:openssl
root=$(tb_root) || { echo "FAIL dkms-install-$k: no test-bed root"; exit 1; }
abi=$("$top/tools/testbed/kernels.sh" --abi "$k") || { echo "FAIL dkms-install-$k: kernel $k not resolved"; exit 1; }
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
ovl_run() { unshare -m --propagation private -- "$0" --in-overlay "$root" "$ovl" "$@"; }

# A clean state: a fresh upper layer over the pristine root.
rm -rf "$out" "$ovl" && mkdir -p "$out" "$ovl"
if ovl_run sh -c 'dkms status | grep -q . || ls -d /usr/src/metis-* /var/lib/dkms/metis 2>/dev/null' \
	> "$out/clean.log" 2>&1; then
	cat "$out/clean.log"
	echo "FAIL dkms-install-$k: the test-bed root is not clean"
	exit 0
fi

# The kernel itself is installed on a real host; the root only has the
# headers of 7.x kernels, and dkms runs depmod only for a kernel with a
# modules.dep.  Put the cached kernel's modules into the upper layer
# (hard links, the cache is never written through them: depmod replaces
# its indexes, which are copied).
mdir=usr/lib/modules/$abi
kernel_modules() {
	[ -f "$root/$mdir/modules.dep" ] && return 0
	local kdir
	kdir=$("$top/tools/testbed/kernels.sh" "$k" | tail -n1 | awk '{ print $3 }')
	[ -f "$kdir/lib/modules/$abi/modules.dep" ] || return 1
	mkdir -p "$ovl/upper/$mdir"
	cp -al "$kdir/lib/modules/$abi/kernel" "$ovl/upper/$mdir/" 2>/dev/null ||
		cp -a "$kdir/lib/modules/$abi/kernel" "$ovl/upper/$mdir/"
	find "$kdir/lib/modules/$abi" -maxdepth 1 -type f -exec cp -a {} "$ovl/upper/$mdir/" \;
}
kernel_modules || { echo "FAIL dkms-install-$k: no cached modules of $abi"; exit 0; }
# dkms's Machine Owner Key, made here as dkms would (the root has no
# openssl): the module must come out signed with it (Secure Boot).
mkdir -p "$ovl/upper/var/lib/dkms"
openssl req -new -x509 -nodes -days 36500 -subj "/CN=metis DKMS test key" \
	-newkey rsa:2048 -keyout "$ovl/upper/var/lib/dkms/mok.key" \
	-addext "extendedKeyUsage=codeSigning" \
	-outform DER -out "$ovl/upper/var/lib/dkms/mok.pub" > "$out/mok.log" 2>&1 ||
	{ cat "$out/mok.log"; echo "FAIL dkms-install-$k: cannot make a signing key"; exit 0; }
(cd "$ovl/upper" 2>/dev/null && find . -mindepth 1 | sort) > "$out/upper-before.txt"

# 1. add, build, install.
start=$SECONDS
tb_log "dkms: add/build/install metis $version for $abi"
ovl_run sh -ec '
	top=$1 abi=$2 out=$3
	cd "$top"
	nice -n 10 make --no-print-directory dkms-install KVER="$abi"
	echo "--- dkms status"
	dkms status
	ko=$(ls /lib/modules/"$abi"/updates/dkms/metis.ko*)
	echo "module: $ko"
	[ "$(modinfo -F name "$ko")" = metis ]
	modinfo -F vermagic "$ko" | grep -q "^$abi "
	echo "signer: $(modinfo -F signer "$ko")"
	[ "$(modinfo -F signer "$ko")" = "metis DKMS test key" ]
	[ "$(modinfo -k "$abi" -n metis)" = "$ko" ]
	dkms status metis | grep -q "installed"
	mkdir -p "$out/installed/lib/modules/$abi"
	cp -a /lib/modules/"$abi"/updates "$out/installed/lib/modules/$abi/"
' sh "$top" "$abi" "$out" > "$out/install.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	tail -n 30 "$out/install.log"
	tail -n 30 "$ovl/upper/var/lib/dkms/metis/$version/build/make.log" 2>/dev/null
	echo "FAIL dkms-install-$k: dkms add/build/install or its checks failed (log: $out/install.log)"
	exit 0
fi
echo "PASS dkms-install-$k"
tb_log "dkms: installed in $((SECONDS - start)) s"

if ovl_run sh -ec '
	top=$1 out=$2
	cmp /lib/firmware/axelera/metis-fw.bin "$top/build/firmware/metis-fw.bin"
	cmp /lib/udev/rules.d/70-metis.rules "$top/packaging/70-metis.rules"
	udevadm verify --resolve-names=never /lib/udev/rules.d/70-metis.rules
	install -D -m 0644 /lib/firmware/axelera/metis-fw.bin "$out/installed/lib/firmware/axelera/metis-fw.bin"
	install -D -m 0644 /lib/udev/rules.d/70-metis.rules "$out/installed/lib/udev/rules.d/70-metis.rules"
' sh "$top" "$out" > "$out/files.log" 2>&1; then
	echo "PASS dkms-files-$k"
else
	cat "$out/files.log"
	echo "FAIL dkms-files-$k: firmware image or udev rule missing, different or invalid"
fi

# 2. load it in a guest of that kernel and run a job.
start=$SECONDS
tb_log "dkms: building metis-smoke"
if ! "$top/tools/testbed/chroot.sh" -- gcc -O2 -Wall -Werror \
	-I"$top/include/uapi/drm" -I/usr/include/drm \
	-o "$out/metis-smoke" "$top/tools/smoke/metis-smoke.c" > "$out/smoke-build.log" 2>&1; then
	cat "$out/smoke-build.log"
	echo "FAIL dkms-guest-$k: metis-smoke does not build"
elif [ ! -f "$out/installed/lib/firmware/axelera/metis-fw.bin" ]; then
	echo "FAIL dkms-guest-$k: no installed firmware image to boot the card with"
else
	tb_log "dkms: guest on $k"
	rel=${out#"$top"/}
	if "$top/tools/testbed/run-in-guest.sh" --kernel "$k" --firmware none --timeout 400 \
		--quiet --results "$out/guest" -- \
		bash "/metis/tools/dkms-guest.sh" "/metis/$rel/installed" "/metis/$rel/metis-smoke" \
		> "$out/guest.log" 2>&1; then
		grep '^dkms-guest:' "$out/guest/output"
		echo "PASS dkms-guest-$k"
	else
		tail -n 40 "$out/guest/output" 2>/dev/null
		tail -n 5 "$out/guest.log"
		echo "FAIL dkms-guest-$k: $(grep -h '^dkms-guest:' "$out/guest/output" 2>/dev/null | tail -n1) (log: $out/guest.log)"
	fi
	tb_log "dkms: guest run in $((SECONDS - start)) s"
fi

# 3. remove: nothing of ours may stay.
if ! ovl_run sh -ec '
	top=$1 abi=$2
	cd "$top"
	make --no-print-directory dkms-uninstall
	if dkms status | grep .; then exit 1; fi
	if ls -d /usr/src/metis-* /var/lib/dkms/metis /lib/modules/*/updates/dkms/metis.ko* \
		/lib/firmware/axelera /lib/udev/rules.d/70-metis.rules 2>/dev/null; then exit 1; fi
	if grep -s metis /lib/modules/"$abi"/modules.dep; then exit 1; fi
' sh "$top" "$abi" > "$out/remove.log" 2>&1; then
	cat "$out/remove.log"
	echo "FAIL dkms-remove-$k: dkms remove failed or left files behind (log: $out/remove.log)"
	exit 0
fi
# Every file the whole flow left in the overlay, minus depmod's indexes,
# dkms's signing key (kept for the next module, as on a real host) and
# empty directories that the root has too (copied up, then emptied).
left=$(cd "$ovl/upper" && find . -mindepth 1 \( ! -type d -o -empty \) | sort |
	comm -23 - "$out/upper-before.txt" |
	grep -v -E "^\./usr/lib/modules/[^/]+/modules\.[a-z.]+$|^\./var/lib/dkms/mok\.(key|pub)$" |
	while read -r f; do
		[ -d "$ovl/upper/$f" ] && [ ! -L "$ovl/upper/$f" ] && [ -d "$root/$f" ] || echo "$f"
	done)
if [ -n "$left" ]; then
	echo "$left"
	echo "FAIL dkms-remove-$k: $(wc -l <<<"$left") files left behind in the root"
else
	echo "PASS dkms-remove-$k"
fi
rm -rf "$ovl"

# 4. The vendor's module is also metis.ko (Documentation/install.md,
# "Switching from the vendor driver").  A stand-in with a version, as a
# vendor module has, in /lib/modules/<abi>/extra of a fresh overlay:
# dkms refuses to install over it; `dkms install --force` plus the
# documented depmod override make modprobe resolve metis to ours.
ovl=$ovl-vendor
start=$SECONDS
tb_log "dkms: over a stand-in vendor module"
rm -rf "$ovl" "$out/vendor" && mkdir -p "$ovl" "$out/vendor"
cat > "$out/vendor/metis.c" <<'EOC'
// SPDX-License-Identifier: GPL-2.0
/* Stand-in for the vendor's metis.ko: same name, a version, nothing else. */
#include <linux/module.h>
static int __init metis_vendor_init(void) { return 0; }
static void __exit metis_vendor_exit(void) { }
module_init(metis_vendor_init);
module_exit(metis_vendor_exit);
MODULE_VERSION("9.9.9");
MODULE_DESCRIPTION("stand-in for the vendor metis driver");
MODULE_LICENSE("GPL");
EOC
echo 'obj-m := metis.o' > "$out/vendor/Kbuild"
if ! kernel_modules; then
	echo "FAIL dkms-vendor-$k: no cached modules of $abi"
elif ! "$top/tools/testbed/chroot.sh" -- make -C "/usr/src/linux-headers-$abi" M="$out/vendor" \
	modules > "$out/vendor/build.log" 2>&1; then
	tail -n 20 "$out/vendor/build.log"
	echo "FAIL dkms-vendor-$k: the stand-in vendor module does not build"
elif ovl_run sh -ec '
	top=$1 abi=$2 out=$3 version=$4
	install -D -m 0644 "$out/vendor/metis.ko" /lib/modules/"$abi"/extra/metis.ko
	depmod -a "$abi"
	echo "vendor module: $(modinfo -k "$abi" -n metis)"
	cd "$top"
	if make --no-print-directory dkms-install KVER="$abi" > "$out/vendor/refused.log" 2>&1; then
		echo "dkms installed over the vendor module without --force"; exit 1
	fi
	grep "is not newer than what is already found" "$out/vendor/refused.log"
	dkms install --force metis/"$version" -k "$abi"
	# --force moves the vendor file into the dkms tree (it comes back with
	# dkms remove); a vendor package that installs it again puts it back.
	[ ! -e /lib/modules/"$abi"/extra/metis.ko ]
	install -D -m 0644 "$out/vendor/metis.ko" /lib/modules/"$abi"/extra/metis.ko
	depmod -a "$abi"
	echo "without override: $(modinfo -k "$abi" -n metis)"
	echo "override metis * updates/dkms" > /etc/depmod.d/metis.conf
	depmod -a "$abi"
	path=$(modinfo -k "$abi" -n metis)
	echo "with override: $path"
	case $path in */updates/dkms/metis.ko*) ;; *) exit 1 ;; esac
	[ "$(modinfo -k "$abi" -F version metis)" != 9.9.9 ]
' sh "$top" "$abi" "$out" "$version" > "$out/vendor.log" 2>&1; then
	grep -E '^(vendor module|without override|with override):' "$out/vendor.log"
	echo "PASS dkms-vendor-$k"
else
	tail -n 30 "$out/vendor.log"
	echo "FAIL dkms-vendor-$k: see $out/vendor.log"
fi
rm -rf "$ovl"
tb_log "dkms: vendor module case in $((SECONDS - start)) s"
