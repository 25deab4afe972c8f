# The simulated camera killed and restarted again and again under one
# camrec run: recording resumes within 5 s of each restart, each outage
# is journaled (camera-down, camera-up), no corrupt segment is indexed;
# the last outage lasts 16 s, and recording resumes as fast after it.
# make stress sets CAMKIT_RESTARTS=20; make check does 3.
. "$CAMKIT_TOP/tests/lib.sh"

n=${CAMKIT_RESTARTS:-3}
recording_site site
start_camera gate --live
port=$(camera_port gate)
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camrec -C site record gate 2>/dev/null &
rec=$!
wait_for grep -q "	segment	" site.store/gate/manifest
: >late
for i in $(seq "$n"); do
	stop_camera gate KILL
	# The last outage is long: the retries must not back off past
	# the 5 s in which recording has to resume.
	if [ "$i" -eq "$n" ]; then sleep 16; else sleep 2; fi
	PORT=$port start_camera gate --live
	up=$(date +%s)
	ups=$(grep -c "	camera-up	" site.store/gate/manifest)
	# Resumed: a camera-up record, then a segment opened after it.
	for _ in $(seq 400); do
		[ "$(grep -c "	camera-up	" site.store/gate/manifest)" -gt "$ups" ] && break
		sleep 0.1
	done
	# No new camera-up within 40 s counts as 99 s late.
	if [ "$(grep -c "	camera-up	" site.store/gate/manifest)" -gt "$ups" ]; then
		t=$(grep "	camera-up	" site.store/gate/manifest | tail -1 | cut -f2)
		echo "$(( $(date -d "$t" +%s) - up ))" >>late
	else
		echo 99 >>late
	fi
	# Let it record past a segment boundary before the next kill.
	sleep 6
done
kill -TERM $rec
wait $rec
stop_camera gate 2>/dev/null
awk '{ s += $1; if (NR == 1 || $1 > max) max = $1 } END { if (NR) printf "# %d restarts: back after %.1f s on average, %d s at worst\n", NR, s / NR, max }' late

expect_success "$n restarts: each journaled, recording back within 5 s each time" '
	test "$(grep -c "	camera-down	" site.store/gate/manifest)" -ge "$n" &&
	test "$(grep -c "	camera-up	" site.store/gate/manifest)" -ge "$n" &&
	test "$(wc -l <late)" = "$n" &&
	awk "{ if (\$1 > 5) bad = 1; if (\$1 > max) max = \$1 } END { print \"slowest\", max, \"s\"; exit bad }" late
'

expect_success 'every indexed segment verifies and decodes; the chain is valid' '
	camrec -C site verify gate >/dev/null &&
	chain_ok site.store/gate/manifest &&
	for f in $(segments site gate); do
		test "$(frames "$f")" -gt 0 || return 1
	done
'

expect_success 'camaudit: every outage is an explained gap' '
	camaudit -C site recordings --camera gate >out &&
	test "$(grep -c "^ok	gap	gate: .*the camera was down" out)" -ge "$n"
'

done_testing
