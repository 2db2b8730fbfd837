#!/bin/bash
# Run every test suite and print one summary line.
#
# A suite is an executable that prints one line per test:
#   PASS <name>
#   FAIL <name>: <reason>
#   SKIP <name>: <reason>
# Anything else it prints is passed through as log.  A suite that exits
# non-zero without printing a FAIL line counts as one failed test.
#
# Suites run CHECK_JOBS at a time (default 2), in the order of
# tools/suites.list: a test-bed guest keeps one core busy (TCG runs the
# guest's one CPU on one host thread), so two at a time use a 2-core
# machine.  What they share is safe to share: the cache builds are locked,
# every suite has its own build and run directories.  PASS, FAIL, SKIP and
# "TB: " lines are shown as they come, the latter tagged with the suite
# when more than one runs; each suite's whole output is in
# build/check/<suite>.log.
set -u
# The body is one function, read whole before it runs: editing this file
# during a run cannot change the running instance.
main() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	log_dir=${CHECK_LOG_DIR:-$top/build/check}
	mkdir -p "$log_dir"
	summary=$log_dir/summary.txt
	: > "$summary"
	jobs=${CHECK_JOBS:-2}

	# Suites that must stay inside CI's time limit read these (the
	# debug-kernel tier).
	export CHECK_T0=${CHECK_T0:-$(date +%s)}
	[ "${CI:-}" = true ] && export CHECK_BUDGET_S=${CHECK_BUDGET_S:-5400}

	local suites=("$@")
	if [ ${#suites[@]} -eq 0 ]; then
		mapfile -t suites < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/tools/suites.list")
	fi
	[ ${#suites[@]} -gt 1 ] || jobs=1

	local i running=0
	for i in "${!suites[@]}"; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
		fi
		run_suite "${suites[$i]}" "$jobs" &
		running=$((running + 1))
	done
	wait

	# The summary in the list's order, whatever order the suites ended in.
	local name out
	for i in "${!suites[@]}"; do
		name=$(basename "${suites[$i]}")
		out=$log_dir/$name.log
		grep -E '^(PASS|FAIL|SKIP) ' "$out" >> "$summary" 2>/dev/null
		cat "$log_dir/$name.status" >> "$summary" 2>/dev/null
	done
	local passed failed skipped
	passed=$(grep -c '^PASS ' "$summary")
	failed=$(grep -c '^FAIL ' "$summary")
	skipped=$(grep -c '^SKIP ' "$summary")
	if [ "$failed" -gt 0 ]; then
		echo "Failed tests:"
		grep '^FAIL ' "$summary"
	fi
	if [ "$skipped" -gt 0 ]; then
		echo "Skipped tests:"
		grep '^SKIP ' "$summary"
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# run_suite SUITE JOBS: run one suite, its log in $log_dir/<name>.log; a
# suite that failed without saying so gets a FAIL line in <name>.status.
run_suite() {
	local suite=$1 name out start rc tag=
	name=$(basename "$suite")
	out=$log_dir/$name.log
	rm -f "$log_dir/$name.status"
	[ "$2" -gt 1 ] && tag="[$name] "
	echo "=== suite $name ($(date +%T))"
	start=$SECONDS
	set -o pipefail
	"$top/$suite" 2>&1 | tee "$out" |
		sed -u -n -e '/^\(PASS\|FAIL\|SKIP\) /p' -e "s/^TB: /TB: $tag/p"
	rc=$?
	set +o pipefail
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		echo "FAIL $name: suite exited with status $rc (log: $out)" |
			tee "$log_dir/$name.status"
		tail -n 30 "$out"
	fi
	echo "=== suite $name done in $((SECONDS - start)) s"
}

main "$@"
exit $?
