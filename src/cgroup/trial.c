/* trial.c — the doctor's cgroup check: make a throwaway jail cgroup with
 * memory, pids and cpu limits exactly as a launch would, then remove it.
 * Reading permissions can't tell whether cgroup2 will accept a controller
 * (no internal processes, thread roots, what the parent delegates): only
 * trying can, so PASS means a jail with limits works here. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FIX_DELEGATE                                                      \
	"run swrap in a cgroup delegated to uid %u: under systemd, "          \
	"`systemd-run --user --scope -p Delegate=yes swrap ...` (or "         \
	"`systemctl --user` units with Delegate=yes); without systemd, have " \
	"root create a cgroup2 directory, chown it and its cgroup.procs, "    \
	"cgroup.subtree_control and cgroup.threads to the user, enable "      \
	"memory pids cpu in its parent's cgroup.subtree_control, and start "  \
	"swrap in it"

/* The fix for the error of a failed trial. */
static void fix_for(const char *msg, char *fix, size_t len)
{
	unsigned uid = (unsigned)geteuid();
	if (strstr(msg, "holds processes"))
		snprintf(fix, len, "use a --cgroup-parent below a cgroup that holds no "
			 "processes of its own, or move those processes into a child "
			 "cgroup");
	else if (strstr(msg, "not available") || strstr(msg, "no cgroup"))
		snprintf(fix, len, "enable the controllers in the parent's "
			 "cgroup.subtree_control (systemd: Delegate=memory pids cpu, "
			 "or Delegate=yes); for pure cgroup v2 boot with "
			 "systemd.unified_cgroup_hierarchy=1");
	else
		snprintf(fix, len, FIX_DELEGATE, uid);
}

int sw_cgroup_trial_at(const struct sw_cgroup_host *host, char *detail,
		       size_t detail_len, char *fix, size_t fix_len)
{
	struct sw_cgroup_host h = host ? *host : (struct sw_cgroup_host){ .rootless = -1 };
	h.no_move = true;
	char id[32];
	snprintf(id, sizeof id, "swrap-doctor-%d", (int)getpid());
	sw_spec s;
	memset(&s, 0, sizeof s);
	s.cgroup_id = id;
	s.limits.memory_max = 1ull << 40; /* writes that can't bite */
	s.limits.pids_max = 1u << 20;
	s.limits.cpu_weight = 100;
	fix[0] = 0;
	struct sw_cgroup *cg = NULL;
	sw_error e = { 0 };
	int r = sw_cgroup_prepare_at(&h, &s, &cg, NULL, 0, &e);
	if (r == 0) {
		char where[512];
		snprintf(where, sizeof where, "%s", sw_cgroup_path(cg, 0) ? sw_cgroup_path(cg, 0)
					: sw_cgroup_path(cg, SW_CGC_MEMORY));
		sw_error d = { 0 };
		if (sw_cgroup_destroy(cg, &d) < 0) {
			snprintf(detail, detail_len, "made %s with limits, but %s", where, d.msg);
			snprintf(fix, fix_len, "remove %s by hand", where);
			return 2;
		}
		char *leaf = strrchr(where, '/');
		if (leaf)
			*leaf = 0;
		snprintf(detail, detail_len,
			 "a jail cgroup with memory, pids and cpu limits was made and removed in %s",
			 where);
		return 0;
	}
	const char *msg = e.msg + (strncmp(e.msg, "cgroup: ", 8) ? 0 : 8);
	if (r == -EAGAIN) { /* works, after moving the caller's processes */
		snprintf(detail, detail_len, "works: %s", msg);
		return 0;
	}
	snprintf(detail, detail_len, "%s", msg);
	if (r == -EOPNOTSUPP && strstr(msg, "nowhere to put the jail")) {
		snprintf(fix, fix_len, "mount cgroup2 (mount -t cgroup2 none /sys/fs/cgroup)");
		return 1;
	}
	fix_for(msg, fix, fix_len);
	return 2;
}
