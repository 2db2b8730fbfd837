#!/bin/bash
# Prove that tests built on our declarations of IGT's API run correctly on
# Debian's libigt.so.0 and under Debian's igt_runner: the ABI selftest's
# subtest list, each subtest's exit status, and the runner's verdicts must
# be the expected ones.  Runs where the binaries run (the trixie build
# root or a guest).  Prints PASS/FAIL lines.
#
# Usage: check-abi.sh [IGT_DIR]   (default build/igt)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
igt=${1:-$top/build/igt}
bin=$igt/selftest/igt_abi_selftest
export LD_LIBRARY_PATH=$igt/lib
export IGT_SELFTEST=1
fails=0

ok() { echo "PASS igt-abi-$1"; }
ko() { echo "FAIL igt-abi-$1: $2"; fails=$((fails + 1)); }

# subtest:expected exit status:expected runner verdict
expect="pass:0:pass fail:98:fail skip:77:skip group-skip:77:skip
after-group:0:pass dynamic:98:fail dynamic-teardown:134:incomplete fork:0:pass
fork-fail:98:fail format-name:0:pass"

want_list=$(for e in $expect; do echo "${e%%:*}"; done)
got_list=$("$bin" --list-subtests 2>&1)
if [ "$got_list" = "$want_list" ]; then
	ok list-subtests
else
	ko list-subtests "got '$(echo $got_list)'"
fi

for e in $expect; do
	IFS=: read -r name rc _ <<<"$e"
	"$bin" --run-subtest "$name" > "$igt/abi-$name.log" 2>&1
	got=$?
	if [ "$got" = "$rc" ]; then
		ok "run-$name"
	else
		ko "run-$name" "exit status $got, want $rc (log: $igt/abi-$name.log)"
	fi
done

# Debian's igt_runner over the same binary.
root=$(mktemp -d)
res=$(mktemp -d)
trap 'rm -rf "$root" "$res"' EXIT
cp "$bin" "$root/"
echo igt_abi_selftest > "$root/test-list.txt"
if "$igt/usr/bin/igt_runner" --overwrite "$root" "$res/out" > "$igt/abi-runner.log" 2>&1 &&
	[ -f "$res/out/results.json" ]; then
	ok runner-completes
	for e in $expect; do
		IFS=: read -r name _ verdict <<<"$e"
		got=$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["tests"]
print(t.get("igt@igt_abi_selftest@" + sys.argv[2], {}).get("result", "missing"))
' "$res/out/results.json" "$name")
		if [ "$got" = "$verdict" ]; then
			ok "runner-$name"
		else
			ko "runner-$name" "runner says $got, want $verdict"
		fi
	done
	cp "$res/out/results.json" "$igt/abi-results.json"
	# The suites' lines come from igt-results.py: every failure above,
	# the teardown failure of a parent whose dynamic subtest passed
	# included, must become a FAIL line, and nothing else.
	lines=$(python3 "$top/igt-tests/tools/igt-results.py" "$res/out/results.json" abi)
	want_fail="igt-abi-igt_abi_selftest-dynamic-bad-1 igt-abi-igt_abi_selftest-dynamic-teardown igt-abi-igt_abi_selftest-fail igt-abi-igt_abi_selftest-fork-fail"
	got_fail=$(sed -n 's/^FAIL \([^:]*\):.*/\1/p' <<<"$lines" | sort | xargs)
	if [ "$got_fail" = "$want_fail" ] &&
		grep -qx 'PASS igt-abi-igt_abi_selftest-dynamic-teardown-ok' <<<"$lines"; then
		ok results-lines
	else
		ko results-lines "FAIL lines for: ${got_fail:-none}; want: $(echo $want_fail)"
		echo "$lines"
	fi
	# An empty run (a filter that matched nothing) is a failure too.
	echo '{"tests": {}}' > "$res/empty.json"
	if lines=$(python3 "$top/igt-tests/tools/igt-results.py" "$res/empty.json" abi) ||
		! grep -q '^FAIL igt-abi: no test ran' <<<"$lines"; then
		ko results-empty "an empty run gave: ${lines:-nothing}"
	else
		ok results-empty
	fi
else
	ko runner-completes "igt_runner failed (log: $igt/abi-runner.log)"
	tail -n 20 "$igt/abi-runner.log"
fi
[ "$fails" -eq 0 ]
