# The library's words in Vietnamese: camaudit's check lines (verify,
# recordings, journals, cameras) and the logbook's errors a guard meets
# read in Vietnamese under LANG=vi_VN.UTF-8; camaudit --json is the same
# bytes in both languages, and the records journaled meanwhile are in
# English.
. "$CAMKIT_TOP/tests/lib.sh"

VI=vi_VN.UTF-8
LB=$T/site.store/logbook.journal
AUDIT=$T/site.store/audit.journal

# both OUT CMD...: CMD's standard output in English (OUT.en, OUT.en.json
# with --json added after the command's words) and in Vietnamese
# (OUT.vi, OUT.vi.json), each with its exit status in OUT.*.rc.
both() {
	local out=$1 rc &&
	shift &&
	for l in en vi; do
		if [ $l = en ]; then lang=C.UTF-8; else lang=$VI; fi &&
		rc=0 && { LANG=$lang "$@" >"$out.$l" 2>"$out.$l.err" || rc=$?; } &&
		echo $rc >"$out.$l.rc" &&
		rc=0 && { LANG=$lang "$@" --json >"$out.$l.json" 2>/dev/null || rc=$?; } &&
		echo $rc >"$out.$l.json.rc" || return 1
	done &&
	cmp "$out.en.json" "$out.vi.json" &&
	cmp "$out.en.rc" "$out.vi.rc" &&
	cmp "$out.en.json.rc" "$out.vi.json.rc" &&
	jq -e . "$out.en.json" >/dev/null
}

expect_success 'setup: a recorded camera, a request signed by the director, its archive' '
	director_site site &&
	recorded_window site gate &&
	request A "$from" "$to" &&
	sign A.yaml director &&
	mv A.yaml.director.p7s A.yaml.p7s &&
	camextract -C site run A.yaml -o A.tar >/dev/null 2>&1 &&
	test -s A.tar
'

expect_success 'camaudit verify: the checks in Vietnamese, --json the same bytes in both languages' '
	both v camaudit -C site verify A.tar &&
	test "$(cat v.en.rc)" = 0 &&
	has "^ok	tar	6 members, POSIX tar$" v.en &&
	has "^ok	tar	6 thành phần, tar POSIX$" v.vi &&
	has "^ok	request signatures	1 người ký, trong đó có thủ trưởng$" v.vi &&
	has "^ok	window	đoạn trích từ .* nằm trong khoảng thời gian của phiếu đề nghị$" v.vi &&
	has "^ok	SHA256SUMS	4 thành phần trong danh sách, mọi mã băm đều khớp$" v.vi &&
	has "\"detail\":\"6 members, POSIX tar\"" v.vi.json &&
	hasnt "thành phần" v.vi.json &&
	test "$(wc -l <v.en)" = "$(wc -l <v.vi)"
'

expect_success 'camaudit verify with a check not done: the summary line in Vietnamese' '
	mkdir tr && cp "$T/pki/ca.crt" tr/ca.pem && cp "$T/pki/director.crt" tr/director.pem &&
	both o camaudit -C nosite verify --trust tr A.tar &&
	test "$(cat o.vi.rc)" = 1 &&
	has "^summary	[0-9]+ ok, 0 failed, 1 not checked$" o.en &&
	has "^summary	[0-9]+ đạt, 0 không đạt, 1 chưa kiểm tra$" o.vi &&
	has "^skip	sources	clips/gate.mp4: chưa kiểm tra: " o.vi
'

expect_success 'camaudit recordings and cameras: Vietnamese text, the same JSON' '
	both r camaudit -C site recordings &&
	has "^ok	gate	[0-9]+ segments match their manifest$" r.en &&
	has "^ok	gate	[0-9]+ đoạn ghi khớp với danh mục của chúng$" r.vi &&
	both c camaudit -C site cameras &&
	has "chưa cấu hình thông tin đăng nhập" c.vi &&
	has "no credentials configured" c.en.json
'

expect_success 'a tampered logbook: camlog verify and camaudit journals say which record in Vietnamese' '
	camlog -C site add --kind fault "Mất điện tủ 2" >/dev/null &&
	camlog -C site add --kind note "Đã gọi kỹ thuật" >/dev/null &&
	camctl -C site seal >/dev/null &&
	LANG=$VI camlog -C site verify >out 2>err &&
	sed -i "1s/Mất điện/Có điện/" "$LB" &&
	n=$(wc -l <"$LB") &&
	LANG=$VI must_fail 1 camlog -C site verify >out 2>err &&
	has "^camlog: .*logbook.journal:1: bản ghi 1 đã bị sửa đổi: mã băm của nó không phải PREV của bản ghi 2$" err &&
	must_fail 1 camlog -C site verify 2>err.en &&
	has "logbook.journal:1: record 1 was changed: its hash is not the PREV of record 2$" err.en &&
	test "$(wc -l <"$LB")" = "$n" &&
	LANG=$VI must_fail 1 camaudit -C site journals >j.vi &&
	has "^FAIL	logbook.journal	.*:1: bản ghi 1 đã bị sửa đổi" j.vi &&
	has "^ok	audit.journal	[0-9]+ bản ghi, [0-9]+ lần niêm phong" j.vi &&
	must_fail 1 camaudit -C site journals >j.en &&
	has "^FAIL	logbook.journal	.*:1: record 1 was changed" j.en
'

expect_success 'a record whose KIND was rewritten: its field named in Vietnamese' '
	cp "$LB" lb.saved &&
	sed -i "2s/	note	/	NOTE	/" "$LB" &&
	LANG=$VI must_fail 1 camlog -C site verify 2>err &&
	cp lb.saved "$LB" &&
	has "logbook.journal:2: KIND sai \"NOTE\": cần từ 1 đến [0-9]+ ký tự a-z 0-9 -$" err
'

# Each run of camaudit adds a record to the audit trail, so the
# audit.journal line counts one more each time: the rest is compared.
expect_success 'camaudit journals --json: the same bytes in both languages, the audit trail aside' '
	LANG=C.UTF-8 must_fail 1 camaudit -C site journals --json >j.en.json &&
	LANG=$VI must_fail 1 camaudit -C site journals --json >j.vi.json &&
	jq -e ".ok == false" j.vi.json >/dev/null &&
	grep -v "\"check\":\"audit.journal\"" j.en.json >j.en.rest &&
	grep -v "\"check\":\"audit.journal\"" j.vi.json >j.vi.rest &&
	cmp j.en.rest j.vi.rest &&
	has "\"check\":\"logbook.journal\",\"ok\":false,\"status\":\"FAIL\",\"detail\":\".*:1: record 1 was changed: its hash is not the PREV of record 2\"" j.vi.json &&
	sed "s/[0-9][0-9]* records/N records/" j.en.json >j.en.n &&
	sed "s/[0-9][0-9]* records/N records/" j.vi.json >j.vi.n &&
	cmp j.en.n j.vi.n
'

expect_success 'what camlog verify and camaudit journaled under Vietnamese is in English' '
	cut -f6 "$AUDIT" | jq -c "select(.program == \"camlog\" and .verb == \"verify\" and .outcome != \"granted\")" >rec &&
	test "$(wc -l <rec)" = 3 &&
	has "record 1 was changed: its hash is not the PREV of record 2" rec &&
	has "bad KIND \\\\\"NOTE\\\\\": want 1 to [0-9]+ of a-z 0-9 -" rec &&
	cut -f6 "$AUDIT" | jq -c "select(.program == \"camaudit\")" >rec.audit &&
	test -s rec.audit &&
	hasnt "bản ghi|sửa đổi|thành phần|người ký|đoạn ghi" rec &&
	hasnt "bản ghi|sửa đổi|thành phần|người ký|đoạn ghi" rec.audit
'

expect_success 'text a guard may not write is refused in Vietnamese, nothing written' '
	sed -i "1s/Có điện/Mất điện/" "$LB" &&
	camlog -C site verify >/dev/null &&
	n=$(wc -l <"$LB") &&
	printf "a\000b" | LANG=$VI must_fail 1 camlog -C site add 2>err &&
	has "^camlog: add: nội dung chứa byte NUL$|: nội dung chứa byte NUL$" err &&
	LANG=$VI must_fail 1 camlog -C site add "   " 2>err &&
	has "nội dung trống$" err &&
	printf "a\000b" | must_fail 1 camlog -C site add 2>err &&
	has "the text holds a NUL byte$" err &&
	test "$(wc -l <"$LB")" = "$n"
'

expect_success 'camaudit config: what a commit changed in Vietnamese, in English in --json' '
	camctl -C site camera add porch --url rtsp://10.0.0.31/ch1 --disabled >/dev/null &&
	camctl -C site camera enable porch >/dev/null &&
	LANG=$VI camaudit -C site config >cfg.vi 2>/dev/null || test $? = 1 &&
	has "đã thêm camera porch \(rtsp://10.0.0.31/ch1\)" cfg.vi &&
	has "camera porch đã thay đổi: đã bật" cfg.vi &&
	hasnt "camera porch added|porch: enabled" cfg.vi &&
	LANG=$VI camaudit -C site config --json >cfg.vi.json 2>/dev/null || test $? = 1 &&
	LANG=C.UTF-8 camaudit -C site config --json >cfg.en.json 2>/dev/null || test $? = 1 &&
	jq -e . cfg.vi.json >/dev/null &&
	has "\"what\":\"camera porch added \(rtsp://10.0.0.31/ch1\)\"" cfg.vi.json &&
	has "\"what\":\"camera porch: enabled\"" cfg.vi.json &&
	hasnt "đã thêm|đã bật" cfg.vi.json &&
	jq -c ".changes" cfg.en.json >ch.en &&
	jq -c ".changes" cfg.vi.json >ch.vi &&
	cmp ch.en ch.vi
'

expect_success 'a bad camera URL: the reason in Vietnamese, nothing written' '
	n=$(git -C site rev-list --count HEAD) &&
	LANG=$VI must_fail 1 camctl -C site camera set porch url=http://10.0.0.31/ 2>err &&
	has "url: không phải URL rtsp:// hay rtsps://$" err &&
	must_fail 1 camctl -C site camera set porch url=rtsp://10.0.0.31:99999/ 2>err.en &&
	has "url: bad port in the URL$" err.en &&
	LANG=$VI must_fail 1 camctl -C site camera set porch url=rtsp://10.0.0.31:99999/ 2>err &&
	has "url: cổng \(port\) trong URL không hợp lệ$" err &&
	test "$(git -C site rev-list --count HEAD)" = "$n" &&
	git -C site diff --quiet
'

expect_success 'a wrong type in camkit.yaml: named in Vietnamese, nothing committed' '
	n=$(git -C site rev-list --count HEAD) &&
	cp site/camkit.yaml cfg.saved &&
	sed -i "s/^  name: .*/  name: [a, b]/" site/camkit.yaml &&
	LANG=$VI must_fail 1 camctl -C site commit -m "hand edit" 2>err &&
	must_fail 1 camctl -C site commit -m "hand edit" 2>err.en &&
	cp cfg.saved site/camkit.yaml &&
	has "camkit.yaml:[0-9]+:[0-9]+: .*\"name\" phải là chuỗi ký tự, không phải một danh sách$" err &&
	hasnt "a list|a mapping" err &&
	has "\"name\" must be a string, not a list$" err.en &&
	test "$(git -C site rev-list --count HEAD)" = "$n"
'

expect_success 'a bad time in a request: the parser'"'"'s reason in Vietnamese, nothing extracted' '
	request B 2026-11-20T08:00 2026-11-20T09:00 2026-02-30T17:00 &&
	LANG=$VI must_fail 1 camextract -C site run B.yaml -o B.tar 2>err &&
	has "B.yaml:[0-9]+:[0-9]+: \"expires\": thời điểm \"2026-02-30T17:00\" không hợp lệ: ngày ngoài phạm vi" err &&
	must_fail 1 camextract -C site run B.yaml -o B.tar 2>err.en &&
	has "\"expires\": bad time \"2026-02-30T17:00\": day out of range" err.en &&
	test ! -e B.tar
'

expect_success 'a store finding in Vietnamese in camaudit recordings, English in --json' '
	seg=$(segments site gate | head -n1) &&
	cp "$seg" seg.saved &&
	flip "$seg" 100 &&
	LANG=$VI must_fail 1 camaudit -C site recordings >rf.vi &&
	LANG=$VI must_fail 1 camaudit -C site recordings --json >rf.vi.json &&
	must_fail 1 camaudit -C site recordings --json >rf.en.json &&
	cp seg.saved "$seg" &&
	has "^FAIL	altered	.*: đã bị sửa đổi: [0-9]+ byte, SHA-256 [0-9a-f]+; danh mục \(manifest\) ghi [0-9]+ byte, [0-9a-f]+$" rf.vi &&
	has "\"check\":\"altered\",.*: altered: [0-9]+ bytes, SHA-256" rf.vi.json &&
	hasnt "đã bị sửa đổi" rf.vi.json &&
	cmp rf.en.json rf.vi.json
'

done_testing
