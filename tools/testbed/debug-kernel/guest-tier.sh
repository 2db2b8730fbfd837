#!/bin/bash
# guest-tier.sh TEST...: the debug-kernel tier inside a test-bed guest
# booted on the debug kernel (tools/testbed/debug-kernel/suite.sh runs it).
# Runs each TEST, then scans the kernel log (KASAN, lockdep, WARN, BUG,
# scheduling while atomic, DEBUG_OBJECTS, ...) and kmemleak; prints
# "PASS <test>" or "FAIL <test>: <reason>" followed by the report.  Logs and
# each test's dmesg go to /results/dk/.
#
# Environment (set by suite.sh): DK_KO (metis_accel.ko), DK_CANARY (dk_canary.ko),
# DK_SMOKE (metis-smoke),
# DK_FUZZ (metis-fuzz), DK_IGT (the IGT prefix, build/igt), DK_FUZZ_CALLS,
# DK_BUDGET_S (the seconds the tests may take, from the start of this
# script: a TEST@COST starts only if COST of them are left; SKIP if not).
#
# Tests:
#   load            insmod metis_accel.ko, the card gets ready
#   smoke           tools/smoke/metis-smoke
#   igt:BIN[:SUB]   an IGT binary of igt-tests (each subtest, or one)
#   failnth-probe   fail-nth sweep of the driver's allocations in probe
#                   (sysfs bind), then the card works (DK_PROBE_STRIDE,
#                   DK_PROBE_POINTS)
#   failnth-OP      metis-fuzz --failnth OP (open, bo-host, bo-device,
#                   submit, prime, syncobj)
#   failinj-pm      S3 cycles with failslab/fail_page_alloc at 20% on the
#                   driver's allocations; the card works after
#   fuzz            metis-fuzz, DK_FUZZ_CALLS calls, 4 threads, 3 files
#   fuzz-detach     metis-fuzz while the card is unbound/bound and
#                   removed/rescanned underneath it
#   unload          rmmod metis_accel; nothing of the driver may stay behind
#   canary          dk_canary.ko commits a lock-order inversion, a
#                   use-after-free, leaks and a WARN: the scan must report
#                   each (last: lockdep is off after its first report)
set -u
export PATH=/metis/tools/testbed/guest:$PATH
out=/results/dk
mkdir -p "$out"
dbg=/sys/kernel/debug
leakf=$dbg/kmemleak
FAIL_FS=($dbg/failslab $dbg/fail_page_alloc)

# What counts as a kernel report.  Lockdep, DEBUG_ATOMIC_SLEEP, PROVE_RCU,
# DEBUG_OBJECTS and DMA-API reports all start with WARNING: or BUG:.
REPORT_RE='BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|scheduling while atomic|sleeping function called from invalid context|suspicious RCU usage|ODEBUG|list_(add|del) corruption|refcount_t: |INFO: task .* blocked for more than|kernel BUG|Kernel panic|kmemleak: .*(disabled|Cannot allocate a kmemleak_object)'

# The kernel log's ring buffer (log_buf_len= from suite.sh, else the
# config's 128 KiB), in bytes.
LOG_BUF=$(sed -n 's/.*log_buf_len=\([0-9]*\)\([KMG]\?\).*/\1 \2/p' /proc/cmdline | {
	read -r n u || { echo 131072; exit; }
	case $u in K) echo $((n << 10)) ;; M) echo $((n << 20)) ;; G) echo $((n << 30)) ;; *) echo "$n" ;; esac
})

# The card's node: after a detach with files still open it comes back as
# another minor.
node() { ls /dev/accel/accel* 2>/dev/null | head -n1; }
card_bdf=$(basename "$(dirname "$(grep -l '^0x1f9d$' /sys/bus/pci/devices/*/vendor | head -n1)")")

# The reports in the kernel log since the last clear (dmesg -C), and the
# kmemleak leaks since the last "clear".  Prints them; status 1 if any.
scan() {
	local name=$1 log=$out/$1.dmesg leaks=$out/$1.kmemleak found=0 logged
	# Objects must be older than 5 s for kmemleak to report them.
	sleep 6
	if [ -w "$leakf" ]; then
		if ! echo scan > "$leakf" 2>/dev/null; then
			echo "kmemleak: scan failed (kmemleak disabled itself?)"
			found=1
		fi
		cat "$leakf" > "$leaks" 2>/dev/null
		echo clear > "$leakf" 2>/dev/null
	else
		echo "kmemleak: $leakf not available"
		found=1
	fi
	dmesg > "$log"
	dmesg -C
	# The ring buffer keeps the newest records: a test that logged near
	# its size may have lost its first reports.
	logged=$(wc -c < "$log")
	if [ "$logged" -gt $((LOG_BUF / 2)) ]; then
		echo "kernel log: this test logged $logged bytes, over half of the $LOG_BUF-byte ring buffer: reports may have been lost (raise log_buf_len in suite.sh)"
		found=1
	fi
	if grep -qE "$REPORT_RE" "$log"; then
		echo "--- kernel log reports ($log):"
		# Each report with its context (the trace that follows it).
		grep -nE -A40 "$REPORT_RE" "$log" | head -n 200
		found=1
	fi
	# The canary's own leaks surface for a while after it (their last
	# pointers linger in cached stacks): the canary judges them itself,
	# and the unload's scan before it judged the driver's.
	if [ -s "$leaks" ] && [ "$name" != canary ]; then
		echo "--- kmemleak ($leaks): $(grep -c '^unreferenced object' "$leaks") leaks"
		head -n 120 "$leaks"
		found=1
	fi
	return $found
}

run() {
	local name=$1 rc reason pid limit=${DK_TEST_TIMEOUT:-1200}
	shift
	echo "TB: debug tier: $name" > /dev/ttyS0
	local t0=$SECONDS
	# A subshell: an oops kills the test's task, not this runner.
	( "$@" ) > "$out/$name.log" 2>&1 &
	pid=$!
	# The clock, not a count of sleeps: each sleep is an exec, 0.5 s here.
	while [ -d /proc/$pid ] && [ $((SECONDS - t0)) -lt "$limit" ]; do
		sleep 1
	done
	if [ -d /proc/$pid ]; then
		echo "--- test still running after $limit s; blocked tasks and held locks in the kernel log:" >> "$out/$name.log"
		echo w > /proc/sysrq-trigger 2>/dev/null
		echo d > /proc/sysrq-trigger 2>/dev/null
		pkill -9 -P $pid 2>/dev/null
		kill -9 $pid 2>/dev/null
		rc=124
	else
		wait $pid
		rc=$?
	fi
	# A card left broken fails the test, and is reset so that the next
	# test starts from a working card.
	local sick=""
	if [ $rc -ne 124 ] && ! healthy; then
		sick="the card does not work after the test"
		debugfs_reset || sick="$sick (not even after a debugfs reset)"
		echo "TB: debug tier: $sick" > /dev/ttyS0
	fi
	if ! scan "$name" > "$out/$name.reports" 2>&1; then
		echo "FAIL $name: kernel reports after the test (test exit $rc)"
		cat "$out/$name.reports"
		echo "--- test output (tail):"
		tail -n 15 "$out/$name.log"
	elif [ -n "$sick" ]; then
		echo "FAIL $name: $sick (test exit $rc)"
		tail -n 30 "$out/$name.log"
	elif [ $rc -eq 77 ]; then
		echo "SKIP $name: $(tail -n1 "$out/$name.log")"
	elif [ $rc -eq 124 ]; then
		echo "FAIL $name: no result after $limit s"
		tail -n 30 "$out/$name.log"
	elif [ $rc -ne 0 ]; then
		reason=$(grep -vE '^\s*$' "$out/$name.log" | tail -n1)
		echo "FAIL $name: exit $rc: $reason"
		tail -n 30 "$out/$name.log"
	else
		echo "PASS $name"
	fi
	echo "TB: debug tier: $name done in $((SECONDS - t0)) s (exit $rc)" > /dev/ttyS0
}

# A loaded driver with a bound card does a verified copy (true when the
# driver is not loaded or no card is bound: nothing to check).
healthy() {
	[ -d /sys/module/metis_accel ] && [ -n "$(node)" ] || return 0
	"$DK_FUZZ" --check > /dev/null 2>&1
}

healthy_wait() {
	local _
	for _ in 1 2 3 4 5; do
		healthy && return 0
		sleep 1
	done
	return 1
}

# Up to 60 s on the clock: an attempt (three execs) takes seconds here,
# so a count of attempts would say nothing of the time.
card_ready() {
	local t0=$SECONDS
	while [ $((SECONDS - t0)) -lt 60 ]; do
		[ -n "$(node)" ] && "$DK_FUZZ" --check > /dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "no working /dev/accel/accel* node after 60 s"
	return 1
}

t_load() {
	[ -n "$card_bdf" ] || { echo "no metis card on the PCI bus"; return 1; }
	insmod "$DK_KO" || return 1
	# The driver allows runtime PM; the tier's tests expect an awake card.
	echo on > "/sys/bus/pci/devices/$card_bdf/power/control"
	card_ready
}

t_smoke() { "$DK_SMOKE" -d "$(node)"; }

# One IGT binary (all its subtests, or one): IGT marks each subtest in the
# kernel log ("[IGT] BIN: starting subtest ..."), so a report names its
# subtest.  Exit status: 0 pass, 77 all skipped, else the failed subtests.
t_igt() {
	local bin=$DK_IGT/tests/$1 sub=${2:-} rc
	export LD_LIBRARY_PATH=$DK_IGT/lib
	# metis_hotunplug's module reload loads this module again.
	export METIS_KO=$DK_KO
	# The tests' time limits and job lengths are measured on the release
	# kernels; here every exec and host request takes several times
	# longer (a module reload with its two card queries: 43-56 s of the
	# 60 s limit; 8 chains of 1 s jobs ended before all were submitted).
	export METIS_TIME_SCALE=4
	# A module reload cycle takes about 50 s here: 3, not 10 (the release
	# kernels' runs do 10).
	export METIS_RELOAD_COUNT=${METIS_RELOAD_COUNT:-3}
	"$bin" ${sub:+--run-subtest "$sub"}
	rc=$?
	echo "subtests: $(grep -c 'SUCCESS' "$out/igt-$1${sub:+-$sub}.log") passed," \
		"$(grep -c ': SKIP' "$out/igt-$1${sub:+-$sub}.log") skipped;" \
		"failed: $(grep -E '^Subtest .*: (FAIL|CRASH|TIMEOUT)' "$out/igt-$1${sub:+-$sub}.log" |
			awk '{ sub(/:$/, "", $2); printf "%s ", $2 }')"
	return $rc
}

# .text of metis_accel.ko: [start, end) for require-start/end.  The module's
# executable sections are laid out together; end is the highest section
# end among them (sizes from the .ko).
metis_text() {
	local s=/sys/module/metis_accel/sections start="" end="" sec addr size e
	# Kernel addresses are negative in bash arithmetic; all of the
	# module's sections share the sign, so the comparisons hold.
	while read -r sec size; do
		[ -r "$s/$sec" ] || continue
		addr=$(( $(cat "$s/$sec") ))
		e=$(( addr + size ))
		if [ -z "$start" ] || [ $addr -lt $start ]; then start=$addr; fi
		if [ -z "$end" ] || [ $e -gt $end ]; then end=$e; fi
	done < <(readelf -SW "$DK_KO" | awk '$0 ~ /\] \.text/ && $0 ~ / AX / {
		for (i = 1; i <= NF; i++) if ($i ~ /^\.text/) { print $i, "0x" $(i + 4); break } }')
	[ -n "$start" ] || return 1
	printf '%#x %#x\n' "$start" "$end"
}

# Limit failslab and fail_page_alloc to allocations with metis_accel.ko's text on
# the stack; PROB is the random failure probability (0: only fail-nth).
# Nothing is kept out: the two kernel bugs this tier ran into outside the
# driver (a GPF in DRM core's cleanup after drm_sysfs_minor_alloc()
# failed, a WARN when /proc/irq/N lacked an entry) are fixed in the debug
# kernel (tools/testbed/debug-kernel/patches/).
inject_setup() {
	local prob=$1 range f
	range=$(metis_text) || { echo "metis_accel.ko text not found"; return 1; }
	for f in "${FAIL_FS[@]}"; do
		[ -d "$f" ] || { echo "$f missing"; return 1; }
		echo 1 > "$f/interval"
		echo -1 > "$f/times"
		echo 0 > "$f/space"
		echo 1 > "$f/verbose"
		# Every injected failure in the log, not a sample.
		echo 0 > "$f/verbose_ratelimit_interval_ms"
		echo N > "$f/task-filter"
		echo 32 > "$f/stacktrace-depth"
		echo "${range% *}" > "$f/require-start"
		echo "${range#* }" > "$f/require-end"
		echo N > "$f/ignore-gfp-wait"
	done
	echo N > $dbg/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $dbg/fail_page_alloc/min-order
	# The probability last: until the stack filter is in place every
	# allocation of the system would fail at that rate, the shell's too
	# (with 20 % the guest's init died of ENOMEM).
	inject_prob "$prob"
	echo "metis text ${range% *}-${range#* }"
}

inject_prob() {
	local f
	for f in "${FAIL_FS[@]}"; do
		echo "$1" > "$f/probability"
	done
}

inject_off() {
	local f
	for f in "${FAIL_FS[@]}"; do
		echo 0 > "$f/probability"
		echo 0 > "$f/require-start"
		echo 18446744073709551615 > "$f/require-end"
	done
}

t_failnth() {
	local op=$1 rc
	inject_setup 0 || return 1
	"$DK_FUZZ" --failnth "$op"
	rc=$?
	inject_off
	echo "injected (kernel log): $(dmesg | grep -c 'FAULT_INJECTION: forcing a failure')"
	return $rc
}

# One bind with the fail-nth counter set too high to be reached: the
# number of the driver's injection points in a probe.  Prints it.
probe_points() {
	local b=$1 drv=/sys/bus/pci/drivers/metis big=1000000 r
	echo $big > /proc/self/fail-nth
	echo "$b" > "$drv/bind" 2>/dev/null
	read -r r < /proc/self/fail-nth
	echo 0 > /proc/self/fail-nth
	[ -e "$drv/$b" ] && echo "$b" > "$drv/unbind"
	[ "$r" -gt 0 ] || return 1
	echo $((big - r))
}

# The smallest prime >= $1 (1 for 1).  A probe's allocations repeat per
# interrupt vector: a stride sharing a factor with that period would fail
# the same few of each vector's allocations every time and never the
# others.
next_prime() {
	local n=$1 d
	[ "$n" -gt 2 ] || { echo "$n"; return; }
	while :; do
		for ((d = 2; d * d <= n; d++)); do
			[ $((n % d)) -ne 0 ] || break
		done
		[ $((d * d)) -gt "$n" ] && { echo "$n"; return; }
		n=$((n + 1))
	done
}

# Probe with the n-th driver allocation failing, for every n up to the
# probe's number of injection points (probe_points), or every
# DK_PROBE_STRIDE-th n; DK_PROBE_POINTS=K picks the stride (a prime) that
# gives about K probes; DK_PROBE_FIRST and DK_PROBE_LAST bound a piece of
# the sweep (the whole one takes hours: its pieces can run in separate
# guests).  A failed probe takes a fraction of a second here, one that
# absorbs the failure (a debugfs file, a firmware path tried first) about
# 4 s: it is bound, checked and unbound.  Each failed probe must leave
# nothing behind, each absorbed failure a working card; a sweep to the end
# must reach a probe that no longer gets to n (else the count was wrong).
t_failnth_probe() {
	local n r b=$card_bdf drv=/sys/bus/pci/drivers/metis rc=0 total end f
	local stride=${DK_PROBE_STRIDE:-1} absorbed=0 failed=0 done=""
	local first=${DK_PROBE_FIRST:-1} last=${DK_PROBE_LAST:-}
	[ -e "$drv/$b" ] && { echo "$b" > "$drv/unbind" || return 1; }
	inject_setup 0 || return 1
	# With the stack of each injected failure: where they landed (below).
	for f in "${FAIL_FS[@]}"; do echo 2 > "$f/verbose"; done
	total=$(probe_points "$b") || { echo "counting the probe's injection points failed"; return 1; }
	if [ -n "${DK_PROBE_POINTS:-}" ]; then
		stride=$(next_prime $(( (total + DK_PROBE_POINTS - 1) / DK_PROBE_POINTS )))
	fi
	echo "probe: $total injection points; failing every ${stride}. of them"
	# Past the count by a margin: a probe's path may vary a little.
	end=$((total + total / 10 + stride + 10))
	if [ -n "$last" ] && [ "$last" -lt "$end" ]; then
		end=$last
		done="stopped after allocation $last, as asked (DK_PROBE_LAST)"
	fi
	[ "$first" = 1 ] || echo "probe: from allocation $first (DK_PROBE_FIRST)"
	for n in $(seq "$first" "$stride" "$end"); do
		echo "$n" > /proc/self/fail-nth
		echo "$b" > "$drv/bind" 2>/dev/null
		read -r r < /proc/self/fail-nth
		echo 0 > /proc/self/fail-nth
		if [ "$r" != 0 ]; then
			done="probe complete before allocation $n"
			break
		fi
		# Progress on the console, for a sweep of hours.
		[ $(((n - first) / stride % 100)) -ne 99 ] ||
			echo "TB: debug tier: probe sweep at allocation $n of $total" > /dev/ttyS0
		if [ ! -e "$drv/$b" ]; then
			failed=$((failed + 1))
			continue
		fi
		# Probe absorbed the failure.  The card must work, or be in
		# the documented error state (e.g. the firmware request
		# failed) from which a debugfs reset brings it back.  Unbind
		# for the next n.
		absorbed=$((absorbed + 1))
		if ! healthy_wait; then
			if debugfs_reset; then
				echo "fault $n: probe succeeded in the error state; a reset recovered the card"
			else
				echo "fault $n: probe succeeded but the card does not work, not even after a reset"
				rc=1
			fi
		fi
		echo "$b" > "$drv/unbind"
	done
	inject_off
	echo "probe: $failed failed cleanly, $absorbed absorbed the failure; ${done:-not complete by allocation $end}"
	echo "injected failures by caller (from their stacks in the kernel log):"
	injected_sites
	[ -n "$done" ] || rc=1
	[ -e "$drv/$b" ] || { echo "$b" > "$drv/bind" || { echo "final bind failed"; return 1; }; }
	card_ready || return 1
	"$DK_SMOKE" -q -d "$(node)" || { echo "smoke test after the sweep failed"; return 1; }
	return $rc
}

# Where the injected failures of the kernel log landed: per failure the
# first four frames of its stack outside the allocators and fault
# injection, counted, most first.
injected_sites() {
	dmesg | awk '
		/FAULT_INJECTION: forcing a failure/ { inj = 1; n = 0; path = ""; next }
		inj && (/<\/TASK>/ || n == 4) { if (path != "") sites[path]++; inj = 0; next }
		inj && /^\[ *[0-9.]+\]  [A-Za-z_0-9.]+\+0x/ {
			fn = $0; sub(/^\[ *[0-9.]+\]  /, "", fn); sub(/\+0x.*/, "", fn)
			if (fn ~ /^_*(dump_stack|should_fail|fail_dump|slab_|kmem_cache_|kmalloc|kzalloc|alloc_pages|vmalloc|kvmalloc|prepare_alloc_pages|krealloc|kmemdup|kstrdup|kvasprintf|kasprintf|kmem_|do_kmalloc|slab_alloc|pcpu_alloc|folio_alloc)/)
				next
			path = path (n ? " < " : "") fn; n++
		}
		END { for (p in sites) printf "  %5d %s\n", sites[p], p }' | sort -rn | head -n 30
}

s3() {
	echo deep > /sys/power/mem_sleep 2>/dev/null
	echo 0 > /sys/class/rtc/rtc0/wakealarm
	echo +4 > /sys/class/rtc/rtc0/wakealarm
	echo mem > /sys/power/state
}

# Reset the card through debugfs; it must work after.
debugfs_reset() {
	local r
	for r in $dbg/accel/*/reset; do [ -e "$r" ] && echo 1 > "$r"; done
	healthy_wait
}

# S3 with the driver's allocations failing at random (20%) during suspend
# and resume, jobs in flight.  A failed resume leaves the card in the error
# state by design (Documentation/pm.md); a debugfs reset, without
# injection, must bring it back before the next cycle.  After the cycles a
# clean S3 and a smoke test.
t_failinj_pm() {
	local i rc=0 errs=0 prob=20
	# Synchronous device PM: the callbacks run in this task.
	echo 0 > /sys/power/pm_async
	inject_setup $prob || return 1
	for i in 1 2 3; do
		"$DK_FUZZ" -n 200 -t 2 -f 2 -s $i > /dev/null 2>&1 &
		sleep 1
		s3 || echo "cycle $i: suspend failed: $?"
		wait
		# The check's own allocations must not fail.
		inject_prob 0
		if ! healthy_wait; then
			errs=$((errs + 1))
			if debugfs_reset; then
				echo "cycle $i: the card did not resume; a debugfs reset recovered it"
			else
				echo "cycle $i: the card does not work after the resume, not even after a debugfs reset"
				rc=1
			fi
		fi
		inject_prob $prob
	done
	inject_off
	echo 1 > /sys/power/pm_async
	echo "injected (kernel log): $(dmesg | grep -c 'FAULT_INJECTION: forcing a failure'), failed resumes: $errs"
	[ $rc -eq 0 ] || return 1
	s3 || { echo "clean S3 failed"; rc=1; }
	card_ready && "$DK_SMOKE" -q -d "$(node)" || { echo "smoke test after a clean S3 failed"; rc=1; }
	return $rc
}

t_fuzz() {
	"$DK_FUZZ" -v -n "${DK_FUZZ_CALLS:-100000}" -t 4 -f 3 ${DK_FUZZ_SEED:+-s $DK_FUZZ_SEED} || return 1
	card_ready
}

t_fuzz_detach() {
	local b=$card_bdf drv=/sys/bus/pci/drivers/metis pid i rc=0
	"$DK_FUZZ" -n 1000000000 -t 3 -f 2 > "$out/fuzz-detach.fuzz.log" 2>&1 &
	pid=$!
	sleep 3
	for i in 1 2; do
		echo "$b" > "$drv/unbind" || { echo "unbind $i failed"; rc=1; }
		sleep 1
		echo "$b" > "$drv/bind" || { echo "bind $i failed"; rc=1; }
		sleep 3
		echo 1 > "/sys/bus/pci/devices/$b/remove" || { echo "remove $i failed"; rc=1; }
		sleep 1
		echo 1 > /sys/bus/pci/rescan
		sleep 3
	done
	kill "$pid"
	wait "$pid"
	tail -n 20 "$out/fuzz-detach.fuzz.log"
	card_ready || return 1
	"$DK_SMOKE" -q -d "$(node)" || { echo "smoke test after the detach cycles failed"; return 1; }
	return $rc
}

# The scan itself must be able to fail: dk_canary.ko commits each bug on
# purpose and the scan must report it.  Last in a run, and lockdep's
# first: lockdep turns itself off after its first report, and after a
# KASAN report (the taint it adds makes lock tracking unreliable).
t_canary() {
	local b bug re rc=0
	for b in "lockdep:possible circular locking" "uaf:KASAN: .*use-after-free" \
		 "leak:unreferenced object" "warn:WARNING:.*dk_canary"; do
		bug=${b%%:*}
		re=${b#*:}
		insmod "$DK_CANARY" bug="$bug" 2>/dev/null
		# kmemleak: one scan more, for the object to be seen unreferenced.
		[ "$bug" = leak ] && { sleep 6; echo scan > "$leakf"; }
		if scan "canary-$bug" > "$out/canary-$bug.reports" 2>&1; then
			echo "canary $bug: no report: the scan would miss this bug"
			rc=1
		elif ! grep -qE "$re" "$out/canary-$bug.reports"; then
			echo "canary $bug: a report, but not /$re/:"
			head -n 20 "$out/canary-$bug.reports"
			rc=1
		else
			echo "canary $bug: caught: $(grep -m1 -E "$re" "$out/canary-$bug.reports")"
		fi
	done
	return $rc
}

t_unload() {
	rmmod metis_accel || return 1
	[ -z "$(node)" ] || { echo "$(node) still there after rmmod"; return 1; }
}

# Boot-time noise is not ours: a first scan clears it.
[ -w "$leakf" ] && { echo scan > "$leakf"; echo clear > "$leakf"; }
dmesg > "$out/boot.dmesg"
if grep -qE "$REPORT_RE" "$out/boot.dmesg"; then
	echo "FAIL debug-boot: kernel reports during boot (before the driver)"
	grep -nE -A40 "$REPORT_RE" "$out/boot.dmesg" | head -n 100
else
	echo "PASS debug-boot"
fi
dmesg -C

for t in "$@"; do
	# TEST@COST: run it only if COST seconds (an estimate) are left of
	# DK_BUDGET_S, and the reserve for the unload after it.
	if [ "${t%@*}" != "$t" ]; then
		cost=${t#*@}
		t=${t%@*}
		left=$((${DK_BUDGET_S:-999999} - SECONDS - 60))
		if [ "$cost" -gt "$left" ]; then
			echo "SKIP $t: $left s left of the tier's $DK_BUDGET_S s (CI's time budget), it needs about $cost s; run make check-debug"
			continue
		fi
	fi
	case $t in
	igt:*)
		IFS=: read -r _ bin sub <<<"$t"
		run "igt-$bin${sub:+-$sub}" t_igt "$bin" "$sub" ;;
	failnth-probe) DK_TEST_TIMEOUT=${DK_PROBE_TIMEOUT:-5400} run "$t" t_failnth_probe ;;
	failnth-*) run "$t" t_failnth "${t#failnth-}" ;;
	failinj-pm) run "$t" t_failinj_pm ;;
	fuzz-detach) run "$t" t_fuzz_detach ;;
	# About 240 calls/s here (2026-12-03): the limit allows 90, and 5 minutes.
	fuzz) DK_TEST_TIMEOUT=${DK_TEST_TIMEOUT:-$((${DK_FUZZ_CALLS:-100000} / 90 + 300))} run "$t" t_fuzz ;;
	load|smoke|unload|canary) run "$t" "t_$t" ;;
	*) echo "FAIL $t: unknown test" ;;
	esac
done
