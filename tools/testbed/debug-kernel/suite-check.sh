#!/bin/bash
# Suite (make check): the debug-kernel tier (suite.sh) on the
# KASAN/lockdep/kmemleak kernel with the CI list: the driver basics, the
# IGT PM and detach tests and the module unload (DK_TESTS overrides it).
# The fail-nth sweeps, failinj-pm and the fuzzer are in the full list of
# `make check-debug` (Documentation/debug-kernel.md).
#
# It comes early in tools/suites.list, so that the kernel's cold build and
# then the tier's guest fill one of tools/check.sh's two lanes while the
# other runs the rest.  It stays inside CI's time budget: check.sh exports
# CHECK_T0 (when make check started) and, under CI, CHECK_BUDGET_S (5400).
# When what is left of the budget cannot hold the tier (the kernel's cold
# build if it is not cached, plus the tier itself, as measured in
# Documentation/debug-kernel.md), the tier is skipped with that reason;
# otherwise the guest's time limit is what is left, so the tier cannot
# push CI past its budget.  Outside CI there is no budget: it always runs.
#   DK_COLD_BUILD_S, DK_TIER_S   the estimates (defaults below)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"

# Measured (Documentation/debug-kernel.md, "Cost"), with some margin.
cold_build=${DK_COLD_BUILD_S:-1400}
tier=${DK_TIER_S:-1800}
# Measured: 9 min of guest without metis_hotunplug (boot 10 s, PM 4.5 min),
# metis_hotunplug 13 min on a host loaded with four other guests; 2 min of builds.
export DK_TESTS=${DK_TESTS:-load smoke igt:metis_basic igt:metis_submit igt:metis_dmabuf igt:metis_pm igt:metis_hotunplug unload}
margin=300

key=$("$here/build.sh" --key) || { echo "FAIL dk-kernel: no cache key (apt index?)"; exit 1; }
need=$tier
cached=yes
if [ ! -f "$TB_CACHE/debug-kernel/$key/.tb-complete" ]; then
	need=$((need + cold_build))
	cached=no
fi

if [ -n "${CHECK_BUDGET_S:-}" ]; then
	used=$(($(date +%s) - ${CHECK_T0:-$(date +%s)}))
	left=$((CHECK_BUDGET_S - used - margin))
	if [ "$left" -lt "$need" ]; then
		echo "SKIP dk-tier: ${left} s left of CI's ${CHECK_BUDGET_S} s budget, the tier needs about ${need} s (debug kernel cached: $cached); run make check-debug"
		exit 0
	fi
	# The guest may use what is left once the kernel is there.
	export DK_TIMEOUT=$((left - (need - tier)))
	tb_log "debug tier: ${left} s left of the budget, guest limit ${DK_TIMEOUT} s"
fi
exec "$here/suite.sh" "$@"
