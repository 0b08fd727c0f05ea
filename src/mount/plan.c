/* plan.c — the parent half of building a root: resolve, record, prepare. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount/libmount.h"
#include "mount/mount_int.h"

/* Is mount_setattr there? (absent before 5.12, ENOSYS under some seccomp
 * profiles.) An invalid fd tells without touching anything. */
static bool mount_setattr_found;

static void probe_mount_setattr(void)
{
	errno = 0;
	struct mount_attr a = { 0 };
	mount_setattr_found =
		syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &a, sizeof a) == 0 ||
		errno != ENOSYS;
}

/* Asked once per process: the kernel does not change under us. */
static bool have_mount_setattr(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, probe_mount_setattr);
	return mount_setattr_found;
}

static const char *pick_base(void)
{
	static const char *const candidates[] = { "/tmp", "/run", "/var/tmp", "/mnt", "/dev" };
	struct stat st;
	for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
		if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
			return candidates[i];
	return NULL;
}

static bool is_bind(enum sw_fs_kind k)
{
	return k == SW_FS_BIND || k == SW_FS_RO_BIND || k == SW_FS_DEV_BIND;
}

static char *concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);
	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

/* A bind source as bubblewrap resolves it: realpath in the parent, so that
 * absolute symlinks mean the host's paths, not the jail's. */
static int plan_source(struct sw_mop *m, sw_error *err)
{
	const struct sw_fsop *op = m->op;
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(op->src, real) || stat(real, &st) < 0) {
		int e = errno;
		if (e == ENOENT && (op->flags & SW_BIND_TRY)) {
			m->skip = true;
			return 0;
		}
		return sw_error_set(err, e, "Can't find source path %s: %s",
				    op->src, strerror(e));
	}
	m->src = concat(SW_OLDROOT, real);
	if (!m->src)
		return sw_error_set(err, ENOMEM, "out of memory");
	m->real_len = strlen(real);
	m->src_dir = S_ISDIR(st.st_mode);
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	return 0;
}

int sw_mount_label_opts(const char *opts, const char *label, char **out)
{
	*out = NULL;
	if (!label)
		return opts && !(*out = strdup(opts)) ? -ENOMEM : 0;
	if (!*label)
		return -EINVAL;
	for (const unsigned char *p = (const unsigned char *)label; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"')
			return -EINVAL;
	size_t n = (opts ? strlen(opts) + 1 : 0) + strlen(label) + sizeof "context=\"\"";
	char *s = malloc(n);
	if (!s)
		return -ENOMEM;
	snprintf(s, n, "%s%scontext=\"%s\"", opts ? opts : "", opts ? "," : "", label);
	*out = s;
	return 0;
}

/* The mount data of a tmpfs (--tmpfs, --dev): opts, and the file label
 * when there is one. */
static int label_data(const sw_spec *spec, const char *opts, char **out,
		      sw_error *err)
{
	int r = sw_mount_label_opts(opts, spec->file_label, out);
	if (r == -EINVAL)
		return sw_error_set(err, EINVAL, "--file-label %s: can't be a mount "
				    "option (no quotes or control characters)",
				    spec->file_label);
	return r < 0 ? sw_error_set(err, -r, "out of memory") : 0;
}

static int plan_tmpfs(const sw_spec *spec, struct sw_mop *m, sw_error *err)
{
	char data[64];
	int n = snprintf(data, sizeof data, "mode=0%o", (unsigned)m->op->mode);
	if (m->op->size)
		snprintf(data + n, sizeof data - n, ",size=%llu",
			 (unsigned long long)m->op->size);
	return label_data(spec, data, &m->data, err);
}

/* --proc without a PID namespace: a new procfs would show the host's
 * processes anyway (and a user namespace may not mount it), so bind the
 * host's /proc, as bubblewrap does. */
static int plan_host_proc(struct sw_mop *m, sw_error *err)
{
	struct stat st;
	if (stat("/proc", &st) < 0)
		return sw_error_set(err, errno, "--proc %s: the host has no /proc to share: %s",
				    m->op->dest, strerror(errno));
	m->src = strdup(SW_OLDROOT "/proc");
	if (!m->src)
		return sw_error_set(err, ENOMEM, "out of memory");
	m->real_len = strlen("/proc");
	m->src_dir = true;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	return 0;
}

/* One overlay layer, resolved as a bind source is. */
static int plan_layer(struct sw_msrc *s, const char *path, sw_error *err)
{
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(path, real) || stat(real, &st) < 0)
		return sw_error_set(err, errno, "Can't find source path %s: %s",
				    path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return sw_error_set(err, ENOTDIR, "overlay layer %s: %s", path,
				    strerror(ENOTDIR));
	s->path = concat(SW_OLDROOT, real);
	if (!s->path)
		return sw_error_set(err, ENOMEM, "out of memory");
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

static int plan_overlay(struct sw_mop *m, int *tmp_count, sw_error *err)
{
	const struct sw_fsop *op = m->op;
	size_t n = op->nlowers + (op->kind == SW_FS_OVERLAY ? 2 : 0);
	m->srcs = calloc(n, sizeof *m->srcs);
	if (!m->srcs)
		return sw_error_set(err, ENOMEM, "out of memory");
	m->nsrcs = n;
	int r = 0;
	for (size_t i = 0; r == 0 && i < op->nlowers; i++)
		r = plan_layer(&m->srcs[i], op->lowers[op->nlowers - 1 - i], err);
	if (r == 0 && op->kind == SW_FS_OVERLAY)
		r = plan_layer(&m->srcs[op->nlowers], op->src, err);
	if (r == 0 && op->kind == SW_FS_OVERLAY)
		r = plan_layer(&m->srcs[op->nlowers + 1], op->work, err);
	if (op->kind == SW_FS_TMP_OVERLAY)
		m->tmp_overlay = (*tmp_count)++;
	return r;
}

/* The fd options: the fd must be open now (it is used in the child). */
static int plan_fd(struct sw_mop *m, sw_error *err)
{
	struct stat st;
	const char *opt = sw_fs_kind_option(m->op->kind);
	if (fstat(m->op->fd, &st) < 0)
		return sw_error_set(err, errno, "%s %d: not an open fd: %s", opt,
				    m->op->fd, strerror(errno));
	m->src_dir = S_ISDIR(st.st_mode);
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	if (m->op->kind != SW_FS_BIND_FD && m->op->kind != SW_FS_RO_BIND_FD)
		return 0;
	/* A mount of the launcher's namespace can't be cloned from the new
	 * one: the child opens the fd's path under /oldroot instead (refusing
	 * symlinks) and checks it is the fd's own inode. */
	char link[64], real[PATH_MAX];
	snprintf(link, sizeof link, "/proc/self/fd/%d", m->op->fd);
	ssize_t n = readlink(link, real, sizeof real - 1);
	if (n < 0)
		return sw_error_set(err, errno, "%s %d: can't find its path: %s",
				    opt, m->op->fd, strerror(errno));
	real[n] = 0;
	if (real[0] != '/')
		return sw_error_set(err, EINVAL, "%s %d: it is open on %s, not "
				    "on a path of this mount namespace", opt,
				    m->op->fd, real);
	m->src = concat(SW_OLDROOT, real);
	if (!m->src)
		return sw_error_set(err, ENOMEM, "out of memory");
	m->real_len = (size_t)n;
	return 0;
}

static int plan_one(const sw_spec *spec, struct sw_mop *m, int *tmp_count,
		    sw_error *err)
{
	bool pidns = (spec->ns & SW_NS_PID) != 0;
	if (is_bind(m->op->kind))
		return plan_source(m, err);
	if (sw_fs_kind_has_fd(m->op->kind))
		return plan_fd(m, err);
	if (sw_fs_kind_is_overlay(m->op->kind))
		return plan_overlay(m, tmp_count, err);
	if (m->op->kind == SW_FS_PROC && !pidns)
		return plan_host_proc(m, err);
	if (m->op->kind == SW_FS_TMPFS)
		return plan_tmpfs(spec, m, err);
	return 0;
}

/* For the fallback: every mount below each bind source, as paths relative
 * to the source, from one read of mountinfo. */
static int plan_submounts(struct sw_mount_plan *p, sw_error *err);

int sw_mount_plan_new(const sw_spec *spec, struct sw_mount_plan **out,
		      sw_error *err)
{
	struct sw_mount_plan *p = calloc(1, sizeof *p);
	if (!p || !(p->ops = calloc(spec->nfs ? spec->nfs : 1, sizeof *p->ops))) {
		free(p);
		return sw_error_set(err, ENOMEM, "out of memory");
	}
	p->n = spec->nfs;
	p->legacy = (spec->force & SW_FORCE_RO_FALLBACK) || !have_mount_setattr();
	p->base = pick_base();
	p->bwrap = spec->compat == SW_COMPAT_BWRAP;
	int r = p->base ? 0 : sw_error_set(err, ENOENT, "no directory to stage the new root in (tried /tmp, /run, /var/tmp, /mnt, /dev)");
	int tmp_count = 0;
	int *cl = calloc(p->n ? p->n : 1, sizeof *cl);
	if (!cl && r == 0)
		r = sw_error_set(err, ENOMEM, "out of memory");
	p->close_fds = cl;
	for (size_t i = 0; r == 0 && i < p->n; i++) {
		p->ops[i].op = &spec->fs[i];
		r = plan_one(spec, &p->ops[i], &tmp_count, err);
		if (r == 0 && sw_fs_kind_has_fd(spec->fs[i].kind) && spec->fs[i].fd > 2)
			cl[p->nclose++] = spec->fs[i].fd;
	}
	if (r == 0)
		r = label_data(spec, "mode=0755", &p->dev_data, err);
	if (r == 0 && p->legacy)
		r = plan_submounts(p, err);
	if (r < 0) {
		sw_mount_plan_free(p);
		return r;
	}
	*out = p;
	return 0;
}

static int add_sub(struct sw_mop *m, const char *rel)
{
	char **n = realloc(m->subs, (m->nsubs + 1) * sizeof *n);
	if (!n)
		return -ENOMEM;
	m->subs = n;
	if (!(n[m->nsubs] = strdup(rel)))
		return -ENOMEM;
	m->nsubs++;
	return 0;
}

static int match_subs(struct sw_mount_plan *p, const char *target)
{
	size_t tl = strlen(target);
	for (size_t i = 0; i < p->n; i++) {
		struct sw_mop *m = &p->ops[i];
		if (!m->src || m->skip)
			continue;
		const char *real = m->src + strlen(SW_OLDROOT);
		size_t rl = m->real_len;
		bool under = rl == 1 ? tl > 1
				     : tl > rl && memcmp(target, real, rl) == 0 && target[rl] == '/';
		if (under && add_sub(m, rl == 1 ? target : target + rl) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int plan_submounts(struct sw_mount_plan *p, sw_error *err)
{
	const struct sw_libmount *lm = sw_libmount_load(err);
	if (!lm)
		return -ELIBACC;
	struct libmnt_table *tb = lm->new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		return sw_error_set(err, EIO, "can't read /proc/self/mountinfo");
	struct libmnt_iter *it = lm->new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	int r = it ? 0 : -ENOMEM;
	while (r == 0 && lm->table_next_fs(tb, it, &fs) == 0)
		r = match_subs(p, lm->fs_get_target(fs));
	lm->free_iter(it);
	lm->unref_table(tb);
	return r < 0 ? sw_error_set(err, -r, "out of memory") : 0;
}

void sw_mount_plan_free(struct sw_mount_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->ops[i].src);
		free(p->ops[i].data);
		for (size_t j = 0; j < p->ops[i].nsubs; j++)
			free(p->ops[i].subs[j]);
		free(p->ops[i].subs);
		for (size_t j = 0; j < p->ops[i].nsrcs; j++)
			free(p->ops[i].srcs[j].path);
		free(p->ops[i].srcs);
	}
	free((void *)p->close_fds);
	free(p->dev_data);
	free(p->ops);
	free(p);
}

bool sw_mount_plan_skips(const struct sw_mount_plan *p, size_t i)
{
	return i < p->n && p->ops[i].skip;
}
