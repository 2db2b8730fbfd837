#!/bin/bash
# PID 1 of a test-bed guest (after the initramfs): finish the mounts, install
# the firmware, run /results/cmd as root from /metis with its output in
# /results/output and its exit status in /results/rc, then power off.
# With --block-root (tb.root=blk) the output goes to ttyS1 and the status
# only to ttyS0, so that a guest whose 9p shares died in S4 can report.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/metis/tools/testbed/guest
export HOME=/root TERM=dumb LANG=C.UTF-8
mount -t devpts -o gid=5,mode=620 devpts /dev/pts 2>/dev/null || { mkdir -p /dev/pts; mount -t devpts devpts /dev/pts; }
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname metis-guest
echo 0 > /proc/sys/kernel/printk_ratelimit 2>/dev/null
# guest.py asks a hung guest for its blocked tasks (sysrq w) by keyboard.
echo 1 > /proc/sys/kernel/sysrq

if [ -d /results/firmware ]; then
	mkdir -p /lib/firmware/axelera
	cp /results/firmware/* /lib/firmware/axelera/
fi
# Variables of the run (TB_KERNEL, ...) written by the host.
[ -f /results/env ] && . /results/env
export TB_KVER=$(uname -r) TB_RESULTS=/results TB_REPO=/metis TB_OUT=/out
# The --disk image (virtio-blk serial "tbdisk").
for d in /sys/block/vd*; do
	[ "$(cat "$d/serial" 2>/dev/null)" = tbdisk ] && export TB_DISK=/dev/${d##*/}
done
blk=false
grep -q 'tb.root=blk' /proc/cmdline && blk=true
export TB_BLOCK_ROOT=$($blk && echo 1 || echo 0)
cp /results/cmd /run/tb-cmd
# Not with a block root: a write to a 9p share dead after S4 would hang.
$blk || tb-syms < /dev/null > /dev/null 2>&1 &
read -r up _ < /proc/uptime
echo "TB-GUEST: running command (uptime $up s)" > /dev/ttyS0

cd /metis
if [ -e /results/shell ]; then
	# run-in-guest.sh --shell: a login shell on the serial console.
	echo "TB-GUEST: shell on ttyS0; exit it to power off"
	setsid -c /bin/bash -l < /dev/ttyS0 > /dev/ttyS0 2>&1
	rc=$?
elif $blk; then
	stty -F /dev/ttyS1 -opost 2>/dev/null
	bash /run/tb-cmd < /dev/null > /dev/ttyS1 2>&1
	rc=$?
	echo "TB-GUEST: command exited with $rc" > /dev/ttyS0
	# No sync: the 9p shares may be gone (S4).
	exec /bin/busybox poweroff -n -f
else
	bash /run/tb-cmd < /dev/null > /results/output 2>&1
	rc=$?
fi
echo "$rc" > /results/rc.tmp && mv /results/rc.tmp /results/rc
echo "TB-GUEST: command exited with $rc" > /dev/ttyS0
sync
exec /bin/busybox poweroff -f
