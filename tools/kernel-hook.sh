#!/bin/bash
# kernel-hook.sh KSRC: drop the metis driver into a kernel source tree for
# an in-tree build (Documentation/install.md, "In a kernel tree").
#
# Copies drivers/accel/metis/ (replacing what was there) and its UAPI
# header include/uapi/drm/metis_accel.h into KSRC, and adds the two hook
# lines when they are missing:
#   drivers/accel/Kconfig:   source "drivers/accel/metis/Kconfig"
#   drivers/accel/Makefile:  obj-$(CONFIG_DRM_ACCEL_METIS) += metis/
# Running it again only refreshes the copied sources.  Then configure
# CONFIG_DRM_ACCEL_METIS (=m or =y) and build as usual.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 KSRC" >&2; exit 2; }
ksrc=$1
kconfig=$ksrc/drivers/accel/Kconfig
kmake=$ksrc/drivers/accel/Makefile
[ -f "$kconfig" ] && [ -f "$kmake" ] ||
	{ echo "$0: $ksrc has no drivers/accel (a Linux 6.2 or newer source tree?)" >&2; exit 1; }

rm -rf "$ksrc/drivers/accel/metis"
mkdir -p "$ksrc/drivers/accel/metis" "$ksrc/include/uapi/drm"
cp "$top"/drivers/accel/metis/Kconfig "$top"/drivers/accel/metis/Makefile \
	"$top"/drivers/accel/metis/*.[ch] "$ksrc/drivers/accel/metis/"
cp "$top/include/uapi/drm/metis_accel.h" "$ksrc/include/uapi/drm/"

# Kconfig: the source line in alphabetical order among the other drivers'.
if ! grep -q '^source "drivers/accel/metis/Kconfig"' "$kconfig"; then
	awk '
		function emit() { print "source \"drivers/accel/metis/Kconfig\""; done = 1 }
		/^source "drivers\/accel\/[^"]*\/Kconfig"/ {
			seen = 1
			if (!done && $2 > "\"drivers/accel/metis/Kconfig\"") emit()
			print; next
		}
		{ if (seen && !done) emit(); print }
		END { if (!done) emit() }
	' "$kconfig" > "$kconfig.tmp"
	mv "$kconfig.tmp" "$kconfig"
fi

if ! grep -q '^obj-$(CONFIG_DRM_ACCEL_METIS)' "$kmake"; then
	[ -z "$(tail -c1 "$kmake")" ] || echo >> "$kmake"
	printf 'obj-$(CONFIG_DRM_ACCEL_METIS)\t+= metis/\n' >> "$kmake"
fi
