#!/bin/bash
# Suite: the metis IGT tests metis_hotunplug under igt_runner in a guest of each
# test-bed kernel (see suite-igt.sh).
export METIS_IGT_SUITE=hotunplug METIS_IGT_FILTER='metis_hotunplug' METIS_IGT_NO_LIB=1
exec "$(dirname "$0")/suite-igt.sh" "$@"
