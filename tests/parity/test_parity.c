/* test_parity — the same command lines run by bubblewrap and by swrap,
 * with tests/parity/probe as the command; the reports must match.
 *
 * One cmocka test per line of tests/parity/cases, twice: as root and as
 * the unprivileged SW_TEST_UID. Each test runs bwrap twice (the probe's
 * report must not change: nothing run-dependent in it), swrap, and swrap
 * again on its old-kernel paths (SWRAP_FORCE=clone-fallback,ro-fallback).
 * The differences listed in tests/parity/allowed, each with its reason,
 * are applied to both reports before they are compared; any other
 * difference fails the test with the case and a unified diff.
 *
 * Both launchers get exactly the same start: a fixed environment and
 * umask, the per-run tree @TMP@ as cwd, stdin /dev/null, stdout and stderr
 * pipes, a pty as controlling terminal (so --new-session shows), and one
 * extra fd left open (LEAK_FD, so fd inheritance shows).
 *
 * The runner first moves into a private mount namespace of its own, so the
 * tmpfs it mounts inside @TMP@ (a directory with a submount) is never seen
 * by the host and goes away with it. When `bwrap --ro-bind / / true` fails
 * (as root or as the test uid) the tests of that mode are skipped, with a
 * line saying why.
 *
 * Run by `make parity` and `make check`, from the repository's root (by
 * hand: SW_BUILD=build build/tests/parity/test_parity). Environment:
 * SW_BUILD (the build dir), BWRAP (default /usr/bin/bwrap), SW_PARITY_DIR
 * (where cases and allowed are; default tests/parity), SW_PARITY_KEEP=DIR
 * (write every report there: NNN-root.bwrap, NNN-user.swrap, ...).
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LEAK_FD 9
#define MAX_WORDS 256
#define SW_STR_(x) #x
#define SW_STR(x) SW_STR_(x)

struct pcase {
	int no;            /* line number in cases */
	char *line;        /* as written */
	char *words[MAX_WORDS];
	int nwords;
	enum sw_as as;
	char name[160];
};

struct rule {
	regex_t re;
	char *replace;     /* NULL: drop the line */
	regex_t *only;     /* NULL, or the cases ("root: LINE", "user: LINE")
			    * the rule is for */
	regex_t *except;   /* NULL, or the cases it is not for */
	bool swrap_only;   /* a difference of swrap's own personality only */
};

static const char *bwrap_path = "/usr/bin/bwrap";
static char probe_path[PATH_MAX], probe_dir[PATH_MAX];
static char tmp_root[64]; /* @TMP@ */
static const char *tmp_name;    /* its last component */
static char host_ns[512];
static char parity_dir[2048] = "tests/parity";
static bool bwrap_ok[2];
/* swrap run as "bwrap" (the personality): a link named bwrap to it, in a
 * root-owned 0755 directory the test uid can reach. */
static char as_bwrap_dir[64], as_bwrap[128];
static struct rule rules[64];
static int nrules;

/* ---- small helpers --------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

/* s with every occurrence of from replaced by to (malloc'd). */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	for (const char *p = s; (p = strstr(p, from)); p += fl)
		n++;
	char *out = malloc(strlen(s) + n * (tl > fl ? tl - fl : 0) + 1), *o = out;
	if (!out)
		abort();
	for (const char *p = s, *q; ; p = q + fl) {
		q = fl ? strstr(p, from) : NULL;
		size_t k = q ? (size_t)(q - p) : strlen(p);
		memcpy(o, p, k);
		o += k;
		if (!q)
			break;
		memcpy(o, to, tl);
		o += tl;
	}
	*o = 0;
	return out;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* ---- running a launcher ---------------------------------------------- */

struct out {
	char *text;
	size_t len;
};

static void append(struct out *o, const char *d, size_t n)
{
	char *t = realloc(o->text, o->len + n + 1);
	if (!t)
		abort();
	memcpy(t + o->len, d, n);
	o->len += n;
	t[o->len] = 0;
	o->text = t;
}

/* The child's side: the same start for bwrap and swrap (see the top). */
static void __attribute__((noreturn))
child_exec(enum sw_as as, int out, int err, const char *pts, char **argv, char *force)
{
	/* force: NULL or "SWRAP_FORCE=...", the old-kernel paths; it reaches
	 * the command too, and report() takes that line out again. */
	char *env[] = { "PATH=/usr/bin:/bin", "HOME=/home/parity", "LANG=C",
			"TERM=dumb", "SWP_A=1", "SWP_B=two words", force, NULL };
	dup2(out, 1);
	dup2(err, 2);
	/* Whatever make or the shell left open would differ run to run. */
	close_range(3, ~0U, 0);
	/* LEAK_FD read-write: cases use it as --info-fd, --sync-fd... */
	int nul = open("/dev/null", O_RDWR);
	if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, LEAK_FD) < 0)
		_exit(125);
	if (nul != LEAK_FD)
		close(nul);
	if (pts && (setsid() < 0 || (nul = open(pts, O_RDWR)) < 0 ||
		    ioctl(nul, TIOCSCTTY, 0) < 0 || close(nul) < 0))
		_exit(125);
	if (as == SW_AS_USER)
		sw_drop_privileges();
	if (chdir(tmp_root) < 0)
		_exit(125);
	umask(022);
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	for (char **a = argv; *a; a++)
		if (!strcmp(*a, "@LAUNCHER@"))
			*a = pid;
	execve(argv[0], argv, env);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(125);
}

static void read_until_eof(int fd[2], struct out o[2], pid_t pid)
{
	struct pollfd p[2] = { { fd[0], POLLIN, 0 }, { fd[1], POLLIN, 0 } };
	time_t deadline = time(NULL) + 30;
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			fail_msg("the sandbox ran for over 30 s");
		}
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			fail_msg("poll: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			char buf[8192];
			ssize_t n = read(p[i].fd, buf, sizeof buf);
			if (n > 0)
				append(&o[i], buf, (size_t)n);
			else {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
}

/* Runs argv; o[0] gets stdout, o[1] stderr; returns the exit code (or
 * 128+signal). With tty, the launcher gets a pty as its terminal; force:
 * see child_exec(). */
static int run(enum sw_as as, bool tty, char **argv, char *force, struct out o[2])
{
	int po[2], pe[2], master = -1;
	const char *pts = NULL;
	memset(o, 0, 2 * sizeof *o);
	append(&o[0], "", 0);
	append(&o[1], "", 0);
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	if (tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		assert_true(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
		pts = ptsname(master);
	}
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_exec(as, po[1], pe[1], pts, argv, force);
	close(po[1]);
	close(pe[1]);
	read_until_eof((int[]){ po[0], pe[0] }, o, pid);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (master >= 0)
		close(master);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- building a case's command lines -------------------------------- */

static char *subst(const char *w)
{
	char *a = replace_all(w, "@TMP@", tmp_root);
	char *b = replace_all(a, "@PROBE@", probe_path);
	free(a);
	return b;
}

/* "@EMIT@ ARGS": the argv that `swrap --emit-bwrap=nul ARGS -- @PROBE@`
 * prints (its first word is "bwrap"). */
static int emit_words(struct pcase *c, char **words)
{
	char *argv[MAX_WORDS + 4];
	int n = 0;
	argv[n++] = (char *)sw_swrap();
	argv[n++] = "--emit-bwrap=nul";
	for (int i = 1; i < c->nwords; i++)
		argv[n++] = c->words[i];
	argv[n++] = "--";
	argv[n++] = probe_path;
	argv[n] = NULL;
	struct out o[2];
	int code = run(c->as, false, argv, NULL, o);
	if (code != 0)
		fail_msg("swrap --emit-bwrap=nul failed (%d): %s", code, o[1].text);
	int k = 0;
	for (size_t off = 0; off < o[0].len && k < MAX_WORDS; off += strlen(o[0].text + off) + 1)
		words[k++] = xstrdup(o[0].text + off);
	free(o[0].text);
	free(o[1].text);
	if (k == 0 || strcmp(words[0], "bwrap"))
		fail_msg("--emit-bwrap=nul: the first word is not \"bwrap\"");
	return k;
}

/* The full argv for launcher: the case's words, "-- /probe" unless the
 * case names its own command, then the probe's own arguments. */
static char **case_argv(struct pcase *c, const char *launcher)
{
	char **argv = calloc(MAX_WORDS + 16, sizeof *argv);
	int n = 0;
	bool has_cmd = false;
	argv[n++] = xstrdup(launcher);
	if (c->nwords && !strcmp(c->words[0], "@EMIT@")) {
		char *w[MAX_WORDS] = { 0 };
		int k = emit_words(c, w);
		free(w[0]);
		for (int i = 1; i < k; i++)
			argv[n++] = w[i];
		has_cmd = true;
	} else {
		for (int i = 0; i < c->nwords; i++) {
			has_cmd |= !strcmp(c->words[i], "--");
			argv[n++] = subst(c->words[i]);
		}
	}
	if (!has_cmd) {
		argv[n++] = xstrdup("--");
		argv[n++] = xstrdup("/probe");
	}
	const char *tail[] = { "--host-ns", host_ns, "--launcher", "@LAUNCHER@" };
	for (int i = 0; i < 4; i++)
		argv[n++] = xstrdup(tail[i]);
	return argv;
}

static void free_argv(char **argv)
{
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* ---- reports --------------------------------------------------------- */

#define FORCE "SWRAP_FORCE=clone-fallback,ro-fallback"

/* Removes the line "env FORCE" that the fallback run adds. */
static void drop_force(char *text)
{
	char *p = strstr(text, "\nenv " FORCE "\n");
	if (p)
		memmove(p + 1, p + sizeof "\nenv " FORCE, strlen(p + sizeof "\nenv " FORCE) + 1);
}

/* stdout with run-dependent paths named, plus how the launcher ended. */
static char *report(char **argv, enum sw_as as, char *force)
{
	struct out o[2];
	int code = run(as, true, argv, force, o);
	char tail[64];
	snprintf(tail, sizeof tail, "exit %d\nstderr %s\n", code, o[1].len ? "yes" : "no");
	append(&o[0], tail, strlen(tail));
	if (force)
		drop_force(o[0].text);
	char *a = replace_all(o[0].text, probe_path, "@PROBE@");
	char *b = replace_all(a, probe_dir, "@PROBEDIR@");
	char *r1 = replace_all(b, tmp_root, "@TMP@");
	char *r = replace_all(r1, tmp_name, "@TMPNAME@");
	free(a);
	free(b);
	free(r1);
	free(o[0].text);
	free(o[1].text);
	return r;
}

/* Does rule r apply to case c? */
static bool rule_for(const struct rule *r, const struct pcase *c)
{
	char key[4200];
	snprintf(key, sizeof key, "%s: %s", c->as == SW_AS_ROOT ? "root" : "user", c->line);
	return (!r->only || regexec(r->only, key, 0, NULL, 0) == 0) &&
	       (!r->except || regexec(r->except, key, 0, NULL, 0) != 0);
}

/* Applies the allowed list: each line dropped, replaced or kept. In the
 * bwrap personality only the security fixes apply (personality false). */
static char *apply_rules_as(const char *text, const struct pcase *c, bool personality)
{
	struct out o = { 0 };
	append(&o, "", 0);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		const char *keep = line;
		for (int i = 0; i < nrules && keep; i++)
			if ((!personality || !rules[i].swrap_only) && rule_for(&rules[i], c) &&
			    regexec(&rules[i].re, line, 0, NULL, 0) == 0)
				keep = rules[i].replace;
		if (keep) {
			append(&o, keep, strlen(keep));
			append(&o, "\n", 1);
		}
		free(line);
		p = nl ? nl + 1 : p + len;
	}
	return o.text;
}

static void keep_report(const struct pcase *c, const char *who, const char *text)
{
	const char *dir = getenv("SW_PARITY_KEEP");
	if (!dir || !*dir)
		return;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%03d-%s.%s", dir, c->no,
		 c->as == SW_AS_ROOT ? "root" : "user", who);
	write_text(path, text);
}

/* Prints `diff -u` of the two reports. */
static void show_diff(const char *a, const char *b)
{
	char fa[] = "/tmp/swparity-bwrap.XXXXXX", fb[] = "/tmp/swparity-swrap.XXXXXX";
	int da = mkstemp(fa), db = mkstemp(fb);
	assert_true(da >= 0 && db >= 0);
	close(da);
	close(db);
	write_text(fa, a);
	write_text(fb, b);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "diff -u --label bwrap --label swrap %s %s", fa, fb);
	fflush(stdout);
	if (system(cmd) < 0)
		print_message("(diff could not run)\n");
	unlink(fa);
	unlink(fb);
}

static void print_line(const struct pcase *c, char **argv)
{
	print_message("case %d (%s): %s\n  argv:", c->no,
		      c->as == SW_AS_ROOT ? "root" : "uid " SW_STR(SW_TEST_UID), c->line);
	for (char **a = argv + 1; *a; a++)
		print_message(" %s", *a);
	print_message("\n");
}

/* Compares bwrap's report with one of swrap's, after the allowed list;
 * prints the diff when they differ. */
static bool same_after_rules(const struct pcase *c, char **argv, const char *b,
			     const char *s, const char *what)
{
	bool personality = strstr(what, "as bwrap") != NULL;
	char *fb = apply_rules_as(b, c, personality), *fs = apply_rules_as(s, c, personality);
	bool same = strcmp(fb, fs) == 0;
	if (!same) {
		print_line(c, argv);
		print_message("bwrap and %s differ:\n", what);
		show_diff(fb, fs);
	}
	free(fb);
	free(fs);
	return same;
}

/* bwrap twice (the probe must say the same both times), swrap, and swrap
 * on its old-kernel paths (clone, mount(2) + per-submount remounts). */
static void test_case(void **state)
{
	struct pcase *c = *state;
	if (!bwrap_ok[c->as])
		skip();
	char **bargv = case_argv(c, bwrap_path);
	char **sargv = case_argv(c, sw_swrap());
	char *b = report(bargv, c->as, NULL), *b2 = report(bargv, c->as, NULL);
	char *s = report(sargv, c->as, NULL), *sf = report(sargv, c->as, FORCE);
	char **pargv = case_argv(c, as_bwrap);
	char *sp = report(pargv, c->as, NULL);
	keep_report(c, "bwrap", b);
	keep_report(c, "swrap", s);
	keep_report(c, "swrap-fallback", sf);
	keep_report(c, "swrap-as-bwrap", sp);
	bool stable = strcmp(b, b2) == 0;
	if (!stable) {
		print_line(c, bargv);
		print_message("the probe's report changed between two bwrap runs:\n");
		show_diff(b, b2);
	}
	bool same = stable && same_after_rules(c, bargv, b, s, "swrap");
	bool same_f = stable && same_after_rules(c, bargv, b, sf, "swrap (" FORCE ")");
	/* The personality: only the security fixes may differ. */
	bool same_p = stable && same_after_rules(c, bargv, b, sp, "swrap as bwrap");
	free(sp);
	free_argv(pargv);
	free(b);
	free(b2);
	free(s);
	free(sf);
	free_argv(bargv);
	free_argv(sargv);
	if (!stable)
		fail_msg("probe not deterministic");
	if (!same || !same_f || !same_p)
		fail_msg("bwrap and swrap differ (diff above)");
}

/* ---- reading cases and allowed --------------------------------------- */

/* Shell-like words: blanks separate, '...' and "..." quote. */
static int split_words(const char *line, char **words)
{
	int n = 0;
	const char *p = line;
	while (*p && n < MAX_WORDS - 1) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char buf[4096];
		size_t k = 0;
		char q = 0;
		for (; *p && (q || (*p != ' ' && *p != '\t')); p++) {
			if (!q && (*p == '\'' || *p == '"'))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else if (k < sizeof buf - 1)
				buf[k++] = *p;
		}
		buf[k] = 0;
		words[n++] = xstrdup(buf);
	}
	return n;
}

static FILE *open_data(const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", parity_dir, name);
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "parity: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = 0;
}

static regex_t *compile(const char *re, int no)
{
	regex_t *r = calloc(1, sizeof *r);
	if (!r || regcomp(r, re, REG_EXTENDED | REG_NOSUB)) {
		fprintf(stderr, "parity: allowed:%d: bad regex %s\n", no, re);
		exit(1);
	}
	return r;
}

/* allowed: "reason: ..." opens an entry; "only REGEX" and "except REGEX"
 * lines limit it to some cases; "drop REGEX" and "map REGEX => TEXT" lines
 * belong to the entry above them. */
static void read_allowed(void)
{
	FILE *f = open_data("allowed");
	char line[1024];
	bool have_reason = false, swrap_only = false;
	regex_t *only = NULL, *except = NULL;
	for (int no = 1; fgets(line, sizeof line, f); no++) {
		chomp(line);
		if (!line[0] || line[0] == '#' || !strncmp(line, "  ", 2))
			continue;
		if (!strncmp(line, "reason:", 7)) {
			have_reason = true;
			swrap_only = false;
			only = except = NULL;
			continue;
		}
		if (!strcmp(line, "personality swrap") && have_reason) {
			swrap_only = true;
			continue;
		}
		if (!strncmp(line, "only ", 5) && have_reason) {
			only = compile(line + 5, no);
			continue;
		}
		if (!strncmp(line, "except ", 7) && have_reason) {
			except = compile(line + 7, no);
			continue;
		}
		char *arrow = strstr(line, " => ");
		bool drop = !strncmp(line, "drop ", 5), map = !strncmp(line, "map ", 4) && arrow;
		if ((!drop && !map) || !have_reason || nrules == 64) {
			fprintf(stderr, "parity: allowed:%d: expected \"drop RE\" or \"map RE => TEXT\" after a \"reason:\"\n", no);
			exit(1);
		}
		if (map)
			*arrow = 0;
		struct rule *r = &rules[nrules++];
		regex_t *re = compile(line + (drop ? 5 : 4), no);
		r->re = *re;
		free(re);
		r->replace = map ? xstrdup(arrow + 4) : NULL;
		r->only = only;
		r->except = except;
		r->swrap_only = swrap_only;
	}
	fclose(f);
}

static struct pcase *read_cases(int *count)
{
	FILE *f = open_data("cases");
	struct pcase *v = NULL;
	int n = 0;
	char line[4096];
	for (int no = 1; fgets(line, sizeof line, f); no++) {
		chomp(line);
		if (!line[0] || line[0] == '#')
			continue;
		v = realloc(v, (n + 2) * sizeof *v);
		for (int as = 0; as < 2; as++) {
			struct pcase *c = &v[n++];
			memset(c, 0, sizeof *c);
			c->no = no;
			c->line = xstrdup(line);
			c->nwords = split_words(line, c->words);
			c->as = as ? SW_AS_USER : SW_AS_ROOT;
			snprintf(c->name, sizeof c->name, "%d/%s: %.120s", no,
				 as ? "user" : "root", line);
		}
	}
	fclose(f);
	*count = n;
	return v;
}

/* ---- the per-run world ----------------------------------------------- */

static void mk(const char *rel, mode_t mode)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", tmp_root, rel);
	if (mkdir(p, mode) < 0 || chmod(p, mode) < 0) {
		fprintf(stderr, "parity: mkdir %s: %s\n", p, strerror(errno));
		exit(1);
	}
}

static void put(const char *rel, const char *content, mode_t mode)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", tmp_root, rel);
	FILE *f = fopen(p, "we");
	if (!f || fputs(content, f) < 0 || fclose(f) || chmod(p, mode) < 0) {
		fprintf(stderr, "parity: write %s: %s\n", p, strerror(errno));
		exit(1);
	}
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", tmp_root, rel);
	if (symlink(target, p) < 0) {
		fprintf(stderr, "parity: symlink %s: %s\n", p, strerror(errno));
		exit(1);
	}
}

/* @TMP@: files, an executable, symlinks (relative, absolute, dangling),
 * a directory with a tmpfs submount that has a file of its own. */
static void make_tree(void)
{
	snprintf(tmp_root, sizeof tmp_root, "/tmp/swparity.XXXXXX");
	if (!mkdtemp(tmp_root) || chmod(tmp_root, 0755) < 0) {
		fprintf(stderr, "parity: mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	tmp_name = strrchr(tmp_root, '/') + 1;
	put("file", "hello\n", 0644);
	put("secret", "s\n", 0600);
	put("exec", "#!/bin/sh\n", 0755);
	mk("dir", 0755);
	put("dir/a", "a\n", 0644);
	mk("dir/sub", 0755);
	mk("empty", 0700);
	char sub[PATH_MAX];
	snprintf(sub, sizeof sub, "%s/dir/sub", tmp_root);
	if (mount("tmpfs", sub, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k") < 0) {
		fprintf(stderr, "parity: mount tmpfs on %s: %s\n", sub, strerror(errno));
		exit(1);
	}
	put("dir/sub/b", "b\n", 0644);
	ln("file", "link-file");
	ln("dir", "link-dir");
	char abs[PATH_MAX];
	snprintf(abs, sizeof abs, "%s/file", tmp_root);
	ln(abs, "link-abs");
	ln("nowhere", "dangling");
}

static void remove_tree(void)
{
	char sub[PATH_MAX];
	snprintf(sub, sizeof sub, "%s/dir/sub", tmp_root);
	umount2(sub, MNT_DETACH);
	sw_rmtree(tmp_root);
}

/* "user=INO,mnt=INO,...": this process's namespaces, for the probe. */
static void read_host_ns(void)
{
	static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid",
					     "time", "user", "uts" };
	size_t off = 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char p[64];
		struct stat st;
		snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
		if (stat(p, &st) == 0)
			off += snprintf(host_ns + off, sizeof host_ns - off, "%s%s=%llu",
					off ? "," : "", names[i], (unsigned long long)st.st_ino);
	}
}

/* Can bwrap make a sandbox at all, as root and as the test uid? */
static void check_bwrap(void)
{
	for (int as = 0; as < 2; as++) {
		char *argv[] = { (char *)bwrap_path, "--ro-bind", "/", "/", "true", NULL };
		struct out o[2];
		int code = run(as ? SW_AS_USER : SW_AS_ROOT, false, argv, NULL, o);
		bwrap_ok[as] = code == 0;
		size_t n = strlen(o[1].text);
		if (!bwrap_ok[as])
			printf("parity: SKIP every case as %s: `%s --ro-bind / / true` "
			       "exits %d here%s%s%s", as ? "uid " SW_STR(SW_TEST_UID) : "root",
			       bwrap_path, code, n ? ": " : "", o[1].text,
			       n && o[1].text[n - 1] == '\n' ? "" : "\n");
		free(o[0].text);
		free(o[1].text);
	}
	fflush(stdout);
}

static void setup_paths(void)
{
	const char *b = getenv("BWRAP"), *d = getenv("SW_PARITY_DIR");
	if (b && *b)
		bwrap_path = b;
	if (d && *d)
		snprintf(parity_dir, sizeof parity_dir, "%s", d);
	/* The probe runs as the test uid too: the harness's path, staged
	 * when that uid can't reach the build directory. */
	const char *probe = sw_parity_probe();
	if (!realpath(probe, probe_path)) {
		fprintf(stderr, "parity: %s: %s (build it: make parity)\n", probe, strerror(errno));
		exit(1);
	}
	snprintf(probe_dir, sizeof probe_dir, "%s", probe_path);
	*strrchr(probe_dir, '/') = 0;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("parity: SKIP: must run as root (it runs every case as root and as uid %d)\n",
		       SW_TEST_UID);
		return 0;
	}
	setup_paths();
	/* A private mount namespace: the submount in @TMP@ stays ours. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "parity: private mount namespace: %s\n", strerror(errno));
		return 1;
	}
	read_host_ns();
	read_allowed();
	snprintf(as_bwrap_dir, sizeof as_bwrap_dir, "/tmp/swparity-as-bwrap.XXXXXX");
	if (!mkdtemp(as_bwrap_dir) || chmod(as_bwrap_dir, 0755) < 0) {
		fprintf(stderr, "parity: %s: %s\n", as_bwrap_dir, strerror(errno));
		return 1;
	}
	snprintf(as_bwrap, sizeof as_bwrap, "%s/bwrap", as_bwrap_dir);
	char sw_real[PATH_MAX];
	if (!realpath(sw_swrap(), sw_real) || symlink(sw_real, as_bwrap) < 0) {
		fprintf(stderr, "parity: %s: %s\n", as_bwrap, strerror(errno));
		return 1;
	}
	int n;
	struct pcase *cases = read_cases(&n);
	make_tree();
	check_bwrap();
	struct CMUnitTest *tests = calloc(n, sizeof *tests);
	for (int i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_case;
		tests[i].initial_state = &cases[i];
	}
	int r = _cmocka_run_group_tests("parity", tests, n, NULL, NULL);
	remove_tree();
	unlink(as_bwrap);
	rmdir(as_bwrap_dir);
	return r;
}
