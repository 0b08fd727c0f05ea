/* test_docs.c — man/libswrap.3 documents the whole public API.
 *
 * Every function include/swrap.h declares must have its prototype in the
 * man page (a request line, such as .BI "int sw_spawn(...", holding
 * "NAME("), and every prototype there must name a function the header
 * still declares. Run from the top of the source tree, as make does
 * ($SW_SRCDIR overrides). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define MAX_NAMES 256

struct names {
	char *v[MAX_NAMES];
	size_t n;
};

static char *slurp(const char *rel)
{
	const char *dir = getenv("SW_SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", rel);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("can't open %s (run from the top of the source tree, or "
			 "set SW_SRCDIR)", path);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = 0;
	return buf;
}

static bool has(const struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return true;
	return false;
}

static void add(struct names *ns, const char *s, size_t len)
{
	char *name = strndup(s, len);
	assert_non_null(name);
	if (has(ns, name)) {
		free(name);
		return;
	}
	assert_true(ns->n < MAX_NAMES);
	ns->v[ns->n++] = name;
}

static void drop(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	ns->n = 0;
}

static bool ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Every "sw_NAME(" of text[0, len) (blanks allowed before the paren). */
static void calls(const char *text, size_t len, struct names *out)
{
	for (size_t i = 0; i + 3 < len; i++) {
		if (strncmp(text + i, "sw_", 3) != 0 || (i > 0 && ident(text[i - 1])))
			continue;
		size_t e = i + 3;
		while (e < len && ident(text[e]))
			e++;
		size_t p = e;
		while (p < len && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n'))
			p++;
		if (p < len && text[p] == '(')
			add(out, text + i, e - i);
		i = e - 1;
	}
}

/* The functions the header declares: comments blanked out first. */
static void header_functions(struct names *out)
{
	char *h = slurp("include/swrap.h");
	for (char *p = h; (p = strstr(p, "/*"));) {
		char *end = strstr(p + 2, "*/");
		assert_non_null(end);
		memset(p, ' ', (size_t)(end + 2 - p));
		p = end + 2;
	}
	for (char *p = h; (p = strstr(p, "//"));) {
		while (*p && *p != '\n')
			*p++ = ' ';
	}
	calls(h, strlen(h), out);
	free(h);
}

/* The functions whose prototype the man page gives: on request lines. */
static void man_prototypes(struct names *out)
{
	char *m = slurp("man/libswrap.3");
	for (char *line = m; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (line[0] == '.' && len > 1 && isalpha((unsigned char)line[1]))
			calls(line, len, out);
		line += len + (nl != NULL);
	}
	free(m);
}

static void test_every_function_documented(void **state)
{
	(void)state;
	struct names h = { 0 }, m = { 0 };
	header_functions(&h);
	man_prototypes(&m);
	/* The header parse found the API (a sanity bound, not a count). */
	assert_true(h.n >= 60);
	assert_true(has(&h, "sw_spawn") && has(&h, "sw_spec_selinux_label"));
	char missing[2048] = "";
	for (size_t i = 0; i < h.n; i++)
		if (!has(&m, h.v[i]) && strlen(missing) + strlen(h.v[i]) + 2 < sizeof missing)
			strcat(strcat(missing, " "), h.v[i]);
	if (*missing)
		fail_msg("man/libswrap.3 has no prototype for:%s", missing);
	drop(&h);
	drop(&m);
}

static void test_no_stale_prototype(void **state)
{
	(void)state;
	struct names h = { 0 }, m = { 0 };
	header_functions(&h);
	man_prototypes(&m);
	for (size_t i = 0; i < m.n; i++)
		if (!has(&h, m.v[i]))
			fail_msg("man/libswrap.3 documents %s, which include/swrap.h "
				 "does not declare", m.v[i]);
	drop(&h);
	drop(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_function_documented),
		cmocka_unit_test(test_no_stale_prototype),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
