#!/bin/bash
# In a test-bed guest: load the metis driver (unless it is loaded) and wait
# until the card is ready.  The module is $METIS_KO, else the metis_accel.ko
# found under /out (the per-kernel build directory the host shares).
# Prints the card's info; exit status 0 when a card is ready.
#   METIS_RPM=on|auto   power/control of the card after the load (default on)
set -u
here=$(cd "$(dirname "$0")" && pwd)
metis=$here/../../build/libdrm-metis/metis

if [ ! -d /sys/module/metis_accel ]; then
	ko=${METIS_KO:-}
	[ -n "$ko" ] || ko=$(find /out -name metis_accel.ko 2>/dev/null | head -n1)
	if [ -z "$ko" ] || [ ! -f "$ko" ]; then
		echo "load-metis: no metis_accel.ko for $(uname -r) under /out" >&2
		exit 2
	fi
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		modprobe "$dep" || echo "load-metis: modprobe $dep failed" >&2
	done
	insmod "$ko" ${METIS_KO_ARGS:-} || { echo "load-metis: insmod $ko failed" >&2; exit 1; }
fi

# The driver allows runtime PM (an idle card suspends after 2 s): the tests
# that are not about runtime PM get an awake card, as before.  metis_pm's
# runtime subtest writes "auto" itself; METIS_RPM=auto keeps the default.
if [ "${METIS_RPM:-on}" = on ]; then
	for d in /sys/bus/pci/drivers/metis/0000:*; do
		[ -e "$d/power/control" ] && echo on > "$d/power/control"
	done
fi

# Wait for the node and for the firmware to run (a runtime-suspended card
# has booted its firmware: ready too).
for _ in $(seq 300); do
	if "$metis" info > /tmp/metis-info 2>&1 &&
		grep -q '^state: *\(ready\|suspended\)' /tmp/metis-info; then
		cat /tmp/metis-info
		exit 0
	fi
	sleep 0.1
done
echo "load-metis: no ready metis card after 30 s" >&2
cat /tmp/metis-info >&2
dmesg | grep -i metis | tail -n 20 >&2
exit 1
