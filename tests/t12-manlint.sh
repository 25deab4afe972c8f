# tests/manlint.sh, which make lint runs over the man pages: it passes
# them, and it fails a page that does not render as written.
. "$CAMKIT_TOP/tests/lib.sh"

lint=$CAMKIT_TOP/tests/manlint.sh
for tool in mandoc groff preconv; do
	command -v "$tool" >/dev/null || skip_all "no $tool (make deps)"
done

# page NAME BODY: a one-section mdoc page NAME.1 holding BODY.
page() {
	printf '%s\n' '.Dd December 6, 2026' ".Dt $(echo "$1" | tr a-z A-Z) 1" \
	    '.Os' '.Sh NAME' ".Nm $1" '.Nd a page for the lint' \
	    '.Sh DESCRIPTION' "$2" >"$1.1"
}

expect_success 'every man page of camkit renders as written' '
	sh "$lint" "$CAMKIT_TOP"/man/*.[1-8] >out &&
	hasnt "^(mandoc|troff|groff|preconv):" out
'

expect_success 'a clean page passes, a reference to a page beside it too' '
	page good "Plain text, see
.Xr other 1 ." &&
	page other "Nothing." &&
	sh "$lint" good.1 >out && test ! -s out
'

expect_success 'a line groff cannot break fails, named by line' '
	page long ".Dl $(printf "x%.0s" $(seq 90))" &&
	must_fail 1 sh "$lint" long.1 >out &&
	has "^troff: long.1:8: warning.*can.t break line" out
'

expect_success 'a mandoc style message fails' '
	page style "$(printf "word %.0s" $(seq 20))" &&
	must_fail 1 sh "$lint" style.1 >out &&
	has "^mandoc: style.1:8:.*STYLE: input text line longer than 80 bytes" out
'

expect_success 'a reference to a camkit page that does not exist fails' '
	page ref "See
.Xr camnothing 1 ." &&
	must_fail 1 sh "$lint" ref.1 >out &&
	has "referenced manual not found: Xr camnothing 1" out
'

expect_success 'another package'"'"'s page not installed here is not checked, and says so' '
	page ext "See
.Xr nosuchpackagepage 7 ." &&
	sh "$lint" ext.1 >out &&
	has "^manlint: ext.1: not checked: nosuchpackagepage\(7\) is not installed here$" out
'

expect_success 'no page is a usage error' '
	must_fail 2 sh "$lint" 2>err && has "^usage: tests/manlint.sh" err
'

done_testing
