# bwrapsuite.mk — `make bwrap-suite` (inner: _bwrap-suite; part of `make
# check`): bubblewrap's own test scripts, from Debian's source package of
# the installed reference bwrap, run against swrap through a `bwrap`
# symlink and against the real bwrap, as root and as uid 4242; every
# section bwrap passes must pass through swrap. See scripts/bwrap-suite.sh.

.PHONY: _bwrap-suite
_bwrap-suite: $(B)/swrap
	@sh scripts/bwrap-suite.sh $(B) $(B)/swrap

_check: _bwrap-suite
