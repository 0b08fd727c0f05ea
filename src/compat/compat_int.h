/* compat_int.h — shared by the parser's files: its state, and the parsers
 * of numbers the options take. Private to src/compat. */
#ifndef SW_COMPAT_INT_H
#define SW_COMPAT_INT_H

#include "compat/compat.h"

/* A word of the command line; from_file: it came from an --args fd. */
struct sw_word {
	char *s;
	bool from_file;
};

/* An option found by the scan, with its arguments. */
struct sw_tok {
	const struct sw_compat_option *opt;
	char *args[3];
};

struct sw_parse {
	sw_spec *spec;
	struct sw_cli_opts *cli;
	sw_error *err;
	bool applying; /* false in the scan, true when building the spec */
	bool stop;     /* --help or --version: nothing more to do */

	struct sw_word *words; /* argv with every --args spliced in */
	size_t nwords;
	char **bufs; /* --args data the words point into */
	size_t nbufs;
	struct sw_tok *toks;
	size_t ntoks;
	size_t cmd; /* the command's first word; nwords when none */

	/* --overlay-src paths waiting for their overlay (bubblewrap). */
	const char **ovl;
	size_t novl;
	/* The handler's message is complete: no "--opt: " prefix. */
	bool no_blame;

	/* --perms and --size wait for the option they apply to. */
	int next_perms; /* -1: none */
	uint64_t next_size; /* 0: none */
	const char *perms_arg, *size_arg;

	/* --profile and what it takes, found by the scan. */
	const char *profile;
	bool detach;
	int landlock; /* the last --landlock[-try] (enum sw_landlock) */
	char **rw, **ro; /* "SRC:DEST" */
	size_t nrw, nro;

	/* --host-uid, --host-gid (SW_UNSET_ID when not given), put together
	 * at the end. */
	uint32_t host_uid, host_gid;

	/* The cgroup options, put together at the end. */
	const char *cgroup_id, *cgroup_parent;
	bool cgroup_optional;
};

/* bwrap's fd syntax: decimal, non-negative, nothing else. */
int sw_parse_fd(const char *s, int *fd, sw_error *err);
/* A uid or gid: decimal 0..4294967294. */
int sw_parse_id(const char *s, uint32_t *id, sw_error *err);
/* An octal mode <= 07777, as bwrap's --perms and --chmod. */
int sw_parse_octal(const char *s, int *mode, sw_error *err);
/* --size: bwrap's strtoull(base 0) syntax, non-zero, <= SW_TMPFS_SIZE_MAX;
 * a K/M/G/T suffix (powers of 1024) is a swrap extension. */
int sw_parse_tmpfs_size(const char *s, uint64_t *out, sw_error *err);
/* A decimal size with an optional K/M/G/T suffix; "unlimited" gives
 * SW_RLIM_INF when unlimited_ok. */
int sw_parse_size(const char *s, bool unlimited_ok, uint64_t *out,
		  sw_error *err);
/* A plain decimal count. */
int sw_parse_count(const char *s, uint64_t *out, sw_error *err);

/* "SRC[:DEST][:ro|:rw]" → malloc'd src and dest (DEST defaults to SRC). */
int sw_parse_volume(const char *s, char **src, char **dest, bool *ro,
		    sw_error *err);

#endif
