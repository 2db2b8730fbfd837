#!/bin/sh
# symbols-check.sh LIBRARY SYMBOLS-FILE: the library exports exactly the
# versioned symbols the file lists (name@@NODE for the default version,
# name@NODE for an old one kept for programs linked against that release),
# as libdrm's *-symbols.txt checks do.  A new symbol, a lost one or one in
# the wrong node fails: the file changes only together with the ABI.
set -eu
lib=$1 want=$2
got=$(mktemp) listed=$(mktemp)
trap 'rm -f "$got" "$listed"' EXIT
grep -v '^#' "$want" | sort > "$listed"
# readelf's dynamic symbols: the defined functions and objects.
readelf --wide --dyn-syms "$lib" |
	awk '$7 != "UND" && ($4 == "FUNC" || $4 == "OBJECT") && $5 == "GLOBAL" { print $8 }' |
	sort > "$got"
if ! diff -u "$listed" "$got"; then
	echo "FAIL symbols-check: $lib does not export what $want lists (diff above: - listed, + exported)"
	exit 1
fi
echo "PASS symbols-check: $(wc -l < "$got") symbols"
