/* test_static.c — issue 8: the static swrap (`make static`) runs with
 * nothing else in its root.
 *
 * An outer jail, made by the normal build's swrap, holds only the static
 * binary (/swrap), the static helper jt (/h/jt), /proc, /dev and /tmp; no
 * /usr, /lib, /etc. Inside it, `/swrap --profile shim -- /h/jt ids` must
 * launch the shim profile (which binds the system directories only where
 * they exist) and print "ids: ...".
 *
 * Two details of that outer root:
 *  - /proc is the host's, bound (--bind /proc /proc), not a new --proc:
 *    --proc covers /proc/sys, /proc/irq ... with read-only binds, and the
 *    kernel then refuses a new proc mount in a nested user namespace
 *    (mnt_too_revealing), for bwrap-in-bwrap just the same.
 *  - /dev is there because the shim profile's --dev binds /dev/null & co.
 *    from the root it starts in; and the shim lives in /h, not in /, as
 *    the profile refuses a shim in / (it would bind the whole root).
 *
 * Skipped (visibly) when $SW_BUILD/static/swrap was not built: `make check`
 * does not build it, as that needs the util-linux source.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* $SWRAP_STATIC, else $SW_BUILD/static/swrap (staged where the test uid
 * can reach it, see harness.h); NULL when it is missing. */
static const char *static_swrap(void)
{
	const char *path = sw_static_swrap();
	return access(path, X_OK) == 0 ? path : NULL;
}

static void test_static_alone(void **state)
{
	const char *st = static_swrap();
	if (!st) {
		print_message("static swrap not built (make static): skipped\n");
		skip();
	}
	struct sw_run r;
	/* As root the outer jail hands its capabilities on (swrap gives none
	 * by default), so that the static swrap inside is a root launcher
	 * like any other: mapping uid 0 needs CAP_SETFCAP. */
	bool root = SW_AS(state) == SW_AS_ROOT;
	sw_run(SW_AS(state), &r, (const char *const[]){
		sw_swrap(), root ? "--cap-add" : "--chdir", root ? "ALL" : "/",
		"--ro-bind", st, "/swrap",
		"--ro-bind", sw_helper("jt"), "/h/jt",
		"--bind", "/proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
		"--", "/swrap", "--profile", "shim", "--", "/h/jt", "ids", "+",
		"ls", "/", NULL });
	if (r.code != 0)
		print_error("exit %d\nstdout: %s\nstderr: %s\n", r.code, r.out,
			    r.err);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "ids: "));
	/* The inner jail saw no system directory: they were not there. */
	assert_true(sw_has_line(r.out, "ls: dev h proc tmp"));
	sw_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_static_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
