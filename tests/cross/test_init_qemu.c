/* test_init_qemu.c — swrap-init built for another architecture (aarch64)
 * really runs: under qemu-user, with a real child to reap (make
 * cross-check, mk/cross.mk).
 *
 *   SW_CROSS_INIT=build/cross-aarch64/init/swrap-init \
 *   SW_CROSS_QEMU=qemu-aarch64 test_init_qemu
 *
 * Each case plays the launcher's part: a stand-in process, with every
 * signal blocked as the launcher blocks them around clone, forks the
 * "command" and then execs swrap-init, which so inherits the command as
 * its child, as the jail's PID 1 does. The host's kernel runs the
 * system calls qemu translates; what is checked is what src/ns relies on:
 * the exit code, the status record, the "go" byte read, signals passed
 * on, and the lifeline.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static const char *init_path, *qemu;

/* What the command does once forked. */
enum cmd { CMD_EXIT_7, CMD_KILLED, CMD_WAITS };

struct run {
	int code;    /* swrap-init's exit code, or 128+N for a signal N */
	int status;  /* what it wrote on STATUS, when nstatus == 4 */
	ssize_t nstatus;
};

/* Every process a case makes dies with its parent: nothing outlives a
 * failed case (the watchdog in main ends the test process). */
static void die_with(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(124);
}

static void __attribute__((noreturn)) command(enum cmd what, pid_t parent)
{
	die_with(parent);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (what == CMD_EXIT_7)
		_exit(7);
	if (what == CMD_KILLED)
		raise(SIGKILL);
	for (;;)
		pause(); /* until a signal ends it */
}

static void __attribute__((noreturn)) exec_init(const char *const *args)
{
	const char *argv[10] = { qemu, init_path };
	for (size_t i = 0; args[i] && i < 7; i++)
		argv[2 + i] = args[i];
	execvp(qemu, (char *const *)argv);
	fprintf(stderr, "exec %s: %s\n", qemu, strerror(errno));
	_exit(126);
}

static int code_of(int w)
{
	return WIFEXITED(w) ? WEXITSTATUS(w) : 128 + WTERMSIG(w);
}

/* The stand-in for the jail's PID 1: forks the command, then execs
 * swrap-init CMD GO LIFE STATUS 0 (GO and LIFE: fds, or -1). */
static void __attribute__((noreturn)) pid1(pid_t parent, enum cmd what, int go, int life,
					  int st)
{
	die_with(parent);
	pid_t self = getpid(), c = fork();
	if (c < 0)
		_exit(125);
	if (c == 0)
		command(what, self);
	char a[4][16];
	snprintf(a[0], sizeof a[0], "%d", (int)c);
	snprintf(a[1], sizeof a[1], "%d", go);
	snprintf(a[2], sizeof a[2], "%d", life);
	snprintf(a[3], sizeof a[3], "%d", st);
	exec_init((const char *const[]){ a[0], a[1], a[2], a[3], "0", "-1", NULL });
}

/* Runs one case; sig, when not 0, is sent to swrap-init at once (it is
 * blocked from before the fork, so it waits for swrap-init's signalfd). */
static struct run run_case(enum cmd what, int sig, int go, int life)
{
	int st[2];
	assert_int_equal(pipe(st), 0);
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t self = getpid(), p = fork();
	if (p == 0) {
		close(st[0]);
		pid1(self, what, go, life, st[1]);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	assert_true(p > 0);
	close(st[1]);
	if (sig)
		assert_int_equal(kill(p, sig), 0);
	struct run r = { -1, -1, -1 };
	int w;
	assert_int_equal(waitpid(p, &w, 0), p);
	r.code = code_of(w);
	r.nstatus = read(st[0], &r.status, sizeof r.status);
	char more;
	assert_int_equal(read(st[0], &more, 1), 0); /* one record, then EOF */
	close(st[0]);
	return r;
}

/* Arguments it can't use: 127, as for a command not found. */
static int init_with(const char *const *args)
{
	pid_t p = fork();
	if (p == 0)
		exec_init(args);
	assert_true(p > 0);
	int w;
	assert_int_equal(waitpid(p, &w, 0), p);
	return code_of(w);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(init_with((const char *const[]){ NULL }), 127);
	assert_int_equal(init_with((const char *const[]){ "1", "-1", "-1", "-1", NULL }), 127);
	assert_int_equal(init_with((const char *const[]){ "1", "-1", "-1", "-1", "0", NULL }), 127);
	assert_int_equal(init_with((const char *const[]){ "x", "-1", "-1", "-1", "0", "-1", NULL }), 127);
	assert_int_equal(init_with((const char *const[]){ "0", "-1", "-1", "-1", "0", "-1", NULL }), 127);
	assert_int_equal(init_with((const char *const[]){ "1", "-1", "-1", "-1", "-5", "-1", NULL }), 127);
}

/* The command's exit code is swrap-init's, and the status record. */
static void test_exit_code(void **state)
{
	(void)state;
	struct run r = run_case(CMD_EXIT_7, 0, -1, -1);
	assert_int_equal(r.code, 7);
	assert_int_equal(r.nstatus, 4);
	assert_int_equal(r.status, 7);
}

/* A command killed by signal N: 128+N, as a shell reports it. */
static void test_killed(void **state)
{
	(void)state;
	struct run r = run_case(CMD_KILLED, 0, -1, -1);
	assert_int_equal(r.code, 128 + SIGKILL);
	assert_int_equal(r.nstatus, 4);
	assert_int_equal(r.status, 128 + SIGKILL);
}

/* A signal for the jail is passed on to the command, which only ends by
 * it: swrap-init read its signalfd, killed, and reaped after its poll. */
static void test_forwarded(void **state)
{
	(void)state;
	struct run r = run_case(CMD_WAITS, SIGTERM, -1, -1);
	assert_int_equal(r.code, 128 + SIGTERM);
	assert_int_equal(r.nstatus, 4);
	assert_int_equal(r.status, 128 + SIGTERM);
}

/* The "go" byte is read (the socket holds nothing afterwards). */
static void test_go(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	int go = fcntl(sv[1], F_DUPFD, 10); /* no CLOEXEC: swrap-init's */
	assert_true(go >= 0);
	assert_int_equal(write(sv[0], "g", 1), 1);
	struct run r = run_case(CMD_EXIT_7, 0, go, -1);
	close(go);
	assert_int_equal(r.code, 7);
	int left = -1;
	assert_int_equal(ioctl(sv[1], FIONREAD, &left), 0);
	assert_int_equal(left, 0);
	close(sv[0]);
	close(sv[1]);
}

/* The lifeline's EOF kills the whole PID namespace (a command that would
 * wait forever) and swrap-init ends with 128+SIGKILL, no status. Its
 * kill(-1) needs a PID namespace of its own: as root only. */
static void test_lifeline(void **state)
{
	(void)state;
	int life[2], st[2];
	assert_int_equal(pipe(life), 0);
	assert_int_equal(pipe(st), 0);
	pid_t self = getpid(), p = fork();
	if (p == 0) {
		die_with(self);
		if (unshare(CLONE_NEWPID) < 0)
			_exit(77);
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		pid_t one = fork(); /* PID 1 of the new namespace */
		if (one == 0) {
			close(life[1]);
			close(st[0]);
			pid1(0, CMD_WAITS, -1, life[0], st[1]); /* its parent is outside */
		}
		close(life[0]);
		close(life[1]);
		close(st[1]);
		int w;
		_exit(one > 0 && waitpid(one, &w, 0) == one ? code_of(w) : 125);
	}
	assert_true(p > 0);
	close(life[0]);
	close(st[1]);
	close(life[1]); /* the launcher is gone */
	int w;
	assert_int_equal(waitpid(p, &w, 0), p);
	int code, got;
	ssize_t n = read(st[0], &got, sizeof got);
	close(st[0]);
	code = code_of(w);
	if (code == 77)
		skip();
	assert_int_equal(code, 128 + SIGKILL);
	assert_int_equal(n, 0);
}

int main(void)
{
	init_path = getenv("SW_CROSS_INIT");
	qemu = getenv("SW_CROSS_QEMU");
	if (!init_path || !*init_path || access(init_path, X_OK) < 0) {
		fprintf(stderr, "test_init_qemu: SW_CROSS_INIT names no program: %s\n",
			init_path ? init_path : "(unset)");
		return 1;
	}
	if (!qemu || !*qemu)
		qemu = "qemu-aarch64";
	/* A watchdog, not a timed check: a case that waits forever fails. */
	alarm(120);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_killed),
		cmocka_unit_test(test_forwarded),
		cmocka_unit_test(test_go),
		cmocka_unit_test(test_lifeline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
