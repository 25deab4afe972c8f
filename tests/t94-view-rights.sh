# Who may see what in camview: a view request (camkit-request(5),
# action: view) is checked exactly like an extraction request, and while
# it is valid its viewer may play back exactly its cameras and window;
# camextract refuses it; the guard's report writes the logbook entry and
# the hold; camaudit access lists the looks.  The library is driven by
# tests/viewfix (camview's verbs are the server's).
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
fix=$CAMKIT_BIN/tests/viewfix
me=$(id -un)
director_site site unit-head "Phòng Hành chính"
camctl -C site camera add gate --url rtsp://127.0.0.1:9/cam >/dev/null
camctl -C site camera add yard --url rtsp://127.0.0.1:9/cam >/dev/null
camctl -C site camera add hall --url rtsp://127.0.0.1:9/cam >/dev/null
camctl -C site user add --no-check "$me" --role guard --role operator >/dev/null
camctl -C site user add --no-check tranvanb --role department >/dev/null
camctl -C site user add --no-check chief --role chief-of-office >/dev/null

from=$(date -u -d "-3 hours" +%Y-%m-%dT%H:00:00Z)
to=$(date -u -d "$from +1 hour" +%Y-%m-%dT%H:%M:%SZ)
before=$(date -u -d "$from -1 sec" +%Y-%m-%dT%H:%M:%SZ)
after=$(date -u -d "$to +1 sec" +%Y-%m-%dT%H:%M:%SZ)
mid=$(date -u -d "$from +30 min" +%Y-%m-%dT%H:%M:%SZ)

# view ID [EXPIRES] [CAMERAS] [VIEWER]: a view request ID.yaml.
view() {
	cat >"$1.yaml" <<EOR
action: view
viewer: ${4:-tranvanb}
id: $1
requester:
  name: "Trần Văn B"
  unit: "Phòng Hành chính"
purpose: "Xem lại hình ảnh cổng"
cameras: [${3:-gate, yard}]
from: "$from"
to: "$to"
expires: "${2:-$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)}"
EOR
}

# nothing_more ID: the grants are still only ID's.
nothing_more() {
	"$fix" site grants >g &&
	test "$(cut -f1 g | tr "\n" " ")" = "$1 " &&
	test "$(ls site.store/views)" = "$1"
}

expect_success 'a view request signed by the director is granted, kept and journaled' '
	view V1 && sign V1.yaml director &&
	"$fix" site grant V1.yaml >out 2>err &&
	printf "V1\ttranvanb\tgate,yard\t%s\t%s\t" "$from" "$to" >want &&
	has "^$(cat want)" out &&
	cmp V1.yaml site.store/views/V1/V1.yaml &&
	cmp V1.yaml.director.p7s site.store/views/V1/V1.yaml.director.p7s &&
	"$fix" site grants >g && test "$(wc -l <g)" = 1 && has "^V1	" g &&
	cut -f5 site.store/views.journal | grep -qx view-request
'

expect_success 'the viewer plays back exactly its cameras and window, nothing else' '
	"$fix" site may-play tranvanb gate "$from" "$to" >out &&
	test "$(cat out)" = "granted V1 $from $to" &&
	"$fix" site may-play tranvanb yard "$mid" "$to" >out &&
	has "^granted V1 " out &&
	must_fail 1 "$fix" site may-play tranvanb gate "$before" "$to" >out &&
	has "^outside-request: view request V1 lets tranvanb see camera gate from [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 to [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 only$" out &&
	must_fail 1 "$fix" site may-play tranvanb gate "$from" "$after" >out &&
	has "^outside-request: " out &&
	must_fail 1 "$fix" site may-play tranvanb hall "$from" "$to" >out &&
	has "^no-request: " out &&
	must_fail 1 "$fix" site may-play "$me" gate "$from" "$to" >out &&
	has "^no-request: " out &&
	"$fix" site may-play chief hall "$before" "$after" >out &&
	test "$(cat out)" = "granted - $before $after"
'

expect_success 'a request id is granted once' '
	must_fail 1 "$fix" site grant V1.yaml 2>err &&
	has "view request V1 was already granted" err &&
	"$fix" site grants >g && test "$(wc -l <g)" = 1
'

expect_success 'camextract refuses a view request, clearly, and extracts nothing' '
	must_fail 1 camextract -C site run V1.yaml -o V1.tar 2>err &&
	has "is a view request \(action: view, for tranvanb\)" err &&
	test ! -e V1.tar &&
	test ! -e site.store/extractions.journal
'

expect_success 'the example view request parses; camextract refuses it as one' '
	must_fail 1 camextract -C site run "$CAMKIT_TOP/examples/view-request.yaml" \
	    -o E.tar 2>err &&
	has "request XEM-2026-007 is a view request \(action: view, for tranthib\)" err &&
	test ! -e E.tar
'

expect_success 'an extraction request grants no viewing: refused, nothing kept' '
	mkdir x && cd x &&
	request X1 "$from" "$to" && sign X1.yaml director &&
	must_fail 1 "$fix" ../site grant X1.yaml 2>err &&
	has "is an extraction request \(action: extract\)" err &&
	has "\(wrong-action\)" err &&
	cd .. && nothing_more V1
'

expect_success 'unsigned: refused, nothing kept' '
	view V2 &&
	must_fail 1 "$fix" site grant V2.yaml 2>err &&
	has "\(unsigned\)" err && nothing_more V1
'

expect_success 'forged (changed after signing): refused, nothing kept' '
	view V3 && sign V3.yaml director &&
	sed -i "s/cameras: \[gate, yard\]/cameras: [gate, yard, hall]/" V3.yaml &&
	must_fail 1 "$fix" site grant V3.yaml 2>err &&
	has "\(bad-signature\)" err && nothing_more V1
'

expect_success 'expired: refused, nothing kept' '
	view V4 "$(date -u -d "-1 hour" +%Y-%m-%dT%H:%M:%SZ)" &&
	sign V4.yaml director &&
	must_fail 1 "$fix" site grant V4.yaml 2>err &&
	has "request V4 expired at " err && nothing_more V1
'

expect_success 'signed by someone who is not the director: refused, nothing kept' '
	view V5 && sign V5.yaml unit-head &&
	must_fail 1 "$fix" site grant V5.yaml 2>err &&
	has "\(not-director\)" err && nothing_more V1 &&
	view V6 && sign V6.yaml rogue &&
	must_fail 1 "$fix" site grant V6.yaml 2>err &&
	has "\(untrusted\)" err && nothing_more V1
'

expect_success 'a camera the site does not have: refused, nothing kept' '
	view V7 "" "gate, porch" && sign V7.yaml director &&
	must_fail 1 "$fix" site grant V7.yaml 2>err &&
	has "camera \"porch\" is not in the configuration in force" err &&
	nothing_more V1
'

expect_success 'when policy wants the unit head: the director alone is refused, both accepted (camextract sign signs a view request)' '
	sed -i "s|^  unit_head_signature: false|  unit_head_signature: true|" site/camkit.yaml &&
	camctl -C site commit -m "unit head signature" >/dev/null &&
	view V8 "" hall && sign V8.yaml director &&
	must_fail 1 "$fix" site grant V8.yaml 2>err &&
	has "\(no-unit-head\)" err && nothing_more V1 &&
	camextract -C site sign --key "$P/unit-head.key" --cert "$P/unit-head.crt" \
	    V8.yaml >out && has "^V8\.yaml(\.[0-9a-f]{16})?\.p7s$" out &&
	"$fix" site grant V8.yaml >out &&
	has "^V8	tranvanb	hall	" out &&
	"$fix" site may-play tranvanb hall "$from" "$to" >out &&
	has "^granted V8 " out
'

expect_success 'views.journal is sealed and verified with the other journals of the site' '
	camctl -C site seal >/dev/null &&
	{ camaudit -C site journals >out || test $? = 1; } &&
	has "^ok	views.journal	3 records, 1 seals \(the last covers record 2\)" out
'

expect_success 'the guard reports from the screen: off shift refused, on shift entry and hold' '
	must_fail 1 "$fix" site report "$me" gate suspicious "người lạ" 2>err &&
	has "no shift is open" err &&
	has "no logbook entry and no hold written" err &&
	test -z "$(camrec -C site hold list)" &&
	camlog -C site shift start >/dev/null &&
	"$fix" site report "$me" gate suspicious "người lạ ở cổng" >out &&
	read -r seq hold <out &&
	camlog -C site list >list &&
	has "^$seq	[^	]*	$me	suspicious	\[gate\]	người lạ ở cổng \(camview, " list &&
	camrec -C site hold list >holds &&
	has "^$hold	gate	.*	held	$me	logbook $seq: suspicious reported from camview$" holds
'

expect_success 'camaudit access lists the looks beside the extractions, --json too' '
	"$fix" site trail tranvanb play gate granted - \
	    "{\"client\":\"127.0.0.1\",\"from\":\"$from\",\"to\":\"$to\",\"speed\":1,\"request\":\"V1\",\"frames\":900}" &&
	"$fix" site trail "$me" live gate granted - \
	    "{\"client\":\"127.0.0.1\",\"stream\":\"wall\",\"opened\":\"$from\",\"closed\":\"$to\",\"seconds\":3600}" &&
	"$fix" site trail tranvanb play hall refused "no-request: no view request" - &&
	"$fix" site trail "$me" login - granted - "{\"client\":\"127.0.0.1\"}" &&
	camaudit -C site access >acc &&
	has "	tranvanb	camview play	gate	granted	.*\"request\":\"V1\"" acc &&
	has "	$me	camview live	gate	granted	.*\"seconds\":3600" acc &&
	has "	tranvanb	camview play	hall	refused	no-request: no view request$" acc &&
	has "	$me	camview login	-	granted	" acc &&
	has "	camextract run	V1	refused	" acc &&
	camaudit -C site access --json >acc.json &&
	jq -e "[.[] | select(.record.program == \"camview\")] | length == 4" acc.json >/dev/null &&
	jq -e "[.[] | select(.record.verb == \"play\" and .record.detail.request == \"V1\")] | length == 1" acc.json >/dev/null
'

expect_success 'the monthly report counts the looks, by account' '
	month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m) &&
	{ camaudit -C site report --month "$month" >rep || test $? = 1; } &&
	has "^   views \(camview\): 1 live sessions \(1h\), 1 playbacks, 0 reports from the screen, 0 view requests granted, 1 logins$" rep &&
	has "^     tranvanb: 0 live \(0s\), 1 playbacks, 1 refused$" rep &&
	{ camaudit -C site report --month "$month" --json >rep.json || test $? = 1; } &&
	jq -e ".views.live == 1 and .views.live_seconds == 3600 and .views.playbacks == 1" rep.json >/dev/null &&
	jq -e "[.views.by_account[] | select(.account == \"tranvanb\")][0].refused == 1" rep.json >/dev/null
'

done_testing
