# camaudit cameras (directive 004): every insecure camera is found, with
# its severity, against real RTSP servers; an approved camera passes;
# camaudit changes nothing it reads.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
mkdir -p site.store
openssl req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.crt \
    -days 2 -subj /CN=127.0.0.1 2>/dev/null
strong='k7#Vq9!mZp2x-Tuan'
printf '%s\n' "$strong" >strong.pw
printf '12345\n' >weak.pw
start_camera open --live
start_camera weak --live --user admin --password 12345 --auth digest
start_camera good --live --user operator --password "$strong" --auth digest \
    --tls-cert tls.crt --tls-key tls.key
start_camera gone --live
gone_url=$(camera_url gone)
stop_camera gone
good_url=rtsps://127.0.0.1:$(camera_port good)/cam
M=DS-2CD2043G2-I

camctl -C site camera add open --url "$(camera_url open)" --model $M \
    --firmware V5.7.3 >/dev/null
camctl -C site camera add weak --url "$(camera_url weak)" --username admin \
    --password-file weak.pw --model $M --firmware V5.7.3 >/dev/null
camctl -C site camera add good --url "$good_url" --username operator \
    --password-file strong.pw --model $M --firmware "V5.7.10 build 230101" >/dev/null
camctl -C site camera add old --url "$good_url" --username operator \
    --password-file strong.pw --model $M --firmware 5.7.2 >/dev/null
camctl -C site camera add other --url "$good_url" --username operator \
    --password-file strong.pw --model XYZ-100 --firmware 9.9 >/dev/null
camctl -C site camera add down --url "$gone_url" --username operator \
    --password-file strong.pw --model $M --firmware 5.7.3 >/dev/null

expect_success 'the approved list not configured: models and firmware not checked, a skip (exit 1), not a failure' '
	must_fail 1 camaudit -C site cameras --camera good >out 2>err &&
	has "^skip	approved cameras	low: not configured: policy.approved_cameras is empty" out &&
	hasnt "^FAIL" out && has "^summary	1 ok, 0 failed, 1 not checked$" out &&
	has "^ok	camera good	$M, firmware V5.7.10 build 230101: no finding" out &&
	test ! -s err
'

sed -i "s|^  approved_cameras: \[\]|  approved_cameras:\n    - model: \"$M\"\n      min_firmware: \"5.7.3\"|" site/camkit.yaml
camctl -C site commit -m "approved cameras" >/dev/null

expect_success 'camctl camera set records model and firmware' '
	camctl -C site camera set old firmware=5.7.1 >/dev/null &&
	camctl -C site camera show old | has "^firmware	5.7.1$" /dev/stdin &&
	camctl -C site camera set old firmware=5.7.2 >/dev/null
'

expect_success 'an approved camera (rtsps, digest, strong password, firmware above the minimum): one ok line, exit 0' '
	camaudit -C site cameras --camera good >out &&
	printf "ok\tcamera good\t%s, firmware V5.7.10 build 230101: no finding\n" $M >want &&
	cmp_text want out
'

expect_success 'a camera without authentication is critical' '
	must_fail 1 camaudit -C site cameras --camera open >out &&
	has "^FAIL	camera open	critical: RTSP answers without authentication \(DESCRIBE 200 with no credentials\)" out &&
	has "^FAIL	camera open	high: no credentials configured" out &&
	has "^FAIL	camera open	medium: plaintext transport \(rtsp://\)" out
'

expect_success 'digest auth with a factory-default password is flagged, the password never shown' '
	must_fail 1 camaudit -C site cameras --camera weak >out &&
	has "^FAIL	camera weak	critical: user \"admin\" has a factory-default password \(hikvision, line [0-9]+ of the defaults list\)" out &&
	hasnt "RTSP answers without authentication" out &&
	! grep -q 12345 out
'

expect_success '--defaults FILE: another list; a bad one is named by file:line' '
	printf "# ours\nacme\tadmin\tsecret\n" >mine &&
	must_fail 1 camaudit -C site cameras --camera weak --defaults mine >out &&
	hasnt "factory-default" out &&
	printf "acme\tadmin\t12345\n" >mine &&
	must_fail 1 camaudit -C site cameras --camera weak --defaults mine >out &&
	has "factory-default password \(acme, line 1 " out &&
	printf "# ok\nacme\tadmin\n\nacme\troot\t<empty>\n" >bad &&
	must_fail 1 camaudit -C site cameras --defaults bad >out 2>err &&
	has "^camaudit: bad:2: want vendor<TAB>user<TAB>password" err && test ! -s out
'

expect_success 'old firmware and an unapproved model are flagged' '
	must_fail 1 camaudit -C site cameras --camera old >out &&
	has "^FAIL	camera old	high: firmware 5.7.2 is older than the approved minimum 5.7.3 for $M$" out &&
	must_fail 1 camaudit -C site cameras --camera other >out &&
	has "^FAIL	camera other	high: model \"XYZ-100\" is not on the approved list" out
'

expect_success 'a camera that is down is reported as not probed' '
	must_fail 1 camaudit -C site cameras --camera down >out &&
	has "^FAIL	camera down	medium: not probed: $gone_url did not answer .*: Connection refused" out
'

expect_success '--json: every camera, findings with camera and severity' '
	must_fail 1 camaudit -C site cameras --json >out &&
	jq -e ".ok == false" out >/dev/null &&
	jq -e "[.checks[] | select(.camera == \"open\" and .severity == \"critical\" and .ok == false)] | length == 1" out >/dev/null &&
	jq -e "[.checks[] | select(.camera == \"weak\" and .severity == \"critical\")] | length == 1" out >/dev/null &&
	jq -e "[.checks[] | select(.camera == \"good\")] | length == 1 and .[0].ok and .[0].severity == null" out >/dev/null &&
	jq -e "[.checks[] | select(.camera == \"down\" and .severity == \"medium\")] | length == 2" out >/dev/null &&
	jq -e "[.checks[].camera] | unique == [\"down\", \"good\", \"old\", \"open\", \"other\", \"weak\"]" out >/dev/null
'

# snapshot: every file of the site and the store with its hash and mtime,
# the audit trail aside (camaudit appends its own record there).
snapshot() {
	find site site.store -type f ! -name audit.journal -printf "%p %T@\n" | sort &&
	find site site.store -type f ! -name audit.journal -exec sha256sum {} + | sort
}

expect_success 'camaudit changes no file; the run is recorded in the audit trail' '
	snapshot >before && cp site.store/audit.journal trail.before &&
	must_fail 1 camaudit -C site cameras >/dev/null &&
	camaudit -C site cameras --camera good >/dev/null &&
	snapshot >after && cmp_text before after &&
	n=$(wc -c <trail.before) && head -c "$n" site.store/audit.journal | cmp - trail.before &&
	tail -n 2 site.store/audit.journal | cut -f6 >trail &&
	has "\"program\":\"camaudit\".*\"verb\":\"cameras\".*\"object\":\"cameras\".*\"outcome\":\"failed\"" trail &&
	has "\"verb\":\"cameras\".*\"object\":\"good\".*\"outcome\":\"granted\"" trail
'

expect_success 'a malformed approved list is refused with file:line:col' '
	cp site/camkit.yaml saved.yaml &&
	sed -i "s|^      min_firmware: \"5.7.3\"|      min_firmware: latest\n    - vendor: x|" site/camkit.yaml &&
	must_fail 1 camctl -C site commit -m bad 2>err &&
	has "camkit.yaml:[0-9]+:[0-9]+: policy: approved_cameras: \"min_firmware\" must be a version" err &&
	has "camkit.yaml:[0-9]+:[0-9]+: unknown key \"vendor\" in policy: approved_cameras" err &&
	cp saved.yaml site/camkit.yaml
'

expect_success 'an auditor who may not read private/: the credentials check is not done, and said so' '
	{ can_add_users || skip_test "needs root, useradd, setpriv"; } &&
	u=ckaud-$$ && temp_user $u && chmod 711 "$T" && chmod -R a+rX site site.store &&
	chmod 700 site/private &&
	camctl -C site user add --no-check $u --role auditor >/dev/null &&
	audit_helper site &&
	must_fail 1 as $u camaudit -C site cameras --camera good >out 2>err &&
	has "^skip	camera good	not done: credentials \"good\" not checked: this user may not read .*private \(run camaudit cameras as root" out &&
	hasnt "no finding" out
'

stop_camera open
stop_camera weak
stop_camera good
done_testing
