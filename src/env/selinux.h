/* selinux.h — --exec-label and --file-label, without libselinux.
 *
 * bubblewrap refuses both where SELinux is not enabled and otherwise
 * calls libselinux: setexeccon() for the command, setfscreatecon() for the
 * files it makes, and a context="LABEL" mount option for the tmpfs
 * instances it mounts (--tmpfs, --dev). swrap does the same with the
 * kernel's own interfaces:
 *
 *   - enabled: what is_selinux_enabled() answers: a read-write selinuxfs
 *     (at /sys/fs/selinux, /selinux, or wherever /proc/self/mounts says)
 *     and /etc/selinux/config (sw_selinux_enabled_at);
 *   - valid: the label written to selinuxfs's "context" file, as
 *     security_check_context() does (sw_selinux_prepare, in the parent);
 *   - setexeccon / setfscreatecon: the label written to the calling
 *     thread's /proc/thread-self/attr/exec or attr/fscreate, reached
 *     through an O_PATH fd of the host's /proc that the parent opened (the
 *     jail may have no /proc of its own after the pivot). thread-self is
 *     resolved at each lookup, so it names whichever process opens it.
 *     The kernel clears both at execve.
 *   - the mount option: composed in the parent (sw_mount_label_opts in
 *     mount/mount_int.h, used by the mount plan).
 *
 * The parent half allocates and formats messages; the child half
 * (sw_selinux_child_*) only makes system calls over the prepared struct.
 */
#ifndef SW_ENV_SELINUX_H
#define SW_ENV_SELINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/statfs.h>

#include "spec/spec.h"

/* selinuxfs's f_type (linux/magic.h). */
#define SW_SELINUX_MAGIC 0xf97cff8cU

/* Where to look: every path is taken under root (NULL or "": the real
 * root); statfs NULL is statfs(2). Tests point root at a fake tree and
 * statfs at a function that plays selinuxfs. */
struct sw_selinux_host {
	const char *root;
	int (*statfs)(const char *path, struct statfs *st);
};

/* Is SELinux enabled, as libselinux's is_selinux_enabled() decides? When
 * it is, mnt (len bytes) gets selinuxfs's mount point, root included.
 * A selinuxfs mounted read-only (a container's) means "not enabled". */
bool sw_selinux_enabled_at(const struct sw_selinux_host *host, char *mnt,
			   size_t len);

/* What the child needs. Zeroed (on false) means "no label": nothing to
 * close, nothing to write. */
struct sw_selinux {
	bool on;
	int proc_fd;            /* O_PATH, O_CLOEXEC: the host's /proc */
	const char *exec_label; /* the spec's, or NULL */
	const char *file_label;
};

/* Parent, at spawn: nothing to do without labels. Else refuses them
 * where SELinux is not enabled (-ENOTSUP, "--exec-label LABEL: SELinux
 * is not enabled on this machine"), refuses a label the kernel does not
 * know (-EINVAL, naming the option and the label), and opens the /proc
 * fd, above every --fd-map destination (a map must not land on it). host
 * NULL: the real machine. On failure *sel is left zeroed. */
int sw_selinux_prepare(const sw_spec *spec, const struct sw_selinux_host *host,
		       struct sw_selinux *sel, sw_error *err);
/* Closes the fd; *sel is zeroed. Fine on a zeroed struct. */
void sw_selinux_release(struct sw_selinux *sel);

/* Child: setfscreatecon(file_label) for the calling process, before the
 * new root is built; setexeccon(exec_label), before the command's execve
 * (and before Landlock, which would refuse the write). 0 when there is
 * nothing to do, else 0 or a positive errno. */
int sw_selinux_child_fscreate(const struct sw_selinux *sel);
int sw_selinux_child_exec(const struct sw_selinux *sel);

#endif
