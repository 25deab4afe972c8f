# camctl watch: alerts by mail (a real SMTP server with STARTTLS and
# AUTH, tests/smtpd.py) and web hook (tests/hookd.py) for a camera
# stopped longer than the threshold and back, a logbook entry, a mail
# server that is down and a wrong password; nothing sent twice.
. "$CAMKIT_TOP/tests/lib.sh"

/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null ||
    skip_all "needs python3-aiosmtpd"

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_smtpd: the mail server on $SMTP_PORT, messages into $T/mail.
start_smtpd() {
	rm -f "$T/smtpd.out" &&
	{ /usr/bin/python3 "$CAMKIT_TOP/tests/smtpd.py" --port "$SMTP_PORT" \
	    --dir "$T/mail" --cert "$T/srv.crt" --key "$T/srv.key" \
	    --user camkit --password "s3cret pass" --pidfile "$T/smtpd.pid" \
	    >"$T/smtpd.out" 2>"$T/smtpd.err" & } &&
	wait_for grep -q ready "$T/smtpd.out"
}

stop_smtpd() {
	local pid &&
	pid=$(cat "$T/smtpd.pid") &&
	kill -TERM "$pid" &&
	wait_for test ! -e "$T/smtpd.pid"
}

# mails: how many messages the server has accepted.
mails() { find "$T/mail" -name "*.eml" | wc -l; }
hooks() { find "$T/hook" -name "*.json" | wc -l; }

# show_mail FILE: its envelope, To, Subject decoded and the text body.
show_mail() {
	/usr/bin/python3 -c '
import email, email.header, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("Envelope-To:", m["X-Envelope-To"])
print("To:", m["To"])
print("Subject:", m["Subject"])
print("Date:", m["Date"])
print("Message-ID:", m["Message-ID"])
for p in m.walk():
    if p.get_content_maintype() == "multipart":
        continue
    if p.get_filename():
        print("Attachment:", p.get_filename(), p.get_content_type())
    elif p.get_content_type() == "text/plain":
        print(p.get_content())
' "$1"
}

last_mail() { find "$T/mail" -name "*.eml" | sort | tail -1; }

# cpu_ms CMD...: run CMD, add its user+system CPU milliseconds to
# $T/cpu (one line a run); its exit status is kept in $T/cpu.rc.
cpu_ms() {
	/usr/bin/time -f "%U %S" -o "$T/cpu.one" "$@" && echo 0 >"$T/cpu.rc" ||
	    echo $? >"$T/cpu.rc" &&
	awk "END { printf \"%d\n\", (\$1 + \$2) * 1000 }" "$T/cpu.one" >>"$T/cpu"
}

SMTP_PORT=$(free_port)
HOOK_PORT=$(free_port)
mkdir -p "$T/mail" "$T/hook"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/srv.key" \
    -out "$T/srv.crt" -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost" 2>/dev/null
start_smtpd
{ /usr/bin/python3 "$CAMKIT_TOP/tests/hookd.py" --port "$HOOK_PORT" \
    --dir "$T/hook" --pidfile "$T/hookd.pid" >"$T/hookd.out" 2>&1 & }
wait_for grep -q ready "$T/hookd.out"

recording_site site
start_camera gate
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s \
    --name "Cổng chính" --location "Cổng trước" >/dev/null
cp "$T/srv.crt" site/mail-ca.pem
cat >>site/camkit.yaml <<EOF
alerts:
  camera_down_after: 10s
  journals_every: 1s
  smtp:
    url: smtp://localhost:$SMTP_PORT
    from: camkit@so-test.gov.vn
    credential: smtp
    ca_file: mail-ca.pem
  webhook: http://127.0.0.1:$HOOK_PORT/hook
  to:
    outage: [chanhvanphong@so-test.gov.vn, giamdoc@so-test.gov.vn]
    default: [it@so-test.gov.vn]
EOF
git -C site add mail-ca.pem
camctl -C site commit -m "alerts to the office's mail server" >/dev/null
mkdir -p -m 700 site/private/credentials
printf 'username=camkit\npassword=s3cret pass\n' >site/private/credentials/smtp
chmod 600 site/private/credentials/smtp

expect_success 'alerts: settings are checked, each problem at its line' '
	cp site/camkit.yaml good.yaml &&
	sed -i -e "s/camera_down_after: 10s/camera_down_after: soon/" \
	    -e "s/^    default: .*/    defualt: [x]/" \
	    -e "s|url: smtp://localhost|url: http://localhost|" site/camkit.yaml &&
	must_fail 1 camctl -C site check 2>err &&
	has "camkit.yaml:[0-9]+:[0-9]+: alerts: \"camera_down_after\" must be a duration" err &&
	has "unknown key \"defualt\" in alerts: to" err &&
	has "alerts: smtp: \"url\" must be smtp://HOST:PORT" err &&
	cp good.yaml site/camkit.yaml &&
	camctl -C site check
'

expect_success 'a first run with the camera recording tells nothing' '
	{ camrec -C site record gate --for 300s 2>rec.err & } &&
	echo $! >rec.pid &&
	wait_for grep -q "	segment	" site.store/gate/manifest &&
	cpu_ms camctl -C site watch >out 2>err &&
	test "$(cat cpu.rc)" = 0 &&
	test ! -s out &&
	test "$(mails)" = 0 && test "$(hooks)" = 0 &&
	test -f site.store/alerts/state &&
	test "$(stat -c %a site.store/alerts/state)" = 640
'

# The watcher runs every 2 s here (every minute from the timer).
watch_until_mail() {
	local want=$1 i=0 &&
	until [ "$(mails)" -ge "$want" ]; do
		i=$((i + 1)) &&
		if [ "$i" -gt 45 ]; then
			echo "no mail after $i runs" >&2 &&
			return 1
		fi &&
		cpu_ms camctl -C site watch >>watch.out 2>>watch.err &&
		sleep 2 || return 1
	done
}

expect_success 'camera stopped past the threshold: one "down" mail in Vietnamese to the outage addresses' '
	camera_port gate >gate.port &&
	stop_camera gate &&
	date +%s.%N >down.at &&
	watch_until_mail 1 &&
	test "$(mails)" = 1 &&
	show_mail "$(last_mail)" >m1 &&
	has "^Envelope-To: chanhvanphong@so-test.gov.vn, giamdoc@so-test.gov.vn$" m1 &&
	has "^To: chanhvanphong@so-test.gov.vn, giamdoc@so-test.gov.vn$" m1 &&
	has "^Subject: \[Test\] Camera gate \(Cổng chính\) mất tín hiệu$" m1 &&
	has "^Message-ID: <camkit\.[0-9]+\.[0-9]+-mail@" m1 &&
	has "^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} " m1 &&
	has "không ghi được hình từ 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07" m1 &&
	has "^sent	outage	down	gate	mail$" watch.out &&
	awk -v t0="$(cat down.at)" "{ printf \"# latency: camera down to mail at the server %.1f s (threshold 10 s, watcher every 2 s)\n\", \$1 - t0 }" \
	    "$T/mail/0001.time" >>figures
'

expect_success 'the web hook got the same event as JSON' '
	f=$(grep -l "\"event\":\"down\"" hook/*.json) &&
	jq -e ".kind == \"outage\" and .object == \"gate\" and .language == \"vi\" and (.title | test(\"mất tín hiệu\"))" $f >/dev/null
'

expect_success 'nothing is resent by later runs, nor after a restart' '
	camctl -C site watch >out &&
	camctl -C site watch >>out &&
	test ! -s out &&
	test "$(mails)" = 1 &&
	test "$(ls site.store/alerts/outbox | wc -l)" = 0
'

expect_success 'camera back: one "recording again" mail, once' '
	PORT=$(cat gate.port) start_camera gate &&
	n=$(grep -c "	segment	" site.store/gate/manifest) &&
	i=0 && until [ "$(grep -c "	segment	" site.store/gate/manifest)" -gt "$n" ]; do
		i=$((i + 1)) && [ $i -lt 90 ] && sleep 1 || return 1
	done &&
	camctl -C site watch >out &&
	has "^sent	outage	up	gate	mail$" out &&
	test "$(mails)" = 2 &&
	show_mail "$(last_mail)" >m2 &&
	has "^Subject: \[Test\] Camera gate \(Cổng chính\) ghi hình trở lại$" m2 &&
	has "^Envelope-To: chanhvanphong@so-test.gov.vn, giamdoc@so-test.gov.vn$" m2 &&
	camctl -C site watch >out &&
	test ! -s out &&
	test "$(mails)" = 2
'

expect_success 'mail server down: the alert is queued, journaled as failed, delivered once when it is back' '
	stop_smtpd &&
	camlog -C site add --kind suspicious --camera gate "Người lạ trèo tường sau nhà xe" >/dev/null &&
	must_fail 3 camctl -C site watch >out 2>err &&
	has "^failed	logbook	entry	logbook [0-9]+	mail$" out &&
	has "^sent	logbook	entry	logbook [0-9]+	webhook$" out &&
	has "^camctl: watch: not delivered, 1 kept in the outbox for the next run: sending mail through localhost:$SMTP_PORT: " err &&
	test "$(ls site.store/alerts/outbox | wc -l)" = 1 &&
	test "$(mails)" = 2 &&
	grep "\"verb\":\"watch\"" site.store/audit.journal | grep "\"outcome\":\"failed\"" | grep -q "\"channel\":\"mail\"" &&
	must_fail 3 camctl -C site watch >out 2>err &&
	test "$(ls site.store/alerts/outbox | wc -l)" = 1 &&
	start_smtpd &&
	camctl -C site watch >out &&
	has "^sent	logbook	entry	logbook [0-9]+	mail$" out &&
	test "$(mails)" = 3 &&
	test "$(ls site.store/alerts/outbox | wc -l)" = 0 &&
	show_mail "$(last_mail)" >m3 &&
	has "^Envelope-To: it@so-test.gov.vn$" m3 &&
	has "Người lạ trèo tường sau nhà xe" m3 &&
	has "^Subject: \[Test\] Sổ theo dõi: " m3 &&
	grep "\"verb\":\"watch\"" site.store/audit.journal | grep "\"outcome\":\"granted\"" | grep -q "\"event\":\"entry\"" &&
	camctl -C site watch >out &&
	test ! -s out && test "$(mails)" = 3
'

expect_success 'a wrong SMTP password: a clear error, nothing lost' '
	printf "username=camkit\npassword=wrong\n" >site/private/credentials/smtp &&
	camlog -C site add --kind incident "Mất điện tầng 2" >/dev/null &&
	must_fail 3 camctl -C site watch >out 2>err &&
	has "the server refused the user name or password" err &&
	test "$(mails)" = 3 &&
	test "$(ls site.store/alerts/outbox | grep -c mail)" = 1 &&
	printf "username=camkit\npassword=s3cret pass\n" >site/private/credentials/smtp &&
	camctl -C site watch >out &&
	test "$(mails)" = 4 &&
	show_mail "$(last_mail)" >m4 &&
	has "Mất điện tầng 2" m4
'

expect_success 'a report found in reports/ is mailed once with its signature attached' '
	mkdir -p site.store/reports &&
	printf "%%PDF-1.4 test\n" >site.store/reports/report-2026-11.pdf &&
	camctl -C site watch >out &&
	test ! -s out &&
	printf "sig" >site.store/reports/report-2026-11.pdf.p7s &&
	camctl -C site watch >out &&
	has "^sent	report	report	report-2026-11.pdf	mail$" out &&
	show_mail "$(last_mail)" >m5 &&
	has "^Attachment: report-2026-11.pdf application/pdf$" m5 &&
	has "^Attachment: report-2026-11.pdf.p7s application/pkcs7-signature$" m5 &&
	camctl -C site watch >out &&
	test ! -s out
'

expect_success 'a refused extraction is told' '
	request R9 "$(date -u -d "-1 hour" +%Y-%m-%dT%H:%M:%SZ)" \
	    "$(date -u -d "-59 min" +%Y-%m-%dT%H:%M:%SZ)" &&
	must_fail 1 camextract -C site run R9.yaml -o r9.tar 2>/dev/null &&
	camctl -C site watch >out &&
	has "^sent	access	refused	audit [0-9]+	mail$" out &&
	show_mail "$(last_mail)" >m7 &&
	has "^Subject: \[Test\] Từ chối: camextract run của " m7 &&
	has "bị từ chối \"camextract run R9\"" m7 &&
	f=$(grep -l "\"event\":\"refused\"" hook/*.json) &&
	jq -e ".kind == \"access\"" $f >/dev/null
'

expect_success 'the daily digest, on demand' '
	camctl -C site watch --digest >out &&
	has "^sent	digest	digest	20[0-9-]+	mail$" out &&
	show_mail "$(last_mail)" >m6 &&
	has "^Subject: \[Test\] Tóm tắt trong ngày" m6 &&
	has "gate \(Cổng chính\)" m6
'

expect_success 'a journal changed in place: told once, and again when it checks' '
	cp site.store/logbook.journal logbook.good &&
	sed -i "s/trèo tường sau/trèo cổng sau/" site.store/logbook.journal &&
	sleep 1 &&
	camctl -C site watch >out &&
	has "^sent	integrity	broken	journals	mail$" out &&
	show_mail "$(last_mail)" >m8 &&
	has "^Subject: \[Test\] Kiểm tra nhật ký hoặc niêm phong không đạt$" m8 &&
	has "^FAIL	" m8 &&
	camctl -C site watch >out &&
	test ! -s out &&
	cp logbook.good site.store/logbook.journal &&
	sleep 1 &&
	camctl -C site watch >out &&
	has "^sent	integrity	fixed	journals	mail$" out
'

expect_success 'storage short of the retention: told, and told when there is room again' '
	cp site/camkit.yaml good.yaml &&
	sed -i "s/^  max_usage: .*/  max_usage: 1000/" site/camkit.yaml &&
	camctl -C site commit -m "a tiny disk" >/dev/null &&
	camctl -C site watch >out &&
	has "^sent	storage	low	storage	mail$" out &&
	show_mail "$(last_mail)" >m9 &&
	has "^Subject: \[Test\] Lưu trữ: chỉ còn chỗ cho 0\.0 ngày, thời hạn lưu trữ là [0-9]+ ngày$" m9 &&
	tr "\n" " " <m9 | tr -s " " >m9.flat &&
	has "chỉ còn chỗ cho 0\.0 ngày bản ghi \([0-9.]+ (B|kB|MB|GB|TB)\), ít hơn" m9.flat &&
	cp good.yaml site/camkit.yaml &&
	camctl -C site commit -m "room again" >/dev/null &&
	camctl -C site watch >out &&
	has "^sent	storage	ok	storage	mail$" out
'

expect_success 'camctl units: the watcher every minute, by a timer or by cron' '
	camctl -C site units --output units --bindir "$CAMKIT_BIN" >/dev/null 2>&1 &&
	has "^ExecStart=$CAMKIT_BIN/camctl watch$" units/camkit-alerts.service &&
	has "^ReadWritePaths=$T/site.store$" units/camkit-alerts.service &&
	has "^OnCalendar=\*-\*-\* \*:\*:00$" units/camkit-alerts.timer &&
	camctl -C site units --cron --output cron --bindir "$CAMKIT_BIN" >/dev/null 2>&1 &&
	has "^\* \* \* \* \* [a-z0-9_-]+ flock -n $T/site.store/.cron-watch.lock $CAMKIT_BIN/camctl watch >/dev/null$" cron/camkit &&
	units_verify "1 5 7" camkit-alerts.service camkit-alerts.timer
'

expect_success 'watcher cost per run (CPU ms)' '
	sort -n cpu | awk "{ v[NR] = \$1; s += \$1 } END { printf \"# watcher CPU per run: median %d ms, max %d ms, mean %.1f ms over %d runs\n\", v[int((NR + 1) / 2)], v[NR], s / NR, NR }" >>figures
'

test ! -f figures || cat figures
kill "$(cat rec.pid)" 2>/dev/null
stop_smtpd
kill "$(cat hookd.pid)"
done_testing
