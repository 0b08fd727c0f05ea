# debsrc.sh — sourced by the scripts that fetch from Debian's archive
# (static-deps.sh: util-linux's source; bwrap-suite.sh: bubblewrap's;
# vm/fetch-kernel.sh: the cloud kernels).
#
# Nothing here writes to /etc/apt, nor reads a mirror's name from the
# repository: apt runs with sources, lists and cache of its own, under a
# directory the caller names, from the mirror the machine's own apt
# sources name.

# The machine's Debian archive: "URI SUITE..." of its first enabled "deb"
# entry that is not the security archive, from /etc/apt/sources.list and
# sources.list.d (one-line and deb822 formats). Nothing if none.
sw_mirror() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
	function flush() {
		if (types ~ /(^| )deb( |$)/ && uris != "" && uris !~ /security/ &&
		    enabled !~ /^[Nn]o/ && !done) { print uris " " suites; done = 1 }
		types = uris = suites = enabled = ""
	}
	/^[[:space:]]*#/ { next }
	/^[[:space:]]*$/ { flush(); next }
	/^deb[[:space:]]/ {
		sub(/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?/, "")
		if ($1 !~ /security/ && !done) { print $1 " " $2; done = 1 }
		next
	}
	/^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
	/^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); split($0, u, /[[:space:]]+/); uris = u[1] }
	/^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
	/^Enabled:/ { sub(/^Enabled:[[:space:]]*/, ""); enabled = $0 }
	END { flush() }'
}

# sw_apt DIR CMD ARG...: apt-get or apt-cache CMD with DIR's state only.
sw_apt() {
	sw_d=$1
	shift
	sw_c=$1
	shift
	"$sw_c" -q -o Dir::Etc::SourceList="$sw_d/etc/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$sw_d/lists" \
		-o Dir::Cache="$sw_d/cache" -o Dir::State::status=/dev/null \
		-o Acquire::Languages=none -o APT::Sandbox::User=root "$@"
}

# sw_apt_init WHO DIR TYPE [SUITE]: DIR's sources ("TYPE" is deb or
# deb-src, main only) on the machine's mirror, for SUITE (default: the
# suites the machine's own entry lists), and its package lists fetched.
# Exits with a message naming WHO when there is no mirror or no list.
sw_apt_init() {
	sw_who=$1 sw_dir=$2 sw_type=$3 sw_want=${4:-}
	sw_m=$(sw_mirror)
	[ -n "$sw_m" ] || { echo "$sw_who: no Debian archive in /etc/apt's sources" >&2; exit 1; }
	# shellcheck disable=SC2086
	set -- $sw_m
	sw_uri=$1
	shift
	[ -n "$sw_want" ] && set -- "$sw_want"
	mkdir -p "$sw_dir/lists/partial" "$sw_dir/cache/archives/partial" "$sw_dir/etc"
	: >"$sw_dir/etc/sources.list"
	for sw_s in "$@"; do
		echo "$sw_type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
			"$sw_uri $sw_s main" >>"$sw_dir/etc/sources.list"
	done
	if ! sw_apt "$sw_dir" apt-get update >"$sw_dir/update.log" 2>&1; then
		echo "$sw_who: apt-get update failed (sources: $sw_dir/etc/sources.list)" >&2
		tail -n 20 "$sw_dir/update.log" >&2
		exit 1
	fi
}
