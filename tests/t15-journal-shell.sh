# The chain-check script of camkit-journal(5), taken from the man page
# and run exactly as printed, on journals written by lib/cam_journal.c
# (through tests/unit/test_journal.c --write, until a program writes one).
. "$CAMKIT_TOP/tests/lib.sh"

page=$CAMKIT_TOP/man/camkit-journal.5
write_journal() {
	"$CAMKIT_BIN/tests/unit_journal" --write "$@"
}
# The POSIX shells at hand (bash in its POSIX mode): the script must
# work in each.
shells="sh"
command -v dash >/dev/null 2>&1 && shells="$shells dash"
command -v bash >/dev/null 2>&1 && shells="$shells bash"
in_shell() {
	shell_=$1; shift
	if [ "$shell_" = bash ]; then bash --posix "$@"; else "$shell_" "$@"; fi
}

# The .Bd -literal block after the comment that marks it; roff writes a
# backslash as \e.
sed -n '/^\.\\" chain-check-script$/,/^\.Ed$/p' "$page" >block
sed '1,2d;$d' block | sed 's/\\e/\\/g' >check.sh

expect_success 'the man page holds the script in a literal block' '
	test "$(sed -n 2p block)" = ".Bd -literal -offset indent" &&
	test "$(head -n 1 check.sh)" = "#!/bin/sh" &&
	has "^echo \"ok \\\$n records, head \\\$prev\"$" check.sh &&
	hasnt "^\\." check.sh
'

expect_success 'the script is what the formatted page shows' '
	for t in ascii utf8; do
		mandoc -T$t "$page" | sed "s/.\x08//g; s/^ *//" >shown &&
		sed "s/^[[:space:]]*//" check.sh >want &&
		grep -vxF -f shown want >notshown || true
		if test -s notshown; then
			echo "not shown by mandoc -T$t:"; cat notshown; exit 1
		fi
	done
'

expect_success 'a journal of 50 records checks out, in every shell' '
	write_journal j 50 &&
	head=$(tail -n 1 j | sha256sum | cut -c1-64) &&
	for s in $shells; do
		in_shell $s check.sh j >out &&
		printf "ok 50 records, head %s\n" "$head" >want &&
		cmp_text want out || exit 1
	done &&
	cp out good.out
'

expect_success 'a changed byte in a record breaks the chain after it' '
	sed "17s/\"frames\":600/\"frames\":601/" j >bad &&
	! cmp -s j bad &&
	for s in $shells; do
		must_fail 1 in_shell $s check.sh bad >out &&
		echo "bad:18: bad SEQ or PREV" >want && cmp_text want out ||
		exit 1
	done
'

expect_success 'a changed PREV is found on its own line' '
	sed "30s/^\([^\t]*\t[^\t]*\t[^\t]*\t\)./\1x/" j >bad &&
	! cmp -s j bad &&
	must_fail 1 sh check.sh bad >out && has "^bad:30: bad SEQ or PREV$" out
'

expect_success 'a deleted line is found' '
	sed 20d j >bad &&
	must_fail 1 sh check.sh bad >out && has "^bad:20: bad SEQ or PREV$" out
'

expect_success 'two swapped lines are found' '
	{ sed -n 1,9p j; sed -n 11p j; sed -n 10p j; sed -n "12,\$p" j; } >bad &&
	test "$(wc -l <bad)" -eq 50 && ! cmp -s j bad &&
	must_fail 1 sh check.sh bad >out && has "^bad:10: bad SEQ or PREV$" out
'

expect_success 'a torn last line is reported' '
	head -c -7 j >bad &&
	must_fail 1 sh check.sh bad >out && has "^bad:50: torn last line$" out
'

expect_success 'a changed last record changes only the head (no seal yet)' '
	sed "50s/\"frames\":600/\"frames\":601/" j >bad &&
	sh check.sh bad >out && has "^ok 50 records, head " out &&
	! cmp -s out good.out
'

expect_success 'a journal that grew keeps the head written down' '
	cp j j2 && head50=$(tail -n 1 j2 | sha256sum) &&
	write_journal j2 10 &&
	sh check.sh j2 >out && has "^ok 60 records, head [0-9a-f]{64}$" out &&
	test "$(sed -n 50p j2 | sha256sum)" = "$head50"
'

expect_success 'an empty journal has 0 records and a head of zeros' '
	: >empty && sh check.sh empty >out &&
	has "^ok 0 records, head 0{64}$" out
'

expect_success 'the script wants a journal' '
	for s in $shells; do
		! in_shell $s check.sh 2>err &&
		has "usage: journal-check JOURNAL" err &&
		must_fail 1 in_shell $s check.sh missing 2>err &&
		has "^missing: cannot read$" err || exit 1
	done
'

done_testing
