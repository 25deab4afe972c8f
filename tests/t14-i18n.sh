# The programs in English and in Vietnamese: what a person reads follows
# the locale (LANG=vi_VN.UTF-8, even with no vi_VN locale generated),
# the exit codes and every line a script reads (--json, TSV) do not; a
# set-id program reads no catalogue its caller names; every msgid has
# its Vietnamese entry.
. "$CAMKIT_TOP/tests/lib.sh"

EN=C.UTF-8
VI=vi_VN.UTF-8

# both NAME CMD...: run CMD in English and in Vietnamese, stdout in
# NAME.en.out / NAME.vi.out, stderr in NAME.en.err / NAME.vi.err, and the
# exit codes in NAME.en.rc / NAME.vi.rc; fails if the codes differ.
both() {
	local name=$1 rc &&
	shift &&
	rc=0 && { LANG=$EN "$@" >"$name.en.out" 2>"$name.en.err" || rc=$?; } &&
	echo "$rc" >"$name.en.rc" &&
	rc=0 && { LANG=$VI "$@" >"$name.vi.out" 2>"$name.vi.err" || rc=$?; } &&
	echo "$rc" >"$name.vi.rc" &&
	if ! cmp -s "$name.en.rc" "$name.vi.rc"; then
		echo "exit $(cat "$name.en.rc") in English," \
		    "$(cat "$name.vi.rc") in Vietnamese: $*" >&2 &&
		return 1
	fi
}
# rc NAME: the exit code both runs gave.
rc() { cat "$1.en.rc"; }
# same_out NAME: stdout byte-identical in both languages.
same_out() { cmp "$1.en.out" "$1.vi.out"; }
# The room left on the disk, which other work changes between two runs
# of camctl status, taken out of its TSV (fields 4 and 5 of "storage")
# and of its JSON.
no_room() {
	sed -i "/^storage	/s/	[^	]*	[^	]*\$//" "$1.en.out" "$1.vi.out"
}
no_room_json() {
	for l in en vi; do
		jq -S "del(.storage.room_bytes, .storage.days_left)" \
		    "$1.$l.out" >"$1.$l.json" && mv "$1.$l.json" "$1.$l.out" ||
		return 1
	done
}

expect_success 'setup: a site with a camera and a guard' '
	recording_site site &&
	camctl -C site camera add gate --url rtsp://127.0.0.1:9/cam >/dev/null &&
	camctl -C site user add --no-check ckguard --role guard >/dev/null
'

expect_success '--help: the synopsis as it is, what each verb does translated, the manual named' '
	for p in camctl camrec camlog camextract camaudit camview; do
		both help-$p "$p" --help &&
		test "$(rc help-$p)" = 0 &&
		awk "NF == 0 { exit } 1" help-$p.en.out >syn.en &&
		awk "NF == 0 { exit } 1" help-$p.vi.out >syn.vi &&
		cmp_text syn.en syn.vi && has "^usage: $p " syn.vi &&
		has "^See $p\\(1\\)\\.\$" help-$p.en.out &&
		has "^Xem hướng dẫn sử dụng $p\\(1\\)\\.\$" help-$p.vi.out &&
		test "$(wc -l <help-$p.en.out)" = "$(wc -l <help-$p.vi.out)" ||
		return 1
	done &&
	has "^  add +write an entry in the logbook\$" help-camlog.en.out &&
	has "^  add +ghi một mục vào sổ theo dõi\$" help-camlog.vi.out &&
	has "^  shift +bắt đầu hoặc kết thúc ca trực \(kết thúc: bàn giao ca" help-camlog.vi.out &&
	has "^  report +báo cáo tháng gửi lãnh đạo\$" help-camaudit.vi.out &&
	has "^  hold +giữ bản ghi làm chứng cứ" help-camrec.vi.out &&
	has "^  run +trích xuất bản ghi hình" help-camextract.vi.out &&
	has "^  status +camera nào đang ghi" help-camctl.vi.out &&
	LANG=$VI camlog -h >h.out && cmp help-camlog.vi.out h.out
'

expect_success 'PROG VERB --help: that verb'"'"'s synopsis, its line, the manual; exit 0' '
	both vh camlog shift --help && test "$(rc vh)" = 0 &&
	cat >want <<-\EOF &&
	usage: camlog [-C dir] shift start
	       camlog [-C dir] shift end [--handover-to user] [--note text]

	bắt đầu hoặc kết thúc ca trực (kết thúc: bàn giao ca cho bảo vệ ca sau)
	Xem hướng dẫn sử dụng camlog(1).
	EOF
	cmp_text want vh.vi.out &&
	has "^start or end a duty shift" vh.en.out &&
	both vh camlog shift end --help && test "$(rc vh)" = 0 &&
	test "$(wc -l <vh.vi.out)" = 4 && has "^usage: camlog \[-C dir\] shift end " vh.vi.out &&
	both vh camctl camera --help && test "$(rc vh)" = 0 &&
	test "$(grep -c "camctl \[-C dir\] camera " vh.vi.out)" = 6 &&
	has "^thêm, xóa, liệt kê, xem, bật, tắt hoặc sửa camera\$" vh.vi.out &&
	hasnt "camctl \[-C dir\] user " vh.vi.out &&
	both vh camctl camera add --help && test "$(rc vh)" = 0 &&
	has "^usage: camctl \[-C dir\] camera add id --url url" vh.en.out &&
	hasnt "camera rm" vh.en.out &&
	both vh camrec -v hold --help && test "$(rc vh)" = 0 &&
	test "$(grep -c "hold " vh.en.out)" = 3 &&
	both vh camctl seal --help && test "$(rc vh)" = 0 &&
	has "^niêm phong các nhật ký bằng khóa của hệ thống\$" vh.vi.out &&
	test ! -e site.store/seal.journal
'

expect_success 'a usage error: the message, the synopsis, "Try --help"; exit 2 in both' '
	both ue camlog frobnicate && test "$(rc ue)" = 2 &&
	has "^camlog: unknown verb \"frobnicate\"\$" ue.en.err &&
	has "^Try '"'"'camlog --help'"'"'\.\$" ue.en.err &&
	has "^camlog: không có lệnh \"frobnicate\"\$" ue.vi.err &&
	has "^Hãy thử '"'"'camlog --help'"'"' để xem hướng dẫn\.\$" ue.vi.err &&
	has "^usage: camlog " ue.vi.err &&
	both ue camlog add --kind gossip hi && test "$(rc ue)" = 2 &&
	has "không có loại \"gossip\": chỉ có suspicious \(nghi vấn\)" ue.vi.err &&
	both ue camctl -C site camera add && test "$(rc ue)" = 2 &&
	has "^camctl: camera add: cần đúng một mã camera\$" ue.vi.err &&
	both ue camctl && test "$(rc ue)" = 2 && has "^Hãy thử" ue.vi.err &&
	test ! -s ue.vi.out && test ! -s ue.en.out &&
	test ! -e site.store/logbook.journal
'

expect_success 'a bad configuration: file:line:col kept, the words Vietnamese, nothing committed' '
	head=$(git -C site rev-parse HEAD) &&
	sed -i "s/^  retention_days: 30/  retention_days: many/" site/camkit.yaml &&
	line=$(grep -n "retention_days: many" site/camkit.yaml | cut -d: -f1) &&
	both bad camctl -C site commit -m "hand edit" && test "$(rc bad)" = 1 &&
	has "^camctl: site/camkit.yaml:$line:[0-9]+: .*\"retention_days\" must be a whole number" bad.en.err &&
	has "^camctl: site/camkit.yaml:$line:[0-9]+: .*\"retention_days\" phải là số nguyên từ 1 đến [0-9]+, không phải \"many\"" bad.vi.err &&
	test "$(git -C site rev-parse HEAD)" = "$head" &&
	git -C site checkout -q camkit.yaml
'

expect_success 'the guard'"'"'s errors in camlog read in Vietnamese' '
	n=$(wc -l <site.store/audit.journal) &&
	both g camlog -C site shift end && test "$(rc g)" = 1 &&
	has "no shift is open" g.en.err &&
	has "^camlog: shift end: không có ca trực nào đang mở \(bắt đầu ca bằng camlog shift start\)\$" g.vi.err &&
	both g camlog -C site show 42 && test "$(rc g)" = 1 &&
	has "^camlog: show: sổ theo dõi không có mục 42 \(sổ có 0 mục\)\$" g.vi.err &&
	both g camlog -C site correct 7 "sửa" && test "$(rc g)" = 1 &&
	has "sổ theo dõi không có mục 7" g.vi.err &&
	both g camlog -C site shift && test "$(rc g)" = 2 &&
	has "bắt đầu \(start\) hay kết thúc \(end\) ca\?" g.vi.err &&
	both g camlog -C site add --camera nosuch hi && test "$(rc g)" = 1 &&
	has "không có camera \"nosuch\" trong cấu hình đang có hiệu lực" g.vi.err
'

expect_success 'camlog show: labels for a person; list and --json byte-identical' '
	camlog -C site add --kind suspicious --camera gate "Người lạ trước cổng" >/dev/null &&
	both show camlog -C site show 1 && test "$(rc show)" = 0 &&
	has "^author:  " show.en.out && has "^người viết: " show.vi.out &&
	has "^loại:      suspicious\$" show.vi.out &&
	has "^Người lạ trước cổng\$" show.vi.out &&
	both list camlog -C site list && test "$(rc list)" = 0 && same_out list &&
	both list camlog -C site list --json && same_out list &&
	both verify camlog -C site verify && test "$(rc verify)" = 0 &&
	has ": hợp lệ: 1 bản ghi, 0 lần niêm phong" verify.vi.out
'

expect_success 'camctl status: TSV and --json identical, the person'"'"'s line translated, exit 1 in both' '
	both st camctl -C site status && test "$(rc st)" = 1 &&
	no_room st && same_out st && has "^storage	$T/site.store	" st.en.out &&
	has "^camera	state	last_end" st.vi.out &&
	has "^camctl: 1 camera without a recent segment\$" st.en.err &&
	has "^camctl: 1 camera không có đoạn ghi gần đây\$" st.vi.err &&
	both st camctl -C site status --json && test "$(rc st)" = 1 &&
	no_room_json st && same_out st &&
	jq -e ".cameras[0].camera == \"gate\"" st.vi.out >/dev/null &&
	both cl camctl -C site camera list && same_out cl &&
	both cl camctl -C site camera list --json && same_out cl &&
	both cl camctl -C site user list --json && same_out cl &&
	both cl camctl -C site history --json && same_out cl &&
	both cl camctl -C site check && test "$(rc cl)" = 0 && same_out cl
'

expect_success 'a refused act: the reason in Vietnamese, the audit record in English' '
	can_add_users || skip_test "needs root, useradd, setpriv" &&
	x=ckix-$$ && temp_user $x &&
	chmod 711 "$T" && chown -R $x site site.store &&
	n=$(wc -l <site.store/logbook.journal) &&
	LANG=$EN must_fail 1 as $x camlog -C site add "tôi không phải bảo vệ" 2>en.err &&
	has "^camlog: add: refused: $x is not a user of this site and may not write the logbook" en.err &&
	LANG=$VI must_fail 1 as $x camlog -C site add "tôi không phải bảo vệ" 2>vi.err &&
	has "^camlog: add: bị từ chối: $x không phải người dùng của hệ thống này nên không được ghi sổ theo dõi \(các vai trò được phép: operator, guard\)\$" vi.err &&
	test "$(wc -l <site.store/logbook.journal)" = "$n" &&
	tail -n 2 site.store/audit.journal | cut -f6 >recs &&
	test "$(jq -s "map(select(.outcome == \"refused\" and .actor == \"$x\")) | length" recs)" = 2 &&
	jq -e -s ".[1].reason | startswith(\"$x is not a user of this site\")" recs >/dev/null &&
	chown -R root site site.store
'

expect_success 'a service (no LANG) speaks site.language; a named language wins' '
	must_fail 1 env -u LANG -u LANGUAGE -u LC_ALL -u LC_MESSAGES \
	    camlog -C site shift end 2>svc.err >/dev/null &&
	has "không có ca trực nào đang mở" svc.err &&
	sed -i "s/^  language: vi/  language: en/" site/camkit.yaml &&
	has "^  language: en" site/camkit.yaml &&
	camctl -C site commit -m "English on this site" >/dev/null &&
	must_fail 1 env -u LANG -u LANGUAGE -u LC_ALL -u LC_MESSAGES \
	    camlog -C site shift end 2>svc.err >/dev/null &&
	has "no shift is open" svc.err &&
	LANG=$VI must_fail 1 camlog -C site shift end 2>svc.err >/dev/null &&
	has "không có ca trực nào đang mở" svc.err
'

# A host's locale (systemd and cron hand it to services) would name a
# language: the units and the cron file take it away, so that a service
# speaks site.language.
expect_success 'the generated units and cron file leave the language to the site' '
	camctl -C site units --output units >/dev/null 2>&1 &&
	camctl -C site units --cron --output cron >/dev/null 2>&1 &&
	ls units/*.service >files && test -s files &&
	while read -r f; do
		has "^UnsetEnvironment=LANG LANGUAGE LC_ALL LC_MESSAGES\$" "$f" &&
		hasnt "^Environment=.*(LANG|LC_)" "$f" || return 1
	done <files &&
	for v in LANG LC_ALL LC_MESSAGES LANGUAGE; do
		has "^$v=\"\"\$" cron/camkit || return 1
	done &&
	sed -i "s/^  language: en/  language: vi/" site/camkit.yaml &&
	camctl -C site commit -m "Vietnamese again" >/dev/null &&
	must_fail 1 env LANG= LC_ALL= LC_MESSAGES= LANGUAGE= \
	    camlog -C site shift end 2>svc.err >/dev/null &&
	has "không có ca trực nào đang mở" svc.err
'

# A catalogue of the caller's, whose translation of "unknown verb" is a
# marker: a program that is not set-id reads it ($CAMKIT_LOCALEDIR), a
# set-id one never does (its format strings would be the caller's).
expect_success 'set-id programs ignore $CAMKIT_LOCALEDIR' '
	can_add_users || skip_test "needs root, useradd, setpriv" &&
	mkdir -p loc/vi/LC_MESSAGES &&
	printf "%s\n" "msgid \"\"" "msgstr \"Content-Type: text/plain; charset=UTF-8\\n\"" "" \
	    "#, c-format" "msgid \"unknown verb \\\"%s\\\"\"" "msgstr \"CALLER-CATALOGUE %s\"" >evil.po &&
	msgfmt -o loc/vi/LC_MESSAGES/camkit.mo evil.po &&
	LANG=$VI CAMKIT_LOCALEDIR=$T/loc must_fail 2 camaudit frob 2>plain.err &&
	has "CALLER-CATALOGUE frob" plain.err &&
	svc=ckis-$$ && u=ckiu-$$ && temp_account $svc && temp_user $u &&
	chmod 711 "$T" && mkdir -m 755 sbin && cp "$CAMKIT_BIN/camlog" sbin/camlog &&
	chown "$svc:$svc" sbin/camlog && chmod 6755 sbin/camlog &&
	chmod -R a+rX loc &&
	LANG=$VI CAMKIT_LOCALEDIR=$T/loc must_fail 2 as $u "$T/sbin/camlog" frob 2>setid.err &&
	hasnt "CALLER-CATALOGUE" setid.err &&
	has "^camlog: unknown verb \"frob\"" setid.err &&
	# its own catalogue, beside it, it reads, in the caller'"'"'s language
	# even in the set-id child, whose environment is PATH alone
	cp -R "$CAMKIT_BIN/locale" sbin/locale && chmod -R a+rX sbin/locale &&
	LANG=$VI CAMKIT_LOCALEDIR=$T/loc must_fail 2 as $u "$T/sbin/camlog" frob 2>setid.err &&
	hasnt "CALLER-CATALOGUE" setid.err &&
	has "^camlog: không có lệnh \"frob\"" setid.err &&
	LANG=$VI must_fail 2 as $u "$T/sbin/camlog" shift 2>setid.err &&
	has "^camlog: shift: bắt đầu \(start\) hay kết thúc \(end\) ca\?" setid.err &&
	LANG=$VI CAMKIT_LOCALEDIR=$T/loc must_fail 2 as $u "$CAMKIT_BIN/camlog" frob 2>notsetid.err &&
	has "CALLER-CATALOGUE frob" notsetid.err
'

# The catalogue check (make i18n-check): po/vi.po against a
# fresh xgettext of the sources.  Every msgid must have its entry.
expect_success 'every message has its Vietnamese entry (catalogue completeness)' '
	command -v msgcmp >/dev/null || skip_test "needs gettext" &&
	make -s -C "$CAMKIT_TOP" B="$T/i18n" "$T/i18n/po/camkit.pot" \
	    "$T/i18n/po/vi.po" >make.out 2>&1 &&
	rc=0 && { msgcmp "$T/i18n/po/vi.po" "$T/i18n/po/camkit.pot" \
	    >cmp.out 2>&1 || rc=$?; } &&
	if [ "$rc" -ne 0 ]; then
		grep -c "used but not defined" cmp.out >n.missing || test $? = 1 &&
		echo "$(cat n.missing) msgids have no Vietnamese entry; a few:" >&2 &&
		grep "used but not defined" cmp.out | head -5 | cut -d: -f2 >lines &&
		while read -r l; do
			sed -n "$((l - 1)),$((l + 1))p" "$T/i18n/po/camkit.pot" >&2 ||
			exit 1
		done <lines &&
		exit 1
	fi
'

expect_success 'every message of cmd/, lib/cli, lib/base and lib/site has its Vietnamese entry' '
	command -v msgcmp >/dev/null || skip_test "needs gettext" &&
	make -s -C "$CAMKIT_TOP" B="$T/i18n" "$T/i18n/po/camkit.pot" \
	    "$T/i18n/po/vi.po" >make.out 2>&1 &&
	msggrep -N "cmd/*" -N "lib/cli/*" -N "lib/base/*" -N "lib/site/*" \
	    "$T/i18n/po/camkit.pot" -o ours.pot &&
	test "$(grep -c "^msgid " ours.pot)" -gt 400 &&
	msgcmp "$T/i18n/po/vi.po" ours.pot
'

done_testing
