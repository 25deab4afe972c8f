# camview in a real browser, an H.265 camera: Debian's headless chromium
# cannot decode H.265 (MediaSource.isTypeSupported answers false for
# hvc1), so the camera's tile says why and names live_url, the H.264
# second stream; a camera that has one shows it on the wall.  Where the
# browser decodes H.265, both tiles must play.
. "$CAMKIT_TOP/tests/lib.sh"
. "$CAMKIT_TOP/tests/view/lib.sh"
view_needs

VPORT=$(free_port)
URL=https://127.0.0.1:$VPORT
g=cvh$$
trap 'stop_bg; cleanup' EXIT

# cams COOKIE JQ: /api/cameras answers 200 with a body that passes JQ.
cams() { api_is 200 "$1" /api/cameras && body_has "$2"; }
# segment CAMERA: a closed segment of CAMERA is there.
segment() { ls site.store/"$1"/*/*/*/*.mkv >/dev/null 2>&1; }

expect_success 'setup: two H.265 cameras, one with an H.264 live_url; a guard; camview serving' '
	view_site &&
	start_camera bare --live --codec h265 --size 320x240 \
	    --fps 10 --gop 20 &&
	start_camera walled --live --codec h265 --size 320x240 \
	    --fps 10 --gop 20 &&
	start_camera sub --live --fps 10 --gop 20 &&
	camctl -C site camera add bare --url "$(camera_url bare)" \
	    --segment 5s >/dev/null &&
	camctl -C site camera add walled --url "$(camera_url walled)" \
	    --live-url "$(camera_url sub)" --segment 5s >/dev/null &&
	view_account $g guard &&
	record_bg bare && record_bg walled &&
	serve_bg
'

expect_success 'the cameras as camview sees them: H.265 recorded, the wall stream H.264' '
	set -- $(api_session $g) &&
	wait_for cams "$1" ".[] | select(.id == \"walled\") | .main_codec == \"hevc\" and .wall_codec == \"h264\" and .wall == \"wall\"" &&
	wait_for cams "$1" ".[] | select(.id == \"bare\") | .main_codec == \"hevc\" and .wall == \"main\""
'

expect_success 'the tiles: H.265 without live_url says why and what to do, with live_url plays' '
	browse codec $g "$(pw $g)" bare walled
'

expect_success 'the H.265 footage is recorded all the same' '
	wait_for segment bare &&
	ffprobe -v error -select_streams v:0 -show_entries stream=codec_name \
	    -of csv=p=0 "$(ls site.store/bare/*/*/*/*.mkv | head -1)" >codec &&
	has "^hevc$" codec
'

done_testing
