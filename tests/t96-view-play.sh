# camview in a real browser, playback: the chief of office plays from an
# instant (RFC 3339 and the site's local time) and across a segment
# boundary; a guard and an auditor are refused; a department member sees
# exactly what a signed view request grants; every look is audited.
. "$CAMKIT_TOP/tests/lib.sh"
. "$CAMKIT_TOP/tests/view/lib.sh"
view_needs

VPORT=$(free_port)
URL=https://127.0.0.1:$VPORT
c=cvc$$ g=cvg$$ d=cvd$$ a=cva$$
trap 'stop_bg; cleanup' EXIT

# closed CAMERA N: the camera's manifest holds N closed segments.
closed() { test "$(grep -c "	segment	" "site.store/$1/manifest")" -ge "$2"; }
# seg CAMERA N KEY: KEY of the Nth closed segment.
seg() { grep "	segment	" "site.store/$1/manifest" | sed -n "$2p" | cut -f6 | jq -r ".$3"; }

expect_success 'setup: two cameras recorded 25 s in 5 s segments, four accounts, camview' '
	view_site && pki_site site &&
	cp "$T/pki/director.crt" site/trust/director.pem &&
	sed -i "s|^  director: \[\]|  director: [trust/director.pem]|; s|^  unit_head_signature: true|  unit_head_signature: false|" site/camkit.yaml &&
	camctl -C site commit -m directors >/dev/null &&
	start_camera gate --live --clock --fps 10 --gop 20 &&
	camctl -C site camera add gate --url "$(camera_url gate)" --name "Cổng" --segment 5s >/dev/null &&
	camctl -C site camera add yard --url "$(camera_url gate)" --name "Sân" --segment 5s >/dev/null &&
	view_account $c chief-of-office && view_account $g guard &&
	view_account $d department && view_account $a auditor &&
	record_bg gate && record_bg yard &&
	serve_bg &&
	wait_for closed gate 5 && wait_for closed yard 1
'

S=$(seg gate 1 start)
B=$(seg gate 3 start)
ZONE=$(sed -n "s/^  timezone: *\([^ ]*\).*/\1/p" site/camkit.yaml)

expect_success 'the chief plays from an instant given in RFC 3339' '
	browse play-at $c "$(pw $c)" gate "$(utc "$S" +7sec)"
'

expect_success 'and from the site'"'"'s local time' '
	at=$(utc "$S" +12sec) &&
	local=$(TZ=$ZONE date -d "$at" "+%Y-%m-%d %H:%M:%S") &&
	browse play-at $c "$(pw $c)" gate "$local" "$at"
'

expect_success 'playback crosses a segment boundary without a stall over 1 s' '
	browse boundary $c "$(pw $c)" gate "$(utc "$B" -3sec)" "$B"
'

expect_success 'the day timeline: recorded spans, the whole day allowed by role' '
	set -- $(api_session $c) &&
	api_is 200 "$1" "/api/timeline?camera=gate&day=$(TZ=$ZONE date -d "$S" +%F)" &&
	body_has "(.spans | map(select(.kind == \"recorded\")) | length) >= 1 and (.allowed | length) >= 1 and .camera == \"gate\""
'

expect_success 'a guard is refused playback: the page says so, /play gives 403' '
	browse refused $g "$(pw $g)" gate "$(utc "$S" +7sec)" &&
	audit_has ".program == \"camview\" and .verb == \"play\" and .actor == \"$g\" and .outcome == \"refused\""
'

expect_success 'an auditor sees no footage, but the access report' '
	browse refused $a "$(pw $a)" gate "$(utc "$S" +7sec)" &&
	set -- $(api_session $a) &&
	api_is 200 "$1" /api/access &&
	body_has "type == \"array\""
'

expect_success 'a department member without a request: refused with no-request' '
	set -- $(api_session $d) &&
	api_is 403 "$1" "/play/gate?from=$(utc "$S" +7sec)&speed=1" &&
	body_has ".error == \"no-request\""
'

expect_success 'a signed view request grants exactly its window and cameras' '
	request V1 "$(utc "$S" +5sec)" "$(utc "$S" +15sec)" &&
	sed -i "/^recipient:/,\$d" V1.yaml &&
	printf "action: view\nviewer: %s\n" $d >>V1.yaml &&
	sign V1.yaml director &&
	camview -C site grant V1.yaml >grant.out 2>grant.err &&
	browse play-at $d "$(pw $d)" gate "$(utc "$S" +8sec)" &&
	browse refused $d "$(pw $d)" gate "$(utc "$S" +20sec)" &&
	browse refused $d "$(pw $d)" yard "$(utc "$S" +8sec)" &&
	set -- $(api_session $d) &&
	api_is 403 "$1" "/play/gate?from=$(utc "$S" +20sec)&speed=1" &&
	body_has ".error == \"outside-request\"" &&
	api_is 200 "$1" "/api/timeline?camera=gate&day=$(TZ=$ZONE date -d "$S" +%F)" &&
	body_has "(.allowed | length) == 1 and .allowed[0].request == \"V1\"" &&
	test "$(date -d "$(jq -r ".allowed[0].from" "$T/body")" +%s)" = "$(date -d "$S +5sec" +%s)" &&
	test "$(date -d "$(jq -r ".allowed[0].to" "$T/body")" +%s)" = "$(date -d "$S +15sec" +%s)"
'

expect_success 'curl with a session gets footage as fMP4, never as a download' '
	set -- $(api_session $c) &&
	api_is 200 "$1" "/play/gate?from=$(utc "$S" +7sec)&to=$(utc "$S" +9sec)&speed=1" -D "$T/head" &&
	has "^[Xx]-[Cc]amkit-[Ff]irst: " "$T/head" &&
	has "^[Cc]ache-[Cc]ontrol: no-store" "$T/head" &&
	hasnt "^[Cc]ontent-[Dd]isposition" "$T/head" &&
	has "^[Cc]ontent-[Ss]ecurity-[Pp]olicy: default-src .self." "$T/head" &&
	test "$(head -c 8 "$T/body" | tail -c 4)" = ftyp
'

expect_success 'every playback is audited: window served, speed, request' '
	audit_has ".program == \"camview\" and .verb == \"play\" and .object == \"gate\" and .actor == \"$c\" and .outcome == \"granted\" and .detail.request == null and (.detail.from | type == \"string\") and (.detail.frames > 0) and .detail.client == \"127.0.0.1\"" &&
	audit_has ".program == \"camview\" and .verb == \"play\" and .object == \"gate\" and .actor == \"$d\" and .outcome == \"granted\" and .detail.request == \"V1\"" &&
	audit_has ".program == \"camview\" and .verb == \"play\" and .actor == \"$d\" and .outcome == \"refused\"" &&
	camaudit -C site access --json >access.json &&
	jq -e "map(select(.record.program == \"camview\" and .record.verb == \"play\")) | length >= 4" access.json >/dev/null &&
	camaudit -C site access >access.txt &&
	has "	$d	camview play	gate	granted" access.txt
'

stop_bg
[ ! -f "$T/figures" ] || cat "$T/figures"
done_testing
