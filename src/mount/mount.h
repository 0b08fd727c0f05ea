/* mount.h — plan and build the jail's root.
 *
 * sw_mount_plan_new() runs in the parent: it resolves every bind source
 * (realpath, as bubblewrap does), records its identity (dev, ino) and type,
 * prepares every string the child will need (mount option strings, staging
 * paths), and, only when the per-submount read-only fallback will be used,
 * reads mountinfo once with libmount to list each source's submounts.
 *
 * sw_mount_child_build() runs in the child, inside its new mount namespace:
 * staging tmpfs, first pivot_root, the operations in order, the final
 * pivot_root. System calls only, over the plan's memory. On failure it
 * fills the report (step, index into spec->fs, errno) and returns -1.
 */
#ifndef SW_MOUNT_H
#define SW_MOUNT_H

#include <stdbool.h>

#include "ns/report.h"
#include "spec/spec.h"

struct sw_mount_plan;

int sw_mount_plan_new(const sw_spec *spec, struct sw_mount_plan **out,
		      sw_error *err);
void sw_mount_plan_free(struct sw_mount_plan *plan);

/* Did the plan skip spec->fs[i] (a -try bind whose source is missing)? */
bool sw_mount_plan_skips(const struct sw_mount_plan *plan, size_t i);

int sw_mount_child_build(const struct sw_mount_plan *plan,
			 struct sw_report *rep);

/* The parent's message for a child's failure in a mount step. */
void sw_mount_describe(const sw_spec *spec, const struct sw_report *rep,
		       sw_error *err);

/* A path refused for its type (rep->ftype, report.h): "WHATPATH is a
 * fifo, not WANT", or "WHATPATH is a symbolic link (refusing to follow
 * it)". what: the option and its words before the path. Returns -err. */
int sw_mount_describe_type(const char *what, const char *path, const char *want,
			   const struct sw_report *rep, sw_error *err);

#endif
