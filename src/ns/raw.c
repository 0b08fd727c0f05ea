/* raw.c — libswrap's raw system call (src/init/sys.h), out of line. */
#include "init/sys.h"

long sw_sys(long n, long a, long b, long c, long d, long e, long f)
{
	return sw_sys6(n, a, b, c, d, e, f);
}
