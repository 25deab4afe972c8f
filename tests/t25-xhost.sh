# Requests across hosts: two recorder hosts (rec1, rec2) on this machine
# share one configuration, each with its own disk at the data root; rec2
# replicates cam2 to the S3 store (tests/s3d.py) with camrec replicate
# after camctl seal.  A request for cam1 and cam2, run on rec1, takes
# cam2 from the store: one archive whose custody names each segment's
# host.  Not yet replicated, altered in the store, or a store down:
# refused, nothing written, the request still unused.
. "$CAMKIT_TOP/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (unshare --uts --mount)"
unshare --uts --mount true 2>/dev/null ||
    skip_all "unshare --uts --mount is not allowed here"
command -v faketime >/dev/null || skip_all "needs faketime"

P=$T/pki

# on HOST CMD...: CMD as run on HOST: its host name, its own disk at the
# data root.
on() {
	unshare --uts --mount sh -c 'hostname "$1" && mount --bind "$2" "$3" &&
	    shift 3 && exec "$@"' on "$1" "$T/$1.disk" "$T/site.store" "${@:2}"
}
# unused REQ: nothing of REQ was written on rec1: no archive, no
# temporary file beside it, no record of its use.
unused() {
	test -z "$(ls "$1".tar* 2>/dev/null)" &&
	{ test ! -e rec1.disk/extractions.journal ||
	    ! cut -f6 rec1.disk/extractions.journal | jq -e "select(.id == \"$1\")" >/dev/null; }
}
# lastseg: the file of the last segment rec2 recorded before its first
# seal now (inside the window of the requests).
lastseg() {
	awk -F"\t" "\$5 == \"segment\" { print \$6 }" "rec2.disk/cam2/manifest.$old" |
	    tail -n1 | jq -r .file
}

director_site site
s3d_start xh
trap 's3d_stop xh; cleanup' EXIT
s3d_credential site store
for b in ev-xhost jn-xhost ft-xhost; do s3d_bucket "$b" lock; done
mkdir -p rec1.disk rec2.disk
sed -i "s|^  host: .*|  host: rec1|" site/camkit.yaml
cat >>site/camkit.yaml <<EOC
replication:
  endpoint: $S3_ENDPOINT
  credential: store
  buckets: { evidence: ev-xhost, journals: jn-xhost, footage: ft-xhost }
  footage_days: 90
EOC
camctl -C site commit -m "rec1 records, replication to the store" >/dev/null
start_camera cam1 --live
start_camera cam2 --live
camctl -C site camera add cam1 --url "$(camera_url cam1)" --segment 5s --host rec1 >/dev/null
camctl -C site camera add cam2 --url "$(camera_url cam2)" --segment 5s --host rec2 >/dev/null
# rec2 recorded cam2 for 3 s 40 days ago (faketime: its manifest began
# in an earlier month, so that the next seal closes that volume), then
# 6 s now, seals and replicates: what the store has of it until the
# next replication; then 11 s more, and seals again.
on rec1 camrec -C site record cam1 --for 18s 2>/dev/null &
rec1=$!
# (A sanitized build's runtime accepts libfaketime loaded before it.)
on rec2 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    sh -c 'faketime -f -40d camrec -C site record cam2 --for 3s &&
    camrec -C site record cam2 --for 6s && camctl -C site seal &&
    camrec -C site replicate --once && camrec -C site record cam2 --for 11s &&
    camctl -C site seal' >rec2.log 2>&1
wait "$rec1"
stop_camera cam1
stop_camera cam2
# The window: from 4 s before the first seal of rec2 (what it replicated
# first) to 3 s after it, within the recordings of both cameras.
old=$(date -u -d "-40 days" +%Y-%m)
seal1=$(tail -n1 "rec2.disk/cam2/manifest.$old" | cut -f2)
from=$(date -u -d "$seal1 -4 sec" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "$seal1 +3 sec" +%Y-%m-%dT%H:%M:%SZ)
request R1 "$from" "$to" "" "cam1, cam2"
sign R1.yaml director

expect_success 'both hosts recorded their camera; the manifest of rec2 has two volumes, replicated once' '
	test -n "$(find rec1.disk/cam1 -name "*.mkv")" &&
	test ! -e rec1.disk/cam2 && test ! -e rec2.disk/cam1 &&
	test "$(cut -f3 rec2.disk/cam2/manifest | sort -u)" = rec2 &&
	test "$(tail -n1 "rec2.disk/cam2/manifest.$old" | cut -f5)" = seal &&
	test "$(head -n1 rec2.disk/cam2/manifest | cut -f5)" = volume &&
	test "$(tail -n1 rec2.disk/cam2/manifest | cut -f5)" = seal &&
	grep -q "	replicated	" rec2.disk/cam2/manifest &&
	test -n "$(lastseg)"
'

expect_success 'the store has cam2 only up to its first seal: refused, nothing written, the request unused' '
	must_fail 1 on rec1 camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	has "refused \(not-replicated\)" err &&
	has "camera cam2 on host rec2: the store has its footage only up to" err &&
	has "try again after the next replication" err &&
	unused R1 &&
	tail -n1 rec1.disk/audit.journal | cut -f6 |
	    jq -e ".outcome == \"refused\" and (.reason | startswith(\"not-replicated\"))" >/dev/null
'

expect_success 'a segment of the window altered in the store: refused, nothing written, the request unused' '
	on rec2 camrec -C site replicate --once >out 2>err &&
	f=$(lastseg) && b=$(s3d_body ft-xhost "rec2/$f") &&
	cp "$b" saved.mkv && printf x | dd of="$b" bs=1 seek=4000 conv=notrunc 2>/dev/null &&
	! cmp -s "$b" saved.mkv &&
	must_fail 1 on rec1 camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	has "refused \(store-altered\)" err && has "segment $f in the store" err &&
	has "altered, refused" err &&
	unused R1 &&
	cp saved.mkv "$b"
'

expect_success 'a chunk of the manifest altered in the store: refused, nothing written, the request unused' '
	k=$(ls "$S3_DIR/jn-xhost/rec2/journals/cam2/manifest" | head -1) &&
	b=$(s3d_body jn-xhost "rec2/journals/cam2/manifest/$k") &&
	cp "$b" saved.chunk && sed -i "1s/\"transport\"/\"tranzport\"/" "$b" &&
	! cmp -s "$b" saved.chunk &&
	must_fail 1 on rec1 camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	has "refused \(store-altered\)" err &&
	has "camera cam2 on host rec2: its manifest in the store" err &&
	unused R1 &&
	cp saved.chunk "$b"
'

expect_success 'no replication: configured: a camera of another host is refused, naming it' '
	cp site/camkit.yaml with-store.yaml &&
	sed -i "/^replication:/,\$d" site/camkit.yaml &&
	camctl -C site commit -m "no store" >/dev/null &&
	must_fail 1 on rec1 camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	has "refused \(other-host\)" err &&
	has "camera cam2 is recorded on host rec2, not here \(rec1\)" err &&
	unused R1 &&
	cp with-store.yaml site/camkit.yaml &&
	camctl -C site commit -m "the store again" >/dev/null
'

expect_success 'a request for cam1 on rec1 and cam2 on rec2, run on rec1: one archive' '
	{ on rec1 camextract -C site run R1.yaml -o R1.tar >out 2>err || { cat err; false; }; } &&
	has "^clips/cam1.mp4	h264	" out && has "^clips/cam2.mp4	h264	" out &&
	test -z "$(ls -d R1.tar.* 2>/dev/null)" &&
	mkdir x && tar -xf R1.tar -C x &&
	(cd x && sha256sum -c --quiet SHA256SUMS) &&
	for c in cam1 cam2; do
		d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 x/clips/$c.mp4) &&
		awk -v d="$d" "BEGIN { exit !(d >= 3 && d <= 9) }" || exit 1
	done
'

expect_success 'custody names rec1 and rec2 for the right segments, with their manifest hashes' '
	test "$(jq -r ".clips[] | select(.camera == \"cam1\") | .sources[].host" x/custody.json | sort -u)" = rec1 &&
	test "$(jq -r ".clips[] | select(.camera == \"cam2\") | .sources[].host" x/custody.json | sort -u)" = rec2 &&
	test "$(jq -r .extraction.host x/custody.json)" = rec1 &&
	jq -r ".clips[] | select(.camera == \"cam2\") | .sources[] | .sha256 + \" \" + .file" x/custody.json >src &&
	test -s src &&
	while read -r h f; do
		cut -f6 rec2.disk/cam2/manifest | jq -r "select(.file == \"$f\") | .sha256" | grep -qx "$h" || exit 1
	done <src &&
	test "$(jq -r ".clips[] | select(.camera == \"cam2\") | .hold" x/custody.json)" = 0
'

expect_success 'camaudit verifies the archive; the use is journaled and audited with both hosts' '
	{ on rec1 camaudit -C site verify R1.tar >out 2>err || { cat out err; false; }; } &&
	has "^ok	sources	clips/cam1.mp4: [0-9]* segments listed in the manifest of cam1 \(chain valid\)" out &&
	has "^ok	sources	clips/cam2.mp4: [0-9]* segments listed in the manifest of cam2 on host rec2 in the store \(chain and seals valid\)" out &&
	cut -f6 rec1.disk/extractions.journal | jq -e "select(.id == \"R1\") | .hosts == [\"rec1\", \"rec2\"]" >/dev/null &&
	cut -f6 rec1.disk/audit.journal | jq -s -e "map(select(.object == \"R1\" and .outcome == \"granted\" and .detail.hosts == [\"rec1\", \"rec2\"])) | length == 1" >/dev/null &&
	must_fail 1 on rec1 camextract -C site run R1.yaml -o again.tar 2>err &&
	has "refused \(replay\)" err
'

expect_success 'the store down: a clear error, nothing written, the request unused' '
	request R2 "$from" "$to" "" "cam1, cam2" && sign R2.yaml director &&
	s3d_stop xh &&
	must_fail 3 on rec1 camextract -C site run R2.yaml -o R2.tar >out 2>err &&
	has "$S3_ENDPOINT" err &&
	unused R2
'

done_testing
