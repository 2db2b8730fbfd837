#!/bin/bash
# Private apt configurations for trixie and trixie-backports ($TB_CACHE/apt)
# and for unstable ($TB_CACHE/apt-sid), derived from the host's own
# configured Debian mirror (never hard-coded), without touching the host's
# apt state.  Source this file; it defines tb_apt_setup, tb_apt_get and
# tb_apt_cache, and tb_sid_setup, tb_sid_get and tb_sid_cache.
#
# Usage: . tools/testbed/lib/apt.sh; tb_apt_setup; tb_apt_get download pkg

: "${TB_CACHE:=/var/cache/metis-testbed}"
TB_APT="$TB_CACHE/apt"
TB_SID_APT="$TB_CACHE/apt-sid"

# Print the URI of the first host apt source whose suite matches $1
# (a regular expression), from deb822 .sources files or one-line lists.
tb_host_uri() {
	local want=$1 f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v want="$want" '
			/^[[:space:]]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
			/^URIs:/   { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i ~ want) ok = 1 }
			END { if (uri != "" && ok) print uri }
		' "$f" | head -n1
	done | head -n1 | grep . && return 0
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v want="$want" '$1 == "deb" && $3 ~ want { print $2; exit }' "$f"
	done | head -n1 | grep .
}

# The host's Debian main archive, which both configurations use.
tb_main_uri() {
	tb_host_uri '^(bookworm|trixie|stable)$' ||
		{ echo "apt.sh: no Debian main archive in the host's apt sources" >&2; return 1; }
}

tb_apt_setup() {
	local main sec keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	main=$(tb_main_uri) || return 1
	sec=$(tb_host_uri '-security$') || sec=""
	{
		echo "deb [signed-by=$keyring] $main trixie main"
		echo "deb [signed-by=$keyring] $main trixie-updates main"
		echo "deb [signed-by=$keyring] $main trixie-backports main"
		echo "deb-src [signed-by=$keyring] $main trixie main"
		if [ -n "$sec" ]; then echo "deb [signed-by=$keyring] $sec trixie-security main"; fi
	} | _tb_apt_init "$TB_APT" trixie
}

# The same for unstable (its sparse and igt-gpu-tools), in $TB_SID_APT.
tb_sid_setup() {
	local main keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	main=$(tb_main_uri) || return 1
	echo "deb [signed-by=$keyring] $main sid main" | _tb_apt_init "$TB_SID_APT" unstable
}

# _tb_apt_init DIR NAME: DIR's sources.list from stdin, and its indexes
# refreshed at most once every 12 hours.  Several callers may be here at
# once (check.sh's two lanes on a new machine): each writes a file of its
# own, and one at a time updates (apt locks its lists; the others fail).
_tb_apt_init() {
	local d=$1 name=$2 new
	mkdir -p "$d"/{etc/apt.conf.d,etc/preferences.d,etc/trusted.gpg.d,state/lists/partial,cache/archives/partial}
	new=$(mktemp "$d/etc/sources.list.XXXXXX") || return 1
	cat > "$new"
	chmod 644 "$new"
	cmp -s "$new" "$d/etc/sources.list" || mv "$new" "$d/etc/sources.list"
	rm -f "$new"
	touch "$d/state/status"
	_tb_apt_fresh "$d" && return 0
	(
		flock 8
		_tb_apt_fresh "$d" && exit 0
		echo "TB: apt: updating the $name indexes" >&2
		if ! _tb_apt "$d" apt-get update -q > "$d/update.log" 2>&1; then
			tail -n 20 "$d/update.log" >&2
			# Offline with old indexes: carry on with them (the
			# caches are keyed by what they resolve to, so nothing
			# is rebuilt wrongly).
			ls "$d"/state/lists/*Packages* >/dev/null 2>&1 || exit 1
			echo "TB: apt: update failed; using the old indexes" >&2
		fi
		touch "$d/updated"
	) 8>"$d/update.lock"
}

# The stamp is written once an update has ended: the lists' own times
# change while one runs (a caller reading them then would see a half-done
# update) and not at all when the archive has not changed.
_tb_apt_fresh() {
	[ -n "$(find "$1/updated" -mmin -720 2>/dev/null)" ]
}

# _tb_apt DIR TOOL ARGS...: apt-get or apt-cache on DIR's configuration.
_tb_apt() {
	local d=$1 tool=$2
	shift 2
	"$tool" -o "Dir::Etc=$d/etc" \
		-o "Dir::Etc::SourceList=$d/etc/sources.list" \
		-o "Dir::Etc::SourceParts=-" \
		-o "Dir::Etc::Preferences=$d/etc/preferences" \
		-o "Dir::Etc::PreferencesParts=$d/etc/preferences.d" \
		-o "Dir::State=$d/state" \
		-o "Dir::State::status=$d/state/status" \
		-o "Dir::Cache=$d/cache" \
		-o "APT::Architecture=amd64" \
		-o "Acquire::Languages=none" \
		-o "APT::Sandbox::User=root" "$@"
}

tb_apt_get() { _tb_apt "$TB_APT" apt-get "$@"; }
tb_apt_cache() { _tb_apt "$TB_APT" apt-cache "$@"; }
tb_sid_get() { _tb_apt "$TB_SID_APT" apt-get "$@"; }
tb_sid_cache() { _tb_apt "$TB_SID_APT" apt-cache "$@"; }
