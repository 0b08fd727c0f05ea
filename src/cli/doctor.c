/* doctor.c — `swrap doctor [--json]`: can a jail be made here, and if not,
 * what to change. The checks are src/ns/preflight.c; this file only shows
 * them and picks the exit code (0: a jail can be made, 1: it can't). */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ns/preflight.h"

/* Prints s, starting every line after the first with indent. */
static void print_indented(const char *s, const char *indent)
{
	for (const char *p = s; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			fputs(indent, stdout);
	}
	putchar('\n');
}

static void print_text(const struct sw_pf_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct sw_pf_check *k = &r->checks[i];
		printf("%s  %-25s  %s\n", sw_preflight_status_name(k->status),
		       k->name, k->detail);
		if (k->fix[0] && k->status != SW_PF_PASS) {
			fputs("      fix: ", stdout);
			print_indented(k->fix, "           ");
		}
	}
	bool limits = true;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->checks[i].name, "cgroup.delegation") &&
		    r->checks[i].status == SW_PF_FAIL)
			limits = false;
	if (!r->jail_ok)
		puts("verdict: no jail can be made here (see FAIL above)");
	else if (!limits)
		puts("verdict: a jail can be made here, but not one with cgroup limits "
		     "(--memory-max, --pids-max, --cpu-max): see cgroup.delegation");
	else
		puts("verdict: a jail can be made here");
}

static void json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void print_json(const struct sw_pf_report *r)
{
	putchar('[');
	for (size_t i = 0; i < r->n; i++) {
		const struct sw_pf_check *k = &r->checks[i];
		fputs(i ? ",\n {\"name\": " : "\n {\"name\": ", stdout);
		json_string(k->name);
		fputs(", \"status\": ", stdout);
		json_string(sw_preflight_status_name(k->status));
		fputs(", \"detail\": ", stdout);
		json_string(k->detail);
		fputs(", \"fix\": ", stdout);
		json_string(k->fix);
		putchar('}');
	}
	fputs("\n]\n", stdout);
}

int sw_cli_doctor(int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else {
			fprintf(stderr, "swrap: doctor: unknown argument '%s' "
				"(usage: swrap doctor [--json])\n", argv[i]);
			return 1;
		}
	}
	/* The AppArmor profile the fix proposes names this very binary. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	struct sw_pf_opts opts = { .exe = n > 0 ? exe : NULL };
	struct sw_pf_report r;
	fflush(stdout); /* the probes fork */
	sw_preflight_run(&opts, &r);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	if (fflush(stdout) != 0) {
		perror("swrap: doctor: stdout");
		return 1;
	}
	return r.jail_ok ? 0 : 1;
}
