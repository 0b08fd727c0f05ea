/* launcher.c — the VM launcher's shim case through libswrap: what
 * BwrapSandbox::apply() built as a bwrap command line, done in-process.
 *
 *   usage: launcher SHIM [ARG...]
 *   build: cc launcher.c $(pkg-config --cflags --libs swrap) -o launcher
 *
 * Runs SHIM (an absolute path) with ARGs in the shim profile's jail, waits
 * for it, prints "exit code: N" and exits with N (128+N for signal N).
 */
#include <stdio.h>

#include <swrap.h>

/* The jail: spec -> spawn -> wait. Returns the exit code, or -1 with
 * err filled in. */
static int run_shim(const struct sw_shim_opts *opts, sw_error *err)
{
	int code = -1;
	sw_child *child = NULL;
	sw_spec *spec = sw_spec_new();
	if (!spec) {
		sw_error_set(err, 12 /* ENOMEM */, "out of memory");
		return -1;
	}
	if (sw_spec_profile_shim(spec, opts, err) == 0 &&
	    sw_spawn(spec, &child, err) == 0 &&
	    sw_child_wait(child, &code, err) < 0)
		code = -1;
	sw_child_free(child); /* NULL is fine; a reaped jail is just closed */
	sw_spec_free(spec);   /* the jail never needed it after sw_spawn */
	return code;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: %s /ABSOLUTE/SHIM [ARG...]\n", argv[0]);
		return 2;
	}
	struct sw_shim_opts opts = {
		.shim = argv[1],
		.args = (const char *const *)argv + 2,
		.argc = (size_t)argc - 2,
		.detached = false, /* the jail dies with this process */
		.rust_log = "info",
	};
	sw_error err = { 0 };
	int code = run_shim(&opts, &err);
	if (code < 0) {
		fprintf(stderr, "launcher: %s\n", err.msg);
		return err.status ? err.status : 1;
	}
	printf("exit code: %d\n", code);
	return code;
}
