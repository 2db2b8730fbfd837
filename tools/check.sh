#!/bin/bash
# Run every test suite and print one summary line.
#
# A suite is an executable that prints one line per test:
#   PASS <name>
#   FAIL <name>: <reason>
#   SKIP <name>: <reason>
# Anything else it prints is passed through as log.  A suite that exits
# non-zero without printing a FAIL line counts as one failed test.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
log_dir=${CHECK_LOG_DIR:-$top/build/check}
mkdir -p "$log_dir"
summary=$log_dir/summary.txt
: > "$summary"

# Suites that must stay inside CI's time limit read these (the debug-kernel
# tier, which runs last).
export CHECK_T0=${CHECK_T0:-$(date +%s)}
[ "${CI:-}" = true ] && export CHECK_BUDGET_S=${CHECK_BUDGET_S:-5400}

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
	mapfile -t suites < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/tools/suites.list")
fi

for suite in "${suites[@]}"; do
	name=$(basename "$suite")
	echo "=== suite $name ($(date +%T))"
	start=$SECONDS
	out=$log_dir/$name.log
	set -o pipefail
	"$top/$suite" 2>&1 | tee "$out" | sed -u -n -e '/^\(PASS\|FAIL\|SKIP\) /p' -e '/^TB: /p'
	rc=$?
	set +o pipefail
	grep -E '^(PASS|FAIL|SKIP) ' "$out" >> "$summary"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		echo "FAIL $name: suite exited with status $rc (log: $out)" | tee -a "$summary"
		tail -n 30 "$out"
	fi
	echo "=== suite $name done in $((SECONDS - start)) s"
done

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
