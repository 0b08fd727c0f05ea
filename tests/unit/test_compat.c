/* test_compat.c — bwrap's command line ↔ spec: a table of command lines
 * that round-trip to their canonical form, and the parser's rules. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "compat/compat.h"

/* ---- helpers --------------------------------------------------------- */

/* Splits a command line at spaces, honouring '...', "..." and \\, into
 * argv with "swrap" first. Free with sw_compat_strv_free. */
static char **split(const char *line, int *argc)
{
	char **v = calloc(strlen(line) + 2, sizeof *v);
	char *w = malloc(strlen(line) + 1);
	assert_non_null(v);
	assert_non_null(w);
	int n = 0;
	v[n++] = strdup("swrap");
	for (const char *p = line; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t len = 0;
		while (*p && *p != ' ') {
			char q = *p;
			if (q == '\'' || q == '"') {
				const char *end = strchr(p + 1, q);
				assert_non_null(end);
				memcpy(w + len, p + 1, (size_t)(end - p - 1));
				len += (size_t)(end - p - 1);
				p = end + 1;
			} else if (q == '\\' && p[1]) {
				w[len++] = p[1]; /* as the shell: \x is x */
				p += 2;
			} else {
				w[len++] = *p++;
			}
		}
		v[n++] = strndup(w, len);
	}
	free(w);
	*argc = n;
	return v;
}

static sw_spec *parse_ok(int argc, char **argv, struct sw_cli_opts *cli)
{
	sw_spec *s = NULL;
	sw_error err = { 0 };
	struct sw_cli_opts local = { 0 };
	if (!cli)
		cli = &local;
	if (sw_compat_parse(argc, argv, &s, cli, &err) < 0)
		fail_msg("parse failed: %s", err.msg);
	if (cli == &local)
		sw_cli_opts_free(cli);
	assert_non_null(s);
	return s;
}

static sw_spec *parse_line(const char *line, struct sw_cli_opts *cli)
{
	int argc;
	char **argv = split(line, &argc);
	sw_spec *s = parse_ok(argc, argv, cli);
	sw_compat_strv_free(argv);
	return s;
}

/* Parses line and expects failure with needle in the message. */
static void parse_fails(const char *line, const char *needle)
{
	int argc;
	char **argv = split(line, &argc);
	sw_spec *s = (sw_spec *)1;
	sw_error err = { 0 };
	struct sw_cli_opts cli = { 0 };
	int r = sw_compat_parse(argc, argv, &s, &cli, &err);
	sw_compat_strv_free(argv);
	if (r == 0)
		fail_msg("\"%s\" was accepted", line);
	assert_true(r < 0);
	assert_int_equal(err.code, r);
	assert_null(s);
	assert_null(cli.kill_cgroup);
	if (!strstr(err.msg, needle))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", line, err.msg,
			 needle);
}

/* Emits spec as bwrap; returns the shell line and the unrepresentables
 * joined by '|'. */
static char *emit_line(const sw_spec *s, char **unrep_joined)
{
	char **argv, **unrep;
	size_t argc;
	sw_error err = { 0 };
	assert_int_equal(sw_compat_emit(s, &argv, &argc, &unrep, &err), 0);
	assert_string_equal(argv[0], "bwrap");
	assert_null(argv[argc]);
	char *line = sw_compat_shell_join(argv, argc);
	size_t len = 1;
	for (size_t i = 0; unrep[i]; i++)
		len += strlen(unrep[i]) + 1;
	char *u = calloc(1, len);
	for (size_t i = 0; unrep[i]; i++)
		strcat(strcat(u, i ? "|" : ""), unrep[i]);
	*unrep_joined = u;
	sw_compat_strv_free(argv);
	sw_compat_strv_free(unrep);
	return line;
}

/* parse(emit(s)) == s and emit is stable, in the swrap form (always) and
 * the bwrap form (when bwrap can say it all). */
static void check_round_trip(const sw_spec *s, bool bwrap_too)
{
	char **argv, **again;
	size_t argc, argc2;
	sw_error err = { 0 };
	assert_int_equal(sw_compat_emit_swrap(s, &argv, &argc, &err), 0);
	sw_spec *back = parse_ok((int)argc, argv, NULL);
	assert_true(sw_spec_equal(s, back));
	assert_int_equal(sw_compat_emit_swrap(back, &again, &argc2, &err), 0);
	assert_int_equal(argc, argc2);
	for (size_t i = 0; i < argc; i++)
		assert_string_equal(argv[i], again[i]);
	sw_compat_strv_free(argv);
	sw_compat_strv_free(again);
	sw_spec_free(back);
	if (!bwrap_too)
		return;
	char **unrep;
	assert_int_equal(sw_compat_emit(s, &argv, &argc, &unrep, &err), 0);
	back = parse_ok((int)argc, argv, NULL);
	assert_true(sw_spec_equal(s, back));
	sw_compat_strv_free(argv);
	sw_compat_strv_free(unrep);
	sw_spec_free(back);
}

/* ---- the round-trip table ------------------------------------------- */

static const struct {
	const char *in;    /* as given */
	const char *bwrap; /* its canonical bwrap form */
	const char *unrep; /* what bwrap can't say, '|'-joined */
} lines[] = {
	{ "-- true", "bwrap -- true", "" },
	{ "true", "bwrap -- true", "" },
	{ "--unshare-all -- sh", "bwrap --unshare-user-try --unshare-pid "
	  "--unshare-ipc --unshare-uts --unshare-net --unshare-cgroup-try -- sh",
	  "" },
	{ "--unshare-all --share-net sh", "bwrap --unshare-user-try "
	  "--unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try -- sh",
	  "" },
	{ "--share-net --unshare-all sh", "bwrap --unshare-user-try "
	  "--unshare-pid --unshare-ipc --unshare-uts --unshare-net "
	  "--unshare-cgroup-try -- sh", "" },
	{ "--unshare-cgroup-try --unshare-net --unshare-uts --unshare-ipc "
	  "--unshare-pid --unshare-user-try --unshare-user --unshare-cgroup sh",
	  "bwrap --unshare-user --unshare-user-try --unshare-pid --unshare-ipc "
	  "--unshare-uts --unshare-net --unshare-cgroup --unshare-cgroup-try "
	  "-- sh", "" },
	{ "--unshare-pid --unshare-pid sh", "bwrap --unshare-pid -- sh", "" },
	{ "--unshare-net --share-net sh", "bwrap -- sh", "" },
	{ "--unshare-user --uid 0 --gid 0 sh",
	  "bwrap --unshare-user --uid 0 --gid 0 -- sh", "" },
	{ "--gid 5 --unshare-user --uid 7 --uid 8 sh",
	  "bwrap --unshare-user --uid 8 --gid 5 -- sh", "" },
	{ "--unshare-uts --hostname a --hostname box sh",
	  "bwrap --unshare-uts --hostname box -- sh", "" },
	{ "--as-pid-1 --unshare-pid --new-session --die-with-parent sh",
	  "bwrap --unshare-pid --die-with-parent --new-session --as-pid-1 -- sh",
	  "" },
	{ "--new-session --new-session sh", "bwrap --new-session -- sh", "" },
	{ "--unshare-user-try --uid 1000 --gid 1000 --unshare-pid --as-pid-1 sh",
	  "bwrap --unshare-user-try --unshare-pid --uid 1000 --gid 1000 "
	  "--as-pid-1 -- sh", "" },
	{ "--bind /a /b sh", "bwrap --bind /a /b -- sh", "" },
	{ "--bind-try /a /b --ro-bind-try /c /d --dev-bind-try /e /f sh",
	  "bwrap --bind-try /a /b --ro-bind-try /c /d --dev-bind-try /e /f -- sh",
	  "" },
	{ "--ro-bind / / --dev-bind /dev /dev sh",
	  "bwrap --ro-bind / / --dev-bind /dev /dev -- sh", "" },
	{ "--ro-bind relsrc /dst sh", "bwrap --ro-bind relsrc /dst -- sh", "" },
	{ "--bind '/a b' '/c d' sh", "bwrap --bind '/a b' '/c d' -- sh", "" },
	{ "--dev-bind /dev/kvm /dev/kvm sh",
	  "bwrap --dev-bind /dev/kvm /dev/kvm -- sh", "" },
	{ "--ro-bind /x /y --remount-ro /y sh",
	  "bwrap --ro-bind /x /y --remount-ro /y -- sh", "" },
	{ "--remount-ro /usr --proc /proc --dev /dev --mqueue /dev/mqueue sh",
	  "bwrap --remount-ro /usr --proc /proc --dev /dev --mqueue /dev/mqueue "
	  "-- sh", "" },
	{ "--tmpfs /tmp sh", "bwrap --tmpfs /tmp -- sh", "" },
	{ "--perms 0700 --tmpfs /tmp sh", "bwrap --perms 0700 --tmpfs /tmp -- sh",
	  "" },
	{ "--perms 755 --tmpfs /tmp sh", "bwrap --tmpfs /tmp -- sh", "" },
	{ "--size 1048576 --tmpfs /tmp sh",
	  "bwrap --size 1048576 --tmpfs /tmp -- sh", "" },
	{ "--size 0x1000 --perms 1777 --tmpfs /tmp sh",
	  "bwrap --perms 1777 --size 4096 --tmpfs /tmp -- sh", "" },
	{ "--size 4K --tmpfs /t sh", "bwrap --size 4096 --tmpfs /t -- sh", "" },
	{ "--size 010 --tmpfs /t sh", "bwrap --size 8 --tmpfs /t -- sh", "" },
	{ "--dir /a --perms 0 --dir /b sh",
	  "bwrap --dir /a --perms 0000 --dir /b -- sh", "" },
	{ "--perms 01777 --dir /t sh", "bwrap --perms 1777 --dir /t -- sh", "" },
	{ "--symlink usr/bin /bin sh", "bwrap --symlink usr/bin /bin -- sh", "" },
	{ "--chmod 644 /etc/x sh", "bwrap --chmod 0644 /etc/x -- sh", "" },
	{ "--chmod 7777 /x sh", "bwrap --chmod 7777 /x -- sh", "" },
	{ "--dir /a --bind /x /y --tmpfs /a/t --symlink a /l sh",
	  "bwrap --dir /a --bind /x /y --tmpfs /a/t --symlink a /l -- sh", "" },
	{ "--clearenv --setenv A 1 --unsetenv B sh",
	  "bwrap --clearenv --setenv A 1 --unsetenv B -- sh", "" },
	{ "--setenv A 'hello world' sh", "bwrap --setenv A 'hello world' -- sh",
	  "" },
	{ "--setenv A '' sh", "bwrap --setenv A '' -- sh", "" },
	{ "--setenv Q \"it's\" sh", "bwrap --setenv Q 'it'\\''s' -- sh", "" },
	{ "--setenv A 1 --setenv A 2 sh", "bwrap --setenv A 1 --setenv A 2 -- sh",
	  "" },
	{ "--cap-add CAP_NET_ADMIN sh", "bwrap --cap-add CAP_NET_ADMIN -- sh",
	  "" },
	{ "--cap-add net_raw --cap-drop cap_chown sh",
	  "bwrap --cap-add CAP_NET_RAW --cap-drop CAP_CHOWN -- sh", "" },
	{ "--cap-drop ALL --cap-add sys_ptrace sh",
	  "bwrap --cap-drop ALL --cap-add CAP_SYS_PTRACE -- sh", "" },
	{ "--cap-add all sh", "bwrap --cap-add ALL -- sh", "" },
	{ "--seccomp 3 sh", "bwrap --seccomp 3 -- sh", "" },
	{ "--seccomp 3 --seccomp 4 sh", "bwrap --seccomp 4 -- sh", "" },
	{ "--add-seccomp-fd 3 --add-seccomp-fd 4 sh",
	  "bwrap --add-seccomp-fd 3 --add-seccomp-fd 4 -- sh", "" },
	{ "--info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 sh",
	  "bwrap --info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 -- sh",
	  "" },
	{ "--sync-fd 6 --block-fd 5 --json-status-fd 4 --info-fd 3 sh",
	  "bwrap --info-fd 3 --json-status-fd 4 --block-fd 5 --sync-fd 6 -- sh",
	  "" },
	{ "--info-fd 3 --info-fd 7 sh", "bwrap --info-fd 7 -- sh", "" },
	{ "--argv0 zero sh", "bwrap --argv0 zero -- sh", "" },
	{ "--chdir /a --chdir /b sh", "bwrap --chdir /b -- sh", "" },
	{ "--chdir /w --argv0 x sh", "bwrap --argv0 x --chdir /w -- sh", "" },
	{ "-- --weird-cmd --x", "bwrap -- --weird-cmd --x", "" },
	{ "sh -c 'echo $HOME'", "bwrap -- sh -c 'echo $HOME'", "" },
	{ "sh --bind /a /b", "bwrap -- sh --bind /a /b", "" },
	{ "--volume /data sh", "bwrap --bind /data /data -- sh", "" },
	{ "--volume /data:/mnt:ro sh", "bwrap --ro-bind /data /mnt -- sh", "" },
	{ "--volume /ro:ro --volume /a:/b:rw sh",
	  "bwrap --ro-bind /ro /ro --bind /a /b -- sh", "" },
	{ "--emit-bwrap --unshare-pid sh", "bwrap --unshare-pid -- sh", "" },
	{ "--unshare-all --share-net --unshare-user --uid 0 --hostname h --dir "
	  "/x --setenv A b --cap-add CAP_CHOWN --seccomp 9 --sync-fd 8 --argv0 a "
	  "--chdir / --as-pid-1 sh", "bwrap --unshare-user --unshare-user-try "
	  "--unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try --uid 0 "
	  "--hostname h --as-pid-1 --dir /x --setenv A b --cap-add CAP_CHOWN "
	  "--seccomp 9 --sync-fd 8 --argv0 a --chdir / -- sh", "" },
	/* swrap's extensions: bwrap gets the rest, stderr lists them */
	{ "--rlimit NOFILE=1024 sh", "bwrap -- sh", "--rlimit NOFILE=1024:1024" },
	{ "--rlimit fsize=1G:unlimited --rlimit nofile=10:20 sh", "bwrap -- sh",
	  "--rlimit FSIZE=1G:unlimited|--rlimit NOFILE=10:20" },
	{ "--rlimit NOFILE=5 --rlimit NOFILE=7:9 sh", "bwrap -- sh",
	  "--rlimit NOFILE=7:9" },
	{ "--rlimit stack=8388608 sh", "bwrap -- sh", "--rlimit STACK=8M:8M" },
	{ "--rlimit AS=1000 --rlimit CPU=60:unlimited sh", "bwrap -- sh",
	  "--rlimit AS=1000:1000|--rlimit CPU=60:unlimited" },
	{ "--cgroup box sh", "bwrap -- sh", "--cgroup box" },
	{ "--cgroup box --cgroup-parent jails/x --cgroup-optional sh",
	  "bwrap -- sh", "--cgroup box|--cgroup-parent jails/x|--cgroup-optional" },
	{ "--cgroup b --memory-max 1073741824 --memory-high 512M sh",
	  "bwrap -- sh", "--cgroup b|--memory-max 1G|--memory-high 512M" },
	{ "--cgroup b --cpu-max 50000 sh", "bwrap -- sh",
	  "--cgroup b|--cpu-max 50000" },
	{ "--cgroup b --cpu-max 50000/100000 --cpu-weight 100 --pids-max 64 sh",
	  "bwrap -- sh", "--cgroup b|--cpu-max 50000/100000|--cpu-weight 100|"
	  "--pids-max 64" },
	{ "--memory-max 1 --cgroup a --memory-max 1025K sh", "bwrap -- sh",
	  "--cgroup a|--memory-max 1025K" },
	{ "--keep-fd 5 --keep-fd 3 sh", "bwrap -- sh", "--keep-fd 5|--keep-fd 3" },
	{ "--seccomp-profile default sh", "bwrap -- sh",
	  "--seccomp-profile default" },
	/* bubblewrap 0.11's options (issue #13) */
	{ "--bind-fd 5 /a --ro-bind-fd 6 /b sh",
	  "bwrap --bind-fd 5 /a --ro-bind-fd 6 /b -- sh", "" },
	{ "--file 3 /etc/passwd --bind-data 4 /d --ro-bind-data 5 /r sh",
	  "bwrap --file 3 /etc/passwd --bind-data 4 /d --ro-bind-data 5 /r -- sh",
	  "" },
	{ "--perms 0640 --file 3 /f --perms 600 --bind-data 4 /d sh",
	  "bwrap --perms 0640 --file 3 /f --bind-data 4 /d -- sh", "" },
	{ "--perms 0444 --ro-bind-data 5 /r --perms 0666 --file 3 /f sh",
	  "bwrap --perms 0444 --ro-bind-data 5 /r --file 3 /f -- sh", "" },
	{ "--lock-file /run/a --lock-file /run/b sh",
	  "bwrap --lock-file /run/a --lock-file /run/b -- sh", "" },
	{ "--unshare-user --disable-userns --assert-userns-disabled sh",
	  "bwrap --unshare-user --disable-userns --assert-userns-disabled -- sh",
	  "" },
	{ "--userns 7 --pidns 8 sh", "bwrap --userns 7 --pidns 8 -- sh", "" },
	{ "--unshare-user --userns2 9 sh",
	  "bwrap --unshare-user --userns2 9 -- sh", "" },
	{ "--unshare-user --info-fd 3 --userns-block-fd 4 sh",
	  "bwrap --unshare-user --info-fd 3 --userns-block-fd 4 -- sh", "" },
	{ "--overlay-src /l1 --overlay-src /l2 --overlay /up /wk /o sh",
	  "bwrap --overlay-src /l1 --overlay-src /l2 --overlay /up /wk /o -- sh",
	  "" },
	{ "--overlay-src rel --tmp-overlay /t --overlay-src /a --overlay-src /b "
	  "--ro-overlay /r sh",
	  "bwrap --overlay-src rel --tmp-overlay /t --overlay-src /a "
	  "--overlay-src /b --ro-overlay /r -- sh", "" },
	{ "--exec-label system_u:x --file-label system_u:y sh",
	  "bwrap --exec-label system_u:x --file-label system_u:y -- sh", "" },
	{ "--level-prefix --chdir / sh", "bwrap --chdir / -- sh", "" },
	{ "--compat=bwrap sh", "bwrap -- sh", "--compat=bwrap" },
	{ "--detach --unshare-pid sh", "bwrap --unshare-pid -- sh", "--detach" },
	{ "--landlock --ro-bind / / sh", "bwrap --ro-bind / / -- sh",
	  "--landlock" },
	{ "--landlock --landlock-try sh", "bwrap -- sh", "--landlock-try" },
	{ "--unshare-pid --rlimit core=0 --cgroup c --chdir / sh",
	  "bwrap --unshare-pid --chdir / -- sh", "--rlimit CORE=0:0|--cgroup c" },
	/* issue 20: bwrap has no way to map a root caller elsewhere */
	{ "--host-gid 1001 --unshare-user --uid 5 --host-uid 1000 sh",
	  "bwrap --unshare-user --uid 5 -- sh", "--host-uid 1000|--host-gid 1001" },
};
#define N_LINES (sizeof lines / sizeof *lines)

static void test_round_trip_table(void **state)
{
	(void)state;
	assert_true(N_LINES >= 60);
	for (size_t i = 0; i < N_LINES; i++) {
		sw_spec *s = parse_line(lines[i].in, NULL);
		sw_error err = { 0 };
		if (sw_spec_validate(s, &err) < 0)
			fail_msg("line %zu \"%s\": %s", i, lines[i].in, err.msg);
		char *unrep, *out = emit_line(s, &unrep);
		if (strcmp(out, lines[i].bwrap) || strcmp(unrep, lines[i].unrep))
			fail_msg("line %zu \"%s\":\n got %s\n   + %s\nwant %s\n"
				 "   + %s", i, lines[i].in, out, unrep,
				 lines[i].bwrap, lines[i].unrep);
		check_round_trip(s, !*lines[i].unrep);
		/* The canonical form is a fixed point. */
		sw_spec *again = parse_line(out + strlen("bwrap "), NULL);
		char *unrep2, *out2 = emit_line(again, &unrep2);
		assert_string_equal(out, out2);
		free(out);
		free(out2);
		free(unrep);
		free(unrep2);
		sw_spec_free(again);
		sw_spec_free(s);
	}
}

/* ---- the parser's rules ---------------------------------------------- */

static void test_command_boundaries(void **state)
{
	(void)state;
	sw_spec *s = parse_line("--unshare-pid sh --unshare-net -- x", NULL);
	assert_int_equal(s->ns, SW_NS_PID);
	assert_int_equal(s->argc, 4);
	assert_string_equal(s->argv[1], "--unshare-net");
	assert_string_equal(s->argv[2], "--");
	assert_null(s->argv[4]);
	sw_spec_free(s);
	/* Only the first -- ends the options; the next is the command's. */
	s = parse_line("-- -- a", NULL);
	assert_int_equal(s->argc, 2);
	assert_string_equal(s->argv[0], "--");
	sw_spec_free(s);
	/* No command: parse succeeds, validate names the problem. */
	s = parse_line("--unshare-pid --", NULL);
	assert_int_equal(s->argc, 0);
	sw_error err = { 0 };
	assert_true(sw_spec_validate(s, &err) < 0);
	assert_non_null(strstr(err.msg, "no command"));
	sw_spec_free(s);
	/* An option's argument may look like an option. */
	s = parse_line("--chdir --x --setenv --y -z sh", NULL);
	assert_string_equal(s->chdir, "--x");
	assert_string_equal(s->env[0].name, "--y");
	assert_string_equal(s->env[0].value, "-z");
	sw_spec_free(s);
}

static void test_cli_options(void **state)
{
	(void)state;
	struct sw_cli_opts cli = { 0 };
	sw_spec *s = parse_line("--emit-bwrap=nul sh", &cli);
	assert_true(cli.emit && cli.emit_nul);
	sw_spec_free(s);
	s = parse_line("--emit-bwrap sh", &cli);
	assert_true(cli.emit && !cli.emit_nul);
	assert_false(cli.help || cli.version);
	sw_spec_free(s);
	/* --help wins and stops: what follows is not even looked at. */
	s = parse_line("--unshare-pid --help --bogus", &cli);
	assert_true(cli.help);
	sw_spec_free(s);
	s = parse_line("--version", &cli);
	assert_true(cli.version && !cli.help);
	sw_spec_free(s);
	s = parse_line("--kill-cgroup box --cgroup-parent a/b", &cli);
	assert_string_equal(cli.kill_cgroup, "box");
	assert_string_equal(cli.cgroup_parent, "a/b");
	assert_null(s->cgroup_id);
	sw_cli_opts_free(&cli);
	assert_null(cli.kill_cgroup);
	sw_spec_free(s);
}

static void test_perms_and_size_rules(void **state)
{
	(void)state;
	sw_spec *s = parse_line("--size 4096 --perms 0700 --tmpfs /t --tmpfs /u "
				"--perms 0711 --dir /d --dir /e sh", NULL);
	assert_int_equal(s->nfs, 4);
	assert_int_equal(s->fs[0].mode, 0700);
	assert_int_equal(s->fs[0].size, 4096);
	assert_int_equal(s->fs[1].mode, 0755); /* one action only */
	assert_int_equal(s->fs[1].size, 0);
	assert_int_equal(s->fs[2].mode, 0711);
	assert_int_equal(s->fs[3].mode, 0755);
	sw_spec_free(s);
	parse_fails("--perms 0700 --perms 0711 --dir /d sh", "given twice");
	parse_fails("--size 1 --size 2 --tmpfs /t sh", "--size: given twice");
	parse_fails("--size 4096 --dir /d sh",
		    "--size 4096 must be followed by --tmpfs, not --dir");
	parse_fails("--perms 0700 --bind /a /b sh",
		    "--perms 0700 must be followed by --dir, --tmpfs, --file, "
		    "--bind-data or --ro-bind-data, not --bind");
	parse_fails("--perms 0700 -- sh", "--perms 0700 must be followed");
	parse_fails("--perms 0700 --chmod 0700 /x sh", "not --chmod");
	parse_fails("--perms 8 --dir /d sh", "\"8\" is not an octal mode");
	parse_fails("--perms 010000 --dir /d sh", "010000");
	parse_fails("--perms '' --dir /d sh", "--perms");
	parse_fails("--perms ' 7' --dir /d sh", "\" 7\" is not an octal");
	parse_fails("--size -1 --tmpfs /t sh", "\"-1\"");
	parse_fails("--size 9223372036854775808 --tmpfs /t sh", "over the limit");
	parse_fails("--size 16777216T --tmpfs /t sh", "over the limit");
	parse_fails("--size 12Q --tmpfs /t sh", "\"12Q\"");
}

/* Each option of issue #13 refuses bad input, naming it. */
static void test_new_options_bad_input(void **state)
{
	(void)state;
	parse_fails("--bind-fd x /a sh", "--bind-fd");
	parse_fails("--bind-fd 3 rel sh", "rel");
	parse_fails("--ro-bind-fd -1 /a sh", "--ro-bind-fd");
	parse_fails("--ro-bind-fd 3", "--ro-bind-fd takes 2 arguments");
	parse_fails("--file 3x /f sh", "--file");
	parse_fails("--file 3 '' sh", "--file");
	parse_fails("--bind-data 3 rel sh", "--bind-data");
	parse_fails("--bind-data q /d sh", "--bind-data");
	parse_fails("--ro-bind-data 3", "--ro-bind-data takes 2 arguments");
	parse_fails("--ro-bind-data '' /d sh", "--ro-bind-data");
	parse_fails("--perms 0640 --lock-file /l sh", "not --lock-file");
	parse_fails("--lock-file rel sh", "--lock-file");
	parse_fails("--lock-file '' sh", "--lock-file");
	parse_fails("--userns x sh", "--userns");
	parse_fails("--userns2 -3 sh", "--userns2");
	parse_fails("--pidns '' sh", "--pidns");
	parse_fails("--userns-block-fd 1x sh", "--userns-block-fd");
	parse_fails("--disable-userns=yes sh", "unknown option --disable-userns=yes");
	/* issue 20: both host ids, neither 0 */
	parse_fails("--unshare-user --host-uid 1000 sh",
		    "--host-uid 1000 needs --host-gid too");
	parse_fails("--unshare-user --host-gid 1000 sh",
		    "--host-gid 1000 needs --host-uid too");
	parse_fails("--unshare-user --host-uid 0 --host-gid 1000 sh",
		    "--host-uid 0: that is the host's root");
	parse_fails("--unshare-user --host-uid 1000 --host-gid 0 sh",
		    "--host-gid 0: that is the host's root");
	parse_fails("--host-uid x1 --host-gid 1 sh",
		    "--host-uid: \"x1\" is not a valid id");
	parse_fails("--host-uid 4294967295 --host-gid 1 sh", "--host-uid");
	parse_fails("--host-gid", "--host-gid takes 1 argument: GID");
	/* The rules between them are the spec's (bubblewrap's words). */
	static const char *const invalid[][2] = {
		{ "--userns 3 --unshare-user sh", "--userns is not compatible with --unshare-user" },
		{ "--userns2 3 sh", "--userns2 requires --unshare-user or --userns" },
		{ "--unshare-user --disable-userns --userns2 3 sh", "--disable-userns is not compatible with --userns2" },
		{ "--disable-userns --userns 3 sh", "--disable-userns is not compatible with --userns" },
		{ "--unshare-user --userns-block-fd 4 sh", "--userns-block-fd requires --info-fd" },
		{ "--host-uid 7 --host-gid 8 sh",
		  "--host-uid 7 needs a new user namespace (--unshare-user)" },
		{ "--unshare-user-try --host-uid 7 --host-gid 8 sh",
		  "--host-uid 7 needs a new user namespace (--unshare-user)" },
		{ "--unshare-user --info-fd 3 --userns-block-fd 4 --host-uid 7 --host-gid 8 sh",
		  "--host-uid is not compatible with --userns-block-fd" },
		{ "--unshare-user --pidns 3 --host-uid 7 --host-gid 8 sh",
		  "--host-uid is not compatible with --pidns" },
	};
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
		sw_spec *v = parse_line(invalid[i][0], NULL);
		sw_error err = { 0 };
		assert_true(sw_spec_validate(v, &err) < 0);
		if (!strstr(err.msg, invalid[i][1]))
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", invalid[i][0], err.msg,
				 invalid[i][1]);
		sw_spec_free(v);
	}
	parse_fails("--assert-userns-disabled --bogus sh", "--bogus");
	parse_fails("--overlay upper work /tmp sh",
		    "--overlay requires at least one --overlay-src");
	parse_fails("--tmp-overlay /tmp sh",
		    "--tmp-overlay requires at least one --overlay-src");
	parse_fails("--overlay-src /l --ro-overlay /tmp sh",
		    "--ro-overlay requires at least two --overlay-src");
	parse_fails("--overlay-src /tmp sh", "--overlay-src must be followed by "
		    "another --overlay-src or one of --overlay, --tmp-overlay, "
		    "or --ro-overlay");
	parse_fails("--overlay-src /tmp --chdir / sh", "--overlay-src must be "
		    "followed");
	parse_fails("--overlay-src /l --overlay u w rel sh", "rel");
	parse_fails("--overlay-src /l --overlay u w",
		    "--overlay takes 3 arguments");
	parse_fails("--overlay-src '' --tmp-overlay /t sh", "empty --overlay-src");
	parse_fails("--exec-label '' sh", "--exec-label");
	parse_fails("--file-label '' sh", "--file-label");
	parse_fails("--level-prefix --frob sh", "unknown option --frob");
	parse_fails("--compat=bwrap --frob sh", "unknown option --frob");
	parse_fails("--compat=swrap sh", "unknown option --compat=swrap");
}

static void test_errors_name_the_argument(void **state)
{
	(void)state;
	parse_fails("--frobnicate sh", "unknown option --frobnicate");
	parse_fails("-x sh", "unknown option -x");
	parse_fails("--bind /a", "--bind takes 2 arguments: SRC DEST");
	parse_fails("--chdir", "--chdir takes 1 argument: DIR");
	parse_fails("--bind /a b sh", "--bind: destination \"b\" is not absolute");
	parse_fails("--tmpfs '' sh", "--tmpfs: empty destination");
	parse_fails("--chmod 0644 etc sh", "--chmod: path \"etc\"");
	parse_fails("--uid -1 --unshare-user sh", "--uid: \"-1\"");
	parse_fails("--gid 4294967295 --unshare-user sh", "4294967295");
	parse_fails("--seccomp x3 sh", "--seccomp: \"x3\" is not a valid fd");
	parse_fails("--sync-fd 2147483648 sh", "2147483648");
	parse_fails("--keep-fd -2 sh", "--keep-fd: \"-2\"");
	parse_fails("--cap-drop CAP_NOPE sh", "--cap-drop: unknown capability "
		    "CAP_NOPE");
	parse_fails("--rlimit NICE=1 sh", "unknown resource in \"NICE=1\"");
	parse_fails("--rlimit NOFILE sh", "\"NOFILE\" is not NAME=SOFT[:HARD]");
	parse_fails("--rlimit NOFILE=9:8 sh", "soft limit is over");
	parse_fails("--rlimit NOFILE=x sh", "\"x\" is not a size");
	parse_fails("--cgroup a/b sh", "--cgroup: cgroup id \"a/b\"");
	parse_fails("--cgroup-parent ../up --cgroup a sh", "\"../up\"");
	parse_fails("--cgroup-parent p sh", "--cgroup-parent p needs --cgroup");
	parse_fails("--cgroup-optional sh", "--cgroup-optional needs --cgroup");
	parse_fails("--kill-cgroup .. sh", "--kill-cgroup: cgroup id \"..\"");
	parse_fails("--cpu-max 1x sh", "\"1x\" is not QUOTA[/PERIOD]");
	parse_fails("--cpu-max 500 --cgroup a sh", "under 1000");
	parse_fails("--cpu-max 5000/10 --cgroup a sh", "cpu period 10");
	parse_fails("--memory-max 1.5G --cgroup a sh", "\"1.5G\"");
	parse_fails("--pids-max 0 --cgroup a sh", "--pids-max: a limit of 0");
	parse_fails("--volume '' sh", "--volume: \"\" has an empty source");
	parse_fails("--volume :/x sh", "\":/x\" has an empty source");
	parse_fails("--volume /a: sh", "empty destination");
	parse_fails("--volume /a:/b:rx sh", "\"/a:/b:rx\" is not SRC[:DEST][:ro]");
	parse_fails("--volume rel sh", "destination \"rel\" is not absolute");
	parse_fails("--profile vm -- /x/y", "unknown profile \"vm\"");
	parse_fails("--profile shim", "no shim given");
	parse_fails("--seccomp-profile strict sh", "\"strict\"");
	parse_fails("--setenv A=B c sh", "--setenv: environment variable name "
		    "\"A=B\"");
	parse_fails("--hostname '' --unshare-uts sh", "--hostname: empty");
	parse_fails("--emit-bwrap=json sh", "unknown option --emit-bwrap=json");
}

/* An fd holding data, open and not close-on-exec. */
static int data_fd(const char *data, size_t len)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, len), (ssize_t)len);
	close(p[1]);
	return p[0];
}

static sw_spec *parse_with_fd(const char *fmt, int fd)
{
	char line[256];
	snprintf(line, sizeof line, fmt, fd);
	return parse_line(line, NULL);
}

static void test_args_fd(void **state)
{
	(void)state;
	/* "--setenv E" takes its value from the word after --args FD. */
	static const char a[] = "--unshare-pid\0--chdir\0/x y\0--setenv\0E\0";
	int fd = data_fd(a, sizeof a - 1);
	sw_spec *s = parse_with_fd("--args %d v --chdir /z sh", fd);
	assert_int_equal(s->ns, SW_NS_PID);
	assert_string_equal(s->chdir, "/z"); /* the later one wins */
	assert_int_equal(s->nenv, 1);
	assert_string_equal(s->env[0].name, "E");
	assert_string_equal(s->env[0].value, "v");
	assert_int_equal(s->argc, 1);
	assert_string_equal(s->argv[0], "sh");
	assert_int_equal(fcntl(fd, F_GETFD), -1); /* read and closed */
	sw_spec_free(s);

	/* The words may hold the command; the last one may lack its NUL. */
	static const char b[] = "--bind\0/a\0/b\0--\0sh\0-c";
	fd = data_fd(b, sizeof b - 1);
	s = parse_with_fd("--args %d tail", fd);
	assert_int_equal(s->nfs, 1);
	assert_int_equal(s->argc, 3);
	assert_string_equal(s->argv[1], "-c");
	assert_string_equal(s->argv[2], "tail");
	sw_spec_free(s);

	fd = data_fd("", 0);
	s = parse_with_fd("--args %d sh", fd);
	assert_int_equal(s->argc, 1);
	sw_spec_free(s);
}

static void test_args_fd_refusals(void **state)
{
	(void)state;
	char line[128];
	int fd = data_fd("--args\0" "0\0", 9);
	snprintf(line, sizeof line, "--args %d sh", fd);
	parse_fails(line, "--args not supported in arguments file");
	close(fd);
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	snprintf(line, sizeof line, "--args %d sh", p[0]);
	parse_fails(line, "--args: fd");
	parse_fails("--args -3 sh", "--args: \"-3\" is not a valid fd");
	parse_fails("--args", "--args takes 1 argument: FD");
}

static void test_too_many_words(void **state)
{
	(void)state;
	int argc = 9002;
	char **argv = calloc((size_t)argc + 1, sizeof *argv);
	argv[0] = "swrap";
	for (int i = 1; i < argc; i++)
		argv[i] = "--new-session";
	sw_spec *s;
	sw_error err = { 0 };
	struct sw_cli_opts cli = { 0 };
	assert_int_equal(sw_compat_parse(argc, argv, &s, &cli, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "9000"));
	free(argv);
}

static void test_profile_with_options_on_top(void **state)
{
	(void)state;
	struct sw_cli_opts cli = { .host_root = "/nonexistent-root" };
	sw_spec *s = parse_line("--setenv FOO bar --profile shim --chdir /tmp "
				"--cgroup box --memory-max 1G --rlimit NOFILE=64 "
				"-- /opt/box/bin/shim a b", &cli);
	/* Nothing exists under the root: no system binds at all. */
	assert_int_equal(s->fs[0].kind, SW_FS_DEV);
	assert_string_equal(s->env[s->nenv - 1].name, "FOO");
	assert_string_equal(s->chdir, "/tmp");
	assert_string_equal(s->cgroup_id, "box");
	assert_int_equal(s->limits.memory_max, 1ull << 30);
	struct sw_rlimit r;
	assert_true(sw_spec_rlimit_get(s, RLIMIT_NOFILE, &r));
	assert_int_equal(r.soft, 64);
	assert_int_equal(s->argc, 3);
	assert_string_equal(s->argv[0], "/opt/box/bin/shim");
	sw_error err = { 0 };
	assert_int_equal(sw_spec_validate(s, &err), 0);
	check_round_trip(s, false);
	sw_spec_free(s);
	sw_cli_opts_free(&cli);
}

/* A spec built through the C API with every kind of field comes back
 * whole from its swrap form. */
static void test_api_spec_round_trip(void **state)
{
	(void)state;
	sw_spec *s = sw_spec_new();
	sw_error e = { 0 };
	const char *argv[] = { "/bin/prog", "a b", "", "--x" };
	sw_spec_unshare(s, SW_NS_ALL | SW_NS_USER | SW_NS_CGROUP);
	sw_spec_share(s, SW_NS_NET);
	sw_spec_uid(s, 12);
	sw_spec_gid(s, 34);
	sw_spec_new_session(s, true);
	sw_spec_as_pid_1(s, true);
	sw_spec_detach(s, true);
	int r = sw_spec_hostname(s, "jail", &e) | sw_spec_argv(s, 4, argv, &e) |
		sw_spec_bind(s, SW_FS_DEV_BIND, "/dev/null", "/n", SW_BIND_TRY, &e) |
		sw_spec_tmpfs(s, "/t", 01777, 3 << 20, &e) |
		sw_spec_dir(s, "/t/d", 0, &e) |
		sw_spec_symlink(s, "../x y", "/l", &e) |
		sw_spec_chmod(s, "/t", 0700, &e) |
		sw_spec_mount(s, SW_FS_MQUEUE, "/mq", &e) |
		sw_spec_unsetenv(s, "PATH", &e) | sw_spec_clearenv(s, &e) |
		sw_spec_setenv(s, "EMPTY", "", &e) |
		sw_spec_cap(s, false, "ALL", &e) |
		sw_spec_cap(s, true, "CAP_SETUID", &e) |
		sw_spec_seccomp_fd(s, 7, true, &e) |
		sw_spec_seccomp_fd(s, 8, true, &e) |
		sw_spec_landlock(s, SW_LANDLOCK_TRY, &e) |
		sw_spec_seccomp_profile(s, "default", &e) |
		sw_spec_fd(s, SW_FD_JSON_STATUS, 5, &e) |
		sw_spec_keep_fd(s, 11, &e) | sw_spec_argv0(s, "p", &e) |
		sw_spec_chdir(s, "/t", &e) |
		sw_spec_rlimit(s, RLIMIT_MEMLOCK, 64 << 10, SW_RLIM_INF, &e) |
		sw_spec_rlimit(s, RLIMIT_NPROC, 100, 200, &e) |
		sw_spec_cgroup(s, "j-1", "/jails/", true, &e) |
		sw_spec_limit(s, SW_LIMIT_MEMORY_MAX, 12345, &e) |
		sw_spec_limit(s, SW_LIMIT_MEMORY_HIGH, 3ull << 40, &e) |
		sw_spec_limit(s, SW_LIMIT_CPU_QUOTA, 20000, &e) |
		sw_spec_limit(s, SW_LIMIT_CPU_PERIOD, 50000, &e) |
		sw_spec_limit(s, SW_LIMIT_CPU_WEIGHT, 1, &e) |
		sw_spec_limit(s, SW_LIMIT_PIDS_MAX, 9, &e);
	assert_int_equal(r, 0);
	assert_int_equal(sw_spec_validate(s, &e), 0);
	check_round_trip(s, false);
	char *unrep, *line = emit_line(s, &unrep);
	assert_string_equal(unrep, "--seccomp-profile default|--landlock-try|"
			    "--keep-fd 11|"
			    "--detach|--rlimit MEMLOCK=64K:unlimited|"
			    "--rlimit NPROC=100:200|--cgroup j-1|"
			    "--cgroup-parent /jails/|--cgroup-optional|"
			    "--memory-max 12345|--memory-high 3T|"
			    "--cpu-max 20000/50000|--cpu-weight 1|--pids-max 9");
	assert_string_equal(line, "bwrap --unshare-user --unshare-user-try "
			    "--unshare-pid --unshare-ipc --unshare-uts "
			    "--unshare-cgroup --unshare-cgroup-try --uid 12 "
			    "--gid 34 --hostname jail --new-session --as-pid-1 "
			    "--dev-bind-try /dev/null /n --perms 1777 --size "
			    "3145728 --tmpfs /t --perms 0000 --dir /t/d --symlink "
			    "'../x y' /l --chmod 0700 /t --mqueue /mq --unsetenv "
			    "PATH --clearenv --setenv EMPTY '' --cap-drop ALL "
			    "--cap-add CAP_SETUID --add-seccomp-fd 7 "
			    "--add-seccomp-fd 8 --json-status-fd 5 --argv0 p "
			    "--chdir /t -- /bin/prog 'a b' '' --x");
	free(line);
	free(unrep);
	sw_spec_free(s);
}

static void test_shell_quote(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{ "plain", "plain" },
		{ "/usr/bin:/bin", "/usr/bin:/bin" },
		{ "a=b,c@d%e+f", "a=b,c@d%e+f" },
		{ "", "''" },
		{ "two words", "'two words'" },
		{ "it's", "'it'\\''s'" },
		{ "$HOME", "'$HOME'" },
		{ "a\nb", "'a\nb'" },
		{ "*", "'*'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *q = sw_compat_shell_quote(cases[i][0]);
		assert_string_equal(q, cases[i][1]);
		free(q);
	}
	char *argv[] = { "bwrap", "a b", "" };
	char *j = sw_compat_shell_join(argv, 3);
	assert_string_equal(j, "bwrap 'a b' ''");
	free(j);
	j = sw_compat_shell_join(argv, 0);
	assert_string_equal(j, "");
	free(j);
}

/* The public face of the emitter (swrap.h: sw_spec_emit_bwrap). */
static void test_public_emit_bwrap(void **state)
{
	(void)state;
	sw_error err = { 0 };
	sw_spec *s = sw_spec_new();
	const char *argv[] = { "/bin/true", "a b" };
	sw_spec_unshare(s, SW_NS_PID);
	assert_int_equal(sw_spec_argv(s, 2, argv, &err), 0);
	char **v = NULL;
	size_t n = 0;
	assert_int_equal(sw_spec_emit_bwrap(s, &v, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "bwrap");
	assert_string_equal(v[1], "--unshare-pid");
	assert_string_equal(v[2], "--");
	assert_string_equal(v[4], "a b");
	assert_null(v[5]);
	sw_strv_free(v);
	assert_int_equal(sw_spec_emit_bwrap(s, &v, NULL, &err), 0);
	sw_strv_free(v);
	sw_strv_free(NULL);
	assert_int_equal(sw_spec_emit_bwrap(s, NULL, &n, &err), -EINVAL);
	assert_int_equal(sw_spec_emit_bwrap(NULL, &v, &n, &err), -EINVAL);
	sw_spec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_table),
		cmocka_unit_test(test_command_boundaries),
		cmocka_unit_test(test_cli_options),
		cmocka_unit_test(test_perms_and_size_rules),
		cmocka_unit_test(test_errors_name_the_argument),
		cmocka_unit_test(test_new_options_bad_input),
		cmocka_unit_test(test_args_fd),
		cmocka_unit_test(test_args_fd_refusals),
		cmocka_unit_test(test_too_many_words),
		cmocka_unit_test(test_profile_with_options_on_top),
		cmocka_unit_test(test_api_spec_round_trip),
		cmocka_unit_test(test_shell_quote),
		cmocka_unit_test(test_public_emit_bwrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
