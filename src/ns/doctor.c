/* doctor.c — the public face of the preflight checks (swrap.h: sw_doctor_*),
 * for launchers that want `swrap doctor`'s verdicts as data. */
#include <errno.h>
#include <stdlib.h>

#include "swrap.h"
#include "ns/preflight.h"

struct sw_doctor {
	struct sw_pf_report r;
};

_Static_assert((int)SW_VERDICT_PASS == (int)SW_PF_PASS &&
	       (int)SW_VERDICT_WARN == (int)SW_PF_WARN &&
	       (int)SW_VERDICT_FAIL == (int)SW_PF_FAIL,
	       "sw_verdict follows sw_pf_status");

int sw_doctor_run(sw_doctor **out, sw_error *err)
{
	if (!out)
		return sw_error_set(err, EINVAL, "no out");
	*out = NULL;
	sw_doctor *d = calloc(1, sizeof *d);
	if (!d)
		return sw_error_set(err, ENOMEM, "out of memory");
	sw_preflight_run(NULL, &d->r);
	*out = d;
	return 0;
}

size_t sw_doctor_count(const sw_doctor *d)
{
	return d ? d->r.n : 0;
}

int sw_doctor_check(const sw_doctor *d, size_t i, struct sw_check *out)
{
	if (!d || !out || i >= d->r.n)
		return -ERANGE;
	const struct sw_pf_check *c = &d->r.checks[i];
	*out = (struct sw_check){ .name = c->name, .verdict = (int)c->status,
				  .detail = c->detail, .fix = c->fix };
	return 0;
}

bool sw_doctor_jail_ok(const sw_doctor *d)
{
	return d && d->r.jail_ok;
}

void sw_doctor_free(sw_doctor *d)
{
	free(d);
}
