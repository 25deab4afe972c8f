#!/bin/sh
# Which container for recorded segments?  For each candidate, remux the
# same H.264+AAC clip (stream copy) and report:
#   - overhead: file size against the Matroska/raw payload, in percent;
#   - truncation: the file cut at 10 points (as a crash or a full disk
#     would), how many of the video packets before the cut ffprobe can
#     still read, in percent.
# Usage: bench/container.sh [bitrate ...]   (default: 512k 2M 6M)
set -eu
command -v ffmpeg >/dev/null || { echo "needs ffmpeg" >&2; exit 3; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
rates=${*:-512k 2M 6M}
printf '%-8s %-6s %12s %9s %11s\n' bitrate format bytes overhead truncation
for rate in $rates; do
	ffmpeg -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=25 \
	    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 \
	    -c:v libx264 -preset veryfast -b:v "$rate" -g 50 -bf 2 \
	    -c:a aac -b:a 64k "$w/src.mkv"
	# The payload: video + audio packet bytes, from the demuxer.
	payload=$(ffprobe -v error -show_entries packet=size -of csv=p=0 \
	    "$w/src.mkv" | awk '{ s += $1 } END { print s }')
	for fmt in ts mkv mp4; do
		case $fmt in
		mp4) opts="-movflags +frag_keyframe+empty_moov+default_base_moof" ;;
		*) opts= ;;
		esac
		# shellcheck disable=SC2086
		ffmpeg -loglevel error -y -i "$w/src.mkv" -c copy $opts \
		    "$w/out.$fmt"
		size=$(stat -c %s "$w/out.$fmt")
		total=$(ffprobe -v error -select_streams v -count_packets \
		    -show_entries stream=nb_read_packets -of csv=p=0 \
		    "$w/out.$fmt" | grep -m1 "[0-9]")
		kept=0 want=0
		for pct in 7 16 25 34 43 52 61 70 79 88; do
			cut=$((size * pct / 100))
			head -c "$cut" "$w/out.$fmt" >"$w/cut.$fmt"
			n=$(ffprobe -v quiet -select_streams v -count_packets \
			    -show_entries stream=nb_read_packets -of csv=p=0 \
			    "$w/cut.$fmt" 2>/dev/null | grep -m1 "[0-9]" || echo 0)
			kept=$((kept + ${n:-0}))
			want=$((want + total * pct / 100))
		done
		awk -v r="$rate" -v f="$fmt" -v s="$size" -v p="$payload" \
		    -v k="$kept" -v w="$want" 'BEGIN {
			printf "%-8s %-6s %12d %8.2f%% %10.1f%%\n", r, f, s,
			    (s - p) * 100 / p, k * 100 / w }'
	done
done
