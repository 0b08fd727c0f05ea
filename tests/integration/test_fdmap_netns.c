/* test_fdmap_netns.c — issue 14, items 5 and 6: --fd-map SRC:DST hands
 * the command a caller's fd under another number (a watchdog pipe on fd
 * 3), swaps included; --netns PATH|FD joins a network namespace made with
 * `ip netns add` (root), and says why it can't (unprivileged). */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "swrap.h"

/* A pipe whose write end is fd `at` (inherited, not close-on-exec);
 * returns the read end. */
static int pipe_at(int at)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(dup2(p[1], at), at); /* dup2 clears CLOEXEC */
	close(p[1]);
	return p[0];
}

static char *drain(int fd)
{
	static char buf[256];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	close(fd);
	return buf;
}

static void test_fd_map(void **state)
{
	enum sw_as as = SW_AS(state);
	int r20 = pipe_at(8), r21 = pipe_at(9);
	struct sw_run r;
	/* 8 becomes 3, the watchdog; 8 itself is not passed on (dash takes
	 * one-digit fds only) */
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--unshare-pid", "--dev", "/dev", "--fd-map", "8:3",
		 "--fd-map", "9:9", "--", "/bin/sh", "-c",
		 "echo watchdog >&3; { echo leak >&8; } 2>/dev/null || echo no8 >&9");
	if (r.code != 0)
		fail_msg("exit %d: %s", r.code, r.err);
	sw_run_free(&r);
	close(8);
	close(9);
	assert_string_equal(drain(r20), "watchdog\n");
	assert_string_equal(drain(r21), "no8\n");
	/* a swap: 8 -> 9 and 9 -> 8 at once */
	r20 = pipe_at(8);
	r21 = pipe_at(9);
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--fd-map", "8:9", "--fd-map", "9:8",
		 "--", "/bin/sh", "-c", "echo to8 >&8; echo to9 >&9");
	assert_int_equal(r.code, 0);
	sw_run_free(&r);
	close(8);
	close(9);
	assert_string_equal(drain(r20), "to9\n");
	assert_string_equal(drain(r21), "to8\n");
	/* without a map, fd 3 is not there (it would be, were it passed) */
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--dev", "/dev", "--", "/bin/sh", "-c",
		 "{ echo x >&3; } 2>/dev/null && echo open || echo closed");
	assert_string_equal(r.out, "closed\n");
	sw_run_free(&r);
}

static void test_fd_map_bad_input(void **state)
{
	enum sw_as as = SW_AS(state);
	struct sw_run r;
	SW_SWRAP(as, &r, "--fd-map", "7", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--fd-map: \"7\" is not SRC:DST"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--fd-map", "999:3", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "999"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--fd-map", "1:3", "--fd-map", "2:3", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "already the destination"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--keep-fd", "2", "--fd-map", "1:2", "--",
		 "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "would replace --keep-fd 2"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--emit-bwrap", "--fd-map", "1:3", "--", "/bin/true");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.err, "not representable in bwrap: --fd-map 1:3"));
	sw_run_free(&r);
}

/* ---- --netns ---------------------------------------------------------- */

#define NETNS "swtest-netns"

static bool have_ip(void)
{
	return access("/usr/sbin/ip", X_OK) == 0 || access("/sbin/ip", X_OK) == 0 ||
	       access("/usr/bin/ip", X_OK) == 0;
}

static int netns_setup(void **state)
{
	(void)state;
	if (geteuid() == 0 && have_ip() &&
	    system("ip netns del " NETNS " 2>/dev/null; ip netns add " NETNS) != 0)
		return -1;
	return 0;
}

static int netns_teardown(void **state)
{
	(void)state;
	if (geteuid() == 0 && have_ip())
		(void)!system("ip netns del " NETNS " 2>/dev/null");
	return 0;
}

static unsigned long inode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (unsigned long)st.st_ino;
}

static void need_ip(void)
{
	if (!have_ip()) {
		print_message("skipped: no ip(8) (iproute2) to make a namespace\n");
		skip();
	}
}

static void test_netns(void **state)
{
	enum sw_as as = SW_AS(state);
	need_ip();
	const char *path = "/run/netns/" NETNS;
	char want[32];
	snprintf(want, sizeof want, "%lu\n", inode_of(path));
	struct sw_run r;
	if (as == SW_AS_USER) {
		/* owned by the host's user namespace: the kernel says no */
		SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--netns", path, "--", "/bin/true");
		assert_int_equal(r.code, 1);
		assert_non_null(strstr(r.err, "--netns /run/netns/" NETNS ": can't join it"));
		assert_non_null(strstr(r.err, "another user namespace"));
		assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1); /* one line */
		sw_run_free(&r);
		return;
	}
	const char *const variants[][3] = {
		{ "--unshare-pid", NULL }, { "--unshare-user", "--unshare-pid", NULL },
		{ "--unshare-ipc", NULL },
	};
	for (size_t i = 0; i < 3; i++) {
		SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--netns", path, variants[i][0],
			 variants[i][1] ? variants[i][1] : "--unshare-uts", "--",
			 "/usr/bin/stat", "-Lc", "%i", "/proc/self/ns/net");
		if (r.code != 0)
			fail_msg("%s: exit %d %s", variants[i][0], r.code, r.err);
		assert_string_equal(r.out, want);
		sw_run_free(&r);
	}
	/* the fd form */
	int fd = open(path, O_RDONLY); /* inherited by swrap */
	assert_true(fd >= 0);
	char num[16];
	snprintf(num, sizeof num, "%d", fd);
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--netns", num, "--",
		 "/usr/bin/stat", "-Lc", "%i", "/proc/self/ns/net");
	close(fd);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, want);
	sw_run_free(&r);
	/* the library: the calling thread is back in its own namespace */
	unsigned long mine = inode_of("/proc/thread-self/ns/net");
	const char *cmd[] = { "/h/jt", "exit", "0" };
	sw_spec *s = sw_mini_spec(cmd, 3, false, false);
	assert_non_null(s);
	assert_int_equal(sw_spec_netns(s, path, -1, NULL), 0);
	sw_child *c;
	sw_error e = { 0 };
	if (sw_spawn(s, &c, &e) < 0)
		fail_msg("spawn: %s", e.msg);
	int code = -1;
	assert_int_equal(sw_child_wait(c, &code, NULL), 0);
	assert_int_equal(code, 0);
	sw_child_free(c);
	sw_spec_free(s);
	assert_int_equal(inode_of("/proc/thread-self/ns/net"), mine);
}

static void test_netns_bad_input(void **state)
{
	enum sw_as as = SW_AS(state);
	struct sw_run r;
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--netns", "/etc/passwd", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--netns /etc/passwd: not a network namespace"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--ro-bind", "/", "/", "--netns", "/no/such/ns", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "--netns /no/such/ns: No such file"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--netns", "net", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "\"net\" is neither"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--unshare-net", "--netns", "/proc/1/ns/net", "--", "/bin/true");
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "cannot be combined with --unshare-net"));
	sw_run_free(&r);
	SW_SWRAP(as, &r, "--emit-bwrap", "--netns", "/run/netns/x", "--", "/bin/true");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.err, "not representable in bwrap: --netns /run/netns/x"));
	sw_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SW_BOTH(test_fd_map),
		SW_BOTH(test_fd_map_bad_input),
		SW_BOTH(test_netns),
		SW_BOTH(test_netns_bad_input),
	};
	return cmocka_run_group_tests(tests, netns_setup, netns_teardown);
}
