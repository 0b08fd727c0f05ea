/* seccomp.c — filters read from fds (--seccomp, --add-seccomp-fd) and the
 * built-in "default" profile, all turned into sock_fprogs in the parent so
 * the child only has to hand them to the kernel.
 *
 * A program read from an fd is checked here the way the kernel will check
 * it (seccomp's opcode list, jump targets, seccomp_data loads, scratch
 * memory read before written), so a bad one is refused with a message that
 * names the fd and the instruction, not as an EINVAL from inside the jail.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env/env_internal.h"
#include "init/sys.h"

#define BPF_BYTES_MAX (BPF_MAXINSNS * sizeof(struct sock_filter))

/* What seccomp accepts (kernel/seccomp.c: seccomp_check_filter). */
#define ALU2(op) BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X
#define JMP2(op) BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X
static const uint16_t seccomp_opcodes[] = {
	BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN,
	BPF_LDX | BPF_W | BPF_LEN, BPF_RET | BPF_K, BPF_RET | BPF_A,
	ALU2(BPF_ADD), ALU2(BPF_SUB), ALU2(BPF_MUL), ALU2(BPF_DIV),
	ALU2(BPF_AND), ALU2(BPF_OR), ALU2(BPF_XOR), ALU2(BPF_LSH),
	ALU2(BPF_RSH), BPF_ALU | BPF_NEG, BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM,
	BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_LD | BPF_MEM,
	BPF_LDX | BPF_MEM, BPF_ST, BPF_STX, BPF_JMP | BPF_JA,
	JMP2(BPF_JEQ), JMP2(BPF_JGE), JMP2(BPF_JGT), JMP2(BPF_JSET),
};

static bool opcode_ok(uint16_t code)
{
	for (size_t i = 0; i < sizeof seccomp_opcodes / sizeof *seccomp_opcodes;
	     i++)
		if (code == seccomp_opcodes[i])
			return true;
	return false;
}

/* One instruction's operands (bpf_check_classic); NULL when fine. */
static const char *insn_problem(const struct sock_filter *f, size_t pc,
				size_t n)
{
	const struct sock_filter *i = &f[pc];
	size_t left = n - pc - 1; /* instructions after this one */
	switch (i->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (i->k >= sizeof(struct seccomp_data) || (i->k & 3))
			return "loads outside struct seccomp_data";
		return NULL;
	case BPF_ALU | BPF_DIV | BPF_K:
		return i->k == 0 ? "divides by zero" : NULL;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		return i->k >= 32 ? "shifts by 32 or more" : NULL;
	case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
	case BPF_ST: case BPF_STX:
		return i->k >= BPF_MEMWORDS ? "uses a scratch cell past 15" : NULL;
	case BPF_JMP | BPF_JA:
		return i->k >= left ? "jumps past the end" : NULL;
	}
	if (BPF_CLASS(i->code) == BPF_JMP && (i->jt >= left || i->jf >= left))
		return "jumps past the end";
	return NULL;
}

/* Scratch memory must be written before it is read on every path
 * (check_load_and_stores). Jumps only go forward, so one pass does. */
static int check_memory(const struct sock_filter *f, size_t n, size_t *bad)
{
	uint16_t *masks = malloc(n * sizeof *masks), valid = 0;
	if (!masks)
		return -ENOMEM;
	memset(masks, 0xff, n * sizeof *masks);
	int r = 0;
	for (size_t pc = 0; pc < n && r == 0; pc++) {
		valid &= masks[pc];
		uint16_t c = f[pc].code;
		if (c == BPF_ST || c == BPF_STX) {
			valid |= (uint16_t)(1u << f[pc].k);
		} else if (c == (BPF_LD | BPF_MEM) || c == (BPF_LDX | BPF_MEM)) {
			if (!(valid & (1u << f[pc].k)))
				r = -EINVAL, *bad = pc;
		} else if (c == (BPF_JMP | BPF_JA)) {
			masks[pc + 1 + f[pc].k] &= valid;
			valid = 0xffff;
		} else if (BPF_CLASS(c) == BPF_JMP) {
			masks[pc + 1 + f[pc].jt] &= valid;
			masks[pc + 1 + f[pc].jf] &= valid;
			valid = 0xffff;
		}
	}
	free(masks);
	return r;
}

int sw_env_bpf_check(const struct sock_filter *f, size_t n, const char *what,
		     sw_error *err)
{
	if (n == 0)
		return sw_error_set(err, EINVAL, "%s: empty seccomp program",
				    what);
	if (n > BPF_MAXINSNS)
		return sw_error_set(err, EINVAL,
				    "%s: seccomp program of %zu instructions, "
				    "the kernel takes at most %d", what, n,
				    BPF_MAXINSNS);
	for (size_t pc = 0; pc < n; pc++) {
		const char *why = opcode_ok(f[pc].code)
					  ? insn_problem(f, pc, n)
					  : "has an opcode seccomp does not allow";
		if (why)
			return sw_error_set(err, EINVAL,
					    "%s: not a valid seccomp program: "
					    "instruction %zu (code 0x%04x) %s",
					    what, pc, f[pc].code, why);
	}
	if (BPF_CLASS(f[n - 1].code) != BPF_RET)
		return sw_error_set(err, EINVAL,
				    "%s: not a valid seccomp program: it does "
				    "not end with a return", what);
	size_t bad = 0;
	int r = check_memory(f, n, &bad);
	if (r == -EINVAL)
		return sw_error_set(err, EINVAL,
				    "%s: not a valid seccomp program: "
				    "instruction %zu reads scratch memory "
				    "never written", what, bad);
	return r < 0 ? sw_error_set(err, -r, "out of memory") : 0;
}

/* Reads fd to its end, refusing more than max bytes. */
static int read_all(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	while (b) {
		if (n == cap) {
			char *nb = cap > max ? NULL : realloc(b, cap * 2);
			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(b);
			return -e;
		}
		if (r == 0) {
			*out = b;
			*len = n;
			return 0;
		}
		n += (size_t)r;
	}
	int e = b ? E2BIG : ENOMEM;
	free(b);
	return -e;
}

static int program_from_bytes(char *b, size_t len, const char *what,
			      struct sock_fprog *out, sw_error *err)
{
	if (len == 0) {
		free(b);
		return sw_error_set(err, EINVAL,
				    "%s: empty: a seccomp program is an array "
				    "of struct sock_filter", what);
	}
	if (len % sizeof(struct sock_filter)) {
		free(b);
		return sw_error_set(err, EINVAL,
				    "%s: %zu bytes is not a whole number of "
				    "8-byte BPF instructions", what, len);
	}
	size_t n = len / sizeof(struct sock_filter);
	int r = sw_env_bpf_check((struct sock_filter *)b, n, what, err);
	if (r < 0) {
		free(b);
		return r;
	}
	out->len = (unsigned short)n;
	out->filter = (struct sock_filter *)b;
	return 0;
}

int sw_env_bpf_read_fd(int fd, const char *what, struct sock_fprog *out,
		       sw_error *err)
{
	char *b = NULL;
	size_t len = 0;
	int r = read_all(fd, BPF_BYTES_MAX, &b, &len);
	if (r == -E2BIG)
		return sw_error_set(err, EINVAL,
				    "%s: seccomp program longer than the "
				    "kernel's %d instructions", what,
				    BPF_MAXINSNS);
	if (r < 0)
		return sw_error_set(err, -r, "%s: reading the seccomp program: "
				    "%s", what, strerror(-r));
	return program_from_bytes(b, len, what, out, err);
}

/* ---- the "default" profile -------------------------------------------- */

static const char *const denied[] = {
	"kexec_load",	 "kexec_file_load", "init_module",
	"finit_module",	 "delete_module",   "bpf",
	"perf_event_open", "userfaultfd",   "keyctl",
	"add_key",	 "request_key",	    "acct",
	"swapon",	 "swapoff",	    "reboot",
	"syslog",	 "open_by_handle_at", "quotactl",
	"lookup_dcookie",
};

/* Compat ABIs the native one can run: filtered too, so a 32-bit syscall
 * neither bypasses the rules nor gets killed as a bad arch. */
static int add_compat_arches(scmp_filter_ctx ctx)
{
	uint32_t native = seccomp_arch_native(), extra[2] = { 0, 0 };
	if (native == SCMP_ARCH_X86_64) {
		extra[0] = SCMP_ARCH_X86;
		extra[1] = SCMP_ARCH_X32;
	} else if (native == SCMP_ARCH_AARCH64) {
		extra[0] = SCMP_ARCH_ARM;
	}
	for (int i = 0; i < 2 && extra[i]; i++) {
		int r = seccomp_arch_add(ctx, extra[i]);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

/* TIOCSTI/TIOCLINUX: the kernel reads the request as a 32-bit int, so
 * compare only the low 32 bits, or 0xFFFFFFFF00005412 would slip past
 * (CVE-2019-10063). */
static int add_rules(scmp_filter_ctx ctx)
{
	static const unsigned long ioctls[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			return -ENOSYS;
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < 2; i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
					 SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ,
						 0xFFFFFFFFu, ioctls[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, char **out, size_t *len)
{
	int fd = memfd_create("swrap-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, fd);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r == 0)
		r = read_all(fd, BPF_BYTES_MAX, out, len);
	close(fd);
	return r;
}

int sw_env_seccomp_default(struct sock_fprog *out, sw_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return sw_error_set(err, ENOMEM, "seccomp: out of memory");
	int r = add_compat_arches(ctx);
	if (r == 0)
		r = add_rules(ctx);
	char *b = NULL;
	size_t len = 0;
	if (r == 0)
		r = export_bpf(ctx, &b, &len);
	seccomp_release(ctx);
	if (r < 0)
		return sw_error_set(err, -r, "building the default seccomp "
				    "profile: %s", strerror(-r));
	return program_from_bytes(b, len, "--seccomp-profile default", out,
				  err);
}

static int add_fd_program(struct sw_env_plan *plan, int fd, bool add,
			  sw_error *err)
{
	char what[48];
	snprintf(what, sizeof what, "%s %d", add ? "--add-seccomp-fd"
						 : "--seccomp fd", fd);
	return sw_env_bpf_read_fd(fd, what, &plan->filters[plan->nfilters++],
				  err);
}

int sw_env_plan_seccomp(struct sw_env_plan *plan, const sw_spec *spec,
			sw_error *err)
{
	size_t n = spec->nadd_seccomp + 2;
	plan->filters = calloc(n, sizeof *plan->filters);
	if (!plan->filters)
		return sw_error_set(err, ENOMEM, "out of memory");
	int r = 0;
	if (spec->seccomp_fd != SW_NO_FD)
		r = add_fd_program(plan, spec->seccomp_fd, false, err);
	for (size_t i = 0; i < spec->nadd_seccomp && r == 0; i++)
		r = add_fd_program(plan, spec->add_seccomp_fds[i], true, err);
	if (r < 0 || !spec->seccomp_profile)
		return r;
	if (strcmp(spec->seccomp_profile, "default") != 0)
		return sw_error_set(err, EINVAL, "--seccomp-profile %s: unknown "
				    "profile (known: default)",
				    spec->seccomp_profile);
	return sw_env_seccomp_default(&plan->filters[plan->nfilters++], err);
}

/* ---- child half ------------------------------------------------------- */

int sw_env_child_seccomp(const struct sw_env_plan *plan)
{
	for (size_t i = 0; i < plan->nfilters; i++) {
		const struct sock_fprog *p = &plan->filters[i];
		/* Raw (src/init/sys.h): after the gate, beside the launcher's
		 * thread on its memory. */
		long r = SW_SYS(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, p);
		if (r == 0)
			continue;
		if (r != -ENOSYS)
			return (int)r;
		r = SW_SYS(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, p);
		if (r < 0)
			return (int)r;
	}
	return 0;
}
