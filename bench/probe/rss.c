/* rss — peak memory of a launcher, measured from a tiny static process.
 *
 * usage: rss PROG [ARGS...]   prints "MAXRSS_KIB EXIT" on stdout
 *
 * A child's ru_maxrss (wait4) also counts the memory image it had before
 * its exec: the fork of its parent. Forked from the bench (which links
 * libswrap and runs threads) every launcher would show the bench's size;
 * forked from this program it shows at least this program's own small
 * size (the "fork/exec /bin/true" floor row) and otherwise its own peak,
 * with the processes it reaped (the jail's).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		return 1;
	printf("%ld %d\n", ru.ru_maxrss,
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
