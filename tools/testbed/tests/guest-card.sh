#!/bin/bash
# Suite: the emulated card in a guest of every test-bed kernel.  One boot per
# kernel with the IOMMU runs lspci, S3 (5 cycles; 20 with TB_LONG=1 or
# S3_CYCLES=N), s2idle and hot-unplug/replug checks (guest/card-checks.sh);
# a second boot without the IOMMU, on the card exactly as published
# (extensions=off, Documentation/hw-interface.md), checks lspci and two S3
# cycles again.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$TB_DIR/lib/kernels.sh"
run=$TB_DIR/run-in-guest.sh
cycles=${S3_CYCLES:-5}
[ "${TB_LONG:-}" = 1 ] && cycles=${S3_CYCLES:-20}
checks=tools/testbed/tests/guest/card-checks.sh

# guest NAME CHECKS... -- RUN-IN-GUEST OPTIONS: one boot; a FAIL line when
# the guest itself failed (timeout, crash) rather than a check.
guest() {
	local name=$1 rc out
	shift
	out=$(mktemp)
	# Streamed through tee: check.sh shows each result as it comes.
	"$run" "$@" | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ge 124 ] || ! grep -q '^\(PASS\|FAIL\|SKIP\) ' "$out"; then
		echo "FAIL $name: guest failed with status $rc (log above)"
	fi
	rm -f "$out"
}

for k in ${TB_KERNELS:-$(tb_kernel_names)}; do
	tb_log "kernel $k: card, IOMMU: lspci, $cycles x S3, s2idle, hotplug"
	r=$TB_TOP/build/testbed/runs/card-$k
	rm -f "$r/hook-wakeup.json"
	# The host hook sees the guest's S3 wake-ups on the test's QMP socket.
	guest "$k/boot" --kernel "$k" --timeout $((180 + cycles * 8)) --results "$r" \
		--hook "'$TB_DIR/qmp.py' \"\$TB_QMP\" wait-event WAKEUP --timeout 600 > '$r/hook-wakeup.json'" \
		-- env S3_CYCLES="$cycles" "$checks" lspci s3 s2idle hotplug
	grep -q '"event": "WAKEUP"' "$r/hook-wakeup.json" 2>/dev/null &&
		echo "PASS $k/qmp-hook" ||
		echo "FAIL $k/qmp-hook: the host hook saw no WAKEUP event on the QMP socket"
	tb_log "kernel $k: published-only card, no IOMMU: lspci, 2 x S3"
	guest "$k/boot-noiommu" --kernel "$k" --no-iommu --timeout 240 \
		--card-props extensions=off \
		--results "$TB_TOP/build/testbed/runs/card-$k-noiommu" \
		-- env TB_SUFFIX=-noiommu-published S3_CYCLES=2 "$checks" lspci s3
done
