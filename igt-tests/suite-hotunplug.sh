#!/bin/bash
# Suite: the metis IGT tests metis_hotunplug under igt_runner in a guest of
# each test-bed kernel (see suite-igt.sh).
#   make check:       every case 5 times in a row, module reload 10 times
#   TB_LONG=1         (make check-long) every case 50 times, reload 50 times
# METIS_HOTUNPLUG_REPEAT and METIS_RELOAD_COUNT override the counts.
export METIS_IGT_SUITE=hotunplug METIS_IGT_FILTER='metis_hotunplug' METIS_IGT_NO_LIB=1
if [ "${TB_LONG:-}" = 1 ]; then
	export METIS_HOTUNPLUG_REPEAT=${METIS_HOTUNPLUG_REPEAT:-50}
	export METIS_RELOAD_COUNT=${METIS_RELOAD_COUNT:-50}
	# About 2-3 s a cycle: 50 of them need more than the default limits.
	export METIS_IGT_TEST_TIMEOUT=${METIS_IGT_TEST_TIMEOUT:-900}
	export METIS_IGT_TIMEOUT=${METIS_IGT_TIMEOUT:-14400}
else
	export METIS_HOTUNPLUG_REPEAT=${METIS_HOTUNPLUG_REPEAT:-5}
	export METIS_RELOAD_COUNT=${METIS_RELOAD_COUNT:-10}
fi
exec "$(dirname "$0")/suite-igt.sh" "$@"
