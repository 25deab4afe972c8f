# camctl user: roles from the configuration.
. "$CAMKIT_TOP/tests/lib.sh"

camctl -C site init --site Test --host rec1 >/dev/null && test_root site

expect_success 'user add with one and with several roles' '
	camctl -C site user add --no-check nguyenvana --role guard >out &&
	has "^committed	[0-9a-f]{12}	user add nguyenvana guard$" out &&
	camctl -C site user add --no-check tranthib --role director --role unit-head >out &&
	has "user add tranthib director unit-head" out &&
	git -C site log -1 --format=%s | grep -qx "user add tranthib director unit-head"
'

expect_success 'user list, text and JSON' '
	camctl -C site user list >out &&
	printf "nguyenvana\tguard\ntranthib\tdirector,unit-head\n" >want &&
	cmp_text want out &&
	camctl -C site user list --json >j &&
	test "$(jq -r ".[1].roles | join(\",\")" j)" = "director,unit-head"
'

expect_success 'user add on an existing user adds roles' '
	camctl -C site user add --no-check nguyenvana --role operator >/dev/null &&
	camctl -C site user list | grep -qx "nguyenvana	operator,guard" &&
	must_fail 1 camctl -C site user add --no-check nguyenvana --role guard 2>err &&
	has "already has those roles" err
'

expect_success 'user rm --role takes one role; user rm takes the user' '
	camctl -C site user rm nguyenvana --role operator >/dev/null &&
	camctl -C site user list | grep -qx "nguyenvana	guard" &&
	camctl -C site user rm tranthib >/dev/null &&
	! camctl -C site user list | grep -q tranthib &&
	camctl -C site user rm nguyenvana >/dev/null &&
	has "^users: \{\}" site/camkit.yaml &&
	test "$(camctl -C site user list)" = ""
'

expect_success 'bad user names, unknown roles and missing users are refused' '
	must_fail 2 camctl -C site user add --no-check lena --role janitor 2>err &&
	has "unknown role \"janitor\"" err &&
	must_fail 1 camctl -C site user add --no-check "Root Admin" --role operator 2>err &&
	has "bad user name" err &&
	must_fail 2 camctl -C site user add --no-check lena 2>err &&
	must_fail 1 camctl -C site user rm ghost 2>err &&
	has "no user \"ghost\"" err
'

expect_success 'every role of REQUIREMENTS.md is known' '
	for r in director chief-of-office operator guard department unit-head auditor; do
		camctl -C site user add --no-check "u-$r" --role "$r" >/dev/null || exit 1
	done &&
	test "$(camctl -C site user list | wc -l)" = 7
'

expect_success 'a hand-written user with a role list in block style' '
	cat >>site/camkit.yaml <<-YAML &&
	YAML
	sed -i "s/^  u-auditor: \[auditor\]/  u-auditor:\n    - auditor\n    - department/" site/camkit.yaml &&
	camctl -C site commit -m "auditor also department" >/dev/null &&
	camctl -C site user list | grep -qx "u-auditor	department,auditor" &&
	camctl -C site user add --no-check u-auditor --role guard >/dev/null &&
	camctl -C site user list | grep -qx "u-auditor	guard,department,auditor"
'

expect_success 'user list shows what is in force, not uncommitted edits' '
	sed -i "s/^  u-guard: \[guard\]/  u-guard: [director]/" site/camkit.yaml &&
	camctl -C site user list | grep -qx "u-guard	guard" &&
	git -C site checkout -q camkit.yaml
'

expect_success 'Unix users named like settings (user, token) are fine' '
	camctl -C site user add --no-check user --role guard >/dev/null &&
	camctl -C site user add --no-check token --role auditor >/dev/null &&
	camctl -C site user list | grep -qx "token	auditor"
'

expect_success 'user add: a name with no account on this host is refused without --no-check; nothing committed' '
	rev=$(git -C site rev-parse HEAD) &&
	must_fail 1 camctl -C site user add ck-nobody-$$ --role guard 2>err &&
	has "^camctl: ck-nobody-$$ is not an account of this host: make the account first, or give --no-check" err &&
	test "$(git -C site rev-parse HEAD)" = "$rev" &&
	camctl -C site user list >out &&
	hasnt "ck-nobody" out
'

done_testing
