/* preflight.h — can a jail be made here? The checks behind `swrap doctor`.
 *
 * The checks diagnose: they read /proc, /sys and /dev, ask the kernel
 * about system calls with arguments that can't do anything (an fd of -1, a
 * NULL ruleset), and try unshare() in a forked child that exits at once.
 * One check acts, and undoes it: cgroup.delegation creates a throwaway jail
 * cgroup with limits and removes it, because only trying tells whether
 * cgroup2 accepts limits here. Nothing prints; the results are data for
 * the CLI (or a launcher) to show as it likes.
 */
#ifndef SW_PREFLIGHT_H
#define SW_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

enum sw_pf_status { SW_PF_PASS, SW_PF_WARN, SW_PF_FAIL };

#define SW_PF_MAX 16

struct sw_pf_check {
	const char *name;         /* stable id, e.g. "userns.max" */
	enum sw_pf_status status;
	char detail[256];         /* what was found */
	char fix[768];            /* what to do; "" when nothing to do */
};

struct sw_pf_report {
	struct sw_pf_check checks[SW_PF_MAX];
	size_t n;
	bool jail_ok; /* user namespaces (or root) AND a mount namespace work */
};

/* Where to look. Every NULL field takes the real path; tests point them at
 * a fake tree. probe replaces the real fork+unshare test: it returns 0 or
 * -errno for unshare(flags). */
struct sw_pf_opts {
	const char *proc_sys;  /* "/proc/sys" */
	const char *proc_self; /* "/proc/self": mountinfo, cgroup */
	const char *dev;       /* "/dev": kvm, net/tun */
	const char *exe;       /* the launcher binary, for the AppArmor
				  profile; NULL: "/usr/bin/swrap" */
	int (*probe)(int unshare_flags);
	/* cgroup.delegation: 0 PASS, 1 WARN, 2 FAIL, with detail and fix
	 * ("" for none); NULL: sw_cgroup_trial_at on the real host. */
	int (*cgroup_trial)(char *detail, size_t detail_len, char *fix,
			    size_t fix_len);
};

/* Runs every check, in a fixed order, into *out. Never fails: a check that
 * can't look is reported as such. Forks (briefly) unless opts->probe is
 * set; safe from a multithreaded caller (the child only calls unshare and
 * _exit). opts may be NULL. */
void sw_preflight_run(const struct sw_pf_opts *opts, struct sw_pf_report *out);

/* The real probe: forks a child that calls unshare(flags) and _exits with
 * the result. Returns 0 or -errno. */
int sw_preflight_probe(int unshare_flags);

/* "PASS", "WARN", "FAIL". */
const char *sw_preflight_status_name(enum sw_pf_status s);

#endif
