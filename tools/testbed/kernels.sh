#!/bin/bash
# kernels.sh: download and unpack the guest kernels of kernels.conf into
# $TB_CACHE/kernels/<abi>/ (debs/, vmlinuz, config, lib/modules/<abi>/ with
# modules.dep), once per version.
#   kernels.sh              fetch every kernel; print "<name> <abi> <dir>"
#   kernels.sh NAME         fetch one kernel;   print "<name> <abi> <dir>"
#   kernels.sh --abi NAME   print the ABI name only (e.g. 7.2.12+deb13-amd64)
set -eu
. "$(dirname "$0")/lib/common.sh"
. "$TB_DIR/lib/apt.sh"
. "$TB_DIR/lib/kernels.sh"

only_abi=false
[ "${1:-}" = --abi ] && { only_abi=true; shift; }
tb_apt_setup
resolved=$(tb_kernel_resolve "${1:-}")
if $only_abi; then
	awk '{ print $2 }' <<<"$resolved"
	exit 0
fi
stamp=$(tb_hash "$0")

fetch() {
	local abi=$1 kind=$2 dir=$TB_CACHE/kernels/$1 tmp start=$SECONDS x mods
	[ "$(cat "$dir/.tb-complete" 2>/dev/null)" = "$stamp" ] && return 0
	tb_host_need depmod:kmod dpkg-deb:dpkg
	tmp=$dir.tmp
	rm -rf "$tmp" && mkdir -p "$tmp/debs" "$tmp/x"
	tb_log "kernel $abi: downloading"
	(cd "$tmp/debs" && tb_apt_get download -q $(tb_kernel_pkgs "$abi" "$kind") \
		$(tb_kernel_hdr_pkgs "$abi") >/dev/null)
	for x in "$tmp"/debs/*.deb; do
		case $x in */linux-headers-*) continue ;; esac
		dpkg-deb -x "$x" "$tmp/x"
	done
	# vmlinuz: /boot in trixie and 7.2, /usr/lib/modules/<abi> in 7.3.
	for x in "$tmp/x/boot/vmlinuz-$abi" "$tmp/x/usr/lib/modules/$abi/vmlinuz" \
		"$tmp/x/lib/modules/$abi/vmlinuz"; do
		[ -f "$x" ] && { mv "$x" "$tmp/vmlinuz"; break; }
	done
	[ -f "$tmp/vmlinuz" ] || tb_die "kernel $abi: no vmlinuz in its packages"
	for x in "$tmp/x/boot/config-$abi" "$tmp/x/usr/lib/modules/$abi/config"; do
		[ -f "$x" ] && { cp "$x" "$tmp/config"; break; }
	done
	for mods in "$tmp/x/usr/lib/modules/$abi" "$tmp/x/lib/modules/$abi"; do
		[ -d "$mods/kernel" ] && break
	done
	[ -d "$mods/kernel" ] || tb_die "kernel $abi: no modules in its packages"
	mkdir -p "$tmp/lib/modules"
	mv "$mods" "$tmp/lib/modules/$abi"
	rm -rf "$tmp/x"
	depmod -b "$tmp" "$abi"
	echo "$stamp" > "$tmp/.tb-complete"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	tb_log "kernel $abi: ready in $((SECONDS - start)) s"
}

while read -r name abi kind; do
	tb_locked "kernel-$abi" fetch "$abi" "$kind"
	echo "$name $abi $TB_CACHE/kernels/$abi"
done <<<"$resolved"
