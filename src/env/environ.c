/* environ.c — the command's environment, built in the parent.
 *
 * bubblewrap applies --setenv/--unsetenv/--clearenv to its own environ with
 * glibc's setenv/unsetenv/clearenv while parsing, then sets PWD to the new
 * cwd just before execvp. We reproduce the same list without touching the
 * caller's environ (a library must not, and other threads may read it):
 *   setenv:   replaces the first NAME= entry in place, else appends;
 *   unsetenv: removes every NAME= entry;
 *   clearenv: empties the list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "env/env_internal.h"

extern char **environ;

void sw_env_list_free(struct sw_env_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Does entry e define name (as glibc matches: "NAME=" prefix)? */
static bool entry_is(const char *e, const char *name, size_t len)
{
	return strncmp(e, name, len) == 0 && e[len] == '=';
}

static int list_push(struct sw_env_list *l, char *s)
{
	if (l->n + 1 >= l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
	return 0;
}

static int list_set(struct sw_env_list *l, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *s = malloc(len + strlen(value) + 2);
	if (!s)
		return -ENOMEM;
	strcpy(s, name);
	s[len] = '=';
	strcpy(s + len + 1, value);
	for (size_t i = 0; i < l->n; i++) {
		if (entry_is(l->v[i], name, len)) {
			free(l->v[i]);
			l->v[i] = s;
			return 0;
		}
	}
	int r = list_push(l, s);
	if (r < 0)
		free(s);
	return r;
}

static void list_unset(struct sw_env_list *l, const char *name)
{
	size_t len = strlen(name), j = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (entry_is(l->v[i], name, len))
			free(l->v[i]);
		else
			l->v[j++] = l->v[i];
	}
	l->n = j;
	if (l->v)
		l->v[j] = NULL;
}

const char *sw_env_list_get(const struct sw_env_list *l, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < l->n; i++)
		if (entry_is(l->v[i], name, len))
			return l->v[i] + len + 1;
	return NULL;
}

/* glibc's setenv and unsetenv refuse these (EINVAL); bubblewrap dies. */
static int check_name(const struct sw_envop *op, sw_error *err)
{
	const char *what = op->kind == SW_ENV_SET ? "--setenv" : "--unsetenv";
	if (!op->name || !*op->name || strchr(op->name, '='))
		return sw_error_set(err, EINVAL,
				    "%s: invalid variable name \"%s\"", what,
				    op->name ? op->name : "");
	return 0;
}

static int apply_op(struct sw_env_list *l, const struct sw_envop *op,
		    sw_error *err)
{
	if (op->kind == SW_ENV_CLEAR) {
		sw_env_list_free(l);
		return 0;
	}
	int r = check_name(op, err);
	if (r < 0)
		return r;
	if (op->kind == SW_ENV_UNSET) {
		list_unset(l, op->name);
		return 0;
	}
	r = list_set(l, op->name, op->value ? op->value : "");
	return r < 0 ? sw_error_set(err, -r, "out of memory") : 0;
}

int sw_env_build(char *const *base, const struct sw_envop *ops, size_t n,
		 struct sw_env_list *out, sw_error *err)
{
	struct sw_env_list l = { 0 };
	int r = 0;
	for (; base && *base && r == 0; base++) {
		char *s = strdup(*base);
		r = s ? list_push(&l, s) : -ENOMEM;
		if (r < 0)
			free(s);
	}
	if (r < 0)
		r = sw_error_set(err, -r, "out of memory");
	for (size_t i = 0; i < n && r == 0; i++)
		r = apply_op(&l, &ops[i], err);
	if (r < 0) {
		sw_env_list_free(&l);
		return r;
	}
	*out = l;
	return 0;
}

/* The PWD slot: a fixed buffer the child fills after its final chdir. It
 * takes the place of an existing PWD (setenv overwrites in place) or is
 * appended, as bubblewrap's setenv("PWD") would. */
static int add_pwd_slot(struct sw_env_plan *plan, struct sw_env_list *l,
			const sw_spec *spec)
{
	char *slot = calloc(1, SW_ENV_PWD_MAX);
	if (!slot)
		return -ENOMEM;
	const char *cwd = spec->chdir ? spec->chdir : "/";
	memcpy(slot, "PWD=", 4);
	strncpy(slot + 4, cwd, SW_ENV_PWD_MAX - 5);
	plan->pwd_slot = slot;
	for (size_t i = 0; i < l->n; i++) {
		if (entry_is(l->v[i], "PWD", 3)) {
			free(l->v[i]);
			l->v[i] = slot;
			return 0;
		}
	}
	int r = list_push(l, slot);
	if (r < 0) {
		free(slot);
		plan->pwd_slot = NULL;
	}
	return r;
}

int sw_env_plan_environ(struct sw_env_plan *plan, const sw_spec *spec,
			sw_error *err)
{
	struct sw_env_list l = { 0 };
	int r = sw_env_build(environ, spec->env, spec->nenv, &l, err);
	if (r < 0)
		return r;
	r = add_pwd_slot(plan, &l, spec);
	if (r < 0) {
		sw_env_list_free(&l);
		return sw_error_set(err, -r, "out of memory");
	}
	plan->envp = l.v; /* l.n >= 1 (PWD), so l.v is allocated */
	plan->path = sw_env_list_get(&l, "PATH");
	if (!plan->path)
		plan->path = SW_ENV_DEFAULT_PATH;
	plan->home = sw_env_list_get(&l, "HOME");
	return 0;
}
