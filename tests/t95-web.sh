# tests/webcheck.pl, the static checks of camview's pages in web/: they
# pass, and each kind of breach (of the Content-Security-Policy, of "no
# download", of the language table, of the ids the browser tests use)
# fails, named by file and line.  Every module parses (node --check),
# and web/fragments.js mends a muxer's guessed durations in real
# fragmented MP4 (tests/fragdump.mjs) without losing a frame or a gap.
. "$CAMKIT_TOP/tests/lib.sh"

check=$CAMKIT_TOP/tests/webcheck.pl
command -v perl >/dev/null || skip_all "no perl"

# copy: a copy of web/ in w/ to break.
copy() {
	rm -rf w && cp -R "$CAMKIT_TOP/web" w
}

expect_success 'camkit'"'"'s own web/ passes' '
	"$check" "$CAMKIT_TOP/web" >out &&
	test ! -s out
'

expect_success 'every page names its scripts as modules of /static/, each present' '
	for p in "$CAMKIT_TOP"/web/*.html; do
		grep -q "<script type=\"module\" src=\"/static/[a-z]*\.js\"></script>" "$p" ||
		    { echo "$p: no module script" >&2; return 1; }
	done
'

expect_success 'an inline script, a <style>, style="" and onclick="" fail, by line' '
	copy &&
	printf "%s\n" "<p>x</p>" "<script type=\"module\">alert(1)</script>" \
	    "<style>p{}</style>" "<p style=\"color:red\">y</p>" \
	    "<button onclick=\"go()\">z</button>" "<a href=\"javascript:go()\">q</a>" \
	    >w/bad.html &&
	must_fail 1 "$check" w >out &&
	has "^w/bad.html:2: inline script$" out &&
	has "^w/bad.html:3: a <style> element$" out &&
	has "^w/bad.html:4: an inline style attribute on <p>$" out &&
	has "^w/bad.html:5: an event handler attribute onclick on <button>$" out &&
	has "^w/bad.html:6: a javascript: address on <a>$" out &&
	hasnt "^w/(login|wall|play|access)" out
'

expect_success 'a script that is no module, or missing, fails' '
	copy &&
	printf "%s\n" "<script src=\"/static/api.js\"></script>" \
	    "<script type=\"module\" src=\"/static/gone.js\"></script>" \
	    "<script type=\"module\" src=\"https://cdn.example/x.js\"></script>" >w/bad.html &&
	must_fail 1 "$check" w >out &&
	has "^w/bad.html:1: a script that is not type=\"module\"$" out &&
	has "^w/bad.html:2: script /static/gone.js: no w/gone.js$" out &&
	has "^w/bad.html:3: script https://cdn.example/x.js is not a module of /static/$" out
'

expect_success 'a video with controls, a download link, markup from strings and alerts fail' '
	copy &&
	printf "%s\n" "<video controls data-camera=\"x\"></video>" \
	    "<a href=\"/play/x\" download>save</a>" >w/bad.html &&
	printf "%s\n" "import { t } from '"'"'./i18n.js'"'"';" \
	    "document.body.innerHTML = t('"'"'err.down'"'"');" \
	    "window.alert('"'"'x'"'"');" "v.controls = true;" "eval('"'"'1'"'"');" >w/bad.js &&
	must_fail 1 "$check" w >out &&
	has "^w/bad.html:1: a <video> with controls" out &&
	has "^w/bad.html:2: a download attribute on <a>$" out &&
	has "^w/bad.js:2: markup from a string" out &&
	has "^w/bad.js:3: a browser dialog" out &&
	has "^w/bad.js:4: video controls$" out &&
	has "^w/bad.js:5: eval$" out
'

expect_success 'an import of a missing module, or from elsewhere, fails' '
	copy &&
	printf "%s\n" "import { x } from '"'"'./gone.js'"'"';" \
	    "import y from '"'"'https://cdn.example/y.js'"'"';" >w/bad.js &&
	must_fail 1 "$check" w >out &&
	has "^w/bad.js:1: import of ./gone.js: no w/gone.js$" out &&
	has "^w/bad.js:2: import of https://cdn.example/y.js: not a module beside it$" out
'

expect_success 'a text without English, or twice, or used but missing, fails' '
	copy &&
	sed -i "s/^\(\t'"'"'err.down'"'"': { vi: '"'"'[^'"'"']*'"'"'\), en: .*/\1 },/" w/i18n.js &&
	grep -n "^	'"'"'err.down'"'"'" w/i18n.js | cut -d: -f1 >line &&
	sed -i "s/^\t'"'"'wall.title'"'"'.*/&\n&/" w/i18n.js &&
	printf "%s\n" "<p data-i18n=\"no.such\">x</p>" >w/bad.html &&
	printf "%s\n" "import { t } from '"'"'./i18n.js'"'"';" \
	    "export const s = t('"'"'nav.nothing'"'"');" >w/bad.js &&
	must_fail 1 "$check" w >out &&
	has "^w/i18n.js:$(cat line): key err.down has no en text$" out &&
	has "^w/i18n.js:[0-9]*: key wall.title twice$" out &&
	has "^w/bad.html:1: text no.such is not in i18n.js$" out &&
	has "^w/bad.js:2: text nav.nothing is not in i18n.js$" out
'

expect_success 'every error CODE of the API has its text, in Vietnamese by default' '
	copy &&
	sed -i "/^\t'"'"'err.outside-request'"'"'/d" w/i18n.js &&
	must_fail 1 "$check" w >out &&
	has "^w/i18n.js:1: no text for the error code outside-request" out &&
	has "'"'"'err.no-request'"'"': { vi: '"'"'Không có yêu cầu xem được duyệt.'"'"'" "$CAMKIT_TOP/web/i18n.js" &&
	has "'"'"'err.forbidden'"'"': { vi: '"'"'Không có quyền xem.'"'"'" "$CAMKIT_TOP/web/i18n.js" &&
	has "Mất tín hiệu từ {time}" "$CAMKIT_TOP/web/i18n.js"
'

expect_success 'an id the browser tests use, gone from the pages or the README, fails' '
	copy &&
	sed -i "s/id=\"play-pause\"/id=\"pp\"/" w/play.html &&
	sed -i "s/#report-note//" w/README &&
	must_fail 1 "$check" w >out &&
	has "#play-pause, which the browser tests use, is in no page or module$" out &&
	has "^w/README:1: #report-note is not documented$" out
'

expect_success 'no folder, or two, is a usage error' '
	must_fail 2 "$check" nowhere 2>err &&
	has "^usage: webcheck.pl" err &&
	must_fail 2 "$check" "$CAMKIT_TOP/web" "$CAMKIT_TOP/web" 2>err &&
	has "^usage: webcheck.pl" err
'

expect_success 'every module of web/ parses as a JavaScript module' '
	command -v node >/dev/null || skip_test "no node (make deps)"
	mkdir m &&
	for f in "$CAMKIT_TOP"/web/*.js; do
		cp "$f" "m/$(basename "$f" .js).mjs" &&
		node --check "m/$(basename "$f" .js).mjs" || return 1
	done &&
	printf "%s\n" "export function f( {" >m/bad.mjs &&
	must_fail 1 node --check m/bad.mjs 2>err &&
	has "SyntaxError" err
'

# frag ARGS...: tests/fragdump.mjs on web/fragments.js (see the file).
frag() {
	node "$CAMKIT_TOP/tests/fragdump.mjs" "$CAMKIT_TOP/web/fragments.js" "$@"
}

# clip: c.mp4, 3 s at 10 frames a second, one frame a fragment, as the
# muxer of camview writes them (one sample, the track's default
# duration in tfhd).
clip() {
	ffmpeg -v error -y -f lavfi -i testsrc=size=160x120:rate=10 -t 3 \
	    -c:v libx264 -pix_fmt yuv420p -g 10 -bf 0 \
	    -movflags frag_every_frame+empty_moov+default_base_moof -f mp4 c.mp4
}

expect_success 'fragments: a stream of right durations goes through unchanged, cut anywhere' '
	command -v node >/dev/null || skip_test "no node (make deps)"
	command -v ffmpeg >/dev/null || skip_test "no ffmpeg (make deps)"
	clip &&
	frag c.mp4 >raw &&
	test "$(grep -c "^[0-9]* 1024$" raw)" = 30 &&
	for n in 1 7 1000 100000; do
		frag c.mp4 --fix all --chunk $n --out o.mp4 >fixed &&
		cmp c.mp4 o.mp4 || return 1
	done
'

expect_success 'fragments: guessed durations become the distance to the next frame, a gap stays' '
	command -v node >/dev/null || skip_test "no node (make deps)"
	command -v ffmpeg >/dev/null || skip_test "no ffmpeg (make deps)"
	clip &&
	frag c.mp4 --guess 1 --gap-after 14 2 >spoilt &&
	test "$(grep -c "^[0-9]* 1$" spoilt)" = 30 &&
	frag c.mp4 --guess 1 --gap-after 14 2 --fix all --out o.mp4 >fixed &&
	has "^timescale 10240$" fixed &&
	test "$(stat -c %s o.mp4)" = "$(stat -c %s c.mp4)" &&
	sed -n 14p fixed >line && test "$(cat line)" = "13312 1024" &&
	sed -n 15p fixed >line && test "$(cat line)" = "14336 1" &&
	sed -n 16p fixed >line && test "$(cat line)" = "35840 1024" &&
	sed -n 30p fixed >line && test "$(cat line)" = "50176 1" &&
	test "$(grep -c "^[0-9]* 1024$" fixed)" = 28 &&
	ffprobe -v error -count_frames -show_entries stream=nb_read_frames -of csv=p=0 o.mp4 >n &&
	test "$(cat n)" = 30
'

expect_success 'fragments: live checks the first fragment only' '
	command -v node >/dev/null || skip_test "no node (make deps)"
	command -v ffmpeg >/dev/null || skip_test "no ffmpeg (make deps)"
	clip &&
	frag c.mp4 --guess 1 --fix first --chunk 13 >fixed &&
	sed -n 1p fixed >line && test "$(cat line)" = "0 1024" &&
	test "$(grep -c "^[0-9]* 1$" fixed)" = 29
'

done_testing
