#!/bin/bash
# initramfs.sh ABI [ROOT [KDIR]]: build (once) the small initramfs of one guest kernel:
# static busybox from the root, the modules needed before the root is
# mounted (decompressed: busybox insmod takes plain .ko) and guest/initramfs-init.
# Cached as $TB_CACHE/initrd/<abi>-<key>.cpio.gz; prints its path.
set -eu
. "$(dirname "$0")/lib/common.sh"

abi=$1
root=${2:-$(tb_root)}
# KDIR: a kernel laid out as kernels.sh does (lib/modules/<abi>/ with
# modules.dep); default the cached Debian kernel of that version.
kdir=${3:-$TB_CACHE/kernels/$abi}
[ -n "${3:-}" ] || [ -f "$kdir/.tb-complete" ] || "$TB_DIR/kernels.sh" >/dev/null
# Early modules: the 9p root, its tmpfs overlay, virtio-blk for S4 and
# ext4 for the --block-root images.
mods="virtio_pci 9pnet_virtio 9p overlay virtio_blk ext4"
key=$(tb_hash "$0" "$TB_DIR/guest/initramfs-init" -- "$root" "$mods" "$kdir" \
	"$(stat -c %Y "$kdir/lib/modules/$abi/modules.dep" 2>/dev/null)")
out=$TB_CACHE/initrd/$abi-$key.cpio.gz

build() {
	[ -f "$out" ] && return 0
	tb_host_need cpio:cpio modprobe:kmod xz:xz-utils zstd:zstd
	local tmp line m ko
	tmp=$(mktemp -d "$TB_CACHE/initrd/tmp.XXXXXX")
	mkdir -p "$tmp"/{bin,dev,proc,sys,mod,lower,rw,newroot}
	cp "$root/usr/bin/busybox" "$tmp/bin/busybox"
	cp "$TB_DIR/guest/initramfs-init" "$tmp/init"
	chmod +x "$tmp/init"
	: > "$tmp/mod/order"
	for m in $mods; do
		# Dependency order; built-in modules print "builtin NAME".
		while read -r line; do
			case $line in
			insmod\ *) ;;
			*) continue ;;
			esac
			ko=$(awk '{ print $2 }' <<<"$line")	# a full path
			m=$(basename "$ko"); m=${m%.xz}; m=${m%.zst}
			grep -qxF "$m" "$tmp/mod/order" && continue
			case $ko in
			*.xz) xz -dc "$ko" > "$tmp/mod/$m" ;;
			*.zst) zstd -qdc "$ko" > "$tmp/mod/$m" ;;
			*) cp "$ko" "$tmp/mod/$m" ;;
			esac
			echo "$m" >> "$tmp/mod/order"
		done < <(modprobe -d "$kdir" -S "$abi" --show-depends "$m")
	done
	(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
	rm -rf "$tmp"
	mv "$out.tmp" "$out"
	tb_log "initramfs $abi: $(du -k "$out" | cut -f1) KiB"
}

mkdir -p "$TB_CACHE/initrd"
tb_locked "initrd-$abi" build
echo "$out"
