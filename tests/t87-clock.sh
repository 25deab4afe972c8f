# The wall clock stepped forwards and back by an hour while camrec
# records (libfaketime moves the clock of camrec alone): nothing is
# overwritten, no footage is lost, each step is journaled.
. "$CAMKIT_TOP/tests/lib.sh"

ft=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
[ -n "$ft" ] || skip_all "needs libfaketime (Debian package faketime)"

recording_site site
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
echo "+0" >clock
# Under AddressSanitizer the preloaded library comes before ASan's.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
LD_PRELOAD=$ft FAKETIME_TIMESTAMP_FILE=$T/clock FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 camrec -C site record gate --for 36s 2>rec.err &
rec=$!
wait_for grep -q "	segment	" site.store/gate/manifest
sleep 4
echo "+1h" >clock
wait_for grep -q "	clock-step	" site.store/gate/manifest
sleep 8
echo "+0" >clock
wait $rec
stop_camera gate

expect_success 'both steps are journaled, with their size' '
	cut -f5,6 site.store/gate/manifest | awk -F"\t" "\$1 == \"clock-step\" { print \$2 }" |
	    jq -r .seconds >steps &&
	test "$(wc -l <steps)" = 2 &&
	s1=$(sed -n 1p steps) && s2=$(sed -n 2p steps) &&
	test "$s1" -ge 3590 && test "$s1" -le 3610 &&
	test "$s2" -le -3590 && test "$s2" -ge -3610
'

expect_success 'camrec ran its full 36 s of monotonic time (not cut short by the step)' '
	grep "	record-stop	" site.store/gate/manifest | cut -f6 | grep -q "\"reason\":\"duration\""
'

expect_success 'nothing overwritten: one file per segment record, each verifies' '
	cut -f5,6 site.store/gate/manifest | awk -F"\t" "\$1 == \"segment\" { print \$2 }" |
	    jq -r .file | sort >listed &&
	test "$(sort -u listed | wc -l)" = "$(wc -l <listed)" &&
	test "$(segments site gate | wc -l)" = "$(wc -l <listed)" &&
	camrec -C site verify gate >out &&
	chain_ok site.store/gate/manifest
'

# The camera sends 10 frames a second: 36 s of recording, less the
# first connection, is at least 280 frames.
expect_success 'no footage lost: the segments hold the whole recording' '
	for f in $(segments site gate); do
		frames "$f" || return 1
	done | awk "{ n += \$1 } END { print n; exit !(n >= 280) }"
'

expect_success 'the segments around each step are cut at it, times true to each clock' '
	cut -f5,6 site.store/gate/manifest | awk -F"\t" "\$1 == \"segment\" { print \$2 }" |
	    jq -r "[.start, .end] | @tsv" >times &&
	awk -F"\t" "NR > 1 && \$1 > prev_end { big = 1 } { prev_end = \$2 } END { exit !big }" times
'

expect_success 'camaudit: the hole the forward step leaves is explained by it' '
	camaudit -C site recordings --camera gate >out &&
	has "^ok	gap	gate: .*, the system clock was stepped forwards by 3[56][0-9][0-9] s \(journaled\)$" out
'

done_testing
