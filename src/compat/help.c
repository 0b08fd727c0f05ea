/* help.c — the --help text, generated from the option table so the two
 * cannot drift apart. Every line fits 80 columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"

#define LEFT 27 /* "--rlimit NAME=SOFT[:HARD]" and two spaces */

static const char head[] =
	"       swrap doctor [--json]   check what this machine allows\n"
	"\n"
	"Runs COMMAND in new Linux namespaces as bubblewrap (bwrap) would,\n"
	"from this process: no bwrap binary, no setuid. Options are bwrap's;\n"
	"those marked + are swrap's own. Options end at -- or at the first\n"
	"word that does not start with -; the last --uid, --chdir, ... wins.\n"
	"Invoked as bwrap (or with --compat=bwrap), swrap behaves as bwrap\n"
	"0.11 does; options marked * differ in swrap's own personality:\n"
	"see swrap(1), \"Deliberate differences\".\n";

static const char foot[] =
	"\n"
	"Profile shim (--profile shim [OPTIONS] -- SHIM [ARGS]): the VM\n"
	"launcher's sandbox. User, PID, IPC and UTS namespaces, and none made\n"
	"inside (--disable-userns, unlike the launcher's bwrap); read-only\n"
	"/usr /lib /lib64 /bin /sbin and /etc/{resolv.conf,hosts,nsswitch.conf}\n"
	"when they exist; /dev with /dev/kvm and /dev/net/tun when they exist;\n"
	"/proc; /tmp; writable volumes; SHIM's directory read-only; read-only\n"
	"volumes; a clean environment (PATH, HOME, LD_LIBRARY_PATH=SHIM's dir,\n"
	"RUST_LOG and RUST_BACKTRACE if set); --die-with-parent unless\n"
	"--detach; NOFILE 1024 and FSIZE 1G rlimits. Options given with it\n"
	"apply on top. Without a profile, --volume is a --bind in place.\n"
	"\n"
	"Environment:\n"
	"  SWRAP_HOST_ROOT          where --profile shim checks that host paths\n"
	"                           exist (default /; for tests)\n"
	"  RUST_LOG, RUST_BACKTRACE passed to the shim by --profile shim\n"
	"\n"
	"--emit-bwrap lists on stderr what bwrap cannot express.\n";

static void row(FILE *f, const struct sw_compat_option *o)
{
	if (!o->name) {
		fprintf(f, "\n%s:\n", o->help);
		return;
	}
	char left[64];
	snprintf(left, sizeof left, "%s%s%s", o->name, o->metavar ? " " : "",
		 o->metavar ? o->metavar : "");
	fprintf(f, "  %-*s%s %s\n", LEFT, left,
		(o->flags & SW_OPT_EXT) ? "+" :
		(o->flags & SW_OPT_DIFFERS) ? "*" : " ", o->help);
}

char *sw_compat_help(const char *prog)
{
	char *text = NULL;
	size_t len = 0, n;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	const struct sw_compat_option *t = sw_compat_options(&n);
	fprintf(f, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n",
		prog && *prog ? prog : "swrap");
	fputs(head, f);
	for (size_t i = 0; i < n; i++)
		row(f, &t[i]);
	fputs(foot, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
