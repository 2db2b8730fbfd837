#!/bin/bash
# rootfs.sh: build (once) and print the path of the test-bed root, a Debian
# trixie tree that is both the build chroot (chroot.sh) and the guest root
# (shared read-only over 9p).  Cached as $TB_CACHE/rootfs-<key>, key = hash
# of rootfs.packages, this script and the resolved kernel versions (their
# headers are installed in it).  The last line of stdout is the path.
set -eu
. "$(dirname "$0")/lib/common.sh"
. "$TB_DIR/lib/apt.sh"
. "$TB_DIR/lib/kernels.sh"
. "$TB_DIR/lib/chroot.sh"

tb_apt_setup
kernels=$(tb_kernel_resolve)
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TB_DIR/rootfs.packages" | xargs)
hdrs=$(while read -r _ abi _; do echo "linux-headers-$abi"; done <<<"$kernels" | xargs)
key=$(tb_hash "$TB_DIR/rootfs.packages" "$0" -- $hdrs)
root=$TB_CACHE/rootfs-$key

build() {
	[ -f "$root/.tb-complete" ] && return 0
	local tmp=$root.tmp main start=$SECONDS
	tb_host_need debootstrap:debootstrap
	main=$(tb_main_uri) || tb_die "no Debian main archive"
	rm -rf "$tmp"
	tb_log "rootfs: debootstrap trixie into $tmp (several minutes)"
	debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		trixie "$tmp" "$main" > "$TB_CACHE/rootfs-debootstrap.log" 2>&1 ||
		{ tail -n 20 "$TB_CACHE/rootfs-debootstrap.log" >&2; return 1; }
	tb_log "rootfs: debootstrap done in $((SECONDS - start)) s"
	# The same sources as the host-side apt (mirror derived from the host).
	grep '^deb ' "$TB_APT/etc/sources.list" > "$tmp/etc/apt/sources.list"
	printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d"
	chmod +x "$tmp/usr/sbin/policy-rc.d"
	cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
	tb_log "rootfs: installing $(wc -w <<<"$pkgs $hdrs") packages"
	# INITRD=No: the 6.12 headers pull in its image; skip its initramfs.
	tb_chroot_run "$tmp" rw "$TB_TOP" /bin/sh -ec '
		export DEBIAN_FRONTEND=noninteractive INITRD=No
		apt-get update -q
		apt-get install -y -q --no-install-recommends "$@"
		apt-get clean
		rm -rf /var/lib/apt/lists/*
	' sh $pkgs $hdrs > "$TB_CACHE/rootfs-install.log" 2>&1 ||
		{ tail -n 30 "$TB_CACHE/rootfs-install.log" >&2; return 1; }
	# Leave no mirror name in the tree; the root is never updated in place.
	: > "$tmp/etc/apt/sources.list"
	rm -f "$tmp/etc/resolv.conf" "$tmp/usr/sbin/policy-rc.d"
	echo metis-guest > "$tmp/etc/hostname"
	printf '%s\n' $hdrs > "$tmp/.tb-kernels"
	touch "$tmp/.tb-complete"
	mv "$tmp" "$root"
	tb_log "rootfs: ready in $((SECONDS - start)) s: $root"
}

tb_locked rootfs build
echo "$root"
