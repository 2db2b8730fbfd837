#!/bin/bash
# Suite: libdrm_metis's tests that need no card, in the trixie build root:
# meson's tests (host: simulated driver nodes, CRC from racing threads;
# symbols-check; cli; install into a prefix and a DESTDIR).  Prints their
# PASS/FAIL lines prefixed lib-host-.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
echo "TB: lib-host: building libdrm_metis (meson) and running its host tests"
log=build/libdrm-metis/meson/meson-logs/testlog.txt
rm -f "$log"
tools/testbed/chroot.sh -- make -s -C libdrm-metis check > build/lib-host.log 2>&1
rc=$?
if [ ! -f "$log" ]; then
	tail -n 30 build/lib-host.log
	echo "FAIL lib-host-build: libdrm_metis did not build or meson test did not run"
	exit 1
fi
grep -E '^(PASS|FAIL|SKIP) ' "$log" | sed -E 's/^(PASS|FAIL|SKIP) /\1 lib-host-/'
if [ $rc -ne 0 ]; then
	grep -E '^(FAIL|ERROR)' "$log" > /dev/null || tail -n 30 build/lib-host.log
	echo "FAIL lib-host: meson test failed (log: $log)"
fi
exit $rc
