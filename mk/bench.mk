# bench.mk — `make bench`: swrap against bubblewrap (bench/bench.c), the
# table written to bench/results.md and stdout, in a few minutes. The
# static swrap joins the launch and memory cases when `make static` has
# built it. Needs root (the bind-scaling case mounts tmpfs in its own
# mount namespace).

BENCH_SRCS := bench/bench.c bench/run.c bench/stats.c bench/scale.c \
	bench/caller.c

.PHONY: _bench
_bench: $(B)/bench/bench $(B)/bench/rss $(B)/swrap
	$(B)/bench/bench $(B)/swrap bench/results.md $(B)/static/swrap

$(B)/bench/bench: $(BENCH_SRCS) bench/bench.h $(B)/libswrap.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Ibench $(CFLAGS) -o $@ $(BENCH_SRCS) \
		$(B)/libswrap.a $(PKG_LIBS) -lpthread $(LDFLAGS)

# Static and small: see its comment.
$(B)/bench/rss: bench/probe/rss.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<
