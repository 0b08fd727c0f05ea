# security.mk — `make security`: the attack suite of tests/security (issue 9).
#
# Each tests/security/test_*.c is built by the Makefile's $(B)/tests/% rule
# (linked with the static library, the harness and cmocka) into
# $(B)/tests/security/; the hostile programs it runs are the static helpers
# tests/helpers/atk_*.c, built by the $(B)/tests/helpers/% rule with the
# other TEST_HELPERS. SW_RACE_N=N sets the launches of the source race
# (default 10000).

SEC_TESTS := $(patsubst tests/security/%.c,$(B)/tests/security/%,\
	$(wildcard tests/security/test_*.c))

.PHONY: _security
_security: _all $(SEC_TESTS) $(TEST_HELPERS)
	@SW_BUILD=$(B) sh scripts/run-tests.sh security $(SEC_TESTS)
