# camrec at connect: FFmpeg's RTSP demuxer gives the first keyframe of a
# connection no timestamp.  camrec records it all the same, when it starts
# and after a reconnect: the first picture recorded is the first one the
# camera sent.  The camera serves a clip (tests/rtspd --file) from its
# beginning to its first client, and every picture of the clip differs
# (testsrc2 draws a frame counter), so pictures are compared decoded, by
# MD5, with the clip's.
. "$CAMKIT_TOP/tests/lib.sh"

# 30 s, one keyframe every 4 s: a lost first GOP is 40 pictures.
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=10 -t 30 \
    -c:v libx264 -preset veryfast -g 40 -sc_threshold 0 -bf 0 \
    -pix_fmt yuv420p -f mpegts "$T/clip.ts" 2>"$T/clip.err" ||
    skip_all "ffmpeg cannot encode the test clip: $(head -1 "$T/clip.err")"

# pics FILE: the MD5 of each decoded picture, in order (ffmpeg's
# status counts: it writes to a file, not into a pipe).
pics() {
	ffmpeg -nostdin -v error -i "$1" -map 0:v:0 -f framemd5 - >"$T/.framemd5" &&
	awk -F', *' '!/^#/ { print $6 }' "$T/.framemd5"
}

# starts_clip FILE...: the pictures of the FILEs, one after the other,
# are the clip's first ones (those in $REF, clip.pics by default), every
# one of them, in order.  With B-frames ($BF of them between two
# references), a stop can fall after a reference picture and before the
# B-frames the camera sends after it (and shows before it): the last
# $BF + 1 pictures recorded need only be the clip's, in order.
starts_clip() {
	local f n &&
	: >got &&
	for f in "$@"; do
		pics "$f" >>got || return 1
	done &&
	n=$(wc -l <got) &&
	{ [ "$n" -gt 0 ] || { echo "$*: no picture" >&2; return 1; }; } &&
	awk -v tail="${BF:-0}" -v n="$n" -v files="$*" '
	    NR == FNR { at[$0] = FNR; next }
	    { i = ($0 in at) ? at[$0] : 0 }
	    FNR <= n - (tail ? tail + 1 : 0) && i != FNR ||
		i <= last || i > last + tail + 1 {
		printf "%s: picture %d recorded is picture %d of the clip\n",
		    files, FNR, i >"/dev/stderr"
		bad = 1; exit 1
	    }
	    { last = i }
	    END { exit bad }' "${REF:-clip.pics}" got
}

pics clip.ts >clip.pics
# The same with two B-frames: FFmpeg then gives the first packets after
# the keyframe a presentation time and no decoding time.
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=10 -t 30 \
    -c:v libx264 -preset veryfast -g 40 -sc_threshold 0 -bf 2 \
    -pix_fmt yuv420p -f mpegts "$T/bclip.ts" &&
    pics bclip.ts >bclip.pics
recording_site site

# (Segments are cut on the clock, every 60 s: a run may hold two.)
expect_success 'the first keyframe (sent without timestamp) is recorded' '
	start_camera cam --file "$T/clip.ts" &&
	camctl -C site camera add cam --url "$(camera_url cam)" --segment 60s >/dev/null &&
	camrec -C site record cam --for 6s 2>err &&
	segments site cam >segs &&
	starts_clip $(cat segs) &&
	ffprobe -v error -select_streams v:0 -show_entries packet=flags \
	    -of csv=p=0 "$(head -1 segs)" >flags &&
	test "$(head -c 1 flags)" = K &&
	stop_camera cam
'

expect_success 'with B-frames too, and every picture decodes' '
	start_camera bf --file "$T/bclip.ts" &&
	camctl -C site camera add bf --url "$(camera_url bf)" --segment 60s >/dev/null &&
	camrec -C site record bf --for 6s 2>err &&
	segments site bf >segs &&
	REF=bclip.pics BF=2 starts_clip $(cat segs) &&
	for f in $(cat segs); do
		ffmpeg -nostdin -v error -i "$f" -f null - >dec 2>&1 &&
		{ test ! -s dec || { cat dec >&2; exit 1; }; } || exit 1
	done &&
	stop_camera bf
'

expect_success 'after a reconnect the first keyframe is recorded too' '
	start_camera re --file "$T/clip.ts" &&
	port=$(camera_port re) &&
	camctl -C site camera add re --url "$(camera_url re)" --segment 60s >/dev/null &&
	{ camrec -C site record re --for 25s 2>err & } &&
	pid=$! &&
	wait_for grep -q "	record-start	" site.store/re/manifest &&
	sleep 4 &&
	stop_camera re &&
	wait_for grep -q "	camera-down	" site.store/re/manifest &&
	PORT=$port start_camera re --file "$T/clip.ts" &&
	wait_for grep -q "	camera-up	" site.store/re/manifest &&
	sleep 4 &&
	kill -TERM $pid &&
	wait $pid &&
	# The segments of each connection, in the manifest order.
	awk -F"\t" "\$5 == \"camera-up\" { up = 1 }
	    \$5 == \"segment\" { print up + 0, \$6 }" site.store/re/manifest |
	    while read -r up rec; do
		f=$(echo "$rec" | jq -r .file) &&
		echo "site.store/$f" >>conn$up || exit 1
	    done &&
	test -s conn0 && test -s conn1 &&
	grep -q "\"closed\":\"camera-down\"" site.store/re/manifest &&
	starts_clip $(cat conn0) &&
	starts_clip $(cat conn1) &&
	stop_camera re
'

# (A failed test leaves its camera running: stop them all.)
for c in cam bf re; do
	stop_camera $c
done
done_testing
