# camaudit recordings and gaps in the footage: a gap while the camera
# was down (journaled camera-down) is an ok line; a gap while the camera
# was up but nothing recorded it (camrec killed) is a FAIL that names it.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
start_camera out --live
start_camera kill --live
out_port=$(camera_port out)
camctl -C site camera add out --url "$(camera_url out)" --segment 5s >/dev/null
camctl -C site camera add kill --url "$(camera_url kill)" --segment 5s >/dev/null
start_camera stop --live
camctl -C site camera add stop --url "$(camera_url stop)" --segment 5s >/dev/null
# Camera "stop": recorded, stopped on purpose for 8 s, recorded again.
{ camrec -C site record stop --for 7s; sleep 8; camrec -C site record stop --for 7s; } 2>/dev/null &
stop_pid=$!

# Both at once: camera "out" goes down for 8 s under a running camrec;
# camera "kill" stays up while its camrec is killed and is started again
# 8 s later.  camrec waits up to 8 s between attempts to reach a camera,
# so "out" is recorded until a segment after its camera-up is closed.
camrec -C site record out --for 120s 2>/dev/null &
out_pid=$!
camrec -C site record kill --for 60s 2>/dev/null &
kill_pid=$!
wait_for grep -q "	segment	" site.store/out/manifest
wait_for grep -q "	segment	" site.store/kill/manifest
sleep 3
stop_camera out KILL
kill -9 $kill_pid
wait $kill_pid 2>/dev/null
sleep 8
PORT=$out_port start_camera out --live
camrec -C site record kill --for 14s 2>/dev/null
segment_after_up() {
	manifest_kinds site out |
	    awk '/^camera-up$/ { up = 1 } up && /^segment$/ { n++ } END { exit !n }'
}
wait_for segment_after_up
kill -TERM $out_pid
wait $out_pid
wait $stop_pid
stop_camera out
stop_camera kill
stop_camera stop

# gap_times SITE CAMERA: "END START" of the first hole of more than 1 s
# between two segment records, as UTC seconds.
gap_times() {
	cut -f5,6 "$T/$1.store/$2/manifest" | awk -F'\t' '$1 == "segment" { print $2 }' |
	    jq -r '[(.start | fromdate), (.end | fromdate)] | @tsv' |
	    awk -F'\t' 'NR > 1 && $1 - end > 1 { print end, $1; exit } { end = $2 }'
}
# local_time EPOCH: as camaudit prints it, in the site's zone, as an ERE.
local_time() {
	TZ=Asia/Ho_Chi_Minh date -d "@$1" "+%Y-%m-%d %H:%M:%S %:::z" | sed 's/+/\\+/'
}

expect_success 'the outage is journaled, the killed recorder is not' '
	manifest_kinds site out >kinds && has "^camera-down$" kinds && has "^camera-up$" kinds &&
	manifest_kinds site kill >kinds && hasnt "^camera-down$" kinds &&
	test "$(grep -c "^record-start$" kinds)" = 2 &&
	test "$(grep -c "^record-stop$" kinds)" = 1 &&
	test -n "$(gap_times site out)" && test -n "$(gap_times site kill)"
'

expect_success 'a gap with a journaled camera-down: ok, camaudit exits 0' '
	camaudit -C site recordings --camera out >out &&
	hasnt "^FAIL" out &&
	has "^ok	out	[0-9]+ segments match their manifest$" out &&
	set -- $(gap_times site out) &&
	has "^ok	gap	out: $(local_time $1) to $(local_time $2), $(($2 - $1)) s, the camera was down \(journaled\)$" out &&
	test $(($2 - $1)) -ge 6
'

expect_success 'a gap without camera-down: FAIL naming it, camaudit exits 1' '
	must_fail 1 camaudit -C site recordings --camera kill >out &&
	set -- $(gap_times site kill) &&
	has "^FAIL	gap	kill: $(local_time $1) to $(local_time $2), $(($2 - $1)) s, and no camera-down event: the recorder was not recording$" out &&
	test $(($2 - $1)) -ge 6 &&
	test "$(grep -c "^FAIL" out)" = 1 &&
	has "^ok	kill	[0-9]+ segments match their manifest$" out
'

expect_success 'all cameras: the FAILs are the killed and the stopped recorder'"'"'s gaps' '
	must_fail 1 camaudit -C site recordings >out &&
	test "$(grep -c "^FAIL" out)" = 2 && has "^FAIL	gap	kill: " out &&
	has "^FAIL	gap	stop: " out && has "^ok	gap	out: " out &&
	must_fail 1 camaudit -C site recordings --json >j &&
	jq -e ".ok == false and ([.checks[] | select(.ok == false)] | length) == 2" j >/dev/null &&
	jq -e "[.checks[] | select(.check == \"gap\" and .ok == false)][0].detail | startswith(\"kill: \")" j >/dev/null
'

expect_success '--from/--to: a window after the gap leaves it out' '
	set -- $(gap_times site kill) &&
	camaudit -C site recordings --camera kill --from "$(date -u -d "@$(($2 + 1))" +%Y-%m-%dT%H:%M:%SZ)" >out &&
	hasnt "gap" out &&
	must_fail 1 camaudit -C site recordings --camera kill \
	    --to "$(date -u -d "@$(($2 + 1))" +%Y-%m-%dT%H:%M:%SZ)" >out &&
	has "^FAIL	gap	kill: " out
'

expect_success 'recording stopped on purpose: a FAIL that names the record-stop' '
	must_fail 1 camaudit -C site recordings --camera stop >out &&
	has "^FAIL	gap	stop: .* s: recording was stopped at .* \(record-stop, reason duration\) and not resumed until " out &&
	hasnt "the camera was down" out
'

done_testing
