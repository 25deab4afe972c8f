# No "ok" for what was not checked: a check that could not run is a
# "skip" line, counted apart, and no verifier exits 0 on it; a journal
# that should be sealed and is not is a finding (camkit-journal(5)).
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
pki_site site
LB=$T/site.store/logbook.journal

expect_success 'a brand-new logbook, not sealed yet: ok, and said so' '
	test "$(camlog -C site add "Ca sáng bắt đầu")" = 1 &&
	camlog -C site verify >out &&
	has "logbook.journal: ok: 1 records, 0 seals .*; the newest not sealed yet, within the seal interval$" out &&
	camaudit -C site journals >out &&
	has "^ok	logbook.journal	1 records, 0 seals .*; the newest not sealed yet, within the seal interval$" out &&
	hasnt "^FAIL" out
'

expect_success 'unsealed records older than the seal interval: camlog verify and camaudit journals say not sealed, exit 1' '
	has_faketime &&
	rm -f "$LB" &&
	test "$(ago -3h camlog -C site add "Ghi chép cũ")" = 1 &&
	camlog -C site add "Ghi chép mới" >/dev/null &&
	must_fail 1 camlog -C site verify >out 2>err &&
	test ! -s out &&
	has "^camlog: .*logbook.journal: not sealed: 2 of 2 records are covered by no seal, the oldest from [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07, more than 2 hours ago \(0 seals; camctl seal seals every journal\)$" err &&
	must_fail 1 camaudit -C site journals >out &&
	has "^FAIL	logbook.journal	not sealed: 2 of 2 records" out &&
	hasnt "^ok	logbook.journal" out &&
	must_fail 1 camaudit -C site journals --json >out.json &&
	jq -e ".ok == false and ([.checks[] | select(.check == \"logbook.journal\" and .status == \"FAIL\")] | length) == 1" out.json >/dev/null &&
	tail -n 1 site.store/audit.journal | cut -f6 | jq -e ".program == \"camaudit\" and .verb == \"journals\" and .outcome == \"failed\"" >/dev/null
'

expect_success 'sealed, the same logbook verifies again; records after the seal are within the interval' '
	has_faketime &&
	camctl -C site seal >/dev/null &&
	camlog -C site verify >out &&
	has "logbook.journal: ok: 3 records, 1 seals \(the last covers record 2\), 1 witnessed$" out &&
	camaudit -C site journals >out &&
	hasnt "^FAIL" out &&
	camlog -C site add "sau niêm phong" >/dev/null &&
	camlog -C site verify >out && has "; the newest not sealed yet, within the seal interval$" out
'

expect_success 'records older than the interval after the last seal are a finding too' '
	has_faketime &&
	camctl -C site seal >/dev/null &&
	ago -5h camlog -C site add "muộn mà cũ" >/dev/null &&
	must_fail 1 camlog -C site verify 2>err >/dev/null &&
	has "not sealed: 1 of [0-9]+ records are covered by no seal" err &&
	camctl -C site seal >/dev/null && camlog -C site verify >/dev/null
'

done_testing
