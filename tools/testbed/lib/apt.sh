#!/bin/bash
# Private apt configuration for trixie and trixie-backports, derived from the
# host's own configured Debian mirror (never hard-coded).  Source this file;
# it defines tb_apt, tb_apt_get and tb_apt_cache, which run apt against
# $TB_CACHE/apt without touching the host's apt state.
#
# Usage: . tools/testbed/lib/apt.sh; tb_apt_setup; tb_apt_get download pkg

: "${TB_CACHE:=/var/cache/metis-testbed}"
TB_APT="$TB_CACHE/apt"

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

tb_apt_setup() {
	local main sec keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	main=$(tb_host_uri '^(bookworm|trixie|stable)$') ||
		{ echo "apt.sh: no Debian main archive in the host's apt sources" >&2; return 1; }
	sec=$(tb_host_uri '-security$') || sec=""
	mkdir -p "$TB_APT"/{etc/apt.conf.d,etc/preferences.d,etc/trusted.gpg.d,state/lists/partial,cache/archives/partial}
	{
		echo "deb [signed-by=$keyring] $main trixie main"
		echo "deb [signed-by=$keyring] $main trixie-updates main"
		echo "deb [signed-by=$keyring] $main trixie-backports main"
		echo "deb-src [signed-by=$keyring] $main trixie main"
		[ -n "$sec" ] && echo "deb [signed-by=$keyring] $sec trixie-security main"
	} > "$TB_APT/etc/sources.list.new"
	cmp -s "$TB_APT/etc/sources.list.new" "$TB_APT/etc/sources.list" ||
		mv "$TB_APT/etc/sources.list.new" "$TB_APT/etc/sources.list"
	rm -f "$TB_APT/etc/sources.list.new"
	touch "$TB_APT/state/status"
	# Refresh the indexes at most once every 12 hours; one caller at a
	# time (apt locks its lists; concurrent callers would fail).
	tb_apt_fresh && return 0
	(
		flock 8
		tb_apt_fresh && exit 0
		echo "TB: apt: updating the trixie indexes" >&2
		if ! tb_apt_get update -q > "$TB_APT/update.log" 2>&1; then
			tail -n 20 "$TB_APT/update.log" >&2
			# Offline with old indexes: carry on with them (the
			# caches are keyed by what they resolve to, so nothing
			# is rebuilt wrongly).
			ls "$TB_APT"/state/lists/*Packages* >/dev/null 2>&1 || exit 1
			echo "TB: apt: update failed; using the old indexes" >&2
		fi
		touch "$TB_APT/updated"
	) 8>"$TB_APT/update.lock"
}

# The stamp is written once an update has ended: the lists' own times
# change while one runs (a caller reading them then would see a half-done
# update) and not at all when the archive has not changed.
tb_apt_fresh() {
	[ -n "$(find "$TB_APT/updated" -mmin -720 2>/dev/null)" ]
}

tb_apt_opts() {
	printf '%s\n' \
		-o "Dir::Etc=$TB_APT/etc" \
		-o "Dir::Etc::SourceList=$TB_APT/etc/sources.list" \
		-o "Dir::Etc::SourceParts=-" \
		-o "Dir::Etc::Preferences=$TB_APT/etc/preferences" \
		-o "Dir::Etc::PreferencesParts=$TB_APT/etc/preferences.d" \
		-o "Dir::State=$TB_APT/state" \
		-o "Dir::State::status=$TB_APT/state/status" \
		-o "Dir::Cache=$TB_APT/cache" \
		-o "APT::Architecture=amd64" \
		-o "Acquire::Languages=none" \
		-o "APT::Sandbox::User=root"
}

tb_apt_get() {
	local opts
	mapfile -t opts < <(tb_apt_opts)
	apt-get "${opts[@]}" "$@"
}

tb_apt_cache() {
	local opts
	mapfile -t opts < <(tb_apt_opts)
	apt-cache "${opts[@]}" "$@"
}
