/* launcher.c — the VM launcher's shim case through libswrap: what
 * BwrapSandbox::apply() built as a bwrap command line, done in-process.
 *
 *   usage: launcher SHIM [ARG...]
 *   build: cc launcher.c $(pkg-config --cflags --libs swrap) -o launcher
 *
 * Runs SHIM (an absolute path) with ARGs in the shim profile's jail, in
 * its own cgroup when one can be made, waits for it, prints "exit code: N"
 * and exits with N (128+N for signal N).
 *
 * With LAUNCHER_DEADLINE_MS=N in the environment the box gets N ms: then
 * it is stopped gracefully (SIGTERM, which the jail's PID 1 passes on to
 * the shim, 2 s of grace, then SIGKILL of the whole jail). Once it runs,
 * the launcher prints its usage (CPU, memory) to stderr.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <swrap.h>

#define GRACE_MS 2000

/* The cgroup's usage, to stderr (the box may have no cgroup: then say so). */
static void print_usage(const char *id)
{
	struct sw_cgroup_stats st;
	sw_error err = { 0 };
	if (sw_cgroup_stats(id, "launcher", &st, &err) < 0) {
		fprintf(stderr, "launcher: no usage: %s\n", err.msg);
		return;
	}
	if (st.valid & SW_STAT_CPU)
		fprintf(stderr, "launcher: cpu %llu us\n", (unsigned long long)st.cpu_usec);
	if (st.valid & SW_STAT_MEMORY)
		fprintf(stderr, "launcher: memory %llu bytes\n",
			(unsigned long long)st.memory_current);
}

/* Waits for the box, stopping it gracefully after deadline_ms (< 0: no
 * deadline). Returns sw_child_wait's or sw_child_stop's result. */
static int wait_box(sw_child *child, long deadline_ms, int *code, sw_error *err)
{
	int pidfd = sw_child_pidfd(child);
	if (deadline_ms >= 0 && pidfd >= 0) {
		struct pollfd p = { pidfd, POLLIN, 0 };
		int n;
		while ((n = poll(&p, 1, (int)deadline_ms)) < 0 && errno == EINTR)
			;
		if (n == 0) /* time is up: TERM, grace, then KILL */
			return sw_child_stop(child, GRACE_MS, code, err);
	}
	return sw_child_wait(child, code, err);
}

/* The jail: spec -> spawn -> wait. Returns the exit code, or -1 with
 * err filled in. */
static int run_shim(const struct sw_shim_opts *opts, long deadline_ms, sw_error *err)
{
	int code = -1;
	char id[32];
	snprintf(id, sizeof id, "box-%d", (int)getpid());
	sw_child *child = NULL;
	sw_spec *spec = sw_spec_new();
	if (!spec) {
		sw_error_set(err, ENOMEM, "out of memory");
		return -1;
	}
	if (sw_spec_profile_shim(spec, opts, err) == 0 &&
	    sw_spec_cgroup(spec, id, "launcher", true /* optional */, err) == 0 &&
	    sw_spawn(spec, &child, err) == 0) {
		if (sw_child_warning(child))
			fprintf(stderr, "launcher: %s\n", sw_child_warning(child));
		else
			print_usage(id);
		if (wait_box(child, deadline_ms, &code, err) < 0)
			code = -1;
	}
	sw_child_free(child); /* NULL is fine; a reaped jail is just closed */
	sw_spec_free(spec);   /* the jail never needed it after sw_spawn */
	return code;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: %s /ABSOLUTE/SHIM [ARG...]\n", argv[0]);
		return 2;
	}
	struct sw_shim_opts opts = {
		.shim = argv[1],
		.args = (const char *const *)argv + 2,
		.argc = (size_t)argc - 2,
		.detached = false, /* the jail dies with this process */
		.rust_log = "info",
	};
	const char *d = getenv("LAUNCHER_DEADLINE_MS");
	long deadline_ms = d ? strtol(d, NULL, 10) : -1;
	sw_error err = { 0 };
	int code = run_shim(&opts, deadline_ms, &err);
	if (code < 0) {
		fprintf(stderr, "launcher: %s\n", err.msg);
		return err.status ? err.status : 1;
	}
	printf("exit code: %d\n", code);
	return code;
}
