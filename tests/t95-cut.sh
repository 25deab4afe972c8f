# The footage cut of camextract (cam_media_cut, driven through the unit
# test binary's --cut mode): real recordings of H.264 and H.265 cameras cut
# across segment boundaries into MP4 by stream copy, checked with ffprobe
# and decoded with ffmpeg; a camera that was down inside the window; a
# window without footage.
. "$CAMKIT_TOP/tests/lib.sh"

cut_bin=$CAMKIT_BIN/tests/unit_media
[ -x "$cut_bin" ] || skip_all "no $cut_bin (make all-tests)"

recording_site site

# srcs CAMERA: PATH START END of every segment in its manifest, in order.
srcs() {
	grep "	segment	" "site.store/$1/manifest" | cut -f6 |
	    jq -r '"site.store/\(.file) \(.start) \(.end)"'
}
# at SECONDS: RFC 3339 UTC.
at() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
secs() { date -u -d "$1" +%s; }
# cut CAMERA OUT FROM TO: the cut of all the camera's segments, as
# key=value lines in OUT.txt.
cut_cam() {
	# shellcheck disable=SC2046
	"$cut_bin" --cut "$2" "$3" "$4" $(srcs "$1") >"$2.txt"
}
val() { grep "^$2=" "$1.txt" | head -1 | cut -d= -f2-; }
# vpackets FILE: pts_time,dts_time,flags of the video packets.
vpackets() {
	ffprobe -v error -select_streams v:0 -show_entries \
	    packet=pts_time,dts_time,flags -of csv=p=0 "$1"
}
vstream() {
	ffprobe -v error -select_streams v:0 -show_entries "stream=$2" \
	    -of csv=p=0 "$1" | head -1
}
# increasing FILE STREAM: the stream's DTS strictly increase.
increasing() {
	ffprobe -v error -select_streams "$2" -show_entries packet=dts_time \
	    -of csv=p=0 "$1" |
	    awk 'NR > 1 && $1 <= p { print "DTS " p " then " $1; bad = 1 }
		{ p = $1 } END { exit bad }'
}
# window CAMERA: from 2 s into its second segment to 2 s into its fourth:
# two segment boundaries inside.
window() {
	local s2 s4 &&
	s2=$(srcs "$1" | sed -n 2p | cut -d" " -f2) &&
	s4=$(srcs "$1" | sed -n 4p | cut -d" " -f2) &&
	[ -n "$s4" ] || { echo "$1: fewer than 4 segments" >&2; return 1; }
	echo "$(at $(($(secs "$s2") + 2))) $(at $(($(secs "$s4") + 2)))"
}
# check_clip CAMERA CODEC TAG: the common checks of the clip of window
# (every step checked: it is called inside && lists, where set -e is off).
check_clip() {
	local cam=$1 clip=$1.mp4 w from to first d want n &&
	w=$(window "$cam") || return 1
	from=${w% *} to=${w#* } &&
	rm -f "$clip" &&
	cut_cam "$cam" "$clip" "$from" "$to" || return 1
	test "$(vstream "$clip" codec_name)" = "$2" || return 1
	test "$(vstream "$clip" codec_tag_string)" = "$3" || return 1
	test "$(val "$clip" codec)" = "$2" || return 1
	test "$(val "$clip" tag)" = "$3" || return 1
	# Three segments or more (two boundaries), nothing missing.
	test "$(val "$clip" used | tr , "\n" | wc -l)" -ge 3 || return 1
	hasnt "^gap=" "$clip.txt" || return 1
	# The first picture: a keyframe at 0, at or before the window.
	vpackets "$clip" | head -1 | grep -q "^0.000000,.*,K" ||
	    { echo "first packet: $(vpackets "$clip" | head -1)" >&2; return 1; }
	first=$(val "$clip" first) &&
	test "$(secs "$first")" -le "$(secs "$from")" || return 1
	test "$(secs "$first")" -ge $(($(secs "$from") - 2)) || return 1
	increasing "$clip" v:0 || return 1
	# As long as the window from that keyframe, within a GOP (1 s) and
	# the manifest's second.
	d=$(vstream "$clip" duration) &&
	want=$(($(secs "$to") - $(secs "$first"))) &&
	awk -v d="$d" -v w="$want" 'BEGIN { exit !(d >= w - 2 && d <= w + 2) }' ||
	    { echo "duration $d, window $want s" >&2; return 1; }
	# 10 fps, give or take a GOP.
	n=$(frames "$clip") &&
	test "$n" = "$(val "$clip" video_packets)" || return 1
	awk -v n="$n" -v d="$d" \
	    'BEGIN { exit !(n >= 10 * d - 10 && n <= 10 * d + 10) }' ||
	    { echo "$n frames in $d s" >&2; return 1; }
	# It decodes without a single error.
	test -z "$(ffmpeg -v error -i "$clip" -f null - 2>&1)" || return 1
}

expect_success 'record H.264 (AAC), H.265 (G.711), B-frames, a camera that goes down' '
	start_camera h264 --live --fps 10 --gop 10 --audio=aac &&
	start_camera h265 --live --codec h265 --fps 10 --gop 10 --audio=pcma &&
	start_camera down --live --fps 10 --gop 10 &&
	start_camera bf --live --fps 10 --gop 10 --bframes 2 &&
	for c in h264 h265 down bf; do
		camctl -C site camera add $c --url "$(camera_url $c)" \
		    --segment 5s >/dev/null || exit 1
	done &&
	{ camrec -C site record h264 --for 26s 2>h264.err & } &&
	p1=$! &&
	{ camrec -C site record h265 --for 26s 2>h265.err & } &&
	p2=$! &&
	{ camrec -C site record down --for 32s 2>down.err & } &&
	p3=$! &&
	{ camrec -C site record bf --for 26s 2>bf.err & } &&
	p4=$! &&
	sleep 11 &&
	port=$(camera_port down) &&
	stop_camera down KILL &&
	sleep 6 &&
	PORT=$port start_camera down --live --fps 10 --gop 10 &&
	wait $p1 && wait $p2 && wait $p3 && wait $p4 &&
	test "$(srcs h264 | wc -l)" -ge 4 &&
	test "$(srcs h265 | wc -l)" -ge 4 &&
	manifest_kinds site down >kinds &&
	has "^camera-down$" kinds && has "^camera-up$" kinds
'
stop_camera h264
stop_camera h265
stop_camera down
stop_camera bf

expect_success 'H.264 across two segment boundaries: avc1, keyframe at 0, whole' '
	check_clip h264 h264 avc1
'

expect_success 'its AAC audio is copied too, its timestamps increasing' '
	test "$(val h264.mp4 audio)" = aac &&
	test -z "$(val h264.mp4 audio_skipped)" &&
	test "$(val h264.mp4 audio_packets)" -gt 0 &&
	ffprobe -v error -show_entries stream=codec_type -of csv=p=0 \
	    h264.mp4 >types &&
	has "^audio" types &&
	increasing h264.mp4 a:0
'

expect_success 'H.265 across two segment boundaries: tagged hvc1 (hvcC), whole' '
	check_clip h265 hevc hvc1 &&
	ffprobe -v error -show_entries stream=extradata_size -select_streams v:0 \
	    -of csv=p=0 h265.mp4 | awk "{ exit !(\$1 > 20) }"
'

expect_success 'G.711 audio, which an MP4 cannot hold, is left out and named' '
	test "$(val h265.mp4 audio_skipped)" = pcm_alaw &&
	test -z "$(val h265.mp4 audio)" &&
	test "$(val h265.mp4 audio_packets)" = 0 &&
	test "$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 \
	    h265.mp4)" = video
'

expect_success 'B-frames (the first DTS of a segment unknown to Matroska) cut whole' '
	check_clip bf h264 avc1
'

expect_success 'the camera was down inside the window: the gap is listed, the clip jumps' '
	srcs down >list &&
	from=$(head -1 list | cut -d" " -f2) &&
	to=$(tail -1 list | cut -d" " -f3) &&
	rm -f down.mp4 &&
	cut_cam down down.mp4 "$from" "$to" &&
	grep "^gap=" down.mp4.txt | cut -d= -f2 >gaps &&
	{ test -s gaps || { echo "no gap in $from $to:" >&2
	    cat down.mp4.txt list >&2; exit 1; }; } &&
	# Every gap lies where the manifest has one: from the end of a
	# segment to the start of the next.  (A camera slowed down by a
	# loaded machine may leave a second, shorter one.)
	while read -r a b; do
		awk -v a="$a" -v b="$b" "p == a && \$2 == b { ok = 1 } { p = \$3 }
		    END { exit !ok }" list ||
		    { echo "gap $a $b is not between two segments of:" >&2
		      cat list >&2; exit 1; }
	done <gaps &&
	# The outage is the longest (kept as LENGTH FROM TO for the next).
	while read -r a b; do
		echo "$(($(secs "$b") - $(secs "$a"))) $a $b" || exit 1; done <gaps |
	    sort -n | tail -1 >outage &&
	set -- $(cat outage) &&
	len=$1 &&
	test "$len" -ge 5 -a "$len" -le 30 || { echo "gap $*" >&2; exit 1; }
	# Every segment is used but a last sliver that starts in the second
	# the window ends (one frame before the stop): it is past the window.
	test "$(val down.mp4 used | tr , "\n" | wc -l)" = \
	    "$(awk -v to="$to" "\$2 < to" list | wc -l)" ||
	    { echo "used $(val down.mp4 used) of:" >&2; cat list >&2; exit 1; }
	# The jump: the pictures either side of the outage are as far apart.
	vpackets down.mp4 | cut -d, -f2 |
	    awk -v len="$len" "NR > 1 && \$1 - p > j { j = \$1 - p }
		{ p = \$1 } END { if (!(j >= len - 2 && j <= len + 2))
		    print \"jump \" j \" s, gap \" len \" s\"
		    exit !(j >= len - 2 && j <= len + 2) }" >&2 &&
	increasing down.mp4 v:0 &&
	ffmpeg -v error -i down.mp4 -f null - >decode.err 2>&1 &&
	{ test ! -s decode.err || { cat decode.err >&2; exit 1; }; }
'

expect_success 'a window without footage: exit 1, no file' '
	first=$(srcs h264 | head -1 | cut -d" " -f2) &&
	f=$(secs "$first") &&
	rm -f none.mp4 &&
	must_fail 1 cut_cam h264 none.mp4 "$(at $((f - 3600)))" \
	    "$(at $((f - 60)))" 2>err &&
	has "no footage from [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07 to [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \+07$" err &&
	test ! -e none.mp4 &&
	set -- $(cut -d" " -f2- outage) &&
	must_fail 1 cut_cam down none.mp4 "$(at $(($(secs "$1") + 2)))" \
	    "$(at $(($(secs "$2") - 2)))" 2>err &&
	has "no footage from" err &&
	test ! -e none.mp4
'

expect_success 'a segment gone from the disk: exit 3 naming it, no file' '
	set -- $(srcs h264 | sed -n 2p) &&
	mv "$1" gone.mkv &&
	must_fail 3 cut_cam h264 none.mp4 $(window h264) 2>err &&
	mv gone.mkv "$1" &&
	has "$1" err &&
	test ! -e none.mp4
'

done_testing
