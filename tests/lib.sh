# Shell test helpers, sourced by tests/t*.sh (git t/test-lib.sh style).
#
# Each test is   expect_success 'what it shows' 'commands'   and prints
# "ok N - what", "not ok N - what" or "ok N - what # SKIP why" (TAP);
# tests/run counts those lines.  Programs come from $CAMKIT_BIN (set by
# the Makefile), every test file works in its own temporary directory
# $T, removed at the end.
#
# Every command of a body counts: the body runs in a subshell with
# errexit in effect (never inside an if, && or ||, where a shell ignores
# set -e), and it is written as one && chain, which tests/chainlint.pl
# checks (make lint).  A function called in a chain runs with errexit
# ignored, so every helper here is chained too.  A body that cannot run
# here calls skip_test REASON; a whole file, skip_all REASON.

set -u
: "${CAMKIT_BIN:?CAMKIT_BIN must name the directory holding the programs}"
PATH=$CAMKIT_BIN:$PATH
export PATH
unset CAMKIT_DIR
T=$(mktemp -d "${TMPDIR:-/tmp}/camkit-test.XXXXXX")
# Users made by temp_user are listed beside $T, to outlive a subshell.
# Cameras still running (a body that failed before its stop_camera) are
# stopped, not left to hold a port and a CPU after the file ends.
cleanup() {
	if [ -f "$T/.cameras" ]; then
		while read -r c; do
			stop_camera "$c" ||
			    echo "# camera $c did not stop" || return 1
		done <"$T/.cameras"
	fi &&
	if [ -n "${CAMKIT_KEEP:-}" ] && [ "${test_failed:-0}" -gt 0 ]; then
		echo "# kept $T (CAMKIT_KEEP)" &&
		return 0
	fi &&
	if [ -f "$T.users" ]; then
		while read -r u; do
			users_locked userdel "$u" 2>/dev/null ||
			    ! id "$u" >/dev/null 2>&1 ||
			    echo "# could not remove user $u" || return 1
		done <"$T.users"
	fi &&
	rm -rf "$T" "$T.users"
}
trap cleanup EXIT
cd "$T" || exit 1
# A fixed identity for the git CLI so that checks do not depend on the host.
export GIT_CONFIG_NOSYSTEM=1 HOME="$T/home"
mkdir -p "$HOME"
git config --global user.name tester
git config --global user.email tester@localhost
git config --global safe.directory '*'

test_n=0
test_failed=0
test_skipped=0

# expect_success TITLE BODY: run BODY in a subshell of its own with
# errexit in effect; ok if it exits 0, skipped if it called skip_test,
# else not ok with what it printed.  The subshell is a plain command,
# not a condition: bash ignores set -e in anything run as the condition
# of an if, while or until, or left of && or ||, subshells included.
# So expect_success itself must not be called as a condition: it checks
# that errexit takes hold before it trusts a body.
# chainlint: off
expect_success() {
	local errexit_was=+e rc
	case $- in *e*) errexit_was=-e ;; esac
	set +e
	test_n=$((test_n + 1))
	rm -f "$T/.skip"
	(set -e; false; exit 0)
	if [ $? -ne 1 ]; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_n - $1"
		echo "#   expect_success was called where set -e is ignored" \
		    "(in a condition, or left of && or ||): the body was not run"
		set "$errexit_was"
		return 1
	fi
	(set -e; eval "$2") >"$T/.out" 2>&1
	rc=$?
	if [ -f "$T/.skip" ]; then
		test_skipped=$((test_skipped + 1))
		echo "ok $test_n - $1 # SKIP $(cat "$T/.skip")"
	elif [ "$rc" -eq 0 ]; then
		echo "ok $test_n - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_n - $1"
		sed 's/^/#   /' "$T/.out"
		echo "#   (exit status $rc)"
	fi
	set "$errexit_was"
	return 0
}
# chainlint: on

# skip_test REASON: inside a body, this test cannot run here (a tool or
# a privilege is missing): it is reported "ok N - title # SKIP REASON",
# counted as skipped, never as passed.  It ends the body (exit 77 goes
# up through any subshell the body opened).
skip_test() {
	printf '%s\n' "$*" | tr '\n' ' ' | sed 's/ $//' >"$T/.skip" &&
	exit 77
}

# skip_all REASON: at the top of a file, none of its tests can run here:
# one line "ok N - every test of FILE # SKIP REASON", counted as skipped.
skip_all() {
	test_n=$((test_n + 1)) &&
	test_skipped=$((test_skipped + 1)) &&
	echo "ok $test_n - every test of ${0##*/} # SKIP $*" &&
	echo "1..$test_n" &&
	exit 0
}

# done_testing: the last line of every test file; prints the TAP plan
# (tests/run takes a file that ends without one for one that died) and
# exits non-zero if a test failed.
done_testing() {
	echo "1..$test_n" &&
	[ "$test_failed" -eq 0 ]
}

# must_fail CODE CMD...: CMD exits exactly CODE (not 0, not a crash).
must_fail() {
	local want=$1 got=0 &&
	shift &&
	{ "$@" || got=$?; } &&
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2 &&
		return 1
	fi
}

# kill_any PID: SIGKILL the background job PID at a random moment and
# reap it.  It may have ended by itself already (then the shell has
# reaped it and kill finds no process), so neither kill's status nor
# the job's is asked: the test checks what the kill left.
kill_any() {
	{ kill -KILL "$1" || ! kill -0 "$1"; } 2>/dev/null &&
	{ wait "$1" || return 0; } 2>/dev/null
}

# kill_wait PID: SIGKILL the background job PID and reap it; it must
# still have been running (status 137, not an exit of its own).
kill_wait() {
	local rc=0 &&
	kill -KILL "$1" &&
	{ wait "$1" || rc=$?; } 2>/dev/null &&
	if [ "$rc" -ne 137 ]; then
		echo "job $1 ended by itself (exit $rc) before the SIGKILL" >&2 &&
		return 1
	fi
}

# cmp_text EXPECTED ACTUAL: diff -u, shown on failure.
cmp_text() {
	diff -u "$1" "$2"
}

# has PATTERN FILE: grep -E with a readable failure.  hasnt PATTERN
# FILE: no line matches.  Both fail on a FILE they cannot read.
has() {
	local rc=0 &&
	grep -qE -- "$1" "$2" || rc=$? &&
	case $rc in
	0) ;;
	1)	echo "no line matching /$1/ in $2:" >&2 &&
		sed 's/^/    /' "$2" >&2 &&
		return 1 ;;
	*)	echo "has: cannot read $2" >&2 && return 1 ;;
	esac
}

hasnt() {
	local rc=0 &&
	grep -qE -- "$1" "$2" || rc=$? &&
	case $rc in
	1) ;;
	0)	echo "unexpected line matching /$1/ in $2:" >&2 &&
		grep -E -- "$1" "$2" | sed 's/^/    /' >&2 &&
		return 1 ;;
	*)	echo "hasnt: cannot read $2" >&2 && return 1 ;;
	esac
}

# ---- cameras and recording sites ----

# start_camera NAME [rtspd options...]: an RTSP camera on 127.0.0.1 (a
# free port, or $PORT), serving rtsp://127.0.0.1:PORT/cam; waits until it
# listens.  camera_url NAME prints its URL.
start_camera() {
	local name=$1 i=0 &&
	shift &&
	rm -f "$T/$name.ready" &&
	echo "$name" >>"$T/.cameras" &&
	{ "$CAMKIT_BIN/tests/rtspd" --port "${PORT:-0}" --pidfile "$T/$name.pid" \
	    --ready-file "$T/$name.ready" "$@" >"$T/$name.log" 2>&1 & } &&
	until [ -s "$T/$name.ready" ]; do
		i=$((i + 1)) &&
		if [ "$i" -gt 100 ]; then
			echo "camera $name did not start:" >&2 &&
			cat "$T/$name.log" >&2 &&
			return 1
		fi &&
		sleep 0.1 || return 1
	done
}

camera_port() { cat "$T/$1.ready"; }
camera_url() { echo "rtsp://127.0.0.1:$(camera_port "$1")/cam"; }

# stop_camera NAME [SIGNAL]
# Once the camera has ended, its pid file is gone (removed by it, or
# here after a KILL) and there is nothing to stop; a camera still there
# after 5 s fails.
stop_camera() {
	local pid i=0 &&
	pid=$(cat "$T/$1.pid" 2>/dev/null) || return 0
	if kill -"${2:-TERM}" "$pid" 2>/dev/null; then
		while kill -0 "$pid" 2>/dev/null; do
			i=$((i + 1)) &&
			if [ "$i" -gt 50 ]; then
				echo "camera $1 (pid $pid) did not stop" >&2 &&
				return 1
			fi &&
			sleep 0.1 || return 1
		done
	fi &&
	rm -f "$T/$1.pid"
}

# recording_site DIR: a site recording on this host into DIR.store.
recording_site() {
	# init notes that the default data root does not exist: test_root
	# gives the site its own.
	{ camctl -C "$1" init --site Test >/dev/null 2>"$T/.init.err" ||
	    { cat "$T/.init.err" >&2; false; }; } &&
	test_root "$1"
}

# test_root DIR: the site DIR (just made by camctl init) keeps its data,
# and so its audit trail, in DIR.store, made here: no act is done
# without a trail to record it in.
test_root() {
	mkdir -p "$T/$1.store" &&
	sed -i "s|^  root: /var/lib/camkit |  root: $T/$1.store|" "$1/camkit.yaml" &&
	# The recorders' live sockets (camview) in the test's own directory,
	# if its path fits a socket's (view.run_dir: 64 bytes at most).
	{ grep -q "^view:" "$1/camkit.yaml" ||
	    [ $((${#T} + ${#1} + 5)) -gt 64 ] ||
	    printf "view:\n  run_dir: %s/%s.run\n" "$T" "$1" >>"$1/camkit.yaml"; } &&
	camctl -C "$1" commit -m "storage for the tests" >/dev/null
}

# manifest_kinds SITE CAMERA: the KIND of every manifest record.
manifest_kinds() {
	cut -f5 "$T/$1.store/$2/manifest"
}

# segments SITE CAMERA: the segment files, in order.
segments() {
	find "$T/$1.store/$2" -name '*.mkv' | sort
}

# frames FILE: video frames ffprobe counts.
frames() {
	ffprobe -v error -count_frames -select_streams v:0 \
	    -show_entries stream=nb_read_frames -of csv=p=0 "$1" | grep -m1 .
}

# quarantine_unreadable MANIFEST: each file the manifest quarantined for
# "no readable video" holds no video packet ffprobe can read either:
# quarantining it lost no footage.
quarantine_unreadable() {
	local f n store=${1%/*/manifest} &&
	grep "	quarantine	" "$1" | cut -f6 |
	    jq -r 'select(.reason == "no readable video") | .moved_to' |
	while read -r f; do
		{ n=$(ffprobe -v quiet -select_streams v -count_packets \
		    -show_entries stream=nb_read_packets -of csv=p=0 \
		    "$store/$f" | grep -m1 .) || n=0; } &&
		[ "$n" = 0 ] || { echo "$f was quarantined as unreadable," \
		    "yet ffprobe reads $n video packets in it" >&2; return 1; }
	done
}

# ago OFFSET CMD...: CMD as if OFFSET from now ("-3h", "+40d"); a
# sanitized build's runtime accepts libfaketime loaded before it.
ago() {
	local off=$1 &&
	shift &&
	env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    faketime -f "$off" "$@"
}
# has_faketime: in a body, skip it without faketime(1) to make records
# of another time.
has_faketime() { command -v faketime >/dev/null || skip_test "needs faketime"; }

# chain_ok JOURNAL: the chain check of camkit-journal(5), by shell.
chain_ok() {
	local prev line n=0 &&
	prev=0000000000000000000000000000000000000000000000000000000000000000 &&
	while IFS= read -r line; do
		n=$((n + 1)) &&
		[ "$(printf '%s\n' "$line" | cut -f1,4)" = "$n	$prev" ] ||
		    { echo "chain broken at record $n of $1" >&2; return 1; }
		prev=$(printf '%s\n' "$line" | sha256sum | cut -c1-64) || return 1
	done <"$1" &&
	[ "$n" -gt 0 ]
}

# rechain JOURNAL: make each record's PREV the hash of the record before
# it again, as one who edits a journal by hand and knows the format
# would (the seals are what such an edit cannot forge).
rechain() {
	local prev line &&
	prev=0000000000000000000000000000000000000000000000000000000000000000 &&
	while IFS= read -r line; do
		line=$(printf '%s\n' "$line" | awk -F'\t' -v OFS='\t' -v p="$prev" '{ $4 = p; print }') &&
		printf '%s\n' "$line" &&
		prev=$(printf '%s\n' "$line" | sha256sum | cut -c1-64) || return 1
	done <"$1" >"$1.rechained" &&
	mv "$1.rechained" "$1"
}

# wait_for CMD...: retry CMD for up to 30 s.
wait_for() {
	local i=0 &&
	until "$@" 2>/dev/null; do
		i=$((i + 1)) &&
		if [ "$i" -gt 300 ]; then
			echo "timed out waiting for: $*" >&2 &&
			return 1
		fi &&
		sleep 0.1 || return 1
	done
}

# pki_site SITE: the demo PKI in $T/pki; SITE trusts its CA (committed
# as trust/ca.pem) and holds the site key in private/.
pki_site() {
	[ -f "$T/pki/ca.crt" ] || "$CAMKIT_TOP/examples/pki/mkpki.sh" "$T/pki" ||
	    return 1
	mkdir -p "$1/trust" &&
	cp "$T/pki/ca.crt" "$1/trust/ca.pem" &&
	install -m 600 "$T/pki/site.key" "$1/private/site.key" &&
	install -m 644 "$T/pki/site.crt" "$1/private/site.crt" &&
	sed -i 's|^  ca: \[\]|  ca: [trust/ca.pem]|' "$1/camkit.yaml" &&
	camctl -C "$1" commit -m "trust the demo CA" >/dev/null
}

# director_site DIR [unit-head [UNIT]]: a recording site (recording_site)
# that trusts the demo CA (pki_site) and its director, and its unit head
# too if asked, as the head of UNIT (default "Phòng Tổ chức", the unit of
# request's requests); the policy does not require the unit head's
# signature.
director_site() {
	recording_site "$1" && pki_site "$1" &&
	cp "$T/pki/director.crt" "$1/trust/director.pem" &&
	sed -i 's|^  director: \[\]|  director: [trust/director.pem]|; s|^  unit_head_signature: true|  unit_head_signature: false|' "$1/camkit.yaml" ||
	    return 1
	if [ "${2:-}" = unit-head ]; then
		cp "$T/pki/unit-head.crt" "$1/trust/unit-head.pem" &&
		sed -i "s|^  unit_head: {}|  unit_head: { \"${3:-Phòng Tổ chức}\": trust/unit-head.pem }|" "$1/camkit.yaml" ||
		    return 1
	fi &&
	camctl -C "$1" commit -m "directors" >/dev/null
}

# recorded_window SITE CAMERA: 14 s of CAMERA, a live test camera started
# and stopped here, recorded into SITE in 5 s segments; sets first (the
# first segment's start) and from and to, a window 2 s to 8 s after it
# (RFC 3339), for requests.
recorded_window() {
	start_camera "$2" --live &&
	camctl -C "$1" camera add "$2" --url "$(camera_url "$2")" \
	    --segment 5s >/dev/null &&
	camrec -C "$1" record "$2" --for 14s 2>/dev/null &&
	stop_camera "$2" &&
	first=$(cut -f6 "$T/$1.store/$2/manifest" |
	    jq -r "select(.start) | .start" | head -1) &&
	from=$(date -u -d "$first +2 sec" +%Y-%m-%dT%H:%M:%SZ) &&
	to=$(date -u -d "$first +8 sec" +%Y-%m-%dT%H:%M:%SZ)
}

# record_with_outage SITE CAMERA SECONDS: CAMERA (added to SITE, 5 s
# segments) recorded for SECONDS, its camera killed once the first
# segment is in and back 4 s later: footage with an outage in it.
record_with_outage() {
	local port rec &&
	start_camera "$2" --live &&
	port=$(camera_port "$2") &&
	camctl -C "$1" camera add "$2" --url "$(camera_url "$2")" \
	    --segment 5s >/dev/null || return
	camrec -C "$1" record "$2" --for "${3}s" 2>/dev/null &
	rec=$! &&
	wait_for grep -q "	segment	" "$T/$1.store/$2/manifest" &&
	stop_camera "$2" KILL &&
	sleep 4 &&
	PORT=$port start_camera "$2" --live &&
	wait "$rec" &&
	stop_camera "$2"
}

# shift_and_extraction SITE KIND TEXT: a guard's shift with one logbook
# entry of KIND on camera gate, then request A for seconds 1 to 5 of its
# first segment, signed by the director and extracted into A.tar: what
# the monthly report counts.
shift_and_extraction() {
	local first &&
	camlog -C "$1" shift start >/dev/null &&
	camlog -C "$1" add --kind "$2" --camera gate "$3" >/dev/null &&
	camlog -C "$1" shift end >/dev/null &&
	first=$(cut -f6 "$T/$1.store/gate/manifest" |
	    jq -r "select(.start) | .start" | head -1) &&
	request A "$(date -u -d "$first +1 sec" +%Y-%m-%dT%H:%M:%SZ)" \
	    "$(date -u -d "$first +5 sec" +%Y-%m-%dT%H:%M:%SZ)" &&
	sign A.yaml director &&
	camextract -C "$1" run A.yaml -o A.tar >/dev/null 2>&1
}

# install_into DIR: make install DESTDIR=DIR PREFIX=/usr of the build
# as it is: refused when it is older than its sources, since other test
# files may be running its programs (relinking them under those runs
# once failed with "Permission denied"); make's output shown on failure.
install_into() {
	if ! make -s -q -C "$CAMKIT_TOP" all; then
		echo "the build is older than its sources: make all first" &&
		return 1
	fi &&
	if ! make -s -C "$CAMKIT_TOP" install DESTDIR="$1" PREFIX=/usr \
	    >"$T/install.log" 2>&1; then
		cat "$T/install.log"
		return 1
	fi
}

# units_verify MAN_SECTIONS UNIT...: systemd-analyze verify accepts the
# units written in units/ (the manual pages they name found in this
# tree's man/, sections as "1 5"); skips the test without systemd.
units_verify() {
	local sec=$1 &&
	shift &&
	{ command -v systemd-analyze >/dev/null ||
	    skip_test "no systemd-analyze"; } || return
	for s in $sec; do
		mkdir -p "$T/man/man$s" &&
		cp "$CAMKIT_TOP"/man/*."$s" "$T/man/man$s/" || return
	done &&
	(cd units && MANPATH=$T/man systemd-analyze verify "$@") 2>verr ||
	    { cat verr; return 1; }
	test ! -s verr || { cat verr; return 1; }
}

# request ID FROM TO [EXPIRES] [CAMERAS]: a request file ID.yaml for the
# cameras (default gate) from FROM to TO (RFC 3339).
request() {
	cat >"$1.yaml" <<EOR
id: $1
requester:
  name: "Nguyễn Văn A"
  unit: "Phòng Tổ chức"
purpose: "Xác minh sự việc ngày hôm nay"
cameras: [${5:-gate}]
from: "$2"
to: "$3"
expires: "${4:-$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)}"
recipient:
  name: "Công an phường"
EOR
}
# sign REQ WHO: a detached signature by WHO of the test PKI (pki_site),
# as plain openssl makes it.
sign() {
	openssl cms -sign -binary -in "$1" -signer "$T/pki/$2.crt" -inkey "$T/pki/$2.key" \
	    -outform DER -out "$1.$2.p7s" 2>/dev/null
}

# temp_user NAME: a Unix user for this test file, removed at its end
# (needs root and useradd; tests check with can_add_users first), in
# the default group.
can_add_users() {
	[ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null &&
	    command -v setpriv >/dev/null
}
temp_user() {
	echo "$1" >>"$T.users" &&
	users_locked useradd -M -N -s /usr/sbin/nologin "$1"
}
# temp_account NAME: the same, with a group of its own (useradd -U),
# removed with it: a guard or a service account, whose group owns what
# it makes.
temp_account() {
	echo "$1" >>"$T.users" &&
	users_locked useradd -M -U -s /usr/sbin/nologin "$1"
}
# useradd and userdel give up when another holds /etc/passwd's lock, as
# happens when tests/run runs test files side by side: take turns.
users_locked() {
	flock /tmp/camkit-test-users.lock "$@"
}

# audit_helper SITE: camlog installed set-user-id and set-group-id, as
# "make install" does, in $T/sbin, to the service account $svc (made here unless set)
# which then owns SITE.store; exports CAMKIT_BINDIR, so that a user who
# may not write the audit trail reaches it through camlog
# (camkit-journal(5)).  Needs what temp_user needs.
audit_helper() {
	svc=${svc:-cks-$$} &&
	{ id "$svc" >/dev/null 2>&1 || temp_user "$svc"; } &&
	mkdir -p "$T/sbin" && chmod 755 "$T/sbin" &&
	cp "$CAMKIT_BIN/camlog" "$T/sbin/camlog" &&
	chown "$svc:$(id -g "$svc")" "$T/sbin/camlog" &&
	chmod 6755 "$T/sbin/camlog" &&
	chown -R "$svc" "$T/$1.store" &&
	CAMKIT_BINDIR=$T/sbin && export CAMKIT_BINDIR
}

# as USER CMD...: run CMD as USER, without root's groups.
as() {
	local u=$1 &&
	shift &&
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups \
	    env HOME=/nonexistent PATH="$PATH" "$@"
}

# flip FILE OFFSET: change the byte at OFFSET to another value (adding
# one, so that the change never leaves it as it was).
flip() {
	local b &&
	b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ') &&
	printf "\\$(printf %o $(( (b + 1) % 256 )))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# ---- an S3 service on loopback (tests/s3d.py) ----

# s3d_start NAME [PORT [OPTION...]]: the S3 service of tests/s3d.py on
# 127.0.0.1, keeping its objects under $T/NAME.s3d (its layout is in
# the header of tests/s3d.py), on a free port or PORT (the one it had,
# to start it again after s3d_stop: the objects are still there); waits
# until it listens.  OPTIONs go to s3d.py (--max-keys N, --fail-puts N,
# --latency-ms N, --require-md5).  Exports S3_ENDPOINT
# (http://127.0.0.1:PORT), S3_PORT, S3_REGION, S3_ACCESS, S3_SECRET and
# S3_DIR; a line per request ("s3d: METHOD PATH STATUS") is appended
# to $T/NAME.s3d.log.
s3d_start() {
	local name=$1 port=${2:-0} i=0 &&
	shift &&
	if [ $# -gt 0 ]; then shift; fi &&
	S3_ACCESS=camkit-test-key &&
	S3_SECRET='tEst/Secret+Key0123456789abcdefghijklmnop' &&
	S3_REGION=us-east-1 &&
	S3_DIR=$T/$name.s3d &&
	rm -f "$T/$name.s3d.ready" &&
	{ /usr/bin/python3 "$CAMKIT_TOP/tests/s3d.py" --dir "$S3_DIR" \
	    --port "$port" --access "$S3_ACCESS" --secret "$S3_SECRET" \
	    --region "$S3_REGION" --ready-file "$T/$name.s3d.ready" \
	    --pidfile "$T/$name.s3d.pid" "$@" 2>>"$T/$name.s3d.log" & } &&
	until [ -s "$T/$name.s3d.ready" ]; do
		i=$((i + 1)) &&
		if [ "$i" -gt 100 ]; then
			echo "s3d $name did not start:" >&2 &&
			cat "$T/$name.s3d.log" >&2 &&
			return 1
		fi &&
		sleep 0.1 || return 1
	done &&
	S3_PORT=$(cat "$T/$name.s3d.ready") &&
	S3_ENDPOINT=http://127.0.0.1:$S3_PORT &&
	export S3_ENDPOINT S3_PORT S3_REGION S3_ACCESS S3_SECRET S3_DIR
}

# s3d_stop NAME: stop it (SIGTERM), waiting up to 5 s; nothing to do if
# it has stopped already.  Its objects stay in $T/NAME.s3d.
s3d_stop() {
	local pid i=0 &&
	pid=$(cat "$T/$1.s3d.pid" 2>/dev/null) || return 0
	if kill -TERM "$pid" 2>/dev/null; then
		while kill -0 "$pid" 2>/dev/null; do
			i=$((i + 1)) &&
			if [ "$i" -gt 50 ]; then
				echo "s3d $1 (pid $pid) did not stop" >&2 &&
				return 1
			fi &&
			sleep 0.1 || return 1
		done
	fi &&
	rm -f "$T/$1.s3d.pid"
}

# s3d_curl [--sha256 HEX] CURL_ARGS... PATH: curl(1) as an S3 client of
# the service s3d_start started last (curl's own SigV4 signing,
# --aws-sigv4), on $S3_ENDPOINT/PATH, PATH being path-style
# BUCKET/KEY[?QUERY], already percent-encoded.  The body's SHA-256 is
# declared as HEX (x-amz-content-sha256), by default UNSIGNED-PAYLOAD.
# curl's status is its own: add --fail to make an S3 error fail.
s3d_curl() {
	local sha=UNSIGNED-PAYLOAD path &&
	if [ "$1" = --sha256 ]; then sha=$2 && shift 2; fi &&
	path=${!#} &&
	curl -sS --aws-sigv4 "aws:amz:$S3_REGION:s3" \
	    --user "$S3_ACCESS:$S3_SECRET" -H "x-amz-content-sha256: $sha" \
	    "${@:1:$#-1}" "$S3_ENDPOINT/$path"
}

# s3d_bucket NAME [lock]: create bucket NAME, with versioning and Object
# Lock if asked.
s3d_bucket() {
	if [ "${2:-}" = lock ]; then
		s3d_curl --fail -X PUT -H "x-amz-bucket-object-lock-enabled: true" "$1" >/dev/null
	else
		s3d_curl --fail -X PUT "$1" >/dev/null
	fi
}

# s3d_credential SITE NAME: the service's access key and secret as the
# credential NAME of SITE (private/credentials/NAME, username= the
# access key, password= the secret), for replication.credential.
s3d_credential() {
	mkdir -p "$1/private/credentials" &&
	chmod 700 "$1/private" "$1/private/credentials" &&
	printf 'username=%s\npassword=%s\n' "$S3_ACCESS" "$S3_SECRET" \
	    >"$1/private/credentials/$2" &&
	chmod 600 "$1/private/credentials/$2"
}

# s3d_body BUCKET KEY [VERSION]: the file holding the body of KEY's
# newest version (or of VERSION) in the store, for a test that alters
# or removes it by hand, as an administrator of the store's disks
# could; fails if there is none.
s3d_body() {
	local v=${3:-} &&
	if [ -z "$v" ]; then v=$(cat "$S3_DIR/$1/$2/@current") || return 1; fi &&
	test -f "$S3_DIR/$1/$2/@$v" &&
	echo "$S3_DIR/$1/$2/@$v"
}

# s3d_requests NAME METHOD PATH_RE [STATUS]: how many METHOD requests
# for a path matching the regular expression PATH_RE (anchored at the
# start, after the '/') service NAME answered with STATUS (default 200).
s3d_requests() {
	grep -E "^s3d: $2 /$3 ${4:-200}( |\$)" "$T/$1.s3d.log" | wc -l
}
