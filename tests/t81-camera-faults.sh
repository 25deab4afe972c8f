# camrec against cameras that misbehave: authentication, a camera that is
# down, rebooted mid-stream, H.265, audio, timestamps that jump back.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
printf 's3cret:pa ss@word\n' >pw

expect_success 'digest authentication with credentials from private/' '
	start_camera auth --live --user admin --password "s3cret:pa ss@word" &&
	camctl -C site camera add auth --url "$(camera_url auth)" --segment 5s \
	    --username admin --password-file pw >/dev/null &&
	camrec -C site record auth --for 7s 2>err &&
	test "$(manifest_kinds site auth | grep -c "^segment$")" -ge 1 &&
	! grep -q "s3cret" site.store/auth/manifest err
'

expect_success 'a wrong password is a camera-down event, never a crash' '
	printf "wrong\n" | camctl -C site camera add auth2 --url "$(camera_url auth)" \
	    --segment 5s --username admin >/dev/null &&
	camrec -C site -v record auth2 --for 4s 2>err &&
	manifest_kinds site auth2 >kinds &&
	has "^camera-down$" kinds &&
	grep "	camera-down	" site.store/auth2/manifest | grep -qi "unauthorized\|401\|denied\|forbidden" &&
	! grep -q "wrong" site.store/auth2/manifest err &&
	stop_camera auth
'

expect_success 'basic authentication works too' '
	start_camera basic --live --user viewer --password pw2 --auth basic &&
	printf "pw2\n" | camctl -C site camera add basic --url "$(camera_url basic)" \
	    --segment 5s --username viewer >/dev/null &&
	camrec -C site record basic --for 5s 2>err &&
	test "$(manifest_kinds site basic | grep -c "^segment$")" -ge 1 &&
	stop_camera basic
'

expect_success 'a camera down at start: journaled, then recorded once it is up' '
	start_camera late --live &&
	port=$(camera_port late) &&
	stop_camera late &&
	camctl -C site camera add late --url "rtsp://127.0.0.1:$port/cam" --segment 5s >/dev/null &&
	{ camrec -C site record late --for 14s 2>err & } &&
	pid=$! &&
	wait_for grep -q "	camera-down	" site.store/late/manifest &&
	PORT=$port start_camera late --live &&
	wait $pid &&
	manifest_kinds site late >kinds &&
	grep -E "camera-down|camera-up" kinds | head -2 >order &&
	printf "camera-down\ncamera-up\n" >want &&
	cmp_text want order &&
	test "$(grep -c "^segment$" kinds)" -ge 1 &&
	grep "	camera-up	" site.store/late/manifest | cut -f6 | jq -e ".down_seconds >= 0" >/dev/null &&
	stop_camera late
'

expect_success 'a camera rebooted mid-stream: the gap is journaled, recording resumes' '
	start_camera reboot --live &&
	port=$(camera_port reboot) &&
	camctl -C site camera add reboot --url "$(camera_url reboot)" --segment 5s >/dev/null &&
	{ camrec -C site record reboot --for 20s 2>err & } &&
	pid=$! &&
	wait_for grep -q "	segment	" site.store/reboot/manifest &&
	stop_camera reboot KILL &&
	sleep 2 &&
	PORT=$port start_camera reboot --live &&
	up_at=$(date +%s) &&
	wait $pid &&
	t=$(grep "	camera-up	" site.store/reboot/manifest | head -1 | cut -f2) &&
	test $(( $(date -d "$t" +%s) - up_at )) -le 5 &&
	manifest_kinds site reboot >kinds &&
	has "^camera-down$" kinds &&
	has "^camera-up$" kinds &&
	awk "/camera-up/ { up = 1 } up && /^segment$/ { n++ } END { exit !(n >= 1) }" kinds &&
	test -z "$(find site.store/reboot -name "*.partial")" &&
	for f in $(segments site reboot); do
		test "$(frames "$f")" -gt 0 || exit 1
	done &&
	stop_camera reboot
'

expect_success 'H.265 is recorded as H.265' '
	start_camera hevc --live --codec h265 &&
	camctl -C site camera add hevc --url "$(camera_url hevc)" --segment 5s >/dev/null &&
	camrec -C site record hevc --for 8s 2>err &&
	f=$(segments site hevc | head -1) &&
	test "$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 "$f")" = hevc &&
	test "$(frames "$f")" -gt 0 &&
	grep "	segment	" site.store/hevc/manifest | head -1 | cut -f6 | jq -e ".codec == \"hevc\"" >/dev/null &&
	stop_camera hevc
'

expect_success 'audio is passed through' '
	start_camera av --live --audio &&
	camctl -C site camera add av --url "$(camera_url av)" --segment 5s >/dev/null &&
	camrec -C site record av --for 8s 2>err &&
	f=$(segments site av | head -1) &&
	ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$f" >types &&
	has "^video" types && has "^audio" types &&
	grep "	segment	" site.store/av/manifest | head -1 | cut -f6 | jq -e ".audio != null" >/dev/null &&
	stop_camera av
'

expect_success 'timestamps that jump back start a new segment and are journaled' '
	ffmpeg -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=10 -t 2 \
	    -c:v libx264 -g 10 -bf 0 clip.ts &&
	start_camera loop --file clip.ts &&
	camctl -C site camera add loop --url "$(camera_url loop)" --segment 60s >/dev/null &&
	camrec -C site record loop --for 9s 2>err &&
	manifest_kinds site loop >kinds &&
	has "^timestamp-jump$" kinds &&
	test "$(grep -c "^segment$" kinds)" -ge 2 &&
	for f in $(segments site loop); do
		test "$(frames "$f")" -gt 0 || exit 1
	done &&
	stop_camera loop
'

expect_success 'RTP over UDP when the camera says transport: udp' '
	start_camera udp --live &&
	camctl -C site camera add udp --url "$(camera_url udp)" --segment 5s \
	    --transport udp >/dev/null &&
	camrec -C site record udp --for 7s 2>err &&
	grep "	record-start	" site.store/udp/manifest | grep -q "\"transport\":\"udp\"" &&
	test "$(frames "$(segments site udp | head -1)")" -gt 0 &&
	stop_camera udp
'

expect_success 'B-frames (first packets without timestamps) record and decode cleanly' '
	start_camera bf --live --bframes 2 &&
	camctl -C site camera add bf --url "$(camera_url bf)" --segment 5s >/dev/null &&
	camrec -C site record bf --for 8s 2>err &&
	for f in $(segments site bf); do
		test "$(frames "$f")" -gt 0 || exit 1
		test -z "$(ffmpeg -v error -i "$f" -f null - 2>&1)" || exit 1
	done &&
	stop_camera bf
'

done_testing
