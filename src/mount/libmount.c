/* libmount.c — see libmount.h. */
#include <errno.h>
#include <pthread.h>

#include "mount/libmount.h"

#ifdef SW_LIBMOUNT_DIRECT

const struct sw_libmount *sw_libmount_load(sw_error *err)
{
	static const struct sw_libmount direct = {
		mnt_new_table_from_file, mnt_unref_table, mnt_new_iter,
		mnt_free_iter, mnt_table_next_fs, mnt_fs_get_target,
		mnt_fs_get_root, mnt_fs_get_fstype, mnt_fs_get_fs_options,
		mnt_optstr_next_option,
	};
	(void)err;
	return &direct;
}

#else

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define SW_LIBMOUNT_SONAME "libmount.so.1"

static struct sw_libmount lm;
static char why[256];
static bool loaded;

static bool sym(void *h, const char *name, void *slot)
{
	void *p = dlsym(h, name);
	if (!p)
		snprintf(why, sizeof why, "%s has no %s", SW_LIBMOUNT_SONAME, name);
	else
		memcpy(slot, &p, sizeof p); /* data to function pointer, as POSIX allows */
	return p != NULL;
}

static void load(void)
{
	void *h = dlopen(SW_LIBMOUNT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof why, "can't load %s (util-linux): %s",
			 SW_LIBMOUNT_SONAME, dlerror());
		return;
	}
	loaded = sym(h, "mnt_new_table_from_file", &lm.new_table_from_file) &&
		 sym(h, "mnt_unref_table", &lm.unref_table) &&
		 sym(h, "mnt_new_iter", &lm.new_iter) &&
		 sym(h, "mnt_free_iter", &lm.free_iter) &&
		 sym(h, "mnt_table_next_fs", &lm.table_next_fs) &&
		 sym(h, "mnt_fs_get_target", &lm.fs_get_target) &&
		 sym(h, "mnt_fs_get_root", &lm.fs_get_root) &&
		 sym(h, "mnt_fs_get_fstype", &lm.fs_get_fstype) &&
		 sym(h, "mnt_fs_get_fs_options", &lm.fs_get_fs_options) &&
		 sym(h, "mnt_optstr_next_option", &lm.optstr_next_option);
}

const struct sw_libmount *sw_libmount_load(sw_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	if (!loaded) {
		sw_error_set(err, ELIBACC, "%s", why);
		return NULL;
	}
	return &lm;
}

#endif
