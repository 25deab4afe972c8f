# Every act is recorded, or not done (camkit-journal(5), "The audit
# trail"): no data root, no act; a user who may not write the trail
# reaches it through the set-id camlog, which names the actor itself.
. "$CAMKIT_TOP/tests/lib.sh"

AUDIT=$T/site.store/audit.journal
recording_site site
pki_site site

# state: what an act must not change when it is refused.
state() {
	{ git -C site rev-parse HEAD && git -C site status --porcelain &&
	  sha256sum site/camkit.yaml && ls -A site/private; } >"$1"
}

expect_success 'no data root: camera add, user add, commit and revert are refused with exit 3 and how to fix it; nothing changes' '
	camctl -C site camera add gate --url rtsp://127.0.0.1:554/gate >/dev/null &&
	mv site.store site.moved &&
	state before &&
	printf "mật-khẩu-7\n" >pw &&
	must_fail 3 camctl -C site camera add hall --url rtsp://127.0.0.1:554/hall \
	    --username admin --password-file pw 2>err &&
	has "^camctl: camera add: refused: the audit trail cannot be written: the data root $T/site.store does not exist: create it, owned by the service account and mode 0750 \(\"make install\" as root does\)" err &&
	must_fail 3 camctl -C site user add --no-check nguyenvana --role guard 2>err &&
	has "^camctl: user add: refused: the audit trail cannot be written: the data root .* does not exist" err &&
	must_fail 3 camctl -C site camera disable gate 2>err && has "does not exist" err &&
	must_fail 3 camctl -C site revert HEAD 2>err && has "does not exist" err &&
	state after && cmp_text before after &&
	sed -i "s/^  retention_days: 30 /  retention_days: 60 /" site/camkit.yaml &&
	state before &&
	must_fail 3 camctl -C site commit -m "longer retention" 2>err &&
	has "^camctl: commit: refused: the audit trail cannot be written: the data root .* does not exist" err &&
	state after && cmp_text before after &&
	test ! -e site.store &&
	git -C site checkout -q camkit.yaml && mv site.moved site.store
'

expect_success 'a commit that moves the data root to one that does not exist is refused; to one that exists, recorded there' '
	recording_site mv &&
	head=$(git -C mv rev-parse HEAD) &&
	sed -i "s|^  root: .*|  root: $T/elsewhere|" mv/camkit.yaml &&
	must_fail 3 camctl -C mv commit -m "move" 2>err &&
	has "the data root $T/elsewhere does not exist" err &&
	test "$(git -C mv rev-parse HEAD)" = "$head" &&
	mkdir elsewhere &&
	camctl -C mv commit -m "move" >out &&
	id=$(git -C mv rev-parse HEAD) &&
	cut -f6 elsewhere/audit.journal | jq -e --arg id "$id" "select(.verb == \"commit\" and .detail.commit == \$id and .outcome == \"granted\")" >/dev/null
'

expect_success 'every changing verb of camctl is in the trail with its commit' '
	n=$(wc -l <"$AUDIT") &&
	camctl -C site camera add hall --url rtsp://127.0.0.1:554/hall >/dev/null &&
	camctl -C site camera set hall location=Sảnh >/dev/null &&
	camctl -C site camera disable hall >/dev/null &&
	camctl -C site camera enable hall >/dev/null &&
	camctl -C site camera rm hall >/dev/null &&
	camctl -C site user add --no-check nguyenvana --role guard >/dev/null &&
	camctl -C site user rm nguyenvana >/dev/null &&
	camctl -C site units --output units >/dev/null 2>&1 &&
	camctl -C site seal >/dev/null &&
	tail -n +$((n + 1)) "$AUDIT" | awk -F "\t" "\$5 == \"audit\"" | cut -f6 >recs &&
	jq -r ".verb" recs >verbs &&
	printf "%s\n" "camera add" "camera set" "camera disable" "camera enable" \
	    "camera rm" "user add" "user rm" units seal >want &&
	cmp_text want verbs &&
	head -n 7 recs | jq -s -e "all(.[]; .outcome == \"granted\" and (.detail.commit | length) == 40)" >/dev/null &&
	test "$(camaudit -C site config | grep -c "^FAIL")" = 0
'

expect_success 'camrec: an unknown or a disabled camera is refused, and the refusal recorded' '
	n=$(wc -l <"$AUDIT") &&
	must_fail 1 camrec -C site record nosuch --for 1s 2>err &&
	has "no camera \"nosuch\"" err &&
	camctl -C site camera disable gate >/dev/null &&
	must_fail 1 camrec -C site record gate --for 1s 2>err && has "is disabled" err &&
	camctl -C site camera enable gate >/dev/null &&
	tail -n +$((n + 1)) "$AUDIT" | cut -f6 |
	    jq -s -e "[.[] | select(.program == \"camrec\" and .outcome == \"refused\")] | map(.object) == [\"nosuch\", \"gate\"]" >/dev/null
'

expect_success 'camaudit config names each commit without a record, the ones before the trail too' '
	git -C site -c user.name=mallory -c user.email=m@example.org commit -q --allow-empty -m "by hand" &&
	id=$(git -C site rev-parse --short=12 HEAD) &&
	must_fail 1 camaudit -C site config >out &&
	has "^FAIL	audit trail	commit $id \(.*, mallory, \"by hand\"\) has no record in the audit trail: it was not made with camctl" out &&
	test "$(grep -c "^FAIL	audit trail" out)" = 1 &&
	hasnt "init\") has no record" out &&
	git -C site reset -q --hard HEAD~1 &&
	mkdir old && cd old &&
	camctl -C site init --site Old >/dev/null &&
	git -C site -c user.name=early -c user.email=e@example.org commit -q --allow-empty -m "before any trail" &&
	early=$(git -C site rev-parse --short=12 HEAD) &&
	mkdir -p "$T/old/site.store" &&
	sed -i "s|^  root: /var/lib/camkit |  root: $T/old/site.store|" site/camkit.yaml &&
	camctl -C site commit -m "storage" >/dev/null &&
	must_fail 1 camaudit -C site config >out &&
	has "^FAIL	audit trail	commit $early \(.*, early, \"before any trail\"\) has no record in the audit trail: it was made before the audit trail began" out &&
	test "$(grep -c "^FAIL" out)" = 1
'

# ---- users who may not write the trail ----

# users_ok: in a body, skip it when this machine cannot make the guard
# and the set-id camlog.
users_ok() { can_add_users || skip_test "needs root, useradd and setpriv"; }
g=ckg73-$$ svc=cks73-$$

expect_success 'setup: a guard, and camlog installed set-id to the service account, which owns the data root' '
	users_ok &&
	temp_user $g && temp_user $svc &&
	chmod 711 "$T" && chmod -R a+rX site &&
	camctl -C site user add --no-check $g --role guard >/dev/null &&
	chmod 700 site/private && chmod 600 site/private/site.key &&
	audit_helper site && chmod 750 site.store &&
	test -x "$T/sbin/camlog"
'
# What audit_helper exported in the setup: the guard reaches the trail
# through the set-id camlog.
CAMKIT_BINDIR=$T/sbin
export CAMKIT_BINDIR

expect_success 'a guard refused an extraction: the refusal reaches the trail, under the guard'"'"'s name' '
	users_ok &&
	test "$(stat -c %U:%a site.store)" = "$svc:750" &&
	n=$(wc -l <"$AUDIT") &&
	mkdir -m 777 xout &&
	must_fail 1 as $g camextract -C site run /nonexistent.yaml -o xout/x.tar 2>err >/dev/null &&
	has "^camextract: run: refused: $g holds no role that may extract footage" err &&
	hasnt "not in the audit trail" err &&
	test ! -e xout/x.tar &&
	test "$(wc -l <"$AUDIT")" = $((n + 1)) &&
	tail -n 1 "$AUDIT" | cut -f6 >rec &&
	jq -e --arg g $g --argjson uid "$(id -u $g)" ".actor == \$g and .uid == \$uid and .program == \"camextract\" and .verb == \"run\" and .outcome == \"refused\"" rec >/dev/null &&
	chain_ok "$AUDIT"
'

expect_success 'a guard refused by camctl and by camaudit: both refusals in the trail' '
	users_ok &&
	n=$(wc -l <"$AUDIT") && state before &&
	must_fail 1 as $g camctl -C site camera rm gate 2>err >/dev/null &&
	has "^camctl: camera rm: refused: $g holds no role that may change the configuration" err &&
	must_fail 1 as $g camaudit -C site journals 2>err >/dev/null &&
	has "^camaudit: journals: refused: $g" err &&
	state after && cmp_text before after &&
	tail -n +$((n + 1)) "$AUDIT" | cut -f6 | jq -s -e --arg g $g "length == 2 and .[0].program == \"camctl\" and .[0].verb == \"camera rm\" and .[1].program == \"camaudit\" and .[1].verb == \"journals\" and all(.[]; .actor == \$g and .outcome == \"refused\")" >/dev/null
'

expect_success 'the helper: a record naming its own actor or uid is refused, and that refusal is itself recorded' '
	users_ok &&
	n=$(wc -l <"$AUDIT") &&
	printf "%s" "{\"actor\":\"root\",\"program\":\"camctl\",\"verb\":\"camera rm\",\"object\":\"gate\",\"outcome\":\"granted\"}" |
	    must_fail 1 as $g "$T/sbin/camlog" -C site audit-record 2>err &&
	has "^camlog: audit-record: refused: the record names its own actor or uid" err &&
	printf "%s" "{\"uid\":0,\"program\":\"camctl\",\"verb\":\"camera rm\",\"outcome\":\"granted\"}" |
	    must_fail 1 as $g "$T/sbin/camlog" -C site audit-record 2>err &&
	has "names its own actor or uid" err &&
	tail -n +$((n + 1)) "$AUDIT" | cut -f6 | jq -s -e --arg g $g "length == 2 and all(.[]; .actor == \$g and .program == \"camlog\" and .verb == \"audit-record\" and .outcome == \"refused\")" >/dev/null &&
	hasnt "\"verb\":\"camera rm\",\"object\":\"gate\"" "$AUDIT"
'

expect_success 'the helper: the actor comes from the real uid; a bad record is refused, not written' '
	users_ok &&
	n=$(wc -l <"$AUDIT") &&
	jq -n -c "{program: \"camextract\", verb: \"run\", outcome: \"refused\", reason: \"tôi\", detail: ({k: 1} | tojson)}" |
	    as $g "$T/sbin/camlog" -C site audit-record &&
	tail -n 1 "$AUDIT" | cut -f6 | jq -e --arg g $g ".actor == \$g and .reason == \"tôi\" and .detail.k == 1" >/dev/null &&
	for bad in "{\"program\":\"sh\",\"verb\":\"x\",\"outcome\":\"granted\"}" \
	    "{\"program\":\"camctl\",\"verb\":\"x\",\"outcome\":\"maybe\"}" \
	    "{\"program\":\"camctl\",\"outcome\":\"granted\"}" \
	    "{\"program\":\"camctl\",\"verb\":\"x\",\"outcome\":\"granted\",\"detail\":\"[1]\"}" \
	    "not json"; do
		printf "%s" "$bad" | must_fail 1 as $g "$T/sbin/camlog" -C site audit-record 2>err || exit 1
		has "refused" err || exit 1
	done &&
	test "$(wc -l <"$AUDIT")" = $((n + 1 + 5)) &&
	tail -n 5 "$AUDIT" | cut -f6 | jq -s -e "all(.[]; .verb == \"audit-record\" and .outcome == \"refused\")" >/dev/null
'

expect_success 'no helper to reach the trail: the guard'"'"'s act is refused with exit 3, nothing changes' '
	users_ok &&
	n=$(wc -l <"$AUDIT") && state before &&
	must_fail 3 as $g env CAMKIT_BINDIR=$T/nothing camctl -C site camera rm gate 2>err >/dev/null &&
	has "refused: .*holds no role" err &&
	has "the audit trail cannot be written by this user, and its set-id helper $T/nothing/camlog cannot be run" err &&
	must_fail 3 as $g env CAMKIT_BINDIR=$T/nothing camlog -C site add hi 2>err >/dev/null &&
	has "^camlog: add: refused: the audit trail cannot be written by this user, and its set-id helper $T/nothing/camlog cannot be run" err &&
	state after && cmp_text before after &&
	test "$(wc -l <"$AUDIT")" = "$n"
'

done_testing
