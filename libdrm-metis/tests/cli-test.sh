#!/bin/bash
# cli-test.sh METIS: the tool's command line, without a card: --help
# (complete enough for help2man: usage, every command and option, exit
# status), --version, and usage errors exiting 2 before any card or sysfs
# node is touched (traced with strace when it is there: the test bed's root
# has it).  Prints PASS/FAIL lines; exit status 1 if any failed.
set -u
metis=$1
failed=0 tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS cli-$1"; }
fail() { echo "FAIL cli-$1: $2"; failed=1; }

"$metis" --help > "$tmp/help" 2> "$tmp/err"
rc=$?
missing=""
head -n1 "$tmp/help" | grep -q '^Usage: metis ' || missing="$missing Usage-line"
for w in list info copy fw bench upload download nop crc32 xor32 fill32 \
	-d, --device= -p, --pci= -h, --help -V, --version -s, --size= -c, --channel= \
	-n, --count= -P, --param= -D, --duration= -t, --time= -j, --json \
	-o, --output= --progress -q, --quiet 'Exit status:' 'Examples:'; do
	grep -qF -- "$w" "$tmp/help" || missing="$missing $w"
done
# help2man reads option lines as "  -x, --long=ARG   text".
[ "$(grep -cE '^  -[a-zA-Z], --[a-z]+' "$tmp/help")" -ge 13 ] || missing="$missing option-lines"
if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && [ -z "$missing" ]; then
	pass help
else
	fail help "rc $rc, missing:$missing"
fi
[ "$("$metis" -h)" = "$(cat "$tmp/help")" ] && pass help-short || fail help-short "-h differs from --help"

out=$("$metis" --version 2>&1)
rc=$?
if [ $rc -eq 0 ] && head -n1 <<<"$out" | grep -qE '^metis \(libdrm_metis\) [0-9]+\.[0-9]+\.[0-9]+$' &&
	grep -qE '^library [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"; then
	pass version
else
	fail version "rc $rc: $out"
fi

# Each of these is a usage error: exit 2, a message, no card opened.
usage_cases=(
	"bogus" "" "fw" "fw bogus" "copy -s 0" "copy -s 12Q" "copy -s -5"
	"copy -s 2T" "copy -s 99999999999999999999" "copy -s 1M5" "copy -s ''"
	"copy -n 0" "copy -n x" "fw crc32 -s 3" "info -s 4K" "list -s 4K" "upload"
	"download" "upload a b" "-d x info" "-d -1 info" "-d 0 -p 01:00.0 info"
	"bench -t 0" "bench -t nan" "bench -t 1e9" "copy -c 300" "copy -c x"
	"fw nop -D 20000000" "fw xor32 -P 0x100000000" "info --bogus" "--bogus"
	"copy extra"
)
strace=$(command -v strace || true)
for c in "${usage_cases[@]}"; do
	eval "set -- $c"
	name="usage[$c]"
	if [ -n "$strace" ]; then
		"$strace" -f -qq -e trace=open,openat,stat,newfstatat,statx,readlink,readlinkat \
			-o "$tmp/trace" "$metis" "$@" > "$tmp/out" 2> "$tmp/err"
	else
		"$metis" "$@" > "$tmp/out" 2> "$tmp/err"
	fi
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "$name" "exit $rc, want 2 ($(head -n1 "$tmp/err"))"
	elif [ ! -s "$tmp/err" ]; then
		fail "$name" "no message on standard error"
	elif [ -n "$strace" ] && grep -E '/dev/(accel|dri)|/sys/' "$tmp/trace" > "$tmp/touched"; then
		fail "$name" "touched $(head -n1 "$tmp/touched")"
	else
		pass "$name"
	fi
done
[ -n "$strace" ] || echo "cli-test: no strace: the usage errors were checked for their exit status only"

# Valid sizes are accepted (the command then fails or succeeds on the
# card, but not with a usage error).
for s in 1 4K 4k 1M 1MiB 0x1000 1G 1T; do
	"$metis" -d 4000 copy -s "$s" > /dev/null 2>&1
	rc=$?
	[ $rc -ne 2 ] && pass "size[$s]" || fail "size[$s]" "rejected"
done

# JSON of list: valid, a list (empty on a machine without cards).
if "$metis" list --json > "$tmp/list.json" 2> "$tmp/err" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list); assert all("index" in c for c in d)' "$tmp/list.json"; then
	pass list-json
else
	fail list-json "$(cat "$tmp/list.json" "$tmp/err")"
fi
exit $failed
