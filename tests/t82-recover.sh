# camrec after a crash: nothing indexed is lost, every partial segment is
# recovered or quarantined, the chain stays valid.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
# live_partial: a segment is being written (quarantine/ may hold old
# .partial files; the find runs anew each time wait_for asks).
live_partial() {
	test -n "$(find site.store -name "*.partial" -not -path "*/quarantine/*")"
}

expect_success 'SIGKILL mid-segment leaves a .partial that the next start recovers' '
	camrec -C site record gate 2>err &
	pid=$! &&
	wait_for grep -q "	segment	" site.store/gate/manifest &&
	sleep 2 &&
	kill_wait $pid &&
	find site.store -name "*.partial" >partials &&
	test "$(wc -l <partials)" = 1 &&
	cp "$(cat partials)" crashed.mkv &&
	camrec -C site recover gate >out &&
	has "^recovered	gate	1$" out &&
	test -z "$(find site.store -name "*.partial")" &&
	rec=$(grep "	segment	" site.store/gate/manifest | tail -1 | cut -f6) &&
	echo "$rec" | jq -e ".recovered == true" >/dev/null &&
	test "$(echo "$rec" | jq -r .original_sha256)  crashed.mkv" = "$(sha256sum crashed.mkv)" &&
	file=site.store/$(echo "$rec" | jq -r .file) &&
	test "$(echo "$rec" | jq -r .sha256)  $file" = "$(sha256sum "$file")" &&
	test "$(frames "$file")" -gt 0 &&
	test "$(frames "$file")" = "$(echo "$rec" | jq .frames)" &&
	chain_ok site.store/gate/manifest
'

expect_success 'a .partial with nothing readable is quarantined, not deleted' '
	d=site.store/gate/2026/01/01 && mkdir -p $d &&
	head -c 5000 /dev/urandom >$d/gate-20260101T000000Z.mkv.partial &&
	sha=$(sha256sum <$d/gate-20260101T000000Z.mkv.partial | cut -c1-64) &&
	camrec -C site recover gate >out &&
	test -f site.store/gate/quarantine/gate-20260101T000000Z.mkv.partial &&
	rec=$(grep "	quarantine	" site.store/gate/manifest | tail -1 | cut -f6) &&
	test "$(echo "$rec" | jq -r .sha256)" = "$sha" &&
	echo "$rec" | jq -e ".reason == \"no readable video\"" >/dev/null &&
	test -z "$(find site.store -name "*.partial" -not -path "*/quarantine/*")"
'

expect_success 'the same name quarantined again (the clock went back) is kept beside the first' '
	d=site.store/gate/2026/01/01 q=site.store/gate/quarantine &&
	first=$(sha256sum <$q/gate-20260101T000000Z.mkv.partial) &&
	head -c 3000 /dev/urandom >$d/gate-20260101T000000Z.mkv.partial &&
	sha=$(sha256sum <$d/gate-20260101T000000Z.mkv.partial | cut -c1-64) &&
	camrec -C site recover gate >out &&
	test "$(sha256sum <$q/gate-20260101T000000Z.mkv.partial)" = "$first" &&
	test "$(sha256sum <$q/gate-20260101T000000Z.mkv.partial.2 | cut -c1-64)" = "$sha" &&
	rec=$(grep "	quarantine	" site.store/gate/manifest | tail -1 | cut -f6) &&
	test "$(echo "$rec" | jq -r .moved_to)" = gate/quarantine/gate-20260101T000000Z.mkv.partial.2 &&
	test "$(echo "$rec" | jq -r .sha256)" = "$sha"
'

expect_success 'a crash between indexing and renaming: the rename is finished' '
	last=$(segments site gate | tail -1) &&
	mv "$last" "$last.partial" &&
	n=$(wc -l <site.store/gate/manifest) &&
	camrec -C site recover gate >out &&
	has "^recovered	gate	1$" out &&
	test -f "$last" &&
	test "$(wc -l <site.store/gate/manifest)" = "$n"
'

expect_success 'recording restarts recover by themselves' '
	camrec -C site record gate 2>err &
	pid=$! &&
	wait_for live_partial &&
	sleep 1 &&
	kill_wait $pid &&
	test -n "$(find site.store -name "*.partial" -not -path "*/quarantine/*")" &&
	camrec -C site record gate --for 3s 2>err &&
	test -z "$(find site.store -name "*.partial" -not -path "*/quarantine/*")" &&
	chain_ok site.store/gate/manifest
'

# make stress sets CAMKIT_KILLS=50.
kills=${CAMKIT_KILLS:-10}
q0=$(grep -c "	quarantine	" site.store/gate/manifest)
expect_success "SIGKILL at $kills random moments: every indexed segment verifies" '
	for i in $(seq $kills); do
		camrec -C site record gate 2>/dev/null &
		pid=$! &&
		sleep "$((RANDOM % 4)).$((RANDOM % 10))" &&
		kill_wait $pid || exit 1
	done &&
	camrec -C site recover gate >/dev/null &&
	test -z "$(find site.store -name "*.partial" -not -path "*/quarantine/*")" &&
	chain_ok site.store/gate/manifest &&
	quarantine_unreadable site.store/gate/manifest &&
	grep "	segment	" site.store/gate/manifest | cut -f6 | jq -r "[.sha256, .file] | @tsv" |
	while IFS="	" read -r sha file; do
		test "$sha  site.store/$file" = "$(sha256sum "site.store/$file")" ||
		    { echo "$file does not verify" >&2; exit 1; }
	done
'

m=site.store/gate/manifest
echo "# the manifest after the $kills kills: $(grep -c "	segment	" $m) segments indexed," \
    "$(grep "	segment	" $m | cut -f6 | jq -c "select(.recovered)" | wc -l) recovered," \
    "$(($(grep -c "	quarantine	" $m) - q0)) quarantined (and $q0 before them)"

expect_success 'recover refuses to run under a live recorder' '
	camrec -C site record gate --for 6s 2>rec.err &
	pid=$! &&
	wait_for live_partial &&
	must_fail 1 camrec -C site recover gate 2>err &&
	has "is being recorded on this host" err &&
	wait $pid || { echo "camrec exited $?:"; cat rec.err; false; } &&
	find site.store -name "*.partial" -not -path "*/quarantine/*" >left &&
	test ! -s left || { echo "left after the recorder ended:"; cat left; tail -n 5 site.store/gate/manifest; false; }
'

expect_success 'a recovered segment ends when its footage ends' '
	grep "	segment	" site.store/gate/manifest | cut -f6 |
	    jq -c "select(.recovered) | [.start, .end, .duration_ms]" >rec.txt &&
	test -s rec.txt &&
	jq -e "((.[1] | fromdateiso8601) - (.[0] | fromdateiso8601)) >= ((.[2] / 1000 | floor) - 1)" rec.txt >/dev/null || { cat rec.txt; false; }
'

stop_camera gate
done_testing
