#!/bin/bash
# Suite: our IGT API declarations against Debian's libigt.so.0 and
# igt_runner (no card needed).  Builds the ABI selftest in the trixie build
# root and runs igt-tests/tools/check-abi.sh there.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
echo "TB: igt-abi: fetching Debian IGT and building the selftest"
if ! igt-tests/tools/build-igt.sh selftest; then
	echo "FAIL igt-abi-build: could not build the IGT ABI selftest"
	exit 1
fi
tools/testbed/chroot.sh -- igt-tests/tools/check-abi.sh
