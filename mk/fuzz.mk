# fuzz.mk — libFuzzer over the command-line parser (tests/fuzz/fuzz_cli.c).
#
#   make fuzz         10 minutes on tests/fuzz/corpus (new inputs are kept in
#                     $(FZ)/corpus, never in the committed corpus)
#   make fuzz-check   60 s of the same (part of `make check` when
#                     SWRAP_FUZZ=1, which makes scripts/deps.sh install clang)
#
# The parser and spec sources are compiled again with clang under
# -fsanitize=fuzzer-no-link,address,undefined into $(FZ)/obj; the target is
# linked with -fsanitize=fuzzer. Crashes are written to $(FZ)/crash-*.

FZ := $(B)/fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
	$(FUZZ_SAN)
FUZZ_SRCS := $(wildcard src/spec/*.c src/compat/*.c)
FUZZ_OBJS := $(FUZZ_SRCS:%.c=$(FZ)/obj/%.o)
FUZZ_TIME ?= 600
FUZZ_CORPUS := tests/fuzz/corpus

.PHONY: _fuzz _fuzz-check _fuzz-build
_fuzz-build: $(FZ)/fuzz_cli

$(FZ)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		-c $< -o $@

$(FZ)/fuzz_cli: tests/fuzz/fuzz_cli.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OBJS) $(PKG_LIBS)

# $(1): seconds. Every run starts from the committed corpus; what the run
# finds goes to $(FZ)/corpus (first directory = where new inputs land).
define fuzz_run
	@mkdir -p $(FZ)/corpus
	cd $(FZ) && ./fuzz_cli -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix=$(abspath $(FZ))/ \
		corpus $(abspath $(FUZZ_CORPUS))
endef

_fuzz: $(FZ)/fuzz_cli
	$(call fuzz_run,$(FUZZ_TIME))

_fuzz-check: $(FZ)/fuzz_cli
	$(call fuzz_run,60)

-include $(FUZZ_OBJS:.o=.d)
