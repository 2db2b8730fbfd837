#!/bin/bash
# In a test-bed guest: load the driver, run metis-demo (model upload, S3,
# the same job again), show what the kernel logged.
#   guest-demo.sh KO BUILD_DIR
set -u
ko=$1 bin=$2
export LD_LIBRARY_PATH=$bin

echo "== loading the metis driver ($(uname -r))"
for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
	modprobe "$dep"
done
insmod "$ko" || exit 1
for _ in $(seq 100); do
	[ -c /dev/accel/accel0 ] && "$bin/metis" info > /tmp/info 2>&1 &&
		grep -q '^state: *\(ready\|suspended\)' /tmp/info && break
	sleep 0.1
done
"$bin/metis" info
echo "== a DMA round trip on every channel"
for ch in 0 1 2 3; do
	"$bin/metis" copy -s 4M -c "$ch" || exit 1
done
echo "== the user's scenario"
"$bin/metis-demo" -s "${DEMO_MIB:-16}"
rc=$?
echo "== what the driver logged"
dmesg | grep -E 'metis|PM: suspend' | tail -n 25
exit $rc
