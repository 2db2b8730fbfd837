#!/bin/bash
# chroot.sh [--] CMD...: run CMD inside the test-bed root (trixie: gcc-14,
# clang-19, kernel headers of every test-bed kernel, libdrm, IGT), with this
# checkout bound at its own path and the working directory kept when it is
# inside the checkout.  The root is read-only; /tmp is private.  Builds the
# root first when it is not cached yet.
#   tools/testbed/chroot.sh make -C /usr/src/linux-headers-$(tools/testbed/kernels.sh --abi 7.2) M=$PWD
set -eu
. "$(dirname "$0")/lib/common.sh"
. "$TB_DIR/lib/chroot.sh"
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || set -- /bin/bash
root=$(tb_root)
tb_chroot_run "$root" ro "$TB_TOP" "$@"
