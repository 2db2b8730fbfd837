#!/bin/bash
# guest-test.sh MODE KO SMOKE: one driver test inside a test-bed guest
# (run by tools/driver-tests.sh through run-in-guest.sh). Loads the module
# KO, runs the smoke binary SMOKE in the mode's scenario, unloads, and
# fails on any kernel warning in dmesg. Exit status 0 means the test passed.
#   smoke   full smoke test, with the job tracepoints checked
#   hang    a dropped completion (QMP fault injection): recovery
#   batchabort  small copies chained into one walk, one of which the card
#           cannot do (QMP fault injection, fault-abort-size): only that job
#           fails, the others complete with their data, in order; every
#           read channel shows one error and the whole batch started again
#   fwfail  the card refuses to boot (QMP fault injection), then a debugfs
#           reset brings it back
#   badfw   the host installed a corrupt image: the driver rejects it
#   nofw    no image at probe: the error state; once the image is installed
#           a debugfs reset requests it again and the card works
#   spurious  1000 spurious MSIs and an interrupt storm (QMP fault
#           injection): counted in debugfs, ignored, jobs still run
#   single  full smoke test, expecting a single MSI vector
#   s3      S3 (RTC wake) with jobs in flight on every channel and context
#           and a model in on-card memory; all of it intact afterwards
#   rpm     runtime PM: allowed by the driver (power/control "auto" after
#           load, the card autosuspends with no tuning; "on" keeps it
#           awake), queries do not wake the card, jobs do; a model in
#           on-card memory survives runtime suspend.  The other modes keep
#           the card awake (power/control=on after load)
#   probefail (debug module) probe fails at each step in turn and unwinds;
#           then it succeeds and the smoke test runs
#   s3-noinit (debug module) the S3 test with resume skipping the card's
#           re-initialisation must fail: it shows the S3 test can fail
#   unbind  unbind the driver with jobs running, one waiting for another,
#           and a client holding the file, an mmap and an imported udmabuf;
#           the client gets -ENODEV, nothing stays DMA-mapped for the card
#           (debugfs metis/dma_mapped) and the card raises no interrupt
#           after the teardown (the card's stat-irqs-lost); bind again and
#           run the smoke test
#   noquiesce (debug module) the same unbind with the quiesce step skipped
#           must fail the lost-interrupt check: it shows the check can fail
# METIS_FACE=published: the card exactly as published (-device
# metis,extensions=off: no firmware of ours), which the smoke binary checks
# (no contexts) and where it expects every firmware job refused; the
# unbind test's running job is then a copy the card holds (fault-hold)
# until the teardown is over.  Default full.
set -u
mode=$1 ko=$2 smoke=$3
dbg=$(echo /sys/kernel/debug/accel/0000:*)

fail() { echo "guest-test: $*"; exit 1; }

load() {
	modprobe gpu-sched && modprobe drm_shmem_helper || fail "no drm_sched/shmem modules"
	insmod "$ko" "$@" || fail "insmod failed"
	dbg=$(echo /sys/kernel/debug/accel/0000:*)
	[ -c /dev/accel/accel0 ] || fail "no /dev/accel/accel0"
	# The driver allows runtime PM; only the rpm test is about it.
	[ "$mode" = rpm ] ||
		echo on > "$(readlink -f /sys/class/accel/accel0/device)/power/control" ||
		fail "power/control"
}

unload() {
	rmmod metis_accel || fail "rmmod failed"
	[ ! -e /dev/accel/accel0 ] || fail "/dev/accel/accel0 still there after rmmod"
}

# The command that sets QOM property $1 of the card to $2 through the host.
# The QMP request EXECUTE ($1: qom-set, qom-get) of the card's property $2
# (with the JSON value $3 for qom-set).
qom_req() {
	printf '{"execute":"%s","arguments":{"path":"/machine/peripheral/metis0","property":"%s"%s}}' \
		"$1" "$2" "${3:+,\"value\":$3}"
}

qom_cmd() {
	printf "tb-qmp '%s' >/dev/null" "$(qom_req qom-set "$1" "$2")"
}

qom_set() {
	eval "$(qom_cmd "$1" "$2")" || fail "qom-set $1 failed"
}

# The value of the card's integer QOM property $1.
qom_get() {
	tb-qmp "$(qom_req qom-get "$1")" |
		sed -n 's/.*"return": *\([0-9][0-9]*\).*/\1/p'
}

# The interrupts of the card's MSI vectors the kernel counted as not
# handled (IRQ_NONE), summed: the kernel's count since its last pause of
# 100 ms (note_interrupt()), 0 if none was ever unhandled.
unhandled_irqs() {
	local bdf irq n=0
	bdf=$(basename "$(readlink -f /sys/class/accel/accel0/device)")
	for irq in $(ls /sys/bus/pci/devices/"$bdf"/msi_irqs); do
		n=$((n + $(awk '/^unhandled/ { print $2 }' /proc/irq/"$irq"/spurious)))
	done
	echo $n
}

# Unbind with a busy client (see the unbind mode); the card must then
# stay silent: interrupts it raises after the driver freed its vectors
# (stat-irqs-lost) mean the teardown skipped silencing it.  Returns 2 when
# only that check failed.
unbind_busy() {
	local bdf=$1 dm=/sys/kernel/debug/metis/dma_mapped imp_check lost0 lost
	[ -r "$dm" ] || fail "no $dm"
	imp_check="grep -q '^imports: [1-9]' $dm"
	[ -e /dev/udmabuf ] || imp_check=true
	cat > /tmp/unbind.sh <<EOF
echo '# before the unbind:'; sed 's/^/#   /' $dm
grep -q '^host_bos: [1-9]' $dm && grep -q '^descriptor_lists: [1-9]' $dm && $imp_check ||
	{ echo 'guest-test: the client has nothing mapped before the unbind'; exit 1; }
echo $bdf > /sys/bus/pci/drivers/metis/unbind || exit 1
echo '# after the unbind:'; sed 's/^/#   /' $dm
grep -qx 'host_bos: 0' $dm && grep -qx 'imports: 0' $dm && grep -qx 'descriptor_lists: 0' $dm ||
	{ echo 'guest-test: DMA mappings or descriptors left after the unbind'; exit 1; }
EOF
	lost0=$(qom_get stat-irqs-lost)
	[ -n "$lost0" ] || fail "cannot read the card's stat-irqs-lost"
	# The card as published has no long firmware command: it holds a copy
	# until the teardown is over, and then lets it go.
	local hold=()
	[ "${METIS_FACE:-full}" = published ] &&
		hold=(-b "$(qom_cmd fault-hold true)" -B "$(qom_cmd fault-hold false)")
	"$smoke" -m unplug "${hold[@]}" -x "sh /tmp/unbind.sh" ||
		fail "unbind with a client attached failed"
	[ ! -e /dev/accel/accel0 ] || fail "/dev/accel/accel0 still there after unbind"
	# The heartbeat alone would raise 20 in a second (the full card).
	sleep 1
	lost=$(qom_get stat-irqs-lost)
	echo "interrupts raised after the teardown: $((lost - lost0))"
	[ "$lost" = "$lost0" ] || return 2
}

dmesg_check() {
	if dmesg | grep -E -A20 'WARNING:|BUG:|Oops|Call Trace|general protection|refcount_t:|list_(add|del) corruption|UBSAN|KASAN'; then
		fail "kernel warnings in dmesg"
	fi
}

show() {
	echo "--- debugfs"
	cat "$dbg/state" "$dbg/resets" "$dbg/irqs" 2>/dev/null
	echo "--- dmesg"
	dmesg | grep -E 'metis|drm' | tail -n 20
}
trap show EXIT

case $mode in
smoke)
	load
	# The job tracepoints fire for the smoke test's jobs.
	tr=/sys/kernel/tracing
	[ -d "$tr/events" ] || mount -t tracefs nodev "$tr" || fail "no tracefs"
	echo 1 > "$tr/events/metis/enable" || fail "no metis trace events"
	echo > "$tr/trace"
	# The batch check holds the card's transfers until every read channel
	# has its long copy and the small ones behind it queued (debugfs
	# queues, column 8; within 4 s, below the job timeout), so that the
	# batch does not race the long copy.
	release=/tmp/metis-release
	cat > "$release" <<-EOF
		#!/bin/sh
		i=0 ok=0
		while [ \$i -lt 40 ]; do
			[ "\$(awk '/^metis-rd/ && \$8 >= 10 { n++ } END { print n + 0 }' $dbg/queues)" = 4 ] &&
				{ ok=1; break; }
			i=\$((i + 1)); sleep 0.1
		done
		[ \$ok = 1 ] || { echo "release: the small copies were not queued" >&2; cat $dbg/queues >&2; }
		$(qom_cmd fault-hold false) && [ \$ok = 1 ]
	EOF
	chmod +x "$release"
	"$smoke" -q -b "$(qom_cmd fault-hold true)" -B "$release" || fail "smoke test failed"
	echo 0 > "$tr/events/metis/enable"
	for ev in metis_job_submit metis_job_run metis_job_done; do
		grep -q " $ev:" "$tr/trace" || fail "no $ev trace event"
	done
	# Small copies queued behind a long one went as batches: every read
	# channel started more jobs than it rang doorbells (columns 6, 2).
	cat "$dbg/queues"
	[ "$(awk '/^metis-rd/ && $6 < $2 { n++ } END { print n + 0 }' "$dbg/queues")" = 4 ] ||
		fail "no batch of small copies on every read channel (debugfs queues)"
	unload
	;;
single)
	load
	grep -qx 'vectors: 1' "$dbg/irqs" || fail "not in single-vector mode"
	"$smoke" -q || fail "smoke test failed"
	unload
	;;
pcireset)
	# A reset from outside the driver (sysfs, as AER recovery does) with a
	# model on the card and jobs in flight on every channel: the card
	# comes back with its memory and every job ends once, correctly.
	load
	bdf=$(basename "$(readlink -f /sys/class/accel/accel0/device)")
	[ -e "/sys/bus/pci/devices/$bdf/reset" ] || fail "the card has no PCI reset method"
	"$smoke" -m suspend -x "echo 1 > /sys/bus/pci/devices/$bdf/reset" ||
		fail "model or jobs lost across a PCI reset from sysfs"
	dmesg | grep -q 'card back after a PCI reset' || fail "the driver did not see the reset"
	"$smoke" -q || fail "smoke test after the PCI reset failed"
	unload
	;;
swiotlb)
	# Every host buffer through a bounce buffer (no IOMMU, swiotlb=force):
	# the driver maps a buffer once and must sync it around each job, or
	# the card reads what the buffer held at the mapping and the CPU never
	# sees what the card wrote.
	grep -qw 'swiotlb=force' /proc/cmdline || fail "not booted with swiotlb=force"
	load
	"$smoke" -q || fail "smoke test through bounce buffers failed"
	# 7.3 keeps the high-water mark only with swiotlb=...,track_hiwater.
	hiwater=$(cat /sys/kernel/debug/swiotlb/io_tlb_used_hiwater 2>/dev/null)
	[ "${hiwater:-0}" -gt 0 ] || fail "no bounce buffer was used (io_tlb_used_hiwater: ${hiwater:-none})"
	echo "bounce slots used at most: $hiwater"
	unload
	;;
hang)
	load job_timeout_ms=1000
	"$smoke" -m hang -t 1000 -x "$(qom_cmd fault-drop-completions 1)" ||
		fail "hang recovery failed"
	grep -q '^resets: 1$' "$dbg/resets" || fail "debugfs does not count the reset"
	"$smoke" -q || fail "smoke test after the reset failed"
	unload
	;;
batchabort)
	load
	"$smoke" -m batchabort -x "$(qom_cmd fault-abort-size 4000)" ||
		fail "a batch with one failing copy"
	qom_set fault-abort-size 0
	# One error per read channel, and the aborted batch started again one
	# job per doorbell: the card has no count of the elements it did
	# (hw-interface.md 4.2), so all 11 jobs of the batch behind the long
	# one start twice wherever the faulty one was (12 + 11 starts).
	cat "$dbg/queues"
	[ "$(awk '/^metis-rd/ && $4 == 1 && $2 - $9 == 23 { n++ } END { print n + 0 }' "$dbg/queues")" = 4 ] ||
		fail "no aborted batch started again job by job on every read channel (debugfs queues)"
	"$smoke" -q || fail "smoke test after the aborted batches failed"
	unload
	;;
fwfail)
	qom_set fault-fw-boot-fail 1
	load
	"$smoke" -m fwfail -e 7 || fail "error state not reported"
	echo 1 > "$dbg/reset" || fail "debugfs reset failed"
	"$smoke" -q || fail "smoke test after the debugfs reset failed"
	unload
	;;
spurious)
	# The card's hazard: interrupts with no status bit set.  Counted,
	# ignored, and the card keeps working, during a storm too.
	load
	before=$(awk '/^spurious:/ { print $2 }' "$dbg/irqs")
	qom_set fault-spurious-irq 1000
	qom_set fault-irq-storm-hz 2000
	sleep 1
	"$smoke" -q || fail "smoke test during an interrupt storm failed"
	qom_set fault-irq-storm-hz 0
	after=$(awk '/^spurious:/ { print $2 }' "$dbg/irqs")
	[ -n "$before" ] && [ -n "$after" ] || fail "no spurious counter in debugfs"
	# The local APIC merges MSIs that arrive while one of the same vector
	# is pending, so fewer than were sent get through; most must.
	[ $((after - before)) -ge 500 ] ||
		fail "only $((after - before)) spurious interrupts counted (1000 sent, then a storm)"
	echo "spurious interrupts counted: $((after - before))"
	# Returned as unhandled (IRQ_NONE), so that the kernel's detector
	# would silence a card that raised nothing but those.  Its count
	# restarts after 100 ms without one: it only has to be there.
	unhandled=$(unhandled_irqs)
	[ "$unhandled" -gt 0 ] ||
		fail "the kernel saw none of the $((after - before)) spurious interrupts as unhandled"
	echo "unhandled interrupts in /proc/irq (since the last pause): $unhandled"
	"$smoke" -q || fail "smoke test after the storm failed"
	unload
	;;
badfw)
	load
	"$smoke" -m fwfail -e 6 || fail "corrupt image not reported"
	unload
	;;
nofw)
	[ ! -e /lib/firmware/axelera/metis-fw.bin ] || fail "a firmware image is installed"
	load
	"$smoke" -m fwfail -e 0 || fail "missing image not reported"
	! echo 1 2>/dev/null > "$dbg/reset" || fail "debugfs reset succeeded without an image"
	mkdir -p /lib/firmware/axelera &&
		cp "$(dirname "$smoke")/metis-fw.bin" /lib/firmware/axelera/ || fail "cannot install the image"
	echo 1 > "$dbg/reset" || fail "debugfs reset with the image installed failed"
	grep -q '^resets: 1$' "$dbg/resets" || fail "debugfs does not count the reset"
	"$smoke" -q || fail "smoke test after the reset failed"
	unload
	;;
s3)
	load
	echo deep > /sys/power/mem_sleep
	"$smoke" -m suspend -x "echo 0 > /sys/class/rtc/rtc0/wakealarm &&
		echo +3 > /sys/class/rtc/rtc0/wakealarm && echo mem > /sys/power/state" ||
		fail "jobs or data lost across S3"
	grep -q 'suspended -> resuming' "$dbg/state" || fail "the driver did not suspend"
	"$smoke" -q || fail "smoke test after S3 failed"
	unload
	;;
rpm)
	load autosuspend_ms=300
	bdf=$(basename "$(readlink -f /sys/class/accel/accel0/device)")
	pw=/sys/bus/pci/devices/$bdf/power
	rs=$pw/runtime_status
	# The driver's default: runtime PM allowed, the delay from autosuspend_ms.
	[ "$(cat "$pw/control")" = auto ] ||
		fail "runtime PM not allowed by the driver (power/control: $(cat "$pw/control"))"
	[ "$(cat "$pw/autosuspend_delay_ms")" = 300 ] ||
		fail "power/autosuspend_delay_ms is $(cat "$pw/autosuspend_delay_ms"), not autosuspend_ms=300"
	sleep 2
	[ "$(cat "$rs")" = suspended ] || fail "the idle card did not runtime-suspend by default ($(cat "$rs"))"
	echo on > "$pw/control" || fail "power/control"
	[ "$(cat "$rs")" = active ] || fail "power/control=on did not wake the card ($(cat "$rs"))"
	sleep 1
	[ "$(cat "$rs")" = active ] || fail "runtime-suspended although power/control is on"
	echo auto > "$pw/control" || fail "power/control"
	sleep 2
	[ "$(cat "$rs")" = suspended ] || fail "not runtime-suspended when idle ($(cat "$rs"))"
	"$smoke" -q -m params || fail "queries failed"
	[ "$(cat "$rs")" = suspended ] || fail "a query woke the card"
	# The jobs run, then the card must autosuspend before they are checked.
	"$smoke" -m suspend -x "for i in \$(seq 300); do grep -qx suspended $rs && exit 0; sleep 0.1; done; exit 1" ||
		fail "jobs or data lost across runtime suspend"
	grep -q 'suspended -> resuming' "$dbg/state" || fail "the driver did not runtime-resume"
	sleep 2
	[ "$(cat "$rs")" = suspended ] || fail "not runtime-suspended after the jobs"
	"$smoke" -q || fail "smoke test with runtime PM failed"
	unload
	;;
probefail)
	modprobe gpu-sched && modprobe drm_shmem_helper || fail "no drm_sched/shmem modules"
	insmod "$ko" debug_fail_probe=1 || fail "insmod failed"
	bdf=""
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1f9d:0x1100 ] && bdf=$(basename "$d")
	done
	[ -n "$bdf" ] || fail "no card"
	for step in 1 2 3 4 5 6 7 8; do
		echo "$step" > /sys/module/metis_accel/parameters/debug_fail_probe
		[ "$step" = 1 ] || ! echo "$bdf" > /sys/bus/pci/drivers/metis/bind 2>/dev/null ||
			fail "probe did not fail at step $step"
		[ ! -e /dev/accel/accel0 ] || fail "accel node left after probe failed at step $step"
		[ ! -e "/sys/bus/pci/drivers/metis/$bdf" ] || fail "bound after probe failed at step $step"
	done
	echo 0 > /sys/module/metis_accel/parameters/debug_fail_probe
	echo "$bdf" > /sys/bus/pci/drivers/metis/bind || fail "probe after the failures failed"
	sleep 1
	dbg=$(echo /sys/kernel/debug/accel/0000:*)
	"$smoke" -q || fail "smoke test after the probe failures failed"
	unload
	;;
s3-noinit)
	load debug_skip_resume_init=1 job_timeout_ms=1000
	echo deep > /sys/power/mem_sleep
	dmesg -C
	if "$smoke" -m suspend -x "echo 0 > /sys/class/rtc/rtc0/wakealarm &&
		echo +3 > /sys/class/rtc/rtc0/wakealarm && echo mem > /sys/power/state"; then
		fail "the S3 test passed although resume skipped the re-initialisation"
	fi
	# It must fail the way a skipped re-initialisation fails: the jobs
	# on the card that lost its set-up time out and the card is reset.
	dmesg | grep -q 'job timed out, resetting the card' ||
		fail "the S3 test failed, but no job timed out: not the failure expected"
	unload
	# The timeouts are expected; kernel warnings are not: scan, then clear.
	dmesg_check
	dmesg -C
	;;
unbind)
	modprobe udmabuf 2>/dev/null
	load
	bdf=$(basename "$(readlink -f /sys/class/accel/accel0/device)")
	unbind_busy "$bdf" || fail "the card raised interrupts after the teardown"
	echo "$bdf" > /sys/bus/pci/drivers/metis/bind || fail "bind failed"
	sleep 1
	"$smoke" -q || fail "smoke test after bind failed"
	unload
	;;
noquiesce)
	modprobe udmabuf 2>/dev/null
	load debug_skip_quiesce=1
	bdf=$(basename "$(readlink -f /sys/class/accel/accel0/device)")
	unbind_busy "$bdf"
	[ $? -eq 2 ] || fail "no interrupt lost after a teardown that skipped the quiesce"
	echo 0 > /sys/module/metis_accel/parameters/debug_skip_quiesce
	echo "$bdf" > /sys/bus/pci/drivers/metis/bind || fail "bind failed"
	sleep 1
	"$smoke" -q || fail "smoke test after bind failed"
	unload
	# Expected: the DMA faults of the jobs the skipped quiesce left running.
	dmesg -C
	;;
*)
	fail "unknown mode $mode"
	;;
esac
dmesg_check
echo "guest-test: $mode passed"
