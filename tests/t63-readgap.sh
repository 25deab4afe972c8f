# camrec never waits for housekeeping: the low-space prune runs beside
# the recording, which goes on reading from the camera meanwhile.
#
# The prune's length is made certain, whatever the store's speed, by a
# stalled lock holder: another camera's manifest (camera "aaa", whose
# segments are the oldest, so that the prune loads it first and deletes
# from it) is held under flock(LOCK_EX) by a perl process for several
# seconds, which the prune waits out.  The recorder's longest read gap
# (read_gap_ms of its record-stop record) must stay well under that
# wait, and every picture the camera sent must be in the segments (as in
# t75, the camera serves a clip whose every picture differs).
. "$CAMKIT_TOP/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to mount a small tmpfs"
command -v perl >/dev/null || skip_all "no perl"
perl -MDigest::SHA -e 1 2>/dev/null || skip_all "no perl Digest::SHA"
mkdir small
mount -t tmpfs -o size=64m tmpfs small 2>/dev/null ||
    skip_all "cannot mount a tmpfs here"
# A body that fails leaves its camrec or lock holder running: those
# still running (named in "pids", and still ours: they work in $T) are
# ended before the file system goes.
stop_ours() {
	local p &&
	if [ -f "$T/pids" ]; then
		for p in $(cat "$T/pids"); do
			if [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$T" ]; then
				kill -KILL "$p" || return 1
			fi || return 1
		done
	fi
}
trap 'stop_ours; umount -l "$T/small" 2>/dev/null; cleanup' EXIT

ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x240:rate=10 -t 60 \
    -c:v libx264 -preset veryfast -g 20 -sc_threshold 0 -bf 0 \
    -pix_fmt yuv420p -f mpegts "$T/clip.ts" 2>"$T/clip.err" ||
    skip_all "ffmpeg cannot encode the test clip: $(head -1 "$T/clip.err")"

# pics FILE: the MD5 of each decoded picture, in order.
pics() {
	ffmpeg -nostdin -v error -i "$1" -map 0:v:0 -f framemd5 - >"$T/.framemd5" &&
	awk -F', *' '!/^#/ { print $6 }' "$T/.framemd5"
}

# fake_camera CAMERA N: N segments of 300 KiB (real files, of bytes
# that are not video), a minute apart from two days ago, indexed in a
# manifest of their own, as a camera recorded here before would leave.
fake_camera() {
	perl -MDigest::SHA=sha256_hex -MPOSIX=strftime -e '
	    my ($root, $cam, $n) = @ARGV;
	    my $prev = "0" x 64;
	    my $t0 = time - 2 * 86400;
	    mkdir "$root/$cam" or die "$root/$cam: $!";
	    open(my $m, ">", "$root/$cam/manifest") or die "manifest: $!";
	    for my $i (0 .. $n - 1) {
		my $t = $t0 + 60 * $i;
		my $day = strftime("%Y/%m/%d", gmtime $t);
		my $rel = "$cam/$day/$cam-" .
		    strftime("%Y%m%dT%H%M%SZ", gmtime $t) . ".mkv";
		system("mkdir", "-p", "$root/$cam/$day") == 0 or die;
		my $body = substr("$rel\n" x 10000, 0, 300 * 1024);
		open(my $f, ">", "$root/$rel") or die "$rel: $!";
		print $f $body;
		close $f;
		my $data = sprintf("{\"file\":\"%s\",\"start\":\"%s\"," .
		    "\"end\":\"%s\",\"duration_ms\":60000,\"frames\":600," .
		    "\"bytes\":%d,\"sha256\":\"%s\",\"codec\":\"h264\"," .
		    "\"width\":320,\"height\":240,\"audio\":null," .
		    "\"closed\":\"boundary\"}", $rel,
		    strftime("%Y-%m-%dT%H:%M:%SZ", gmtime $t),
		    strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($t + 60)),
		    length $body, sha256_hex($body));
		my $line = join("\t", $i + 1,
		    strftime("%Y-%m-%dT%H:%M:%SZ", gmtime $t), "test", $prev,
		    "segment", $data) . "\n";
		print $m $line;
		$prev = sha256_hex($line);
	    }
	    close $m or die;' "$T/small/store" "$1" "$2"
}

# fill_to KIB: leave about KIB kibibytes free on the small file system
# (less than the recorder's reserve, 2% of 64 MiB: it is low on space).
fill_to() {
	local avail &&
	avail=$(df --output=avail -k small | tail -1) &&
	if [ "$avail" -gt "$1" ]; then
		dd if=/dev/zero of="small/filler.$avail" bs=1k \
		    count=$((avail - $1)) status=none
	fi
}

# hold JOURNAL: hold JOURNAL's lock from now until the file "release"
# appears, 60 s at most; "locked" says it holds it.  camkit gives up on
# a lock after 10 s without a change to the journal, so the holder looks
# at work: it touches the journal (its time, not its bytes) every second.
hold() {
	rm -f locked release &&
	{ perl -MFcntl=:flock -MTime::HiRes=sleep -e '
	    open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!";
	    flock($f, LOCK_EX) or die "flock: $!";
	    open(my $o, ">", "locked") or die; close $o;
	    for my $i (1 .. 600) {
		last if -e "release";
		utime(undef, undef, $ARGV[0]) if $i % 10 == 0;
		sleep 0.1;
	    }' "$1" & } &&
	holder=$! &&
	echo $holder >>"$T/pids" &&
	wait_for test -e locked
}

# last_stop MANIFEST: the DATA of its last record, which must be the
# record-stop.
last_stop() {
	test "$(tail -1 "$1" | cut -f5)" = record-stop &&
	tail -1 "$1" | cut -f6
}

# The segments of MANIFEST indexed after its line FROM, as paths.
segs_after() {
	tail -n +"$(($2 + 1))" "$1" | awk -F'\t' '$5 == "segment" { print $6 }' |
	    jq -r '"small/store/" + .file'
}

# after LINES PATTERN: a record of $M after its line LINES matches.
after() {
	tail -n +"$(($1 + 1))" "$M" | grep -q "$2"
}

no_partial() {
	test -z "$(find small/store -name '*.partial' -not -path '*/quarantine/*')"
}

camctl -C site init --site Test >/dev/null 2>init.err
mkdir -p small/store &&
sed -i "s|^  root: /var/lib/camkit |  root: $T/small/store|" site/camkit.yaml
sed -i 's|^  max_usage: "90%"|  max_usage: "1500K"|' site/camkit.yaml
camctl -C site commit -m "a small disk" >/dev/null
start_camera gate --file "$T/clip.ts"
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
pics clip.ts >clip.pics
M=small/store/gate/manifest
A=small/store/aaa/manifest

expect_success 'the prune runs beside the recording, which never waits for it' '
	fake_camera aaa 10 &&
	fill_to 1000 &&
	hold $A &&
	{ camrec -v -C site record gate --for 16s 2>err & } &&
	pid=$! &&
	echo $pid >>"$T/pids" &&
	wait_for grep -q "low on space: pruning" err &&
	sleep 6 &&
	: >release &&
	wait $holder &&
	wait $pid &&
	grep "low on space: pruned" err >pruned &&
	secs=$(sed -n "1s/.* in \([0-9.]*\) s$/\1/p" pruned) &&
	echo "# prune: $(head -1 pruned | sed "s/^camrec: //")" >>figures &&
	awk -v s="$secs" "BEGIN { exit !(s >= 5) }" &&
	gap=$(last_stop $M | jq -e .read_gap_ms) &&
	echo "# longest read gap: $gap ms" >>figures &&
	test "$gap" -lt 1000 &&
	grep "	delete	" $A | cut -f6 | jq -e "select(.reason == \"capacity\")" >/dev/null &&
	test "$(grep -c "	delete	" $M)" = 0 &&
	segs_after $M 0 >segs &&
	test "$(wc -l <segs)" -ge 3 &&
	: >got &&
	for f in $(cat segs); do
		pics "$f" >>got || return 1
	done &&
	n=$(wc -l <got) &&
	head -n "$n" clip.pics >want &&
	cmp_text want got &&
	echo "# $n pictures, every one the clip'"'"'s, in order" >>figures &&
	no_partial &&
	chain_ok $M && chain_ok $A &&
	{ camrec -C site verify >out || { cat out; false; }; }
'

expect_success 'SIGTERM during a prune: the recording stops at once, the prune ends whole' '
	fill_to 1000 &&
	lines=$(wc -l <$M) &&
	hold $A &&
	{ camrec -v -C site record gate --for 60s 2>err & } &&
	pid=$! &&
	echo $pid >>"$T/pids" &&
	wait_for grep -q "low on space: pruning" err &&
	sleep 1 &&
	kill -TERM $pid &&
	wait_for after "$lines" "\"closed\":\"stop\"" &&
	sleep 1 &&
	kill -0 $pid &&
	test "$(tail -1 $M | cut -f5)" = segment &&
	: >release &&
	wait $holder &&
	wait $pid &&
	last_stop $M | jq -e ".reason == \"signal\"" >/dev/null &&
	grep -q "low on space: pruned" err &&
	no_partial &&
	chain_ok $M && chain_ok $A &&
	{ camrec -C site verify >out || { cat out; false; }; }
'

expect_success 'a segment closed during the prune keeps its .partial name until it ends, and goes if the prune deleted it' '
	sed -i "s|^  max_usage: .*|  max_usage: \"1\"|" site/camkit.yaml &&
	camctl -C site commit -m "prune everything" >/dev/null &&
	fill_to 1000 &&
	lines=$(wc -l <$M) &&
	hold $A &&
	{ camrec -v -C site record gate --for 16s 2>err & } &&
	pid=$! &&
	echo $pid >>"$T/pids" &&
	wait_for grep -q "low on space: pruning" err &&
	wait_for after "$lines" "	segment	" &&
	f=$(segs_after $M "$lines" | head -1) &&
	test ! -e "$f" && test -f "$f.partial" &&
	: >release &&
	wait $holder &&
	wait $pid &&
	test ! -e "$f" && test ! -e "$f.partial" &&
	rel=${f#small/store/} &&
	grep "	delete	" $M | cut -f6 | jq -e "select(.file == \"$rel\")" >/dev/null &&
	# The prune appended to the manifest through handles of its own
	# while the recorder appended through its one: no complaint.
	grep -v -e "^camrec: gate: [a-z-]* {" -e "^camrec: gate: segment " \
	    -e "^camrec: low on space: " -e "reserving space: No space" err >other ||
	    test $? = 1 &&
	cmp_text /dev/null other &&
	no_partial &&
	chain_ok $M && chain_ok $A &&
	{ camrec -C site verify >out || { cat out; false; }; }
'

if [ -f figures ]; then
	cat figures
fi
stop_camera gate
done_testing
