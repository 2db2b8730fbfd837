#!/bin/bash
# dkms-guest.sh INSTALLED SMOKE: the guest half of tools/dkms-test.sh, run
# as root in a test-bed guest.  INSTALLED holds the files that `make
# dkms-install` put into the test-bed root for this kernel (module under
# lib/modules/<kver>/updates/dkms, firmware image, udev rule); they are put
# in place as on the host, then:
#   modprobe resolves metis to updates/dkms and loads it with its
#   dependencies; udevd gives /dev/accel/accel0 to group render, 0660, by
#   our rule; a user outside render cannot open it, a member of render runs
#   the smoke test (SMOKE) on it; modprobe -r unloads it; no kernel warning;
#   with module signatures enforced, the module (signed with a key this
#   kernel does not trust) is refused.
# Exit status 0 means the test passed; the reason of a failure is the last
# "dkms-guest:" line.
set -u
inst=$1 smoke=$2
kver=$(uname -r)

fail() { echo "dkms-guest: $*"; exit 1; }

[ -d "$inst/lib/modules/$kver/updates/dkms" ] || fail "no DKMS-installed module for $kver in $inst"

# The guest's /lib/modules/<kver> is the kernel's read-only share: a tmpfs
# overlay on it takes the DKMS files, as the host's /lib/modules did.
mkdir -p /tmp/mods/upper /tmp/mods/work
mount -t overlay overlay \
	-o "lowerdir=/lib/modules/$kver,upperdir=/tmp/mods/upper,workdir=/tmp/mods/work" \
	"/lib/modules/$kver" || fail "cannot overlay /lib/modules/$kver"
cp -a "$inst/lib/modules/$kver/updates" "/lib/modules/$kver/" || fail "cannot copy the module"
depmod -a || fail "depmod failed"
path=$(modinfo -n metis) || fail "modinfo does not find metis"
case $path in
*/updates/dkms/metis.ko*) echo "dkms-guest: modprobe resolves metis to $path" ;;
*) fail "metis resolves to $path, not to updates/dkms" ;;
esac

# Firmware and udev rule where dkms-post-install put them on the host.
[ ! -e /lib/firmware/axelera/metis-fw.bin ] || fail "a firmware image is already installed (run with --firmware none)"
install -D -m 0644 "$inst/lib/firmware/axelera/metis-fw.bin" /lib/firmware/axelera/metis-fw.bin
install -D -m 0644 "$inst/lib/udev/rules.d/70-metis.rules" /lib/udev/rules.d/70-metis.rules

/usr/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd does not start"
trap 'udevadm control --exit 2>/dev/null' EXIT

modprobe metis || fail "modprobe metis failed"
udevadm settle -t 60
[ -c /dev/accel/accel0 ] || fail "no /dev/accel/accel0"
lsmod | grep -q '^metis ' || fail "metis not in lsmod"
mode=$(stat -c '%G %a' /dev/accel/accel0)
[ "$mode" = "render 660" ] || fail "/dev/accel/accel0 is '$mode', not 'render 660'"
# udevadm test logs each applied assignment with its rule's file and line
# (not just "Reading rules file ..."); keep the log in the results.
log=${TB_RESULTS:-/tmp}/udev-test.log
udevadm test /sys/class/accel/accel0 > "$log" 2>&1
grep -E '70-metis\.rules:[0-9]+ .*GROUP' "$log" ||
	{ tail -n 20 "$log"; fail "our rule 70-metis.rules does not set the group of accel0"; }
echo "dkms-guest: /dev/accel/accel0 is $mode"

gid=$(getent group render | cut -d: -f3)
[ -n "$gid" ] || fail "no render group"
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'exec 3<>/dev/accel/accel0' 2>/dev/null; then
	fail "a user outside render can open /dev/accel/accel0"
fi
setpriv --reuid=65534 --regid=65534 --groups="$gid" "$smoke" -q ||
	fail "smoke test as a member of render failed"

modprobe -r metis || fail "modprobe -r metis failed"
[ ! -e /dev/accel/accel0 ] || fail "/dev/accel/accel0 still there after modprobe -r"
if dmesg | grep -E -A20 'WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|KASAN'; then
	fail "kernel warnings in dmesg"
fi

# Secure Boot's rule without Secure Boot: enforce module signatures (the
# switch only turns on) and the module, signed with dkms's key that this
# kernel does not trust, must be refused with the messages that
# Documentation/install.md quotes.
if [ -w /sys/module/module/parameters/sig_enforce ]; then
	echo 1 > /sys/module/module/parameters/sig_enforce || fail "cannot enforce module signatures"
	if msg=$(modprobe metis 2>&1); then
		fail "metis loaded with signatures enforced and an untrusted key"
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
