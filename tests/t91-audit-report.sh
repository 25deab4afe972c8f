# camaudit report: one month of a real site (a recording with a camera
# outage, a logbook shift, an extraction and a refusal, configuration
# changes), in print and in JSON, its figures checked against the
# journals read with jq.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
recording_site site
mkdir -p site.store
pki_site site
cp "$P/director.crt" site/trust/director.pem
sed -i 's|^  director: \[\]|  director: [trust/director.pem]|; s|^  unit_head_signature: true|  unit_head_signature: false|' site/camkit.yaml
camctl -C site commit -m "directors" >/dev/null
record_with_outage site gate 24
shift_and_extraction site fault "Camera cổng mất tín hiệu"
sed 's/^id: A/id: B/' A.yaml >B.yaml
camextract -C site run B.yaml -o B.tar >/dev/null 2>&1
camctl -C site seal >/dev/null
month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)

expect_success 'the month in print: every section, figures as journaled' '
	must_fail 1 camaudit -C site report --month "$month" >out &&
	has "^camkit monthly report: Test$" out &&
	has "^Month $month, time zone Asia/Ho_Chi_Minh \(the month so far\)$" out &&
	has "^Period: from $month-01 00:00:00 \+07 to [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07$" out &&
	has "^Made [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 on [^ ]+ by root; configuration [0-9a-f]{12}$" out &&
	for s in "1. Recording" "2. Storage and retention" "3. Logbook" \
	    "4. Extractions and refusals" "5. Configuration changes" \
	    "6. Camera security" "7. Verification"; do
		has "^$s$" out || return 1
	done &&
	has "^   gate +[0-9.]+% " out &&
	has "^   1 archives extracted:$" out &&
	has "^   [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07  root  A$" out &&
	has "^   [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07  root  camextract run  B: " out &&
	has "^   1 refusals:$" out &&
	has "camextract run  B: .*unsigned|camextract run  B: .*signature" out &&
	has "^   1 entries \(suspicious 0, fault 1, incident 0, maintenance 0, note 0\), 0 corrections$" out &&
	has "^   shifts: 1 started, 1 ended" out &&
	has "root  camera add gate  camera gate added" out &&
	has "^   ok    gate: [0-9]+ segments match their manifest$" out &&
	has "^   ok    gap: gate: .* the camera was down \(journaled\)$" out &&
	has "^   FAIL  camera gate: high: no credentials configured" out &&
	has "^   FAIL  camera gate: medium: plaintext" out &&
	sed -n "/^7. Verification/,\$p" out >verif &&
	hasnt "FAIL" verif &&
	has "^NOT OK: [0-9]+ of [0-9]+ checks failed, [0-9]+ not checked \(camera security and verification\)$" out
'

expect_success '--json: the same figures; recorded seconds and gaps as the manifest says' '
	must_fail 1 camaudit -C site report --month "$month" --json >r.json &&
	jq -e ".ok == false and .month == \"$month\"" r.json >/dev/null &&
	jq -e "[.checks[] | select(.ok | not)] | length == 0" r.json >/dev/null &&
	jq -e "[.cameras[] | select(.camera == \"gate\" and .severity == \"high\")] | length >= 1" r.json >/dev/null &&
	cut -f5,6 site.store/gate/manifest | awk -F"\t" "\$1 == \"segment\" { print \$2 }" |
	    jq -s "map((.end | fromdateiso8601) - (.start | fromdateiso8601)) | add" >want &&
	test "$(jq ".recording[] | select(.camera == \"gate\") | .recorded_s" r.json)" = "$(cat want)" &&
	jq -e ".recording[] | select(.camera == \"gate\") | .gaps >= 1 and .camera_down >= 1 and .gaps_without_camera_down == 0 and .uptime_percent > 0 and .uptime_percent <= 100" r.json >/dev/null &&
	jq -e ".extractions | length == 1" r.json >/dev/null &&
	jq -e ".refusals | length == 1" r.json >/dev/null &&
	jq -e ".logbook.fault == 1 and .logbook.shifts_started == 1" r.json >/dev/null &&
	jq -e "(.configuration_changes | length) == $(git -C site rev-list --count HEAD)" r.json >/dev/null &&
	jq -e ".storage.segments == $(segments site gate | wc -l)" r.json >/dev/null
'

expect_success 'another month: nothing recorded, nothing listed' '
	must_fail 1 camaudit -C site report --month 2001-02 >out &&
	has "^   gate +- +not recording" out &&
	has "^   0 archives extracted:$" out && has "^   0 changes$" out
'

expect_success 'a finding makes the report NOT OK, exit 1, printed in full' '
	cp -a site.store keep.store &&
	f=$(segments site gate | sed -n 2p) && flip "$f" 100 &&
	must_fail 1 camaudit -C site report --month "$month" >out &&
	sed -n "/^7. Verification/,\$p" out >verif &&
	test "$(grep -c FAIL verif)" = 1 &&
	has "^   FAIL  altered: " verif &&
	rm -rf site.store && mv keep.store site.store
'

expect_success 'a bad --month is a usage error' '
	must_fail 2 camaudit -C site report --month 2026-13 2>err &&
	has "report: --month: \"2026-13\" is not YYYY-MM" err &&
	must_fail 2 camaudit -C site report --month 26-1 2>err
'

done_testing
