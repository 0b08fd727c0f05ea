/* selinux.c — --exec-label and --file-label with the kernel's own
 * interfaces (see selinux.h): no libselinux.
 *
 * Parent: is SELinux enabled (as is_selinux_enabled() decides), is each
 * label one the loaded policy knows (as security_check_context() asks),
 * and an fd of the host's /proc for the child.
 * Child: the label written to /proc/thread-self/attr/{fscreate,exec}
 * through that fd: openat, write, close, nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "env/selinux.h"

static const char *root_of(const struct sw_selinux_host *h)
{
	return h && h->root ? h->root : "";
}

/* root + path into buf; false when it does not fit. */
static bool under_root(const struct sw_selinux_host *h, const char *path,
		       char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s", root_of(h), path);
	return n >= 0 && (size_t)n < len;
}

/* Is path a selinuxfs mount? *ro: mounted read-only. */
static bool is_selinuxfs(const struct sw_selinux_host *h, const char *path,
			 bool *ro)
{
	struct statfs st;
	int r;
	do
		r = h && h->statfs ? h->statfs(path, &st) : statfs(path, &st);
	while (r < 0 && errno == EINTR);
	if (r < 0 || (uint32_t)st.f_type != SW_SELINUX_MAGIC)
		return false;
	*ro = (st.f_flags & ST_RDONLY) != 0;
	return true;
}

/* /proc/self/mounts escapes blanks and backslashes as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
}

/* The first selinuxfs of root/proc/self/mounts, root prefixed, into mnt. */
static bool selinuxfs_in_mounts(const struct sw_selinux_host *h, char *mnt,
				size_t len)
{
	char path[PATH_MAX], line[PATH_MAX + 256];
	if (!under_root(h, "/proc/self/mounts", path, sizeof path))
		return false;
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char *dev = strtok(line, " \t\n"), *dir = strtok(NULL, " \t\n");
		char *type = strtok(NULL, " \t\n");
		if (!dev || !dir || !type || strcmp(type, "selinuxfs") != 0)
			continue;
		unescape_octal(dir);
		found = under_root(h, dir, mnt, len);
		break; /* libselinux takes the first one */
	}
	fclose(f);
	return found;
}

bool sw_selinux_enabled_at(const struct sw_selinux_host *h, char *mnt,
			   size_t len)
{
	static const char *const usual[] = { "/sys/fs/selinux", "/selinux" };
	char path[PATH_MAX];
	bool ro = false, found = false;
	/* libselinux: the usual places first; a selinuxfs there that is
	 * read-only ends the search (a container's: SELinux is off for it). */
	for (size_t i = 0; !found && i < sizeof usual / sizeof *usual; i++) {
		if (!under_root(h, usual[i], path, sizeof path) ||
		    !is_selinuxfs(h, path, &ro))
			continue;
		if (ro)
			return false;
		found = true;
	}
	if (found) {
		int n = snprintf(mnt, len, "%s", path);
		if (n < 0 || (size_t)n >= len)
			return false;
	} else if (!selinuxfs_in_mounts(h, mnt, len) || !is_selinuxfs(h, mnt, &ro) || ro) {
		return false;
	}
	/* and a configuration: is_selinux_enabled() wants both. */
	return under_root(h, "/etc/selinux/config", path, sizeof path) &&
	       access(path, F_OK) == 0;
}

static bool label_chars_ok(const char *label)
{
	for (const unsigned char *p = (const unsigned char *)label; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"')
			return false;
	return *label != 0;
}

/* Writes label with its NUL (as libselinux does) to fd and closes it;
 * 0 or an errno. Syscalls only: the child uses it too. */
static int write_label(int fd, const char *label)
{
	size_t n = strlen(label) + 1;
	ssize_t w;
	do
		w = write(fd, label, n);
	while (w < 0 && errno == EINTR);
	int e = w < 0 ? errno : (size_t)w != n ? EIO : 0;
	close(fd);
	return e;
}

/* security_check_context(): the label (with its NUL) written to
 * selinuxfs's "context"; the kernel answers EINVAL for one its policy
 * does not know. */
static int check_label(const char *mnt, const char *opt, const char *label,
		       sw_error *err)
{
	if (!label_chars_ok(label))
		return sw_error_set(err, EINVAL, "%s %s: not a valid SELinux label "
				    "(no quotes or control characters)", opt, label);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/context", mnt);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return sw_error_set(err, errno, "%s %s: can't check the label "
				    "with the kernel (%s): %s", opt, label, path,
				    strerror(errno));
	int e = write_label(fd, label);
	if (e == EINVAL)
		return sw_error_set(err, EINVAL, "%s %s: not a valid SELinux label "
				    "for the loaded policy", opt, label);
	if (e)
		return sw_error_set(err, e, "%s %s: can't check the label with "
				    "the kernel (%s): %s", opt, label, path, strerror(e));
	return 0;
}

/* The /proc fd, moved above every --fd-map destination: the command's
 * dup3s happen before its exec label is written. */
static int open_proc(const sw_spec *s, const struct sw_selinux_host *h,
		     const char *opt, const char *label, sw_error *err)
{
	char path[PATH_MAX];
	if (!under_root(h, "/proc", path, sizeof path))
		return sw_error_set(err, ENAMETOOLONG, "%s %s: the path of /proc "
				    "is too long", opt, label);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sw_error_set(err, errno, "%s %s: can't open %s to set the "
				    "label: %s", opt, label, path, strerror(errno));
	int top = 0;
	for (size_t i = 0; i < s->nfdmap; i++)
		if (s->fdmap_dst[i] >= top)
			top = s->fdmap_dst[i] + 1;
	if (fd < top) {
		int up = fcntl(fd, F_DUPFD_CLOEXEC, top);
		int e = errno;
		close(fd);
		if (up < 0)
			return sw_error_set(err, e, "fcntl(F_DUPFD_CLOEXEC): %s",
					    strerror(e));
		fd = up;
	}
	return fd;
}

int sw_selinux_prepare(const sw_spec *s, const struct sw_selinux_host *h,
		       struct sw_selinux *sel, sw_error *err)
{
	memset(sel, 0, sizeof *sel);
	const char *opts[2] = { "--exec-label", "--file-label" };
	const char *labels[2] = { s->exec_label, s->file_label };
	int first = labels[0] ? 0 : labels[1] ? 1 : -1;
	if (first < 0)
		return 0;
	char mnt[PATH_MAX];
	if (!sw_selinux_enabled_at(h, mnt, sizeof mnt))
		return sw_error_set(err, ENOTSUP, "%s %s: SELinux is not enabled "
				    "on this machine", opts[first], labels[first]);
	for (int i = 0; i < 2; i++) {
		int r = labels[i] ? check_label(mnt, opts[i], labels[i], err) : 0;
		if (r < 0)
			return r;
	}
	int fd = open_proc(s, h, opts[first], labels[first], err);
	if (fd < 0)
		return fd;
	sel->on = true;
	sel->proc_fd = fd;
	sel->exec_label = labels[0];
	sel->file_label = labels[1];
	return 0;
}

void sw_selinux_release(struct sw_selinux *sel)
{
	if (sel->on && sel->proc_fd >= 0)
		close(sel->proc_fd);
	memset(sel, 0, sizeof *sel);
}

/* Child: writes label (with its NUL, as libselinux does) to the calling
 * thread's attr/<name>. System calls only. 0 or a positive errno. */
static int write_attr(int proc, const char *name, const char *label)
{
	char path[64] = "thread-self/attr/";
	size_t pl = strlen(path), nl = strlen(name);
	if (pl + nl >= sizeof path)
		return ENAMETOOLONG;
	memcpy(path + pl, name, nl + 1);
	int fd = openat(proc, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* Before Linux 3.17: the child is single-threaded, so
		 * self/attr is the calling thread's. */
		memcpy(path, "self/attr/", sizeof "self/attr/");
		memcpy(path + sizeof "self/attr/" - 1, name, nl + 1);
		fd = openat(proc, path, O_WRONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return errno;
	return write_label(fd, label);
}

int sw_selinux_child_fscreate(const struct sw_selinux *sel)
{
	return sel->on && sel->file_label
		       ? write_attr(sel->proc_fd, "fscreate", sel->file_label)
		       : 0;
}

int sw_selinux_child_exec(const struct sw_selinux *sel)
{
	return sel->on && sel->exec_label
		       ? write_attr(sel->proc_fd, "exec", sel->exec_label)
		       : 0;
}
