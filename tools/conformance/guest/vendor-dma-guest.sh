#!/bin/bash
# vendor-dma-guest.sh vendor|ours: the guest half of tools/conformance/vendor-dma.sh,
# run by run-in-guest.sh.  One scenario on the card as the host started it:
# load a driver, DMA round trip, one real S3 cycle, DMA round trip.
#
#   vendor  $VENDOR_KO (the public vendor driver, with $VENDOR_KO_ARGS) and $ROUNDTRIP (our test
#           program against its user-buffer DMA ioctl).  Prints
#             RESULT vendor-probe PASS|FAIL ...
#             RESULT vendor-cold PASS|FAIL ...
#             RESULT vendor-s3 TIMEOUT|VERIFIED|ERROR|NORUN ...
#   ours    $OURS_KO (metis_accel.ko) and $METIS_TOOL (libdrm-metis's metis,
#           command `copy`).  Prints
#             RESULT ours-probe|ours-cold|ours-s3 PASS|FAIL ...
# The host turns these into the harness's PASS/FAIL lines; this script only
# measures.  The kernel log goes to /results/dmesg-MODE.txt.
set -u
mode=${1:?usage: vendor-dma-guest.sh vendor|ours}
# Round-trip sizes: all of them cold; after S3 the vendor driver gets the
# first only (each timeout costs seconds), ours all of them.
sizes=${ROUNDTRIP_SIZES:-4096 1048576}
first=${sizes%% *}

result() { echo "RESULT $*"; }
log() { echo "conformance: $*"; }

card_bdf() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1f9d ] || continue
		case $(cat "$d/device") in 0x1100|0x11aa) basename "$d"; return 0 ;; esac
	done
	return 1
}
events() { grep -c " $1 " /results/events.log 2>/dev/null || true; }
wait_count() {
	local _
	for _ in $(seq 100); do
		[ "$(events "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
qom_get() {
	tb-qmp "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/metis0\",\"property\":\"$1\"}}" 20 2>/dev/null |
		sed -n 's/.*"return": *"\{0,1\}\([^"}]*\)"\{0,1\}.*/\1/p'
}

# card_state LABEL: for the log, what the card looked like: the eDMA's
# registers as the vendor driver's own debugfs shows them (BAR0 cannot be
# mapped from user space while a driver holds it) and the sysctl block's
# published areas (through the vendor node's map of BAR2).
card_state() {
	local dbg
	dbg=$(ls -d /sys/kernel/debug/metis/metis-* 2>/dev/null | head -n1)
	if [ -n "$dbg" ]; then
		echo "  $1 eDMA: $(grep -E 'ENGINE_EN|INT_STATUS|INT_MASK|ERR_STATUS|DONE_IMWR_LOW|CH01_IMWR' "$dbg/dma-regs" |
			awk '{ sub(/^DMA_/, "", $1); sub(/_OFF$/, "", $1); printf "%s=%s ", tolower($1), $3 }')"
		echo "  $1 ch0: $(grep -E '(CH_CONTROL1|LLP_LOW)_OFF_(WR|RD)CH_0' "$dbg/dma-ch-regs" |
			awk '{ sub(/^DMA_/, "", $1); sub(/_OFF_/, "_", $1); printf "%s=%s ", tolower($1), $3 }')"
	fi
	echo "  $1 $("$ROUNDTRIP" -S "$node" 2>&1)"
}

# One real S3 cycle woken by the RTC alarm, checked by QEMU's SUSPEND and
# WAKEUP events.  Prints why it was not one; status 0 when it was.
s3_cycle() {
	local s w
	grep -q deep /sys/power/mem_sleep && echo deep > /sys/power/mem_sleep
	s=$(events SUSPEND) w=$(events WAKEUP)
	echo 0 > /sys/class/rtc/rtc0/wakealarm
	echo +3 > /sys/class/rtc/rtc0/wakealarm
	if ! echo mem > /sys/power/state; then
		echo "echo mem failed"
		return 1
	fi
	if ! wait_count SUSPEND $((s + 1)) || ! wait_count WAKEUP $((w + 1)); then
		echo "no SUSPEND/WAKEUP pair from QEMU (events $(events SUSPEND)/$(events WAKEUP))"
		return 1
	fi
	return 0
}

bdf=$(card_bdf) || { result "$mode-probe FAIL: no Metis card on the PCI bus"; exit 1; }
log "card $bdf, $(cat /sys/bus/pci/devices/$bdf/device), kernel $(uname -r)"
resets0=$(qom_get stat-resets)

case $mode in
vendor)
	dmesg -C
	for dep in $(modinfo -F depends "$VENDOR_KO" 2>/dev/null | tr ',' ' '); do
		modprobe "$dep" || log "modprobe $dep failed"
	done
	# shellcheck disable=SC2086
	if ! insmod "$VENDOR_KO" ${VENDOR_KO_ARGS:-}; then
		dmesg > /results/dmesg-vendor.txt
		result "vendor-probe FAIL: insmod $VENDOR_KO failed"
		exit 1
	fi
	node=
	for _ in $(seq 50); do
		node=$(ls /dev/metis-* 2>/dev/null | head -n1)
		[ -n "$node" ] && break
		sleep 0.1
	done
	drv=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)" 2>/dev/null)
	initok=$(dmesg | grep -c 'init OK')
	msi=$(dmesg | sed -n 's/.*MSI registered [0-9]* (\([0-9]*\)).*/\1/p' | tail -n1)
	if [ "$drv" = axl ] && [ -n "$node" ] && [ "$initok" -ge 1 ]; then
		result "vendor-probe PASS: bound to driver axl, $node, MSI vectors: ${msi:-?}, \"init OK\""
	else
		dmesg > /results/dmesg-vendor.txt
		result "vendor-probe FAIL: driver '${drv:-none}', node '${node:-none}', init OK lines $initok"
		result "vendor-cold FAIL: no probe"
		result "vendor-s3 NORUN: no probe"
		exit 1
	fi
	dmesg | grep -E 'metis|axl|Axelera|vmsi|fwtrace' | sed 's/^/  dmesg: /'
	card_state "after probe"

	rc=0 oks=
	for size in $sizes; do
		out=$("$ROUNDTRIP" -s "$size" "$node" 2>&1) || rc=$?
		echo "$out" | sed 's/^/  cold: /'
		[ $rc = 0 ] || break
		oks+="${oks:+; }$(echo "$out" | tail -n1 | sed 's/^ROUNDTRIP OK: //')"
	done
	card_state "after the cold round trips"
	if [ $rc = 0 ]; then
		result "vendor-cold PASS: round trips verified: $oks"
	else
		result "vendor-cold FAIL: exit $rc: $(echo "$out" | tail -n1)"
		dmesg | tail -n 20 | sed 's/^/  dmesg: /'
	fi

	mark=$(dmesg | wc -l)
	if ! why=$(s3_cycle); then
		dmesg > /results/dmesg-vendor.txt
		result "vendor-s3 NORUN: not a real S3 cycle: $why"
		exit 1
	fi
	sleep 1
	last=$(qom_get stat-last-reset)
	log "S3 done; card stat-resets ${resets0:-?} -> $(qom_get stat-resets), stat-last-reset ${last:-?}"
	out=$("$ROUNDTRIP" -s "$first" "$node" 2>&1); rc=$?
	echo "$out" | sed 's/^/  after S3: /'
	card_state "after the S3 round trip"
	tmo=$(dmesg | tail -n +$((mark + 1)) | grep -E 'DMA (RD|WR) CH[0-9]+ timeout' | head -n1 | sed 's/^\[[^]]*\] //')
	[ -n "$tmo" ] || tmo=$(dmesg | tail -n +$((mark + 1)) | grep -E 'DMA (RD|WR) CH[0-9]+ queue timeout' | head -n1 | sed 's/^\[[^]]*\] //')
	dmesg | tail -n +$((mark + 1)) | grep -v -E 'PM:|ACPI|printk|Freezing|Restarting|OOM|Disabling non-boot|Enabling non-boot|smpboot|CPU|done\.$' |
		tail -n 15 | sed 's/^/  dmesg: /'
	case $rc in
	0) result "vendor-s3 VERIFIED: the round trip after S3 verified: $(echo "$out" | tail -n1)" ;;
	2) result "vendor-s3 TIMEOUT: ${tmo:-no timeout line in the kernel log}; $(echo "$out" | tail -n1) (last reset: ${last:-?})" ;;
	*) result "vendor-s3 ERROR: exit $rc: $(echo "$out" | tail -n1)${tmo:+; $tmo}" ;;
	esac
	dmesg > /results/dmesg-vendor.txt
	;;
ours)
	dmesg -C
	for dep in $(modinfo -F depends "$OURS_KO" | tr ',' ' '); do
		modprobe "$dep" || log "modprobe $dep failed"
	done
	if ! insmod "$OURS_KO"; then
		dmesg > /results/dmesg-ours.txt
		result "ours-probe FAIL: insmod $OURS_KO failed"
		exit 1
	fi
	# Keep the card awake: this is about system sleep, not runtime PM.
	for d in /sys/bus/pci/devices/$bdf/power/control; do
		[ -e "$d" ] && echo on > "$d"
	done
	ok=
	for _ in $(seq 300); do
		if "$METIS_TOOL" info > /tmp/metis-info 2>&1; then
			ok=1
			break
		fi
		sleep 0.1
	done
	if [ -z "$ok" ]; then
		dmesg > /results/dmesg-ours.txt
		result "ours-probe FAIL: metis info failed for 30 s: $(tail -n1 /tmp/metis-info)"
		result "ours-cold FAIL: no probe"
		result "ours-s3 FAIL: no probe"
		exit 1
	fi
	result "ours-probe PASS: $(grep -E '^(state|firmware)' /tmp/metis-info | tr '\n' ' ')"

	copies() { # copies LABEL: metis copy of each size; prints the summary
		local size out rc=0 oks=
		for size in $sizes; do
			out=$("$METIS_TOOL" copy -s "$size" 2>&1) || rc=$?
			echo "$out" | sed "s/^/  $1: /" >&2
			if [ $rc != 0 ]; then
				echo "metis copy -s $size: exit $rc: $(echo "$out" | tail -n1)"
				return 1
			fi
			oks+="${oks:+; }$(echo "$out" | tail -n1)"
		done
		echo "metis copy: $oks"
	}
	if out=$(copies cold); then
		result "ours-cold PASS: $out"
	else
		result "ours-cold FAIL: $out"
	fi
	if ! why=$(s3_cycle); then
		dmesg > /results/dmesg-ours.txt
		result "ours-s3 FAIL: not a real S3 cycle: $why"
		exit 1
	fi
	last=$(qom_get stat-last-reset)
	log "S3 done; card stat-resets ${resets0:-?} -> $(qom_get stat-resets), stat-last-reset ${last:-?}"
	if out=$(copies "after S3"); then
		result "ours-s3 PASS: $out (last reset: ${last:-?})"
	else
		result "ours-s3 FAIL: $out"
		dmesg | tail -n 20 | sed 's/^/  dmesg: /'
	fi
	dmesg > /results/dmesg-ours.txt
	;;
*)
	echo "usage: vendor-dma-guest.sh vendor|ours" >&2
	exit 2
	;;
esac
exit 0
