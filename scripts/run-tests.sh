#!/bin/sh
# Runs cmocka test binaries, prints each one's summary, and a total at the
# end. Exit status: non-zero when any test failed or crashed.
# usage: run-tests.sh LABEL BINARY...
# SW_TEST_RUNNER, when set, is put before each binary (e.g. valgrind).
set -u
label=$1; shift
export SW_BUILD="${SW_BUILD:-build}"
export SWRAP="${SWRAP:-$SW_BUILD/swrap}"
pass=0; fail=0; bad=""
for t in "$@"; do
	echo "== $t"
	# shellcheck disable=SC2086
	out=$(${SW_TEST_RUNNER:-} "$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	pass=$((pass + p)); fail=$((fail + f))
	if [ $rc -ne 0 ]; then
		bad="$bad $t"
		[ "$f" -eq 0 ] && fail=$((fail + 1))
	fi
done
[ -n "$bad" ] && echo "failing binaries:$bad"
echo "$label: $pass passed, $fail failed"
[ -z "$bad" ]
