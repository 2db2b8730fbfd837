#!/bin/bash
# tb_chroot_run ROOT MODE DIR CMD...: run CMD chrooted into ROOT in a private
# mount namespace (nothing leaks to the host, several users can run at once).
# MODE ro binds ROOT read-only (the normal case), rw is for building it.
# DIR (a checkout) is bound read-write at its own path; /proc /sys /dev come
# from the host, /tmp is a private tmpfs.  TB_CHROOT_BINDS (optional):
# more host directories, space-separated absolute paths, bound read-write
# at their own paths (cached kernel trees).  Source after common.sh.

tb_chroot_run() {
	local root=$1 mode=$2 repo=$3; shift 3
	local cwd=$PWD
	case $cwd/ in "$repo"/*) ;; *) cwd=$repo ;; esac
	# The mount point of the checkout; an empty directory in the root.
	[ -d "$root$repo" ] || mkdir -p "$root$repo"
	local b
	for b in ${TB_CHROOT_BINDS:-}; do
		[ -d "$root$b" ] || mkdir -p "$root$b"
	done
	TB_CHROOT_BINDS=${TB_CHROOT_BINDS:-} unshare -m --propagation private -- /bin/bash -euc '
		root=$1 mode=$2 repo=$3 cwd=$4; shift 4
		mount --bind "$root" "$root"
		[ "$mode" = ro ] && mount -o remount,bind,ro "$root"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
		[ -f /etc/resolv.conf ] && [ -e "$root/etc/resolv.conf" ] &&
			mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
		# A checkout under /tmp needs its mount point in the new tmpfs.
		mkdir -p "$root$repo"
		mount --bind "$repo" "$root$repo"
		for b in ${TB_CHROOT_BINDS:-}; do
			mkdir -p "$root$b"
			mount --bind "$b" "$root$b"
		done
		exec chroot "$root" /usr/bin/env -i \
			HOME=/tmp TERM="${TERM:-dumb}" LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			${CI:+CI=$CI} ${MAKEFLAGS:+MAKEFLAGS=$MAKEFLAGS} \
			/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' tb_chroot "$root" "$mode" "$repo" "$cwd" "$@"
}
