#!/bin/bash
# Suite: the metis IGT tests metis_(basic|submit|dmabuf|reset) under
# igt_runner in a guest of each test-bed kernel, with the libdrm-metis tests
# and CLI checks (see suite-igt.sh); then the DMA and dma-buf part of them
# on the card exactly as published, on 7.2 (every kernel with TB_LONG=1):
# metis_basic, metis_submit without its firmware subtests, metis_dmabuf and
# metis_reset's DMA hang and debugfs reset (igt-tests/faces.sh).
set -u
. "$(dirname "$0")/faces.sh"
export METIS_IGT_SUITE=core METIS_IGT_FILTER='metis_(basic|submit|dmabuf|reset)'
# fw-refused is the published card's subtest (it skips on the full one).
export METIS_IGT_EXCLUDE='metis_submit@fw-refused$'
PUB_FILTER='metis_(basic|submit|dmabuf)@|metis_reset@(hang-copy|debugfs-reset)$'
PUB_EXCLUDE='metis_submit@fw-(commands|sizes|contexts-parallel)$'
PUB_EXPECT=42
igt_faces "$@"
