#!/bin/bash
# dkms-guest.sh INSTALLED SMOKE [SIDE]: the guest half of
# tools/dkms-test.sh, run as root in a test-bed guest.  INSTALLED holds the
# files that `make dkms-install` put into the test-bed root for this kernel
# (module under lib/modules/<kver>/updates/dkms, firmware image, udev
# rule); they are put in place as on the host, then:
#   modprobe resolves metis_accel to updates/dkms and loads it with its
#   dependencies; udevd gives /dev/accel/accel0 to group render, 0660, by
#   our rule; a user outside render cannot open it, a member of render runs
#   the smoke test (SMOKE) on it; modprobe -r unloads it; no kernel warning.
# SIDE holds lib/modules/<kver>/updates of a root where the stand-in for the
# vendor's package (module metis, PCI driver "axl") and ours were both
# installed; with both in place (Documentation/install.md, "The vendor's
# driver and this one"):
#   both resolve under their own names, the card's modalias to both;
#   /etc/modprobe.d/metis-select.conf with "blacklist metis": udev loads
#   ours alone and it binds the card; with "blacklist metis_accel" (ours
#   unloaded, as after a reboot): the vendor's alone, bound; both loaded,
#   driver_override moves the card to ours (smoke test) and back.
# Last, with module signatures enforced, our module (signed with a key this
# kernel does not trust) is refused.
# Exit status 0 means every part passed; "dkms-guest: passed" (the last
# line) says that all but the side-by-side part did, "dkms-vendor: passed"
# that the side-by-side part did; the reason of a failure is the last
# "dkms-guest:" or "dkms-vendor:" line.
set -u
inst=$1 smoke=$2 side=${3:-}
kver=$(uname -r)
part=dkms-guest

fail() { echo "$part: $*"; exit 1; }

[ -d "$inst/lib/modules/$kver/updates/dkms" ] || fail "no DKMS-installed module for $kver in $inst"

# The guest's /lib/modules/<kver> is the kernel's read-only share: a tmpfs
# overlay on it takes the DKMS files, as the host's /lib/modules did.
mkdir -p /tmp/mods/upper /tmp/mods/work
mount -t overlay overlay \
	-o "lowerdir=/lib/modules/$kver,upperdir=/tmp/mods/upper,workdir=/tmp/mods/work" \
	"/lib/modules/$kver" || fail "cannot overlay /lib/modules/$kver"
cp -a "$inst/lib/modules/$kver/updates" "/lib/modules/$kver/" || fail "cannot copy the module"
depmod -a || fail "depmod failed"
path=$(modinfo -n metis_accel) || fail "modinfo does not find metis_accel"
case $path in
*/updates/dkms/metis_accel.ko*) echo "dkms-guest: modprobe resolves metis_accel to $path" ;;
*) fail "metis_accel resolves to $path, not to updates/dkms" ;;
esac

# Firmware and udev rule where dkms-post-install put them on the host.
[ ! -e /lib/firmware/axelera/metis-fw.bin ] || fail "a firmware image is already installed (run with --firmware none)"
install -D -m 0644 "$inst/lib/firmware/axelera/metis-fw.bin" /lib/firmware/axelera/metis-fw.bin
install -D -m 0644 "$inst/lib/udev/rules.d/70-metis.rules" /lib/udev/rules.d/70-metis.rules

/usr/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd does not start"
trap 'udevadm control --exit 2>/dev/null' EXIT

modprobe metis_accel || fail "modprobe metis_accel failed"
udevadm settle -t 60
[ -c /dev/accel/accel0 ] || fail "no /dev/accel/accel0"
lsmod | grep -q '^metis_accel ' || fail "metis_accel not in lsmod"
mode=$(stat -c '%G %a' /dev/accel/accel0)
[ "$mode" = "render 660" ] || fail "/dev/accel/accel0 is '$mode', not 'render 660'"
# udevadm test logs each applied assignment with its rule's file and line
# (not just "Reading rules file ..."); keep the log in the results.
log=${TB_RESULTS:-/tmp}/udev-test.log
udevadm test /sys/class/accel/accel0 > "$log" 2>&1
grep -E '70-metis\.rules:[0-9]+ .*GROUP' "$log" ||
	{ tail -n 20 "$log"; fail "our rule 70-metis.rules does not set the group of accel0"; }
# The seat's user gets an ACL through logind: the "uaccess" tag, which
# only our rule gives accel nodes (udev's own tag render nodes).
grep -qE '^ *(CURRENT_)?TAGS=.*:uaccess:' "$log" ||
	{ grep -E 'TAGS=' "$log"; fail "accel0 has no uaccess tag (our rule 70-metis.rules)"; }
echo "dkms-guest: /dev/accel/accel0 is $mode"

gid=$(getent group render | cut -d: -f3)
[ -n "$gid" ] || fail "no render group"
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'exec 3<>/dev/accel/accel0' 2>/dev/null; then
	fail "a user outside render can open /dev/accel/accel0"
fi
setpriv --reuid=65534 --regid=65534 --groups="$gid" "$smoke" -q ||
	fail "smoke test as a member of render failed"

modprobe -r metis_accel || fail "modprobe -r metis_accel failed"
[ ! -e /dev/accel/accel0 ] || fail "/dev/accel/accel0 still there after modprobe -r"
warnings() {
	if dmesg | grep -E -A20 'WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|KASAN'; then
		fail "kernel warnings in dmesg"
	fi
}
warnings

# Both drivers installed side by side, in a subshell: a failure there ends
# it alone, the signature check still runs.
vendor_rc=0
if [ -n "$side" ]; then
	(
	part=dkms-vendor
	dev=$(dirname "$(grep -l '^0x1f9d$' /sys/bus/pci/devices/*/vendor | head -n1)")
	[ -d "$dev" ] || fail "no card on the PCI bus"
	bdf=${dev##*/}
	sel=/etc/modprobe.d/metis-select.conf
	bound() { basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null; }
	loaded() { [ -d "/sys/module/$1" ]; }
	# What a boot does for the card: a new udevd (it reads modprobe.d
	# when it starts) loads the modules of its modalias, minus the
	# blacklisted ones, and the first to register binds it.
	coldplug() {
		udevadm control --exit
		/usr/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd does not start again"
		udevadm trigger --action=add "$dev"
		udevadm settle -t 60
		echo "dkms-vendor: $(cat "$sel"): loaded: $(lsmod | awk '$1 ~ /^metis/ { printf "%s ", $1 }')bound: $(bound)"
	}
	[ -z "$(bound)" ] || fail "the card is bound to $(bound) before the test"

	rm -rf "/lib/modules/$kver/updates"
	cp -a "$side/lib/modules/$kver/updates" "/lib/modules/$kver/" || fail "cannot copy the modules"
	depmod -a || fail "depmod failed"
	vpath=$(modinfo -n metis) || fail "modinfo does not find the vendor's metis"
	opath=$(modinfo -n metis_accel) || fail "modinfo does not find metis_accel"
	case $vpath in */updates/dkms/metis.ko*) ;; *) fail "metis resolves to $vpath" ;; esac
	case $opath in */updates/dkms/metis_accel.ko*) ;; *) fail "metis_accel resolves to $opath" ;; esac
	[ "$(modinfo -F version metis)" = 9.9.9 ] || fail "metis is not the stand-in vendor module"
	echo "dkms-vendor: metis -> $vpath, metis_accel -> $opath"
	both=$(modprobe -R "$(cat "$dev/modalias")" | sort | tr '\n' ' ')
	[ "$both" = "metis metis_accel " ] || fail "the card's modalias resolves to '$both'"

	# Ours: the vendor's blacklisted.
	echo "blacklist metis" > "$sel"
	coldplug
	[ "$(bound)" = metis ] || fail "blacklist metis: the card is bound to '$(bound)', not metis"
	loaded metis_accel || fail "blacklist metis: metis_accel not loaded"
	! loaded metis || fail "blacklist metis: the vendor's metis was loaded too"
	[ -c /dev/accel/accel0 ] || fail "blacklist metis: no /dev/accel/accel0"
	echo "dkms-vendor: blacklist metis: udev loaded metis_accel alone, the card is bound to metis"

	# Back to the vendor's: ours blacklisted, and not loaded (a reboot).
	echo "blacklist metis_accel" > "$sel"
	modprobe -r metis_accel || fail "modprobe -r metis_accel failed"
	coldplug
	[ "$(bound)" = axl ] || fail "blacklist metis_accel: the card is bound to '$(bound)', not axl"
	loaded metis || fail "blacklist metis_accel: the vendor's metis not loaded"
	! loaded metis_accel || fail "blacklist metis_accel: metis_accel was loaded too"
	[ ! -e /dev/accel/accel0 ] || fail "blacklist metis_accel: /dev/accel/accel0 exists"
	echo "dkms-vendor: blacklist metis_accel: udev loaded metis alone, the card is bound to axl"

	# At run time, both loaded: a module loaded by name ignores the
	# blacklist and binds nothing already bound; driver_override moves
	# the card.
	modprobe metis_accel || fail "modprobe metis_accel (by name) failed"
	udevadm settle -t 60
	[ "$(bound)" = axl ] || fail "loading metis_accel took the card from axl"
	echo metis > "$dev/driver_override"
	echo "$bdf" > "$dev/driver/unbind"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	udevadm settle -t 60
	[ "$(bound)" = metis ] || fail "driver_override metis: the card is bound to '$(bound)'"
	[ -c /dev/accel/accel0 ] || fail "driver_override metis: no /dev/accel/accel0"
	"$smoke" -q || fail "smoke test after driver_override metis failed"
	echo axl > "$dev/driver_override"
	echo "$bdf" > "$dev/driver/unbind"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	udevadm settle -t 60
	[ "$(bound)" = axl ] || fail "driver_override axl: the card is bound to '$(bound)'"
	[ ! -e /dev/accel/accel0 ] || fail "driver_override axl: /dev/accel/accel0 still there"
	echo > "$dev/driver_override"
	echo "dkms-vendor: driver_override moved the card to metis (smoke test passed) and back to axl"

	rm -f "$sel"
	modprobe -r metis_accel metis || fail "modprobe -r metis_accel metis failed"
	[ -z "$(bound)" ] || fail "the card is still bound to $(bound)"
	warnings
	echo "dkms-vendor: passed"
	)
	vendor_rc=$?
	rm -f /etc/modprobe.d/metis-select.conf
	modprobe -r metis_accel metis 2>/dev/null
fi

# Secure Boot's rule without Secure Boot: enforce module signatures (the
# switch only turns on) and the module, signed with dkms's key that this
# kernel does not trust, must be refused with the messages that
# Documentation/install.md quotes.
if [ -w /sys/module/module/parameters/sig_enforce ]; then
	echo 1 > /sys/module/module/parameters/sig_enforce || fail "cannot enforce module signatures"
	if msg=$(modprobe metis_accel 2>&1); then
		fail "metis_accel loaded with signatures enforced and an untrusted key"
	fi
	case $msg in
	*"Key was rejected by service"*) ;;
	*) fail "modprobe with signatures enforced said: $msg" ;;
	esac
	dmesg | grep -q 'Loading of module with unavailable key is rejected' ||
		fail "no 'Loading of module with unavailable key is rejected' in dmesg"
	echo "dkms-guest: with sig_enforce, modprobe says: $msg"
else
	echo "dkms-guest: no /sys/module/module/parameters/sig_enforce, signature check skipped"
fi
echo "dkms-guest: passed"
exit $vendor_rc
