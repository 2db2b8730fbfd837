#!/bin/bash
# Suite: the metis IGT tests under Debian's igt_runner in test-bed guests,
# one guest per kernel, plus the libdrm-metis tests and CLI in the same
# guest.  Prints PASS/FAIL/SKIP lines named igt-<kernel>-<binary>-<subtest>
# and lib-<kernel>-<test>; on the card as published (below)
# igt-<kernel>-published-... and lib-<kernel>-published-...
#
#   suite-igt.sh [KERNEL...]        default: every kernel of kernels.conf
#   METIS_IGT_FILTER=REGEX          only matching tests (igt_runner -t)
#   METIS_IGT_EXCLUDE=REGEX         not these (igt_runner -x)
#   METIS_IGT_EXPECT=N              the run must report exactly N subtests
#                                   (a filter that lost some fails)
#   METIS_DEVICE_PROPS=P            the test bed's -device metis
#                                   properties for every guest (the guest
#                                   sees them in TB_CARD_PROPS): with
#                                   extensions=off the card exactly as
#                                   published, whose lines carry
#                                   "published" and whose guest must see no
#                                   firmware contexts
#   METIS_IGT_SUITE=NAME            run directory tag (default "all")
#   METIS_IGT_NO_LIB=1              skip the library tests and CLI checks
#   METIS_IGT_DRIVER_REV=REV        build the driver of a git revision (e.g.
#                                   HEAD), not the working tree
#   METIS_IGT_SWAP=1                give the guest a swap disk (S4 test points)
#   METIS_S3_CYCLES, METIS_RELOAD_COUNT, METIS_HOTUNPLUG_REPEAT
#                                   repeat counts, passed to the tests
#   METIS_IGT_TEST_TIMEOUT          igt_runner's limit per test (default 180 s)
#   METIS_IGT_TIMEOUT               the guest's limit (default 3000 s)
#
# The driver is built for each kernel by tools/testbed/build-module.sh (in
# the trixie root, from a private copy of its sources) and loaded in the
# guest by igt-tests/guest/load-metis.sh.
set -u
# The body is one function, read whole before it runs: editing this
# file during a run cannot change the running instance.
main() {
	top=$(cd "$(dirname "$0")/.." && pwd)
	cd "$top"
	. tools/testbed/lib/common.sh
	. tools/testbed/lib/kernels.sh
	kernels=("$@")
	[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(tb_kernel_names)

	echo "TB: igt: building libdrm-metis and the IGT tests"
	if ! igt-tests/tools/build-igt.sh; then
		echo "FAIL igt-build: building libdrm-metis or the IGT tests failed"
		exit 1
	fi

	# The card's face: exactly as published (no extensions of ours) or full.
	face=
	case ",${METIS_DEVICE_PROPS:-}," in *,extensions=off,*) face=published ;; esac

	status=0
	for k in "${kernels[@]}"; do
		read -r name abi kdir < <(tools/testbed/kernels.sh "$k" | tail -n1)
		echo "TB: igt: building the driver for $abi"
		if ! ko=$(tools/testbed/build-module.sh \
			${METIS_IGT_DRIVER_REV:+--rev "$METIS_IGT_DRIVER_REV"} "$k"); then
			echo "FAIL igt-$name-module: driver build failed (see above)"
			status=1
			continue
		fi
		tag=$name${face:+-$face}
		run=build/testbed/runs/igt-${METIS_IGT_SUITE:-all}-$tag
		rm -rf "$run"
		disk=()
		if [ -n "${METIS_IGT_SWAP:-}" ]; then
			mkdir -p "$run"
			truncate -s 1G "$run/swap.img"
			disk=(--disk "$run/swap.img")
		fi
		echo "TB: igt: running the tests in a $name guest${face:+ (the card as $face)}"
		tools/testbed/run-in-guest.sh --kernel "$k" --results "$run" --quiet "${disk[@]}" \
			--timeout "${METIS_IGT_TIMEOUT:-3000}" -- \
			env METIS_KO="/metis/${ko#$top/}" METIS_IGT_NO_LIB="${METIS_IGT_NO_LIB:-}" \
			METIS_IGT_SWAP="${METIS_IGT_SWAP:-}" METIS_FACE="${face:-full}" \
			${METIS_S3_CYCLES:+METIS_S3_CYCLES=$METIS_S3_CYCLES} \
			${METIS_RELOAD_COUNT:+METIS_RELOAD_COUNT=$METIS_RELOAD_COUNT} \
			${METIS_HOTUNPLUG_REPEAT:+METIS_HOTUNPLUG_REPEAT=$METIS_HOTUNPLUG_REPEAT} \
			${METIS_IGT_TEST_TIMEOUT:+METIS_IGT_TEST_TIMEOUT=$METIS_IGT_TEST_TIMEOUT} \
			igt-tests/guest/run-all.sh ${METIS_IGT_FILTER:+-t "$METIS_IGT_FILTER"} \
			${METIS_IGT_EXCLUDE:+-x "$METIS_IGT_EXCLUDE"}
		rc=$?
		sed -e "s/^\(PASS\|FAIL\|SKIP\) lib-/\1 lib-$tag-/" "$run/libtest.txt" 2>/dev/null |
			grep -E '^(PASS|FAIL|SKIP) '
		if [ -f "$run/igt/results.json" ]; then
			python3 igt-tests/tools/igt-results.py "$run/igt/results.json" "$tag" || status=1
			if [ -n "${METIS_IGT_EXPECT:-}" ]; then
				n=$(python3 -c 'import json, sys
print(len({"@".join(t.split("@")[:3]) for t in json.load(open(sys.argv[1])).get("tests", {})}))' \
					"$run/igt/results.json")
				if [ "$n" = "$METIS_IGT_EXPECT" ]; then
					echo "PASS igt-$tag-count ($n subtests, as expected)"
				else
					echo "FAIL igt-$tag-count: $n subtests ran, $METIS_IGT_EXPECT expected (filter '${METIS_IGT_FILTER:-}', exclude '${METIS_IGT_EXCLUDE:-}')"
					status=1
				fi
			fi
		else
			echo "FAIL igt-$name: no IGT results (guest exit $rc; log: $run/output)"
			tail -n 30 "$run/output" 2>/dev/null
			status=1
		fi
		grep -q '^FAIL ' "$run/libtest.txt" 2>/dev/null && status=1
		rm -f "$run/swap.img"
	done
	exit $status
}
main "$@"
exit $?
