# camrec replicate against a real S3 service on loopback (tests/s3d.py,
# which checks every request's SigV4 signature and keeps Object Lock):
# evidence, then sealed journal chunks, then closed segments, each
# HEADed after upload and journaled; a second run sends nothing; a
# killed run resumes without a duplicate or a hole; the service down
# loses nothing; a locked chunk cannot be deleted; prune with
# keep_until_replicated; the upload window.
. "$CAMKIT_TOP/tests/lib.sh"

command -v jq >/dev/null || skip_all "needs jq"
director_site site
# Requests signed 40 days on (faketime, below) are taken too.
s3d_start s3 0 --max-skew 4000000
s3d_bucket evid lock
s3d_bucket jrnl lock
s3d_bucket foot lock
s3d_credential site s3
HOST=$(hostname | cut -d. -f1)
cat >>site/camkit.yaml <<EOF
replication:
  endpoint: $S3_ENDPOINT
  credential: s3
  prefix: office-1/
  buckets:
    evidence: evid
    journals: jrnl
    footage: foot
  footage_days: 60
  journal_days: 400
EOF
camctl -C site commit -m "replication to the test store" >/dev/null
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camrec -C site record gate --for 16s 2>/dev/null
# An extraction (its archive written where camextract was told, an
# absolute path) holds its window: that segment goes with a legal hold.
first=$(grep "	segment	" site.store/gate/manifest | head -1 | cut -f6 | jq -r .start)
request A "$(date -u -d "$first +1 sec" +%Y-%m-%dT%H:%M:%SZ)" \
    "$(date -u -d "$first +3 sec" +%Y-%m-%dT%H:%M:%SZ)"
sign A.yaml director
camextract -C site run A.yaml -o "$T/A.tar" >/dev/null 2>&1
camctl -C site seal >/dev/null
M=site.store/gate/manifest
puts() { grep "^s3d: PUT /\(evid\|jrnl\|foot\)/" "$T/s3.s3d.log" | wc -l; }
# meta BUCKET KEY: the store's metadata of KEY's newest version.
meta() { cat "$S3_DIR/$1/$2/@$(cat "$S3_DIR/$1/$2/@current").json"; }
# every segment of the manifest has one "replicated" record, and its
# key one version in the store
no_hole_no_dup() {
	grep "	segment	" $M | cut -f6 | jq -r .file | sort >segs &&
	grep "	replicated	" $M | cut -f6 | jq -r .file | sort -u >repl &&
	cmp_text segs repl &&
	while read -r f; do
		n=$(ls "$S3_DIR/foot/office-1/$HOST/$f" | grep -c "^@.*\.json$") &&
		test "$n" = 1 || { echo "$f: $n versions" >&2; exit 1; }
	done <segs
}

expect_success 'the store down: exit 3, a clear message, nothing journaled' '
	test -n "$HOST" &&
	s3d_stop s3 &&
	must_fail 3 camrec -C site replicate --once >out 2>err &&
	has "camrec: .*(connect|reach)" err &&
	! grep -q "	replicated	" $M &&
	test ! -e site.store/replication.journal
'

expect_success 'one run: chunks then segments, each HEADed, locked and journaled' '
	s3d_start s3 "$S3_PORT" --max-skew 4000000 &&
	{ camrec -C site replicate --once --json >out || { cat "$T/s3.s3d.log"; false; }; } &&
	jq -e ".left == false and .sent.evidence == 1 and .sent.footage >= 3 and .sent.journals >= 2 and .refused == 0" out >/dev/null &&
	jq -r ".objects[].kind" out | uniq >order &&
	printf "evidence\njournals\nfootage\n" >want &&
	cmp_text want order &&
	meta evid "office-1/$HOST/evidence/A.tar" >m &&
	jq -e ".meta.sha256 == \"$(sha256sum <A.tar | cut -d" " -f1)\" and .lock_mode == \"COMPLIANCE\" and .retain_until > $(date -d "+1824 days" +%s)" m >/dev/null &&
	cmp "$(s3d_body evid "office-1/$HOST/evidence/A.tar")" A.tar &&
	grep "	segment	" $M | cut -f6 >segrecs &&
	hold=$(grep "	hold	" site.store/holds.journal | cut -f6) &&
	hold_from=$(date -d "$(echo "$hold" | jq -r .from)" +%s) &&
	hold_to=$(date -d "$(echo "$hold" | jq -r .to)" +%s) &&
	: >held &&
	while read -r rec; do
		f=$(echo "$rec" | jq -r .file) &&
		sha=$(echo "$rec" | jq -r .sha256) &&
		end=$(date -d "$(echo "$rec" | jq -r .end)" +%s) &&
		meta foot "office-1/$HOST/$f" >m &&
		start=$(date -d "$(echo "$rec" | jq -r .start)" +%s) &&
		held=false &&
		if [ "$start" -le "$hold_to" ] && [ "$end" -ge "$hold_from" ]; then
			held=true && echo "$f" >>held
		fi &&
		jq -e ".meta.sha256 == \"$sha\" and .meta.camera == \"gate\" and .lock_mode == \"GOVERNANCE\" and (.retain_until - $end - 60 * 86400 | fabs) < 2 and .legal_hold == $held" m >/dev/null || exit 1
		cmp "$(s3d_body foot "office-1/$HOST/$f")" "site.store/$f" || exit 1
	done <segrecs &&
	grep "	replicated	" $M | cut -f6 >reprecs &&
	test "$(wc -l <reprecs)" = "$(wc -l <segrecs)" &&
	jq -s -e "all(.kind == \"footage\" and .bucket == \"foot\" and (.version | length) > 0 and (.key | startswith(\"office-1/$HOST/gate/\")))" reprecs >/dev/null &&
	chain_ok $M &&
	cut -f6 site.store/replication.journal >chunks &&
	jq -s -e "map(select(.kind == \"journal\" and .lock == \"COMPLIANCE\")) | length >= 2" chunks >/dev/null &&
	key=$(jq -r "select(.name == \"gate/manifest\") | .key" chunks | head -1) &&
	first=$(jq -r "select(.name == \"gate/manifest\") | .first" chunks | head -1) &&
	last=$(jq -r "select(.name == \"gate/manifest\") | .last" chunks | head -1) &&
	s3d_curl --fail "jrnl/$key" >chunk &&
	awk -F "\t" -v a="$first" -v b="$last" "\$1 >= a && \$1 <= b" $M >want &&
	cmp chunk want &&
	tail -1 chunk | cut -f5 | grep -qx seal &&
	meta jrnl "$key" | jq -e ".lock_mode == \"COMPLIANCE\" and .retain_until > $(date -d "+399 days" +%s)" >/dev/null &&
	test -s held &&
	no_hole_no_dup
'

expect_success 'a second run sends nothing' '
	before=$(puts) &&
	camrec -C site replicate --once >out &&
	has "^replicated	0 archives	0 journal chunks	0 segments	" out &&
	test "$(puts)" = "$before"
'

expect_success 'a locked chunk cannot be deleted, even by the key that wrote it' '
	key=$(cut -f6 site.store/replication.journal | jq -r "select(.kind == \"journal\") | .key" | head -1) &&
	v=$(cut -f6 site.store/replication.journal | jq -r "select(.kind == \"journal\") | .version" | head -1) &&
	s3d_curl -X DELETE "jrnl/$key?versionId=$v" >answer &&
	grep -q "<Code>AccessDenied</Code>" answer &&
	s3d_body jrnl "$key" "$v" >/dev/null
'

expect_success 'the hold released, the next run lifts the legal hold' '
	for id in $(camrec -C site hold list | cut -f1); do
		camrec -C site hold release "$id" --reason "hồ sơ đã chuyển" >/dev/null || exit 1
	done &&
	camrec -C site replicate --once --json >out &&
	jq -e ".holds == $(wc -l <held) and .sent.footage == 0" out >/dev/null &&
	jq -r ".objects[] | select(.state == \"legal hold off\") | .what" out >off &&
	cmp_text held off &&
	grep "	legal-hold	" $M | cut -f6 | jq -r "select(.on == false) | .file" >off &&
	cmp_text held off &&
	while read -r f; do
		meta foot "office-1/$HOST/$f" | jq -e ".legal_hold == false" >/dev/null || exit 1
	done <held
'

expect_success 'a hold placed after the upload puts the legal hold on, its release lifts it' '
	f=$(head -1 held) &&
	rec=$(grep -F "\"file\":\"$f\"" segrecs) &&
	camrec -C site hold add gate --from "$(echo "$rec" | jq -r .start)" \
	    --to "$(echo "$rec" | jq -r .start)" --reason "vụ việc số 7" >out &&
	id=$(cut -f2 out) &&
	camrec -C site replicate --once --json >out &&
	jq -e ".holds >= 1 and ([.objects[] | select(.state == \"legal hold on\") | .what] | index(\"$f\")) != null" out >/dev/null &&
	meta foot "office-1/$HOST/$f" | jq -e ".legal_hold == true" >/dev/null &&
	# GOVERNANCE alone gives way to the bypass header (a scratch
	# object shows it); the legal hold does not.
	until=$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ) &&
	echo scratch >scratch &&
	s3d_curl --fail -X PUT --data-binary @scratch -H "x-amz-object-lock-mode: GOVERNANCE" \
	    -H "x-amz-object-lock-retain-until-date: $until" foot/scratch >/dev/null &&
	s3d_curl --fail -X DELETE -H "x-amz-bypass-governance-retention: true" \
	    "foot/scratch?versionId=$(cat "$S3_DIR/foot/scratch/@current")" >/dev/null &&
	s3d_curl -X DELETE -H "x-amz-bypass-governance-retention: true" \
	    "foot/office-1/$HOST/$f?versionId=$(meta foot "office-1/$HOST/$f" | jq -r .version)" >answer &&
	grep -q "<Code>AccessDenied</Code>" answer &&
	s3d_body foot "office-1/$HOST/$f" >/dev/null &&
	camrec -C site hold release "$id" --reason "xong" >/dev/null &&
	camrec -C site replicate --once --json >out &&
	jq -e "[.objects[] | select(.state == \"legal hold off\") | .what] | index(\"$f\") != null" out >/dev/null &&
	meta foot "office-1/$HOST/$f" | jq -e ".legal_hold == false" >/dev/null
'

# Fresh footage for the rest: 2 more segments, unreplicated.
camrec -C site record gate --for 11s 2>/dev/null
stop_camera gate

expect_success 'prune with keep_until_replicated keeps what is not replicated' '
	later=$(date -u -d "+40 days" +%Y-%m-%dT%H:%M:%SZ) &&
	sed -i "s/^  journal_days: 400$/&\n  keep_until_replicated: true/" site/camkit.yaml &&
	camctl -C site commit -m "keep until replicated" >/dev/null &&
	new=$(grep "	segment	" $M | cut -f6 | jq -r .file | sort | comm -23 - <(sort -u repl)) &&
	test -n "$new" &&
	camrec -C site prune --json --now "$later" >out &&
	jq -e ".waiting_replication == $(echo "$new" | wc -l) and .count == $(wc -l <repl)" out >/dev/null &&
	for f in $new; do test -f "site.store/$f" || exit 1; done &&
	while read -r f; do test ! -e "site.store/$f" || exit 1; done <repl &&
	camrec -C site prune --now "$later" >out 2>err &&
	has "^waiting for replication	$(echo "$new" | wc -l) segments" out
'

expect_success 'a killed run resumes without a duplicate or a hole' '
	camctl -C site seal >/dev/null &&
	{ camrec -C site replicate --once --max-rate 40K >/dev/null 2>&1 & } &&
	pid=$! &&
	sleep 2 &&
	kill_wait "$pid" &&
	total=$(grep -c "	segment	" $M) &&
	done=$(grep "	replicated	" $M | cut -f6 | jq -r .file | sort -u | wc -l) &&
	echo "killed with $done of $total segments replicated" &&
	test "$done" -lt "$total" &&
	camrec -C site replicate --once --json >out &&
	jq -e ".left == false and .refused == 0" out >/dev/null &&
	no_hole_no_dup &&
	camrec -C site prune --json --now "$(date -u -d "+40 days" +%Y-%m-%dT%H:%M:%SZ)" >out &&
	jq -e ".waiting_replication == 0" out >/dev/null
'

expect_success 'a rotation carries the replicated state; chunks run on across volumes' '
	has_faketime &&
	ago +40d camctl -C site seal >out &&
	has "^closed	gate/manifest	" out &&
	grep "	replicated	" $M | cut -f6 | jq -r .file | sort >carried &&
	grep "	carry	" $M | cut -f6 | jq -r .file | sort >live &&
	cmp_text live carried &&
	camrec -C site prune --dry-run --json --now "$(date -u -d "+80 days" +%Y-%m-%dT%H:%M:%SZ)" >out &&
	jq -e ".waiting_replication == 0 and .count == $(wc -l <live)" out >/dev/null &&
	before=$(grep -c "^s3d: PUT /foot/" "$T/s3.s3d.log") &&
	ago +40d camrec -C site replicate --once --json >out &&
	jq -e ".sent.footage == 0 and .sent.journals >= 2 and .left == false" out >/dev/null &&
	test "$(grep -c "^s3d: PUT /foot/" "$T/s3.s3d.log")" = "$before" &&
	cut -f6 site.store/replication.journal | jq -s -e "
	    map(select(.kind == \"journal\")) | group_by(.name) |
	    all(sort_by(.first) | . as \$c | [range(1; length)] |
	        all(\$c[.].first == \$c[. - 1].last + 1))" >/dev/null &&
	jq -r ".objects[] | select(.what == \"gate/manifest\") | .key" out >keys &&
	test -s keys &&
	cat site.store/gate/manifest.* $M >whole &&
	while read -r key; do
		s3d_curl --fail "jrnl/$key" >chunk &&
		a=$(head -1 chunk | cut -f1) && b=$(tail -1 chunk | cut -f1) &&
		awk -F "\t" -v a="$a" -v b="$b" "\$1 >= a && \$1 <= b" whole >want &&
		cmp chunk want || exit 1
	done <keys
'

expect_success 'outside the upload window: exit 3, nothing sent' '
	h=$(TZ=Asia/Ho_Chi_Minh date -d "+2 hours" +%H) &&
	sed -i "s/^  keep_until_replicated: true$/&\n  window: \"$h:00-$h:30\"/" site/camkit.yaml &&
	camctl -C site commit -m "an upload window" >/dev/null &&
	camctl -C site seal >/dev/null &&
	before=$(puts) &&
	must_fail 3 camrec -C site replicate --once >out 2>err &&
	has "outside the upload window $h:00-$h:30" err &&
	test "$(puts)" = "$before"
'

expect_success 'camctl units: replication every minute, by a timer or by cron' '
	camctl -C site units --output units --bindir "$CAMKIT_BIN" >/dev/null 2>&1 &&
	has "^ExecStart=$CAMKIT_BIN/camrec replicate --once$" units/camkit-replicate.service &&
	has "^LoadCredential=s3:$T/site/private/credentials/s3$" units/camkit-replicate.service &&
	has "^UnsetEnvironment=LANG LANGUAGE LC_ALL LC_MESSAGES$" units/camkit-replicate.service &&
	has "^SuccessExitStatus=3$" units/camkit-replicate.service &&
	has "^OnCalendar=minutely$" units/camkit-replicate.timer &&
	camctl -C site units --cron --output cron --bindir "$CAMKIT_BIN" >/dev/null 2>&1 &&
	has "^\* \* \* \* \* [a-z0-9_-]+ $CAMKIT_BIN/camrec replicate --once >/dev/null$" cron/camkit &&
	units_verify "1 5 7" camkit-replicate.service camkit-replicate.timer
'

s3d_stop s3
done_testing
