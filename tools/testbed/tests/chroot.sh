#!/bin/bash
# Suite: the build root.  chroot.sh gives a read-only root with the checkout
# writable, leaks no mount to the host, and builds a module against the
# headers of every test-bed kernel with gcc, and of the newest with clang
# (LLVM=-19).
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$TB_DIR/lib/kernels.sh"
ch=$TB_DIR/chroot.sh
work=$TB_TOP/build/testbed/chroot-test
rm -rf "$work" && mkdir -p "$work"
# CI shows only the result lines: the failure's reason goes into its line.
if ! root=$(tb_root 2> "$work/rootfs.err"); then
	cat "$work/rootfs.err" >&2
	echo "FAIL chroot/root: rootfs.sh failed: $(grep -v '^TB: ' "$work/rootfs.err" | tail -n 3 | tr '\n' ' ')"
	exit 1
fi
grep '^TB: ' "$work/rootfs.err" >&2

mounts_before=$(grep -c " $root" /proc/mounts)
# The checks below read a failing chroot as a pass or as something else.
"$ch" test -f /.tb-complete || { echo "FAIL chroot/runs: cannot run a command in the root"; exit 1; }
echo "PASS chroot/runs"
if "$ch" touch /usr/tb-write-test 2>/dev/null || [ -e "$root/usr/tb-write-test" ]; then
	echo "FAIL chroot/read-only-root: a write to /usr succeeded"
	rm -f "$root/usr/tb-write-test"
else
	echo "PASS chroot/read-only-root"
fi
if "$ch" sh -c "echo ok > '$work/w'" && [ "$(cat "$work/w")" = ok ]; then
	echo "PASS chroot/checkout-writable"
else
	echo "FAIL chroot/checkout-writable: cannot write $work from the chroot"
fi
[ "$(cd "$work" && "$ch" pwd)" = "$work" ] && echo "PASS chroot/cwd" ||
	echo "FAIL chroot/cwd: the working directory was not kept"
[ "$(grep -c " $root" /proc/mounts)" = "$mounts_before" ] && echo "PASS chroot/no-mount-leak" ||
	echo "FAIL chroot/no-mount-leak: mounts under $root left on the host"

cat > "$work/tbhello.c" <<'EOC'
#include <linux/module.h>
static int __init tbhello_init(void) { return 0; }
static void __exit tbhello_exit(void) { }
module_init(tbhello_init);
module_exit(tbhello_exit);
MODULE_DESCRIPTION("test-bed kbuild check");
MODULE_LICENSE("GPL");
EOC
echo 'obj-m := tbhello.o' > "$work/Kbuild"
kernels=$(echo ${TB_KERNELS:-$(tb_kernel_names)})
for k in $kernels; do
	abi=$("$TB_DIR/kernels.sh" --abi "$k") || { echo "FAIL chroot/kbuild-$k: no kernel"; continue; }
	ccs=gcc
	[ "$k" = "${kernels##* }" ] && ccs="gcc clang"
	for cc in $ccs; do
		flags=""
		[ $cc = clang ] && flags="LLVM=-19"	# the root has clang-19, lld-19: versioned names
		rm -f "$work/tbhello.ko"
		if "$ch" make -s -C "/usr/src/linux-headers-$abi" M="$work" $flags modules > "$work/log-$k-$cc" 2>&1 &&
			"$ch" modinfo -F vermagic "$work/tbhello.ko" | grep -q "^$abi "; then
			echo "PASS chroot/kbuild-$k-$cc"
		else
			echo "FAIL chroot/kbuild-$k-$cc: $(tail -n 3 "$work/log-$k-$cc" | tr '\n' ' ')"
		fi
		"$ch" make -s -C "/usr/src/linux-headers-$abi" M="$work" clean > /dev/null 2>&1
	done
done
