/* compat.h — bubblewrap's command line, both ways.
 *
 *   sw_compat_parse()   bwrap-style argv (plus swrap's extensions) → spec.
 *                       One option table drives parsing and --help.
 *   sw_compat_emit()    spec → the equivalent bwrap argv, canonical: the
 *                       same spec always gives the same argv, and parsing
 *                       that argv gives the same spec back. What bwrap
 *                       cannot express is returned apart, spelled as the
 *                       swrap options that would express it.
 *
 * Library code: nothing here prints or exits. Errors come back as -errno
 * with a message in the sw_error that names the offending argument. The
 * only system calls are the ones --args needs (fcntl, read, close on the
 * fd it names).
 */
#ifndef SW_COMPAT_H
#define SW_COMPAT_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/spec.h"

/* What the command line asks of the CLI itself, beside the spec. */
struct sw_cli_opts {
	/* In: read by the caller from its environment (NULL when unset) and
	 * used by --profile shim. */
	const char *host_root;      /* SWRAP_HOST_ROOT: existence checks */
	const char *rust_log;       /* RUST_LOG, passed to the shim */
	const char *rust_backtrace; /* RUST_BACKTRACE, passed to the shim */

	/* In and out: the bwrap personality (main sets it when argv[0]'s
	 * basename is "bwrap"; --compat=bwrap sets it). The spec gets
	 * SW_COMPAT_BWRAP. */
	bool bwrap;

	/* Out: set by sw_compat_parse (which clears them first). */
	bool help;          /* --help: print sw_compat_help(), run nothing */
	bool version;       /* --version */
	bool emit;          /* --emit-bwrap: print the bwrap argv, run nothing */
	bool emit_nul;      /* --emit-bwrap=nul: NUL-separated */
	char *kill_cgroup;   /* --kill-cgroup ID (malloc'd) */
	char *cgroup_parent; /* --cgroup-parent (malloc'd; also for --kill) */
	bool level_prefix;   /* --level-prefix: "<N>" before each message */
	const char *warning; /* a warning to print (static text), or NULL */
	/* --stop-cgroup, --freeze-cgroup, --thaw-cgroup, --cgroup-stats ID:
	 * the action and its jail (malloc'd); at most one action a run. */
	enum { SW_CG_NONE, SW_CG_STOP, SW_CG_FREEZE, SW_CG_THAW,
	       SW_CG_STATS } cg_action;
	char *cg_id;
	unsigned grace_ms;  /* --grace MS (with --stop-cgroup); default 5000 */
	bool grace_set;
	bool json;          /* --json (with --cgroup-stats) */
};
void sw_cli_opts_free(struct sw_cli_opts *cli); /* frees the Out strings */

/* Parses argv (argv[0] is the program's name, skipped). On success *out
 * is a new spec (also with --help/--version, when it may be partial) that
 * the caller frees; it is not validated: call sw_spec_validate. On failure
 * *out is NULL. Follows bubblewrap: options end at "--" or at the first
 * word not starting with '-', which begins the command; scalars (--uid,
 * --chdir, ...) take the last value given; --perms and --size apply to the
 * next --dir/--tmpfs; --args FD splices NUL-separated words read from FD
 * (which it closes) in its place. */
int sw_compat_parse(int argc, char **argv, sw_spec **out,
		    struct sw_cli_opts *cli, sw_error *err);

/* The bwrap argv for spec: argv[0] is "bwrap", NULL-terminated, *argc_out
 * words. *unrepresentable_out (when not NULL) gets a NULL-terminated list
 * of what bwrap cannot express, one entry per option, in swrap syntax
 * ("--rlimit NOFILE=1024:1024"); it is empty, not NULL, when all fits.
 * Free both with sw_compat_strv_free. */
int sw_compat_emit(const sw_spec *spec, char ***argv_out, size_t *argc_out,
		   char ***unrepresentable_out, sw_error *err);
/* The same as a swrap argv (argv[0] "swrap"), extensions inline before
 * "--": parsing it gives spec back even when bwrap could not express it. */
int sw_compat_emit_swrap(const sw_spec *spec, char ***argv_out,
			 size_t *argc_out, sw_error *err);
void sw_compat_strv_free(char **v);

/* s quoted for a POSIX shell: as is when it is only safe characters,
 * else in single quotes. malloc'd; NULL when out of memory. */
char *sw_compat_shell_quote(const char *s);
/* argv shell-quoted and joined by spaces, no newline. malloc'd. */
char *sw_compat_shell_join(char *const *argv, size_t argc);

/* ---- the option table ------------------------------------------------ */

struct sw_parse; /* parse state, private to parse.c */

enum {
	SW_OPT_EXT = 1u << 0,      /* a swrap extension bwrap lacks */
	SW_OPT_MODIFIER = 1u << 1, /* --perms, --size: apply to the next */
	SW_OPT_EARLY = 1u << 2,    /* handled before the others (profile) */
	SW_OPT_SPLICE = 1u << 3,   /* --args: words from an fd */
	SW_OPT_DIFFERS = 1u << 4,  /* swrap's personality differs (help: *) */
};

struct sw_compat_option {
	const char *name;    /* "--bind"; NULL: a section heading (help) */
	int nargs;           /* 0 to 3 */
	const char *metavar; /* "SRC DEST" */
	const char *help;    /* one line */
	int (*handle)(struct sw_parse *p, const struct sw_compat_option *o,
		      char *const *args);
	unsigned data; /* handler's own: namespace bits, fs kind, fd role */
	unsigned flags; /* SW_OPT_* */
};

/* The table, *n rows (headings included). */
const struct sw_compat_option *sw_compat_options(size_t *n);

/* The --help text built from the table: every line fits 80 columns. It
 * starts "usage: PROG [OPTIONS...] [--] COMMAND [ARGS...]" (bubblewrap's
 * first line, which its test suite checks). malloc'd; NULL when out of
 * memory. */
char *sw_compat_help(const char *prog);

#endif
