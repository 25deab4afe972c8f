# Shell test helpers, sourced by tests/t*.sh (git t/test-lib.sh style).
#
# Each test is   expect_success 'what it shows' 'commands'   and prints
# "ok N - what" or "not ok N - what"; tests/run counts those lines.
# Programs come from $CAMKIT_BIN (set by the Makefile), every test file
# works in its own temporary directory $T, removed at the end.

set -u
: "${CAMKIT_BIN:?CAMKIT_BIN must name the directory holding the programs}"
PATH=$CAMKIT_BIN:$PATH
export PATH
unset CAMKIT_DIR
T=$(mktemp -d "${TMPDIR:-/tmp}/camkit-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
# A fixed identity for the git CLI so that checks do not depend on the host.
export GIT_CONFIG_NOSYSTEM=1 HOME="$T/home"
mkdir -p "$HOME"
git config --global user.name tester
git config --global user.email tester@localhost
git config --global safe.directory '*'

test_n=0
test_failed=0

expect_success() {
	test_n=$((test_n + 1))
	if (eval "set -e; $2") >"$T/.out" 2>&1; then
		echo "ok $test_n - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_n - $1"
		sed 's/^/#   /' "$T/.out"
	fi
}

# must_fail CODE CMD...: CMD exits exactly CODE (not 0, not a crash).
must_fail() {
	want=$1; shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

# cmp_text EXPECTED ACTUAL: diff -u, shown on failure.
cmp_text() {
	diff -u "$1" "$2"
}

# has PATTERN FILE: grep -E with a readable failure.
has() {
	if ! grep -qE -- "$1" "$2"; then
		echo "no line matching /$1/ in $2:" >&2
		sed 's/^/    /' "$2" >&2
		return 1
	fi
}

hasnt() {
	if grep -qE -- "$1" "$2"; then
		echo "unexpected line matching /$1/ in $2:" >&2
		grep -E -- "$1" "$2" | sed 's/^/    /' >&2
		return 1
	fi
}

done_testing() {
	[ "$test_failed" -eq 0 ]
}
