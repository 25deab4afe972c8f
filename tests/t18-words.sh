# Words people read: sizes in decimal units, times in the site's zone in
# one form, "did you mean" for an unknown key, and progress on a
# terminal only (a real pty from script(1)), never in a file.
. "$CAMKIT_TOP/tests/lib.sh"

command -v script >/dev/null || skip_all "needs script (util-linux)"

P=$T/pki
director_site site
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null

# on_tty OUT CMD...: CMD with its standard error (and output) on a
# pseudo-terminal, what it wrote there into OUT (line ends as the
# terminal sends them: \r\n); CMD's exit status.
on_tty() {
	local out=$1 &&
	shift &&
	script -qec "$*" /dev/null >"$out"
}
# no_cr FILE: no carriage return in FILE (nothing rewritten in place).
no_cr() {
	if grep -q "$(printf '\r')" "$1"; then
		echo "a carriage return in $1" >&2 && return 1
	fi
}

expect_success 'camrec record on a terminal: a status line every 5 s' '
	on_tty tty.out "camrec -C site record gate --for 16s" &&
	tr -d "\r" <tty.out >status &&
	has "^camrec: gate: recording: [0-9]+ segments, [0-9.]+ [kMG]?B, [0-9.]+ [kM]bit/s, last keyframe [0-9.]+ s ago$" status &&
	n=$(grep -c "^camrec: gate: recording: " status) &&
	test "$n" -ge 2 && test "$n" -le 3 &&
	grep "^camrec: gate: recording: " status | tail -1 >last &&
	has " [1-9][0-9]* segments, [0-9.]+ (kB|MB)," last &&
	echo "# status lines in 16 s: $n; last: $(cat last)"
'

expect_success 'camrec record with stderr in a file: no status line' '
	n=$(grep -c "	segment	" site.store/gate/manifest) &&
	camrec -C site record gate --for 8s 2>err &&
	hasnt "segments, " err && no_cr err &&
	test "$(grep -c "	segment	" site.store/gate/manifest)" -gt "$n"
'
stop_camera gate

expect_success 'an unknown key in camkit.yaml names the nearest known one' '
	n=$(git -C site rev-list --count HEAD) &&
	sed -i "s/^  retention_days:/  retension_days:/" site/camkit.yaml &&
	must_fail 1 camctl -C site commit -m typo 2>err &&
	has "^camctl: site/camkit.yaml:[0-9]+:[0-9]+: unknown key \"retension_days\" in storage: did you mean \"retention_days\"\?$" err &&
	test "$(git -C site rev-list --count HEAD)" = "$n" &&
	LANG=vi_VN.UTF-8 must_fail 1 camctl -C site commit -m typo 2>err.vi &&
	has "khóa \"retension_days\" không hợp lệ trong storage: có phải ý bạn là \"retention_days\"\?" err.vi &&
	git -C site checkout -q camkit.yaml
'

expect_success 'a key far from every known one gets no guess' '
	printf "  colour: red\n" >>site/camkit.yaml &&
	must_fail 1 camctl -C site commit -m colour 2>err &&
	has "unknown key \"colour\" in (storage|view)$" err &&
	git -C site checkout -q camkit.yaml
'

first=$(cut -f6 site.store/gate/manifest | jq -r "select(.start) | .start" | head -1)
from=$(date -u -d "$first +1 sec" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "$first +12 sec" +%Y-%m-%dT%H:%M:%SZ)

expect_success 'a misspelt key of a request names the right one' '
	request R0 "$from" "$to" && sed -i "s/^purpose:/purpse:/" R0.yaml &&
	sign R0.yaml director &&
	must_fail 1 camextract -C site run R0.yaml -o R0.tar 2>err &&
	has "R0.yaml:[0-9]+:[0-9]+: unknown key \"purpse\" in the request: did you mean \"purpose\"\?" err &&
	test ! -e R0.tar
'

expect_success 'an expired request: the time in the site zone, in the one form' '
	request R3 "$from" "$to" "2020-01-01T00:00:00Z" && sign R3.yaml director &&
	must_fail 1 camextract -C site run R3.yaml -o R3.tar 2>err &&
	has "request R3 expired at 2020-01-01 07:00:00 \+07" err &&
	hasnt "T00:00:00Z" err && test ! -e R3.tar
'

expect_success 'extraction on a terminal: segments and sizes on one line, then a newline' '
	request R1 "$from" "$to" && sign R1.yaml director &&
	on_tty tty.out "camextract -C site run R1.yaml -o R1.tar" &&
	test -s R1.tar &&
	has "camextract: extracting: [0-9]+/[0-9]+ segments, [0-9.]+ [kMG]?B of [0-9.]+ [kMG]?B" tty.out &&
	tr "\r" "\n" <tty.out | grep "extracting:" | tail -1 >last &&
	total=$(sed -n "s|.*extracting: [0-9]*/\([0-9]*\) segments.*|\1|p" last) &&
	has "extracting: $total/$total segments" last &&
	test "$total" -ge 3 &&
	tr -d "\r" <tty.out | grep -A1 "extracting: $total/$total" | tail -1 >next &&
	has "^clips/gate.mp4	h264	" next
'

expect_success 'extraction with stderr in a file: no progress, no carriage return' '
	request R2 "$from" "$to" && sign R2.yaml director &&
	camextract -C site run R2.yaml -o R2.tar >out 2>err &&
	test -s R2.tar && hasnt "extracting" err && no_cr err && no_cr out
'

expect_success 'archive verification on a terminal: files and bytes read' '
	on_tty tty.out "camaudit -C site verify R1.tar" &&
	has "camaudit: verifying: 6/6 files, [0-9.]+ [kMG]?B of [0-9.]+ [kMG]?B" tty.out &&
	camaudit -C site verify R1.tar >out 2>err &&
	hasnt "verifying" err && no_cr out && has "^ok	tar	" out
'

later=$(date -u -d "+40 days" +%Y-%m-%dT%H:%M:%SZ)
expect_success 'camctl status: sizes for people; --json keeps bytes' '
	{ camctl -C site status >out || test $? = 1; } &&
	has "^storage	[^	]+	[0-9.]+ (B|kB|MB|GB|TB)	[0-9.]+ (B|kB|MB|GB|TB|PB) of room	" out &&
	hasnt "bytes of room" out &&
	{ camctl -C site status --json >out.json || test $? = 1; } &&
	jq -e ".storage.bytes > 1000 and (.storage.bytes | floor) == .storage.bytes" out.json >/dev/null
'

expect_success 'prune with stderr in a file: no progress; its summary in MB' '
	camrec -C site prune --dry-run --now "$later" >out 2>err &&
	hasnt "listing|pruning" err && no_cr err &&
	has "^would delete	[0-9]+ segments	[0-9.]+ (kB|MB)	" out
'

expect_success 'prune on a terminal: n/N segments of what is due, a final newline' '
	n=$(find site.store/gate -name "*.mkv" | wc -l) &&
	camrec -C site hold list >holds && held=$(grep -c "	held	" holds) &&
	on_tty tty.out "camrec -C site prune --now $later" &&
	tr "\r" "\n" <tty.out | grep "camrec: pruning: " | tail -1 >last &&
	has "camrec: pruning: ([0-9]+)/\1 segments, [0-9.]+ [kMG]?B of [0-9.]+ [kMG]?B" last &&
	has "^pruned	[1-9][0-9]* segments	[0-9.]+ (kB|MB)	" tty.out &&
	test "$(find site.store/gate -name "*.mkv" | wc -l)" -lt "$n" &&
	test "$held" -ge 1
'

done_testing
