#!/bin/bash
# driver-tests.sh: the metis driver on the emulated card, in a guest of
# each test-bed kernel: smoke test, hang recovery, firmware boot failure,
# corrupt firmware image, missing firmware image, spurious interrupts,
# a batch of small copies with one the card aborts, single-vector MSI
# (guest without IOMMU), every host buffer through swiotlb bounce buffers
# (swiotlb=force), a PCI reset from sysfs with jobs in flight, unbind and bind with jobs running and a client
# attached, S3 with jobs in flight; with the debug switches,
# probe failures and the S3 and unbind tests shown able to fail.
# Prints PASS/FAIL per (kernel, test): driver-<test>-<kernel>.
# Then, on the card exactly as published (-device metis,extensions=off: no
# firmware of ours), the tests that apply there: smoke (firmware jobs
# refused), unbind, s3 and pcireset on 7.2 (the IGT suites cover the rest there);
# with TB_LONG=1 (make check-long) also rpm, single, batchabort and hang,
# on every kernel.  Their lines are driver-<test>-<kernel>-published.
#   tools/driver-tests.sh [KERNEL...]   (default: every kernel of kernels.conf;
#                                       the published tests on these too)
# DRIVER_TESTS="smoke hang ..." runs a subset.
# METIS_DEVICE_PROPS=P (the test bed's, for every guest): only the card with
# these -device properties (before each test's own), every test that
# applies to its face.
# METIS_PUBLISHED_KERNELS: the kernels of the published tests (default 7.2).
# DRIVER_TESTS_PUBLISHED="smoke ...": those tests instead.
set -u
# The body is one function, read whole before it runs: editing this
# file during a run cannot change the running instance.
main() {
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testbed/lib/common.sh"

out=$top/build/driver-tests
mkdir -p "$out"
kernels=("$@")
if [ ${#kernels[@]} -eq 0 ]; then
	mapfile -t kernels < <(awk '!/^#/ && NF { print $1 }' "$top/tools/testbed/kernels.conf")
fi

"$top/tools/testbed/rootfs.sh" >/dev/null || { echo "FAIL driver-tests: no build root"; exit 1; }
prefix=$("$top/emulator/build.sh" | tail -n1) || { echo "FAIL driver-tests: no QEMU"; exit 1; }

# The smoke binary, built in the guest's own distribution.
tb_log "building metis-smoke"
if ! "$top/tools/testbed/chroot.sh" -- gcc -O2 -Wall -Werror \
	-I"$top/include/uapi/drm" -I/usr/include/drm \
	-o "$out/metis-smoke" "$top/tools/smoke/metis-smoke.c" -lz > "$out/smoke-build.log" 2>&1; then
	cat "$out/smoke-build.log"
	echo "FAIL driver-tests: metis-smoke does not build"
	exit 1
fi

# A corrupt image (payload checksum): the driver must refuse it itself.
# A valid one for the nofw test to install after probe.
badfw=$out/metis-fw-badcrc.bin
{ "$prefix/bin/metis-mkfw" -o "$badfw" --break checksum &&
	"$prefix/bin/metis-mkfw" -o "$out/metis-fw.bin"; } >/dev/null ||
	{ echo "FAIL driver-tests: metis-mkfw failed"; exit 1; }

# The card's face for the tests that follow: face_props (the test bed's
# METIS_DEVICE_PROPS for their guests), face (empty for the full card,
# "published" for the card as published) and sfx (the suffix of names and
# logs).
set_face() {
	face_props=$1 face= sfx=
	case ,$face_props, in *,extensions=off,*) face=published sfx=-published ;; esac
}

run_guest() {
	local k=$1 mode=$2 ko=$ko_normal
	shift 2
	# Tests of the debug switches use the module built with them.
	case $mode in probefail|s3-noinit|noquiesce) ko=$ko_debug ;; esac
	rm -rf "$out/$k/run-$mode$sfx"
	METIS_DEVICE_PROPS=$face_props "$top/tools/testbed/run-in-guest.sh" --kernel "$k" \
		--timeout 300 --quiet --results "$out/$k/run-$mode$sfx" "$@" -- \
		env METIS_FACE="${face:-full}" \
		bash /metis/tools/smoke/guest-test.sh "$mode" "/metis/${ko#"$top"/}" \
		/metis/build/driver-tests/metis-smoke > "$out/$k/$mode$sfx.log" 2>&1
}

# guest_test KERNEL MODE [run-in-guest options...]
guest_test() {
	local k=$1 mode=$2 log rc
	shift 2
	case " ${DRIVER_TESTS:-$mode} " in *" $mode "*) ;; *) return 0 ;; esac
	log=$out/$k/$mode$sfx.log
	tb_log "driver test $mode on $k${face:+ (the card as $face)}"
	run_guest "$k" "$mode" "$@"
	rc=$?
	# Test-bed trouble, not the driver's: a guest that died before the
	# command ended (TCG on a loaded host can fail the kernel's early
	# timer check) or a QMP connection that missed QEMU's greeting.
	if [ $rc -eq 124 ] || [ $rc -eq 125 ] || grep -q 'cannot connect to QEMU' "$log"; then
		tb_log "guest trouble (status $rc), retrying $mode on $k once"
		cp "$log" "$log.first"
		run_guest "$k" "$mode" "$@"
		rc=$?
	fi
	if [ $rc -eq 0 ]; then
		echo "PASS driver-$mode-$k$sfx"
	else
		cat "$out/$k/run-$mode$sfx/output" 2>/dev/null | tail -n 40
		tail -n 5 "$log"
		echo "FAIL driver-$mode-$k$sfx: $(grep -h '^guest-test:' "$out/$k/run-$mode$sfx/output" 2>/dev/null | tail -n1) (log: $log)"
	fi
}

# build_modules KERNEL: ko_normal and ko_debug for it, or a FAIL line.
build_modules() {
	mkdir -p "$out/$1"
	# build-module.sh prints only the module's path on stdout.
	if ! ko_normal=$("$top/tools/testbed/build-module.sh" "$1") ||
		! ko_debug=$("$top/tools/testbed/build-module.sh" "$1" \
			CONFIG_DRM_ACCEL_METIS_DEBUG=y); then
		echo "FAIL driver-tests-$1$sfx: module build failed (see above)"
		return 1
	fi
}

# The card as published: what applies there (DMA, detach, PM).
published_tests() {
	local k=$1 t
	for t in ${DRIVER_TESTS_PUBLISHED:-$published}; do
		case $t in
		batchabort|s3|rpm|pcireset) guest_test "$k" "$t" --card-props bandwidth-mbps=200 ;;
		single) guest_test "$k" single --no-iommu ;;
		*) guest_test "$k" "$t" ;;
		esac
	done
}

published="smoke unbind s3 pcireset"
[ "${TB_LONG:-}" = 1 ] && published="smoke single batchabort unbind s3 rpm hang"
set_face "${METIS_DEVICE_PROPS:-}"
if [ -n "$face" ]; then
	for k in "${kernels[@]}"; do
		build_modules "$k" && published_tests "$k"
	done
	return 0
fi
for k in "${kernels[@]}"; do
	build_modules "$k" || continue
	guest_test "$k" smoke
	guest_test "$k" hang
	# Slow transfers, so that the small copies queue behind the long ones.
	guest_test "$k" batchabort --card-props bandwidth-mbps=200
	guest_test "$k" fwfail
	guest_test "$k" badfw --firmware "$badfw"
	guest_test "$k" nofw --firmware none
	guest_test "$k" spurious
	guest_test "$k" single --no-iommu
	# track_hiwater: 7.3 keeps the high-water mark only with it; earlier
	# kernels take the option only whole ("force"), so both are given.
	guest_test "$k" swiotlb --no-iommu --append "swiotlb=force swiotlb=force,track_hiwater"
	guest_test "$k" pcireset --card-props bandwidth-mbps=200
	guest_test "$k" unbind
	# Slow transfers, so that copies are really in flight at the suspend.
	guest_test "$k" s3 --card-props bandwidth-mbps=200
	guest_test "$k" rpm --card-props bandwidth-mbps=200
	# With the debug switches: probe failing at each step unwinds; the S3
	# test fails when resume skips the card's re-initialisation, the
	# unbind test when the teardown skips silencing the card.
	guest_test "$k" probefail
	guest_test "$k" s3-noinit --card-props bandwidth-mbps=200
	guest_test "$k" noquiesce
done

# The card as published, on 7.2 (every kernel with TB_LONG=1, the given
# kernels if any).
[ -z "${METIS_DEVICE_PROPS:-}" ] || return 0
pub=("$@")
if [ ${#pub[@]} -eq 0 ]; then
	if [ "${TB_LONG:-}" = 1 ] && [ -z "${METIS_PUBLISHED_KERNELS:-}" ]; then
		pub=("${kernels[@]}")
	else
		read -r -a pub <<< "${METIS_PUBLISHED_KERNELS:-7.2}"
	fi
fi
set_face extensions=off
for k in "${pub[@]}"; do
	build_modules "$k" && published_tests "$k"
done
}
main "$@"
exit $?
