#!/bin/bash
# vendor-dma.sh [--kernel NAME] [VENDOR_SRC]: conformance of the emulated card
# against the card's public vendor driver (issue 19, Documentation/conformance.md).
#
# VENDOR_SRC (argument or environment) is a local checkout of
# github.com/axelera-ai-hub/axelera-driver.  Nothing is fetched: without a
# checkout the harness prints "SKIP conformance: <reason>" and exits 0.
#
# With one it builds, for a test-bed kernel (default 7.2), in a private copy
# under build/conformance/ (the checkout is only read):
#   - the vendor module, its files unchanged; on kernels without strncpy()
#     with tools/conformance/vendor-compat.h force-included (it says why);
#   - vendor-roundtrip (ours, tools/conformance/vendor-roundtrip.c) against
#     the checkout's own axl-aipu-dmabuf.h;
#   - our driver (tools/testbed/build-module.sh) and libdrm-metis's metis tool;
# then runs one scenario in a guest per driver, on the same card: load, DMA
# round trip host -> card -> host, one real S3 cycle, round trip again.
# It prints one line per claim and exits 0 only when all three hold:
#   PASS|FAIL conformance-1-vendor-cold   the vendor driver probes and its
#             round trip verifies on a cold card
#   PASS|FAIL conformance-2-vendor-s3     after one S3 cycle the same round
#             trip fails as the real card's does: a DMA timeout
#   PASS|FAIL conformance-3-ours          our driver, same card and scenario,
#             verifies before and after S3
# Environment:
#   VENDOR_SRC               the checkout (when not given as the argument)
#   CONFORMANCE_KERNEL       test-bed kernel (default 7.2: the vendor's
#                            1.6.2 needs strncpy() there, see vendor-compat.h)
#   METIS_DEVICE_PROPS       the test bed's -device metis properties (default
#                            here "extensions=off": the card exactly as
#                            published; set it empty for the full card)
#   ROUNDTRIP_SIZES          round-trip sizes in bytes (default "4096 1048576");
#                            after S3 the vendor driver gets the first only
#   CONFORMANCE_ONLY         vendor|ours: run one half only
#   CONFORMANCE_VENDOR_ARGS  vendor module parameters (e.g. single_msi=1, dma_poll=1)
#   CONFORMANCE_GUEST_ARGS   more run-in-guest.sh options (e.g. --no-iommu)
set -u
# The body is one function, read whole before it runs.
main() {
	top=$(cd "$(dirname "$0")/../.." && pwd)
	cd "$top" || exit 1
	. tools/testbed/lib/common.sh

	kernel=${CONFORMANCE_KERNEL:-7.2}
	if [ "${1:-}" = --kernel ]; then
		kernel=${2:?--kernel needs a name}
		shift 2
	fi
	src=${1:-${VENDOR_SRC:-}}
	if [ -z "$src" ]; then
		echo "SKIP conformance: no vendor driver checkout given (tools/conformance/vendor-dma.sh PATH or VENDOR_SRC=PATH; see Documentation/conformance.md)"
		exit 0
	fi
	if [ ! -f "$src/axl-aipu-dmabuf.h" ] || [ ! -f "$src/Makefile" ] ||
		[ ! -f "$src/axl-aipu-version.h" ]; then
		echo "FAIL conformance: $src is not a checkout of the vendor driver (no axl-aipu-dmabuf.h, axl-aipu-version.h or Makefile)"
		exit 1
	fi
	src=$(cd "$src" && pwd)
	export METIS_DEVICE_PROPS=${METIS_DEVICE_PROPS-extensions=off}
	props=$METIS_DEVICE_PROPS
	sizes=${ROUNDTRIP_SIZES:-4096 1048576}
	only=${CONFORMANCE_ONLY:-}

	version=$(sed -n 's/.*DRIVER_VERSION *"\([^"]*\)".*/\1/p' "$src/axl-aipu-version.h")
	if commit=$(git -C "$src" rev-parse HEAD 2>/dev/null); then
		git -C "$src" diff --quiet HEAD 2>/dev/null || commit="$commit (modified)"
	elif [ -f "$src/SOURCE.txt" ]; then
		commit=$(grep -o -m1 '\b[0-9a-f]\{40\}\b' "$src/SOURCE.txt")" (SOURCE.txt)"
	else
		commit="unknown (not a git checkout)"
	fi
	abi=$(tools/testbed/kernels.sh --abi "$kernel") || {
		echo "FAIL conformance: test-bed kernel $kernel not resolved"; exit 1; }
	kdir=/usr/src/linux-headers-$abi
	work=$top/build/conformance/$abi
	mkdir -p "$work"
	tb_log "conformance: vendor driver ${version:-?}, commit $commit, kernel $abi, card '${props:-default}'"

	# 1. The vendor module and our round-trip program, in a private copy.
	vbuild=ok vwhy=
	stage=$work/vendor
	if [ "$only" != ours ]; then
		rm -rf "$stage" && mkdir -p "$stage"
		cp "$src"/Makefile "$src"/*.c "$src"/*.h "$stage/"
		tb_log "conformance: building the vendor module for $abi"
		# 7.x headers no longer declare strncpy(), which the vendor module
		# calls: there, a header of ours provides it (vendor-compat.h,
		# force-included); the vendor's files stay as they are.
		vmake() {
			tools/testbed/chroot.sh -- make -C "$kdir" M="$stage" KCFLAGS="$1" -j2 modules \
				> "$stage/build.log" 2>&1
		}
		if ! vmake "" && grep -q "implicit declaration of function .strncpy" "$stage/build.log"; then
			cp tools/conformance/vendor-compat.h "$stage/"
			tb_log "conformance: $abi has no strncpy(): building with vendor-compat.h"
			vmake "-include $stage/vendor-compat.h"
		fi
		if [ ! -f "$stage/metis.ko" ]; then
			vbuild=fail vwhy="the vendor module did not build for $abi: $(grep -m1 -E 'error' "$stage/build.log") (log: ${stage#"$top"/}/build.log)"
		elif ! cmp -s "$src/axl-aipu-dmabuf.h" "$stage/axl-aipu-dmabuf.h"; then
			vbuild=fail vwhy="a build fix changed axl-aipu-dmabuf.h: vendor-roundtrip must be built against the checkout's own header"
		elif ! tools/testbed/chroot.sh -- gcc -O2 -Wall -Wextra -Werror -I "$stage" \
			-o "$stage/vendor-roundtrip" tools/conformance/vendor-roundtrip.c \
			> "$stage/roundtrip-build.log" 2>&1; then
			vbuild=fail vwhy="vendor-roundtrip did not build against the checkout's axl-aipu-dmabuf.h: $(head -n3 "$stage/roundtrip-build.log" | tr '\n' ' ')"
		fi
	fi

	# 2. Our driver and the metis tool.
	obuild=ok owhy=
	lib=$work/libdrm-metis
	if [ "$only" != vendor ]; then
		# build-module.sh prints the module's path as its last line.
		if ! ko=$(tools/testbed/build-module.sh "$kernel") ||
			{ ko=${ko##*$'\n'}; [ ! -f "$ko" ]; }; then
			obuild=fail owhy="our driver did not build for $abi"
		elif ! { mkdir -p "$lib" && tools/testbed/chroot.sh -- make -C libdrm-metis OUT="$lib" \
			> "$lib/build.log" 2>&1; }; then
			obuild=fail owhy="libdrm-metis did not build (log: ${lib#"$top"/}/build.log)"
		fi
	fi

	# 3. The guests, one at a time.
	guest() {
		local who=$1 run=$top/build/testbed/runs/conformance-$1
		shift
		rm -rf "$run"
		tb_log "conformance: $who driver in a $kernel guest"
		# shellcheck disable=SC2086
		tools/testbed/run-in-guest.sh --kernel "$kernel" --results "$run" --quiet \
			--timeout 400 ${CONFORMANCE_GUEST_ARGS:-} -- \
			env ROUNDTRIP_SIZES="$sizes" "$@" \
			tools/conformance/guest/vendor-dma-guest.sh "$who" > /dev/null 2>&1
		echo "guest exit $?" >> "$run/output"
		grep '^RESULT ' "$run/output" 2>/dev/null | sed 's/^RESULT //' > "$run/results"
	}
	res() { # res WHO KEY: the guest's verdict word and text for KEY
		sed -n "s/^$2 //p" "$top/build/testbed/runs/conformance-$1/results" 2>/dev/null | head -n1
	}
	outcome() { # the first word of res
		res "$@" | cut -d' ' -f1 | tr -d :
	}
	detail() {
		res "$@" | cut -d' ' -f2-
	}

	status=0
	if [ "$only" != ours ]; then
		if [ $vbuild = ok ]; then
			guest vendor VENDOR_KO="/metis/${stage#"$top"/}/metis.ko" \
				VENDOR_KO_ARGS="${CONFORMANCE_VENDOR_ARGS:-}" \
				ROUNDTRIP="/metis/${stage#"$top"/}/vendor-roundtrip"
			vrun=build/testbed/runs/conformance-vendor
			if [ "$(outcome vendor vendor-probe)" = PASS ] && [ "$(outcome vendor vendor-cold)" = PASS ]; then
				echo "PASS conformance-1-vendor-cold ($(detail vendor vendor-probe); $(detail vendor vendor-cold))"
				cold=ok
			else
				echo "FAIL conformance-1-vendor-cold: probe: $(res vendor vendor-probe); round trip: $(res vendor vendor-cold) (log: $vrun/output, $vrun/dmesg-vendor.txt)"
				cold=fail status=1
			fi
			case $(outcome vendor vendor-s3) in
			TIMEOUT)
				if [ $cold = ok ]; then
					echo "PASS conformance-2-vendor-s3 (after one S3 cycle the round trip times out as on the real card: $(detail vendor vendor-s3))"
				else
					echo "FAIL conformance-2-vendor-s3: it times out after S3 ($(detail vendor vendor-s3)), but it never worked cold, so S3 is not what stops it"
					status=1
				fi ;;
			VERIFIED)
				echo "FAIL conformance-2-vendor-s3: the round trip still verifies after S3; the real card loses the vendor driver's DMA set-up there (the model kept state it must lose): $(detail vendor vendor-s3)"
				status=1 ;;
			'')
				echo "FAIL conformance-2-vendor-s3: no result from the guest (log: $vrun/output)"
				status=1 ;;
			*)
				echo "FAIL conformance-2-vendor-s3: not the real card's DMA timeout: $(res vendor vendor-s3) (log: $vrun/output)"
				status=1 ;;
			esac
		else
			echo "FAIL conformance-1-vendor-cold: $vwhy"
			echo "FAIL conformance-2-vendor-s3: $vwhy"
			status=1
		fi
	fi
	if [ "$only" != vendor ]; then
		if [ $obuild = ok ]; then
			guest ours OURS_KO="/metis/${ko#"$top"/}" METIS_TOOL="/metis/${lib#"$top"/}/metis"
			orun=build/testbed/runs/conformance-ours
			if [ "$(outcome ours ours-probe)" = PASS ] && [ "$(outcome ours ours-cold)" = PASS ] &&
				[ "$(outcome ours ours-s3)" = PASS ]; then
				echo "PASS conformance-3-ours (cold: $(detail ours ours-cold); after S3: $(detail ours ours-s3))"
			else
				echo "FAIL conformance-3-ours: probe: $(res ours ours-probe); cold: $(res ours ours-cold); after S3: $(res ours ours-s3) (log: $orun/output, $orun/dmesg-ours.txt)"
				status=1
			fi
		else
			echo "FAIL conformance-3-ours: $owhy"
			status=1
		fi
	fi
	exit $status
}
main "$@"
