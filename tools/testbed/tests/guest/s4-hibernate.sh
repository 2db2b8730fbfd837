#!/bin/bash
# s4-hibernate.sh: first boot of the S4 test (guest-s4.sh).  Hibernates to the
# swap disk ($TB_DISK, run-in-guest.sh --disk).  After the restore (in a second QEMU boot) it checks a
# tmpfs canary and the card and reports on the serial console, because the
# 9p shares do not survive a restore into a new QEMU (see testbed.md): no
# sync (poweroff -n) either, it would wait on them forever.
set -eu
disk=${TB_DISK:-}
[ -b "$disk" ] || { echo "TB-S4: no swap disk" > /dev/ttyS0; exit 1; }
mkswap "$disk" > /dev/null
swapon "$disk"
canary=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
echo "$canary" > /tmp/canary
bdf=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1f9d:0x1100 ] && bdf=$(basename "$d")
done
# From here on only tmpfs: a static busybox and this script's tail.
cp /usr/bin/busybox /tmp/busybox
cat > /tmp/s4.sh <<'EOS'
canary=$1 bdf=$2
echo "TB-S4: hibernating" > /dev/ttyS0
echo disk > /sys/power/state || { echo "TB-S4: hibernation failed" > /dev/ttyS0; /tmp/busybox poweroff -n -f; }
c=bad; [ "$(/tmp/busybox cat /tmp/canary)" = "$canary" ] && c=ok
k=none; [ -n "$bdf" ] && [ "$(/tmp/busybox cat /sys/bus/pci/devices/$bdf/device 2>/dev/null)" = 0x1100 ] && k=ok
echo "TB-S4: restored canary=$c card=$k" > /dev/ttyS0
/tmp/busybox poweroff -n -f
EOS
exec /tmp/busybox sh /tmp/s4.sh "$canary" "$bdf"
