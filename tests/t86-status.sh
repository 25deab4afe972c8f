# camctl probe, status and units against a real camera and real systemd.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
start_camera gate --live --audio
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camctl -C site camera add yard --url "$(camera_url gate)" --segment 5s >/dev/null
camctl -C site camera add far --url rtsp://127.0.0.1:9/x --host rec9 >/dev/null

expect_success 'probe reports codec, resolution, frame rate, bitrate, audio' '
	camctl -C site probe gate >out &&
	has "^codec	h264$" out && has "^resolution	320x240$" out &&
	has "^fps	(9\.[89]|10\.[01])[0-9]*$" out &&
	has "^bitrate	[1-9][0-9]{3,}$" out && has "^audio	aac$" out
'

expect_success 'probe of a camera that is down: exit 1 and why' '
	camctl -C site camera add dead --url rtsp://127.0.0.1:9/x >/dev/null &&
	must_fail 1 camctl -C site probe dead 2>err &&
	has "camera dead: Connection refused" err &&
	camctl -C site camera rm dead >/dev/null
'

expect_success 'status: recording cameras are fresh, exit 0' '
	camrec -C site record gate --for 20s 2>/dev/null &
	p1=$! &&
	{ camrec -C site record yard --for 20s 2>/dev/null & } &&
	p2=$! &&
	wait_for grep -q "	segment	" site.store/yard/manifest &&
	wait_for grep -q "	segment	" site.store/gate/manifest &&
	camctl -C site status >out &&
	has "^gate	recording	[0-9-]+T[0-9:]+\+07:00	[0-9]+s	0	0	[0-9]+	" out &&
	has "^yard	recording	" out &&
	hasnt "^far	" out &&
	has "^storage	$T/site.store	[0-9.]+ [kMGTPE]?B	[0-9.]+ [kMGTPE]?B of room	[0-9.]+ days left$" out &&
	camctl -C site status --json >j &&
	jq -e ".cameras | length == 2" j >/dev/null &&
	jq -e ".storage.days_left > 0" j >/dev/null &&
	wait $p1 $p2
'

expect_success 'status: a camera without a recent segment makes exit 1' '
	camctl -C site camera set yard url=rtsp://127.0.0.1:9/x >/dev/null &&
	sleep 11 &&
	must_fail 1 camctl -C site status >out 2>err &&
	has "without a recent segment" err &&
	camctl -C site status --json | jq -e ".cameras[] | select(.camera == \"yard\") | .stale" >/dev/null &&
	camctl -C site status --json 2>/dev/null | jq -e "[.cameras[] | select(.stale)] | length >= 1" >/dev/null
'

expect_success 'status counts a gap in the last 24 h' '
	camctl -C site camera set yard url="$(camera_url gate)" >/dev/null &&
	camrec -C site record yard --for 7s 2>/dev/null &&
	# gate has recorded nothing since the first test: still exit 1.
	must_fail 1 camctl -C site status --json 2>err >j &&
	has "^camctl: 1 camera without a recent segment$" err &&
	jq -e ".cameras[] | select(.camera == \"gate\") | .stale" j >/dev/null &&
	jq -e ".cameras[] | select(.camera == \"yard\") | .stale | not" j >/dev/null &&
	jq -e ".cameras[] | select(.camera == \"yard\") | .gaps_24h >= 1 and .gap_seconds >= 10" j >/dev/null
'

expect_success 'units: a hardened template, the prune timer, this host only' '
	camctl -C site units --output units --bindir "$CAMKIT_BIN" >out 2>err &&
	has "units/camrec@.service$" out && has "units/camkit-recorders.target$" out &&
	has "2 cameras recorded on" err &&
	has "^Wants=camrec@gate.service$" units/camkit-recorders.target &&
	has "^Wants=camrec@yard.service$" units/camkit-recorders.target &&
	hasnt "far" units/camkit-recorders.target &&
	has "^ExecStart=$CAMKIT_BIN/camrec record %i$" units/camrec@.service &&
	has "^Environment=CAMKIT_DIR=$T/site$" units/camrec@.service &&
	has "^ReadWritePaths=$T/site.store$" units/camrec@.service &&
	has "^Restart=on-failure$" units/camrec@.service &&
	has "^NoNewPrivileges=yes$" units/camrec@.service &&
	has "^ProtectSystem=strict$" units/camrec@.service &&
	has "^OnCalendar=hourly$" units/camrec-prune.timer &&
	has "^ExecStart=$CAMKIT_BIN/camctl seal$" units/camkit-seal.service &&
	has "^LoadCredential=site.key:$T/site/private/site.key$" units/camkit-seal.service &&
	has "^OnCalendar=hourly$" units/camkit-seal.timer
'

expect_success 'systemd-analyze verify accepts the units' '
	units_verify "1 5" camrec@gate.service camrec-prune.service \
	    camrec-prune.timer camkit-seal.service camkit-seal.timer \
	    camkit-recorders.target
'

expect_success 'units: a camera with credentials gets them through LoadCredential=' '
	printf "pw\n" | camctl -C site camera add secure --url rtsp://127.0.0.1:9/x \
	    --username admin >/dev/null &&
	camctl -C site units --output units2 --bindir "$CAMKIT_BIN" >out 2>/dev/null &&
	has "^LoadCredential=camera:$T/site/private/credentials/secure$" \
	    units2/camrec@secure.service.d/camkit.conf &&
	test ! -e units2/camrec@gate.service.d &&
	camctl -C site camera rm secure >/dev/null
'

expect_success 'camrec reads credentials from $CREDENTIALS_DIRECTORY when given' '
	start_camera cred --live --user admin --password "from systemd" &&
	printf "wrong\n" | camctl -C site camera add cred --url "$(camera_url cred)" \
	    --segment 5s --username admin >/dev/null &&
	mkdir -p creds && printf "username=admin\npassword=from systemd\n" >creds/camera &&
	chmod 400 creds/camera &&
	CREDENTIALS_DIRECTORY=$T/creds camrec -C site record cred --for 6s 2>err &&
	grep -q "	segment	" site.store/cred/manifest &&
	chmod 644 creds/camera &&
	CREDENTIALS_DIRECTORY=$T/creds camrec -C site record cred --for 3s 2>err &&
	grep "	camera-down	" site.store/cred/manifest | grep -q "others may read it" &&
	stop_camera cred
'

expect_success 'units --cron: one line a camera and the hourly prune' '
	camctl -C site units --cron --output cron --bindir /usr/bin >/dev/null 2>&1 &&
	has "^\* \* \* \* \* camkit flock -n $T/site.store/.cron-gate.lock /usr/bin/camrec record gate$" cron/camkit &&
	has "^17 \* \* \* \* camkit /usr/bin/camrec prune$" cron/camkit &&
	hasnt "record far" cron/camkit
'

stop_camera gate
done_testing
