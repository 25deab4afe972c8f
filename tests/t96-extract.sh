# camextract: footage out only against a director-signed request, as a
# signed archive that openssl, sha256sum and tar accept.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
director_site site unit-head
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camrec -C site record gate --for 24s 2>/dev/null
stop_camera gate

first=$(cut -f6 site.store/gate/manifest | jq -r "select(.start) | .start" | head -1)
last=$(cut -f6 site.store/gate/manifest | jq -r "select(.end) | .end" | tail -1)
from=$(date -u -d "$first +3 sec" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "$first +15 sec" +%Y-%m-%dT%H:%M:%SZ)

expect_success 'a signed request gives an archive openssl, sha256sum and tar accept' '
	request R1 "$from" "$to" && camextract -C site sign --key "$P/director.key" \
	    --cert "$P/director.crt" R1.yaml >out && has "R1.yaml.p7s" out &&
	camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	has "^clips/gate.mp4	h264	" out &&
	tar -tf R1.tar | sort >members &&
	printf "%s\n" SHA256SUMS SHA256SUMS.p7s clips/gate.mp4 custody.json \
	    request/R1.yaml request/R1.yaml.p7s | sort >want &&
	cmp_text want members &&
	mkdir x && tar -xf R1.tar -C x &&
	(cd x && sha256sum -c --quiet SHA256SUMS) &&
	test "$(wc -l <x/SHA256SUMS)" = 4 &&
	openssl cms -verify -binary -inform DER -in x/SHA256SUMS.p7s \
	    -content x/SHA256SUMS -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>/dev/null &&
	openssl cms -verify -binary -inform DER -in x/request/R1.yaml.p7s \
	    -content x/request/R1.yaml -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>/dev/null &&
	cmp R1.yaml x/request/R1.yaml
'

expect_success 'the clip: stream copy, starts on a keyframe, lasts the window within a GOP' '
	f=x/clips/gate.mp4 &&
	test "$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 $f)" = h264 &&
	d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 $f) &&
	awk -v d="$d" "BEGIN { exit !(d >= 11 && d <= 15) }" &&
	ffprobe -v error -select_streams v:0 -show_frames -read_intervals "%+#1" \
	    -show_entries frame=key_frame,pts_time -of csv=p=0 $f | head -1 | grep -q "^1,0" &&
	ffprobe -v error -select_streams v:0 -show_packets -show_entries packet=dts \
	    -of csv=p=0 $f | awk "NR > 1 && \$1 <= prev { exit 1 } { prev = \$1 }"
'

expect_success 'the custody record ties the clip to the manifest hashes' '
	jq -e . x/custody.json >/dev/null &&
	jq -e ".request.id == \"R1\" and .extraction.by == \"$(id -un)\" and (.extraction.config_commit | length) == 40" x/custody.json >/dev/null &&
	jq -e ".signers[0].director == true" x/custody.json >/dev/null &&
	jq -r ".clips[0].sources[] | .sha256 + \" \" + .file" x/custody.json >src &&
	test -s src &&
	while read -r h f; do
		cut -f6 site.store/gate/manifest | jq -r "select(.file == \"$f\") | .sha256" | grep -qx "$h" || exit 1
	done <src &&
	test "$(jq -r ".clips[0].sha256" x/custody.json)" = "$(sha256sum x/clips/gate.mp4 | cut -c1-64)"
'

expect_success 'accepting the request placed a hold; the attempt is audited' '
	camrec -C site hold list >holds && has "	gate	.*	held	.*	request R1$" holds &&
	cut -f6 site.store/audit.journal | jq -s -e "map(select(.program == \"camextract\" and .verb == \"run\" and .object == \"R1\" and .outcome == \"granted\")) | length == 1" >/dev/null
'

# refused CODE-NAME REQ...: run is refused with that reason, writes nothing.
refused() {
	local why=$1 &&
	shift &&
	must_fail 1 camextract -C site run "$@" -o out.tar 2>err &&
	has "refused \($why\)" err && test ! -e out.tar &&
	test -z "$(ls out.tar* 2>/dev/null)" &&
	tail -n1 site.store/audit.journal | cut -f6 | jq -e ".outcome == \"refused\" and (.reason | startswith(\"$why\"))" >/dev/null
}

expect_success 'the same request twice: refused as a replay' '
	refused replay R1.yaml && has "already used" err
'

expect_success 'no signature, a forged one, a unit head only, a self-signed director: each refused' '
	request R2 "$from" "$to" && refused unsigned R2.yaml &&
	request R3 "$from" "$to" && sign R3.yaml rogue && refused untrusted R3.yaml &&
	request R4 "$from" "$to" && sign R4.yaml unit-head && refused not-director R4.yaml &&
	request R5 "$from" "$to" && sign R5.yaml director-selfsigned && refused untrusted R5.yaml
'

expect_success 'an expired certificate, an expired request, an edited request: each refused' '
	request R6 "$from" "$to" && sign R6.yaml director-expired && refused cert-expired R6.yaml &&
	request R7 "$from" "$to" "2020-01-01T00:00:00Z" && sign R7.yaml director && refused expired R7.yaml &&
	request R8 "$from" "$to" && sign R8.yaml director &&
	sed -i "s/Xác minh/Điều tra/" R8.yaml && refused bad-signature R8.yaml
'

expect_success 'an unknown camera, a window outside the recording: refused' '
	request R9 "$from" "$to" "" "gate, nosuch" && sed -i "s/^expires: \"\"/expires: \"$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)\"/" R9.yaml &&
	sign R9.yaml director && refused unknown-camera R9.yaml &&
	request R10 2020-01-01T08:00:00Z 2020-01-01T09:00:00Z && sign R10.yaml director &&
	refused no-footage R10.yaml
'

expect_success 'unit head required by policy: refused without it, accepted with both' '
	sed -i "s|^  unit_head_signature: false|  unit_head_signature: true|" site/camkit.yaml &&
	camctl -C site commit -m "unit heads must certify" >/dev/null &&
	request R11 "$from" "$to" && sign R11.yaml director && refused no-unit-head R11.yaml &&
	sign R11.yaml unit-head &&
	camextract -C site run R11.yaml -o R11.tar >/dev/null 2>err &&
	tar -tf R11.tar | grep -qx request/R11.yaml.unit-head.p7s &&
	sed -i "s|^  unit_head_signature: true|  unit_head_signature: false|" site/camkit.yaml &&
	camctl -C site commit -m "back" >/dev/null
'

expect_success 'a user without the operator role is refused, and it is audited' '
	{ can_add_users || skip_test "needs root, useradd, setpriv"; } &&
	u=ckext-$$ && temp_user $u && chmod 711 "$T" && chmod -R a+rX site site.store . &&
	chmod 700 site/private && chmod 600 site/private/site.key &&
	camctl -C site user add --no-check $u --role guard >/dev/null &&
	request R12 "$from" "$to" && sign R12.yaml director && chmod a+r R12.yaml* && chmod 1777 . &&
	audit_helper site &&
	must_fail 1 as $u camextract -C site run R12.yaml -o R12.tar 2>err >/dev/null &&
	has "refused: $u holds no role that may extract footage" err && test ! -e R12.tar &&
	tail -n 1 site.store/audit.journal | cut -f6 | jq -e --arg u $u ".actor == \$u and .program == \"camextract\" and .verb == \"run\" and .outcome == \"refused\"" >/dev/null
'

expect_success 'encrypted to the recipient: openssl cms -decrypt gives the tar' '
	request R13 "$from" "$to" && sign R13.yaml director &&
	n=$(camrec -C site hold list | wc -l) &&
	refused bad-recipient R13.yaml --encrypt-to R13.yaml &&
	test "$(camrec -C site hold list | wc -l)" = "$n" &&
	camextract -C site run R13.yaml -o R13.cms --encrypt-to "$P/recipient.crt" >/dev/null &&
	! tar -tf R13.cms >/dev/null 2>&1 &&
	openssl cms -decrypt -binary -inform DER -in R13.cms -recip "$P/recipient.crt" \
	    -inkey "$P/recipient.key" -out R13.tar &&
	tar -tf R13.tar | grep -qx SHA256SUMS &&
	tar -xOf R13.tar custody.json | jq -e ".recipient.encrypted == true and .recipient.name == \"Công an phường\"" >/dev/null
'

expect_success 'kill -9 during an extraction leaves no archive' '
	request R14 "$first" "$last" && sign R14.yaml director &&
	for i in 1 2 3 4 5; do
		camextract -C site run R14.yaml -o R14.tar >/dev/null 2>&1 &
		pid=$! &&
		sleep 0.$((RANDOM % 3)) &&
		kill_any $pid &&
		if [ -e R14.tar ]; then
			tar -tf R14.tar >/dev/null || exit 1
			break
		fi || exit 1
	done &&
	test ! -e R14.tar || tar -tf R14.tar | grep -qx SHA256SUMS.p7s
'

expect_success 'a window across a camera outage: the clip keeps both sides, custody lists the gap' '
	start_camera yard --live && port=$(camera_port yard) &&
	camctl -C site camera add yard --url "$(camera_url yard)" --segment 5s >/dev/null &&
	{ camrec -C site record yard --for 30s 2>/dev/null & } &&
	pid=$! &&
	wait_for grep -q "	segment	" site.store/yard/manifest &&
	sleep 3 && stop_camera yard KILL && sleep 8 &&
	PORT=$port start_camera yard --live &&
	wait $pid && stop_camera yard &&
	grep -q "	camera-up	" site.store/yard/manifest &&
	a=$(cut -f6 site.store/yard/manifest | jq -r "select(.start) | .start" | head -1) &&
	b=$(cut -f6 site.store/yard/manifest | jq -r "select(.end) | .end" | tail -1) &&
	request R15 "$a" "$b" "" yard &&
	sed -i "s/^expires: \"\"/expires: \"$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)\"/" R15.yaml &&
	sign R15.yaml director &&
	camextract -C site run R15.yaml -o R15.tar >out &&
	has "	[1-9] gaps?	" out &&
	mkdir y && tar -xf R15.tar -C y &&
	jq -e ".clips[0].gaps | length >= 1" y/custody.json >/dev/null &&
	jq -e ".clips[0].gaps[0] | (.to | fromdate) - (.from | fromdate) >= 5" y/custody.json >/dev/null &&
	jq -e ".clips[0].sources | length >= 2" y/custody.json >/dev/null
'

done_testing
