#!/bin/bash
# s4-blockroot.sh: first boot of the --block-root S4 test (guest-s4.sh).
# Hibernates to $TB_DISK; after the restore in a second QEMU boot, programs
# from the root (on virtio-blk) must still run and the output still reach
# the host (ttyS1): only the 9p shares are gone.
set -u
# Run from tmpfs, and not in /metis: the 9p shares do not survive the
# restore, and a lookup there (python3 searches its working directory) would
# hang.
if [ "$0" != /tmp/s4b.sh ]; then
	cp "$0" /tmp/s4b.sh
	cd /tmp
	exec bash /tmp/s4b.sh "$@"
fi
mkswap "$TB_DISK" > /dev/null && swapon "$TB_DISK" || { echo "TB-S4B: no swap"; exit 1; }
canary=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
echo "$canary" > /tmp/canary
echo "TB-S4B: hibernating"
echo disk > /sys/power/state || { echo "TB-S4B: hibernation failed"; exit 1; }
c=bad; [ "$(cat /tmp/canary)" = "$canary" ] && c=ok
p=$(python3 -c 'print("ok")' 2>&1)
k=none; lspci -n -d 1f9d:1100 | grep -q . && k=ok
echo "TB-S4B: restored canary=$c python=$p card=$k"
