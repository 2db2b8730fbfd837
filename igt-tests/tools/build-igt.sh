#!/bin/bash
# build-igt.sh [TARGET...]: provide Debian's IGT in build/igt
# (igt-prefix.sh) and build libdrm-metis and our IGT tests (the igt-tests
# Makefile's TARGETs, default all) in the build root.  Suites that run at
# the same time share one checkout: the lock makes the second wait for the
# first instead of building over it.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/testbed/lib/common.sh"

build() {
	"$top/igt-tests/tools/igt-prefix.sh" > /dev/null &&
		"$top/tools/testbed/chroot.sh" -- make -s -C "$top/libdrm-metis" &&
		"$top/tools/testbed/chroot.sh" -- make -s -C "$top/igt-tests" "$@"
}
tb_locked "igt-build-$(tb_hash -- "$top")" build "$@"
