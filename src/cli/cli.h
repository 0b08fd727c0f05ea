/* cli.h — the swrap command's pieces (src/cli only). */
#ifndef SW_CLI_H
#define SW_CLI_H

#include "swrap.h"

/* Spawns the jail, waits for it unless detached, prints any failure as one
 * `swrap: ...` line. Returns the exit status for main(). */
int sw_cli_launch(sw_spec *spec);

/* `swrap doctor [--json]`: argv[0] is "doctor". */
int sw_cli_doctor(int argc, char **argv);

#endif
