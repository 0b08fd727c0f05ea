/* caps.c — capabilities: nothing unless asked for.
 *
 *  1. The starting set R is empty, for every launcher.
 *  2. --cap-add X sets bit X, --cap-add ALL sets every bit, --cap-drop X
 *     clears bit X, --cap-drop ALL empties R: in order (bubblewrap's rule).
 *  3. The bounding set is cut down to R, and effective = permitted =
 *     inheritable = R.
 *  4. Every cap in R is raised in the ambient set, so it survives execve
 *     for a non-zero uid inside; where that cannot work (a cap not in
 *     inheritable) the raise is skipped, as bubblewrap ignores EPERM.
 *
 * Two deliberate differences from bubblewrap, both for a uid-0 launcher:
 *  - bubblewrap starts R from the launcher's own set (all of root's caps)
 *    and, without a user namespace, leaves the bounding set alone. Then a
 *    root launcher's jailed command runs as the host's uid 0 with every
 *    capability: it can remount its read-only binds read-write and write
 *    to the host. swrap gives it none unless --cap-add says so.
 *  - without a user namespace a cap the launcher lacks can't be passed on
 *    (capset fails). bubblewrap ignores that EPERM and the command keeps
 *    *all* the launcher's caps; we refuse such a request in the parent, and
 *    take ALL to mean "all the caps the launcher can pass on".
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env/env_internal.h"

#define BIT(c) (UINT64_C(1) << (c))

static uint64_t read_flag(cap_t c, cap_flag_t flag, int last)
{
	uint64_t m = 0;
	for (int i = 0; i <= last; i++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(c, i, flag, &v) == 0 && v == CAP_SET)
			m |= BIT(i);
	}
	return m;
}

int sw_env_capstate_read(struct sw_env_capstate *st, sw_error *err)
{
	int last = (int)cap_max_bits() - 1;
	if (last < 0 || last > 63)
		last = CAP_LAST_CAP;
	cap_t c = cap_get_proc();
	if (!c)
		return sw_error_set(err, errno, "reading capabilities: %m");
	st->eff = read_flag(c, CAP_EFFECTIVE, last);
	st->prm = read_flag(c, CAP_PERMITTED, last);
	st->inh = read_flag(c, CAP_INHERITABLE, last);
	cap_free(c);
	st->bnd = 0;
	for (int i = 0; i <= last; i++)
		if (cap_get_bound(i) == 1)
			st->bnd |= BIT(i);
	st->valid = last == 63 ? UINT64_MAX : BIT(last + 1) - 1;
	return 0;
}

static void cap_label(int cap, char *buf, size_t len)
{
	char *name = cap_to_name(cap);
	snprintf(buf, len, "%s", name ? name : "?");
	for (char *p = buf; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	cap_free(name);
}

/* What a uid-0 launcher without a user namespace can hand on: capset
 * needs permitted ⊆ old permitted, and inheritable ⊆ old inheritable ∪
 * bounding (with CAP_SETPCAP) or ∪ old permitted (without). */
static uint64_t passable(const struct sw_env_capstate *st)
{
	uint64_t inh_ok = st->inh | ((st->eff & BIT(CAP_SETPCAP)) ? st->bnd
								  : st->prm);
	return st->prm & inh_ok & st->valid;
}

static int apply_ops(const struct sw_capop *ops, size_t n, uint64_t valid,
		     uint64_t all, uint64_t *r, sw_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int c = ops[i].cap;
		if (c >= 64 || c < -1 || (c >= 0 && !(valid & BIT(c))))
			return sw_error_set(err, EINVAL,
					    "capability %d is not known to this "
					    "kernel", c);
		if (ops[i].add && c >= 0 && !(all & BIT(c))) {
			char name[64];
			cap_label(c, name, sizeof name);
			return sw_error_set(err, EPERM,
					    "--cap-add %s: the launcher does "
					    "not have this capability to pass "
					    "on (run it in a user namespace "
					    "with --unshare-user)", name);
		}
		uint64_t bit = c < 0 ? all : BIT(c);
		*r = ops[i].add ? (*r | bit) : (*r & ~bit);
	}
	return 0;
}

int sw_env_caps_compute(const struct sw_capop *ops, size_t n, uid_t euid,
			bool userns, const struct sw_env_capstate *st,
			struct sw_env_caps *out, sw_error *err)
{
	/* In a new user namespace every cap is there to keep; otherwise
	 * (only possible for uid 0) what capset lets through. */
	bool limited = !userns && euid == 0;
	uint64_t all = limited ? passable(st) : st->valid;
	uint64_t r = 0;
	int ret = apply_ops(ops, n, st->valid, all, &r, err);
	if (ret < 0)
		return ret;
	out->requested = r;
	/* Outside a user namespace only root may shrink the bounding set;
	 * anyone else has nothing in it worth keeping from the command that
	 * exec could bring back (no file caps pass no_new_privs). */
	out->do_bounding = userns || euid == 0;
	out->do_capset = true;
	return 0;
}

int sw_env_caps_compute_bwrap(const struct sw_capop *ops, size_t n,
			      uid_t euid, bool userns,
			      const struct sw_env_capstate *st,
			      struct sw_env_caps *out, sw_error *err)
{
	uint64_t r = euid == 0 ? st->eff & st->valid : 0;
	int ret = apply_ops(ops, n, st->valid, st->valid, &r, err);
	if (ret < 0)
		return ret;
	out->requested = r;
	out->do_bounding = userns;
	/* bubblewrap avoids capset for uid 0 without --cap-*: some seccomp
	 * profiles (systemd-nspawn's) refuse it. */
	out->do_capset = n > 0 || euid != 0;
	out->eperm_ok = euid == 0;
	return 0;
}

/* ---- child half: raw syscalls only ------------------------------------ */

/* valid: the caps this kernel knows (read in the parent), so no call is
 * spent on numbers past the last one. */
static int drop_bounding(uint64_t keep, uint64_t valid)
{
	for (int c = 0; c < 64 && (valid >> c); c++) {
		if (keep & BIT(c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	return 0;
}

static int set_three(uint64_t r)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	d[0].effective = d[0].permitted = d[0].inheritable = (uint32_t)r;
	d[1].effective = d[1].permitted = d[1].inheritable = (uint32_t)(r >> 32);
	if (syscall(SYS_capset, &hdr, d) < 0)
		return -errno;
	return 0;
}

/* bubblewrap ignores EPERM (a cap not in permitted and inheritable, the
 * uid-0 no-option case) and EINVAL (no ambient support, unknown cap). */
static int raise_ambient(uint64_t r)
{
	for (int c = 0; c < 64; c++) {
		if (!(r & BIT(c)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 &&
		    errno != EPERM && errno != EINVAL)
			return -errno;
	}
	return 0;
}

int sw_env_child_caps(const struct sw_env_plan *plan)
{
	const struct sw_env_caps *c = &plan->caps;
	int r = 0;
	/* The bounding set first: dropping from it needs CAP_SETPCAP, which
	 * capset may be about to take away. */
	if (c->do_bounding)
		r = drop_bounding(c->requested, plan->capstate.valid);
	if (r == 0 && c->do_capset)
		r = set_three(c->requested);
	if (r == -EPERM && c->eperm_ok)
		r = 0;
	if (r == 0)
		r = raise_ambient(c->requested);
	return r;
}
