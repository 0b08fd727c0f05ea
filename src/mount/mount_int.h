/* mount_int.h — the mount plan's layout, shared by plan.c (parent) and
 * build.c (child). Not for other modules. */
#ifndef SW_MOUNT_INT_H
#define SW_MOUNT_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "mount/mount.h"

/* Where the host's root sits while the new root is built. */
#define SW_OLDROOT "/oldroot"

/* A source opened in the child: SW_OLDROOT + its realpath, and the inode
 * the parent saw. */
struct sw_msrc {
	char *path;
	dev_t dev;
	ino_t ino;
};

struct sw_mop {
	const struct sw_fsop *op;
	bool skip;     /* a -try bind whose source is missing */
	bool src_dir;  /* the source is a directory */
	char *src;     /* SW_OLDROOT + realpath(source) */
	size_t real_len;
	dev_t dev;     /* the source's identity, checked again in the child */
	ino_t ino;
	char *data;    /* mount data (tmpfs) */
	char **subs;   /* legacy only: submounts, relative to the source */
	size_t nsubs;
	/* overlays: the lowers, top first (the last --overlay-src first),
	 * then RWSRC and WORKDIR for --overlay */
	struct sw_msrc *srcs;
	size_t nsrcs;
	int tmp_overlay; /* --tmp-overlay: its number, for the staging dirs */
};

struct sw_mount_plan {
	struct sw_mop *ops;
	size_t n;
	bool legacy;      /* mount(2) + per-submount remounts */
	const char *base; /* host directory the staging tmpfs goes on */
	bool bwrap;       /* the bwrap personality: /proc covered if writable */
	const int *close_fds; /* fd options' fds (> 2), closed after the build */
	size_t nclose;
	/* --dev's tmpfs options: bubblewrap's, with context="LABEL" added
	 * for --file-label (sw_mount_label_opts), as for --tmpfs. */
	char *dev_data;
};

/* opts (NULL: none) with the SELinux mount option context="label"
 * appended, as bubblewrap's --file-label does for the tmpfs instances it
 * mounts (--tmpfs, --dev's), and for nothing else: not devpts nor mqueue
 * (an mqueue superblock is its IPC namespace's own, which can't take a
 * context), nor the staging tmpfs (what is made there gets the label
 * through fscreate). label NULL: opts alone. The quotes keep the commas of
 * an MLS range ("s0:c1,c2") inside the option. *out is a new string (NULL
 * when both are NULL). 0, -EINVAL (a label the option can't carry: empty,
 * a '"' or a control character), -ENOMEM. */
int sw_mount_label_opts(const char *opts, const char *label, char **out);

#endif
