#!/bin/bash
# In a test-bed guest: load the driver, then run the libdrm-metis tests and
# CLI checks (lines in /results/libtest.txt) and the IGT tests under
# igt_runner (/results/igt).  Arguments go to igt_runner.
#   METIS_FACE=full|published   the card the suite asked for (default full):
#                               published = exactly as published, no
#                               firmware of ours (0 contexts), where the
#                               CLI's firmware commands must be refused
set -u
here=$(cd "$(dirname "$0")" && pwd)
lib=$here/../../build/libdrm-metis
out=/results/libtest.txt
: > "$out"
if ! "$here/load-metis.sh"; then
	echo "FAIL lib-load: the driver did not load or the card is not ready" >> "$out"
	exit 1
fi
# The face the suite asked for, or nothing of what follows means anything.
face=${METIS_FACE:-full}
contexts=$("$lib/metis" info 2>/dev/null | sed -n 's/^contexts: *//p')
if [ "$face" = published ] && [ "$contexts" != 0 ] ||
	{ [ "$face" = full ] && { [ -z "$contexts" ] || [ "$contexts" = 0 ]; }; }; then
	echo "FAIL lib-face: the suite asked for the $face card, the driver reports ${contexts:-no} contexts" >> "$out"
	exit 1
fi
if [ -n "${METIS_IGT_SWAP:-}" ] && [ -b /dev/vda ]; then
	mkswap /dev/vda > /dev/null && swapon /dev/vda
fi
[ -n "${METIS_IGT_NO_LIB:-}" ] && exec "$here/run-igt.sh" "$@"
# Every test the binary lists must have its line: a crash or an early
# exit would otherwise lose the rest without a word.
lib_out=$(mktemp)
"$lib/tests/metis_libtest" > "$lib_out" 2>&1
rc=$?
cat "$lib_out" >> "$out"
missing=0
for t in $("$lib/tests/metis_libtest" -l); do
	grep -Eq "^(PASS|FAIL|SKIP) lib-$t(:|$)" "$lib_out" || missing=$((missing + 1))
done
if [ "$missing" != 0 ]; then
	echo "FAIL lib-libtest: exited $rc with $missing of its tests' lines missing" >> "$out"
elif [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$lib_out"; then
	echo "FAIL lib-libtest: exited $rc with no FAIL line" >> "$out"
fi
rm -f "$lib_out"

# The CLI: each command must succeed (they verify their own data).
cli() {
	local name=$1 log=/results/cli-$1.log pid rc
	shift
	"$lib/metis" "$@" > "$log" 2>&1 &
	pid=$!
	for _ in $(seq 1200); do
		[ -d /proc/$pid ] || break
		sleep 0.1
	done
	if [ -d /proc/$pid ]; then
		{ echo "--- stuck; kernel stack:"; cat /proc/$pid/stack; dmesg | tail -n 30; } >> "$log"
		kill -9 $pid
	fi
	wait $pid
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS lib-cli-$name" >> "$out"
	else
		echo "FAIL lib-cli-$name: metis $* exited $rc ($(grep -v '^\[' "$log" | tail -n1))" >> "$out"
	fi
}
# On the card as published a firmware command must fail as an error
# (status 1: refused), not pass, hang or be taken for a usage error.
cli_refused() {
	local name=$1 log=/results/cli-$1.log rc
	shift
	timeout 120 "$lib/metis" "$@" > "$log" 2>&1
	rc=$?
	if [ $rc -eq 1 ]; then
		echo "PASS lib-cli-$name ($(tail -n1 "$log"))" >> "$out"
	else
		echo "FAIL lib-cli-$name: metis $* exited $rc, want 1: refused ($(tail -n1 "$log"))" >> "$out"
	fi
}
cli list list
cli info info
cli copy copy -s 3M -n 3
cli copy-channel copy -s 100K -c 2
if [ "$face" = published ]; then
	cli_refused fw-refused-crc32 fw crc32 -s 64K
	cli_refused fw-refused-nop fw nop -s 4K -D 1000
else
	cli fw-crc32 fw crc32 -s 64K
	cli fw-xor32 fw xor32 -s 64K -P 0xdeadbeef
	cli fw-fill32 fw fill32 -s 64K -P 0x12345678
	cli fw-nop fw nop -s 4K -D 1000
fi
cli bench bench -s 1M -t 0.5
cat /results/cli-bench.log
"$here/run-igt.sh" "$@"
