/* emit.c — spec → bubblewrap's command line, in one canonical order:
 *
 *   namespaces, --uid --gid [--host-uid --host-gid] --hostname,
 *   --die-with-parent --new-session
 *   --as-pid-1, filesystem operations in order (--perms/--size just before
 *   the --dir/--tmpfs they shape, only when not the default), environment
 *   operations in order, capabilities in order, seccomp, fds, --argv0,
 *   --chdir, [swrap's extensions], -- COMMAND...
 *
 * A spec holds no trace of how it was spelled, so this is the one
 * spelling: parsing the output gives the same spec, and emitting that
 * spec gives the same words. --unshare-all comes out as its parts.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "compat/compat.h"

struct emitter {
	char **argv; /* NULL-terminated */
	size_t argc;
	char **unrep; /* NULL-terminated */
	size_t nunrep;
	bool inline_ext; /* the swrap form: extensions go in argv */
	bool oom;
	bool bad; /* an operation of unknown kind */
};

/* Appends s (taken; NULL means out of memory) to a NULL-terminated list. */
static void push(struct emitter *e, char ***v, size_t *n, char *s)
{
	char **nv = s ? realloc(*v, (*n + 2) * sizeof *nv) : NULL;
	if (!nv) {
		free(s);
		e->oom = true;
		return;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
}

/* "--opt a b" with the arguments shell-quoted: one unrepresentable. */
static char *describe(const char *name, const char *a1, const char *a2)
{
	char *q1 = a1 ? sw_compat_shell_quote(a1) : NULL;
	char *q2 = a2 ? sw_compat_shell_quote(a2) : NULL;
	char *s = NULL;
	if ((!a1 || q1) && (!a2 || q2) &&
	    asprintf(&s, "%s%s%s%s%s", name, q1 ? " " : "", q1 ? q1 : "",
		     q2 ? " " : "", q2 ? q2 : "") < 0)
		s = NULL;
	free(q1);
	free(q2);
	return s;
}

/* One option with up to two arguments (NULL: none). ext: bwrap lacks it. */
static void put(struct emitter *e, bool ext, const char *name,
		const char *a1, const char *a2)
{
	if (ext && !e->inline_ext) {
		push(e, &e->unrep, &e->nunrep, describe(name, a1, a2));
		return;
	}
	push(e, &e->argv, &e->argc, strdup(name));
	if (a1)
		push(e, &e->argv, &e->argc, strdup(a1));
	if (a2)
		push(e, &e->argv, &e->argc, strdup(a2));
}

static const char *u64s(char buf[24], uint64_t v)
{
	snprintf(buf, 24, "%" PRIu64, v);
	return buf;
}

/* Bytes with the largest exact K/M/G/T suffix, as the parser reads them. */
static const char *bytes_s(char buf[24], uint64_t v)
{
	static const char units[] = "TGMK";
	for (int i = 0; i < 4; i++) {
		unsigned shift = 10 * (unsigned)(4 - i);
		if (v && (v & ((1ull << shift) - 1)) == 0) {
			snprintf(buf, 24, "%" PRIu64 "%c", v >> shift, units[i]);
			return buf;
		}
	}
	return u64s(buf, v);
}

static void emit_namespaces(struct emitter *e, const sw_spec *s)
{
	static const struct { unsigned bit; const char *name; } ns[] = {
		{ SW_NS_USER, "--unshare-user" },
		{ SW_NS_USER_TRY, "--unshare-user-try" },
		{ SW_NS_PID, "--unshare-pid" },
		{ SW_NS_IPC, "--unshare-ipc" },
		{ SW_NS_UTS, "--unshare-uts" },
		{ SW_NS_NET, "--unshare-net" },
		{ SW_NS_CGROUP, "--unshare-cgroup" },
		{ SW_NS_CGROUP_TRY, "--unshare-cgroup-try" },
	};
	char b[24];
	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
		if (s->ns & ns[i].bit)
			put(e, false, ns[i].name, NULL, NULL);
	if (s->uid != SW_UNSET_ID)
		put(e, false, "--uid", u64s(b, s->uid), NULL);
	if (s->gid != SW_UNSET_ID)
		put(e, false, "--gid", u64s(b, s->gid), NULL);
	/* bwrap maps a root caller's 0 to 0 and has no way to say otherwise:
	 * listed as not representable, as --cgroup is. */
	if (s->host_uid != SW_UNSET_ID)
		put(e, true, "--host-uid", u64s(b, s->host_uid), NULL);
	if (s->host_gid != SW_UNSET_ID)
		put(e, true, "--host-gid", u64s(b, s->host_gid), NULL);
	if (s->hostname)
		put(e, false, "--hostname", s->hostname, NULL);
	if (s->die_with_parent)
		put(e, false, "--die-with-parent", NULL, NULL);
	if (s->new_session)
		put(e, false, "--new-session", NULL, NULL);
	if (s->as_pid_1)
		put(e, false, "--as-pid-1", NULL, NULL);
	if (s->disable_userns)
		put(e, false, "--disable-userns", NULL, NULL);
	if (s->assert_userns_disabled)
		put(e, false, "--assert-userns-disabled", NULL, NULL);
	/* no bwrap release can join a network namespace */
	if (s->netns_path)
		put(e, true, "--netns", s->netns_path, NULL);
	else if (s->netns_fd != SW_NO_FD)
		put(e, true, "--netns", u64s(b, s->netns_fd), NULL);
}

static void emit_fsop(struct emitter *e, const struct sw_fsop *op)
{
	static const char *const names[][2] = {
		[SW_FS_BIND] = { "--bind", "--bind-try" },
		[SW_FS_RO_BIND] = { "--ro-bind", "--ro-bind-try" },
		[SW_FS_DEV_BIND] = { "--dev-bind", "--dev-bind-try" },
		[SW_FS_REMOUNT_RO] = { "--remount-ro", NULL },
		[SW_FS_PROC] = { "--proc", NULL }, [SW_FS_DEV] = { "--dev", NULL },
		[SW_FS_TMPFS] = { "--tmpfs", NULL },
		[SW_FS_MQUEUE] = { "--mqueue", NULL },
		[SW_FS_DIR] = { "--dir", NULL },
		[SW_FS_SYMLINK] = { "--symlink", NULL },
		[SW_FS_CHMOD] = { "--chmod", NULL },
		[SW_FS_BIND_FD] = { "--bind-fd", NULL },
		[SW_FS_RO_BIND_FD] = { "--ro-bind-fd", NULL },
		[SW_FS_FILE] = { "--file", NULL },
		[SW_FS_BIND_DATA] = { "--bind-data", NULL },
		[SW_FS_RO_BIND_DATA] = { "--ro-bind-data", NULL },
		[SW_FS_OVERLAY] = { "--overlay", NULL },
		[SW_FS_TMP_OVERLAY] = { "--tmp-overlay", NULL },
		[SW_FS_RO_OVERLAY] = { "--ro-overlay", NULL },
	};
	char b[24];
	if ((unsigned)op->kind >= sizeof names / sizeof *names) {
		e->bad = true;
		return;
	}
	const char *name = names[op->kind][(op->flags & SW_BIND_TRY) != 0];
	if (!name)
		name = names[op->kind][0];
	switch (op->kind) {
	case SW_FS_BIND: case SW_FS_RO_BIND: case SW_FS_DEV_BIND:
	case SW_FS_SYMLINK:
		put(e, false, name, op->src, op->dest);
		return;
	case SW_FS_CHMOD:
		snprintf(b, sizeof b, "%04o", (unsigned)op->mode);
		put(e, false, name, b, op->dest);
		return;
	case SW_FS_BIND_FD: case SW_FS_RO_BIND_FD:
		put(e, false, name, u64s(b, (uint64_t)op->fd), op->dest);
		return;
	case SW_FS_FILE: case SW_FS_BIND_DATA: case SW_FS_RO_BIND_DATA:
		snprintf(b, sizeof b, "%04o", (unsigned)op->mode);
		if (op->mode != (op->kind == SW_FS_FILE ? 0666u : 0600u))
			put(e, false, "--perms", b, NULL);
		put(e, false, name, u64s(b, (uint64_t)op->fd), op->dest);
		return;
	case SW_FS_OVERLAY: case SW_FS_TMP_OVERLAY: case SW_FS_RO_OVERLAY:
		for (size_t i = 0; i < op->nlowers; i++)
			put(e, false, "--overlay-src", op->lowers[i], NULL);
		if (op->kind == SW_FS_OVERLAY) {
			put(e, false, name, op->src, op->work);
			push(e, &e->argv, &e->argc, strdup(op->dest));
			return;
		}
		put(e, false, name, op->dest, NULL);
		return;
	case SW_FS_TMPFS: case SW_FS_DIR:
		snprintf(b, sizeof b, "%04o", (unsigned)op->mode);
		if (op->mode != 0755)
			put(e, false, "--perms", b, NULL);
		if (op->size && op->kind == SW_FS_TMPFS)
			put(e, false, "--size", u64s(b, op->size), NULL);
		/* fall through */
	default:
		put(e, false, names[op->kind][0], op->dest, NULL);
	}
}

static void emit_env(struct emitter *e, const sw_spec *s)
{
	for (size_t i = 0; i < s->nenv; i++) {
		const struct sw_envop *op = &s->env[i];
		if (op->kind == SW_ENV_SET)
			put(e, false, "--setenv", op->name, op->value);
		else if (op->kind == SW_ENV_UNSET)
			put(e, false, "--unsetenv", op->name, NULL);
		else
			put(e, false, "--clearenv", NULL, NULL);
	}
}

/* Capabilities by name, in capitals: CAP_NET_ADMIN. */
static void emit_caps(struct emitter *e, const sw_spec *s)
{
	for (size_t i = 0; i < s->ncaps; i++) {
		const struct sw_capop *c = &s->caps[i];
		const char *opt = c->add ? "--cap-add" : "--cap-drop";
		if (c->cap < 0) {
			put(e, false, opt, "ALL", NULL);
			continue;
		}
		char *name = cap_to_name(c->cap);
		if (!name) {
			e->oom = true;
			continue;
		}
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		put(e, false, opt, name, NULL);
		cap_free(name);
	}
}

static void emit_fds(struct emitter *e, const sw_spec *s)
{
	char b[24];
	if (s->seccomp_fd != SW_NO_FD)
		put(e, false, "--seccomp", u64s(b, s->seccomp_fd), NULL);
	for (size_t i = 0; i < s->nadd_seccomp; i++)
		put(e, false, "--add-seccomp-fd", u64s(b, s->add_seccomp_fds[i]),
		    NULL);
	if (s->seccomp_profile)
		put(e, true, "--seccomp-profile", s->seccomp_profile, NULL);
	/* bwrap has no Landlock option */
	if (s->landlock == SW_LANDLOCK_ON)
		put(e, true, "--landlock", NULL, NULL);
	else if (s->landlock == SW_LANDLOCK_TRY)
		put(e, true, "--landlock-try", NULL, NULL);
	const struct { const char *name; int fd; } one[] = {
		{ "--info-fd", s->info_fd },
		{ "--json-status-fd", s->json_status_fd },
		{ "--block-fd", s->block_fd }, { "--sync-fd", s->sync_fd },
		{ "--userns", s->userns_fd }, { "--userns2", s->userns2_fd },
		{ "--pidns", s->pidns_fd },
		{ "--userns-block-fd", s->userns_block_fd },
	};
	for (size_t i = 0; i < sizeof one / sizeof *one; i++)
		if (one[i].fd != SW_NO_FD)
			put(e, false, one[i].name, u64s(b, one[i].fd), NULL);
	for (size_t i = 0; i < s->nkeep; i++)
		put(e, true, "--keep-fd", u64s(b, s->keep_fds[i]), NULL);
	for (size_t i = 0; i < s->nfdmap; i++) {
		char m[48];
		snprintf(m, sizeof m, "%d:%d", s->fdmap_src[i], s->fdmap_dst[i]);
		put(e, true, "--fd-map", m, NULL);
	}
}

static void emit_rlimits(struct emitter *e, const sw_spec *s)
{
	for (size_t i = 0; i < s->nrlimits; i++) {
		const struct sw_rlimit *l = &s->rlimits[i];
		bool bytes = sw_spec_rlimit_in_bytes(l->resource);
		const char *name = sw_spec_rlimit_name(l->resource);
		char v[2][24], arg[96];
		uint64_t lim[2] = { l->soft, l->hard };
		for (int k = 0; k < 2; k++)
			if (lim[k] == SW_RLIM_INF)
				snprintf(v[k], 24, "unlimited");
			else if (bytes)
				bytes_s(v[k], lim[k]);
			else
				u64s(v[k], lim[k]);
		snprintf(arg, sizeof arg, "%s=%s:%s", name ? name : "?", v[0],
			 v[1]);
		put(e, true, "--rlimit", arg, NULL);
	}
}

static void emit_cgroup(struct emitter *e, const sw_spec *s)
{
	const struct sw_limits *l = &s->limits;
	char b[24], cpu[64];
	if (s->cgroup_id)
		put(e, true, "--cgroup", s->cgroup_id, NULL);
	if (s->cgroup_parent)
		put(e, true, "--cgroup-parent", s->cgroup_parent, NULL);
	if (s->cgroup_optional)
		put(e, true, "--cgroup-optional", NULL, NULL);
	if (l->memory_max)
		put(e, true, "--memory-max", bytes_s(b, l->memory_max), NULL);
	if (l->memory_high)
		put(e, true, "--memory-high", bytes_s(b, l->memory_high), NULL);
	if (l->cpu_quota || l->cpu_period) {
		int n = snprintf(cpu, sizeof cpu, "%" PRIu64, l->cpu_quota);
		if (l->cpu_period)
			snprintf(cpu + n, sizeof cpu - n, "/%" PRIu64,
				 l->cpu_period);
		put(e, true, "--cpu-max", cpu, NULL);
	}
	if (l->cpu_weight)
		put(e, true, "--cpu-weight", u64s(b, l->cpu_weight), NULL);
	if (l->pids_max)
		put(e, true, "--pids-max", u64s(b, l->pids_max), NULL);
}

static void emit_all(struct emitter *e, const sw_spec *s)
{
	emit_namespaces(e, s);
	for (size_t i = 0; i < s->nfs; i++)
		emit_fsop(e, &s->fs[i]);
	emit_env(e, s);
	emit_caps(e, s);
	for (size_t i = 0; i < s->nlock_files; i++)
		put(e, false, "--lock-file", s->lock_files[i], NULL);
	emit_fds(e, s);
	if (s->exec_label)
		put(e, false, "--exec-label", s->exec_label, NULL);
	if (s->file_label)
		put(e, false, "--file-label", s->file_label, NULL);
	if (s->argv0)
		put(e, false, "--argv0", s->argv0, NULL);
	if (s->chdir)
		put(e, false, "--chdir", s->chdir, NULL);
	if (s->detach)
		put(e, true, "--detach", NULL, NULL);
	if (s->compat == SW_COMPAT_BWRAP)
		put(e, true, "--compat=bwrap", NULL, NULL);
	emit_rlimits(e, s);
	emit_cgroup(e, s);
	if (s->argc)
		put(e, false, "--", NULL, NULL);
	for (size_t i = 0; i < s->argc; i++)
		push(e, &e->argv, &e->argc, strdup(s->argv[i]));
}

static int emit(const sw_spec *s, bool inline_ext, const char *prog,
		struct emitter *e, sw_error *err)
{
	*e = (struct emitter){ .inline_ext = inline_ext };
	if (!s)
		return sw_error_set(err, EINVAL, "no spec");
	e->unrep = calloc(1, sizeof *e->unrep);
	if (!e->unrep)
		e->oom = true;
	push(e, &e->argv, &e->argc, strdup(prog));
	emit_all(e, s);
	if (e->oom || e->bad) {
		sw_compat_strv_free(e->argv);
		sw_compat_strv_free(e->unrep);
		return e->oom ? sw_error_set(err, ENOMEM, "out of memory") :
			sw_error_set(err, EINVAL, "unknown filesystem operation");
	}
	return 0;
}

int sw_compat_emit(const sw_spec *spec, char ***argv_out, size_t *argc_out,
		   char ***unrepresentable_out, sw_error *err)
{
	struct emitter e;
	int r = emit(spec, false, "bwrap", &e, err);
	if (r < 0)
		return r;
	*argv_out = e.argv;
	*argc_out = e.argc;
	if (unrepresentable_out)
		*unrepresentable_out = e.unrep;
	else
		sw_compat_strv_free(e.unrep);
	return 0;
}

int sw_compat_emit_swrap(const sw_spec *spec, char ***argv_out,
			 size_t *argc_out, sw_error *err)
{
	struct emitter e;
	int r = emit(spec, true, "swrap", &e, err);
	if (r < 0)
		return r;
	sw_compat_strv_free(e.unrep);
	*argv_out = e.argv;
	*argc_out = e.argc;
	return 0;
}

void sw_compat_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_@%+=:,./-", *s))
			return false;
	return true;
}

char *sw_compat_shell_quote(const char *s)
{
	if (shell_safe(s))
		return strdup(s);
	size_t n = 2;
	for (const char *p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	char *q = malloc(n + 1), *o = q;
	if (!q)
		return NULL;
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4); /* close, escaped ', reopen */
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = 0;
	return q;
}

char *sw_compat_shell_join(char *const *argv, size_t argc)
{
	size_t len = 1, used = 0;
	char *out = malloc(len);
	if (!out)
		return NULL;
	out[0] = 0;
	for (size_t i = 0; i < argc; i++) {
		char *q = sw_compat_shell_quote(argv[i]);
		char *no = q ? realloc(out, len + strlen(q) + 1) : NULL;
		if (!no) {
			free(q);
			free(out);
			return NULL;
		}
		out = no;
		used += (size_t)sprintf(out + used, "%s%s", i ? " " : "", q);
		len = used + 1;
		free(q);
	}
	return out;
}

/* ---- public (swrap.h) ------------------------------------------------- */

int sw_spec_emit_bwrap(const sw_spec *spec, char ***argv_out,
		       size_t *argc_out, sw_error *err)
{
	if (!argv_out)
		return sw_error_set(err, EINVAL, "no argv_out");
	size_t argc;
	int r = sw_compat_emit(spec, argv_out, &argc, NULL, err);
	if (r == 0 && argc_out)
		*argc_out = argc;
	return r;
}

void sw_strv_free(char **v)
{
	sw_compat_strv_free(v);
}
