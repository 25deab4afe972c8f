# The chain-check scripts of camkit-journal(5), taken from the man page
# and run exactly as printed, on journals written by lib/journal/cam_journal.c
# (through tests/unit/test_journal.c --write, until a program writes one).
. "$CAMKIT_TOP/tests/lib.sh"

page=$CAMKIT_TOP/man/camkit-journal.5
write_journal() {
	"$CAMKIT_BIN/tests/unit_journal" --write "$@"
}
# The POSIX shells at hand (bash in its POSIX mode): the scripts must
# work in each.
shells="sh"
command -v dash >/dev/null 2>&1 && shells="$shells dash"
command -v bash >/dev/null 2>&1 && shells="$shells bash"
in_shell() {
	shell_=$1 &&
	shift &&
	if [ "$shell_" = bash ]; then bash --posix "$@"; else "$shell_" "$@"; fi
}

# A script is the .Bd -literal block after the comment that names it;
# roff writes a backslash as \e.
extract() {
	sed -n "/^\.\\\\\" $1\$/,/^\.Ed\$/p" "$page" >"$2.block" &&
	sed '1,2d;$d' "$2.block" | sed 's/\\e/\\/g' >"$2"
}
extract chain-check-script check.sh
extract chain-check-fast fast.sh
scripts="check.sh fast.sh"

# every_check WANT_STATUS JOURNAL WANT_OUTPUT: both scripts, every shell.
every_check() {
	printf '%s\n' "$3" >want &&
	for s in $scripts; do
		for sh in $shells; do
			if [ "$1" -eq 0 ]; then
				in_shell $sh $s "$2" >out || {
					echo "$sh $s failed"; return 1; }
			else
				must_fail "$1" in_shell $sh $s "$2" >out || {
					echo "$sh $s"; return 1; }
			fi &&
			cmp_text want out || { echo "$sh $s"; return 1; }
		done
	done
}

expect_success 'the man page holds both scripts in literal blocks' '
	for s in $scripts; do
		test "$(sed -n 2p $s.block)" = ".Bd -literal -offset indent" &&
		test "$(head -n 1 $s)" = "#!/bin/sh" &&
		has "^echo \"ok \\\$n records, head " $s &&
		hasnt "^\\." $s || exit 1
	done
'

expect_success 'the scripts are what the formatted page shows' '
	for t in ascii utf8; do
		mandoc -T$t "$page" | sed "s/.\x08//g; s/^ *//" >shown &&
		for s in $scripts; do
			sed "s/^[[:space:]]*//" $s >lines &&
			{ grep -vxF -f shown lines >notshown || test $? = 1; } &&
			if test -s notshown; then
				echo "$s not shown by mandoc -T$t:" &&
				cat notshown && exit 1
			fi || exit 1
		done || exit 1
	done
'

expect_success 'a journal of 50 records checks out' '
	write_journal j 50 &&
	head=$(tail -n 1 j | sha256sum | cut -c1-64) &&
	every_check 0 j "ok 50 records, head $head" &&
	cp out good.out
'

expect_success 'a changed byte in a record breaks the chain after it' '
	sed "17s/\"frames\":600/\"frames\":601/" j >bad &&
	! cmp -s j bad &&
	every_check 1 bad "bad:18: bad SEQ or PREV"
'

expect_success 'a changed PREV is found on its own line' '
	sed "30s/^\([^\t]*\t[^\t]*\t[^\t]*\t\)./\1x/" j >bad &&
	! cmp -s j bad &&
	every_check 1 bad "bad:30: bad SEQ or PREV"
'

expect_success 'a changed SEQ is found' '
	sed "12s/^12\t/13\t/" j >bad && ! cmp -s j bad &&
	every_check 1 bad "bad:12: bad SEQ or PREV"
'

expect_success 'a deleted line is found' '
	sed 20d j >bad &&
	every_check 1 bad "bad:20: bad SEQ or PREV"
'

expect_success 'two swapped lines are found' '
	{ sed -n 1,9p j && sed -n 11p j && sed -n 10p j && sed -n "12,\$p" j; \
	    } >bad &&
	test "$(wc -l <bad)" -eq 50 && ! cmp -s j bad &&
	every_check 1 bad "bad:10: bad SEQ or PREV"
'

expect_success 'a torn last line is reported' '
	head -c -7 j >bad &&
	every_check 1 bad "bad:50: torn last line"
'

expect_success 'a changed last record changes only the head (no seal yet)' '
	sed "50s/\"frames\":600/\"frames\":601/" j >bad &&
	head=$(tail -n 1 bad | sha256sum | cut -c1-64) &&
	every_check 0 bad "ok 50 records, head $head" &&
	! cmp -s out good.out
'

expect_success 'a journal that grew keeps the head written down' '
	cp j j2 && head50=$(tail -n 1 j2 | sha256sum) &&
	write_journal j2 1010 &&
	head=$(tail -n 1 j2 | sha256sum | cut -c1-64) &&
	scripts=fast.sh every_check 0 j2 "ok 1060 records, head $head" &&
	test "$(sed -n 50p j2 | sha256sum)" = "$head50"
'

expect_success 'past 1000 records the fast script still finds the line' '
	sed "1003s/\"frames\":600/\"frames\":601/" j2 >bad &&
	scripts=fast.sh every_check 1 bad "bad:1004: bad SEQ or PREV"
'

expect_success 'an empty journal has 0 records and a head of zeros' '
	: >empty &&
	every_check 0 empty "ok 0 records, head $(printf "%064d" 0)"
'

expect_success 'the scripts want a readable journal' '
	for s in $scripts; do
		for sh in $shells; do
			! in_shell $sh $s 2>err &&
			has "usage: journal-check" err &&
			must_fail 1 in_shell $sh $s missing 2>err &&
			has "^missing: cannot read$" err || exit 1
		done
	done
'

done_testing
