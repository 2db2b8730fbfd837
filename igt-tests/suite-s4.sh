#!/bin/bash
# Suite: the metis IGT S4 tests on a real hibernation.  Per kernel, a
# --block-root guest with a swap disk (igt-tests/guest/s4-igt.sh) runs
# metis_pm's devices test points, then model-inflight-s4, which hibernates:
# the first QEMU powers off; a second QEMU with the same command line
# restores the image and the test goes on in it.  PASS/FAIL/SKIP lines
# igt-blk-<kernel>-metis_pm-<subtest>, plus s4-<kernel>-boots (both boots
# behaved: power-off in S4, then a restore; a test that passed without a
# real power cycle fails here).  Then the same on the card exactly as
# published (no firmware of ours: the model checked by DMA readback, the
# jobs in flight DMA chains, the card slowed to 8 MB/s so that they still
# run when the system hibernates): lines igt-blk-<kernel>-published-...
# and s4-<kernel>-published-boots, on 7.2 ($METIS_PUBLISHED_KERNELS; with
# TB_LONG=1 every kernel; the given kernels if any).
#
#   suite-s4.sh [KERNEL...]   default: $METIS_S4_KERNELS, else 7.2 (the
#                             kernel nearest the user's); with TB_LONG=1
#                             (make check-long) every kernel of kernels.conf
#   METIS_S4_TESTS            subtests (default: all of s4-igt.sh)
#   METIS_FACES=full|published|both   which faces (default both)
#   METIS_DEVICE_PROPS=P      one face only, the card with these properties
set -u
main() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	cd "$top"
	. tools/testbed/lib/common.sh
	. tools/testbed/lib/kernels.sh
	kernels=("$@")
	if [ ${#kernels[@]} -eq 0 ] && [ -z "${METIS_S4_KERNELS:-}" ] && [ "${TB_LONG:-}" = 1 ]; then
		mapfile -t kernels < <(tb_kernel_names)
	fi
	[ ${#kernels[@]} -gt 0 ] || read -r -a kernels <<< "${METIS_S4_KERNELS:-7.2}"
	pub=("$@")
	if [ ${#pub[@]} -eq 0 ] && [ -z "${METIS_PUBLISHED_KERNELS:-}" ] && [ "${TB_LONG:-}" = 1 ]; then
		mapfile -t pub < <(tb_kernel_names)
	fi
	[ ${#pub[@]} -gt 0 ] || read -r -a pub <<< "${METIS_PUBLISHED_KERNELS:-7.2}"

	echo "TB: igt-s4: building the IGT tests"
	if ! igt-tests/tools/build-igt.sh; then
		echo "FAIL igt-s4-build: building libdrm-metis or the IGT tests failed"
		exit 1
	fi
	status=0
	case ,${METIS_DEVICE_PROPS:-}, in
	,,)
		case ${METIS_FACES:-both} in full|both) s4_kernels "" "${kernels[@]}" ;; esac
		case ${METIS_FACES:-both} in
		published|both) s4_kernels extensions=off,bandwidth-mbps=8 "${pub[@]}" ;;
		esac
		;;
	*) s4_kernels "$METIS_DEVICE_PROPS" "${kernels[@]}" ;;
	esac
	exit $status
}

# s4_kernels PROPS KERNEL...: both boots on each kernel, the card with the
# -device properties PROPS (extensions=off: the card as published).
s4_kernels() {
	local props=$1 face= tag k name abi r opts rc1 rc2 t1 t2 start ko
	shift
	case ,$props, in *,extensions=off,*) face=published ;; esac
	for k in "$@"; do
		read -r name abi _ < <(tools/testbed/kernels.sh "$k" | tail -n1)
		tag=$name${face:+-$face}
		echo "TB: igt-s4: building the driver for $abi"
		if ! ko=$(tools/testbed/build-module.sh "$k"); then
			echo "FAIL igt-blk-$tag-module: driver build failed (see above)"
			status=1
			continue
		fi
		r=build/testbed/runs/igt-s4-$tag
		rm -rf "$r" && mkdir -p "$r"
		truncate -s 1G "$r/swap.img"
		opts=(--kernel "$k" --block-root --disk "$r/swap.img" --append tb.resume
			--results "$r" --timeout "${METIS_S4_TIMEOUT:-600}")
		echo "TB: igt-s4: $tag: first boot (devices test points, then hibernate)"
		start=$SECONDS
		METIS_DEVICE_PROPS=$props tools/testbed/run-in-guest.sh "${opts[@]}" -- \
			env METIS_KO="/metis/${ko#$top/}" \
			${METIS_S4_TESTS:+METIS_S4_TESTS="$METIS_S4_TESTS"} METIS_FACE="${face:-full}" \
			igt-tests/guest/s4-igt.sh > "$r/boot1.out" 2>&1
		rc1=$?
		t1=$((SECONDS - start))
		cp "$r/serial.log" "$r/serial-1.log" 2>/dev/null
		grep -E '^(PASS|FAIL|SKIP) ' "$r/boot1.out"
		if [ "$rc1" != 125 ] || ! grep -q 'SHUTDOWN' "$r/events.log" 2>/dev/null; then
			cat "$r/boot1.out"
			echo "FAIL s4-$tag-boots: the first boot did not power off in S4 (status $rc1, see $r)"
			status=1
			continue
		fi
		echo "TB: igt-s4: $tag: second boot (restore)"
		start=$SECONDS
		METIS_DEVICE_PROPS=$props tools/testbed/run-in-guest.sh "${opts[@]}" \
			--stop-on 'TB-GUEST: command exited' \
			-- sh -c 'echo "TB-S4I: no image restored"; exit 1' > "$r/boot2.out" 2>&1
		rc2=$?
		t2=$((SECONDS - start))
		grep -E '^(PASS|FAIL|SKIP) ' "$r/boot2.out"
		grep -q '^FAIL ' "$r/boot1.out" "$r/boot2.out" && status=1
		if [ "$rc2" = 0 ] && grep -q '^TB-S4I: done status=' "$r/boot2.out" &&
			! grep -q 'TB-S4I: no image restored' "$r/boot2.out"; then
			echo "PASS s4-$tag-boots (boot 1 to hibernation: $t1 s, boot 2 restore to the end: $t2 s)"
		else
			cat "$r/boot2.out"
			echo "FAIL s4-$tag-boots: no restored test run in the second boot (status $rc2, see $r)"
			status=1
		fi
		# The driver's own numbers, restored side.
		grep -E '^(last_suspend_us|last_resume_us):|resumed in|suspended in' "$r/boot2.out" | sed 's/^/  /'
		rm -f "$r/swap.img"
	done
}
main "$@"
exit $?
