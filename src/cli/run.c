/* run.c — the swrap command's launch: spawn, wait, say what happened. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ns/child.h"
#include "spec/spec.h"

/* SWRAP_FORCE=clone-fallback,ro-fallback,no-landlock,no-vm: take the old-kernel
 * paths on a new kernel (the tests use it; so can a user chasing a kernel
 * quirk). */
static void apply_force(sw_spec *spec)
{
	const char *f = getenv("SWRAP_FORCE");
	if (!f)
		return;
	if (strstr(f, "clone-fallback"))
		spec->force |= SW_FORCE_CLONE_FALLBACK;
	if (strstr(f, "ro-fallback"))
		spec->force |= SW_FORCE_RO_FALLBACK;
	if (strstr(f, "no-landlock"))
		spec->force |= SW_FORCE_NO_LANDLOCK;
	if (strstr(f, "no-vm"))
		spec->force |= SW_FORCE_NO_VM;
}

/* Signals for the command (see sw_child_kill): the handler only writes
 * the number to a pipe; the wait loop passes it on. sw_spawn resets these
 * handlers to the default in the jail. */
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
				 SIGUSR2, SIGWINCH };
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int e = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n = write(sig_pipe[1], &b, 1); /* full: it is pending anyway */
	(void)n;
	errno = e;
}

static bool forward_signals(void)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return false;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		if (sigaction(forwarded[i], &sa, NULL) < 0)
			return false;
	return true;
}

/* Until the jail ends (its PID 1 sent the command's status, or the top
 * process is gone): pass every signal that came on to it. */
static void relay(sw_child *c)
{
	for (;;) {
		unsigned char sigs[64];
		ssize_t n;
		while ((n = read(sig_pipe[0], sigs, sizeof sigs)) > 0)
			for (ssize_t i = 0; i < n; i++)
				sw_child_kill(c, sigs[i], NULL);
		if (sw_child_done(c))
			return;
		int pfd = sw_child_done_fd(c);
		struct pollfd p[2] = { { sig_pipe[0], POLLIN, 0 }, { pfd, POLLIN, 0 } };
		/* Without a pidfd (Linux < 5.3): look again every 50 ms. */
		if (poll(p, pfd >= 0 ? 2 : 1, pfd >= 0 ? -1 : 50) < 0 && errno != EINTR)
			return;
	}
}

int sw_cli_launch(sw_spec *spec)
{
	sw_error err = { 0 };
	sw_child *c;
	apply_force(spec);
	/* --die-with-parent, as bubblewrap: this process dies with its parent
	 * too (and the jail with it), not only the jail with this process. */
	if (spec->die_with_parent && !spec->detach &&
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		sw_cli_msg(3, "prctl(PR_SET_PDEATHSIG): %m");
		return 1;
	}
	/* Before the spawn, so that a signal that comes while the jail is
	 * being made waits in the pipe for it. */
	bool relaying = !spec->detach && forward_signals();
	if (sw_spawn(spec, &c, &err) < 0) {
		sw_cli_msg(3, "%s", err.msg);
		return err.status ? err.status : 1;
	}
	if (sw_child_warning(c))
		sw_cli_msg(4, "warning: %s", sw_child_warning(c));
	if (spec->detach) {
		printf("%d\n", (int)sw_child_pid(c));
		sw_child_free(c);
		return 0;
	}
	int code = 1;
	if (relaying)
		relay(c);
	if (sw_child_wait(c, &code, &err) < 0)
		sw_cli_msg(3, "%s", err.msg);
	if (sw_child_oom_killed(c))
		sw_cli_msg(3, "the jail was killed by its memory limit (--memory-max)");
	sw_child_free_exiting(c); /* this process exits next */
	return code;
}
