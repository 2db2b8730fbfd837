# Sourced by the IGT suites: each runs on the card's two faces
# (Documentation/hw-interface.md), the full card (our extensions and
# firmware) and the card exactly as published (-device
# metis,extensions=off: no firmware of ours, firmware jobs refused).
#
# igt_faces [KERNEL...]: suite-igt.sh on the full card with the caller's
# METIS_IGT_* settings, on the given kernels (default: every kernel); then
# on the card as published with PUB_FILTER, PUB_EXCLUDE (what applies
# there), PUB_EXPECT (how many subtests that is), the card properties
# PUB_PROPS (default extensions=off) and the environment PUB_ENV (VAR=VALUE
# words, e.g. lighter repeat counts), on the given kernels, else
# $METIS_PUBLISHED_KERNELS (default 7.2; with TB_LONG=1, make check-long,
# every kernel).
#   METIS_FACES=full|published|both   which faces (default both)
#   METIS_DEVICE_PROPS=P              one run on the card with these
#                                     properties, on the given kernels
#                                     (default every kernel); the published
#                                     face's lists when P has extensions=off
igt_faces() {
	local here status=0 pub=()
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	case ,${METIS_DEVICE_PROPS:-}, in
	,,) ;;
	*,extensions=off,*)
		METIS_IGT_FILTER=${PUB_FILTER:-${METIS_IGT_FILTER:-}} \
			METIS_IGT_EXCLUDE=${PUB_EXCLUDE:-} METIS_IGT_EXPECT=${PUB_EXPECT:-} \
			"$here/suite-igt.sh" "$@"
		return ;;
	*)
		"$here/suite-igt.sh" "$@"
		return ;;
	esac
	case ${METIS_FACES:-both} in
	full|both)
		"$here/suite-igt.sh" "$@" || status=1 ;;
	esac
	case ${METIS_FACES:-both} in
	published|both) ;;
	*) return $status ;;
	esac
	if [ $# -gt 0 ]; then
		pub=("$@")
	elif [ "${TB_LONG:-}" = 1 ] && [ -z "${METIS_PUBLISHED_KERNELS:-}" ]; then
		. "$here/../tools/testbed/lib/common.sh"
		. "$here/../tools/testbed/lib/kernels.sh"
		mapfile -t pub < <(tb_kernel_names)
	else
		read -r -a pub <<< "${METIS_PUBLISHED_KERNELS:-7.2}"
	fi
	# shellcheck disable=SC2086 # PUB_ENV: words
	env ${PUB_ENV:-} METIS_DEVICE_PROPS="${PUB_PROPS:-extensions=off}" \
		METIS_IGT_SUITE="${METIS_IGT_SUITE:-all}" \
		METIS_IGT_FILTER="${PUB_FILTER:-${METIS_IGT_FILTER:-}}" \
		METIS_IGT_EXCLUDE="${PUB_EXCLUDE:-}" METIS_IGT_EXPECT="${PUB_EXPECT:-}" \
		"$here/suite-igt.sh" "${pub[@]}" || status=1
	return $status
}
