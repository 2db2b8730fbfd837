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
# Arguments are command:package pairs.
tb_host_need() {
	local pair missing=()
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	tb_log "installing host packages: ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1
	fi
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
