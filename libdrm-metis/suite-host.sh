#!/bin/bash
# Suite: libdrm_metis's tests that need no card, in the trixie build root:
# meson's tests (host: simulated driver nodes, the card enumeration on a
# sysfs of its own, CRC from racing threads; abi-1.0; symbols-check; cli;
# install into a prefix and a DESTDIR).  Prints their PASS/FAIL lines
# prefixed lib-host-.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/testbed/lib/common.sh
echo "TB: lib-host: building libdrm_metis (meson) and running its host tests"
log=build/libdrm-metis/meson/meson-logs/testlog.txt
rm -f "$log"
# The build directory is shared with the IGT suites' build
# (igt-tests/tools/build-igt.sh): the same lock.
if ! tb_locked "igt-build-$(tb_hash -- "$top")" \
	tools/testbed/chroot.sh -- make -s -C libdrm-metis > build/lib-host.log 2>&1; then
	tail -n 30 build/lib-host.log
	echo "FAIL lib-host-build: libdrm_metis did not build"
	exit 1
fi
tools/testbed/chroot.sh -- meson test -C build/libdrm-metis/meson --no-rebuild \
	--print-errorlogs >> build/lib-host.log 2>&1
rc=$?
if [ ! -f "$log" ]; then
	tail -n 30 build/lib-host.log
	echo "FAIL lib-host: meson test did not run"
	exit 1
fi
grep -E '^(PASS|FAIL|SKIP) ' "$log" | sed -E 's/^(PASS|FAIL|SKIP) /\1 lib-host-/'
if [ $rc -ne 0 ]; then
	grep -E '^FAIL' "$log" > /dev/null || tail -n 30 build/lib-host.log
	echo "FAIL lib-host: meson test failed (log: $log)"
fi
exit $rc
