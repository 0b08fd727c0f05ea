/* env_internal.h — the env plan's layout and the pure pieces behind it.
 *
 * Only the files of src/env/ and the unit tests include this. Everything in a plan is
 * allocated by the parent; the child only reads it (and writes the two
 * buffers the plan set aside for it: the PWD slot and the exec scratch).
 */
#ifndef SW_ENV_INTERNAL_H
#define SW_ENV_INTERNAL_H

#include <limits.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "env/env.h"

/* glibc's execvp when PATH is unset (confstr(_CS_PATH)). */
#define SW_ENV_DEFAULT_PATH "/bin:/usr/bin"

/* Test switches (sw_env_plan_set_test_flags): force the fallbacks. */
enum {
	SW_ENV_TEST_FD_WALK = 1u << 0,  /* skip close_range */
	SW_ENV_TEST_FD_BRUTE = 1u << 1, /* skip close_range and /proc */
};

/* A growable list of "NAME=VALUE" strings, each malloc'd. */
struct sw_env_list {
	char **v;
	size_t n, cap;
};

/* What the capability rules decided, as 64-bit masks (bit N = CAP N). */
struct sw_env_caps {
	uint64_t requested; /* E = P = I, ambient, and the bounding set */
	bool do_bounding;   /* drop every other cap from the bounding set */
	bool do_capset;     /* set E = P = I = requested */
	bool eperm_ok;      /* bubblewrap: capset's EPERM ignored (uid 0) */
};

/* The launcher's own capabilities, read once in the parent. */
struct sw_env_capstate {
	uint64_t eff, prm, inh, bnd;
	uint64_t valid; /* caps this kernel knows: bits 0..cap_last_cap */
};

struct sw_env_rlim {
	int resource;
	uint64_t soft, hard; /* RLIM_INFINITY for unlimited */
};

/* Tests only: SW_ENV_TEST_* bits. */
void sw_env_plan_set_test_flags(struct sw_env_plan *plan, unsigned flags);

struct sw_env_plan {
	const sw_spec *spec; /* borrowed: must outlive the plan */

	/* environment */
	char **envp;      /* NULL-terminated, owned */
	char *pwd_slot;   /* the "PWD=..." entry of envp, SW_ENV_PWD_MAX */
	const char *path; /* the jail's PATH (points into envp or static) */
	const char *home; /* HOME's value, NULL when unset */

	/* exec */
	char **argv;      /* NULL-terminated; strings borrowed from the spec */
	const char *file; /* what to look up: spec->argv[0] */
	char *scratch;    /* PATH_MAX bytes for candidate paths */

	struct sw_env_rlim *rlim;
	size_t nrlim;

	/* capabilities */
	const struct sw_capop *capops; /* borrowed from the spec */
	size_t ncapops;
	uid_t caller_euid;
	struct sw_env_capstate capstate;
	struct sw_env_caps caps;

	/* fds */
	int *keep; /* sorted, unique, includes 0 1 2 */
	size_t nkeep;
	int *uncloexec; /* kept fds >= 3 whose CLOEXEC must be cleared */
	size_t nuncloexec;
	int fd_scan_max; /* bound for the brute-force fallback */
	/* --fd-map (borrowed from the spec); the temporary copies go at or
	 * above fdmap_base, clear of every source and destination */
	const int *fdmap_src, *fdmap_dst;
	size_t nfdmap;
	int fdmap_base;
	unsigned test_flags;

	/* seccomp: installed in order */
	struct sock_fprog *filters;
	size_t nfilters;

	/* Landlock: no ruleset when llhandled is 0 */
	uint64_t llhandled; /* handled_access_fs for the kernel's ABI */
	int llabi;
	struct sw_env_llrule *llrules; /* [0] is the root "/" */
	size_t nllrules;
};

/* One Landlock rule: the rights beneath a path of the final root. */
struct sw_env_llrule {
	const char *path; /* borrowed from the spec, or "/" */
	uint64_t access;  /* cut to the handled rights */
	int index;        /* spec->fs index, SW_ENV_LL_ROOT for "/" */
	bool skip;        /* the mount plan skipped the operation */
};

#define SW_ENV_PWD_MAX (4 + PATH_MAX)

/* environ.c */
void sw_env_list_free(struct sw_env_list *l);
/* Applies spec's env ops to a copy of base (NULL-terminated). */
int sw_env_build(char *const *base, const struct sw_envop *ops, size_t n,
		 struct sw_env_list *out, sw_error *err);
/* The value of name in list, or NULL. */
const char *sw_env_list_get(const struct sw_env_list *l, const char *name);
int sw_env_plan_environ(struct sw_env_plan *plan, const sw_spec *spec,
			sw_error *err);

/* caps.c */
int sw_env_capstate_read(struct sw_env_capstate *st, sw_error *err);
/* The pure rules: ops in order, the launcher's euid and capabilities, and
 * whether the jail has its own user namespace. */
int sw_env_caps_compute(const struct sw_capop *ops, size_t n, uid_t euid,
			bool userns, const struct sw_env_capstate *st,
			struct sw_env_caps *out, sw_error *err);

/* bubblewrap's own rules (the bwrap personality): uid 0 starts from its
 * effective set, nothing is refused, capset only when --cap-* was used or
 * for a non-root caller, the bounding set cut only in a user namespace. */
int sw_env_caps_compute_bwrap(const struct sw_capop *ops, size_t n,
			      uid_t euid, bool userns,
			      const struct sw_env_capstate *st,
			      struct sw_env_caps *out, sw_error *err);

/* rlimit.c */
const char *sw_env_rlimit_name(int resource);
int sw_env_plan_rlimits(struct sw_env_plan *plan, const sw_spec *spec,
			bool userns, sw_error *err);

/* fds.c */
int sw_env_plan_fds(struct sw_env_plan *plan, const sw_spec *spec,
		    sw_error *err);

/* seccomp.c */
/* Checks a classic BPF program the way the kernel's seccomp does
 * (opcodes, jumps, loads); what names the program in messages. */
int sw_env_bpf_check(const struct sock_filter *f, size_t n, const char *what,
		     sw_error *err);
/* Reads a raw program from fd (as bubblewrap: the whole content). */
int sw_env_bpf_read_fd(int fd, const char *what, struct sock_fprog *out,
		       sw_error *err);
/* The built-in "default" profile, exported to BPF. */
int sw_env_seccomp_default(struct sock_fprog *out, sw_error *err);
int sw_env_plan_seccomp(struct sw_env_plan *plan, const sw_spec *spec,
			sw_error *err);

/* landlock.c */
/* The filesystem rights Landlock ABI abi handles (0 below 1). */
uint64_t sw_env_landlock_handled(int abi);
/* The rights an operation of this kind grants beneath its destination
 * (before the ABI's cut; 0: no rule), and the new root's own. */
uint64_t sw_env_landlock_access(enum sw_fs_kind kind);
uint64_t sw_env_landlock_root_access(void);
/* Asks the kernel's ABI (spec->landlock off: nothing) and fills the rules;
 * -EOPNOTSUPP with a message when --landlock finds no Landlock. */
int sw_env_plan_landlock(struct sw_env_plan *plan, const sw_spec *spec,
			 sw_error *err);

#endif
