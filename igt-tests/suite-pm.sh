#!/bin/bash
# Suite: the metis IGT tests metis_pm under igt_runner in test-bed guests
# (see suite-igt.sh).
#
#   suite-pm.sh               make check: every metis_pm subtest on the
#                             kernel nearest the user's ($METIS_PM_FULL,
#                             default 7.2), a short list (model-s3,
#                             inflight-s3, runtime-suspend) on the other
#                             kernels of kernels.conf; s3-cycles with 3 cycles
#   TB_LONG=1 suite-pm.sh     make check-long: every subtest on every
#                             kernel, s3-cycles with 20 cycles (the model
#                             verified after each)
#   suite-pm.sh KERNEL...     every subtest on those kernels
# Then, on the card exactly as published (igt-tests/faces.sh: 7.2, every
# kernel with TB_LONG=1, the given kernels if any), every subtest that
# applies there: all but resume-fw-fail-s3 (firmware) and the S4 ones
# (suite-s4.sh).  That card is slowed to 8 MB/s (bandwidth-mbps): its jobs
# in flight at suspend are chains of DMA copies, which must still run when
# the system suspends.
# The backup-fail subtests (fault injection) run in the debug-kernel tier.
# The S4 subtests skip here (9p root); igt-tests/suite-s4.sh runs them on
# a real hibernation.  METIS_S3_CYCLES overrides the cycle count;
# METIS_FACES=full or published runs one face only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/testbed/lib/common.sh"
. "$here/../tools/testbed/lib/kernels.sh"
. "$here/faces.sh"
export METIS_IGT_NO_LIB=1 METIS_IGT_SWAP=1
# The backup-fail subtests need the driver's fault-injection point, which
# Debian's kernels do not build (CONFIG_FAULT_INJECTION): the debug-kernel
# tier runs them (tools/testbed/debug-kernel, igt:metis_pm).
export METIS_IGT_EXCLUDE=${METIS_IGT_EXCLUDE:-'metis_pm@backup-fail-'}
full='metis_pm'
short='metis_pm@(model-s3|inflight-s3|runtime-suspend)$'
PUB_FILTER='metis_pm@'
PUB_EXCLUDE='metis_pm@(resume-fw-fail-s3|model-s4-devices|inflight-s4-devices|model-inflight-s4|backup-fail-runtime|backup-fail-s3)$'
PUB_EXPECT=9
PUB_PROPS=extensions=off,bandwidth-mbps=8
if [ "${TB_LONG:-}" = 1 ]; then
	export METIS_S3_CYCLES=${METIS_S3_CYCLES:-20}
	# 20 cycles of about 6 s each: more than the default per-test limit.
	export METIS_IGT_TEST_TIMEOUT=${METIS_IGT_TEST_TIMEOUT:-900}
else
	export METIS_S3_CYCLES=${METIS_S3_CYCLES:-3}
fi
if [ $# -gt 0 ] || [ "${TB_LONG:-}" = 1 ] || [ -n "${METIS_DEVICE_PROPS:-}" ]; then
	METIS_IGT_SUITE=pm METIS_IGT_FILTER=$full igt_faces "$@"
	exit $?
fi

main_kernel=${METIS_PM_FULL:-7.2}
mapfile -t others < <(tb_kernel_names | grep -vxF "$main_kernel")
status=0
if [ "${METIS_FACES:-both}" != published ]; then
	METIS_IGT_SUITE=pm METIS_IGT_FILTER=$full METIS_FACES=full igt_faces "$main_kernel" || status=1
	if [ ${#others[@]} -gt 0 ]; then
		METIS_IGT_SUITE=pm-short METIS_IGT_FILTER=$short METIS_FACES=full \
			igt_faces "${others[@]}" || status=1
	fi
fi
if [ "${METIS_FACES:-both}" != full ]; then
	METIS_IGT_SUITE=pm METIS_FACES=published igt_faces || status=1
fi
exit $status
