/* child.h — the sw_child handle (internal layout). */
#ifndef SW_CHILD_H
#define SW_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "ns/report.h"
#include "spec/spec.h"

struct sw_child {
	pid_t pid;
	pid_t cmd_pid; /* the command's host pid (== pid without a reaper) */
	int pidfd;
	bool detached;
	bool reaped;
	bool finished; /* the exit code is known (sw_child_wait is done) */
	bool oom_killed;
	int exit_code;
	int json_fd; /* --json-status-fd (dup), for the exit record; or -1 */
	int lifeline; /* write end of the die-with-parent lifeline, or -1 */
	/* The command's exit code from the jail's PID 1, sent before PID 1
	 * exits (launch.h, st); -1 without a PID 1 of ours. */
	int status_fd;
	bool have_status; /* exit_code came from status_fd; pid not reaped yet */
	struct sw_cgroup *cg;
	/* SIGKILL was sent (sw_child_kill): with a cgroup, the wait kills what
	 * is left of the jail instead of waiting for it to end by itself. */
	bool kill_sent;
	char warning[512]; /* from cgroup setup with --cgroup-optional */
};

struct sw_child *sw_child_new(const sw_spec *spec);
/* A launch that failed: remove its cgroup, free the handle. */
void sw_child_abandon(struct sw_child *c);
/* --info-fd and the first --json-status-fd record (bubblewrap's format). */
void sw_child_write_info(const sw_spec *spec, struct sw_child *c);
/* sw_child_free for a caller about to exit (the swrap command): a PID 1
 * still tearing down after its status came is left to whoever reaps this
 * process's orphans, instead of a thread started only to reap it. */
void sw_child_free_exiting(struct sw_child *c);
/* Has the command's status come (or the top process ended)? Never blocks. */
bool sw_child_done(struct sw_child *c);
/* The fd to poll for sw_child_done: the status pipe, else the pidfd. */
int sw_child_done_fd(const struct sw_child *c);
/* The message for a child's failure report; sets err->status for exec. */
int sw_ns_describe(const sw_spec *spec, const struct sw_report *rep, sw_error *err);

#endif
