#!/bin/bash
# make check suite: build metis-bench and smoke-run it in one guest (tiny
# sizes and counts); checks that it runs and that its output is complete
# and internally consistent.  Never fails on performance.
exec "$(dirname "$0")/bench.sh" --smoke
