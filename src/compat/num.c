/* num.c — the numbers and small syntaxes options take. Each parser takes
 * the whole word or refuses it, naming it: strtoul alone would take " 12",
 * "-1" (as a huge number) and "12abc". */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat_int.h"

/* strtoull over the whole of s, which must start with a digit. */
static int whole_u64(const char *s, int base, uint64_t *out, char **end)
{
	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, end, base);
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

int sw_parse_fd(const char *s, int *fd, sw_error *err)
{
	uint64_t v;
	char *end;
	if (whole_u64(s, 10, &v, &end) < 0 || *end || v > 0x7fffffff)
		return sw_error_set(err, EBADF, "\"%s\" is not a valid fd", s);
	*fd = (int)v;
	return 0;
}

int sw_parse_id(const char *s, uint32_t *id, sw_error *err)
{
	uint64_t v;
	char *end;
	if (whole_u64(s, 10, &v, &end) < 0 || *end || v >= SW_UNSET_ID)
		return sw_error_set(err, EINVAL, "\"%s\" is not a valid id "
				    "(0..4294967294)", s);
	*id = (uint32_t)v;
	return 0;
}

int sw_parse_octal(const char *s, int *mode, sw_error *err)
{
	uint64_t v;
	char *end;
	if (whole_u64(s, 8, &v, &end) < 0 || *end || v > 07777)
		return sw_error_set(err, EINVAL, "\"%s\" is not an octal mode "
				    "<= 07777", s);
	*mode = (int)v;
	return 0;
}

/* Applies a K/M/G/T suffix at *end (nothing: bytes). */
static int suffix(uint64_t *v, const char *end)
{
	static const char units[] = "KMGT";
	if (!*end)
		return 0;
	const char *u = strchr(units, toupper((unsigned char)*end));
	if (!u || end[1])
		return -EINVAL;
	unsigned shift = 10 * (unsigned)(u - units + 1);
	if (*v > (UINT64_MAX >> shift))
		return -ERANGE;
	*v <<= shift;
	return 0;
}

int sw_parse_tmpfs_size(const char *s, uint64_t *out, sw_error *err)
{
	uint64_t v;
	char *end;
	int r = whole_u64(s, 0, &v, &end);
	if (r == 0)
		r = suffix(&v, end);
	if (r == -ERANGE || (r == 0 && v > SW_TMPFS_SIZE_MAX))
		return sw_error_set(err, ERANGE, "\"%s\" is over the limit of "
				    "%llu bytes", s,
				    (unsigned long long)SW_TMPFS_SIZE_MAX);
	if (r < 0 || v == 0)
		return sw_error_set(err, EINVAL, "\"%s\" is not a non-zero "
				    "number of bytes", s);
	*out = v;
	return 0;
}

int sw_parse_size(const char *s, bool unlimited_ok, uint64_t *out,
		  sw_error *err)
{
	if (unlimited_ok && s && strcmp(s, "unlimited") == 0) {
		*out = SW_RLIM_INF;
		return 0;
	}
	uint64_t v;
	char *end;
	int r = whole_u64(s, 10, &v, &end);
	if (r == 0)
		r = suffix(&v, end);
	if (r == -ERANGE)
		return sw_error_set(err, ERANGE, "\"%s\" is too large", s);
	if (r < 0)
		return sw_error_set(err, EINVAL, "\"%s\" is not a size "
				    "(N[K|M|G|T]%s)", s,
				    unlimited_ok ? " or unlimited" : "");
	*out = v;
	return 0;
}

int sw_parse_count(const char *s, uint64_t *out, sw_error *err)
{
	uint64_t v;
	char *end;
	int r = whole_u64(s, 10, &v, &end);
	if (r == -ERANGE)
		return sw_error_set(err, ERANGE, "\"%s\" is too large", s);
	if (r < 0 || *end)
		return sw_error_set(err, EINVAL, "\"%s\" is not a number", s);
	*out = v;
	return 0;
}

/* Splits s at ':' into at most 3 parts; returns how many, or -1. */
static int split3(const char *s, const char *part[3], size_t len[3])
{
	int n = 0;
	for (const char *p = s;; p++) {
		size_t l = strcspn(p, ":");
		if (n == 3)
			return -1;
		part[n] = p;
		len[n++] = l;
		p += l;
		if (!*p)
			return n;
	}
}

int sw_parse_volume(const char *s, char **src, char **dest, bool *ro,
		    sw_error *err)
{
	const char *part[3];
	size_t len[3];
	int n = split3(s, part, len);
	*ro = false;
	if (n > 1 && ((len[n - 1] == 2 && !strncmp(part[n - 1], "ro", 2)) ||
		      (len[n - 1] == 2 && !strncmp(part[n - 1], "rw", 2)))) {
		*ro = part[n - 1][1] == 'o';
		n--;
	}
	if (n < 1 || n > 2)
		return sw_error_set(err, EINVAL, "\"%s\" is not SRC[:DEST][:ro]",
				    s);
	if (len[0] == 0)
		return sw_error_set(err, EINVAL, "\"%s\" has an empty source", s);
	if (n == 2 && len[1] == 0)
		return sw_error_set(err, EINVAL, "\"%s\" has an empty "
				    "destination", s);
	*src = strndup(part[0], len[0]);
	/* DEST defaults to SRC: part[n - 1] is part[0] when n is 1. */
	*dest = strndup(part[n - 1], len[n - 1]);
	if (!*src || !*dest) {
		free(*src);
		free(*dest);
		return sw_error_set(err, ENOMEM, "out of memory");
	}
	int r = sw_spec_check_dest(*dest, "destination", err);
	if (r < 0) {
		free(*src);
		free(*dest);
		*src = *dest = NULL;
	}
	return r;
}
