#!/bin/bash
# Suite: S4 on every test-bed kernel: hibernate to a virtio-blk swap disk in
# one QEMU boot, restore in a second boot with the same command line, check
# a tmpfs canary and the card (guest/s4-hibernate.sh).
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$TB_DIR/lib/kernels.sh"
run=$TB_DIR/run-in-guest.sh
for k in ${TB_KERNELS:-$(tb_kernel_names)}; do
	r=$TB_TOP/build/testbed/runs/s4-$k
	rm -rf "$r" && mkdir -p "$r"
	truncate -s 1G "$r/swap.img"
	opts=(--kernel "$k" --disk "$r/swap.img" --append tb.resume --results "$r" --timeout 180)
	tb_log "kernel $k: S4 hibernate"
	start=$SECONDS
	# Status 125 (no result: QEMU powered off in S4) is the expected end;
	# its notice goes to a file, shown only on failure.
	"$run" "${opts[@]}" -- tools/testbed/tests/guest/s4-hibernate.sh 2> "$r/boot1.err"
	rc=$?
	t1=$((SECONDS - start))
	if [ "$rc" != 125 ] || ! grep -q 'TB-S4: hibernating' "$r/serial.log" ||
		! grep -q 'SHUTDOWN' "$r/events.log"; then
		cat "$r/boot1.err"
		echo "FAIL $k/s4-hibernate: first boot did not power off in S4 (status $rc, see $r)"
		continue
	fi
	cp "$r/serial.log" "$r/serial-1.log"
	echo "PASS $k/s4-hibernate (boot + image: $t1 s)"
	tb_log "kernel $k: S4 restore"
	start=$SECONDS
	# The same command line; the command runs only when nothing is restored.
	# The restored guest cannot power off cleanly (device shutdown waits
	# on the dead 9p queues), so QEMU is stopped once it has reported.
	"$run" "${opts[@]}" --stop-on 'TB-S4: restored' -- sh -c 'echo "TB-S4: no image restored"; exit 1'
	rc=$?
	line=$(grep -a -o 'TB-S4: [a-z].*' "$r/serial.log" | tr -d '\r' | tail -n1)
	if [ "$line" = "TB-S4: restored canary=ok card=ok" ]; then
		echo "PASS $k/s4-restore (boot + restore: $((SECONDS - start)) s)"
	else
		echo "FAIL $k/s4-restore: ${line:-no restore marker} (status $rc, see $r)"
	fi
done

# --block-root: the root survives the restore, so ordinary programs run
# after it and report through ttyS1 (default: the kernel nearest the user's).
for k in ${TB_S4_BLOCK_KERNELS-7.2}; do
	r=$TB_TOP/build/testbed/runs/s4-blockroot-$k
	rm -rf "$r" && mkdir -p "$r"
	truncate -s 1G "$r/swap.img"
	opts=(--kernel "$k" --block-root --disk "$r/swap.img" --append tb.resume --results "$r" --timeout 180)
	tb_log "kernel $k: S4 with the root on virtio-blk"
	start=$SECONDS
	"$run" "${opts[@]}" -- tools/testbed/tests/guest/s4-blockroot.sh > "$r/boot1.out" 2>&1
	rc=$?
	if [ "$rc" != 125 ] || ! grep -q 'TB-S4B: hibernating' "$r/boot1.out" ||
		! grep -q 'SHUTDOWN' "$r/events.log"; then
		cat "$r/boot1.out"
		echo "FAIL $k/s4-blockroot: first boot did not power off in S4 (status $rc, see $r)"
		continue
	fi
	"$run" "${opts[@]}" --stop-on 'TB-GUEST: command exited' \
		-- sh -c 'echo "TB-S4B: no image restored"; exit 1' > "$r/boot2.out" 2>&1
	rc=$?
	line=$(grep -a -o 'TB-S4B: [a-z].*' "$r/boot2.out" | tail -n1)
	if [ "$rc" = 0 ] && [ "$line" = "TB-S4B: restored canary=ok python=ok card=ok" ]; then
		echo "PASS $k/s4-blockroot (both boots: $((SECONDS - start)) s)"
	else
		echo "FAIL $k/s4-blockroot: ${line:-no restore marker} (status $rc, see $r)"
	fi
done
