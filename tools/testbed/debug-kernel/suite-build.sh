#!/bin/bash
# Suite (make check, early): build the debug-kernel tier's kernel (build.sh,
# cached), so that its cold build (about 20 CPU-minutes, at nice 10) runs
# beside the guest suites instead of after them; the tier itself
# (suite-check.sh) runs at the end.  Prints PASS/FAIL dk-kernel-build.
set -u
here=$(cd "$(dirname "$0")" && pwd)
start=$SECONDS
if kinfo=$("$here/build.sh" | tail -n1) && [ -n "$kinfo" ]; then
	echo "PASS dk-kernel-build (${kinfo%% *}, $((SECONDS - start)) s)"
else
	echo "FAIL dk-kernel-build: the debug kernel did not build (see above)"
	exit 1
fi
