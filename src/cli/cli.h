/* cli.h — the swrap command's pieces (src/cli only). */
#ifndef SW_CLI_H
#define SW_CLI_H

#include "swrap.h"

#include <stdbool.h>

/* How the command's messages look: "swrap: ..." or, in the bwrap
 * personality, "bwrap: ..."; with --level-prefix each line starts with its
 * syslog level, "<3>" for errors and "<4>" for warnings (bubblewrap). */
struct sw_cli_style {
	const char *name;
	bool level_prefix;
};
extern struct sw_cli_style sw_cli_style;
/* One line on stderr: level 3 error, 4 warning. */
void sw_cli_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Spawns the jail, waits for it unless detached, prints any failure as one
 * `swrap: ...` line. Returns the exit status for main(). */
int sw_cli_launch(sw_spec *spec);

/* `swrap doctor [--json]`: argv[0] is "doctor". */
int sw_cli_doctor(int argc, char **argv);

#endif
