/* cgcrowd — run inside jails by the cgroup tests: starts N background
 * processes (default 20) that wait for ever, closes its output, and waits
 * for ever itself. For detached jails that --kill-cgroup must end.
 *
 *   cgcrowd 20
 */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	/* Let go of the launcher's pipes: a detached jail must not hold them. */
	for (int fd = 0; fd < 3; fd++)
		close(fd);
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			setsid();
			for (;;)
				pause();
		}
	}
	for (;;)
		pause();
}
