/* fuzz_cli.c — libFuzzer target over the command-line parser and spec
 * validation, with the emitter as the oracle.
 *
 * The input is split at NUL bytes into words (argv[1..]; argv[0] is
 * "swrap"). When it parses:
 *   - sw_spec_validate runs on it (must not crash; any answer is fine);
 *   - sw_compat_emit (the bwrap form) runs on it (must not crash);
 *   - sw_compat_emit_swrap, which represents every extension, gives argv A;
 *     parsing A must succeed and give a spec equal to the first
 *     (sw_spec_equal), and emitting that spec again must give A exactly.
 *
 * --args FD makes the parser read and close a real fd: the parser has no
 * hook to inject its content, so an input with an "--args" word is skipped
 * (it would read the fuzzer's stdin or close its own fds). The other fd
 * options (--seccomp, --info-fd, --keep-fd ...) only record the number at
 * parse time and are fuzzed. --profile shim checks host paths with stat():
 * SWRAP_HOST_ROOT is pointed at a directory that does not exist, so the
 * answer is always the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "spec/spec.h"

#define MAX_INPUT (64u << 10)
#define MAX_WORDS 4096

static const char *const no_root = "/nonexistent-swrap-fuzz-root";

static size_t split(char *buf, size_t len, char **argv)
{
	size_t n = 0;
	argv[n++] = "swrap";
	for (char *p = buf; p < buf + len && n < MAX_WORDS; p += strlen(p) + 1)
		argv[n++] = p;
	argv[n] = NULL;
	return n;
}

static void die(const char *what, char **argv, size_t argc, const char *msg)
{
	fprintf(stderr, "fuzz_cli: %s%s%s\nargv:", what, msg ? ": " : "",
		msg ? msg : "");
	for (size_t i = 0; i < argc; i++)
		fprintf(stderr, " [%s]", argv[i]);
	fprintf(stderr, "\n");
	abort();
}

static void parse_cli(struct sw_cli_opts *cli)
{
	memset(cli, 0, sizeof *cli);
	cli->host_root = no_root;
	cli->rust_log = "info";
	cli->rust_backtrace = "1";
}

static bool same_strv(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return a[na] == NULL && b[nb] == NULL;
}

/* The oracle on a spec that parsed. */
static void round_trip(const sw_spec *s)
{
	sw_error err;
	sw_error_set(&err, 0, "%s", "");
	(void)sw_spec_validate(s, &err);

	char **bw = NULL, **unrep = NULL;
	size_t nbw = 0;
	if (sw_compat_emit(s, &bw, &nbw, &unrep, &err) == 0) {
		sw_compat_strv_free(bw);
		sw_compat_strv_free(unrep);
	}

	char **a = NULL;
	size_t na = 0;
	if (sw_compat_emit_swrap(s, &a, &na, &err) < 0)
		return; /* out of memory, or a spec it refuses: no oracle */

	struct sw_cli_opts cli;
	parse_cli(&cli);
	sw_spec *s2 = NULL;
	if (sw_compat_parse((int)na, a, &s2, &cli, &err) < 0)
		die("the emitted argv does not parse", a, na, err.msg);
	sw_cli_opts_free(&cli);
	if (!sw_spec_equal(s, s2))
		die("parse(emit(spec)) != spec", a, na, NULL);

	char **b = NULL;
	size_t nb = 0;
	if (sw_compat_emit_swrap(s2, &b, &nb, &err) < 0)
		die("the re-parsed spec does not emit", a, na, err.msg);
	if (!same_strv(a, na, b, nb))
		die("emit is not stable: emit(parse(emit(spec))) differs", b, nb,
		    NULL);
	sw_compat_strv_free(b);
	sw_spec_free(s2);
	sw_compat_strv_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	char *buf = malloc(size + 1);
	static char *argv[MAX_WORDS + 2];
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	size_t argc = split(buf, size, argv);
	for (size_t i = 1; i < argc; i++)
		if (strcmp(argv[i], "--args") == 0)
			goto out; /* would read a real fd: see the top */

	struct sw_cli_opts cli;
	parse_cli(&cli);
	sw_spec *s = NULL;
	sw_error err;
	int r = sw_compat_parse((int)argc, argv, &s, &cli, &err);
	if (r == 0) {
		/* --help/--version: the spec may be partial; --kill-cgroup
		 * and --emit-bwrap are CLI state beside it. */
		if (!cli.help && !cli.version)
			round_trip(s);
		sw_spec_free(s);
		sw_cli_opts_free(&cli);
	} else if (s != NULL) {
		die("a failed parse left *out set", argv, argc, err.msg);
	}
out:
	free(buf);
	return 0;
}
