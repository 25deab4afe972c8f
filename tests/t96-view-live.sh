# camview in a real browser, live: headless chromium logs in as real Unix
# accounts, watches a 4-camera wall, sees a camera go down and come
# back, reports from a tile; curl without a session gets nothing; a
# live viewer that never reads costs the recording no frame; each look
# is in the audit trail.
. "$CAMKIT_TOP/tests/lib.sh"
. "$CAMKIT_TOP/tests/view/lib.sh"
view_needs

VPORT=$(free_port)
URL=https://127.0.0.1:$VPORT
g=cvg$$ o=cvo$$ n=cvn$$ svc=cvs$$
trap 'stop_bg; cleanup' EXIT

G() { local u=$1 && shift && as "$u" "$T/sbin/camlog" -C site "$@"; }

expect_success 'setup: 4 cameras recorded, a guard and an operator, camview serving' '
	view_site &&
	for i in 1 2 3 4; do
		start_camera cam$i --live --fps 10 --gop 20 &&
		camctl -C site camera add cam$i --url "$(camera_url cam$i)" \
		    --name "Camera $i" --segment 5s >/dev/null || return 1
	done &&
	view_account $g guard && view_account $o operator && view_account $n &&
	temp_account $svc &&
	mkdir -m 755 sbin && cp "$CAMKIT_BIN/camlog" sbin/camlog &&
	chmod 711 "$T" && chmod 755 site.store &&
	chown -R $svc site site.store && chown $svc:$svc sbin/camlog &&
	chmod 6755 sbin/camlog &&
	for i in 1 2 3 4; do record_bg cam$i || return 1; done &&
	serve_bg
'
CAMKIT_BINDIR=$T/sbin
export CAMKIT_BINDIR

expect_success 'without a session: 303 to /login for pages, 401 and no video for the rest' '
	from=$(utc now -10sec) &&
	code=$(curl -ks -o page -w "%{http_code} %{redirect_url}" "$URL/") &&
	test "$code" = "303 $URL/login" &&
	code=$(curl -ks -D head -o body -w "%{http_code}" "$URL/play/cam1?from=$from&speed=1") &&
	test "$code" = 401 &&
	jq -e ".error == \"unauthenticated\"" body >/dev/null &&
	hasnt "ftyp|moof|mdat" body && hasnt "^X-Camkit-First" head &&
	code=$(curl -ks -o body -w "%{http_code}" -H "Connection: Upgrade" \
	    -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
	    -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
	    -H "Origin: $URL" "$URL/live/cam1?stream=main") &&
	test "$code" = 401 && hasnt "ftyp|moof" body &&
	for p in /api/cameras /api/me "/api/timeline?camera=cam1&day=$(date +%F)" \
	    /api/access; do
		code=$(curl -ks -o body -w "%{http_code}" "$URL$p") &&
		test "$code" = 401 &&
		jq -e ".error == \"unauthenticated\"" body >/dev/null || return 1
	done &&
	code=$(curl -ks -o body -w "%{http_code}" -b camview_session=$(printf "%064d" 0) \
	    "$URL/play/cam1?from=$from&speed=1") &&
	test "$code" = 401 && hasnt "ftyp|moof" body
'

expect_success 'login and logout in the browser; both audited with the address' '
	browse login $g "$(pw $g)" &&
	audit_has ".program == \"camview\" and .verb == \"login\" and .actor == \"$g\" and .outcome == \"granted\" and .detail.client == \"127.0.0.1\"" &&
	audit_has ".program == \"camview\" and .verb == \"logout\" and .actor == \"$g\" and .detail.reason == \"asked\""
'

expect_success 'a wrong password is refused, shown, audited' '
	browse bad-login $g "wrong-$g" &&
	audit_has ".program == \"camview\" and .verb == \"login\" and .actor == \"$g\" and .outcome == \"refused\" and .reason == \"bad password\""
'

expect_success 'the 4-tile wall: every tile advances with a picture' '
	browse wall $g "$(pw $g)" 4 5
'

expect_success 'each live look is audited when it closes, with its duration' '
	wait_for audit_has ".program == \"camview\" and .verb == \"live\" and .object == \"cam4\" and .actor == \"$g\" and .outcome == \"granted\" and (.detail.seconds | type == \"number\") and .detail.client == \"127.0.0.1\"" &&
	camaudit -C site access --json >access.json &&
	jq -e "map(select(.record.program == \"camview\" and .record.verb == \"live\" and .record.actor == \"$g\")) | length >= 4" access.json >/dev/null
'

expect_success 'a suspicious report from a tile: logbook entry and hold' '
	G $g shift start >/dev/null &&
	note="Người lạ trèo rào camera 2 $$" &&
	browse report $g "$(pw $g)" cam2 suspicious "$note" &&
	camlog -C site list --json >lb.json &&
	jq -e --arg n "$note" --arg g $g "map(select((.data.text // \"\" | startswith(\$n)) and .kind == \"suspicious\" and .data.camera == \"cam2\" and .data.author == \$g)) | length == 1" lb.json >/dev/null ||
	    { cat lb.json >&2; false; } &&
	camrec -C site hold list >holds &&
	has "	cam2	" holds &&
	# The hold: from some minutes before the report to after it.
	line=$(grep "	cam2	" holds) && now=$(date +%s) &&
	from=$(date -d "$(echo "$line" | cut -f3)" +%s) &&
	to=$(date -d "$(echo "$line" | cut -f4)" +%s) &&
	test "$from" -le $((now - 60)) -a "$to" -ge "$now" ||
	    { echo "the hold does not cover the report (now $(date -Is)): $line" >&2; false; } &&
	audit_has ".program == \"camview\" and .verb == \"report\" and .object == \"cam2\" and .actor == \"$g\" and .outcome == \"granted\""
'

expect_success 'a report with no shift open is refused' '
	G $g shift end >/dev/null &&
	cookie_csrf=$(api_session $g) &&
	set -- $cookie_csrf &&
	code=$(curl -ks -o body -w "%{http_code}" -b "camview_session=$1" \
	    -H "X-CSRF-Token: $2" -H "Content-Type: application/json" \
	    --data "{\"camera\":\"cam1\",\"kind\":\"fault\",\"note\":\"x\"}" "$URL/api/report") &&
	test "$code" = 403 &&
	code=$(curl -ks -o body -w "%{http_code}" -b "camview_session=$1" \
	    -H "Content-Type: application/json" \
	    --data "{\"camera\":\"cam1\",\"kind\":\"fault\",\"note\":\"x\"}" "$URL/api/report") &&
	test "$code" = 403 && jq -e ".error == \"csrf\"" body >/dev/null
'

expect_success 'a camera stopped mid-view shows down, and plays again once back' '
	port=$(camera_port cam3) &&
	browse down $o "$(pw $o)" cam3 "$T/cam3.pid" -- \
	    "$CAMKIT_BIN/tests/rtspd" --port "$port" --pidfile "$T/cam3.pid" \
	    --ready-file "$T/cam3.ready" --live --fps 10 --gop 20 &&
	wait_for test -s "$T/cam3.pid"
'

# segs_ok CAMERA SINCE: the camera's segments closed since SINCE (RFC
# 3339) follow each other without a gap, hold the frames the manifest
# says (ffprobe) and about 10 frames a second of their duration.
segs_ok() {
	cut -f6 "site.store/$1/manifest" |
	    jq -c "select(.file and .start >= \"$2\")" >"$1.segs" &&
	test "$(wc -l <"$1.segs")" -ge 2 &&
	jq -r "[.start, .end] | @tsv" "$1.segs" |
	    awk -F"\t" "NR > 1 && \$1 != prev { print \"gap: \" prev \" -> \" \$1; bad = 1 }
	    { prev = \$2 } END { exit bad }" &&
	while read -r rec; do
		f=site.store/$(echo "$rec" | jq -r .file) &&
		n=$(echo "$rec" | jq .frames) &&
		ms=$(echo "$rec" | jq .duration_ms) &&
		test "$n" = "$(frames "$f")" &&
		awk -v n="$n" -v ms="$ms" "BEGIN { exit !(n >= ms / 100 - 2 && n <= ms / 100 + 2) }" ||
		    { echo "$f: $n frames in $ms ms" >&2; return 1; }
	done <"$1.segs"
}

expect_success 'a live viewer that never reads: camrec loses no recorded frame' '
	since=$(utc now) &&
	browse stall $g "$(pw $g)" cam4 16 &&
	kill -0 "$(cat cam4.rec.pid)" &&
	segs_ok cam4 "$since" &&
	cut -f6 "site.store/cam4/manifest" | jq -c "select(.file and .start >= \"$since\")" |
	    jq -s -e "(map(.frames) | add) >= 90" >/dev/null
'

expect_success 'a host account with no role here is refused, and audited' '
	browse bad-login $n "$(pw $n)" &&
	audit_has ".program == \"camview\" and .verb == \"login\" and .actor == \"$n\" and .outcome == \"refused\" and .reason == \"not a camkit user\""
'

stop_bg
[ ! -f "$T/figures" ] || cat "$T/figures"
done_testing
