/* destroy.c — ending a jail's cgroups: kill what is inside (in the jail
 * leaf and in any sub-cgroup the jail made there), remove the directories
 * (those sub-cgroups, the jail leaf, the limits cgroup, the parents we
 * made), free. Also sw_cgroup_kill, which does the same for a jail found
 * by its id. Every wait here is bounded and says so when it runs out. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 256       /* per round; rounds repeat until empty */
#define DRAIN_ROUNDS 1000  /* ~5 s: SIGKILLed tasks leave quickly */
#define RMDIR_ROUNDS 400   /* ~2 s of EBUSY while the last ones exit */

struct freezer {
	const char *file, *on, *off;
	const char *state_file, *frozen; /* "frozen" line in cgroup.events */
};

static const struct freezer v1_freezer = { "freezer.state", "FROZEN", "THAWED",
					   "freezer.state", "FROZEN" };
static const struct freezer v2_freezer = { "cgroup.freeze", "1", "0",
					   "cgroup.events", "frozen 1" };

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static size_t read_pids(const char *dir, pid_t *pids, size_t max)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = 0;
	int pid;
	while (n < max && fscanf(f, "%d", &pid) == 1)
		if (pid > 0)
			pids[n++] = pid;
	fclose(f);
	return n;
}

static bool listed(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* SIGKILLs every process listed in dir/cgroup.procs; returns how many
 * were listed. A pid read from the file may be reused by an unrelated
 * process before the signal: so take a pidfd first, then read the list
 * again, and signal only pidfds whose pid is still listed (a live pidfd's
 * pid names that very process). */
static size_t kill_listed(const char *dir, unsigned quirks)
{
	pid_t pids[MAX_PIDS], again[MAX_PIDS];
	int fds[MAX_PIDS];
	size_t n = read_pids(dir, pids, MAX_PIDS);
	for (size_t i = 0; i < n; i++) {
		if (quirks & SW_CGQ_NO_PIDFD) {
			fds[i] = -1;
			errno = ENOSYS;
		} else {
			fds[i] = (int)syscall(SYS_pidfd_open, pids[i], 0);
		}
		if (fds[i] < 0 && errno == ENOSYS) /* before Linux 5.3 */
			kill(pids[i], SIGKILL);
	}
	size_t m = n ? read_pids(dir, again, MAX_PIDS) : 0;
	for (size_t i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if (listed(again, m, pids[i]))
			syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0);
		close(fds[i]);
	}
	return n;
}

static void freeze(const char *dir, const struct freezer *fz)
{
	char buf[512];
	if (sw_cgroup_write(dir, fz->file, fz->on, NULL) < 0)
		return;
	/* Wait (a little) until no task can fork any more. */
	for (int i = 0; i < 50; i++) {
		if (sw_cgroup_read(dir, fz->state_file, buf, sizeof buf) < 0 ||
		    strstr(buf, fz->frozen))
			return;
		sleep_ms(1);
	}
}

struct kill_round {
	unsigned quirks;
	size_t listed;
};

static void kill_one_dir(const char *dir, void *arg)
{
	struct kill_round *k = arg;
	k->listed += kill_listed(dir, k->quirks);
}

static void thaw_one_dir(const char *dir, void *arg)
{
	(void)arg;
	char state[32];
	/* Only where it is not thawed already: a write to freezer.state of
	 * a thawed cgroup is harmless, but there is no need for one. */
	if (sw_cgroup_read(dir, "freezer.state", state, sizeof state) > 0 &&
	    strncmp(state, "THAWED", 6) != 0)
		sw_cgroup_write(dir, "freezer.state", "THAWED", NULL);
}

/* SIGKILLs what every cgroup of the subtree at top lists; how many were
 * listed (cgroup.procs lists a cgroup's own processes, not its
 * children's: each directory is read). */
static size_t kill_tree(const char *top, unsigned quirks)
{
	struct kill_round k = { quirks, 0 };
	sw_cgroup_tree_visit(top, kill_one_dir, &k);
	return k.listed;
}

/* Kills until the subtree at top is empty. With a freezer, each round
 * freezes top first so that nothing forks between reading the lists and
 * the signals. v1 frozen tasks die only once thawed, and a sub-cgroup the
 * jail froze itself stays frozen when top thaws: so after the signals
 * every v1 freezer cgroup of the subtree is thawed. (cgroup2 lets SIGKILL
 * through its freezer.) */
static int drain(const char *top, const struct freezer *fz, unsigned quirks)
{
	for (int round = 0; round < DRAIN_ROUNDS; round++) {
		if (fz)
			freeze(top, fz);
		size_t n = kill_tree(top, quirks);
		if (fz == &v1_freezer)
			sw_cgroup_tree_visit(top, thaw_one_dir, NULL);
		else if (fz)
			sw_cgroup_write(top, fz->file, fz->off, NULL);
		if (n == 0)
			return 0;
		sleep_ms(round < 20 ? 1 : 5);
	}
	return -EBUSY;
}

/* Is the leaf directory ours? (A failed prepare may hold the path of
 * someone else's cgroup that was in the way: never touch what is in it.) */
static bool ours(const struct sw_cgroup_leaf *l)
{
	return l->path && l->ncomp && (l->made & (1ull << (l->ncomp - 1)));
}

static const struct sw_cgroup_leaf *find_leaf(const struct sw_cgroup *cg,
					      unsigned ctl)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct sw_cgroup_leaf *l = &cg->leaf[i];
		if (ours(l) && (ctl ? (l->ctls & ctl) != 0 : l->v2))
			return l;
	}
	return NULL;
}

static bool has_file(const char *dir, const char *file)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/* Does the cgroup2 subtree at dir hold a process? ("populated" of
 * cgroup.events counts the whole subtree; without it, look.) */
static bool v2_populated(const char *dir)
{
	unsigned long long v;
	if (sw_cgroup_read_key(dir, "cgroup.events", "populated", &v))
		return v != 0;
	return true;
}

static void count_one_dir(const char *dir, void *arg)
{
	pid_t one;
	*(size_t *)arg += read_pids(dir, &one, 1);
}

/* Does any cgroup of the jail's subtree in this hierarchy hold a process? */
static bool populated(const struct sw_cgroup_leaf *l)
{
	if (l->v2)
		return v2_populated(l->path);
	size_t n = 0;
	sw_cgroup_tree_visit(l->path, count_one_dir, &n);
	return n != 0;
}

/* The quickest way that exists: cgroup.kill (Linux 5.14; it takes the
 * whole subtree), else the cgroup2 freezer, else signals alone; and where
 * the jail has a v1 freezer cgroup, the v1 freeze-kill-thaw, which also
 * thaws what the jail froze in it (a task frozen there gets cgroup.kill's
 * SIGKILL but dies only once thawed). Then every hierarchy's subtree is
 * drained, which also waits until the killed tasks have left. */
static int kill_members(struct sw_cgroup *cg)
{
	const struct sw_cgroup_leaf *v2 = find_leaf(cg, 0);
	const struct sw_cgroup_leaf *fz = find_leaf(cg, SW_CGC_FREEZER);
	unsigned q = cg->quirks;
	if (v2 && v2_populated(v2->path)) {
		if ((q & SW_CGQ_NO_KILL_FILE) ||
		    sw_cgroup_write(v2->path, "cgroup.kill", "1", NULL) < 0)
			drain(v2->path, has_file(v2->path, "cgroup.freeze") ?
						&v2_freezer : NULL, q);
	}
	if (fz && populated(fz))
		drain(fz->path, &v1_freezer, q);
	int r = 0;
	for (size_t i = 0; i < cg->n; i++)
		if (ours(&cg->leaf[i]) && drain(cg->leaf[i].path, NULL, q) < 0)
			r = -EBUSY;
	return r;
}

int sw_cgroup_kill_members(struct sw_cgroup *cg, sw_error *err)
{
	if (!cg || kill_members(cg) == 0)
		return 0;
	const struct sw_cgroup_leaf *l = find_leaf(cg, 0);
	return sw_error_set(err, EBUSY,
			    "cgroup: processes of the jail in %s did not die after %d rounds of SIGKILL",
			    (l ? l : &cg->leaf[0])->path, DRAIN_ROUNDS);
}

static int do_rmdir(const struct sw_cgroup *cg, const char *path)
{
	return cg->rmdir ? cg->rmdir(path, cg->arg) : rmdir(path);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* May this parent go once empty? We made it, or it is marked as swrap's
 * (another launch made it, and may have ended already). */
static bool parent_ours(const struct sw_cgroup_leaf *leaf, unsigned i,
			const char *path)
{
	return (leaf->made & (1ull << i)) ||
	       getxattr(path, SW_CGROUP_MARK, NULL, 0) >= 0;
}

/* The leaf, then each parent that is ours, bottom up, stopping at the
 * first that stays. A parent still holding another jail is busy or not
 * empty: that is fine, its last jail removes it. A launch that is creating
 * a jail in a parent just removed sees ENOENT and walks down again
 * (prepare.c), so the two never race into a failure. Only the leaf
 * failing to go is an error. */
static int remove_leaf(const struct sw_cgroup *cg,
		       const struct sw_cgroup_leaf *leaf, sw_error *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", leaf->path);
	/* What is below <id>: the jail leaf and whatever the jail made in it.
	 * A sub-cgroup that stays keeps <id>: the error names it. */
	if (ours(leaf)) {
		int r = sw_cgroup_tree_remove(path, cg->rmdir, cg->arg, err);
		if (r < 0)
			return r;
	}
	for (unsigned i = leaf->ncomp; i-- > 0;) {
		bool is_leaf = i + 1 == leaf->ncomp;
		if (is_leaf ? (leaf->made & (1ull << i)) != 0 : parent_ours(leaf, i, path)) {
			int r = do_rmdir(cg, path), e = errno;
			/* Tasks just killed may keep the leaf busy a moment. */
			for (int k = 0; is_leaf && r < 0 && e == EBUSY && k < RMDIR_ROUNDS; k++) {
				sleep_ms(5);
				r = do_rmdir(cg, path);
				e = errno;
			}
			if (is_leaf && r < 0 && e != ENOENT)
				return sw_cgroup_fail(err, e, "cgroup: removing %s", path);
			if (!is_leaf && r < 0 && e != ENOENT)
				break; /* another jail's, or not ours to judge */
		} else if (!is_leaf && is_dir(path)) {
			break; /* someone else's parent: what is above is too */
		}
		char *slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = 0;
	}
	return 0;
}

int sw_cgroup_remove(struct sw_cgroup *cg, sw_error *err)
{
	int r = sw_cgroup_kill_members(cg, err);
	for (size_t i = 0; i < cg->n; i++) {
		sw_error e = { 0 };
		int rl = cg->leaf[i].path ? remove_leaf(cg, &cg->leaf[i], &e) : 0;
		if (rl < 0 && r == 0) {
			r = rl;
			if (err)
				*err = e;
		}
	}
	return r;
}

void sw_cgroup_release(struct sw_cgroup *cg)
{
	if (!cg)
		return;
	if (cg->v2_fd >= 0)
		close(cg->v2_fd);
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->leaf[i].path);
		free(cg->leaf[i].jail);
	}
	free(cg);
}

int sw_cgroup_destroy(struct sw_cgroup *cg, sw_error *err)
{
	if (!cg)
		return 0;
	int r = sw_cgroup_remove(cg, err);
	sw_cgroup_release(cg);
	return r;
}

const char *sw_cgroup_path(const struct sw_cgroup *cg, unsigned ctl)
{
	const struct sw_cgroup_leaf *l = find_leaf(cg, ctl);
	return l ? l->path : NULL;
}

const char *sw_cgroup_jail_path(const struct sw_cgroup *cg, unsigned ctl)
{
	const struct sw_cgroup_leaf *l = find_leaf(cg, ctl);
	return l ? l->jail : NULL;
}

int sw_cgroup_clone_fd(const struct sw_cgroup *cg)
{
	return cg ? cg->v2_fd : -1;
}

bool sw_cgroup_v2_only(const struct sw_cgroup *cg)
{
	if (!cg || cg->v2_fd < 0)
		return false;
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->leaf[i].v2)
			return false;
	return true;
}

/* Why cgroup2 refused to take the jail, in words. */
static int attach_failed(const char *path, int r, sw_error *err)
{
	const char *why = "";
	switch (-r) {
	case EBUSY:
		why = " (controllers are enabled in its cgroup.subtree_control: cgroup2 puts processes only in leaves)";
		break;
	case EOPNOTSUPP:
		why = " (it is not a valid domain cgroup: a cgroup above it holds processes and has threaded controllers such as pids or cpu enabled, or it is threaded; move those processes into a child cgroup)";
		break;
	case EACCES:
	case EPERM:
		why = " (moving a process needs write access to cgroup.procs of the jail's cgroup and of the closest cgroup above both it and the caller's own: run swrap in a delegated cgroup, e.g. under `systemd-run --user --scope -p Delegate=yes`)";
		break;
	}
	char ebuf[128];
	return sw_error_set(err, -r, "cgroup: can't put the jail into %s: %s%s", path,
			    strerror_r(-r, ebuf, sizeof ebuf), why);
}

int sw_cgroup_attach(struct sw_cgroup *cg, pid_t pid, bool skip_v2,
		     sw_error *err)
{
	char value[24];
	snprintf(value, sizeof value, "%d", (int)pid);
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct sw_cgroup_leaf *l = &cg->leaf[i];
		if (l->v2 && skip_v2)
			continue;
		int r = sw_cgroup_write(l->jail, "cgroup.procs", value, err);
		/* Very old v1 kernels know only "tasks" (one thread: the
		 * child is not threaded yet, so that is the whole process). */
		if (r == -ENOENT && !l->v2)
			r = sw_cgroup_write(l->jail, "tasks", value, err);
		if (r < 0 && l->v2)
			return attach_failed(l->jail, r, err);
		if (r < 0)
			return r;
	}
	return 0;
}

struct oom_sum {
	unsigned long long n;
	bool found;
};

static void add_oom_kills(const char *dir, void *arg)
{
	struct oom_sum *s = arg;
	unsigned long long n;
	if (sw_cgroup_read_key(dir, "memory.oom_control", "oom_kill", &n)) {
		s->n += n;
		s->found = true;
	}
}

bool sw_cgroup_v1_oom_kills(const char *dir, unsigned long long *n)
{
	/* v1 counts a kill in the victim's own cgroup only (cgroup2's
	 * memory.events counts it in every ancestor; so did some older v1
	 * kernels): the limits cgroup's count when it has one, else the sum
	 * over the subtree. */
	if (!sw_cgroup_read_key(dir, "memory.oom_control", "oom_kill", n))
		return false;
	if (*n)
		return true;
	struct oom_sum s = { 0, false };
	sw_cgroup_tree_visit(dir, add_oom_kills, &s);
	*n = s.n;
	return true;
}

bool sw_cgroup_oom_killed(const struct sw_cgroup *cg)
{
	const struct sw_cgroup_leaf *l = find_leaf(cg, SW_CGC_MEMORY);
	unsigned long long n = 0;
	if (!l)
		return false;
	/* The limits cgroup's: the kills its memory limit made anywhere in
	 * the jail. */
	if (l->v2)
		return sw_cgroup_read_key(l->path, "memory.events", "oom_kill", &n) && n;
	/* v1: oom_kill since Linux 4.13; before, the failure count is the
	 * best hint that the limit was hit. */
	if (sw_cgroup_v1_oom_kills(l->path, &n))
		return n > 0;
	char buf[64];
	return sw_cgroup_read(l->path, "memory.failcnt", buf, sizeof buf) > 0 &&
	       strtoull(buf, NULL, 10) > 0;
}

/* The jail's leaves: <base>/<parent>/<id> in every hierarchy that has one. */
static int find_jail(const struct sw_cgroup_layout *lay, const char *rel,
		     unsigned ncomp, struct sw_cgroup *cg)
{
	for (size_t i = 0; i < lay->n && cg->n < SW_CGROUP_MAX_LEAVES; i++) {
		const struct sw_cgroup_hier *h = &lay->h[i];
		char *path;
		if (!h->base || asprintf(&path, "%s/%s", h->base, rel) < 0)
			continue;
		if (!is_dir(path)) {
			free(path);
			continue;
		}
		char *jail;
		if (asprintf(&jail, "%s/%s", path, SW_CGROUP_JAIL_LEAF) < 0) {
			free(path);
			continue;
		}
		cg->leaf[cg->n++] = (struct sw_cgroup_leaf){
			.path = path, .jail = jail, .ncomp = ncomp,
			.made = 1ull << (ncomp - 1), .v2 = h->v2, .ctls = h->ctls,
		};
	}
	return (int)cg->n;
}

static int not_found(const struct sw_cgroup_layout *lay, const char *rel,
		     sw_error *err)
{
	char where[400] = "";
	size_t used = 0;
	for (size_t i = 0; i < lay->n && used < sizeof where; i++)
		if (lay->h[i].base)
			used += (size_t)snprintf(where + used, sizeof where - used,
						 "%s%s", used ? ", " : "", lay->h[i].base);
	return sw_error_set(err, ENOENT,
			    "cgroup: no cgroup \"%s\" in any hierarchy (looked under %s)",
			    rel, used ? where : "no mounted hierarchy");
}

/* The parent pid of pid (field 4 of /proc/PID/stat), or -1. */
static pid_t ppid_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *p = strrchr(buf, ')'); /* the name may hold anything */
	int pp;
	return p && sscanf(p + 1, " %*c %d", &pp) == 1 ? (pid_t)pp : -1;
}

/* Sends sig to the members of dir whose parent is not a member: the
 * jail's top process (its PID 1, which forwards it, or the command). */
static void signal_tops(const char *dir, int sig)
{
	pid_t pids[MAX_PIDS];
	size_t n = read_pids(dir, pids, MAX_PIDS);
	for (size_t i = 0; i < n; i++) {
		if (listed(pids, n, ppid_of(pids[i])))
			continue;
		/* Pin the process, then check it is still the one we saw. */
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		if (fd < 0) {
			if (errno == ENOSYS)
				kill(pids[i], sig);
			continue;
		}
		if (!listed(pids, n, ppid_of(pids[i])))
			syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
		close(fd);
	}
}

static long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The jail's leaves of <parent>/<id>, in a new cg (freed by the caller
 * with sw_cgroup_destroy or sw_cgroup_release). */
static int open_jail(const struct sw_cgroup_host *host, const char *id,
		     const char *parent, struct sw_cgroup **out, sw_error *err)
{
	char rel[PATH_MAX];
	unsigned ncomp;
	*out = NULL;
	int r = sw_cgroup_check_names(id, parent, err);
	if (r < 0)
		return r;
	if (sw_cgroup_rel_path(parent, id, rel, sizeof rel, &ncomp) < 0)
		return sw_error_set(err, ENAMETOOLONG, "cgroup: --cgroup-parent too long");
	struct sw_cgroup_layout lay;
	if ((r = sw_cgroup_discover(host, &lay, err)) < 0)
		return r;
	struct sw_cgroup *cg = calloc(1, sizeof *cg);
	if (!cg) {
		sw_cgroup_layout_free(&lay);
		return sw_error_set(err, ENOMEM, "cgroup: out of memory");
	}
	cg->v2_fd = -1;
	cg->rmdir = host ? host->rmdir : NULL;
	cg->arg = host ? host->arg : NULL;
	cg->quirks = host ? host->quirks : 0;
	if (find_jail(&lay, rel, ncomp, cg) == 0)
		r = not_found(&lay, rel, err);
	sw_cgroup_layout_free(&lay);
	if (r < 0) {
		sw_cgroup_release(cg);
		return r;
	}
	*out = cg;
	return 0;
}

int sw_cgroup_open_jail(const char *id, const char *parent,
			struct sw_cgroup **out, sw_error *err)
{
	return open_jail(NULL, id, parent, out, err);
}

int sw_cgroup_stop(const char *id, const char *parent, unsigned grace_ms,
		   bool *killed, sw_error *err)
{
	struct sw_cgroup *cg;
	int r = open_jail(NULL, id, parent, &cg, err);
	if (r < 0)
		return r;
	const struct sw_cgroup_leaf *l = find_leaf(cg, 0);
	l = l ? l : &cg->leaf[0];
	signal_tops(l->jail, SIGTERM);
	long deadline = mono_ms() + (long)grace_ms;
	bool busy;
	while ((busy = populated(l)) && mono_ms() < deadline)
		sleep_ms(10);
	if (killed)
		*killed = busy;
	return sw_cgroup_destroy(cg, err);
}

int sw_cgroup_kill_at(const struct sw_cgroup_host *host, const char *id,
		      const char *parent, sw_error *err)
{
	struct sw_cgroup *cg;
	int r = open_jail(host, id, parent, &cg, err);
	return r < 0 ? r : sw_cgroup_destroy(cg, err);
}

int sw_cgroup_kill(const char *id, const char *parent, sw_error *err)
{
	return sw_cgroup_kill_at(NULL, id, parent, err);
}
