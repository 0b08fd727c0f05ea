/* libmount.h — libmount, loaded when first needed.
 *
 * Only two paths read mountinfo through libmount: the per-submount
 * read-only fallback (mount/plan.c) and cgroup discovery (cgroup/). Most
 * launches take neither, so the swrap command does not link libmount (and
 * libblkid, libselinux, libpcre2 behind it): it is dlopen'ed by
 * sw_libmount_load() the first time one of those paths runs. A static
 * build (SW_LIBMOUNT_DIRECT) calls the library directly.
 *
 * Parent only: it allocates. Thread-safe (loaded once).
 */
#ifndef SW_LIBMOUNT_H
#define SW_LIBMOUNT_H

#include <libmount.h>

#include "swrap.h"

struct sw_libmount {
	__typeof__(mnt_new_table_from_file) *new_table_from_file;
	__typeof__(mnt_unref_table) *unref_table;
	__typeof__(mnt_new_iter) *new_iter;
	__typeof__(mnt_free_iter) *free_iter;
	__typeof__(mnt_table_next_fs) *table_next_fs;
	__typeof__(mnt_fs_get_target) *fs_get_target;
	__typeof__(mnt_fs_get_root) *fs_get_root;
	__typeof__(mnt_fs_get_fstype) *fs_get_fstype;
	__typeof__(mnt_fs_get_fs_options) *fs_get_fs_options;
	__typeof__(mnt_optstr_next_option) *optstr_next_option;
};

/* The functions, or NULL with err saying why libmount can't be had. */
const struct sw_libmount *sw_libmount_load(sw_error *err);

#endif
