# rust.mk — the Rust crate bindings/rust (`shrinkwrap`, issue 15):
#
#   make rust-check   (inner: _rust-check; part of `make check`, after the
#                     cmocka suites) cargo test --offline in bindings/rust,
#                     linked with $(B)/libswrap.a; then, where available,
#                     cargo clippy and cargo doc, both warning-free
#
# The crate needs no crate from a registry. Cargo's output goes to
# $(B)/rust (CARGO_TARGET_DIR), its log to $(B)/rust/test.log; what is
# printed is each test binary's summary ("test result: ...", the lines CI
# reads), every failure, and the whole log when something failed. The
# live-jail tests run as root and, re-executed from a staged copy, as uid
# 4242; they run the static helpers jt and envprobe. SWRAP_RUST=1 makes
# scripts/deps.sh install Debian's cargo when no cargo is found. CARGO
# picks the toolchain (default: the cargo on PATH).

CARGO ?= cargo
RUST_DIR := bindings/rust
RUST_OUT = $(abspath $(B)/rust)
RUST_ENV = SWRAP_BUILD_DIR=$(abspath $(B)) SWRAP_INCLUDE_DIR=$(abspath include) \
	SHRINKWRAP_TEST_HELPERS=$(abspath $(B)/tests/helpers) \
	CARGO_TARGET_DIR=$(RUST_OUT) RUST_BACKTRACE=0

.PHONY: _rust-check
ifeq ($(SANITIZE),1)
_rust-check:
	@echo "rust-check: skipped under SANITIZE=1 (the crate links the plain build)"
else
_rust-check: $(B)/libswrap.a $(B)/tests/helpers/jt $(B)/tests/helpers/envprobe
	@mkdir -p $(RUST_OUT)
	@echo "rust-check: $$($(CARGO) --version), $$(rustc --version)"
	@cd $(RUST_DIR) && $(RUST_ENV) $(CARGO) test --offline \
		> $(RUST_OUT)/test.log 2>&1; rc=$$?; \
	grep -E '^ *(Running|Doc-tests) |^test result:|^test .* FAILED$$|panicked at' \
		$(RUST_OUT)/test.log; \
	if [ $$rc -ne 0 ]; then echo "== $(RUST_OUT)/test.log"; cat $(RUST_OUT)/test.log; fi; \
	exit $$rc
	@cd $(RUST_DIR) && if $(CARGO) clippy --version >/dev/null 2>&1; then \
		$(RUST_ENV) $(CARGO) clippy --offline --all-targets --quiet -- -D warnings && \
		echo "rust-check: clippy: no warnings"; \
	else echo "rust-check: clippy: not installed, skipped"; fi
	@cd $(RUST_DIR) && $(RUST_ENV) RUSTDOCFLAGS="-D warnings" $(CARGO) doc \
		--offline --no-deps --quiet && echo "rust-check: cargo doc: no warnings"
endif
