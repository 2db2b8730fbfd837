#!/bin/bash
# run-in-guest.sh [options] -- CMD...: boot a test-bed guest (TCG, q35, OVMF,
# intel-iommu with interrupt remapping, the metis card behind root port rp1)
# on a Debian kernel, run CMD as root in it from /metis (this checkout,
# read-only), print its output and exit with its status.  Everything it needs
# is built and cached on first use.  Options:
#   --kernel NAME      6.12, 7.2 or 7.3 (kernels.conf; default 7.2), or debug
#                      (tools/testbed/debug-kernel: KASAN, lockdep, kmemleak)
#   --no-iommu         no intel-iommu (single-vector MSI fallback)
#   --no-card          leave slot rp1 empty (device_add it later)
#   --card-props P     extra properties for -device metis (e.g. "mem-size=64M");
#                      $METIS_DEVICE_PROPS (e.g. "extensions=off") comes first
#   --qemu-arg ARG     one extra QEMU argument (repeatable)
#   --append ARGS      extra kernel command line
#   --mem MB           guest RAM (default 1024)
#   --smp N            virtual CPUs (default 1: a guest keeps one host core
#                      busy, and -smp 2 guests sometimes hang in S3)
#   --timeout S        kill QEMU and fail after S seconds (default 600)
#   --qmp SOCK         QMP socket for the test (default RESULTS/qmp.sock)
#   --hook CMD         host command run alongside the guest, with TB_QMP,
#                      TB_RUN_DIR, TB_SERIAL_IN, TB_EVENTS in its environment
#   --disk FILE        raw image as a virtio-blk disk, $TB_DISK in the guest (S4 swap)
#   --results DIR      run directory, the guest's /results (default: new
#                      directory under build/testbed/runs/)
#   --out DIR          the guest's /out, read-only (default build/testbed/<abi>)
#   --firmware FILE    image installed as /lib/firmware/axelera/metis-fw.bin
#                      (default: a valid one from metis-mkfw; "none": no file)
#   --quiet            do not stream CMD's output (it stays in RESULTS/output)
#   --block-root       root and modules on read-only virtio-blk ext4 images
#                      instead of 9p, CMD's output on ttyS1: for
#                      S4 tests (9p does not survive hibernation; see
#                      Documentation/testbed.md)
#   --shell            interactive: a root shell on the serial console (this
#                      terminal) instead of CMD; exit the shell to power off
#   --stop-on TEXT     stop QEMU (status 0) once TEXT appears on the serial
#                      console (for guests that cannot report through 9p)
# Exit status: CMD's; 124 timeout; 125 guest stopped without a result.
set -eu
. "$(dirname "$0")/lib/common.sh"

kernel=7.2 results="" out="" firmware="" block=false pass=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--firmware) firmware=$2; shift 2 ;;
	--no-iommu|--no-card|--quiet|--shell) pass+=("$1"); shift ;;
	--block-root) block=true; shift ;;
	--card-props|--qemu-arg|--append|--mem|--smp|--timeout|--qmp|--hook|--disk|--stop-on)
		[ $# -ge 2 ] || tb_die "$1 needs a value"
		pass+=("$1" "$2"); shift 2 ;;
	--) shift; break ;;
	*) tb_die "unknown option $1 (see the head of $0)" ;;
	esac
done
if [ $# -eq 0 ]; then
	case " ${pass[*]:-} " in
	*" --shell "*) set -- true ;;
	*) tb_die "usage: run-in-guest.sh [options] -- CMD...  (or --shell)" ;;
	esac
fi

prefix=${TB_QEMU_PREFIX:-}
if [ -z "$prefix" ]; then
	prefix=$("$TB_TOP/emulator/build.sh" | tail -n1) || tb_die "the QEMU build failed"
fi
[ -x "$prefix/bin/qemu-system-x86_64" ] || tb_die "no QEMU under '$prefix'"
root=$(tb_root)
if [ "$kernel" = debug ]; then
	# The debug kernel of the debug-kernel tier, built from source once.
	name=debug abi="" kdir=""
	read -r abi kdir _ < <("$TB_DIR/debug-kernel/build.sh" | tail -n1)
	[ -n "$kdir" ] || tb_die "the debug kernel did not build"
else
	read -r name abi kdir < <("$TB_DIR/kernels.sh" "$kernel" | tail -n1)
fi
initrd=$("$TB_DIR/initramfs.sh" "$abi" "$root" "$kdir" | tail -n1)
if $block; then
	read -r rootimg modimg < <("$TB_DIR/rootimg.sh" "$root" "$kdir" "$abi" | tail -n1)
	pass+=(--block-root "$rootimg,$modimg")
fi

if [ -z "$firmware" ] && [ -x "$prefix/bin/metis-mkfw" ]; then
	firmware=$TB_CACHE/firmware/$(tb_hash "$prefix/bin/metis-mkfw")/metis-fw.bin
	if [ ! -f "$firmware" ]; then
		mkdir -p "$(dirname "$firmware")"
		# A private temporary name: guests of two suites may start at once.
		tmp=$(mktemp "$firmware.XXXXXX")
		"$prefix/bin/metis-mkfw" -o "$tmp" >/dev/null && mv -f "$tmp" "$firmware"
		rm -f "$tmp"
	fi
fi
[ "$firmware" = none ] && firmware=""

[ -n "$results" ] || results=$TB_TOP/build/testbed/runs/$name-$(date +%H%M%S)-$$
[ -n "$out" ] || out=$TB_TOP/build/testbed/$abi
mkdir -p "$results" "$out"
results=$(cd "$results" && pwd)
out=$(cd "$out" && pwd)

exec python3 "$TB_DIR/guest.py" --qemu-prefix "$prefix" --root "$root" \
	--kernel-dir "$kdir" --abi "$abi" --name "$name" --initrd "$initrd" \
	--repo "$TB_TOP" --run-dir "$results" --out "$out" \
	${firmware:+--firmware "$firmware"} "${pass[@]}" -- "$@"
