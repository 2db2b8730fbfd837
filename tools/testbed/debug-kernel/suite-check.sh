#!/bin/bash
# Suite (make check): the debug-kernel tier (suite.sh) on the
# KASAN/lockdep/kmemleak kernel: the driver basics, the IGT PM and detach
# tests, then the fuzzer (100,000 calls), fault injection in
# suspend/resume, the fuzzer under detach, the fail-nth sweeps (the probe's
# with about 40 probes), the module unload and the canary (the scan itself
# must catch a use-after-free, a leak, a WARN and a lock-order inversion);
# DK_TESTS overrides the list.
#
# It comes early in tools/suites.list, so that the kernel's cold build and
# then the tier's guest fill one of tools/check.sh's two lanes while the
# other runs the rest.  It stays inside CI's time budget: check.sh exports
# CHECK_T0 (when make check started) and, under CI, CHECK_BUDGET_S (5400).
# When what is left of the budget cannot hold the basics (plus the
# kernel's cold build if it is not cached, as measured in
# Documentation/debug-kernel.md), the tier is skipped with that reason;
# the tests after the basics run in order while what is left holds them,
# each one that does not is skipped with the reason: the guest decides
# when it gets to them, by the clock, so a fast host runs more of them.
# The guest's time limit is what is left, so the tier cannot push CI
# past its budget.
# Outside CI there is no budget: all of it runs.
#   DK_COLD_BUILD_S, DK_TIER_S   the estimates (defaults below)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

# Measured (Documentation/debug-kernel.md, "Cost"), with some margin:
# the basics, PM and detach (boot, load, smoke, IGT basic/submit/dmabuf
# 6 min, metis_pm 8 min, metis_hotunplug 20 min on a loaded host: 42 min
# in all on 2026-12-03); then each further test with its cost in seconds,
# in the order they run (the fuzzer first: CI must run it).
cold_build=${DK_COLD_BUILD_S:-1400}
tier=${DK_TIER_S:-2700}
margin=300
base="load smoke igt:metis_basic igt:metis_submit igt:metis_dmabuf igt:metis_pm igt:metis_hotunplug"
extras="fuzz:900 failinj-pm:400 fuzz-detach:400 failnth-open:90 failnth-bo-host:90
	failnth-bo-device:90 failnth-submit:90 failnth-prime:90 failnth-syncobj:120
	failnth-probe:450"
# The probe sweep fails about 40 of the probe's 2,400 allocations here (325
# s on a loaded host); make check-debug about 300, check-debug-long each.
export DK_PROBE_POINTS=${DK_PROBE_POINTS:-40}

key=$("$here/build.sh" --key) || { echo "FAIL dk-kernel: no cache key (apt index?)"; exit 1; }
need=$tier
cached=yes
if [ ! -f "$TB_CACHE/debug-kernel/$key/.tb-complete" ]; then
	need=$((need + cold_build))
	cached=no
fi

if [ -n "${CHECK_BUDGET_S:-}" ]; then
	now=$(date +%s)
	left=$((CHECK_BUDGET_S - (now - ${CHECK_T0:-$now}) - margin))
	if [ "$left" -lt "$need" ]; then
		echo "SKIP dk-tier: ${left} s left of CI's ${CHECK_BUDGET_S} s budget, the tier needs about ${need} s (debug kernel cached: $cached); run make check-debug"
		exit 0
	fi
	# suite.sh gives the guest what is left once the kernel is there;
	# the guest starts each test after the basics only if what it has
	# left then holds the test's estimate (guest-tier.sh, TEST@COST).
	export DK_DEADLINE=$((now + left))
	tb_log "debug tier: ${left} s left of the budget"
fi
tests=$base
[ -n "${DK_TESTS:-}" ] && extras=""
for e in $extras; do
	tests="$tests ${e%:*}@${e#*:}"
done
export DK_TESTS=${DK_TESTS:-$tests unload canary}
exec "$here/suite.sh" "$@"
