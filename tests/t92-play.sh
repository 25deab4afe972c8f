# Playback for camview (cam_play_stream, driven through the unit test
# binary's --play mode): real recordings of H.264 and H.265 cameras
# played from an instant inside a segment across segment boundaries into
# fragmented MP4, checked with ffprobe and decoded with ffmpeg: the init
# segment first, the first frame the keyframe at or before the instant,
# timestamps increasing without a stall at the cut, every frame there.
. "$CAMKIT_TOP/tests/lib.sh"

play_bin=$CAMKIT_BIN/tests/unit_play
[ -x "$play_bin" ] || skip_all "no $play_bin (make all-tests)"

recording_site site

# at SECONDS: RFC 3339 UTC.
at() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
secs() { date -u -d "$1" +%s; }
# starts CAMERA: the start of every segment in its manifest, in order.
starts() {
	grep "	segment	" "site.store/$1/manifest" | cut -f6 | jq -r .start
}
# play CAMERA FROM TO OUT: key=value lines in OUT.txt.
play() {
	"$play_bin" --play "$T/site.store" "$1" "$2" "$3" "$4" >"$4.txt"
}
val() { grep "^$2=" "$1.txt" | head -1 | cut -d= -f2-; }
# boxes FILE: the types of its top-level boxes, one a line.
boxes() {
	/usr/bin/python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
i = 0
while i + 8 <= len(d):
    n, t = struct.unpack(">I4s", d[i:i + 8])
    print(t.decode("latin1"))
    if n < 8:
        break
    i += n' "$1"
}
# steps FILE: the largest DTS step, in ms; fails if one is not positive.
max_step() {
	ffprobe -v error -select_streams v:0 -show_entries packet=dts_time \
	    -of csv=p=0 "$1" |
	    awk 'NR > 1 { d = ($1 - p) * 1000; if (d <= 0) bad = 1;
		if (d > m) m = d } { p = $1 } END { printf "%d\n", m; exit bad }'
}
# two_cuts CAMERA: "FROM TO", from 2 s before a cut to 2 s after the
# next, where the three segments around them follow each other with no
# gap (on a starved machine the recorder may have reconnected between
# two segments, and an instant in that gap plays from the next frame).
two_cuts() {
	grep "	segment	" "site.store/$1/manifest" | cut -f6 |
	    jq -r '.start, .end' | date -u -f - +%s | paste - - |
	    awk '{ s[NR] = $1; e[NR] = $2 } END {
		for (i = 1; i + 2 <= NR; i++)
			if (e[i] >= s[i + 1] - 1 && e[i + 1] >= s[i + 2] - 1 &&
			    s[i] <= s[i + 1] - 2 && e[i + 2] >= s[i + 2] + 2) {
				print s[i + 1] - 2, s[i + 2] + 2
				exit
			}
		print "no two cuts without a gap in the recording" >"/dev/stderr"
		exit 1 }'
}
# rec_figures CAMERA: "R S": the lowest frame rate of its closed
# segments, in tenths of frames a second, and the largest DTS step inside
# any one of them, in ms.
rec_figures() {
	local f r=1000 s=0 n d st &&
	for f in $(grep "	segment	" "site.store/$1/manifest" | cut -f6 |
	    jq -r .file); do
		n=$(frames "site.store/$f") &&
		d=$(ffprobe -v error -show_entries format=duration \
		    -of csv=p=0 "site.store/$f") &&
		st=$(max_step "site.store/$f") || return 1
		r=$(awk -v n="$n" -v d="$d" -v r="$r" \
		    'BEGIN { x = int(n * 10 / d); print (x < r ? x : r) }') &&
		s=$((st > s ? st : s)) || return 1
	done &&
	echo "$r $s"
}
# check OUT CODEC: the common checks of a playback's output.
check() {
	local f=$1 n &&
	boxes "$f" >"$f.boxes" &&
	test "$(head -2 "$f.boxes" | tr "\n" " ")" = "ftyp moov " ||
	    { echo "$f: does not begin with ftyp, moov" >&2; return 1; }
	test "$(sed -n 3p "$f.boxes")" = moof &&
	test -z "$(sed 1,2d "$f.boxes" | grep -v -e moof -e mdat)" ||
	    { echo "$f: not moof+mdat after the init segment" >&2; return 1; }
	test "$(ffprobe -v error -select_streams v:0 -show_entries \
	    stream=codec_name -of csv=p=0 "$f")" = "$2" &&
	{ ffmpeg -v error -i "$f" -f null - 2>"$f.err" && test ! -s "$f.err" ||
	    { echo "$f: ffmpeg decodes it with errors:" >&2; cat "$f.err" >&2;
	    return 1; }; } &&
	n=$(frames "$f") &&
	test "$n" = "$(val "$f" frames)" ||
	    { echo "$f: $n frames, $(val "$f" frames) said" >&2; return 1; }
	ffprobe -v error -select_streams v:0 -show_entries packet=flags \
	    -of csv=p=0 "$f" | head -1 | grep -q K
}

start_camera gate --live --fps 10 --gop 10
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null

expect_success 'H.264 camera recorded: at least 3 segments' '
	camrec -C site record gate --for 17s 2>err &&
	test "$(starts gate | wc -l)" -ge 3
'

expect_success 'from inside a segment across two cuts: every frame, no stall' '
	w=$(two_cuts gate) &&
	from=${w% *} to=${w#* } &&
	play gate "$(at $from)" "$(at $to)" out.mp4 &&
	check out.mp4 h264 &&
	val out.mp4 mime | grep -q "^video/mp4; codecs=\"avc1\.[0-9A-F]\{6\}\"$" &&
	first=$(val out.mp4 first_us) &&
	echo "window $from..$to, first frame at $first us" &&
	# The keyframe (one a second) at or before the instant.
	test "$first" -le $((from * 1000000)) &&
	test "$first" -gt $(((from - 2) * 1000000)) &&
	# As many frames as the recording holds for the window, and across
	# both cuts the decoding times go up by a frame, never stall or
	# jump: no step larger than the largest inside one recorded segment
	# (the test camera may drop a frame on a starved machine; then the
	# recording has that step too, and so may the playback).
	rec=$(rec_figures gate) &&
	rate=${rec% *} rstep=${rec#* } &&
	n=$(val out.mp4 frames) &&
	step=$(max_step out.mp4) &&
	echo "played $n frames, largest DTS step $step ms; recorded" \
	    "$rate frames/s, largest step inside a segment $rstep ms" &&
	test "$n" -ge $(((to - from) * rate / 10 - 5)) &&
	test "$n" -le $(((to - from + 2) * 10)) &&
	test "$step" -le $((rstep > 100 ? rstep + 50 : 150))
'

expect_success 'currentTime + first_us is the wall time: the duration matches' '
	from=$(secs "$(starts gate | sed -n 2p)") &&
	play gate "$(at $from)" "$(at $((from + 8)))" eight.mp4 &&
	last=$(val eight.mp4 last_us) first=$(val eight.mp4 first_us) &&
	pts=$(ffprobe -v error -select_streams v:0 -show_entries \
	    packet=pts_time -of csv=p=0 eight.mp4 | sort -g | tail -1) &&
	awk -v p="$pts" -v d="$(((last - first) / 1000))" \
	    "BEGIN { exit !(p * 1000 - d < 2 && d - p * 1000 < 2) }"
'

expect_success 'a window before any footage: refused, nothing written' '
	must_fail 1 play gate 2001-01-01T00:00:00Z 2001-01-01T01:00:00Z none.mp4 \
	    2>err &&
	has "no recording of gate from 2001-01-01 07:00:00 \+07 to 2001-01-01 08:00:00 \+07" err &&
	test ! -e none.mp4
'

has_partial() { find site.store/live -name "*.partial" | grep -q .; }
expect_success 'the segment being written plays too (its .partial)' '
	camctl -C site camera add live --url "$(camera_url gate)" --segment 60s \
	    >/dev/null &&
	{ camrec -C site record live --for 9s 2>err & } &&
	pid=$! &&
	wait_for has_partial &&
	sleep 5 &&
	now=$(date -u +%s) &&
	play live "$(at $((now - 60)))" "$(at $((now + 60)))" part.mp4 &&
	wait $pid &&
	check part.mp4 h264 &&
	test "$(val part.mp4 frames)" -ge 20 &&
	first=$(val part.mp4 first_us) &&
	test "$first" -ge $(((now - 10) * 1000000))
'

start_camera h265 --live --codec h265 --fps 10 --gop 10
camctl -C site camera add hevc --url "$(camera_url h265)" --segment 5s >/dev/null

expect_success 'H.265 camera: hvc1 across a cut, decodes' '
	camrec -C site record hevc --for 12s 2>err &&
	s2=$(secs "$(starts hevc | sed -n 2p)") &&
	play hevc "$(at $((s2 - 2)))" "$(at $((s2 + 3)))" hevc.mp4 &&
	check hevc.mp4 hevc &&
	val hevc.mp4 mime | grep -q "^video/mp4; codecs=\"hvc1\.[0-9A-Z.]*\"$" &&
	test "$(ffprobe -v error -select_streams v:0 -show_entries \
	    stream=codec_tag_string -of csv=p=0 hevc.mp4)" = hvc1 &&
	step=$(max_step hevc.mp4) &&
	echo "largest DTS step $step ms" &&
	test "$step" -le 150
'

start_camera bfr --live --bframes 2 --fps 10 --gop 10
camctl -C site camera add bfr --url "$(camera_url bfr)" --segment 5s >/dev/null

expect_success 'H.264 with B-frames: pictures in order, decodes, across a cut' '
	camrec -C site record bfr --for 17s 2>err &&
	# The cut between the second and third segments, away from the
	# start of the recording (which may lack a picture of its GOP).
	s3=$(secs "$(starts bfr | sed -n 3p)") &&
	play bfr "$(at $((s3 - 2)))" "$(at $((s3 + 2)))" bfr.mp4 &&
	check bfr.mp4 h264 &&
	step=$(max_step bfr.mp4) &&
	echo "largest DTS step $step ms" &&
	test "$step" -le 150 &&
	# Presentation times, sorted, step by one frame: none lost or
	# doubled by the reordering.
	ffprobe -v error -select_streams v:0 -show_entries packet=pts_time \
	    -of csv=p=0 bfr.mp4 | sort -g |
	    awk "NR > 1 { d = (\$1 - p) * 1000; if (d < 50 || d > 150) bad = 1 }
		{ p = \$1 } END { exit bad }"
'

done_testing
