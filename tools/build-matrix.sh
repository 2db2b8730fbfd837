#!/bin/bash
# build-matrix.sh: the builds that need a configured kernel source tree
# (tools/kernel-tree.sh: Debian's linux-source-SERIES, configured with
# LLVM=1 from the Debian config).  tools/driver-build.sh covers gcc against
# each test-bed kernel's headers.  Per series:
#   intree-SERIES-llvm   (the newest series only) the driver dropped into
#                        the tree (kernel-hook.sh), CONFIG_DRM_ACCEL_METIS=m,
#                        built as part of the tree
#                        (make LLVM=1 W=1 C=2 M=drivers/accel/metis)
#   llvm-SERIES          the out-of-tree build through the top-level
#                        Makefile: make LLVM=1 W=1 C=2 KDIR=<tree> modules
# Both with W=1 and sparse (C=2, unstable's sparse: see kernel-tree.sh);
# any diagnostic in the driver fails, and so does a checker that did not run.
#   tools/build-matrix.sh [SERIES...]   (default: the series of every
#                                       kernel of kernels.conf, newest first)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testbed/lib/common.sh"

out=$top/build/build-matrix
mkdir -p "$out"
series=("$@")
if [ ${#series[@]} -eq 0 ]; then
	mapfile -t series < <(awk '!/^#/ && NF { print $3 }' "$top/tools/testbed/kernels.conf" | sort -urV)
fi
nsrc=$(ls "$top"/drivers/accel/metis/*.c | wc -l)

diagnostics() {
	grep -E '(warning|error|WARNING|ERROR):|not available or not up to date' "$1" |
		grep -v '^make' | grep -E 'drivers/accel/metis|metis_accel\.ko|modpost|^metis_|not available' || true
}

# verdict NAME LOG RC KO: one PASS/FAIL line for a W=1 + sparse build.
verdict() {
	local name=$1 log=$2 rc=$3 ko=$4 diag checked
	diag=$(diagnostics "$log")
	checked=$(grep -c '^ *CHECK ' "$log")
	if [ "$rc" -ne 0 ] || [ ! -f "$ko" ]; then
		tail -n 20 "$log"
		echo "FAIL $name: build failed (log: $log)"
	elif [ -n "$diag" ]; then
		echo "$diag"
		echo "FAIL $name: $(wc -l <<<"$diag") diagnostics (log: $log)"
	elif [ "$checked" -lt "$nsrc" ]; then
		echo "FAIL $name: sparse checked $checked of $nsrc files (log: $log)"
	else
		echo "PASS $name"
	fi
}

TB_ROOT=$(tb_root) || { echo "FAIL build-matrix: no build root"; exit 1; }
export TB_ROOT
sparse=$("$top/tools/kernel-tree.sh" --sparse 2>"$out/sparse.log" | tail -n1) || sparse=""
if [ -z "$sparse" ]; then
	cat "$out/sparse.log"
	echo "FAIL intree-${series[0]}-llvm: no sparse for 7.x kernels"
	for s in "${series[@]}"; do
		echo "FAIL llvm-$s: no sparse for 7.x kernels"
	done
	exit 0
fi

# build_in TREE: both builds, holding the tree's lock (the hook rewrites
# the driver's copy inside the tree).
build_in() {
	local s=$1 tree=$2 intree=$3 log stage
	# In-tree: refresh the copy and the config (a changed Kconfig), then
	# build the directory as part of the tree.
	log=$out/intree-$s.log
	start=$SECONDS
	if [ "$intree" != yes ]; then
		:
	elif "$top/tools/kernel-hook.sh" "$tree" > "$log" 2>&1 &&
		"$top/tools/kernel-tree.sh" --run "$tree" make LLVM=1 olddefconfig >> "$log" 2>&1 &&
		grep -qx 'CONFIG_DRM_ACCEL_METIS=m' "$tree/.config"; then
		"$top/tools/kernel-tree.sh" --run "$tree" nice -n 10 make LLVM=1 W=1 C=2 \
			CHECK="$sparse" -j2 M=drivers/accel/metis modules >> "$log" 2>&1
		verdict "intree-$s-llvm" "$log" $? "$tree/drivers/accel/metis/metis_accel.ko"
	else
		tail -n 20 "$log"
		echo "FAIL intree-$s-llvm: hook or configuration failed (CONFIG_DRM_ACCEL_METIS=m expected; log: $log)"
	fi
	[ "$intree" != yes ] || tb_log "in-tree build $s: $((SECONDS - start)) s"

	# Out of tree, through the top-level Makefile, from a private copy.
	start=$SECONDS
	stage=$out/ext-$s
	rm -rf "$stage" && mkdir -p "$stage/drivers/accel" "$stage/include/uapi/drm"
	cp "$top/Makefile" "$top/Kbuild" "$top/dkms.conf" "$stage/"
	cp -r "$top/drivers/accel/metis" "$stage/drivers/accel/"
	cp "$top/include/uapi/drm/metis_accel.h" "$stage/include/uapi/drm/"
	log=$out/llvm-$s.log
	"$top/tools/kernel-tree.sh" --run "$tree" nice -n 10 make -C "$stage" KDIR="$tree" \
		LLVM=1 W=1 C=2 CHECK="$sparse" -j2 modules > "$log" 2>&1
	verdict "llvm-$s" "$log" $? "$stage/drivers/accel/metis/metis_accel.ko"
	tb_log "out-of-tree LLVM build $s: $((SECONDS - start)) s"
}

intree=yes
for s in "${series[@]}"; do
	tb_log "kernel tree $s (LLVM)"
	if ! tree=$("$top/tools/kernel-tree.sh" "$s" llvm 2>"$out/tree-$s.log" | tail -n1) ||
		[ ! -f "$tree/.tb-complete" ]; then
		tail -n 30 "$out/tree-$s.log"
		[ "$intree" != yes ] || echo "FAIL intree-$s-llvm: no configured $s source tree (log: $out/tree-$s.log)"
		echo "FAIL llvm-$s: no configured $s source tree"
		intree=no
		continue
	fi
	grep '^TB: ' "$out/tree-$s.log" >&2
	tb_locked "ksrc-use-$(basename "$tree")" build_in "$s" "$tree" "$intree"
	intree=no
done
