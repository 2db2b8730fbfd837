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
# The cold start (insmod to the first completed job), the reference of the
# power figures: the fastest of N loads (report.py keeps the minimum).
cold() {
	local i
	for i in $(seq "$1"); do
		[ $i = 1 ] || rmmod metis_accel || return 1
		$b cold "$ko" || return 1
	done
	# The driver allows runtime PM: keep the card awake for the timings
	# (metis-bench rpm measures runtime PM itself, then sets "on" again).
	echo on > "$(readlink -f /sys/class/accel/accel0/device)/power/control"
}
case $mode in
full)
	cold 3 || exit 1
	$b dma 256M 4 || exit 1
	$b jobs 10000 || exit 1
	$b lat 2000 4 || exit 1
	$b dmabuf 64M 5 || exit 1
	$b rpm || exit 1
	$b s3 64M || exit 1
	;;
throttled)
	cold 1 || exit 1
	$b dma 64M 4 1M || exit 1
	;;
smoke)
	cold 2 || exit 1
	$b dma 16K 4 4K 1 || exit 1
	$b jobs 200 || exit 1
	$b lat 50 4 || exit 1
	$b dmabuf 1M 3 || exit 1
	$b rpm 2 || exit 1
	$b s3 1M || exit 1
	;;
trace)
	# Where a job's time goes: the job tracepoints over a short jobs run
	# (tools/bench/trace-jobs.py reads them).
	cold 1 || exit 1
	tr=/sys/kernel/tracing
	[ -d "$tr/events" ] || mount -t tracefs nodev "$tr" || exit 1
	echo 32768 > "$tr/buffer_size_kb"
	echo > "$tr/trace"
	# With the work items and interrupts, to see where the CPU goes.
	ev="metis workqueue/workqueue_execute_start workqueue/workqueue_execute_end
	    irq/irq_handler_entry irq/irq_handler_exit sched/sched_switch"
	for e in $ev; do echo 1 > "$tr/events/$e/enable"; done
	$b jobs 2000 || exit 1
	for e in $ev; do echo 0 > "$tr/events/$e/enable"; done
	cp "$tr/trace" /results/trace.txt
	;;
esac
echo "R,info,done,1"
