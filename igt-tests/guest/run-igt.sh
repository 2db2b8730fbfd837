#!/bin/bash
# In a test-bed guest: load the driver and run the metis IGT tests with
# Debian's igt_runner; results in /results/igt (results.json), the runner's
# log in /results/igt-runner.log.  Arguments are passed to igt_runner
# (e.g. -t REGEX to select tests).
set -u
here=$(cd "$(dirname "$0")" && pwd)
igt=$(cd "$here/../../build/igt" && pwd)
"$here/load-metis.sh" || exit 1
export LD_LIBRARY_PATH=$igt/lib
# Every 60 s, the kernel stacks of the test processes and of every task
# in D state (an exiting test has no command line left): a hung test is
# then diagnosable from /results/stacks.txt.
(
	while sleep 60; do
		for p in $({ pgrep -f "$igt/tests/"; ps -eo pid=,stat= | awk '$2 ~ /^D/ { print $1 }'; } | sort -un); do
			echo "=== $(date +%T) pid $p ($(cat /proc/$p/comm 2>/dev/null)): $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)"
			cat /proc/$p/stack 2>/dev/null
		done
	done
) > /results/stacks.txt 2>&1 &
watch=$!
echo "run-igt: igt_runner on $(uname -r)"
"$igt/usr/bin/igt_runner" --overwrite --per-test-timeout ${METIS_IGT_TEST_TIMEOUT:-180} \
	--dmesg-warn-level 3 "$@" "$igt/tests" /results/igt \
	> /results/igt-runner.log 2>&1
rc=$?
kill $watch 2>/dev/null
tail -n 5 /results/igt-runner.log
dmesg > /results/dmesg.txt
exit $rc
