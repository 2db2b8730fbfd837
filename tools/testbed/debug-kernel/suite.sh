#!/bin/bash
# Suite: the debug-kernel tier (Documentation/debug-kernel.md).  Builds (once,
# cached) the debug guest kernel (KASAN, lockdep, kmemleak, DEBUG_OBJECTS,
# fault injection), builds the metis module against it, metis-smoke,
# metis-fuzz and the IGT tests, then runs them in one guest on that kernel
# with the card (tools/testbed/debug-kernel/guest-tier.sh): every test is
# followed by a scan of the kernel log and kmemleak, and any report fails it.
# Prints PASS/FAIL/SKIP lines named dk-<test>.
#
#   suite.sh [TEST...]        default: $DK_TESTS or the list below (without
#                             igt:metis_reset: its hang-detection timing does
#                             not hold on this slow kernel; see the docs)
#   DK_FUZZ_CALLS=N           fuzzer calls (default 100000; `make check-debug-long`: 2000000)
#   DK_TIMEOUT=S              guest time limit (default 10800 s)
#   DK_DEADLINE=EPOCH         instead: the guest ends by then, and a test
#                             given as TEST@COST starts only if COST seconds
#                             are left (suite-check.sh: CI's budget)
#   DK_TEST_TIMEOUT=S         one test's time limit in the guest (default 1200 s)
#   DK_PROBE_POINTS=K         failnth-probe: the stride that gives about K probes (default 300)
#   DK_PROBE_STRIDE=N         failnth-probe fails every N-th allocation instead (1: all)
#   DK_PROBE_TIMEOUT=S        failnth-probe's time limit (default 5400 s)
#   DK_PROBE_FIRST=N, DK_PROBE_LAST=M
#                             failnth-probe from the N-th to the M-th
#                             allocation only (a piece of a long sweep)
#   DK_FUZZ_SEED=N            the fuzzer's seed (default: time and pid)
#
# The module and the tests are built from this checkout's working tree.
set -u
main() {
	top=$(cd "$(dirname "$0")/../../.." && pwd)
	. "$top/tools/testbed/lib/common.sh"
	. "$top/tools/testbed/lib/chroot.sh"
	cd "$top"
	local out=$top/build/debug-kernel
	mkdir -p "$out"

	local tests=("$@")
	if [ ${#tests[@]} -eq 0 ]; then
		# shellcheck disable=SC2206
		tests=(${DK_TESTS:-load smoke
			igt:metis_basic igt:metis_submit igt:metis_dmabuf
			igt:metis_pm igt:metis_hotunplug
			failnth-probe failnth-open failnth-bo-host failnth-bo-device
			failnth-submit failnth-prime failnth-syncobj failinj-pm
			fuzz fuzz-detach unload canary})
	fi

	local t0=$SECONDS kinfo abi kdir ksrc kkey kdirc
	if ! kinfo=$(tools/testbed/debug-kernel/build.sh | tail -n1) || [ -z "$kinfo" ]; then
		echo "FAIL dk-kernel: the debug kernel did not build"
		exit 1
	fi
	read -r abi kdir ksrc <<<"$kinfo"
	echo "PASS dk-kernel ($abi, $((SECONDS - t0)) s)"
	kdirc=$(dirname "$ksrc")

	# The module, in the build root against the debug kernel's tree.  The
	# chroot binds one directory: stage the sources next to the tree.
	local root mod
	root=$(tb_root)
	mod=$(mktemp -d "$kdirc/mod.XXXXXX")
	cp -a --parents Kbuild drivers/accel/metis include/uapi/drm/metis_accel.h "$mod/"
	mkdir -p "$mod/include"
	if ! tb_chroot_run "$root" ro "$kdirc" make -C "$ksrc" M="$mod" -j2 modules \
		> "$out/module-build.log" 2>&1 || [ ! -f "$mod/drivers/accel/metis/metis_accel.ko" ]; then
		tail -n 30 "$out/module-build.log"
		rm -rf "$mod"
		echo "FAIL dk-module: metis_accel.ko does not build against $abi (log: $out/module-build.log)"
		exit 1
	fi
	cp "$mod/drivers/accel/metis/metis_accel.ko" "$out/metis_accel.ko"
	# The canary (guest-tier.sh's test of the report scan itself).
	cp -a tools/testbed/debug-kernel/canary "$mod/"
	if ! tb_chroot_run "$root" ro "$kdirc" make -C "$ksrc" M="$mod/canary" modules \
		>> "$out/module-build.log" 2>&1 || [ ! -f "$mod/canary/dk_canary.ko" ]; then
		tail -n 30 "$out/module-build.log"
		rm -rf "$mod"
		echo "FAIL dk-module: dk_canary.ko does not build against $abi (log: $out/module-build.log)"
		exit 1
	fi
	cp "$mod/canary/dk_canary.ko" "$out/dk_canary.ko"
	rm -rf "$mod"
	echo "PASS dk-module"

	tb_log "debug tier: building metis-smoke, metis-fuzz and the IGT tests"
	if ! tools/testbed/chroot.sh -- gcc -O2 -Wall -Werror -I"$top/include/uapi/drm" \
		-I/usr/include/drm -o "$out/metis-smoke" tools/smoke/metis-smoke.c -lz > "$out/tools-build.log" 2>&1 ||
	   ! tools/testbed/chroot.sh -- gcc -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -pthread \
		-I"$top/include/uapi/drm" -I/usr/include/drm -o "$out/metis-fuzz" tools/fuzz/metis-fuzz.c \
		>> "$out/tools-build.log" 2>&1; then
		cat "$out/tools-build.log"
		echo "FAIL dk-tools: metis-smoke or metis-fuzz does not build"
		exit 1
	fi
	local igt_ok=1
	if ! igt-tests/tools/build-igt.sh > "$out/igt-build.log" 2>&1; then
		tail -n 20 "$out/igt-build.log"
		echo "FAIL dk-igt-build: the IGT tests do not build (log: $out/igt-build.log)"
		igt_ok=0
	fi
	if [ $igt_ok = 0 ]; then
		local keep=() t
		for t in "${tests[@]}"; do
			case $t in igt:*) ;; *) keep+=("$t") ;; esac
		done
		tests=("${keep[@]}")
	fi

	local run=$top/build/testbed/runs/debug-tier rc
	rm -rf "$run" && mkdir -p "$run"
	# A swap disk for the S4 test points of metis_pm.
	truncate -s 2G "$run/swap.img"
	tb_log "debug tier: ${#tests[@]} tests in a $abi guest"
	local g0=$SECONDS
	# A probe has about 2,400 injection points and each takes seconds
	# here: by default about 300 of them (DK_PROBE_STRIDE=1: all).
	local probe_points=${DK_PROBE_POINTS:-}
	[ -n "$probe_points${DK_PROBE_STRIDE:-}" ] || probe_points=300
	# A deadline (CI's budget): the guest gets what is left of it, and
	# its tests what is left after the boot and the power-off.
	local timeout=${DK_TIMEOUT:-10800} budget=""
	if [ -n "${DK_DEADLINE:-}" ]; then
		timeout=$((DK_DEADLINE - $(date +%s)))
		[ "$timeout" -ge 600 ] || timeout=600
		budget=$((timeout - 180))
		tb_log "debug tier: guest limit $timeout s (the deadline), $budget s for its tests"
	fi
	# The scan reads each test's kernel log from the ring buffer: the
	# tinyconfig's 128 KiB would lose a long test's first reports (a
	# sweep of 220 probes logged 112 KB, 420 KB with the stacks of its
	# injected failures: about 5 MB for every point of the probe);
	# guest-tier.sh fails a test that fills half of it.
	local log_buf=32M
	tools/testbed/run-in-guest.sh --kernel debug --mem 2048 --quiet \
		--timeout "$timeout" --results "$run" --disk "$run/swap.img" \
		--append "loglevel=5 kasan_multi_shot log_buf_len=$log_buf" -- \
		env DK_KO=/metis/build/debug-kernel/metis_accel.ko \
		DK_CANARY=/metis/build/debug-kernel/dk_canary.ko \
		DK_SMOKE=/metis/build/debug-kernel/metis-smoke \
		DK_FUZZ=/metis/build/debug-kernel/metis-fuzz \
		DK_IGT=/metis/build/igt DK_FUZZ_CALLS="${DK_FUZZ_CALLS:-100000}" \
		${DK_FUZZ_SEED:+DK_FUZZ_SEED=$DK_FUZZ_SEED} \
		${DK_TEST_TIMEOUT:+DK_TEST_TIMEOUT=$DK_TEST_TIMEOUT} \
		${budget:+DK_BUDGET_S=$budget} \
		${DK_PROBE_STRIDE:+DK_PROBE_STRIDE=$DK_PROBE_STRIDE} \
		${probe_points:+DK_PROBE_POINTS=$probe_points} \
		${DK_PROBE_TIMEOUT:+DK_PROBE_TIMEOUT=$DK_PROBE_TIMEOUT} \
		${DK_PROBE_FIRST:+DK_PROBE_FIRST=$DK_PROBE_FIRST} \
		${DK_PROBE_LAST:+DK_PROBE_LAST=$DK_PROBE_LAST} \
		bash tools/testbed/debug-kernel/guest-tier.sh "${tests[@]}" \
		> "$out/guest.log" 2>&1
	rc=$?
	rm -f "$run/swap.img"
	tb_log "debug tier: guest ran $((SECONDS - g0)) s (exit $rc)"
	cat "$run/output" 2>/dev/null
	# Every test must have a result line; the guest may have died (panic,
	# timeout) with the report on its serial console only.
	local t missing=0 name
	for t in "${tests[@]}"; do
		t=${t%@*}
		case $t in igt:*:*) name="igt-$(cut -d: -f2 <<<"$t")-$(cut -d: -f3 <<<"$t")" ;;
		igt:*) name="igt-${t#igt:}" ;;
		*) name=$t ;;
		esac
		grep -qE "^(PASS|FAIL|SKIP) $name(:|\$)" "$run/output" 2>/dev/null || missing=1
	done
	if [ $missing = 1 ] || [ $rc -ne 0 ]; then
		echo "FAIL dk-guest: the guest did not run every test (exit $rc; results: $run)"
		echo "--- serial console (reports and tail):"
		sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//' "$run/serial.log" 2>/dev/null |
			grep -E -A40 'BUG:|WARNING:|Oops|KASAN|Kernel panic|circular locking' | head -n 150
		sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//' "$run/serial.log" 2>/dev/null | tail -n 40
	fi
}
main "$@" 2>&1 | sed -u -e 's/^\(PASS\|FAIL\|SKIP\) /\1 dk-/' -e 's/^\(PASS\|FAIL\|SKIP\) dk-dk-/\1 dk-/'
exit "${PIPESTATUS[0]}"
