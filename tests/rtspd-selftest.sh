#!/usr/bin/env bash
# tests/rtspd-selftest.sh: checks tests/rtspd, the RTSP camera of the
# shell tests, from the outside with ffprobe and ffmpeg (Debian ffmpeg),
# so that a failing camkit test can be told from a broken camera.
#
#   bash tests/rtspd-selftest.sh build/tests/rtspd
#
# Prints "ok N - what" or "not ok N - what" per check, then
# "N passed, N failed"; exits 1 if any failed.  Every server listens on
# 127.0.0.1 only and every client is bounded by timeout(1).
set -u

RTSPD=${1:?usage: rtspd-selftest.sh path/to/rtspd}
case $RTSPD in */*) ;; *) RTSPD=./$RTSPD ;; esac
[ -x "$RTSPD" ] || { echo "rtspd-selftest: $RTSPD is not executable" >&2; exit 2; }
for t in ffmpeg ffprobe timeout; do
	command -v $t >/dev/null || { echo "rtspd-selftest: needs $t (apt-get install ffmpeg)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/rtspd-selftest.XXXXXX") || exit 2
n=0 passed=0 failed=0
SERVERS=()

cleanup() {
	local p
	for p in "${SERVERS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# result WHAT CMD...: run CMD, print its TAP-style line.
result() {
	local what=$1; shift
	n=$((n + 1))
	if "$@"; then
		passed=$((passed + 1)); echo "ok $n - $what"
	else
		failed=$((failed + 1)); echo "not ok $n - $what"
	fi
}

# Say why a check failed, on stderr, in the TAP comment style.
diag() { echo "# $*" >&2; }

# Seconds since T0 (from now_s), with a fraction.
now_s() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }'; }

# start NAME ARGS...: start rtspd in the background; sets PID and PORT
# once the ready file shows up (20 s: slow under ASan).
start() {
	local name=$1 i; shift
	rm -f "$T/$name.ready"
	"$RTSPD" --ready-file "$T/$name.ready" --pidfile "$T/$name.pid" "$@" \
	    >"$T/$name.out" 2>"$T/$name.err" &
	PID=$!
	SERVERS+=("$PID")
	for ((i = 0; i < 200; i++)); do
		if [ -s "$T/$name.ready" ]; then
			PORT=$(cat "$T/$name.ready")
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	diag "$name did not start: $(cat "$T/$name.err")"
	PORT=0
	return 1
}

# stop NAME: SIGTERM the last server started, which must exit 0 (under
# ASan: also without a leak report).
stop() {
	local rc
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"; rc=$?
	[ $rc -eq 0 ] || diag "$1 exited $rc: $(tail -n 20 "$T/$1.err")"
	return $rc
}

# vstream FFPROBE-ARGS... URL-OR-FILE: "codec,width,height" of the first
# video stream, or nothing (ffprobe's errors go to $T/probe.err).
vstream() {
	timeout 20 ffprobe -v error "$@" -select_streams v:0 \
	    -show_entries stream=codec_name,width,height -of csv=p=0 2>"$T/probe.err" |
	    head -n 1
}

# Seconds between the keyframes of a recording, one a line.  FFmpeg's
# RTSP client gives the very first packet no timestamp and -c copy makes
# one up, so the gap after the first keyframe is left out.  (Lines that
# do not start with a number are ffprobe's side data.)
key_gaps() {
	ffprobe -v error -select_streams v:0 -show_entries packet=pts_time,flags \
	    -of csv=p=0 "$1" |
	    awk -F, '$1 ~ /^[0-9.]+$/ && $2 ~ /K/ {
	        if (n++ > 1) printf "%.3f\n", $1 - last; last = $1 }'
}

# check_live NAME CODEC: what the tests need of a live camera.
check_live() {
	local name=$1 codec=$2 url got dur gaps
	url=rtsp://127.0.0.1:$PORT/cam
	got=$(vstream -rtsp_transport tcp "$url")
	result "$name: ffprobe over TCP sees $codec 320x240 ($got)" \
	    test "$got" = "$codec,320,240"
	timeout 20 ffmpeg -v error -y -rtsp_transport tcp -i "$url" -t 3 -c copy \
	    "$T/$name.ts" 2>"$T/rec.err"
	dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$T/$name.ts" 2>/dev/null)
	result "$name: ffmpeg -t 3 -c copy records ~3 s (${dur:-nothing})" \
	    awk -v d="${dur:-0}" 'BEGIN { exit !(d >= 2.7 && d <= 3.3) }'
	gaps=$(key_gaps "$T/$name.ts" | tr '\n' ' ')
	result "$name: a keyframe every second (gaps: ${gaps:-none})" \
	    awk -v g="$gaps" 'BEGIN { n = split(g, a, " "); if (n < 2) exit 1;
	        for (i = 1; i <= n; i++) if (a[i] < 0.9 || a[i] > 1.1) exit 1 }'
	timeout 20 ffmpeg -v error -y -rtsp_transport udp -i "$url" -t 2 -c copy \
	    "$T/$name-udp.ts" 2>"$T/rec.err"
	got=$(vstream "$T/$name-udp.ts")
	result "$name: RTP over UDP works too ($got)" test "$got" = "$codec,320,240"
}

# 1. Live H.264 on a port the kernel picks.
if start h264 --port 0 --live; then
	result "h264: prints the URL on stdout" \
	    grep -qx "rtspd: listening on rtsp://127.0.0.1:$PORT/cam" "$T/h264.out"
	result "h264: pidfile holds the pid" grep -qx "$PID" "$T/h264.pid"
	check_live h264 h264
	# A second client joins the shared media: the first one's timestamps
	# must go on (the media must not seek for the Range of its PLAY).
	timeout 30 ffprobe -v error -rtsp_transport tcp -select_streams v:0 \
	    -show_entries packet=pts_time -read_intervals '%+#30' -of csv=p=0 \
	    "rtsp://127.0.0.1:$PORT/cam" >"$T/pts.txt" 2>"$T/probe.err" &
	probe=$!
	sleep 1.3
	timeout 10 ffmpeg -v error -rtsp_transport udp -i "rtsp://127.0.0.1:$PORT/cam" \
	    -frames:v 5 -f null - 2>"$T/rec.err"
	wait $probe
	back=$(awk -F, '$1 ~ /^-?[0-9.]+$/ { n++; if (n > 1 && $1 < last) b++; last = $1 }
	    END { print (n >= 25) ? b + 0 : "short" }' "$T/pts.txt")
	result "h264: a second client does not disturb the first (jumps back: $back)" \
	    test "$back" = 0
	result "h264: SIGTERM exits 0" stop h264
	result "h264: pidfile and ready file removed at exit" \
	    test ! -e "$T/h264.pid" -a ! -e "$T/h264.ready"
else
	result "h264: starts" false
fi

# B-frames and audio, which cameras have too.
if start bframes --port 0 --live --bframes 2; then
	timeout 20 ffprobe -v error -rtsp_transport tcp -select_streams v:0 \
	    -show_entries packet=pts -read_intervals '%+#16' -of csv=p=0 \
	    "rtsp://127.0.0.1:$PORT/cam" >"$T/pts.txt" 2>"$T/probe.err"
	back=$(awk -F, '$1 ~ /^[0-9]+$/ { if (n++ && $1 < last) b++; last = $1 }
	    END { print b + 0 }' "$T/pts.txt")
	result "bframes: --bframes 2 sends frames out of order ($back in 16)" \
	    test "$back" -ge 2
	stop bframes
else
	result "bframes: starts" false
fi
for a in aac,16000 pcm_alaw,8000; do
	case $a in aac*) opt=--audio ;; *) opt=--audio=pcma ;; esac
	if start audio --port 0 --live "$opt"; then
		got=$(timeout 20 ffprobe -v error -rtsp_transport tcp -select_streams a:0 \
		    -show_entries stream=codec_name,sample_rate -of csv=p=0 \
		    "rtsp://127.0.0.1:$PORT/cam" 2>"$T/probe.err" | head -n 1)
		result "audio: $opt adds ${a%,*} at ${a#*,} Hz ($got)" test "$got" = "$a"
		stop audio
	else
		result "audio: $opt starts" false
	fi
done

# 2. Live H.265.
if start h265 --port 0 --live --codec h265; then
	check_live h265 hevc
	result "h265: SIGTERM exits 0" stop h265
else
	result "h265: starts" false
fi

# 3. Digest authentication; then Basic.
if start digest --port 0 --live --user u --password p; then
	url=rtsp://127.0.0.1:$PORT/cam
	got=$(vstream -rtsp_transport tcp "$url")
	result "digest: without credentials ffprobe fails with 401" \
	    eval 'test -z "$got" && grep -q 401 "$T/probe.err"'
	got=$(vstream -rtsp_transport tcp "rtsp://u:wrong@127.0.0.1:$PORT/cam")
	result "digest: a wrong password fails with 401" \
	    eval 'test -z "$got" && grep -q 401 "$T/probe.err"'
	got=$(vstream -rtsp_transport tcp "rtsp://u:p@127.0.0.1:$PORT/cam")
	result "digest: rtsp://u:p@... works ($got)" test "$got" = "h264,320,240"
	stop digest
else
	result "digest: starts" false
fi
if start basic --port 0 --live --user u --password p --auth basic; then
	got=$(vstream -rtsp_transport tcp "rtsp://127.0.0.1:$PORT/cam")
	result "basic: without credentials ffprobe fails with 401" \
	    eval 'test -z "$got" && grep -q 401 "$T/probe.err"'
	got=$(vstream -rtsp_transport tcp "rtsp://u:p@127.0.0.1:$PORT/cam")
	result "basic: rtsp://u:p@... works ($got)" test "$got" = "h264,320,240"
	stop basic
else
	result "basic: starts" false
fi

# 4. A 2 s clip, looped, as MPEG-TS and as Matroska.  Its RTP timestamps
# restart with every loop, so ffmpeg -t 5 would never stop (its clock
# keeps going back): record 50 frames (5 s at 10 fps) and time them.
for ext in ts mkv; do
	ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=10 -t 2 \
	    -c:v libx264 -g 10 -bf 0 "$T/clip.$ext"
	if ! start clip --port 0 --file "$T/clip.$ext"; then
		result "clip.$ext: starts" false
		continue
	fi
	url=rtsp://127.0.0.1:$PORT/cam
	if [ $ext = ts ]; then
		t0=$(now_s)
		timeout 30 ffmpeg -v error -y -rtsp_transport tcp -i "$url" \
		    -frames:v 50 -c copy "$T/loop.ts" 2>"$T/rec.err"
		took=$(since "$t0")
		frames=$(ffprobe -v error -select_streams v:0 -show_entries packet=pts_time \
		    -of csv=p=0 "$T/loop.ts" 2>/dev/null | grep -c '^[0-9]')
		result "clip.$ext: ${frames:-0} frames recorded in real time ($took s)" \
		    awk -v f="${frames:-0}" -v s="$took" \
		    'BEGIN { exit !(f == 50 && s >= 4.5 && s <= 9) }'
	fi
	# The timestamps as a client reads them: 60 frames span 3 loops of
	# 20.  A second client joins meanwhile: it must not rewind the clip
	# (a camera ignores the Range of PLAY), so the first one sees the
	# timestamps go back at frames 21 and 41 only.
	timeout 30 ffprobe -v error -rtsp_transport tcp -select_streams v:0 \
	    -show_entries packet=pts_time -read_intervals '%+#60' -of csv=p=0 \
	    "$url" >"$T/pts.txt" 2>"$T/probe.err" &
	probe=$!
	sleep 1.3
	timeout 10 ffmpeg -v error -rtsp_transport udp -i "$url" -frames:v 5 \
	    -f null - 2>"$T/rec.err"
	wait $probe
	back=$(awk -F, '$1 == "N/A" { i++ }
	    $1 ~ /^-?[0-9.]+$/ { i++; if (i > 1 && $1 < last) printf "%d ", i; last = $1 }' \
	    "$T/pts.txt")
	result "clip.$ext: loops every 20 frames, timestamps go back (at frames: ${back:-none})" \
	    awk -v b="$back" 'BEGIN { n = split(b, a, " "); if (n < 2) exit 1;
	        for (i = 1; i <= n; i++) if ((a[i] - 1) % 20 != 0) exit 1 }'
	result "clip.$ext: SIGTERM exits 0" stop clip
done

# 5. The camera reboots: SIGKILL mid-recording, restart on the same port
# (GStreamer binds with SO_REUSEADDR), a new client within 2 s.
if start reboot --port 0 --live; then
	url=rtsp://127.0.0.1:$PORT/cam
	(timeout 30 ffmpeg -v error -y -rtsp_transport tcp -i "$url" -t 20 \
	    -c copy "$T/reboot.ts" 2>"$T/reboot-rec.err"
	    echo "$? $(now_s)" >"$T/reboot-rec.end") &
	rec=$!
	sleep 2
	kill -KILL "$PID"
	wait "$PID" 2>/dev/null
	t0=$(now_s)
	if start reboot --port "$PORT" --live; then
		# Without -analyzeduration 0 FFmpeg would spend 3 s more
		# measuring the frame rate of a 10 fps stream.
		timeout 10 ffmpeg -v error -rtsp_transport tcp -analyzeduration 0 \
		    -probesize 32 -i "$url" -frames:v 1 -f null - 2>"$T/rec.err"
		rc=$?
		took=$(since "$t0")
		result "reboot: a new client gets a frame $took s after the kill" \
		    awk -v rc=$rc -v s="$took" 'BEGIN { exit !(rc == 0 && s <= 2) }'
		stop reboot
	else
		result "reboot: restarts on port $PORT at once" false
	fi
	# Not a check of rtspd: what the client of the killed camera saw.
	wait "$rec"
	read -r rc t1 <"$T/reboot-rec.end"
	diag "reboot: the cut recording ended $(awk -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%.2f", b - a }') s after the kill, ffmpeg exit $rc," \
	    "stderr: $(tr '\n' ' ' <"$T/reboot-rec.err")"
else
	result "reboot: starts" false
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
