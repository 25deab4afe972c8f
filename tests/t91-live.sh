# camrec publishes what it reads for camview (media/cam_live.h): one Unix
# socket per camera stream in view.run_dir/live/, the last GOP held for a
# new subscriber, and a subscriber that stalls or dies never costs the
# recording a frame.  tests/livesub is the subscriber: one line per
# message, "H codec w h extradata tb_num tb_den", "P key dts read_us size
# recv_us", "D since reason".
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
RUN=$T/site.run
grep -q "^  run_dir: $RUN\$" site/camkit.yaml ||
    skip_all "$RUN is too long for a socket path (a shorter TMPDIR)"
live() { "$CAMKIT_BIN/tests/livesub" "$@"; }
# A 2 s GOP: 10 frames a second, a keyframe every 20.
start_camera gate --live --fps 10 --gop 20
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null

# dts_increase FILE: every packet's DTS is above the one before.
dts_increase() {
	awk '$1 == "P" { if (n++ && $3 <= prev) { print "dts " $3 " after " prev; bad = 1 }
	    prev = $3 } END { exit bad || n < 2 }' "$1"
}

# first_is_key FILE: a header, then a keyframe.
first_is_key() {
	test "$(sed -n 1p "$1" | cut -d" " -f1-4)" = "H h264 320 240" &&
	test "$(sed -n 2p "$1" | cut -d" " -f1-2)" = "P 1"
}

expect_success 'the socket is 0660 in a 0750 directory; a subscriber gets the header, then a keyframe, DTS increasing' '
	{ camrec -C site record gate --for 20s 2>err & } &&
	pid=$! &&
	live -w -t 6 -n 40 "$RUN" gate >sub1 &&
	test "$(stat -c %a "$RUN/live")" = 750 &&
	test "$(stat -c %a "$RUN/live/gate.sock")" = 660 &&
	test -S "$RUN/live/gate.sock" &&
	first_is_key sub1 &&
	test "$(grep -c "^P " sub1)" = 39 &&
	dts_increase sub1 &&
	awk "\$1 == \"H\" { exit !(\$5 > 10) }" sub1 &&
	# Two at once, both whole.
	{ live -t 6 -n 30 "$RUN" gate >sub2 & } &&
	p2=$! &&
	live -t 6 -n 30 "$RUN" gate >sub3 &&
	wait $p2 &&
	first_is_key sub2 && first_is_key sub3 &&
	dts_increase sub2 && dts_increase sub3 &&
	test "$(grep -c "^P " sub2)" = 29 &&
	test "$(grep -c "^P " sub3)" = 29 &&
	kill -TERM $pid &&
	wait $pid &&
	test ! -e "$RUN/live/gate.sock"
'

expect_success 'one connecting mid-GOP starts from the held keyframe within 1 s' '
	{ camrec -C site record gate --for 25s 2>err & } &&
	pid=$! &&
	live -w -t 10 -n 3 "$RUN" gate >/dev/null &&
	for d in 0.3 0.7 1.1 0.5 0.9 1.3; do
		sleep $d &&
		live -m -t 3 -n 3 "$RUN" gate >>firsts || exit 1
	done &&
	test "$(grep -c "^first_key_ms" firsts)" = 6 &&
	awk "/^first_key_ms/ { if (\$2 < 0 || \$2 > 1000) bad = 1 } END { exit bad }" firsts &&
	kill -TERM $pid &&
	wait $pid
'

# run_rate SITE CAMERA: frames and duration_ms over the camera's
# segments (ffprobe counts the frames), and the record-stop's read gap.
run_rate() {
	local f frames=0 ms=0 &&
	for f in $(segments "$1" "$2"); do
		frames=$((frames + $(frames "$f"))) || return 1
	done &&
	ms=$(grep "	segment	" "$T/$1.store/$2/manifest" | cut -f6 |
	    jq -s "map(.duration_ms) | add") &&
	gap=$(grep "	record-stop	" "$T/$1.store/$2/manifest" | tail -1 |
	    cut -f6 | jq .read_gap_ms) &&
	echo "$frames $ms $gap"
}

expect_success 'subscribers that never read or are killed: the recording keeps every frame' '
	url=$(camera_url gate) &&
	camctl -C site camera add calm --url "$url" --segment 5s >/dev/null &&
	camctl -C site camera add busy --url "$url" --segment 5s >/dev/null &&
	camrec -C site record calm --for 15s 2>err.calm &&
	{ camrec -C site record busy --for 15s 2>err.busy & } &&
	pid=$! &&
	{ live -w -S -t 14 "$RUN" busy & } &&
	s1=$! &&
	{ live -w -S -t 14 "$RUN" busy & } &&
	s2=$! &&
	{ live -w -t 14 "$RUN" busy >killed & } &&
	s3=$! &&
	wait_for grep -q "^P " killed &&
	kill -STOP $s3 &&
	sleep 3 &&
	kill_wait $s3 &&
	{ live -w -t 14 "$RUN" busy >/dev/null & } &&
	s4=$! &&
	sleep 1 &&
	kill_wait $s4 &&
	wait $pid &&
	wait $s1 && wait $s2 &&
	run_rate site calm >calm &&
	run_rate site busy >busy &&
	cat calm busy &&
	# 10 frames a second in both, as long as recorded; no long read gap.
	awk "{ r = \$1 * 1000 / \$2; if (r < 9.8 || r > 10.2 || \$3 > 1000) bad = 1 }
	    END { exit bad }" calm busy &&
	test "$(cut -d" " -f1 busy)" -ge "$(( $(cut -d" " -f1 calm) - 15 ))"
'

expect_success 'the camera stopped mid-view: D with the reason, then H when it is back' '
	start_camera flaky --live --fps 10 --gop 20 &&
	port=$(camera_port flaky) &&
	camctl -C site camera add flaky --url "$(camera_url flaky)" --segment 5s >/dev/null &&
	{ camrec -C site record flaky --for 40s 2>err & } &&
	pid=$! &&
	{ live -w -t 38 "$RUN" flaky >view & } &&
	sp=$! &&
	wait_for grep -q "^P 1 " view &&
	stop_camera flaky KILL &&
	wait_for grep -q "^D " view &&
	reason=$(grep "	camera-down	" site.store/flaky/manifest | tail -1 |
	    cut -f6 | jq -r .reason) &&
	test "$(grep "^D " view | head -1 | cut -d" " -f3-)" = "$reason" &&
	PORT=$port start_camera flaky --live --fps 10 --gop 20 &&
	wait_for awk "/^D / { d = 1 } d && /^H / { h = 1 } h && /^P 1 / { k = 1 } END { exit !k }" view &&
	# Who connects while it was down got the D at once; now an H.
	live -t 5 -n 2 "$RUN" flaky >after &&
	first_is_key after &&
	kill -TERM $pid &&
	wait $pid &&
	kill_any $sp &&
	stop_camera flaky
'

expect_success 'a live_url camera: its wall stream on .wall.sock, not recorded, back by itself' '
	start_camera small --live --size 160x120 --fps 10 --gop 20 &&
	port=$(camera_port small) &&
	camctl -C site camera add door --url "$(camera_url gate)" --segment 5s >/dev/null &&
	camctl -C site camera set door "live_url=$(camera_url small)" >/dev/null &&
	{ camrec -C site record door --for 30s 2>err & } &&
	pid=$! &&
	live -w -t 8 -n 10 -s wall "$RUN" door >wall &&
	live -w -t 8 -n 10 "$RUN" door >main &&
	test "$(stat -c %a "$RUN/live/door.wall.sock")" = 660 &&
	test "$(sed -n 1p wall | cut -d" " -f1-4)" = "H h264 160 120" &&
	test "$(sed -n 2p wall | cut -d" " -f1-2)" = "P 1" &&
	dts_increase wall &&
	first_is_key main &&
	# The wall stream fails and comes back; the recording does not notice.
	{ live -t 20 -s wall "$RUN" door >wall2 & } &&
	sp=$! &&
	wait_for grep -q "^P 1 " wall2 &&
	stop_camera small KILL &&
	wait_for grep -q "^D " wall2 &&
	PORT=$port start_camera small --live --size 160x120 --fps 10 --gop 20 &&
	wait_for awk "/^D / { d = 1 } d && /^H h264 160 120/ { h = 1 } h && /^P 1 / { k = 1 } END { exit !k }" wall2 &&
	wait $pid &&
	kill_any $sp &&
	has "wall stream: " err &&
	test "$(grep -c "wall stream: " err)" = 1 &&
	grep "	segment	" site.store/door/manifest | cut -f6 |
	    jq -r "\"\(.width)x\(.height)\"" | sort -u >sizes &&
	test "$(cat sizes)" = 320x240 &&
	manifest_kinds site door >kinds &&
	hasnt "^camera-down$" kinds &&
	run_rate site door >door &&
	awk "{ r = \$1 * 1000 / \$2; if (r < 9.8 || r > 10.2) bad = 1 } END { exit bad }" door &&
	test ! -e "$RUN/live/door.wall.sock" &&
	stop_camera small
'

expect_success 'an H.265 camera: the header says hevc, with its parameter sets' '
	start_camera hevc --live --codec h265 --fps 10 --gop 20 &&
	camctl -C site camera add tower --url "$(camera_url hevc)" --segment 5s >/dev/null &&
	{ camrec -C site record tower --for 10s 2>err & } &&
	pid=$! &&
	live -w -t 8 -n 5 "$RUN" tower >hv &&
	wait $pid &&
	test "$(sed -n 1p hv | cut -d" " -f1-4)" = "H hevc 320 240" &&
	awk "NR == 1 { exit !(\$5 > 20) }" hv &&
	test "$(sed -n 2p hv | cut -d" " -f1-2)" = "P 1" &&
	dts_increase hv &&
	stop_camera hevc
'

expect_success 'run_dir unusable: the recording goes on, and says why once' '
	cp site/camkit.yaml yaml.saved &&
	echo not-a-directory >plain &&
	sed -i "s|^  run_dir: .*|  run_dir: $T/plain/run|" site/camkit.yaml &&
	camctl -C site commit -m "an unusable run_dir" >/dev/null &&
	camrec -C site record gate --for 8s 2>err &&
	has "live view: .*plain.*recording goes on without it" err &&
	test "$(grep -c "live view" err)" = 1 &&
	test "$(grep -c "	segment	" site.store/gate/manifest)" -ge 1 &&
	manifest_kinds site gate | tail -1 | grep -qx record-stop &&
	for f in $(segments site gate); do
		test "$(frames "$f")" -gt 0 || exit 1
	done &&
	cp yaml.saved site/camkit.yaml &&
	camctl -C site commit -m "run_dir back" >/dev/null
'

expect_success 'under valgrind: subscribers, a stalled one, the wall stream: no error, no leak' '
	case $CAMKIT_BIN in */asan) skip_test "valgrind cannot run a sanitized build" ;; esac &&
	{ command -v valgrind >/dev/null || skip_test "no valgrind (make deps)"; } &&
	shim=$CAMKIT_BIN/tests/hwytimer.so &&
	{ [ -f "$shim" ] || skip_test "no $shim (make all-tests)"; } &&
	start_camera tiny --live --size 160x120 --fps 10 --gop 20 &&
	camctl -C site camera set door "live_url=$(camera_url tiny)" >/dev/null &&
	{ LD_PRELOAD=$shim valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --track-fds=no --log-file="$T/rec.vg" \
	    "$CAMKIT_BIN/camrec" -C site record door --for 50s 2>err & } &&
	pid=$! &&
	# valgrind takes its time to start on a busy machine.
	{ wait_for test -S "$RUN/live/door.sock" ||
	    wait_for test -S "$RUN/live/door.sock"; } &&
	{ live -w -S -t 18 "$RUN" door & } &&
	s1=$! &&
	live -w -t 15 -n 30 "$RUN" door >vmain &&
	live -w -t 15 -n 30 -s wall "$RUN" door >vwall &&
	wait $s1 &&
	kill -TERM $pid &&
	wait $pid &&
	first_is_key vmain &&
	test "$(sed -n 1p vwall | cut -d" " -f1-4)" = "H h264 160 120" &&
	{ test ! -s rec.vg || { head -60 rec.vg >&2; false; }; } &&
	stop_camera tiny
'

done_testing
