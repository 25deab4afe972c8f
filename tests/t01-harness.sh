# The harness itself (tests/lib.sh, tests/run, tests/chainlint.pl):
# every command of a body counts, a skip is a skip, the lint finds a
# broken && chain.  Small test files are written here and run as
# tests/run runs them.
. "$CAMKIT_TOP/tests/lib.sh"

mkdir fx
# ---- fixtures: test files that use lib.sh ----
cat >fx/errexit.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
expect_success 'a failing middle command' '
	true
	false
	echo reached >>"$OUT/reached"
	true
'
expect_success 'a failing command in a subshell' '
	(false; echo reached >>"$OUT/reached")
	true
'
expect_success 'a failing helper in a chain' '
	printf "a\n" >f &&
	has "^b$" f &&
	true
'
expect_success 'must_fail with the wrong exit status' '
	must_fail 2 sh -c "exit 1" &&
	true
'
expect_success 'hasnt on a file that is not there' '
	hasnt x no-such-file
'
expect_success 'a failing command before a loop' '
	false
	for i in 1 2; do echo reached >>"$OUT/reached" || return 1; done
'
expect_success 'a passing body' '
	echo x >f &&
	has "^x$" f && hasnt y f && must_fail 1 false
'
if expect_success 'called as a condition' 'false; true'; then
	echo "the condition passed" >>"$OUT/reached"
fi
done_testing
EOF

cat >fx/skip.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
expect_success 'skipped in the body' '
	true &&
	skip_test "no frobnicator here" &&
	echo reached >>"$OUT/reached"
'
expect_success 'skipped from a subshell' '
	(cd / && skip_test "said in a subshell") &&
	echo reached >>"$OUT/reached"
'
expect_success 'runs' '
	true
'
done_testing
EOF

cat >fx/skipall.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
skip_all "nothing to run here"
expect_success 'never run' '
	echo reached >>"$OUT/reached"
'
done_testing
EOF

cat >fx/dies.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
expect_success 'runs' '
	true
'
exit 3
EOF

cat >fx/camera.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
expect_success 'a camera left running by a failing body' '
	start_camera orphan --live &&
	cat "$T/orphan.pid" >"$OUT" &&
	false
'
done_testing
EOF

# ---- fixtures for the lint ----
cat >fx/lint-good.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
helper() {
	local a=$1 b &&
	b=$(echo "$a; not a command" | tr a b) &&
	if [ "$a" = x ]; then
		echo one &&
		echo two
	elif [ "$a" = y ]; then
		echo "three" >&2
		return 1
	else
		echo four
	fi &&
	case $a in
	x|y) echo five ;;
	*)	echo six &&
		echo seven ;;
	esac &&
	for i in 1 2; do
		echo "$i" || return 1
	done &&
	while read -r l; do
		[ -n "$l" ] && break
		echo "$l" || return 1
	done <f &&
	test -f x || { echo "no x" >&2; return 1; }
	arr=(a "b c" $(echo d)) &&
	arr+=(e) &&
	{ sleep 1 & } &&
	p=$! &&
	(cd / && pwd) >/dev/null &&
	{ echo a && echo b; } | sort &&
	! grep -q z f &&
	wait "$p"
}
expect_success 'here-documents, quotes, comments' '
	# a comment; with a semicolon
	cat >f <<-EOT &&
	an unchained line
	another
	EOT
	cat >g <<\EOT &&
	"quoted" and ; and $(not run)
EOT
	x="a;b" && y='\''c;d'\'' && z=$(echo "e;f") &&
	echo "$((1 + 2))" &&
	for f in a b; do
		test -n "$f" || exit 1
	done &&
	test -f f ||
	    skip_test "no f"
	echo last
'
EOF

cat >fx/lint-bad.sh <<'EOF'
. "$CAMKIT_TOP/tests/lib.sh"
broken() {
	echo one
	echo two
}
expect_success 'unchained' '
	echo a &&
	echo b
	echo c
'
expect_success 'in an if and a subshell' '
	if true; then
		echo a
		echo b
	fi &&
	(echo c; echo d)
'
expect_success 'a loop without || return 1' '
	for i in 1 2; do
		echo "$i"
	done
'
expect_success 'after a here-document' '
	cat >f <<EOT
x
EOT
	echo a
'
expect_success 'a swallowed status' '
	false || true
	echo a
'
expect_success 'a chain sent to the background' '
	echo a &&
	sleep 1 &
	wait
'
expect_success 'a chain that ends in a function definition' '
	echo a &&
	f() { echo b; }
	f
'
EOF

expect_success 'a failing command anywhere in a body fails the test' '
	mkdir out && OUT=$T/out bash fx/errexit.sh >errexit.out 2>&1 ||
	    echo "exit $?" >>errexit.out &&
	grep -E "^(not )?ok|^1\.\.|^exit" errexit.out >got &&
	cat >want <<-\EOT &&
	not ok 1 - a failing middle command
	not ok 2 - a failing command in a subshell
	not ok 3 - a failing helper in a chain
	not ok 4 - must_fail with the wrong exit status
	not ok 5 - hasnt on a file that is not there
	not ok 6 - a failing command before a loop
	ok 7 - a passing body
	not ok 8 - called as a condition
	1..8
	exit 1
	EOT
	cmp_text want got &&
	test ! -e out/reached &&
	has "expected exit 2, got 1: sh -c exit 1" errexit.out &&
	has "hasnt: cannot read no-such-file" errexit.out &&
	has "no line matching /\^b\\$/ in f" errexit.out &&
	has "called where set -e is ignored" errexit.out
'

expect_success 'skip_test and skip_all are reported as skips, and end the body' '
	mkdir -p out &&
	OUT=$T/out bash fx/skip.sh >skip.out 2>&1 &&
	cat >want <<-\EOT &&
	ok 1 - skipped in the body # SKIP no frobnicator here
	ok 2 - skipped from a subshell # SKIP said in a subshell
	ok 3 - runs
	1..3
	EOT
	cmp_text want skip.out &&
	OUT=$T/out bash fx/skipall.sh >skipall.out 2>&1 &&
	printf "%s\n" "ok 1 - every test of skipall.sh # SKIP nothing to run here" \
	    "1..1" >want &&
	cmp_text want skipall.out &&
	test ! -e out/reached
'

expect_success 'tests/run counts skips apart, lists them, and fails a file that died' '
	mkdir -p out &&
	cp fx/errexit.sh fx/skip.sh fx/skipall.sh fx/dies.sh . &&
	must_fail 1 env OUT=$T/out JOBS=1 "$CAMKIT_TOP/tests/run" "$CAMKIT_BIN" \
	    errexit.sh skip.sh skipall.sh dies.sh >run.out 2>&1 &&
	tail -n 4 run.out >got &&
	cat >want <<-\EOT &&
	# skipped: skip.sh 1 - skipped in the body: no frobnicator here
	# skipped: skip.sh 2 - skipped from a subshell: said in a subshell
	# skipped: skipall.sh 1 - every test of skipall.sh: nothing to run here
	3 passed, 8 failed, 3 skipped
	EOT
	cmp_text want got &&
	has "^not ok - dies.sh ended before done_testing \(exit 3\)$" run.out
'

expect_success 'kill_wait wants a job still running, kill_any takes any' '
	{ sleep 30 & } && kill_wait $! &&
	{ sh -c "exit 3" & } && p=$! && sleep 0.5 &&
	must_fail 1 kill_wait $p 2>err &&
	{ sh -c "exit 3" & } && p=$! && sleep 0.5 &&
	kill_any $p &&
	{ sleep 30 & } && kill_any $! &&
	test -z "$(jobs -p)"
'

expect_success 'a camera a failing body left running is stopped as its file ends' '
	must_fail 1 env OUT=$T/cam.pid bash fx/camera.sh >camera.out 2>&1 &&
	has "^not ok 1 - a camera left running by a failing body$" camera.out &&
	test -s cam.pid &&
	! kill -0 "$(cat cam.pid)" 2>/dev/null
'

expect_success 'the lint passes chained bodies and functions' '
	"$CAMKIT_TOP/tests/chainlint.pl" fx/lint-good.sh >lint.out 2>&1 ||
	    { cat lint.out; false; } &&
	test ! -s lint.out
'

expect_success 'the lint names each broken chain by file:line' '
	must_fail 1 "$CAMKIT_TOP/tests/chainlint.pl" fx/lint-bad.sh >lint.out 2>&1 &&
	grep "^fx/" lint.out >got &&
	cat >want <<-\EOT &&
	fx/lint-bad.sh:3: not joined by && to the next command (line 4)
	fx/lint-bad.sh:8: not joined by && to the next command (line 9)
	fx/lint-bad.sh:13: not joined by && to the next command (line 14)
	fx/lint-bad.sh:16: not joined by && to the next command (line 16)
	fx/lint-bad.sh:20: the last command of the loop (line 19) does not end in || return 1 (a failure in an earlier pass is lost)
	fx/lint-bad.sh:24: not joined by && to the next command (line 27)
	fx/lint-bad.sh:30: a failure swallowed with || true: say which status is expected (must_fail, || test $? = N)
	fx/lint-bad.sh:30: not joined by && to the next command (line 31)
	fx/lint-bad.sh:35: a whole && chain sent to the background (line 34): end the chain before the command run with &
	fx/lint-bad.sh:40: not joined by && to the next command (line 41)
	EOT
	cmp_text want got &&
	has "^chainlint: 10 problem\(s\)$" lint.out
'

expect_success 'every test file and tests/lib.sh pass the lint' '
	"$CAMKIT_TOP/tests/chainlint.pl" "$CAMKIT_TOP"/tests/lib.sh \
	    "$CAMKIT_TOP"/tests/t[0-9]*.sh
'

done_testing
