#!/bin/bash
# Suite: the metis IGT tests metis_hotunplug under igt_runner in a guest of
# each test-bed kernel (see suite-igt.sh); then every case on the card
# exactly as published, on 7.2 (every kernel with TB_LONG=1), its load's
# jobs held by the card instead of firmware work (igt-tests/faces.sh).
#   make check:       every case 5 times in a row, module reload 10 times;
#                     on the card as published 2 times, reload 3 times (its
#                     11 minutes at 5 and 10 on a loaded host were too much
#                     for CI's budget)
#   TB_LONG=1         (make check-long) every case 50 times, reload 50 times,
#                     on both cards
# METIS_HOTUNPLUG_REPEAT and METIS_RELOAD_COUNT override the counts;
# METIS_FACES=full or published runs one face only.
set -u
. "$(dirname "$0")/faces.sh"
export METIS_IGT_SUITE=hotunplug METIS_IGT_FILTER='metis_hotunplug' METIS_IGT_NO_LIB=1
PUB_EXPECT=23
if [ "${TB_LONG:-}" = 1 ]; then
	export METIS_HOTUNPLUG_REPEAT=${METIS_HOTUNPLUG_REPEAT:-50}
	export METIS_RELOAD_COUNT=${METIS_RELOAD_COUNT:-50}
	# About 2-3 s a cycle: 50 of them need more than the default limits.
	export METIS_IGT_TEST_TIMEOUT=${METIS_IGT_TEST_TIMEOUT:-900}
	export METIS_IGT_TIMEOUT=${METIS_IGT_TIMEOUT:-14400}
else
	PUB_ENV="METIS_HOTUNPLUG_REPEAT=${METIS_HOTUNPLUG_REPEAT:-2} METIS_RELOAD_COUNT=${METIS_RELOAD_COUNT:-3}"
	export METIS_HOTUNPLUG_REPEAT=${METIS_HOTUNPLUG_REPEAT:-5}
	export METIS_RELOAD_COUNT=${METIS_RELOAD_COUNT:-10}
	# A guest takes about 4 minutes; a frozen one (2026-12-07, 7.3:
	# no console output, no test process scheduled) is cut off well
	# before the default 3000 s eats CI's budget.
	export METIS_IGT_TIMEOUT=${METIS_IGT_TIMEOUT:-900}
fi
igt_faces "$@"
