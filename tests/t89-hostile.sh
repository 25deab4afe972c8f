# Hostile input: path traversal in camera ids, request fields and archive
# members, symbolic links planted in the data directory, NUL and control
# characters, huge values, deep YAML and aliases.  Each is refused with
# a clear error, nothing is written outside the data directory, and the
# programs' memory stays bounded (peak RSS under RSS_MAX kB).
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
RSS_MAX=65536
# Under AddressSanitizer (make check SANITIZE=1) shadow memory and
# quarantine add their own: the bound is four times as large there.
case $CAMKIT_BIN in */asan) RSS_MAX=262144 ;; esac
# Stands for /etc: nothing may appear in it.
mkdir -m 755 outside && touch outside/passwd && chmod 644 outside/passwd
untouched() {
	test "$(ls -A "$T/outside")" = passwd && test ! -s "$T/outside/passwd"
}
# rss CODE CMD...: run the program CMD, which must exit CODE; keep its
# peak RSS (kB) in $T/rss.last and append it to $T/rss.all.
rss() {
	local want=$1 rc=0 &&
	shift &&
	{ /usr/bin/time -f %M -o "$T/rss.one" "$@" || rc=$?; } &&
	tail -n1 "$T/rss.one" >"$T/rss.last" &&
	echo "$(cat "$T/rss.last") $*" | cut -c1-120 >>"$T/rss.all" &&
	[ "$rc" -eq "$want" ] || { echo "expected exit $want, got $rc: $*" >&2; return 1; }
}
rss_ok() {
	test "$(cat "$T/rss.last")" -lt "$RSS_MAX" ||
	    { echo "peak RSS $(cat "$T/rss.last") kB" >&2; return 1; }
}
[ -x /usr/bin/time ] || skip_all "needs /usr/bin/time"

director_site site
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camctl -C site camera add hall --url "$(camera_url gate)" --segment 5s >/dev/null
camrec -C site record gate --for 12s 2>/dev/null
STORE=$T/site.store

# ---- camera ids ----

expect_success 'camera ids with ../, /, control characters or 10 000 bytes: refused by every program' '
	long=$(head -c 10000 /dev/zero | tr "\\0" a) &&
	for id in ../x /etc/x a/../../x "$(printf "a\033b")" "$(printf "a\nb")" "$long" ""; do
		must_fail 1 camctl -C site camera add "$id" --url rtsp://10.0.0.9/x 2>err &&
		has "bad camera id" err || exit 1
		must_fail 1 camrec -C site record "$id" --for 1s 2>err &&
		has "camera|bad" err || exit 1
		must_fail 1 camrec -C site hold add "$id" --from 2020-01-01T00:00:00Z \
		    --to 2020-01-01T01:00:00Z --reason x 2>err || exit 1
		must_fail 1 camlog -C site add --camera "$id" hello 2>err || exit 1
		must_fail 1 camaudit -C site recordings --camera "$id" >out 2>err || exit 1
	done &&
	untouched && test ! -e x && test ! -e "$STORE/../x" &&
	test "$(ls "$STORE")" = "$(printf "audit.journal\ngate\n")" &&
	git -C site diff --quiet HEAD
'

# ---- configuration: huge, deep, aliased, out of range ----

# refused_config MESSAGE: camctl commit refuses the hand edit, with
# MESSAGE, in bounded memory, and HEAD stays.
refused_config() {
	n=$(git -C site rev-list --count HEAD) &&
	rss 1 camctl -C site commit -m "hand edit" 2>err || return 1
	has "$1" err && rss_ok || return 1
	test "$(git -C site rev-list --count HEAD)" = "$n" &&
	git -C site checkout -q camkit.yaml
}

expect_success 'a 10 MB scalar in camkit.yaml: refused before it is staged, small RSS' '
	objs=$(find site/.git/objects -type f | wc -l) &&
	{ printf "site:\n  name: " && head -c 10485760 /dev/urandom | base64 -w0 && echo; } >big &&
	sed -i "/^site:/,/^  name:/d" site/camkit.yaml && cat big site/camkit.yaml >c.new &&
	mv c.new site/camkit.yaml &&
	refused_config "camkit.yaml: larger than 1048576 bytes" &&
	find site/.git/objects -type f >objs.after &&
	test "$(wc -l <objs.after)" = "$objs" ||
	    { echo "git objects: $objs before, $(wc -l <objs.after) after; newest:"; ls -lt $(cat objs.after) | head -3; false; }
'

expect_success '10 000 levels of nesting, flow and block style: refused at file:line:col' '
	python3 -c "print(\"z: \" + \"[\" * 10000 + \"]\" * 10000)" >>site/camkit.yaml &&
	refused_config "site/camkit.yaml:[0-9]+:[0-9]+: nested too deeply" &&
	python3 -c "
for i in range(10000): print(\" \" * i + \"k%d:\" % i)" >deep &&
	head -c 1000000 deep >>site/camkit.yaml &&
	refused_config "site/camkit.yaml:[0-9]+:[0-9]+: nested too deeply"
'

expect_success 'billion laughs: refused at the first anchor' '
	{
	echo "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]" &&
	for x in b c d e f g h i j; do
		p=$(printf "%s" "$x" | tr "b-j" "a-i") &&
		echo "$x: &$x [*$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p]" || exit 1
	done
	} >>site/camkit.yaml &&
	refused_config "site/camkit.yaml:[0-9]+:[0-9]+: anchors and aliases are not allowed"
'

expect_success 'retention_days 99999999999 and 2^64+1, a 2^63 s segment: refused at file:line' '
	sed -i "s/^  retention_days: 30/  retention_days: 99999999999/" site/camkit.yaml &&
	refused_config "site/camkit.yaml:[0-9]+:[0-9]+: storage: \"retention_days\" must be a whole number from 1 to 36500" &&
	sed -i "s/^  retention_days: 30/  retention_days: 18446744073709551617/" site/camkit.yaml &&
	refused_config "\"retention_days\" must be a whole number" &&
	sed -i "0,/^    segment: \"5s\"/s//    segment: 9223372036854775808s/" site/camkit.yaml &&
	refused_config "site/camkit.yaml:[0-9]+:[0-9]+: camera: \"segment\" must be a duration" &&
	must_fail 1 camctl -C site camera set gate segment=9223372036854775807s 2>err &&
	has "bad duration \"9223372036854775807s\": too large" err &&
	must_fail 2 camrec -C site record gate --for 9223372036854775808s 2>err &&
	has "duration|--for" err &&
	must_fail 1 camctl -C site camera add big --url rtsp://10.0.0.9/x --segment 99999999999d 2>err
'

expect_success 'storage root and trust paths that climb out: refused' '
	sed -i "s|^  root: .*|  root: $T/site.store/../outside|" site/camkit.yaml &&
	refused_config "\"root\" must be an absolute path without \"..\"" &&
	sed -i "s|^  ca: \[trust/ca.pem\]|  ca: [../../outside/passwd]|" site/camkit.yaml &&
	refused_config "must be a path inside the configuration repository"
'

# ---- symbolic links planted in the data directory ----

expect_success 'ROOT/CAMERA a symbolic link (to /etc, say): refused, nothing written there' '
	ln -s "$T/outside" "$STORE/hall" &&
	must_fail 1 camrec -C site record hall --for 2s 2>err &&
	has "site.store/hall: a symbolic link, not a directory: refused" err &&
	must_fail 1 camrec -C site verify hall 2>err && has "a symbolic link" err &&
	must_fail 1 camaudit -C site recordings --camera hall >out 2>&1 &&
	has "a symbolic link" out &&
	must_fail 1 camrec -C site recover hall 2>err &&
	camrec -C site prune >/dev/null 2>&1 && untouched && rm "$STORE/hall"
'

expect_success 'a date directory under the camera a symbolic link: no segment goes through it' '
	rm -rf "$STORE/hall" && mkdir -p "$STORE/hall" &&
	ln -s "$T/outside" "$STORE/hall/$(date -u +%Y)" &&
	camrec -C site record hall --for 8s 2>err && untouched &&
	has "a symbolic link where a directory belongs: refused" "$STORE/hall/manifest" &&
	rm -rf "$STORE/hall"
'

expect_success 'the manifest a symbolic link: refused for writing and reading' '
	rm -rf "$STORE/hall" && mkdir -p "$STORE/hall" &&
	ln -s "$T/outside/passwd" "$STORE/hall/manifest" &&
	must_fail 1 camrec -C site record hall --for 2s 2>err &&
	has "hall/manifest: a symbolic link, not a journal: refused" err &&
	must_fail 1 camrec -C site verify hall >err 2>&1 &&
	has "a symbolic link" err && untouched && rm -rf "$STORE/hall"
'

expect_success 'the logbook and the audit trail symbolic links: camlog refuses, target untouched' '
	ln -s "$T/outside/passwd" "$STORE/logbook.journal" &&
	must_fail 1 camlog -C site add hello 2>err &&
	has "logbook.journal: a symbolic link, not a journal: refused" err &&
	untouched && rm "$STORE/logbook.journal"
'

expect_success 'a segment replaced by a symbolic link: verify fails, prune does not follow it' '
	seg=$(segments site gate | head -1) && cp "$seg" seg.keep &&
	rm "$seg" && ln -s "$T/outside/passwd" "$seg" &&
	must_fail 1 camrec -C site verify gate >out 2>&1 &&
	has "symbolic link|Too many levels" out && untouched &&
	rm "$seg" && cp seg.keep "$seg" && camrec -C site verify gate >/dev/null
'

expect_success 'a manifest naming ../../outside/passwd: verify and prune refuse at file:line, nothing deleted' '
	mkdir -p "$STORE/yard" && cp "$STORE/gate/manifest" man.keep &&
	cp -a "$STORE/gate/manifest" "$STORE/yard/manifest" &&
	sed -i "s|\"file\":\"gate/|\"file\":\"yard/../../outside/|" "$STORE/yard/manifest" &&
	rechain "$STORE/yard/manifest" && chain_ok "$STORE/yard/manifest" &&
	must_fail 1 camrec -C site verify yard >out 2>&1 &&
	has "yard/manifest:[0-9]+: file \"yard/../../outside/.*\" is not inside the directory of camera yard: refused" out &&
	must_fail 1 camrec -C site prune --now 2100-01-01T00:00:00Z >out 2>&1 &&
	has "yard/manifest:[0-9]+: file \"yard/../../outside/.*\" is not inside the directory of camera yard: refused" out &&
	untouched &&
	test -s "$STORE/gate/manifest" && rm -rf "$STORE/yard"
'

# ---- requests ----

sign() {
	camextract -C site sign --key "$P/director.key" --cert "$P/director.crt" "$1" >/dev/null
}
first=$(cut -f6 site.store/gate/manifest | jq -r "select(.start) | .start" | head -1)
from=$(date -u -d "$first +1 sec" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "$first +8 sec" +%Y-%m-%dT%H:%M:%SZ)

# bad_request NAME MESSAGE: camextract run refuses NAME.yaml with
# MESSAGE, writes no archive, in bounded memory.
bad_request() {
	rss 1 camextract -C site run "$1.yaml" -o "$1.tar" 2>err || return 1
	rss_ok && has "$2" err && test ! -e "$1.tar" &&
	test -z "$(ls "$1".tar* 2>/dev/null)" && untouched
}

expect_success 'request ids and cameras with ../, /, control characters: refused at file:line' '
	request H1 "$from" "$to" && sed -i "s|^id: H1|id: ../../outside/x|" H1.yaml &&
	bad_request H1 "H1.yaml:1:[0-9]+: .*id" &&
	request H2 "$from" "$to" && sed -i "s|^id: H2|id: /etc/x|" H2.yaml && bad_request H2 "H2.yaml:1:" &&
	request H3 "$from" "$to" && sed -i "s|^cameras: \[gate\]|cameras: [../etc]|" H3.yaml &&
	bad_request H3 "H3.yaml:6:[0-9]+: .*\.\./etc" &&
	request H4 "$from" "$to" && sed -i "s|^purpose: .*|purpose: \"a\\\\x1b[2Jb\"|" H4.yaml &&
	bad_request H4 "H4.yaml:[0-9]+:[0-9]+: .*control" &&
	request H5 "$from" "$to" && printf "note: a\000b\n" >>H5.yaml && bad_request H5 "H5.yaml" &&
	must_fail 1 camextract -C site sign --key "$P/director.key" --cert "$P/director.crt" H1.yaml 2>err &&
	test -z "$(ls H1.yaml.*p7s 2>/dev/null)"
'

expect_success 'a 10 MB purpose, 10 000 levels, billion laughs, a 2^63 window: refused, small RSS' '
	request H6 "$from" "$to" && { head -c 10485760 /dev/zero | tr "\\0" x | sed "s/^/purpose2: /" && echo; } >>H6.yaml &&
	bad_request H6 "larger than 1048576 bytes" &&
	request H7 "$from" "$to" && python3 -c "print(\"x: \" + \"[\" * 10000 + \"]\" * 10000)" >>H7.yaml &&
	bad_request H7 "H7.yaml:[0-9]+:[0-9]+: nested too deeply" &&
	request H8 "$from" "$to" && printf "a: &a [x, x, x]\nb: [*a, *a, *a]\n" >>H8.yaml &&
	bad_request H8 "H8.yaml:[0-9]+:[0-9]+: anchors and aliases are not allowed" &&
	request H9 "$from" "$to" && sed -i "s|^to: .*|to: \"292277026596-12-04T15:30:08Z\"|" H9.yaml &&
	bad_request H9 "H9.yaml:8:[0-9]+: " &&
	request H10 "$from" "$to" && sed -i "s|^from: .*|from: \"-9223372036854775808\"|" H10.yaml &&
	bad_request H10 "H10.yaml:7:[0-9]+: "
'

# ---- archives ----

expect_success 'setup: a good signed archive' '
	request R1 "$from" "$to" && sign R1.yaml && camextract -C site run R1.yaml -o R1.tar >/dev/null &&
	camaudit -C site verify R1.tar >/dev/null
'

expect_success 'the output path a planted symbolic link (to /etc/passwd, say): refused, target untouched' '
	request R2 "$from" "$to" && sign R2.yaml && ln -s "$T/outside/passwd" R2.tar &&
	must_fail 1 camextract -C site run R2.yaml -o R2.tar 2>err &&
	has "R2.tar already exists" err && untouched && test -L R2.tar &&
	test -z "$(ls R2.tar.tmp* 2>/dev/null)" && rm R2.tar
'

# crafted_tar OUT NAME [symlink|dup|nul]: R1.tar plus one hostile member.
crafted_tar() {
	python3 - "$@" <<-"PY"
	import io, sys, tarfile
	out, name = sys.argv[1], sys.argv[2]
	kind = sys.argv[3] if len(sys.argv) > 3 else "file"
	src = tarfile.open("R1.tar")
	dst = tarfile.open(out, "w", format=tarfile.PAX_FORMAT)
	for m in src.getmembers():
	    dst.addfile(m, src.extractfile(m))
	    if kind == "dup" and m.name == "SHA256SUMS":
	        dst.addfile(m, io.BytesIO(b"0" * m.size))
	if kind == "symlink":
	    t = tarfile.TarInfo(name); t.type = tarfile.SYMTYPE; t.linkname = "/etc/passwd"
	    dst.addfile(t)
	elif kind == "file":
	    t = tarfile.TarInfo(name); t.size = 2
	    dst.addfile(t, io.BytesIO(b"x\n"))
	if kind == "nul":
	    # A pax path record holding a NUL (tar itself cannot write one):
	    # readers that stop at the NUL see only NAME.
	    t = tarfile.TarInfo("x"); t.size = 2
	    t.pax_headers = {"path": name + "\0../../x"}
	    dst.addfile(t, io.BytesIO(b"x\n"))
	dst.close()
	PY
}

expect_success 'camaudit verify: members ../x, /etc/x, a/../../x, a symlink, a duplicate, a NUL: FAIL tar, nothing written' '
	mkdir aud && cd aud && cp ../R1.tar . &&
	n=0 &&
	for c in "../x file" "/etc/x file" "a/../../x file" "clips/link symlink" "SHA256SUMS dup" "clips/extra nul" "request/R1.yaml nul"; do
		n=$((n + 1)) && set -- $c &&
		crafted_tar C$n.tar "$1" "$2" || exit 1
		before=$(find "$T" -newer C$n.tar | wc -l) &&
		rss 1 camaudit -C ../site verify C$n.tar >out 2>&1 ||
		    { echo "case $c" >&2; cat out >&2; exit 1; }
		rss_ok && has "^FAIL	" out || { echo "case $c" >&2; exit 1; }
		# A NUL in a pax path: libarchive stops the name at it;
		# camaudit reads the pax record itself and fails the tar.
		has "^FAIL	tar	" out || { echo "case $c" >&2; exit 1; }
		case $c in *nul) has "pax path holds a NUL byte" out || exit 1;; esac &&
		test "$(find "$T" -newer C$n.tar ! -path "$T/rss*" ! -path "$T/.out" ! -path "$T/aud/out" \
		    ! -path "$T/aud" ! -path "$T" ! -path "$STORE/audit.journal" | wc -l)" = 0 ||
		    { echo "$c: wrote files" >&2; find "$T" -newer C$n.tar >&2; exit 1; }
	done &&
	test ! -e "$T/x" && test ! -e /etc/x && test ! -e a && untouched
'

expect_success 'peak RSS of every measured run stays under the bound' '
	sort -n "$T/rss.all" | tail -n3 | sed "s/^/# /" >&2 &&
	test "$(sort -n "$T/rss.all" | tail -n1 | cut -d" " -f1)" -lt "$RSS_MAX"
'
sort -n "$T/rss.all" 2>/dev/null | tail -n1 | sed 's/^/# peak RSS kB: /'

stop_camera gate
done_testing
