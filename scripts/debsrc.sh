# debsrc.sh — sourced by the scripts that fetch a Debian source package
# (static-deps.sh: util-linux; bwrap-suite.sh: bubblewrap).
#
# sw_add_deb_src WHO LOG: makes sure apt knows a source index. Debian 12
# lists only "Types: deb": this adds one for the running release's main
# (as root; WHO prefixes the messages, apt's output goes to LOG).

sw_has_deb_src() {
	grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/
}

sw_add_deb_src() {
	sw_has_deb_src && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "$1: no deb-src entry in /etc/apt — run as root" >&2
		exit 1
	fi
	# shellcheck disable=SC1091
	. /etc/os-release
	sw_suite=${VERSION_CODENAME:-bookworm}
	sw_f=/etc/apt/sources.list.d/swrap-deb-src.sources
	echo "$1: adding $sw_f ($sw_suite main)" >&2
	cat >"$sw_f" <<EOT
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $sw_suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	if ! apt-get update -qq >>"$2" 2>&1; then
		echo "$1: apt-get update failed" >&2
		tail -n 20 "$2" >&2
		exit 1
	fi
}
