/* describe.c — turn a child's mount failure into the user's words. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mount/mount.h"

static const char *type_name(int type)
{
	switch (type) {
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFDIR: return "directory";
	case S_IFREG: return "regular file";
	case S_IFLNK: return "symbolic link";
	}
	return "file of unknown type";
}

int sw_mount_describe_type(const char *what, const char *path, const char *want,
			   const struct sw_report *rep, sw_error *err)
{
	if (rep->ftype == S_IFLNK)
		return sw_error_set(err, rep->err, "%s%s is a symbolic link (refusing to "
				    "follow it)", what, path);
	return sw_error_set(err, rep->err, "%s%s is a %s, not %s", what, path,
			    type_name(rep->ftype), want);
}

/* What spec->fs's kind needs where SW_STEP_FS_TYPE refused its
 * destination (build.c: check_type, make_path, do_symlink). */
static const char *kind_wants(enum sw_fs_kind kind)
{
	switch (kind) {
	case SW_FS_FILE: return "a regular file";
	case SW_FS_CHMOD: return "a regular file or directory";
	case SW_FS_SYMLINK: return "a symbolic link";
	default: return "a directory";
	}
}

static void describe_type(const struct sw_fsop *op, const char *k,
			  const struct sw_report *rep, sw_error *err)
{
	char what[64];
	if (op->kind == SW_FS_CHMOD)
		snprintf(what, sizeof what, "%s: ", k);
	else if (sw_fs_kind_has_fd(op->kind))
		snprintf(what, sizeof what, "%s %d: destination ", k, op->fd);
	else
		snprintf(what, sizeof what, "%s: destination ", k);
	sw_mount_describe_type(what, op->dest, kind_wants(op->kind), rep, err);
}

void sw_mount_describe(const sw_spec *spec, const struct sw_report *rep, sw_error *err)
{
	const char *es = strerror(rep->err);
	if (rep->index < 0 || (size_t)rep->index >= spec->nfs) {
		const char *what = rep->step == SW_STEP_PIVOT ? "switch to the new root"
				 : rep->step == SW_STEP_MOUNT_PRIVATE ? "make the mount tree private"
				 : "stage the new root";
		sw_error_set(err, -rep->err, "Can't %s: %s", what, es);
		return;
	}
	const struct sw_fsop *op = &spec->fs[rep->index];
	const char *k = sw_fs_kind_option(op->kind) ? sw_fs_kind_option(op->kind) : "?";
	char fdname[32];
	const char *src = op->src;
	if (sw_fs_kind_has_fd(op->kind)) {
		snprintf(fdname, sizeof fdname, "fd %d", op->fd);
		src = fdname;
	} else if (!src) {
		src = "(overlay layer)";
	}
	/* Mounts that carry the file label: the policy may refuse it. */
	char label[320] = "";
	if (spec->file_label && (op->kind == SW_FS_TMPFS || op->kind == SW_FS_DEV) &&
	    (rep->step == SW_STEP_FS_MOUNT || rep->step == SW_STEP_FS_DEV))
		snprintf(label, sizeof label, " (with --file-label %s)", spec->file_label);
	switch (rep->step) {
	case SW_STEP_FS_SOURCE:
		sw_error_set(err, -rep->err, "%s: can't open source path %s: %s", k, src, es);
		break;
	case SW_STEP_FS_CHANGED:
		sw_error_set(err, -rep->err, "%s: source path %s changed while the jail was set up (refusing to follow it)", k, src);
		break;
	case SW_STEP_FS_DEST:
		sw_error_set(err, -rep->err, "%s: can't create %s in the new root: %s", k, op->dest, es);
		break;
	case SW_STEP_FS_MOUNT:
		if (sw_fs_kind_is_overlay(op->kind))
			sw_error_set(err, -rep->err, "Can't make overlay mount on %s: %s%s", op->dest, es,
				     rep->err == ELOOP ? " (overlay directories may not overlap)" : "");
		else if (sw_fs_kind_has_fd(op->kind))
			sw_error_set(err, -rep->err, "%s %d: can't mount it on %s: %s", k, op->fd, op->dest, es);
		else if (op->src && op->kind != SW_FS_SYMLINK)
			sw_error_set(err, -rep->err, "%s: can't mount %s on %s: %s", k, op->src, op->dest, es);
		else
			sw_error_set(err, -rep->err, "%s: can't mount on %s: %s%s", k, op->dest, es, label);
		break;
	case SW_STEP_FS_READONLY:
		sw_error_set(err, -rep->err, "%s: can't set the flags of %s (read-only, nosuid, nodev): %s%s",
			     k, op->dest, es, op->kind == SW_FS_REMOUNT_RO && rep->err == EINVAL
			     ? " (is it a mount point?)" : "");
		break;
	case SW_STEP_FS_TYPE:
		describe_type(op, k, rep, err);
		break;
	case SW_STEP_FS_SYMLINK_EXISTS:
		/* bubblewrap's words (its tests check them). */
		sw_error_set(err, -rep->err, "Can't make symlink at %s: existing destination is %.*s",
			     op->dest, (int)sizeof rep->text, rep->text);
		break;
	case SW_STEP_FS_DATA:
		sw_error_set(err, -rep->err, "%s %d %s: can't copy the data: %s", k, op->fd, op->dest, es);
		break;
	case SW_STEP_FS_DEV:
		sw_error_set(err, -rep->err, "%s: can't populate %s: %s%s", k, op->dest, es, label);
		break;
	default:
		sw_error_set(err, -rep->err, "%s %s: %s", k, op->dest, es);
		break;
	}
}
