#!/bin/bash
# In a test-bed guest: load the driver (timed to its first job) and run
# metis-bench's measurements; raw "R,..." lines on stdout.
#   guest-bench.sh KO BIN_DIR full|smoke|throttled
set -u
ko=$1 bin=$2 mode=$3
export LD_LIBRARY_PATH=$bin PATH=$PATH:/metis/tools/testbed/guest
b=$bin/metis-bench

for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
	modprobe "$dep"
done
modprobe udmabuf 2>/dev/null
modprobe vgem 2>/dev/null
echo "R,info,kernel,$(uname -r)"
echo "R,info,mode,$mode"
case $mode in
full)
	$b cold "$ko" || exit 1
	$b dma 256M 4 || exit 1
	$b jobs 10000 || exit 1
	$b lat 2000 4 || exit 1
	$b dmabuf 64M 5 || exit 1
	$b rpm || exit 1
	$b s3 64M || exit 1
	;;
throttled)
	$b cold "$ko" || exit 1
	$b dma 64M 4 1M || exit 1
	;;
smoke)
	$b cold "$ko" || exit 1
	$b dma 64K 4 4K || exit 1
	$b jobs 200 || exit 1
	$b lat 50 4 || exit 1
	$b dmabuf 1M 3 || exit 1
	$b rpm 2 || exit 1
	$b s3 1M || exit 1
	;;
esac
echo "R,info,done,1"
