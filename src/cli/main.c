/* main.c — the swrap command.
 *
 * Parses the command line into a spec (src/compat), then does one of:
 * print help or version, print the equivalent bwrap command line, kill a
 * jail's cgroup, run the doctor, or launch. Only this folder prints and
 * chooses exit codes: a setup error is one "swrap: ..." line on stderr and
 * exit status 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "compat/compat.h"

struct sw_cli_style sw_cli_style = { "swrap", false };

void sw_cli_msg(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (sw_cli_style.level_prefix)
		fprintf(stderr, "<%d>", level);
	fprintf(stderr, "%s: %s\n", sw_cli_style.name, line);
}

static int fail(const char *msg)
{
	sw_cli_msg(3, "%s", msg);
	return 1;
}

/* The bwrap personality: argv[0]'s basename is "bwrap". */
static bool named_bwrap(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	const char *base = slash ? slash + 1 : argv0;
	return base && strcmp(base, "bwrap") == 0;
}

/* swrap gets its power from user namespaces, never from a setuid bit: a
 * setuid swrap would let any user bind anything anywhere. */
static int refuse_setid(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	char why[200];
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return fail("refusing to run setuid/setgid: can't read ids");
	if (ru == eu && rg == eg)
		return 0;
	snprintf(why, sizeof why, "refusing to run setuid/setgid: real "
		 "uid/gid %u/%u but effective %u/%u; swrap needs no privileges "
		 "of its own (chmod u-s,g-s)", (unsigned)ru, (unsigned)rg,
		 (unsigned)eu, (unsigned)eg);
	return fail(why);
}

/* Writes all of buf to stdout; false on a write error. */
static bool out(const void *buf, size_t n)
{
	return fwrite(buf, 1, n, stdout) == n;
}

static int emit_bwrap(const sw_spec *spec, bool nul)
{
	char **argv, **unrep;
	size_t argc;
	sw_error err = { 0 };
	if (sw_compat_emit(spec, &argv, &argc, &unrep, &err) < 0)
		return fail(err.msg);
	bool ok = true;
	if (nul) {
		for (size_t i = 0; i < argc; i++)
			ok = ok && out(argv[i], strlen(argv[i]) + 1);
	} else {
		char *line = sw_compat_shell_join(argv, argc);
		ok = line && out(line, strlen(line)) && out("\n", 1);
		free(line);
	}
	ok = fflush(stdout) == 0 && ok;
	for (size_t i = 0; unrep[i]; i++)
		fprintf(stderr, "swrap: not representable in bwrap: %s\n",
			unrep[i]);
	sw_compat_strv_free(argv);
	sw_compat_strv_free(unrep);
	return ok ? 0 : fail("can't write to stdout");
}

static int print_help(const char *prog)
{
	char *text = sw_compat_help(prog);
	if (!text)
		return fail("out of memory");
	bool ok = out(text, strlen(text)) && fflush(stdout) == 0;
	free(text);
	return ok ? 0 : fail("can't write to stdout");
}

static int kill_cgroup(const struct sw_cli_opts *cli, const sw_spec *spec)
{
	sw_error err = { 0 };
	if (spec->argc)
		return fail("--kill-cgroup runs no command: drop the command");
	if (sw_cgroup_kill(cli->kill_cgroup, cli->cgroup_parent, &err) < 0)
		return fail(err.msg);
	return 0;
}

static void json_stat(bool *first, const char *key, unsigned valid,
		      unsigned bit, uint64_t v)
{
	printf("%s\"%s\": ", *first ? "" : ", ", key);
	*first = false;
	if (valid & bit)
		printf("%llu", (unsigned long long)v);
	else
		fputs("null", stdout);
}

static void text_stat(const char *key, unsigned valid, unsigned bit, uint64_t v)
{
	if (valid & bit)
		printf("%s %llu\n", key, (unsigned long long)v);
	else
		printf("%s unknown\n", key);
}

static int print_stats(const struct sw_cli_opts *cli)
{
	struct sw_cgroup_stats st;
	sw_error err = { 0 };
	if (sw_cgroup_stats(cli->cg_id, cli->cgroup_parent, &st, &err) < 0)
		return fail(err.msg);
	static const struct { const char *name; unsigned bit; size_t off; } f[] = {
		{ "cpu_usec", SW_STAT_CPU, offsetof(struct sw_cgroup_stats, cpu_usec) },
		{ "memory_current", SW_STAT_MEMORY, offsetof(struct sw_cgroup_stats, memory_current) },
		{ "memory_peak", SW_STAT_MEMORY_PEAK, offsetof(struct sw_cgroup_stats, memory_peak) },
		{ "pids_current", SW_STAT_PIDS, offsetof(struct sw_cgroup_stats, pids_current) },
		{ "oom_kills", SW_STAT_OOM_KILLS, offsetof(struct sw_cgroup_stats, oom_kills) },
	};
	bool first = true;
	if (cli->json)
		putchar('{');
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		uint64_t v;
		memcpy(&v, (const char *)&st + f[i].off, sizeof v);
		if (cli->json)
			json_stat(&first, f[i].name, st.valid, f[i].bit, v);
		else
			text_stat(f[i].name, st.valid, f[i].bit, v);
	}
	if (cli->json)
		puts("}");
	return fflush(stdout) == 0 ? 0 : fail("can't write to stdout");
}

/* --stop-cgroup, --freeze-cgroup, --thaw-cgroup, --cgroup-stats. */
static int cgroup_action(const struct sw_cli_opts *cli, const sw_spec *spec)
{
	sw_error err = { 0 };
	const char *opt = cli->cg_action == SW_CG_STOP ? "--stop-cgroup" :
			  cli->cg_action == SW_CG_FREEZE ? "--freeze-cgroup" :
			  cli->cg_action == SW_CG_THAW ? "--thaw-cgroup" : "--cgroup-stats";
	if (spec->argc) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s runs no command: drop the command", opt);
		return fail(msg);
	}
	int r = 0;
	bool killed = false;
	switch (cli->cg_action) {
	case SW_CG_STOP:
		r = sw_cgroup_stop(cli->cg_id, cli->cgroup_parent, cli->grace_ms, &killed, &err);
		if (r == 0)
			printf("%s: %s\n", cli->cg_id, killed ? "killed after the grace period"
							   : "ended within the grace period");
		break;
	case SW_CG_FREEZE:
		r = sw_cgroup_freeze(cli->cg_id, cli->cgroup_parent, &err);
		break;
	case SW_CG_THAW:
		r = sw_cgroup_thaw(cli->cg_id, cli->cgroup_parent, &err);
		break;
	default:
		return print_stats(cli);
	}
	if (r < 0)
		return fail(err.msg);
	return fflush(stdout) == 0 ? 0 : fail("can't write to stdout");
}

/* What the parsed command line asks for. */
static int dispatch(const struct sw_cli_opts *cli, sw_spec *spec,
		    const char *prog)
{
	sw_error err = { 0 };
	if (cli->help)
		return print_help(prog);
	if (cli->version) {
		if (cli->bwrap)
			printf("bubblewrap 0.11.1 (swrap %s)\n", SWRAP_VERSION);
		else
			printf("swrap %s\n", SWRAP_VERSION);
		return fflush(stdout) == 0 ? 0 : fail("can't write to stdout");
	}
	if (cli->kill_cgroup)
		return kill_cgroup(cli, spec);
	if (cli->cg_action)
		return cgroup_action(cli, spec);
	if (sw_spec_validate(spec, &err) < 0)
		return fail(err.msg);
	if (cli->emit)
		return emit_bwrap(spec, cli->emit_nul);
	return sw_cli_launch(spec);
}

int main(int argc, char **argv)
{
	bool bwrap = argc > 0 && named_bwrap(argv[0]);
	if (bwrap)
		sw_cli_style.name = "bwrap";
	if (refuse_setid())
		return 1;
	if (argc > 1 && strcmp(argv[1], "doctor") == 0)
		return sw_cli_doctor(argc - 1, argv + 1);
	struct sw_cli_opts cli = {
		.bwrap = bwrap,
		.host_root = getenv("SWRAP_HOST_ROOT"),
		.rust_log = getenv("RUST_LOG"),
		.rust_backtrace = getenv("RUST_BACKTRACE"),
	};
	sw_spec *spec = NULL;
	sw_error err = { 0 };
	int r = sw_compat_parse(argc, argv, &spec, &cli, &err);
	if (cli.bwrap)
		sw_cli_style.name = "bwrap";
	sw_cli_style.level_prefix = cli.level_prefix;
	if (r < 0)
		return fail(err.msg);
	if (cli.warning)
		sw_cli_msg(4, "%s", cli.warning);
	int code = dispatch(&cli, spec, argc > 0 ? argv[0] : "swrap");
	sw_cli_opts_free(&cli);
	sw_spec_free(spec);
	return code;
}
