#!/bin/sh
# check-paths.sh — the project stands alone: fails when a tracked file
# points outside the repository, at the team folder the project was first
# designed in (a "shared" directory beside the checkout) or at a path of
# the machine it was built on (the /work tree). Run first by `make check`
# (mk/paths.mk). The patterns are spelled so that this file does not match
# them itself.
set -eu
cd "$(dirname "$0")/.."
pattern='\.\./share[d]|share[d]/(DESIGN|reference)|(^|[^A-Za-z0-9_.~-])/wor[k]/'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git ls-files -z | xargs -0 grep -n -I -E "$pattern" -- || true)
else
	hits=$(find . \( -path ./.git -o -path './build*' \) -prune -o -type f -print0 |
		xargs -0 grep -n -I -E "$pattern" -- || true)
fi
if [ -n "$hits" ]; then
	printf '%s\n' "$hits"
	echo "check-paths: the lines above point outside the repository (see scripts/check-paths.sh)" >&2
	exit 1
fi
echo "check-paths: no tracked file points outside the repository"
