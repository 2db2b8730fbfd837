#!/bin/bash
# Suite: the metis IGT tests metis_pm under igt_runner in a guest of each
# test-bed kernel (see suite-igt.sh).
export METIS_IGT_SUITE=pm METIS_IGT_FILTER='metis_pm' METIS_IGT_NO_LIB=1 METIS_IGT_SWAP=1
exec "$(dirname "$0")/suite-igt.sh" "$@"
