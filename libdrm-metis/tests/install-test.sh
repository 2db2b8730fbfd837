#!/bin/bash
# install-test.sh SRC UAPI-DIR: build libdrm_metis from SRC with meson as a
# distribution would and install it, then use what was installed:
#  1. a private prefix, with CFLAGS, CPPFLAGS and LDFLAGS set: every
#     compile has them, every link has the LDFLAGS; the .pc file names the
#     prefix; the installed `metis` runs as it is (RUNPATH to the prefix's
#     library directory); a client builds with pkg-config and runs;
#  2. prefix /usr into a DESTDIR: files under DESTDIR/usr only, no RUNPATH
#     (the system's directories), the .pc says /usr, the tool runs with
#     the staged library;
#  3. the Makefile's install (the test bed's shortcut) with PREFIX and a
#     command-line CFLAGS.
# Prints PASS/FAIL lines; exit status 1 if any failed.
set -u
src=$(cd "$1" && pwd) uapi=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS install-$1"; }
fail() { echo "FAIL install-$1: $2"; failed=1; }
multiarch=$(gcc -print-multiarch 2>/dev/null || true)

# 1. Private prefix with the flags of a distribution build.
p=$tmp/prefix
if ! CFLAGS="-O1 -DMETIS_MARK_CFLAGS" CPPFLAGS="-DMETIS_MARK_CPPFLAGS" \
	LDFLAGS="-Wl,--hash-style=sysv" meson setup --prefix="$p" -Duapi_dir="$uapi" \
	"$tmp/b1" "$src" > "$tmp/setup1.log" 2>&1 ||
	! meson compile -C "$tmp/b1" > "$tmp/compile1.log" 2>&1 ||
	! meson install -C "$tmp/b1" > "$tmp/install1.log" 2>&1; then
	cat "$tmp"/*1.log
	fail prefix-build "meson setup, compile or install failed"
	exit 1
fi
total=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/b1/compile_commands.json")
marked=$(python3 -c 'import json,sys; print(sum("METIS_MARK_CFLAGS" in c["command"] and "METIS_MARK_CPPFLAGS" in c["command"] for c in json.load(open(sys.argv[1]))))' "$tmp/b1/compile_commands.json")
[ "$total" -gt 0 ] && [ "$marked" = "$total" ] && pass cflags-cppflags ||
	fail cflags-cppflags "$marked of $total compiles have CFLAGS and CPPFLAGS"
lib=$(find "$p" -name 'libdrm_metis.so.1.*' -type f)
libdir=$(dirname "$lib")
ok=1
for f in "$lib" "$p/bin/metis"; do
	# --hash-style=sysv: a .hash section and no .gnu.hash (the default).
	readelf -S -W "$f" | grep -q ' \.hash ' || ok=0
	readelf -S -W "$f" | grep -q ' \.gnu\.hash ' && ok=0
done
[ $ok = 1 ] && pass ldflags || fail ldflags "LDFLAGS (--hash-style=sysv) not on every link"
[ -f "$p/include/libdrm_metis/libdrm_metis.h" ] && [ -f "$p/include/libdrm_metis/metis_accel.h" ] &&
	pass headers || fail headers "headers not under $p/include/libdrm_metis"
pc=$libdir/pkgconfig/libdrm_metis.pc
if [ -f "$pc" ] && grep -qx "prefix=$p" "$pc"; then pass pc-prefix; else fail pc-prefix "$(head -n3 "$pc" 2>&1)"; fi
runpath=$(readelf -d "$p/bin/metis" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
[ "$runpath" = "$libdir" ] && pass prefix-runpath || fail prefix-runpath "RUNPATH '$runpath', library in $libdir"
out=$(env -u LD_LIBRARY_PATH "$p/bin/metis" --version 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^library 1\.' <<<"$out" &&
	ldd "$p/bin/metis" | grep -q "libdrm_metis.so.1 => $libdir/"; then
	pass prefix-tool-runs
else
	fail prefix-tool-runs "rc $rc: $out"
fi
cat > "$tmp/client.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <libdrm_metis.h>

int main(void)
{
	struct metis_info info = METIS_INFO_INIT;

	printf("%s %08x %u\n", metis_version(), metis_crc32(0, "123456789", 9),
	       info.size);
	return strcmp(metis_version(), "") == 0;
}
C
if PKG_CONFIG_PATH=$libdir/pkgconfig cc -Wall -Werror -o "$tmp/client" "$tmp/client.c" \
	$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs libdrm_metis) 2> "$tmp/client.log" &&
	out=$(LD_LIBRARY_PATH=$libdir "$tmp/client") && [ "$out" = "1.1.0 cbf43926 64" ]; then
	pass pkg-config-client
else
	fail pkg-config-client "$(cat "$tmp/client.log") output '${out:-}'"
fi

# 2. Prefix /usr, staged in DESTDIR.
d=$tmp/dest
if ! meson setup --prefix=/usr -Duapi_dir="$uapi" "$tmp/b2" "$src" > "$tmp/setup2.log" 2>&1 ||
	! meson compile -C "$tmp/b2" > "$tmp/compile2.log" 2>&1 ||
	! DESTDIR=$d meson install -C "$tmp/b2" > "$tmp/install2.log" 2>&1; then
	cat "$tmp"/*2.log
	fail destdir-build "meson setup, compile or install failed"
	exit 1
fi
stray=$(cd "$d" && find . -type f ! -path './usr/*')
[ -z "$stray" ] && [ -x "$d/usr/bin/metis" ] && pass destdir-layout || fail destdir-layout "files outside usr: $stray"
readelf -d "$d/usr/bin/metis" | grep -qE 'RPATH|RUNPATH' &&
	fail destdir-no-runpath "$(readelf -d "$d/usr/bin/metis" | grep PATH)" || pass destdir-no-runpath
dlib=$(dirname "$(find "$d/usr" -name 'libdrm_metis.so.1.*' -type f)")
case $dlib in "$d/usr/lib"|"$d/usr/lib/$multiarch") pass destdir-libdir ;; *) fail destdir-libdir "$dlib" ;; esac
grep -qx 'prefix=/usr' "$dlib/pkgconfig/libdrm_metis.pc" && pass destdir-pc || fail destdir-pc "$(head -n2 "$dlib/pkgconfig/libdrm_metis.pc")"
LD_LIBRARY_PATH=$dlib "$d/usr/bin/metis" --version > /dev/null 2>&1 && pass destdir-tool-runs || fail destdir-tool-runs "rc $?"

# 3. The Makefile: PREFIX reaches the .pc, a command-line CFLAGS keeps the build working.
if command -v make > /dev/null; then
	if make -s -C "$src" OUT="$tmp/mk" PREFIX="$tmp/mkprefix" CFLAGS=-O1 install > "$tmp/make.log" 2>&1 &&
		grep -qx "prefix=$tmp/mkprefix" "$(find "$tmp/mkprefix" -name libdrm_metis.pc)" &&
		"$tmp/mkprefix/bin/metis" --version > /dev/null 2>&1; then
		pass make-install
	else
		tail -n 20 "$tmp/make.log"
		fail make-install "make install PREFIX=... did not give a working tool and .pc"
	fi
fi
exit $failed
