/* run.c — the swrap command's launch: spawn, wait, say what happened. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "spec/spec.h"

/* SWRAP_FORCE=clone-fallback,ro-fallback: take the old-kernel paths on a
 * new kernel (the tests use it; so can a user chasing a kernel quirk). */
static void apply_force(sw_spec *spec)
{
	const char *f = getenv("SWRAP_FORCE");
	if (!f)
		return;
	if (strstr(f, "clone-fallback"))
		spec->force |= SW_FORCE_CLONE_FALLBACK;
	if (strstr(f, "ro-fallback"))
		spec->force |= SW_FORCE_RO_FALLBACK;
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
	if (sw_child_wait(c, &code, &err) < 0)
		sw_cli_msg(3, "%s", err.msg);
	else if (sw_child_oom_killed(c))
		sw_cli_msg(3, "the jail was killed by its memory limit (--memory-max)");
	sw_child_free(c);
	return code;
}
