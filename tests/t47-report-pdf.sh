# camaudit report --pdf: the director's monthly report as an A4 PDF in
# the site's language (Vietnamese by default), read back with pdftotext
# and rendered with pdftoppm; --sign puts the site key's detached CMS
# signature beside it, which openssl cms -verify checks; --save writes
# both into the storage root's reports/; no site key, no file.
. "$CAMKIT_TOP/tests/lib.sh"

for t in pdftotext pdftoppm pdfinfo; do
	command -v $t >/dev/null || skip_all "needs $t (poppler-utils)"
done

P=$T/pki
director_site site
record_with_outage site gate 20
shift_and_extraction site suspicious "Người lạ ở cổng"
camctl -C site seal >/dev/null
month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)

expect_success 'the PDF in Vietnamese: headings, the month, the figures' '
	must_fail 1 camaudit -C site report --month "$month" --pdf r.pdf &&
	test -s r.pdf && test ! -e r.pdf.p7s &&
	pdfinfo r.pdf >info &&
	has "^Page size: +595.2[0-9]* x 841.8[0-9]* pts \(A4\)" info &&
	pdftotext -layout r.pdf - | tr -d "\f" >r.txt &&
	has "Báo cáo tháng về hệ thống camera" r.txt &&
	has "Tháng $month" r.txt &&
	has "Kỳ báo cáo: từ $month-01 00:00:00 \+07 đến [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07" r.txt &&
	has "Số giờ ghi hình theo camera và ngày, $month" r.txt &&
	for s in "1. Ghi hình" "2. Lưu trữ và thời hạn lưu giữ" \
	    "3. Sổ theo dõi" "4. Trích xuất và từ chối" \
	    "5. Thay đổi cấu hình" "6. An ninh camera" "7. Xác minh"; do
		has "^ *$s$" r.txt || return 1
	done &&
	has "Trang 1 / [0-9]+" r.txt &&
	has "Đã trích xuất 1 gói dữ liệu:" r.txt &&
	has "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 +root +A$" r.txt &&
	has "nghi vấn 1" r.txt &&
	has "KHÔNG ĐẠT: " r.txt
'

expect_success 'the chart: the camera, its hours as the manifest says' '
	camaudit -C site report --month "$month" --json >r.json || test $? = 1 &&
	h=$(jq -r ".recording[] | select(.camera == \"gate\") | .recorded_s / 3600 * 10 | round / 10 | tostring | if test(\"[.]\") then . else . + \".0\" end" r.json) &&
	pdftotext -layout -f 2 -l 2 r.pdf chart.txt &&
	has "^ *gate .* $h$" chart.txt &&
	has "^ *1 +2 +3 " chart.txt &&
	has "cả ngày" chart.txt
'

expect_success 'pages 1 and 2 render: a PNG, not blank; the chart drawn' '
	pdftoppm -png -r 50 -f 1 -l 1 r.pdf page &&
	png=$(ls page*.png) && test -s "$png" &&
	pdftoppm -gray -r 50 -f 1 -l 1 r.pdf title &&
	pgm=$(ls title*.pgm) &&
	test "$(tail -c +16 "$pgm" | tr -d "\377" | wc -c)" -gt 500 &&
	pdftoppm -gray -r 50 -f 2 -l 2 r.pdf chart &&
	pgm=$(ls chart*.pgm) &&
	test "$(tail -c +16 "$pgm" | tr -d "\377" | wc -c)" -gt 1000
'

expect_success '--sign: a detached CMS signature openssl verifies; one byte changed fails' '
	must_fail 1 camaudit -C site report --month "$month" --pdf s.pdf --sign &&
	test -s s.pdf.p7s &&
	openssl cms -verify -binary -inform DER -in s.pdf.p7s -content s.pdf \
	    -CAfile "$P/ca.crt" -purpose any -signer signer.pem -out /dev/null 2>err &&
	has "Verification successful" err &&
	openssl x509 -in signer.pem -noout -fingerprint >a &&
	openssl x509 -in "$P/site.crt" -noout -fingerprint >b &&
	cmp a b &&
	cp s.pdf forged.pdf &&
	flip forged.pdf 2000 &&
	must_fail 4 openssl cms -verify -binary -inform DER -in s.pdf.p7s \
	    -content forged.pdf -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>err &&
	has "digest failure|verification failure" err
'

expect_success '--save: reports/report-MONTH.pdf and its signature in the storage root' '
	must_fail 1 camaudit -C site report --month "$month" --save &&
	test -s "site.store/reports/report-$month.pdf" &&
	openssl cms -verify -binary -inform DER \
	    -in "site.store/reports/report-$month.pdf.p7s" \
	    -content "site.store/reports/report-$month.pdf" \
	    -CAfile "$P/ca.crt" -purpose any -out /dev/null 2>/dev/null &&
	ls site.store/reports >list &&
	test "$(wc -l <list)" = 2
'

expect_success 'site.language en: the PDF in English' '
	cp -a site en &&
	sed -i "s|^  language: vi|  language: en|" en/camkit.yaml &&
	grep -q "^  language: en" en/camkit.yaml &&
	camctl -C en commit -m english >/dev/null &&
	must_fail 1 camaudit -C en report --month "$month" --pdf en.pdf &&
	pdftotext en.pdf en.txt &&
	has "Monthly report on the camera system" en.txt &&
	has "Recorded hours per camera and day" en.txt &&
	hasnt "Báo cáo" en.txt
'

expect_success 'no site key: a clear error, no PDF, no signature' '
	mv site/private/site.key keep.key &&
	must_fail 3 camaudit -C site report --month "$month" --pdf n.pdf --sign 2>err &&
	mv keep.key site/private/site.key &&
	has "^camaudit: cannot sign the report: " err &&
	has "site.key" err &&
	test ! -e n.pdf && test ! -e n.pdf.p7s &&
	ls >files && hasnt "^n\.pdf" files
'

# The month so far ends now: expected_s and uptime_percent move between
# the two runs, whatever the language.
expect_success 'the text report follows the locale, --json does not' '
	must_fail 1 env LANG=vi_VN.UTF-8 camaudit -C site report --month "$month" >vi.txt &&
	has "^1\. Ghi hình$" vi.txt && has "^3\. Sổ theo dõi$" vi.txt &&
	has "^   camera +tỷ lệ +đã ghi +lần hở" vi.txt &&
	must_fail 1 env LANG=vi_VN.UTF-8 camaudit -C site report --month "$month" --json >vi.json &&
	must_fail 1 camaudit -C site report --month "$month" --json >en.json &&
	jq -S "del(.made, .storage, .checks, .cameras) | .recording[] |= del(.expected_s, .uptime_percent)" vi.json >a &&
	jq -S "del(.made, .storage, .checks, .cameras) | .recording[] |= del(.expected_s, .uptime_percent)" en.json >b &&
	cmp a b && has "\"fault\": 0" a
'

expect_success 'camctl units: the monthly report timer, its service and its cron line' '
	camctl -C site units --output units --bindir "$CAMKIT_BIN" >out 2>/dev/null &&
	has "units/camkit-report.service$" out && has "units/camkit-report.timer$" out &&
	has "^ExecStart=$CAMKIT_BIN/camaudit report --save$" units/camkit-report.service &&
	has "^LoadCredential=site.key:$T/site/private/site.key$" units/camkit-report.service &&
	has "^ReadWritePaths=$T/site.store$" units/camkit-report.service &&
	has "^SuccessExitStatus=1$" units/camkit-report.service &&
	has "^OnCalendar=\*-\*-01 03:00:00$" units/camkit-report.timer &&
	hasnt "@[A-Z]+@" units/camkit-report.service &&
	camctl -C site units --cron --output cron --bindir "$CAMKIT_BIN" >out 2>/dev/null &&
	has "^0 3 1 \* \* [^ ]+ $CAMKIT_BIN/camaudit report --save$" cron/camkit
'

expect_success 'systemd-analyze verify accepts the report units' '
	units_verify "1 5" camkit-report.service camkit-report.timer
'

expect_success 'usage: --sign without --pdf, --pdf with --json' '
	must_fail 2 camaudit -C site report --sign 2>err &&
	has "report: --sign signs the file of --pdf" err &&
	must_fail 2 camaudit -C site report --pdf x.pdf --json 2>err &&
	has "report: give one of --json, --pdf and --save" err &&
	test ! -e x.pdf
'

done_testing
