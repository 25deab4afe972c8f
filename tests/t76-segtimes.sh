# camrec's segments in time: each starts where the previous one ended
# (no overlap, no hole), ends within one GOP of its boundary (the first
# one too, whose times come from an anchor refined after the burst of the
# first packets); a closed segment has its Duration and Cues, so players
# show its length and seek; a power cut loses no more of the open segment
# than the sync interval (5 s) and a GOP.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
# 10 fps, a keyframe every 2 s.
start_camera gate --live --fps 10 --gop 20
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null

# epoch TIME: seconds since the Epoch of a manifest time.
epoch() { date -u -d "$1" +%s; }

expect_success 'record 23 s of 5 s segments with a 2 s GOP' '
	camrec -C site record gate --for 23s 2>err &&
	grep "	segment	" site.store/gate/manifest | cut -f6 >recs &&
	test "$(wc -l <recs)" -ge 4
'

expect_success 'each segment starts where the previous one ended' '
	jq -r "[.start, .end] | @tsv" recs >times &&
	awk -F"\\t" "NR > 1 && \$1 != prev { print \"segment \" NR \" starts \" \$1 \", the previous one ended \" prev; bad = 1 }
	    { prev = \$2 } END { exit bad }" times >&2
'

expect_success 'a segment closed at a boundary ends within one GOP of it, the first one too' '
	jq -r "[.start, .end, .closed, .file] | @tsv" recs >ends &&
	n=0 &&
	while IFS="	" read -r start end closed file; do
		s=$(epoch "$start") && e=$(epoch "$end") &&
		b=$(( (s / 5 + 1) * 5 )) &&
		case $file in *"-$(date -u -d "@$s" +%Y%m%dT%H%M%SZ).mkv") ;;
		*) echo "$file: not named after its start $start" >&2; exit 1 ;; esac &&
		if [ "$closed" = boundary ]; then
			n=$((n + 1)) &&
			{ [ "$e" -ge "$b" ] && [ "$e" -le $((b + 2)) ] ||
			    { echo "$file: $start to $end, boundary at +$((b - s)) s" >&2; exit 1; }; }
		fi || exit 1
	done <ends &&
	test "$n" -ge 3 &&
	test "$(head -1 ends | cut -f3)" = boundary
'

expect_success 'a closed segment has its Duration and Cues, and the manifest hash is the file s' '
	while read -r rec; do
		f=site.store/$(echo "$rec" | jq -r .file) &&
		d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f") &&
		ms=$(echo "$rec" | jq .duration_ms) &&
		{ awk -v d="$d" -v ms="$ms" "BEGIN { x = d * 1000 - ms; exit !(d > 0 && x < 250 && x > -250) }" ||
		    { echo "$f: Duration ${d:-none}, manifest $ms ms" >&2; exit 1; }; } &&
		# The Cues element ID, in the SeekHead and as the element.
		c=$(od -An -tx1 -v "$f" | tr -d " \\n" | grep -o 1c53bb6b | wc -l) &&
		{ test "$c" -ge 2 || { echo "$f: no Cues" >&2; exit 1; }; } &&
		{ test "$(echo "$rec" | jq -r .sha256)  $f" = "$(sha256sum "$f")" ||
		    { echo "$f: hash differs from the manifest" >&2; exit 1; }; } || exit 1
	done <recs
'

expect_success 'mkvinfo lists a cue point for every keyframe of a segment' '
	{ command -v mkvinfo >/dev/null || skip_test "no mkvinfo (Debian mkvtoolnix)"; } &&
	f=site.store/$(sed -n 2p recs | jq -r .file) &&
	mkvinfo -a "$f" >info &&
	grep -q "Duration: 00:00:0" info &&
	k=$(ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 "$f" | grep -c K) &&
	test "$(grep -c "Cue point" info)" = "$k"
'

# ---- a power cut ----

PC=$CAMKIT_BIN/tests/powercut
expect_success 'a power cut loses at most the sync interval and a GOP of the open segment' '
	{ [ -x "$PC" ] && [ -f "$PC.so" ] || skip_test "tests/powercut not built (make all-tests)"; } &&
	camctl -C site camera add cut --url "$(camera_url gate)" --segment 60s >/dev/null &&
	mkdir -p site.store/cut shadow &&
	"$PC" snapshot site.store shadow &&
	{ env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    LD_PRELOAD=$PC.so CAMKIT_POWERCUT_ROOT=$T/site.store \
	    CAMKIT_POWERCUT_SHADOW=$T/shadow \
	    camrec -C site record cut 2>rec.err & } &&
	pid=$! &&
	wait_for grep -q "	record-start	" site.store/cut/manifest &&
	sleep 13 &&
	kill_wait $pid &&
	# What was written, segments and the .partial, before the cut.
	# A .partial cut right after a segment boundary may hold no
	# frame yet: ffprobe reads nothing from it ("End of file"), and
	# it counts 0.  A closed segment must be readable.
	live=0 unread=0 &&
	for f in $(find site.store/cut -name "*.mkv" -o -name "*.partial"); do
		case $f in
		*.partial) n=$(frames "$f") || { n=0 && unread=$((unread + 1)); } ;;
		*) n=$(frames "$f") ;;
		esac &&
		live=$((live + n)) || exit 1
	done &&
	"$PC" rebuild shadow cut.store &&
	mv site.store live.store && mv cut.store site.store &&
	camrec -C site recover cut >recover.out &&
	kept=0 &&
	for f in $(segments site cut); do
		n=$(frames "$f") &&
		kept=$((kept + n)) || exit 1
	done &&
	echo "# power cut 13 s in: $live frames written ($unread .partial not readable yet), $kept kept after recovery" >figure &&
	test "$live" -ge 80 &&
	{ test $((live - kept)) -le 70 ||
	    { echo "$live frames written, $kept kept: more than 7 s lost" >&2; false; }; } &&
	chain_ok site.store/cut/manifest &&
	camrec -C site verify cut >verify.out
'

[ -f figure ] && cat figure
stop_camera gate
done_testing
