/* parse.c — bubblewrap's command line → spec.
 *
 * Two passes over the words. The scan walks the table: it finds each
 * option and its arguments, splices --args files in, stops at the command,
 * and runs the few "early" options (--help, --profile, --volume, --detach,
 * --landlock) whose answer shapes the rest. Then, when a profile was named, the profile
 * is built first; then every option's handler runs in order on top of it,
 * so that what the user adds can refine or override what the profile set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/compat_int.h"

/* bubblewrap's bound on the number of words, --args included. */
#define MAX_WORDS 9000
/* And ours on the size of one --args file. */
#define MAX_ARGS_BYTES (16u << 20)

static const struct sw_compat_option *lookup(const char *name)
{
	size_t n;
	const struct sw_compat_option *t = sw_compat_options(&n);
	for (size_t i = 0; i < n; i++)
		if (t[i].name && strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static int read_fail(int fd, char *buf, int code, sw_error *err)
{
	free(buf);
	close(fd);
	if (code == E2BIG)
		return sw_error_set(err, E2BIG, "fd %d holds more than %u bytes",
				    fd, MAX_ARGS_BYTES);
	if (code == ENOMEM)
		return sw_error_set(err, ENOMEM, "out of memory");
	return sw_error_set(err, code, "can't read fd %d: %s", fd,
			    strerror(code));
}

/* Reads all of fd, then closes it (as bwrap does), into a NUL-terminated
 * buffer. */
static int read_all(int fd, char **out, size_t *len, sw_error *err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return read_fail(fd, buf, ENOMEM, err);
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_ARGS_BYTES)
				return read_fail(fd, buf, E2BIG, err);
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				return read_fail(fd, buf, ENOMEM, err);
			buf = nb;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got == 0)
			break;
		if (got < 0 && errno != EINTR)
			return read_fail(fd, buf, errno, err);
		n += got > 0 ? (size_t)got : 0;
	}
	close(fd);
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

/* Splits NUL-separated data into words; a last word may lack its NUL. */
static size_t split_words(char *data, size_t len, struct sw_word *out)
{
	size_t n = 0;
	for (char *p = data; p < data + len; p += strlen(p) + 1) {
		if (out)
			out[n] = (struct sw_word){ p, true };
		n++;
	}
	return n;
}

/* Replaces words[i], words[i + 1] ("--args FD") by the words of FD. */
static int splice_args(struct sw_parse *p, size_t i)
{
	int fd, r = sw_parse_fd(p->words[i + 1].s, &fd, p->err);
	if (r == 0 && fcntl(fd, F_GETFD) < 0)
		r = sw_error_set(p->err, EBADF, "fd %d is not open", fd);
	char *data = NULL;
	size_t len = 0;
	if (r == 0)
		r = read_all(fd, &data, &len, p->err);
	if (r < 0)
		return r;
	char **bufs = sw_spec_grow(p->bufs, p->nbufs, sizeof *bufs);
	if (!bufs) {
		free(data);
		return sw_error_set(p->err, ENOMEM, "out of memory");
	}
	p->bufs = bufs;
	bufs[p->nbufs++] = data;
	size_t k = split_words(data, len, NULL), total = p->nwords - 2 + k;
	if (total > MAX_WORDS)
		return sw_error_set(p->err, E2BIG, "more than %d arguments",
				    MAX_WORDS);
	struct sw_word *w = malloc((total + 1) * sizeof *w);
	if (!w)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	memcpy(w, p->words, i * sizeof *w);
	split_words(data, len, w + i);
	memcpy(w + i + k, p->words + i + 2, (p->nwords - i - 2) * sizeof *w);
	free(p->words);
	p->words = w;
	p->nwords = total;
	return 0;
}

static int add_tok(struct sw_parse *p, const struct sw_compat_option *o,
		   size_t i)
{
	struct sw_tok *t = sw_spec_grow(p->toks, p->ntoks, sizeof *t);
	if (!t)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	p->toks = t;
	t = &t[p->ntoks++];
	t->opt = o;
	for (int k = 0; k < o->nargs; k++)
		t->args[k] = p->words[i + 1 + k].s;
	return 0;
}

/* Prefixes the handler's message with the option that failed. */
static int blame(struct sw_parse *p, const char *opt, int r)
{
	if (p->no_blame)
		return r;
	if (p->err) {
		char msg[sizeof p->err->msg];
		snprintf(msg, sizeof msg, "%s", p->err->msg);
		sw_error_set(p->err, r, "%s: %s", opt, msg);
	}
	return r;
}

/* One option at words[i]; *next is where the following one starts. */
static int scan_one(struct sw_parse *p, size_t i, size_t *next)
{
	const char *w = p->words[i].s;
	const struct sw_compat_option *o = lookup(w);
	if (!o)
		return sw_error_set(p->err, EINVAL, "unknown option %s", w);
	if (i + o->nargs >= p->nwords)
		return sw_error_set(p->err, EINVAL, "%s takes %d argument%s: %s",
				    w, o->nargs, o->nargs > 1 ? "s" : "",
				    o->metavar);
	/* bubblewrap's rule, and its words. */
	if (strcmp(w, "--args") == 0 && p->words[i].from_file)
		return sw_error_set(p->err, EINVAL, "--args not supported in "
				    "arguments file");
	*next = i;
	if (o->flags & SW_OPT_SPLICE) {
		int r = splice_args(p, i);
		return r < 0 ? blame(p, w, r) : 0;
	}
	*next = i + 1 + o->nargs;
	int r = add_tok(p, o, i);
	if (r == 0 && (o->flags & SW_OPT_EARLY))
		r = o->handle(p, o, p->toks[p->ntoks - 1].args);
	return r < 0 ? blame(p, w, r) : 0;
}

static int scan(struct sw_parse *p)
{
	size_t i = 0;
	while (i < p->nwords && !p->stop) {
		const char *w = p->words[i].s;
		if (strcmp(w, "--") == 0) {
			p->cmd = i + 1;
			return 0;
		}
		if (w[0] != '-') { /* bwrap: the first non-option is the command */
			p->cmd = i;
			return 0;
		}
		int r = scan_one(p, i, &i);
		if (r < 0)
			return r;
	}
	p->cmd = p->nwords;
	return 0;
}

/* The command's words, as a NULL-terminated array (malloc'd). */
static const char **command(struct sw_parse *p, size_t *argc)
{
	*argc = p->nwords - p->cmd;
	const char **v = calloc(*argc + 1, sizeof *v);
	for (size_t i = 0; v && i < *argc; i++)
		v[i] = p->words[p->cmd + i].s;
	return v;
}

static int apply_profile(struct sw_parse *p)
{
	size_t argc;
	const char **argv = command(p, &argc);
	if (!argv)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	int r = 0;
	if (argc == 0)
		r = sw_error_set(p->err, EINVAL, "--profile shim: no shim given "
				 "(--profile shim [OPTIONS] -- SHIM [ARGS])");
	struct sw_shim_opts o = {
		.shim = argv[0], .args = argv + 1, .argc = argc ? argc - 1 : 0,
		.detached = p->detach,
		.rw_paths = (const char *const *)p->rw, .n_rw = p->nrw,
		.ro_paths = (const char *const *)p->ro, .n_ro = p->nro,
		.host_root = p->cli->host_root, .rust_log = p->cli->rust_log,
		.rust_backtrace = p->cli->rust_backtrace,
		.landlock = p->landlock == SW_LANDLOCK_ON,
	};
	if (r == 0)
		r = sw_spec_profile_shim(p->spec, &o, p->err);
	free(argv);
	return r < 0 ? blame(p, "--profile shim", r) : 0;
}

/* A --perms or --size still waiting when another option came. */
static int check_modifiers(struct sw_parse *p, const char *next)
{
	const char *got = next ? next : "the end of the options";
	if (p->next_perms >= 0)
		return sw_error_set(p->err, EINVAL, "--perms %s must be followed "
				    "by --dir, --tmpfs, --file, --bind-data or "
				    "--ro-bind-data, not %s", p->perms_arg, got);
	if (p->next_size)
		return sw_error_set(p->err, EINVAL, "--size %s must be followed "
				    "by --tmpfs, not %s", p->size_arg, got);
	return 0;
}

static bool is_overlay_opt(const struct sw_compat_option *o)
{
	static const char *const names[] = { "--overlay-src", "--overlay",
					      "--tmp-overlay", "--ro-overlay" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(o->name, names[i]) == 0)
			return true;
	return false;
}

/* bubblewrap's rule and message: --overlay-src only before an overlay. */
static int check_overlay_src(struct sw_parse *p,
			     const struct sw_compat_option *o)
{
	if (p->novl == 0 || (o && is_overlay_opt(o)))
		return 0;
	return sw_error_set(p->err, EINVAL, "--overlay-src must be followed "
			    "by another --overlay-src or one of --overlay, "
			    "--tmp-overlay, or --ro-overlay");
}

static int apply(struct sw_parse *p)
{
	p->applying = true;
	for (size_t i = 0; i < p->ntoks; i++) {
		const struct sw_compat_option *o = p->toks[i].opt;
		int r = check_overlay_src(p, o);
		if (r < 0)
			return r;
		r = o->handle(p, o, p->toks[i].args);
		if (r < 0)
			return blame(p, o->name, r);
		if (!(o->flags & SW_OPT_MODIFIER) &&
		    (r = check_modifiers(p, o->name)) < 0)
			return r;
	}
	int r = check_overlay_src(p, NULL);
	return r < 0 ? r : check_modifiers(p, NULL);
}

/* The command (unless the profile set it) and the cgroup, from its parts. */
static int finish(struct sw_parse *p)
{
	int r = 0;
	if (p->cgroup_id)
		r = sw_spec_cgroup(p->spec, p->cgroup_id, p->cgroup_parent,
				   p->cgroup_optional, p->err);
	else if (p->cgroup_parent && !p->cli->kill_cgroup && !p->cli->cg_action)
		r = sw_error_set(p->err, EINVAL, "--cgroup-parent %s needs "
				 "--cgroup ID, or an action on a jail's cgroup "
				 "(--kill-cgroup, --stop-cgroup, --freeze-cgroup, "
				 "--thaw-cgroup, --cgroup-stats ID)",
				 p->cgroup_parent);
	else if (p->cgroup_optional)
		r = sw_error_set(p->err, EINVAL, "--cgroup-optional needs "
				 "--cgroup ID");
	if (r == 0 && (p->host_uid != SW_UNSET_ID || p->host_gid != SW_UNSET_ID))
		r = sw_spec_host_ids(p->spec, p->host_uid, p->host_gid, p->err);
	if (r == 0 && (p->cli->kill_cgroup ? 1 : 0) + (p->cli->cg_action ? 1 : 0) > 1)
		r = sw_error_set(p->err, EINVAL, "--kill-cgroup cannot be "
				 "combined with another action on a cgroup");
	if (r == 0 && p->cli->grace_set && p->cli->cg_action != SW_CG_STOP)
		r = sw_error_set(p->err, EINVAL, "--grace needs --stop-cgroup ID");
	if (r == 0 && p->cli->json && p->cli->cg_action != SW_CG_STATS)
		r = sw_error_set(p->err, EINVAL, "--json needs --cgroup-stats ID");
	/* swrap exits as soon as a detached jail runs: with a death signal
	 * tied to it, the jail would die right away. */
	if (r == 0 && p->spec->detach && p->spec->die_with_parent)
		r = sw_error_set(p->err, EINVAL, "--detach cannot be combined "
				 "with --die-with-parent (the jail would die "
				 "when swrap exits)");
	if (r < 0 || p->profile || p->cmd >= p->nwords)
		return r;
	size_t argc;
	const char **argv = command(p, &argc);
	if (!argv)
		return sw_error_set(p->err, ENOMEM, "out of memory");
	r = sw_spec_argv(p->spec, argc, argv, p->err);
	free(argv);
	return r;
}

static int run(struct sw_parse *p)
{
	int r = scan(p);
	if (r < 0 || p->stop)
		return r;
	if (p->profile && (r = apply_profile(p)) < 0)
		return r;
	r = apply(p);
	return r < 0 ? r : finish(p);
}

static void parse_free(struct sw_parse *p)
{
	for (size_t i = 0; i < p->nbufs; i++)
		free(p->bufs[i]);
	for (size_t i = 0; i < p->nrw; i++)
		free(p->rw[i]);
	for (size_t i = 0; i < p->nro; i++)
		free(p->ro[i]);
	free(p->bufs);
	free(p->rw);
	free(p->ro);
	free(p->words);
	free(p->toks);
	free(p->ovl);
}

void sw_cli_opts_free(struct sw_cli_opts *cli)
{
	free(cli->kill_cgroup);
	free(cli->cgroup_parent);
	free(cli->cg_id);
	cli->kill_cgroup = cli->cgroup_parent = cli->cg_id = NULL;
}

static void clear_outputs(struct sw_cli_opts *cli)
{
	cli->help = cli->version = cli->emit = cli->emit_nul = false;
	cli->kill_cgroup = cli->cgroup_parent = NULL;
	cli->level_prefix = false;
	cli->warning = NULL;
	cli->kill_cgroup = cli->cgroup_parent = cli->cg_id = NULL;
	cli->cg_action = SW_CG_NONE;
	cli->grace_ms = 5000;
	cli->grace_set = cli->json = false;
}

int sw_compat_parse(int argc, char **argv, sw_spec **out,
		    struct sw_cli_opts *cli, sw_error *err)
{
	struct sw_parse p = { .cli = cli, .err = err,
			      .next_perms = SW_MODE_DEFAULT,
			      .host_uid = SW_UNSET_ID, .host_gid = SW_UNSET_ID };
	*out = NULL;
	clear_outputs(cli);
	size_t n = argc > 1 ? (size_t)argc - 1 : 0;
	if (n > MAX_WORDS)
		return sw_error_set(err, E2BIG, "more than %d arguments",
				    MAX_WORDS);
	p.spec = sw_spec_new();
	p.words = calloc(n + 1, sizeof *p.words);
	if (!p.spec || !p.words) {
		sw_spec_free(p.spec);
		free(p.words);
		return sw_error_set(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		p.words[i] = (struct sw_word){ argv[i + 1], false };
	p.nwords = n;
	if (cli->bwrap)
		sw_spec_compat(p.spec, SW_COMPAT_BWRAP);
	int r = run(&p);
	parse_free(&p);
	if (r < 0) {
		sw_spec_free(p.spec);
		sw_cli_opts_free(cli);
		return r;
	}
	*out = p.spec;
	return 0;
}
