# camaudit config: who changed the configuration, when and what; commits
# that camctl would have refused, commits made behind camctl's back, a
# rewritten history (against the audit trail and the witness), secrets
# ever committed.  Each case is made with plain git on a copy of a site.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
mkdir -p site.store
pki_site site
camctl -C site camera add gate --url rtsp://127.0.0.1:554/gate --model DS-2CD2043 >/dev/null
camctl -C site user add --no-check root --role auditor >/dev/null
camctl -C site user add --no-check nobody --role guard >/dev/null

# git as someone else, behind camctl's back.
sneak() { git -C "$1" -c user.name=mallory -c user.email=mallory@example.org commit -q -a -m "$2"; }

expect_success 'an honest history: each change listed, every check ok' '
	camaudit -C site config >out &&
	hasnt "^FAIL" out &&
	has "	root	camera add gate	camera gate added \(rtsp://127.0.0.1:554/gate\)" out &&
	has "	user add nobody guard	user nobody added \(guard\)" out &&
	has "	trust the demo CA	.*trust/ca.pem added" out &&
	has "	init	configuration created" out &&
	has "^ok	validation	[0-9]* commits in the history, each valid" out &&
	has "^ok	audit trail	every commit but the first \(camctl init\) has its record in the audit trail \(5 recorded\)" out &&
	has "^ok	secrets	no private key" out
'

expect_success 'the audit trail names each commit camctl made' '
	for id in $(git -C site log --format=%H -4); do
		cut -f6 site.store/audit.journal | jq -se --arg id "$id" \
		    "any(.[]; .detail.commit == \$id)" >/dev/null || return 1
	done
'

expect_success '--json: changes and checks, parsed by jq' '
	camaudit -C site config --json >out.json &&
	jq -e ".ok == true" out.json >/dev/null &&
	test "$(jq ".changes | length" out.json)" = "$(git -C site rev-list --count HEAD)" &&
	jq -e ".changes[0].summary == \"user add nobody guard\" and .changes[0].author == \"root\"" out.json >/dev/null &&
	jq -e "[.checks[] | select(.ok | not)] | length == 0" out.json >/dev/null
'

expect_success '--since lists only later changes, checks still cover all' '
	camaudit -C site config --since "$(date -d "+1 day" +%Y-%m-%dT%H:%M:%S)" >out &&
	hasnt "^20" out && has "^ok	validation	[0-9]+ commits" out &&
	camaudit -C site config --since 2000-01-01 >out &&
	has "	init	configuration created" out &&
	must_fail 2 camaudit -C site config --since yesterday-ish 2>err &&
	has "since" err
'

expect_success 'camctl seal witnesses the configuration; the git CLI sees it' '
	camctl -C site seal >out &&
	has "^witnessed	configuration	" out &&
	git -C site log --format=%s refs/camkit/witness/$(hostname -s) | grep -q "^camkit-config-1 .* $(git -C site rev-parse HEAD)$" &&
	camctl -C site seal >out && has "^current	configuration" out &&
	camaudit -C site config >out &&
	has "^ok	witness	1 witnessed configuration head, all in the history" out &&
	git -C site fsck --strict 2>&1 | hasnt "error" -
'

expect_success 'a commit made with plain git: listed with its author, and flagged' '
	cp -a site s1 &&
	sed -i "s/retention_days: 30/retention_days: 3/" s1/camkit.yaml &&
	sneak s1 "tidy" &&
	id=$(git -C s1 rev-parse --short=12 HEAD) &&
	must_fail 1 camaudit -C s1 config >out &&
	has "	$id	mallory	tidy	retention_days 30 -> 3" out &&
	has "^FAIL	audit trail	commit $id \(.*, mallory, \"tidy\"\) has no record in the audit trail: it was not made with camctl" out
'

expect_success 'a change of the trust made with plain git: named list by list' '
	cp -a site s9 &&
	sed -i "s/^  crl_expired: warn/  crl_expired: refuse/; s|^  director: \[\]|  director: [trust/ca.pem]|" s9/camkit.yaml &&
	sneak s9 "stricter" &&
	id=$(git -C s9 rev-parse --short=12 HEAD) &&
	must_fail 1 camaudit -C s9 config >out &&
	has "	$id	mallory	stricter	.*trust.director changed; crl_expired warn -> refuse" out
'

expect_success 'a commit camctl would have refused: file:line, named' '
	cp -a site s2 &&
	printf "colour: red\n" >>s2/camkit.yaml &&
	sneak s2 "bad key" &&
	id=$(git -C s2 rev-parse --short=12 HEAD) &&
	sed -i "/^colour:/d" s2/camkit.yaml &&
	sneak s2 "put it back" &&
	must_fail 1 camaudit -C s2 config >out &&
	has "^FAIL	validation	commit $id \(.*mallory\): .*camkit.yaml:[0-9]+:[0-9]+: .*colour" out &&
	has "	$id	mallory	bad key	camkit.yaml invalid" out
'

expect_success 'secrets ever committed: a key, a password, credentials in a URL' '
	cp -a site s3 &&
	cp "$T/pki/rogue.key" s3/trust/backup.pem && git -C s3 add trust/backup.pem &&
	sneak s3 "backup" &&
	sed -i "s|rtsp://127.0.0.1:554/gate|rtsp://admin:12345@127.0.0.1:554/gate|" s3/camkit.yaml &&
	sneak s3 "url" &&
	git -C s3 revert --no-edit HEAD >/dev/null &&
	must_fail 1 camaudit -C s3 config >out &&
	has "^FAIL	secret	commit .*mallory\): trust/backup.pem: holds a private key" out &&
	has "^FAIL	secret	commit .*mallory\): camkit.yaml:[0-9]+:[0-9]+: credentials in a URL" out &&
	hasnt "^ok	secrets" out
'

expect_success 'a secret removed by rewriting history is still found' '
	cp -a site s4 &&
	cp "$T/pki/rogue.key" s4/trust/k.pem && git -C s4 add trust/k.pem &&
	sneak s4 "oops" &&
	git -C s4 reset -q --hard HEAD~1 &&
	git -C s4 reflog expire --expire=now --all &&
	must_fail 1 camaudit -C s4 config >out &&
	has "^FAIL	secret	object [0-9a-f]*	holds a private key and no reference reaches it" out
'

expect_success 'a rewritten history: against the audit trail and the witness' '
	cp -a site s5 &&
	gone=$(git -C s5 rev-parse --short=12 HEAD) &&
	git -C s5 reset -q --hard HEAD~2 &&
	sed -i "s/retention_days: 30/retention_days: 31/" s5/camkit.yaml &&
	sneak s5 "rewrite" &&
	must_fail 1 camaudit -C s5 config >out &&
	has "^FAIL	history	commit $gone, made by root at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 \(audit record [0-9]+\), is not in the history: the history was rewritten" out &&
	has "^FAIL	witness	commit $gone, witnessed as the configuration in force on .*, is not in the history" out
'

expect_success 'camaudit config changes nothing (but its own audit record)' '
	before=$(git -C site for-each-ref; git -C site status --porcelain; sha256sum $(find site -type f | sort)) &&
	touch mark && sleep 1.1 &&
	camaudit -C site config >/dev/null &&
	find site site.store -newer mark >new &&
	test "$(cat new)" = "site.store/audit.journal" &&
	after=$(git -C site for-each-ref; git -C site status --porcelain; sha256sum $(find site -type f | sort)) &&
	test "$before" = "$after"
'

done_testing
