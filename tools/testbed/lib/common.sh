#!/bin/bash
# Shared helpers for the test-bed scripts.  Source this file.

: "${TB_CACHE:=/var/cache/metis-testbed}"
TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB_TOP=$(cd "$TB_DIR/../.." && pwd)

# Progress lines: tools/check.sh shows lines that start with "TB: ".
tb_log() { echo "TB: $*" >&2; }
tb_die() { echo "testbed: $*" >&2; exit 1; }

# Short content hash of files and strings: tb_hash FILE... [-- STRING...]
tb_hash() {
	{
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			printf '%s\n' "$(basename "$1")"; cat "$1"; shift
		done
		[ $# -gt 0 ] && shift
		printf '%s\n' "$@"
	} | sha256sum | cut -c1-16
}

# Install missing host tools with apt-get (fresh machines need no manual step).
# Arguments are command:package pairs.  Suites run side by side (check.sh),
# so installs take one lock and wait for dpkg's own lock instead of failing
# on it.
tb_host_need() {
	local pair missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	tb_log "installing host packages: ${missing[*]}"
	tb_locked host-apt _tb_host_install "${missing[@]}" ||
		{ echo "testbed: cannot install host packages: $*" >&2; return 1; }
}

_tb_host_install() {
	local apt=(apt-get -q -o DPkg::Lock::Timeout=900)
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "$@" >/dev/null 2>&1 && return 0
	"${apt[@]}" update >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "$@" >/dev/null
}

# The test-bed root (built once by rootfs.sh): its path, or a failure when
# it could not be built (never an empty path).
tb_root() {
	local out
	out=$("$TB_DIR/rootfs.sh") || return 1
	out=${out##*$'\n'}
	[ -d "$out" ] && [ -f "$out/.tb-complete" ] ||
		{ echo "testbed: rootfs.sh gave no root" >&2; return 1; }
	echo "$out"
}

# Run "$@" holding an exclusive lock named $1 under $TB_CACHE/locks.
tb_locked() {
	local name=$1; shift
	mkdir -p "$TB_CACHE/locks"
	(
		flock 9
		"$@"
	) 9>"$TB_CACHE/locks/$name"
}
