#!/bin/bash
# make bench: build metis-bench, boot test-bed guests with the emulated card
# and measure (Documentation/performance.md).
#   tools/bench/bench.sh [--smoke | --trace]
# BENCH_KERNEL (default 7.2), BENCH_BANDWIDTH (MB/s of the throttled
# guest, default 200), BENCH_OUT (default build/bench).
# The full run boots two guests: one with the model unthrottled (everything
# but the channel scaling) and one with bandwidth-mbps set (a link-like
# rate; the property cannot change on a realized device).  --smoke boots
# one guest with tiny sizes and counts and checks the output (the suite of
# make check: tools/bench/suite-bench.sh).  --trace boots one guest and
# traces a short jobs run (where a job's time goes: trace-jobs.py).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mode=full
[ "${1:-}" = --smoke ] && mode=smoke
[ "${1:-}" = --trace ] && mode=trace
kernel=${BENCH_KERNEL:-7.2}
bw=${BENCH_BANDWIDTH:-200}
out=${BENCH_OUT:-build/bench}
[ $mode = smoke ] && out=${BENCH_OUT:-build/bench/smoke}
[ $mode = trace ] && out=${BENCH_OUT:-build/bench/trace}
bin=$out/bin
mkdir -p "$bin"

# gnuplot on the host draws the plots (the guest root is shared and
# read-only); install it once.
if ! command -v gnuplot > /dev/null; then
	echo "TB: installing gnuplot-nox on the host"
	if ! { apt-get install -y -q gnuplot-nox > "$out/apt.log" 2>&1 ||
		{ apt-get update -q > /dev/null 2>&1 &&
		  apt-get install -y -q gnuplot-nox > "$out/apt.log" 2>&1; }; }; then
		echo "bench: gnuplot could not be installed (see $out/apt.log); no plots"
	fi
fi

echo "TB: building metis_accel.ko, libdrm-metis and metis-bench"
tools/testbed/rootfs.sh > /dev/null || exit 1
ko=$(tools/testbed/build-module.sh "$kernel" | tail -n1)
[ -f "$ko" ] || { echo "bench: module build failed"; exit 1; }
tools/testbed/chroot.sh -- make -s -C libdrm-metis > /dev/null || exit 1
tools/testbed/chroot.sh -- gcc -O2 -Wall -Werror -Ilibdrm-metis/include \
	-Iinclude/uapi/drm -I/usr/include/drm -I/usr/include/libdrm \
	-o "$bin/metis-bench" tools/bench/metis-bench.c \
	-Lbuild/libdrm-metis -ldrm_metis -ldrm || exit 1
cp -P build/libdrm-metis/libdrm_metis.so* "$bin/"

guest() { # LOG MODE CARD-PROPS
	local log=$1 gmode=$2 props=$3
	echo "TB: booting a $kernel guest ($gmode, card: $props)"
	tools/testbed/run-in-guest.sh --kernel "$kernel" --mem 2048 \
		--card-props "$props" --timeout "${BENCH_TIMEOUT:-1500}" \
		--results "$out/run-$gmode" -- \
		bash tools/bench/guest-bench.sh "/metis/${ko#"$top"/}" \
		"/metis/$bin" "$gmode" > "$log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || { echo "bench: the $gmode guest failed (status $rc, log $log)"; tail -n 20 "$log"; }
	return $rc
}

rm -rf "$out"/run-*
if [ $mode = trace ]; then
	guest "$out/raw.log" trace mem-size=64M || exit 1
	python3 tools/bench/trace-jobs.py "$out/run-trace/trace.txt"
	exit $?
fi
if [ $mode = smoke ]; then
	guest "$out/raw.log" smoke mem-size=64M
	# No comparison with the committed (full-size) results: other sizes.
	python3 tools/bench/report.py "$out" none "$out/raw.log" --check
	exit $?
fi
guest "$out/raw.log" full mem-size=1G || exit 1
guest "$out/raw-throttled.log" throttled "mem-size=1G,bandwidth-mbps=$bw" || exit 1
echo "R,info,bandwidth,$bw" >> "$out/raw-throttled.log"
python3 tools/bench/report.py "$out" Documentation/perf/results.csv \
	"$out/raw.log" "$out/raw-throttled.log"
echo "bench: to record this run as the reference: cp $out/results.csv $out/table.md $out/*.png $out/*.svg Documentation/perf/"
