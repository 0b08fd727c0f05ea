/* handle.c — the sw_child handle: wait, kill, status records, messages. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/child.h"
#include "ns/launch.h"

struct sw_child *sw_child_new(const sw_spec *spec)
{
	struct sw_child *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->pid = -1;
	c->cmd_pid = -1;
	c->pidfd = -1;
	c->detached = spec->detach;
	c->json_fd = -1;
	c->lifeline = -1;
	c->status_fd = -1;
	if (spec->json_status_fd >= 0)
		c->json_fd = fcntl(spec->json_status_fd, F_DUPFD_CLOEXEC, 3);
	return c;
}

void sw_child_abandon(struct sw_child *c)
{
	if (c->cg)
		sw_cgroup_destroy(c->cg, NULL);
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->json_fd >= 0)
		close(c->json_fd);
	if (c->lifeline >= 0)
		close(c->lifeline);
	if (c->status_fd >= 0)
		close(c->status_fd);
	free(c);
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void sw_child_write_info(const sw_spec *spec, struct sw_child *c)
{
	if (spec->info_fd < 0 && c->json_fd < 0)
		return;
	const char *names[SW_NS_INFO_MAX];
	unsigned long inodes[SW_NS_INFO_MAX];
	int n = sw_ns_differing(c->pid, names, inodes);
	char info[1024], json[1024];
	int il = snprintf(info, sizeof info, "{\n    \"child-pid\": %d", (int)c->pid);
	int jl = snprintf(json, sizeof json, "{ \"child-pid\": %d", (int)c->pid);
	for (int i = 0; i < n; i++) {
		il += snprintf(info + il, sizeof info - il, ",\n    \"%s-namespace\": %lu", names[i], inodes[i]);
		jl += snprintf(json + jl, sizeof json - jl, ", \"%s-namespace\": %lu", names[i], inodes[i]);
	}
	il += snprintf(info + il, sizeof info - il, "\n}\n");
	jl += snprintf(json + jl, sizeof json - jl, " }\n");
	if (spec->info_fd >= 0) {
		write_all(spec->info_fd, info, (size_t)il);
		close(spec->info_fd); /* bubblewrap closes it: readers see EOF */
	}
	if (c->json_fd >= 0)
		write_all(c->json_fd, json, (size_t)jl);
}

/* A rule names the operation it came from, as the user spelled it. */
static int describe_landlock(const sw_spec *spec, const struct sw_report *rep,
			     sw_error *err)
{
	int e = rep->err, i = rep->index;
	if (i >= 0 && (size_t)i < spec->nfs) {
		const char *opt = sw_fs_kind_option(spec->fs[i].kind);
		return sw_error_set(err, e, "--landlock: can't add the rule for "
				    "%s %s: %s", opt ? opt : "", spec->fs[i].dest,
				    strerror(e));
	}
	const char *what = i == SW_ENV_LL_ROOT ? "add the rule for the new root /"
		: i == SW_ENV_LL_CREATE ? "create the ruleset"
		: i == SW_ENV_LL_NO_NEW_PRIVS ? "set no_new_privs"
		: "restrict the jail";
	return sw_error_set(err, e, "--landlock: can't %s: %s", what, strerror(e));
}

static const char *const step_what[SW_STEP__COUNT] = {
	[SW_STEP_PDEATHSIG] = "set the parent-death signal",
	[SW_STEP_HOSTNAME] = "set the hostname",
	[SW_STEP_FORK] = "fork the command from the jail's PID 1",
	[SW_STEP_SETSID] = "start a new session",
	[SW_STEP_BLOCK_FD] = "wait on --block-fd",
	[SW_STEP_RLIMIT] = "set the resource limits",
	[SW_STEP_CAPS] = "set the capabilities",
	[SW_STEP_NO_NEW_PRIVS] = "set no_new_privs",
	[SW_STEP_CLOSE_FDS] = "close the inherited file descriptors",
	[SW_STEP_SECCOMP] = "install the seccomp filter",
	[SW_STEP_INIT] = "start the jail's PID 1 (swrap-init, from a sealed memfd)",
	[SW_STEP_CGROUPNS] = "create the jail's cgroup namespace (--unshare-cgroup)",
};

/* SW_STEP_IDMAP: index 0-2 a map file, 3-5 the steps of sw_ns_child_become. */
static int describe_idmap(const sw_spec *spec, const struct sw_report *rep, sw_error *err)
{
	static const char *const how[] = { "drop the supplementary groups", "become the gid",
					   "become the uid" };
	int e = rep->err;
	if (rep->index < 3)
		return sw_error_set(err, e, "can't write %s of the new user namespace: %s",
				    sw_ns_map_files[rep->index], strerror(e));
	return sw_error_set(err, e, "--host-uid %u --host-gid %u: can't %s: %s",
			    (unsigned)spec->host_uid, (unsigned)spec->host_gid,
			    how[rep->index - 3], strerror(e));
}

/* SW_STEP_USERNS: joining, disabling, asserting user namespaces. */
static int describe_userns(const struct sw_report *rep, sw_error *err)
{
	int e = rep->err;
	static const char *const uw[] = {
		"Joining specified user namespace failed",
		"Joining the user namespace of --userns2 failed",
		"Can't disable user namespaces (max_user_namespaces)",
		"Can't create the nested user namespace",
		"creation of new user namespaces was not disabled as requested",
		"Can't read --userns-block-fd",
	};
	int i = rep->index >= 0 && rep->index < 6 ? rep->index : 0;
	if (i == 4)
		return sw_error_set(err, EEXIST, "%s", uw[i]);
	if (i == 0 && e == EINVAL)
		return sw_error_set(err, e, "Joining the specified user namespace failed, "
				    "it might not be a descendant of the current user namespace.");
	return sw_error_set(err, e, "%s: %s", uw[i], strerror(e));
}

int sw_ns_describe(const sw_spec *spec, const struct sw_report *rep, sw_error *err)
{
	int e = rep->err;
	if (rep->step == SW_STEP_EXEC) {
		const char *prog = spec->argv && spec->argv[0] ? spec->argv[0] : "";
		sw_error_set(err, -e, "execvp %s: %s", prog, strerror(e));
		/* bubblewrap exits 1, like any setup failure. */
		if (err && spec->compat != SW_COMPAT_BWRAP)
			err->status = e == ENOENT ? 127 : 126;
		return -e;
	}
	if (rep->step == SW_STEP_IDMAP && rep->index >= 0 && rep->index < 6)
		return describe_idmap(spec, rep, err);
	if (rep->step == SW_STEP_LANDLOCK)
		return describe_landlock(spec, rep, err);
	if (rep->step == SW_STEP_CHDIR)
		return sw_error_set(err, e, "Can't chdir to %s: %s",
				    spec->chdir ? spec->chdir : "/", strerror(e));
	if (rep->step == SW_STEP_LOCK_FILE && rep->index >= 0 &&
	    (size_t)rep->index < spec->nlock_files)
		return rep->ftype
			? sw_mount_describe_type("--lock-file: ", spec->lock_files[rep->index],
						 "a regular file or directory", rep, err)
			: sw_error_set(err, e, "Unable to lock file %s: %s",
				       spec->lock_files[rep->index], strerror(e));
	if (rep->step == SW_STEP_USERNS)
		return describe_userns(rep, err);
	if (rep->step == SW_STEP_PIDNS)
		return sw_error_set(err, e, "Joining specified pid namespace failed: %s", strerror(e));
	if (rep->step == SW_STEP_SELINUX) /* index: 0 exec, 1 fscreate */
		return rep->index == 1
			? sw_error_set(err, e, "--file-label %s: can't set the label of "
				       "new files: %s", spec->file_label, strerror(e))
			: sw_error_set(err, e, "--exec-label %s: can't set the "
				       "command's label: %s", spec->exec_label, strerror(e));
	if ((rep->step >= SW_STEP_MOUNT_PRIVATE && rep->step <= SW_STEP_PIVOT) ||
	    rep->step == SW_STEP_FS_SYMLINK_EXISTS || rep->step == SW_STEP_FS_DATA ||
	    rep->step == SW_STEP_FS_TYPE) {
		sw_mount_describe(spec, rep, err);
		return -e;
	}
	const char *w = rep->step > 0 && rep->step < SW_STEP__COUNT && step_what[rep->step]
			? step_what[rep->step] : "set up the jail";
	return sw_error_set(err, e, "can't %s: %s", w, strerror(e));
}

/* The command's exit code from PID 1's status pipe (launch.h, st): true
 * once it has come. block: wait for it; EOF means PID 1 ended without
 * sending one (it was killed), and waitpid tells the rest. */
static bool read_status(struct sw_child *c, bool block)
{
	if (c->have_status)
		return true;
	if (c->status_fd < 0)
		return false;
	struct pollfd p = { c->status_fd, POLLIN, 0 };
	if (!block && poll(&p, 1, 0) <= 0)
		return false;
	int code;
	ssize_t n;
	while ((n = read(c->status_fd, &code, sizeof code)) < 0 && errno == EINTR)
		;
	close(c->status_fd);
	c->status_fd = -1;
	if (n != (ssize_t)sizeof code)
		return false;
	c->exit_code = code;
	c->have_status = true;
	return true;
}

/* Reaps the top process if it has ended; never blocks. */
static bool reap_now(struct sw_child *c)
{
	int r = sw_ns_wait(c->pid, c->pidfd, WNOHANG, NULL);
	if (r == 1 || r == -ECHILD)
		c->reaped = true;
	return c->reaped;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The status is known: the cgroup, the exit record. A cgroup that can't
 * be removed (a sub-cgroup the jail made stays, ...) is the error. */
static int finish(struct sw_child *c, sw_error *err)
{
	int r = 0;
	c->finished = true;
	if (c->cg) {
		c->oom_killed = sw_cgroup_oom_killed(c->cg);
		r = sw_cgroup_destroy(c->cg, err);
		c->cg = NULL;
	}
	if (c->json_fd >= 0) {
		char buf[64];
		int n = snprintf(buf, sizeof buf, "{ \"exit-code\": %d }\n", c->exit_code);
		write_all(c->json_fd, buf, (size_t)n);
	}
	return r;
}

#define END_FIRST_MS 1000 /* for PID 1 to end by itself once the command has */
#define END_ROUND_MS 200  /* then between rounds of killing what is left */
#define END_ROUNDS 5     /* each a full kill of the cgroup (itself bounded) */

/* Waits up to ms for the top process to end, and reaps it: 1 when it
 * did, 0 when not yet, -errno. */
static int reap_within(struct sw_child *c, long ms, int *status)
{
	long deadline = now_ms() + ms;
	for (;;) {
		int r = sw_ns_wait(c->pid, c->pidfd, WNOHANG, status);
		if (r != 0)
			return r;
		long left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { c->pidfd, POLLIN, 0 };
		if (c->pidfd >= 0) {
			poll(&p, 1, (int)left);
		} else {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
}

/* A jail with a cgroup: wait for the command (as long as it runs, unless
 * a SIGKILL was sent), then for the whole jail, which can be removed only
 * once empty. That second wait is bounded: a process the jail froze
 * itself (a v1 freezer sub-cgroup) would keep PID 1 from ever ending, so
 * after a while every process left in the cgroup is killed, thawed where
 * frozen, round after round, and the wait gives up with an error. */
static int wait_jail(struct sw_child *c, sw_error *err)
{
	int status = 0, r;
	if (!c->kill_sent && c->status_fd < 0 && !c->have_status) {
		/* No PID 1 of ours: the top process is the command. */
		r = sw_ns_wait(c->pid, c->pidfd, 0, &status);
	} else {
		if (!c->kill_sent)
			read_status(c, true);
		r = reap_within(c, END_FIRST_MS, &status);
		for (int round = 0; r == 0 && round < END_ROUNDS; round++) {
			sw_cgroup_kill_members(c->cg, NULL);
			r = reap_within(c, END_ROUND_MS, &status);
		}
		if (r == 0)
			return sw_error_set(err, ETIMEDOUT,
					    "the jail (pid %d) did not end: its processes in %s "
					    "were killed %d times and some stay",
					    (int)c->pid, sw_cgroup_path(c->cg, 0) ? sw_cgroup_path(c->cg, 0)
					    : "its cgroup", END_ROUNDS);
	}
	if (r < 0)
		return sw_error_set(err, -r, "waiting for the jail (pid %d): %s",
				    (int)c->pid, strerror(-r));
	c->reaped = true;
	if (!c->have_status)
		c->exit_code = status;
	return 0;
}

int sw_child_wait(sw_child *c, int *code, sw_error *err)
{
	int r = 0;
	if (!c->finished) {
		/* The status comes before PID 1 exits: the namespaces' teardown
		 * goes on without the caller, and sw_child_free reaps PID 1.
		 * A cgroup can be removed only once the jail is empty: then
		 * the wait is for all of it. */
		if (c->cg) {
			r = wait_jail(c, err);
			if (r < 0)
				return r;
		} else if (!read_status(c, true)) {
			int status = 0;
			r = sw_ns_wait(c->pid, c->pidfd, 0, &status);
			if (r < 0)
				return sw_error_set(err, -r, "waiting for the jail (pid %d): %s",
						    (int)c->pid, strerror(-r));
			c->reaped = true;
			if (!c->have_status)
				c->exit_code = status;
		} else {
			reap_now(c);
		}
		r = finish(c, err);
	}
	if (code)
		*code = c->exit_code;
	return r < 0 ? r : 0;
}

int sw_child_kill(sw_child *c, int sig, sw_error *err)
{
	if (c->finished || c->reaped)
		return sw_error_set(err, ESRCH, "the jail (pid %d) has already ended", (int)c->pid);
	int r = c->pidfd >= 0 ? (int)syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0)
			      : kill(c->pid, sig);
	if (r == 0 && sig == SIGKILL)
		c->kill_sent = true;
	return r < 0 ? sw_error_set(err, errno, "can't signal the jail (pid %d): %s",
				    (int)c->pid, strerror(errno)) : 0;
}

/* Has the jail's top process ended (without reaping it)? */
static bool ended(const sw_child *c)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid != 0;
}

bool sw_child_done(struct sw_child *c)
{
	return c->finished || c->reaped || read_status(c, false) || ended(c);
}

int sw_child_done_fd(const struct sw_child *c)
{
	return c->status_fd >= 0 ? c->status_fd : c->pidfd;
}

/* Waits up to ms for the command's status or the top process's end; true
 * when it came. */
static bool wait_end(sw_child *c, long ms)
{
	long deadline = now_ms() + ms;
	for (;;) {
		if (sw_child_done(c))
			return true;
		long left = deadline - now_ms();
		if (left <= 0)
			return false;
		int fd = sw_child_done_fd(c);
		if (fd >= 0) {
			struct pollfd p = { fd, POLLIN, 0 };
			if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
				return sw_child_done(c);
		} else {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
}

int sw_child_stop(sw_child *c, unsigned grace_ms, int *code, sw_error *err)
{
	if (!c->finished) {
		int r = sw_child_kill(c, SIGTERM, err);
		if (r < 0 && r != -ESRCH)
			return r;
		if (!wait_end(c, (long)grace_ms))
			/* PID 1's end takes the PID namespace with it;
			 * sw_child_wait then empties the cgroup (cgroup.kill),
			 * so nothing of the jail outlives this call. */
			sw_child_kill(c, SIGKILL, NULL);
	}
	return sw_child_wait(c, code, err);
}

pid_t sw_child_pid(const sw_child *c)
{
	return c->pid;
}

pid_t sw_child_command_pid(const sw_child *c)
{
	return c->cmd_pid;
}

int sw_child_pidfd(const sw_child *c)
{
	return c->pidfd;
}

bool sw_child_oom_killed(const sw_child *c)
{
	return c->oom_killed;
}

const char *sw_child_warning(const sw_child *c)
{
	return c->warning[0] ? c->warning : NULL;
}

static void child_free(sw_child *c, bool reap)
{
	if (!c)
		return;
	if (!c->finished && !c->detached) {
		sw_child_kill(c, SIGKILL, NULL);
		sw_child_wait(c, NULL, NULL);
	}
	/* The status came before PID 1's end: PID 1 is reaped in the
	 * background once the kernel has torn its namespaces down. */
	if (reap && c->finished && !c->reaped && !reap_now(c))
		sw_ns_reap_later(c->pid);
	if (c->cg) /* a detached jail keeps its cgroup; --kill-cgroup ends it */
		sw_cgroup_release(c->cg);
	c->cg = NULL;
	sw_child_abandon(c);
}

void sw_child_free(sw_child *c)
{
	child_free(c, true);
}

void sw_child_free_exiting(struct sw_child *c)
{
	child_free(c, false);
}
