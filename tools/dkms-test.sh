#!/bin/bash
# dkms-test.sh [KERNEL]: the DKMS package from a clean state, as a user
# installs it, for a test-bed kernel (default 7.2):
#   dkms-install-K  in a throwaway overlay of the test-bed root (the root
#                   itself stays untouched), `make dkms-install KVER=<abi>`:
#                   dkms add/build/install of metis-accel; the module
#                   metis_accel.ko is in /lib/modules/<abi>/updates/dkms
#                   with that kernel's vermagic, signed with dkms's key
#                   (made beforehand), and modinfo -k resolves metis_accel
#                   to it
#   dkms-files-K    firmware image /lib/firmware/axelera/metis-fw.bin and
#                   udev rule /lib/udev/rules.d/70-metis.rules installed
#                   (udevadm verify clean)
#   dkms-remove-K   `make dkms-uninstall`: no module, firmware, rule, dkms
#                   state or source left; the overlay holds nothing else
#                   than depmod's indexes and dkms's signing key
#   dkms-guest-K    the installed files in a guest of that kernel:
#                   modprobe, udev group/mode, smoke test as a member of
#                   render, unload, signatures enforced (tools/dkms-guest.sh)
#   dkms-vendor-K   side by side with the vendor's driver (its DKMS package
#                   "metis" installs metis.ko in updates/dkms too): with a
#                   stand-in of it (DKMS package metis 9.9.9, module
#                   metis.ko, PCI driver "axl", the card's ID) installed
#                   first in a fresh overlay, ours installs without
#                   --force, both resolve under their own names, the
#                   card's alias resolves to both and the documented
#                   blacklist (Documentation/install.md) leaves the one
#                   chosen; removing ours leaves the vendor's intact; in
#                   the same guest, the blacklist decides which driver
#                   udev loads and binds to the card, both ways, and
#                   driver_override moves the bound card between the two
#                   at run time
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
package=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
ovl_run() { unshare -m --propagation private -- "$0" --in-overlay "$root" "$ovl" "$@"; }

# A clean state: a fresh upper layer over the pristine root.
rm -rf "$out" "$ovl" && mkdir -p "$out" "$ovl"
if ovl_run sh -c 'dkms status | grep -q . || ls -d /usr/src/metis-* /var/lib/dkms/metis* 2>/dev/null' \
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
# The same key signs the modules of step 3.
mkdir -p "$ovl/upper/var/lib/dkms"
openssl req -new -x509 -nodes -days 36500 -subj "/CN=metis DKMS test key" \
	-newkey rsa:2048 -keyout "$out/mok.key" \
	-addext "extendedKeyUsage=codeSigning" \
	-outform DER -out "$out/mok.pub" > "$out/mok.log" 2>&1 ||
	{ cat "$out/mok.log"; echo "FAIL dkms-install-$k: cannot make a signing key"; exit 0; }
cp -p "$out/mok.key" "$out/mok.pub" "$ovl/upper/var/lib/dkms/"
(cd "$ovl/upper" 2>/dev/null && find . -mindepth 1 | sort) > "$out/upper-before.txt"

# 1. add, build, install.
start=$SECONDS
tb_log "dkms: add/build/install $package $version for $abi"
ovl_run sh -ec '
	top=$1 abi=$2 out=$3 package=$4
	cd "$top"
	nice -n 10 make --no-print-directory dkms-install KVER="$abi"
	echo "--- dkms status"
	dkms status
	ko=$(ls /lib/modules/"$abi"/updates/dkms/metis_accel.ko*)
	echo "module: $ko"
	[ "$(modinfo -F name "$ko")" = metis_accel ]
	modinfo -F vermagic "$ko" | grep -q "^$abi "
	echo "signer: $(modinfo -F signer "$ko")"
	[ "$(modinfo -F signer "$ko")" = "metis DKMS test key" ]
	[ "$(modinfo -k "$abi" -n metis_accel)" = "$ko" ]
	dkms status "$package" | grep -q "installed"
	mkdir -p "$out/installed/lib/modules/$abi"
	cp -a /lib/modules/"$abi"/updates "$out/installed/lib/modules/$abi/"
' sh "$top" "$abi" "$out" "$package" > "$out/install.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	tail -n 30 "$out/install.log"
	tail -n 30 "$ovl/upper/var/lib/dkms/$package/$version/build/make.log" 2>/dev/null
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

# 2. remove: nothing of ours may stay.
if ! ovl_run sh -ec '
	top=$1 abi=$2 package=$3
	cd "$top"
	make --no-print-directory dkms-uninstall
	if dkms status | grep .; then exit 1; fi
	if ls -d /usr/src/"$package"-* /var/lib/dkms/"$package" /lib/modules/*/updates/dkms/metis_accel.ko* \
		/lib/firmware/axelera /lib/udev/rules.d/70-metis.rules 2>/dev/null; then exit 1; fi
	if grep -s metis /lib/modules/"$abi"/modules.dep; then exit 1; fi
' sh "$top" "$abi" "$package" > "$out/remove.log" 2>&1; then
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

# 3. Side by side with the vendor's driver (Documentation/install.md, "The
# vendor's driver and this one").  The vendor's DKMS package is "metis"
# and installs metis.ko in updates/dkms; its PCI driver is "axl".  A
# stand-in with those names, a version and the card's ID, which binds to
# the card and does nothing, is installed first as a DKMS package of its
# own in a fresh overlay (with the same signing key); then ours.  The
# modules of both go to the guest (step 4).
ovl=$ovl-vendor
start=$SECONDS
tb_log "dkms: beside a stand-in vendor package"
rm -rf "$ovl" "$out/vendor" "$out/side" && mkdir -p "$ovl/upper/var/lib/dkms" "$out/vendor"
cp -p "$out/mok.key" "$out/mok.pub" "$ovl/upper/var/lib/dkms/"
cat > "$out/vendor/metis.c" <<'EOC'
// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-in for the vendor's driver in tools/dkms-test.sh: its module name,
 * its PCI driver name and the card's ID, and a version.  It binds to the
 * card and touches nothing.
 */
#include <linux/module.h>
#include <linux/pci.h>

static const struct pci_device_id standin_ids[] = {
	{ PCI_DEVICE(0x1f9d, 0x1100) },
	{ }
};
MODULE_DEVICE_TABLE(pci, standin_ids);

static int standin_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	dev_info(&pdev->dev, "stand-in vendor driver bound\n");
	return 0;
}

static void standin_remove(struct pci_dev *pdev)
{
}

static struct pci_driver standin_driver = {
	.name = "axl",
	.id_table = standin_ids,
	.probe = standin_probe,
	.remove = standin_remove,
};
module_pci_driver(standin_driver);
MODULE_VERSION("9.9.9");
MODULE_DESCRIPTION("stand-in for the vendor metis driver");
MODULE_LICENSE("GPL");
EOC
echo 'obj-m := metis.o' > "$out/vendor/Kbuild"
cat > "$out/vendor/dkms.conf" <<'EOC'
PACKAGE_NAME="metis"
PACKAGE_VERSION="9.9.9"
MAKE[0]="make -C ${kernel_source_dir} M=${dkms_tree}/metis/9.9.9/build modules"
BUILT_MODULE_NAME[0]="metis"
DEST_MODULE_LOCATION[0]="/updates/dkms"
AUTOINSTALL="yes"
EOC
vendor_host=
if ! kernel_modules; then
	vendor_host="no cached modules of $abi"
elif ! ovl_run sh -ec '
	top=$1 abi=$2 out=$3 package=$4 version=$5
	# The card: 1f9d:1100, subsystem 1f9d:1100, class 12 00 00.
	alias=pci:v00001F9Dd00001100sv00001F9Dsd00001100bc12sc00i00
	mkdir -p /usr/src/metis-9.9.9
	cp "$out/vendor/metis.c" "$out/vendor/Kbuild" "$out/vendor/dkms.conf" /usr/src/metis-9.9.9/
	dkms add metis/9.9.9
	nice -n 10 dkms build metis/9.9.9 -k "$abi"
	dkms install metis/9.9.9 -k "$abi"
	vko=$(ls /lib/modules/"$abi"/updates/dkms/metis.ko*)
	echo "vendor module: $vko"
	cd "$top"
	# No refusal, no --force: the names differ.
	nice -n 10 make --no-print-directory dkms-install KVER="$abi"
	ko=$(ls /lib/modules/"$abi"/updates/dkms/metis_accel.ko*)
	echo "--- dkms status"
	dkms status
	dkms status metis/9.9.9 | grep -q installed
	dkms status "$package/$version" | grep -q installed
	[ "$(modinfo -k "$abi" -n metis)" = "$vko" ]
	[ "$(modinfo -k "$abi" -F version metis)" = 9.9.9 ]
	[ "$(modinfo -k "$abi" -n metis_accel)" = "$ko" ]
	echo "modinfo -n metis: $vko"
	echo "modinfo -n metis_accel: $ko"
	both=$(modprobe -S "$abi" -R "$alias" | sort | tr "\n" " ")
	echo "the card resolves to: $both"
	[ "$both" = "metis metis_accel " ]
	# What loading by the alias of the card loads, as udev does it (the
	# blacklist applied: -b; -R lists every match, blacklisted or not).
	pick() {
		modprobe -S "$abi" -b --show-depends "$alias" |
			sed -n "s|^insmod .*/updates/dkms/\([a-z_]*\)\.ko.*|\1|p" | sort | tr "\n" " "
	}
	echo "no blacklist: $(pick)"
	[ "$(pick)" = "metis metis_accel " ]
	# The blacklist of Documentation/install.md, one way and the other.
	echo "blacklist metis" > /etc/modprobe.d/metis-select.conf
	echo "with blacklist metis: $(pick)"
	[ "$(pick)" = "metis_accel " ]
	echo "blacklist metis_accel" > /etc/modprobe.d/metis-select.conf
	echo "with blacklist metis_accel: $(pick)"
	[ "$(pick)" = "metis " ]
	rm /etc/modprobe.d/metis-select.conf
	mkdir -p "$out/side/lib/modules/$abi"
	cp -a /lib/modules/"$abi"/updates "$out/side/lib/modules/$abi/"
	# Removing ours leaves the vendor package as it was.
	make --no-print-directory dkms-uninstall
	if ls /lib/modules/"$abi"/updates/dkms/metis_accel.ko* 2>/dev/null; then exit 1; fi
	if dkms status "$package" | grep .; then exit 1; fi
	dkms status metis/9.9.9 | grep -q installed
	[ "$(modinfo -k "$abi" -n metis)" = "$vko" ]
	echo "after dkms-uninstall: $(dkms status)"
' sh "$top" "$abi" "$out" "$package" "$version" > "$out/vendor.log" 2>&1; then
	tail -n 30 "$out/vendor.log"
	tail -n 20 "$ovl/upper/var/lib/dkms/metis/9.9.9/build/make.log" 2>/dev/null
	vendor_host="installing side by side or its checks failed (log: $out/vendor.log)"
fi
rm -rf "$ovl"
tb_log "dkms: side by side on the host in $((SECONDS - start)) s"

# 4. load it in a guest of that kernel and run a job, then both drivers
# side by side (tools/dkms-guest.sh).
start=$SECONDS
tb_log "dkms: building metis-smoke"
guest_ok=
if ! "$top/tools/testbed/chroot.sh" -- gcc -O2 -Wall -Werror \
	-I"$top/include/uapi/drm" -I/usr/include/drm \
	-o "$out/metis-smoke" "$top/tools/smoke/metis-smoke.c" -lz > "$out/smoke-build.log" 2>&1; then
	cat "$out/smoke-build.log"
	echo "FAIL dkms-guest-$k: metis-smoke does not build"
elif [ ! -f "$out/installed/lib/firmware/axelera/metis-fw.bin" ]; then
	echo "FAIL dkms-guest-$k: no installed firmware image to boot the card with"
else
	tb_log "dkms: guest on $k"
	rel=${out#"$top"/}
	side=
	[ -z "$vendor_host" ] && side="/metis/$rel/side"
	"$top/tools/testbed/run-in-guest.sh" --kernel "$k" --firmware none --timeout 500 \
		--quiet --results "$out/guest" -- \
		bash "/metis/tools/dkms-guest.sh" "/metis/$rel/installed" "/metis/$rel/metis-smoke" ${side:+"$side"} \
		> "$out/guest.log" 2>&1
	rc=$?
	grep -E '^dkms-(guest|vendor):' "$out/guest/output" 2>/dev/null
	if grep -q '^dkms-guest: passed' "$out/guest/output" 2>/dev/null; then
		echo "PASS dkms-guest-$k"
		guest_ok=1
	else
		tail -n 40 "$out/guest/output" 2>/dev/null
		tail -n 5 "$out/guest.log"
		echo "FAIL dkms-guest-$k: $(grep -h '^dkms-guest:' "$out/guest/output" 2>/dev/null | tail -n1) (log: $out/guest.log)"
	fi
	tb_log "dkms: guest run in $((SECONDS - start)) s"
fi

if [ -n "$vendor_host" ]; then
	echo "FAIL dkms-vendor-$k: $vendor_host"
elif [ -z "$guest_ok" ]; then
	echo "FAIL dkms-vendor-$k: not run in the guest (dkms-guest-$k failed)"
elif [ "$rc" -eq 0 ] && grep -q '^dkms-vendor: passed' "$out/guest/output"; then
	grep -E '^(vendor module|modinfo -n|the card resolves|no blacklist|with blacklist|after dkms-uninstall)' "$out/vendor.log"
	echo "PASS dkms-vendor-$k"
else
	tail -n 20 "$out/guest/output" 2>/dev/null
	echo "FAIL dkms-vendor-$k: $(grep -h '^dkms-vendor:' "$out/guest/output" 2>/dev/null | tail -n1) (log: $out/guest.log)"
fi
