#!/bin/bash
# Suite: the metis IGT tests metis_(basic|submit|dmabuf|reset) under igt_runner in a guest of each
# test-bed kernel, with the libdrm-metis tests and CLI checks (see suite-igt.sh).
export METIS_IGT_SUITE=core METIS_IGT_FILTER='metis_(basic|submit|dmabuf|reset)'
exec "$(dirname "$0")/suite-igt.sh" "$@"
