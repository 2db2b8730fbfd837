#!/bin/bash
# In a --block-root test-bed guest with a swap disk ($TB_DISK): load the
# driver, then run metis_pm's S4 subtests from tmpfs, one process each:
# the devices test points (freeze and thaw in this boot), then the full
# hibernation, model-inflight-s4.  That one powers QEMU off; the host boots
# a second QEMU that restores the image, and the same test process goes on
# there (igt-tests/suite-s4.sh).  Prints PASS/FAIL/SKIP lines named
# igt-blk-<kernel>-metis_pm-<subtest> (igt-blk-<kernel>-published-... on
# the card as published) and "TB-S4I:" progress markers, on stdout (ttyS1),
# because the 9p shares (/metis, /results) are dead after the first freeze.
#   METIS_S4_TESTS   subtests to run (default: all three)
#   METIS_FACE       full (default) or published: the card the suite asked
#                    for (published: no firmware contexts)
set -u
if [ "$0" != /tmp/s4-igt.sh ]; then
	# Everything needed after the first freeze goes to tmpfs now.
	here=$(cd "$(dirname "$0")" && pwd)
	igt=$here/../../build/igt
	k=${TB_KERNEL:-}${METIS_FACE:+-$METIS_FACE}
	k=${k%-full}
	if ! "$here/load-metis.sh" > /tmp/load.log 2>&1; then
		cat /tmp/load.log
		echo "FAIL igt-blk-$k-load: the driver did not load or the card is not ready"
		exit 1
	fi
	contexts=$(sed -n 's/^contexts: *//p' /tmp/load.log)
	if [ "${METIS_FACE:-full}" = published ] && [ "$contexts" != 0 ] ||
		{ [ "${METIS_FACE:-full}" = full ] && { [ -z "$contexts" ] || [ "$contexts" = 0 ]; }; }; then
		cat /tmp/load.log
		echo "FAIL igt-blk-$k-face: the suite asked for the ${METIS_FACE:-full} card, the driver reports ${contexts:-no} contexts"
		exit 1
	fi
	mkdir -p /tmp/igt
	cp -a "$igt/lib" /tmp/igt/ && cp "$igt/tests/metis_pm" /tmp/igt/ &&
		cp "$0" /tmp/s4-igt.sh || { echo "FAIL igt-blk-$k-copy: copy to tmpfs"; exit 1; }
	cd /tmp
	exec bash /tmp/s4-igt.sh "$@"
fi
k=${TB_KERNEL:-unknown}${METIS_FACE:+-$METIS_FACE}
k=${k%-full}
# No command lookup may reach a dead share: /metis/tools/testbed/guest
# (tb-qmp) leaves PATH, so the tests see no QMP channel (their exit
# handler would otherwise look for tb-qmp there and hang).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
[ -b "${TB_DISK:-}" ] && mkswap "$TB_DISK" > /dev/null && swapon "$TB_DISK" ||
	{ echo "FAIL igt-blk-$k-swap: no swap disk"; exit 1; }
# The driver's PM messages (drm_dbg_driver: "suspended in", "resumed in").
echo 0x2 > /sys/module/drm/parameters/debug
dbg=$(echo /sys/kernel/debug/accel/0000:*)
export LD_LIBRARY_PATH=/tmp/igt/lib METIS_IGT_S4_SAFE=1
status=0
for t in ${METIS_S4_TESTS:-model-s4-devices inflight-s4-devices model-inflight-s4}; do
	echo "TB-S4I: subtest $t (uptime $(cut -d' ' -f1 /proc/uptime) s)"
	start=$(date +%s)
	/tmp/igt/metis_pm --run-subtest "$t" > "/tmp/$t.log" 2>&1
	rc=$?
	took=$(grep -o "Subtest $t: [A-Z]* ([0-9.]*s)" "/tmp/$t.log" | tail -n1)
	case $rc in
	0) echo "PASS igt-blk-$k-metis_pm-$t (${took:-?}; wall $(($(date +%s) - start)) s)" ;;
	77) echo "SKIP igt-blk-$k-metis_pm-$t: $(grep -m1 -A1 'Test requirement not met' "/tmp/$t.log" | tail -n1)" ;;
	*)
		status=1
		cat "/tmp/$t.log"
		echo "FAIL igt-blk-$k-metis_pm-$t: exit $rc (log above)"
		;;
	esac
	grep -E 'cycle|chains|intact|hung job' "/tmp/$t.log"
done
echo "TB-S4I: debugfs"
cat "$dbg/state" "$dbg/resets" "$dbg/firmware" 2>&1
echo "TB-S4I: dmesg (PM)"
dmesg | grep -E 'PM: |metis|accel' | grep -v -E 'audit|\[drm:drm_' | tail -n 60
if dmesg | grep -E -A20 'WARNING:|BUG:|Oops|Call Trace|general protection|refcount_t:|list_(add|del) corruption|UBSAN|KASAN'; then
	echo "FAIL igt-blk-$k-dmesg: kernel warnings in dmesg"
	status=1
else
	echo "PASS igt-blk-$k-dmesg"
fi
echo "TB-S4I: done status=$status"
exit $status
