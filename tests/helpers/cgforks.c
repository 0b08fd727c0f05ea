/* cgforks — run inside jails by the cgroup tests: forks children that
 * wait, until fork fails, then prints
 *
 *   forked N          children made
 *   errno E           why the next fork failed (11: EAGAIN)
 *
 * and exits; the children are ended with the jail (pid namespace or
 * cgroup). A ceiling of 4096 keeps a broken limit from eating the host. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int forked = 0, err = 0;
	while (forked < 4096) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
		forked++;
	}
	printf("forked %d\nerrno %d\n", forked, err);
	return 0;
}
