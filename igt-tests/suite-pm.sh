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
# The S4 subtests skip here (9p root); igt-tests/suite-s4.sh runs them on
# a real hibernation.  METIS_S3_CYCLES overrides the cycle count.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/testbed/lib/common.sh"
. "$here/../tools/testbed/lib/kernels.sh"
export METIS_IGT_NO_LIB=1 METIS_IGT_SWAP=1
full='metis_pm'
short='metis_pm@(model-s3|inflight-s3|runtime-suspend)$'
if [ "${TB_LONG:-}" = 1 ]; then
	export METIS_S3_CYCLES=${METIS_S3_CYCLES:-20}
	# 20 cycles of about 6 s each: more than the default per-test limit.
	export METIS_IGT_TEST_TIMEOUT=${METIS_IGT_TEST_TIMEOUT:-900}
else
	export METIS_S3_CYCLES=${METIS_S3_CYCLES:-3}
fi
if [ $# -gt 0 ] || [ "${TB_LONG:-}" = 1 ]; then
	METIS_IGT_SUITE=pm METIS_IGT_FILTER=$full exec "$here/suite-igt.sh" "$@"
fi

main_kernel=${METIS_PM_FULL:-7.2}
mapfile -t others < <(tb_kernel_names | grep -vxF "$main_kernel")
status=0
METIS_IGT_SUITE=pm METIS_IGT_FILTER=$full "$here/suite-igt.sh" "$main_kernel" || status=1
if [ ${#others[@]} -gt 0 ]; then
	METIS_IGT_SUITE=pm-short METIS_IGT_FILTER=$short "$here/suite-igt.sh" "${others[@]}" || status=1
fi
exit $status
