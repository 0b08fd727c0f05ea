# paths.mk — `make check` starts with scripts/check-paths.sh: no tracked
# file may point outside the repository (a sibling team folder, a path of
# the build machine). A prerequisite of _check, so it runs first.

.PHONY: _check-paths
_check-paths:
	@sh scripts/check-paths.sh

_check: _check-paths
