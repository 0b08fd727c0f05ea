/* fault.h — fault injection for the launch path.
 *
 * test_fault is linked with -Wl,--wrap=NAME for every libc entry the
 * library's launch path calls (list in FAULT_WRAPPED, mk/fault.mk). While
 * armed, each wrapped call increments a counter; the call that brings it to
 * the target fails with EIO instead of running. The counter lives in
 * ordinary memory, so the jail's child continues from the parent's count
 * (it is a copy of the parent at clone, or shares its memory: then the
 * parent's count includes the child's calls): target N fails "the Nth
 * call of the launch path" in whichever process reaches it.
 */
#ifndef SW_FAULT_H
#define SW_FAULT_H

#include <stdbool.h>

/* Arms with target n (0: count only). exec_report: an fd the child writes
 * its count to just before execve (so a clean run tells how many calls
 * the child side made), or -1. */
void fault_arm(long n, int exec_report);
/* Disarms; returns how many calls this process made while armed. */
long fault_disarm(void);
/* Did this process inject its fault? */
bool fault_fired(void);

#endif
