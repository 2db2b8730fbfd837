#!/bin/bash
# Build the emulator (emulator/build.sh) and run the card's qtests.
# Each g_test case runs on its own, so one failure does not hide the rest;
# its TAP result becomes one PASS/FAIL/SKIP line.  Exits non-zero on failure.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
prefix=$("$top/emulator/build.sh" | tail -n1)
[ -x "$prefix/bin/metis-test" ] || { echo "FAIL emulator-build: no qtest binary"; exit 1; }

export QTEST_QEMU_BINARY=$prefix/bin/qemu-system-x86_64
export METIS_QEMU_DATADIR=$prefix/share/qemu
export METIS_MKFW=$prefix/bin/metis-mkfw
log_dir=${CHECK_LOG_DIR:-$top/build/check}/qtest
mkdir -p "$log_dir"

mapfile -t cases < <("$prefix/bin/metis-test" -l | grep '^/')
[ ${#cases[@]} -gt 0 ] || { echo "FAIL emulator-qtest: no test cases listed"; exit 1; }

failed=0
for c in "${cases[@]}"; do
	name=qtest${c#/x86_64}
	out=$log_dir/$(echo "${c#/}" | tr / _).log
	rc=0
	(timeout 120 "$prefix/bin/metis-test" --tap -p "$c" >"$out" 2>&1) 2>/dev/null || rc=$?
	if grep -qE '^ok [0-9]+ [^#]*# SKIP' "$out"; then
		echo "SKIP $name: $(sed -n 's/^ok [0-9]* [^#]*# SKIP *//p' "$out" | head -n1)"
	elif [ "$rc" -eq 0 ] && grep -qE '^ok [0-9]+ ' "$out"; then
		echo "PASS $name"
	else
		why=$(grep -m1 -E 'ERROR|assertion|Broken pipe|failed' "$out" || true)
		echo "FAIL $name: ${why:-exit status $rc} (log: $out)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
