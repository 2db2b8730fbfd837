#!/bin/bash
# rootimg.sh ROOT KDIR ABI: build (once) read-only ext4 images of the root
# and of one kernel's modules, for guests whose root must survive S4
# (run-in-guest.sh --block-root: virtio-blk has freeze/restore, 9p does
# not).  Prints the two image paths on one line.
set -eu
. "$(dirname "$0")/lib/common.sh"

root=$1 kdir=$2 abi=$3
rootimg=$TB_CACHE/rootimg/$(basename "$root").ext4
modimg=$kdir/modules-$(tb_hash "$0" -- "$(stat -c %Y "$kdir/lib/modules/$abi/modules.dep")").ext4

# mkimg DIR IMG LABEL: an ext4 image holding DIR, with room to spare.
mkimg() {
	local dir=$1 img=$2 label=$3 kib
	[ -f "$img" ] && return 0
	tb_host_need mkfs.ext4:e2fsprogs
	mkdir -p "$(dirname "$img")"
	kib=$(du -sk "$dir" | cut -f1)
	tb_log "image of $dir ($((kib / 1024)) MiB)"
	rm -f "$img.tmp"
	truncate -s $(((kib + kib / 5 + 65536) * 1024)) "$img.tmp"
	mkfs.ext4 -q -F -L "$label" -O ^has_journal -E root_owner=0:0 -d "$dir" "$img.tmp"
	mv "$img.tmp" "$img"
}

tb_locked "rootimg-$(basename "$root")" mkimg "$root" "$rootimg" tbroot
tb_locked "modimg-$abi" mkimg "$kdir/lib/modules/$abi" "$modimg" tbmods
echo "$rootimg $modimg"
