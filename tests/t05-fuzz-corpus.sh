# Every libFuzzer harness (tests/fuzz) runs over its committed corpus
# without a crash, a leak or undefined behaviour: the harnesses build
# and the regression inputs stay fixed.  Built by `make check` where a
# clang with libFuzzer is at hand, else skipped.
. "$CAMKIT_TOP/tests/lib.sh"

fz=${CAMKIT_FUZZ:-$CAMKIT_TOP/build/fuzz}
ls "$fz"/fuzz_* >/dev/null 2>&1 ||
	skip_all "no fuzz harnesses built (needs clang with libFuzzer)"

for src in "$CAMKIT_TOP"/tests/fuzz/fuzz_*.c; do
	n=${src##*/fuzz_}
	n=${n%.c}
	expect_success "fuzz_$n: its corpus passes" '
		test -x "$fz/fuzz_$n" &&
		ls "$CAMKIT_TOP/tests/fuzz/corpus/$n"/* >/dev/null &&
		"$fz/fuzz_$n" -runs=0 "$CAMKIT_TOP/tests/fuzz/corpus/$n"/* \
		    >log 2>&1 || { tail -n 40 log; false; }
	'
done

done_testing
