#!/bin/bash
# Resolve the kernels of kernels.conf against the apt index.  Source after
# common.sh and apt.sh (tb_apt_setup must have run).

TB_KERNELS_CONF="$TB_DIR/kernels.conf"

tb_kernel_names() { awk '!/^#/ && NF { print $1 }' "$TB_KERNELS_CONF"; }

# Packages (image side) of one ABI name such as 6.12.118+deb13-amd64.
tb_kernel_pkgs() {
	local abi=$1 kind=$2
	case $kind in
	image) echo "linux-image-$abi" ;;
	split) echo "linux-binary-$abi linux-modules-$abi linux-base-$abi" ;;
	*) tb_die "kernels.conf: unknown packaging '$kind'" ;;
	esac
}

tb_kernel_hdr_pkgs() {
	local abi=$1
	echo "linux-headers-$abi linux-headers-${abi%-amd64}-common"
}

# True when every package of the kernel is in the index ($tb_linux_pkgs).
tb_kernel_available() {
	local abi=$1 kind=$2 p
	for p in $(tb_kernel_pkgs "$abi" "$kind") $(tb_kernel_hdr_pkgs "$abi"); do
		grep -qxF "$p" <<<"$tb_linux_pkgs" || return 1
	done
}

# Print "<name> <abi> <kind>" for NAME (or every kernel without argument),
# falling back to the newest available version of the series.
tb_kernel_resolve() {
	local want=${1:-} name pin series kind abi cand
	# One index query: apt-cache per package is slow.
	tb_linux_pkgs=$(tb_apt_cache pkgnames linux-)
	while read -r name pin series kind; do
		[ -n "$want" ] && [ "$want" != "$name" ] && continue
		abi=$pin-amd64
		if ! tb_kernel_available "$abi" "$kind"; then
			abi=""
			for cand in $(grep "^linux-headers-$series\." <<<"$tb_linux_pkgs" |
				sed -n "s/^linux-headers-\(${series//./\\.}\.[0-9][^-]*-amd64\)$/\1/p" | sort -rV); do
				if tb_kernel_available "$cand" "$kind"; then abi=$cand; break; fi
			done
			[ -n "$abi" ] || tb_die "no $series kernel with modules and headers in the index"
			tb_log "kernel $name: pinned $pin is gone, using $abi"
		fi
		echo "$name $abi $kind"
	done < <(awk '!/^#/ && NF' "$TB_KERNELS_CONF")
	if [ -n "$want" ] && ! tb_kernel_names | grep -qxF "$want"; then
		tb_die "unknown kernel '$want' (kernels.conf has: $(tb_kernel_names | xargs))"
	fi
	return 0
}
