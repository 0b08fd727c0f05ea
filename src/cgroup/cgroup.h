/* cgroup.h — per-jail cgroups: find hierarchies, create, limit, join, kill,
 * remove. Runs in the parent only (it allocates and uses libmount).
 *
 * Launch sequence used by ns/spawn.c:
 *
 *   sw_cgroup_prepare()     before clone: create <parent>/<id> in each
 *                           needed hierarchy, enable controllers, write
 *                           limits. *out is NULL when the spec has no
 *                           --cgroup (or --cgroup-optional failed: then
 *                           *warning is filled).
 *   sw_cgroup_clone_fd()    a cgroup2 directory fd for CLONE_INTO_CGROUP,
 *                           or -1 when there is none to use.
 *   sw_cgroup_attach()      after clone, before the child is released:
 *                           moves pid into every hierarchy it is not yet in
 *                           (skip_v2 when CLONE_INTO_CGROUP already did).
 *   sw_cgroup_oom_killed()  after the jail ended: did the memory limit kill?
 *   sw_cgroup_destroy()     after the jail ended, or when the launch failed:
 *                           kill what is left, remove the directories, free.
 */
#ifndef SW_CGROUP_H
#define SW_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"

struct sw_cgroup;

int sw_cgroup_prepare(const sw_spec *spec, struct sw_cgroup **out,
		      char *warning, size_t warning_len, sw_error *err);
int sw_cgroup_clone_fd(const struct sw_cgroup *cg);
int sw_cgroup_attach(struct sw_cgroup *cg, pid_t pid, bool skip_v2,
		     sw_error *err);
bool sw_cgroup_oom_killed(const struct sw_cgroup *cg);
int sw_cgroup_destroy(struct sw_cgroup *cg, sw_error *err);
/* Forget the cgroup without removing it (a detached jail keeps it). */
void sw_cgroup_release(struct sw_cgroup *cg);

#endif
