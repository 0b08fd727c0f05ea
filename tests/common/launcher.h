/* launcher.h — for tests that use libswrap in-process: run a scenario in a
 * forked launcher (root, or dropped to the test uid) that reports through
 * its exit status, and small /proc helpers. A cmocka assert inside a forked
 * child would unwind into the child's copy of the test runner, so
 * scenarios use CHECK, which prints and returns 1. */
#ifndef SW_LAUNCHER_H
#define SW_LAUNCHER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "harness.h"

#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);  \
			fprintf(stderr, __VA_ARGS__);                    \
			fprintf(stderr, "\n");                           \
			return 1;                                        \
		}                                                        \
	} while (0)

/* Runs fn in a forked process as `as` (stdout to /dev/null); returns its
 * exit status, or 128+N if it was killed by signal N. */
int sw_in_launcher(enum sw_as as, int (*fn)(void));
/* A whole file, malloc'd and NUL-terminated; NULL if it can't be read. */
char *sw_slurp(const char *path);
/* Does pid exist and is it not a zombie? */
bool sw_alive(pid_t pid);
struct sw_spec;
/* The smallest useful jail: user, pid, ipc, uts namespaces; /usr and its
 * links; the helpers at /h; cmd as the command. NULL on error. */
/* Waits (up to 10 s) until this process has no child left, not even one
 * a sw_child_free hands to the library's background reaping (a jail's
 * PID 1 whose status came before its teardown); then true if none is. */
bool sw_children_gone(void);
struct sw_spec *sw_mini_spec(const char *const *cmd, size_t n, bool die, bool detach);

/* The directory holding the static test helpers (for --ro-bind DIR /h). */
const char *sw_helper_dir(void);

#endif
