# The Vietnamese manuals, man/vi: they render as written, each keeps the
# English page's synopsis and has a counterpart of each of its sections,
# and make install puts them where man(1) finds them for Vietnamese.
. "$CAMKIT_TOP/tests/lib.sh"

lint=$CAMKIT_TOP/tests/manlint.sh
for tool in mandoc groff preconv; do
	command -v "$tool" >/dev/null || skip_all "no $tool (make deps)"
done
vi_pages="camlog.1 camkit-request.5"

# synopsis PAGE: the SYNOPSIS of PAGE as mandoc renders it, as text.
synopsis() {
	mandoc -Tascii "$1" | col -bx |
	    awk '/^SYNOPSIS$/ { on = 1; next } on && /^[^ ]/ { exit } on'
}

# sections PAGE: the headings of PAGE, one a line, "Sh X" or "Ss", the
# English heading of a Vietnamese one by the table below (a
# subsection's title is the translator's to choose: only its place
# counts).
sections() {
	sed -n 's/\\&$//; s/^\.Sh /Sh /p; s/^\.Ss .*/Ss/p' "$1" |
	    sed 's/^Sh MÔ TẢ$/Sh DESCRIPTION/
		s/^Sh BIẾN MÔI TRƯỜNG$/Sh ENVIRONMENT/
		s/^Sh TỆP$/Sh FILES/
		s/^Sh MÃ THOÁT$/Sh EXIT STATUS/
		s/^Sh VÍ DỤ$/Sh EXAMPLES/
		s/^Sh CHẨN ĐOÁN$/Sh DIAGNOSTICS/
		s/^Sh XEM THÊM$/Sh SEE ALSO/
		s/^Sh TIÊU CHUẨN$/Sh STANDARDS/'
}

# page NAME TEXT: a one-section mdoc page vi/NAME.1 in UTF-8 holding
# TEXT, that refers to an English page camother.1 in the directory above.
page() {
	mkdir -p vi &&
	printf '%s\n' '.Dd December 6, 2026' '.Dt CAMOTHER 1' '.Os' '.Sh NAME' \
	    '.Nm camother' '.Nd a page for the lint' '.Sh DESCRIPTION' \
	    'Nothing.' >camother.1 &&
	printf '%s\n' '.\" -*- coding: UTF-8 -*-' '.Dd December 6, 2026' \
	    ".Dt $(echo "$1" | tr a-z A-Z) 1" '.Os' '.Sh NAME' ".Nm $1" \
	    '.Nd một trang để kiểm tra' '.Sh MÔ TẢ\&' "$2" 'Xem' \
	    '.Xr camother 1 .' >"vi/$1.1"
}

expect_success 'every Vietnamese page renders as written (mandoc -Tlint, groff)' '
	for p in $vi_pages; do
		test -f "$CAMKIT_TOP/man/vi/$p" || exit 1
	done &&
	sh "$lint" "$CAMKIT_TOP"/man/vi/*.[1-8] >out &&
	hasnt "^(mandoc|troff|groff|preconv):" out
'

expect_success 'each Vietnamese page is UTF-8 and says so to mandoc' '
	for p in $vi_pages; do
		iconv -f UTF-8 -t UTF-8 "$CAMKIT_TOP/man/vi/$p" >/dev/null &&
		head -1 "$CAMKIT_TOP/man/vi/$p" >first &&
		has "^\.\\\\\" -\*- coding: UTF-8 -\*-$" first || exit 1
	done
'

expect_success 'each keeps the synopsis of the English page, option for option' '
	for p in $vi_pages; do
		grep -q "^\.Sh SYNOPSIS$" "$CAMKIT_TOP/man/$p" || continue
		synopsis "$CAMKIT_TOP/man/$p" >en.txt &&
		synopsis "$CAMKIT_TOP/man/vi/$p" >vi.txt &&
		test -s en.txt && cmp_text en.txt vi.txt || exit 1
	done &&
	has "camlog \[-C dir\] shift end \[--handover-to user\] \[--note text\]" vi.txt
'

expect_success 'each has a counterpart of every section of the English page, in order' '
	for p in $vi_pages; do
		sections "$CAMKIT_TOP/man/$p" >en.txt &&
		sections "$CAMKIT_TOP/man/vi/$p" >vi.txt &&
		has "^Sh DESCRIPTION$" en.txt && cmp_text en.txt vi.txt || exit 1
	done
'

expect_success 'each names the same page and section, and the English page as the reference' '
	for p in $vi_pages; do
		grep "^\.Dt " "$CAMKIT_TOP/man/$p" >en.txt &&
		grep "^\.Dt " "$CAMKIT_TOP/man/vi/$p" >vi.txt &&
		cmp_text en.txt vi.txt &&
		mandoc -Tutf8 "$CAMKIT_TOP/man/vi/$p" | col -bx | tr -s " \n" "  " >text &&
		has "thì trang tiếng Anh là bản gốc" text || exit 1
	done
'

expect_success 'camlog(1): every entry kind and verb, in the words of the catalogue' '
	for w in suspicious fault incident maintenance note; do
		grep -q "^\.It Li $w$" "$CAMKIT_TOP/man/vi/camlog.1" || exit 1
	done &&
	LC_ALL=C.UTF-8 mandoc -Tutf8 "$CAMKIT_TOP/man/vi/camlog.1" | col -bx >text &&
	for w in "sổ theo dõi" "ca trực" "bàn giao ca" "Nghi vấn" "Vụ việc" \
	    "Sự cố kỹ thuật" "niêm phong" "nhật ký kiểm tra" \
	    "MÔ TẢ" "MÃ THOÁT" "BIẾN MÔI TRƯỜNG" "VÍ DỤ" "XEM THÊM"; do
		has "$w" text || exit 1
	done &&
	for w in "sổ theo dõi" "bàn giao ca" "nghi vấn" "vụ việc" "sự cố kỹ thuật"; do
		has "msgstr \".*$w" "$CAMKIT_TOP/po/vi.po" || exit 1
	done
'

expect_success 'camkit-request(5): every refusal of the English page is explained' '
	sed -n "s/^\.It Li \([a-z-]*\)$/\1/p" "$CAMKIT_TOP/man/camkit-request.5" |
	    sort -u >en.txt &&
	has "^same-signer$" en.txt && has "^revoked$" en.txt &&
	sed -n "s/^\.It Li \([a-z-]*\)$/\1/p" "$CAMKIT_TOP/man/vi/camkit-request.5" |
	    sort -u >vi.txt &&
	cmp_text en.txt vi.txt &&
	mandoc -Tutf8 "$CAMKIT_TOP/man/vi/camkit-request.5" | col -bx >text &&
	for w in "phiếu đề nghị trích xuất" "Thủ trưởng cơ quan" "trưởng đơn vị" \
	    "thiết bị ký số" "pkcs11:token=Director" "bị từ chối"; do
		has "$w" text || exit 1
	done
'

expect_success 'make install puts them in share/man/vi, where man -L vi finds them' '
	install_into "$T/root" &&
	cmp "$CAMKIT_TOP/man/vi/camlog.1" root/usr/share/man/vi/man1/camlog.1 &&
	cmp "$CAMKIT_TOP/man/vi/camkit-request.5" \
	    root/usr/share/man/vi/man5/camkit-request.5 &&
	cmp "$CAMKIT_TOP/man/camlog.1" root/usr/share/man/man1/camlog.1 &&
	{ command -v man >/dev/null || skip_test "no man(1) here to look them up"; } &&
	MANPATH=$T/root/usr/share/man man -L vi -w camlog >where &&
	has "^$T/root/usr/share/man/vi/man1/camlog.1$" where &&
	MANPATH=$T/root/usr/share/man man -L vi -w 5 camkit-request >where &&
	has "^$T/root/usr/share/man/vi/man5/camkit-request.5$" where &&
	MANPATH=$T/root/usr/share/man man -L C -w camlog >where &&
	has "^$T/root/usr/share/man/man1/camlog.1$" where
'

expect_success 'LANG=vi_VN.UTF-8 man camlog finds the Vietnamese page where that locale exists' '
	test -f root/usr/share/man/vi/man1/camlog.1 &&
	{ command -v man >/dev/null && command -v localedef >/dev/null &&
	    test -f /usr/share/i18n/locales/vi_VN ||
	    skip_test "needs man(1), localedef and the vi_VN locale source"; } &&
	mkdir -p loc &&
	localedef -i vi_VN -f UTF-8 "$T/loc/vi_VN.UTF-8" &&
	LOCPATH=$T/loc MANPATH=$T/root/usr/share/man LANG=vi_VN.UTF-8 \
	    man -w camlog >where &&
	has "^$T/root/usr/share/man/vi/man1/camlog.1$" where &&
	LOCPATH=$T/loc MANPATH=$T/root/usr/share/man LANG=vi_VN.UTF-8 \
	    man camlog 2>err | col -bx >text &&
	has "^MÔ TẢ$" text && has "sổ theo dõi" text
'

expect_success 'manlint: a Vietnamese line is measured in characters, not bytes' '
	page short "Sổ theo dõi ca trực: bàn giao ca, nghi vấn, vụ việc, sự cố kỹ thuật." &&
	sh "$lint" vi/short.1 >out && test ! -s out
'

expect_success 'manlint: a Vietnamese line longer than 80 characters still fails' '
	page long "$(printf "sổ trực %.0s" $(seq 11))" &&
	must_fail 1 sh "$lint" vi/long.1 >out &&
	has "^mandoc: vi/long.1:9:.*STYLE: input text line longer than 80 bytes" out
'

expect_success 'manlint: a translation refers to the pages above it, not to ones that do not exist' '
	page ref "Văn bản." &&
	sh "$lint" vi/ref.1 >out && test ! -s out &&
	rm camother.1 &&
	must_fail 1 sh "$lint" vi/ref.1 >out &&
	has "referenced manual not found: Xr camother 1" out
'

done_testing
