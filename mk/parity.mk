# parity.mk — `make parity` (and `make check`): the same command lines run
# by bubblewrap and by swrap around tests/parity/probe, compared by the
# cmocka runner tests/parity/test_parity (see its header).
#
# The probe runs inside the sandboxes: static, like the helpers. The runner
# is built by the generic $(B)/tests/% rule.

PARITY_PROBE := $(B)/tests/parity/probe
PARITY_TESTS := $(B)/tests/parity/test_parity

$(PARITY_PROBE): tests/parity/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

# Prerequisites only: the recipes are the Makefile's.
_parity _check: $(PARITY_PROBE) $(PARITY_TESTS)
