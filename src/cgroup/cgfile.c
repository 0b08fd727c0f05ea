/* cgfile.c — reading and writing cgroup interface files, names, errors. */
#include "cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sw_cgroup_fail(sw_error *err, int e, const char *fmt, ...)
{
	char msg[sizeof err->msg], ebuf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* The GNU strerror_r: thread-safe, returns the string to use. */
	return sw_error_set(err, e, "%s: %s", msg,
			    strerror_r(e, ebuf, sizeof ebuf));
}

int sw_cgroup_write(const char *dir, const char *file, const char *value,
		    sw_error *err)
{
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return sw_error_set(err, ENAMETOOLONG, "cgroup: path too long: %s/%s",
				    dir, file);
	/* No O_CREAT: a missing file means the controller is not enabled
	 * there, which must be an error, not a new regular file. */
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return sw_cgroup_fail(err, errno, "cgroup: writing \"%s\" to %s",
				      value, path);
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	int e = n < 0 ? errno : EIO;
	close(fd);
	if (n != (ssize_t)len)
		return sw_cgroup_fail(err, e, "cgroup: writing \"%s\" to %s",
				      value, path);
	return 0;
}

ssize_t sw_cgroup_read(const char *dir, const char *file, char *buf,
		       size_t len)
{
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -ENAMETOOLONG;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < len) {
		ssize_t n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : 0;
			if (e) {
				close(fd);
				return -e;
			}
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	return (ssize_t)got;
}

bool sw_cgroup_read_key(const char *dir, const char *file, const char *key,
			unsigned long long *value)
{
	char buf[4096];
	if (sw_cgroup_read(dir, file, buf, sizeof buf) < 0)
		return false;
	size_t klen = strlen(key);
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*value = strtoull(line + klen + 1, NULL, 10);
			return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static const struct {
	const char *name;
	unsigned bit;
} ctl_names[] = {
	{ "memory", SW_CGC_MEMORY },
	{ "cpu", SW_CGC_CPU },
	{ "pids", SW_CGC_PIDS },
	{ "freezer", SW_CGC_FREEZER },
};

static unsigned ctl_bit(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof ctl_names / sizeof ctl_names[0]; i++)
		if (strlen(ctl_names[i].name) == len &&
		    memcmp(ctl_names[i].name, name, len) == 0)
			return ctl_names[i].bit;
	return 0;
}

unsigned sw_cgroup_parse_ctls(const char *list)
{
	unsigned ctls = 0;
	for (const char *p = list; *p;) {
		p += strspn(p, " \t\n,+");
		size_t len = strcspn(p, " \t\n,");
		ctls |= ctl_bit(p, len);
		p += len;
	}
	return ctls;
}

const char *sw_cgroup_format_ctls(unsigned ctls, const char *prefix,
				  char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof ctl_names / sizeof ctl_names[0]; i++) {
		if (!(ctls & ctl_names[i].bit))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s%s", used ? " " : "",
				 prefix, ctl_names[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* "<parent>/<id>" without stray slashes, and how many components. */
int sw_cgroup_rel_path(const char *parent, const char *id, char *buf, size_t len,
		    unsigned *ncomp)
{
	size_t used = 0;
	*ncomp = 0;
	for (const char *p = parent ? parent : SW_DEFAULT_CGROUP_PARENT; *p;) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if (!n)
			break;
		if (used + n + 2 > len)
			return -ENAMETOOLONG;
		memcpy(buf + used, p, n);
		used += n;
		buf[used++] = '/';
		(*ncomp)++;
		p += n;
	}
	if ((size_t)snprintf(buf + used, len - used, "%s", id) >= len - used)
		return -ENAMETOOLONG;
	(*ncomp)++;
	return 0;
}

static bool valid_component(const char *s, size_t len)
{
	if (len == 0 || (len == 1 && s[0] == '.') ||
	    (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int sw_cgroup_check_names(const char *id, const char *parent, sw_error *err)
{
	if (!id || strlen(id) > SW_CGROUP_ID_MAX || !valid_component(id, strlen(id)))
		return sw_error_set(err, EINVAL,
				    "cgroup: bad id \"%s\": use 1 to %d of A-Z a-z 0-9 . _ - (not . or ..)",
				    id ? id : "", SW_CGROUP_ID_MAX);
	/* The parent is relative to the hierarchy root (or to the caller's
	 * delegated cgroup): leading and trailing slashes are allowed. */
	const char *p = parent ? parent : SW_DEFAULT_CGROUP_PARENT;
	size_t total = strlen(p);
	while (*p == '/')
		p++;
	unsigned depth = 0;
	while (*p) {
		size_t len = strcspn(p, "/");
		if (!valid_component(p, len) || total > SW_CGROUP_PARENT_MAX ||
		    ++depth > SW_CGROUP_PARENT_DEPTH)
			return sw_error_set(err, EINVAL,
					    "cgroup: bad parent \"%s\": use names of A-Z a-z 0-9 . _ - separated by /, no . or .., at most 256 characters and 31 levels",
					    parent);
		p += len;
		p += strspn(p, "/");
	}
	if (!depth)
		return sw_error_set(err, EINVAL,
				    "cgroup: bad parent \"%s\": it must name a directory below the hierarchy root",
				    parent ? parent : "");
	return 0;
}
