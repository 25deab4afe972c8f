# Helpers of the camview browser tests (tests/t96-view-*.sh), sourced
# after tests/lib.sh: a recording site with camview serving it on a
# loopback port, real Unix accounts with passwords, recorders in the
# background, and view.py (headless chromium through chromedriver) run
# as one test step.

PY=/usr/bin/python3
VIEW=$CAMKIT_TOP/tests/view/view.py
AUDIT=$T/site.store/audit.journal

# view_needs: at a file's top, skip it all where it cannot run.
view_needs() {
	{ [ -x "$CAMKIT_BIN/camview" ] || skip_all "camview is not built"; } &&
	{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
	    skip_all "needs chromium and chromium-driver"; } &&
	{ "$PY" -c "import selenium" 2>/dev/null ||
	    skip_all "needs python3-selenium"; } &&
	{ can_add_users && command -v chpasswd >/dev/null ||
	    skip_all "needs root, useradd, chpasswd and setpriv" \
	    "for accounts with passwords"; }
}

# free_port: a TCP port free on 127.0.0.1 now.
free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# view_account NAME [ROLE...]: a Unix account NAME with the password
# "pw-NAME" (removed at the end), with ROLEs in the site "site".
view_account() {
	local u=$1 r &&
	shift &&
	temp_account "$u" &&
	echo "$u:pw-$u" | users_locked chpasswd &&
	for r in "$@"; do
		camctl -C site user add --no-check "$u" --role "$r" >/dev/null || return 1
	done
}

# view_site: the site "site" recording into site.store, camview to
# listen on 127.0.0.1:$VPORT, the live sockets in the test's directory
# (where test_root puts them, else $T/run).
view_site() {
	recording_site site &&
	if grep -q "^view:" site/camkit.yaml; then
		sed -i "/^view:/a\\  listen: \"127.0.0.1:$VPORT\"" site/camkit.yaml
	else
		mkdir -m 755 -p "$T/run" &&
		printf 'view:\n  listen: "127.0.0.1:%s"\n  run_dir: %s\n' \
		    "$VPORT" "$T/run" >>site/camkit.yaml
	fi &&
	camctl -C site commit -m "camview on a test port" >/dev/null &&
	view_cert site
}

# view_cert SITE: camview's certificate and key in SITE/private/
# (view.crt, view.key), self-signed for 127.0.0.1 unless already there.
view_cert() {
	[ -f "$1/private/view.crt" ] ||
	    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 \
	    -keyout "$1/private/view.key" -out "$1/private/view.crt" 2>/dev/null ||
	    return 1
	chmod 600 "$1/private/view.key"
}

# record_bg CAMERA: camrec records CAMERA in the background until
# stop_bg; its pid is in $T/CAMERA.rec.pid.
record_bg() {
	{ camrec -C site record "$1" 2>"$T/$1.rec.err" & } &&
	echo $! >"$T/$1.rec.pid" &&
	echo "$T/$1.rec.pid" >>"$T/.bg"
}

# serve_bg: camview serves the site on $URL; waits until it answers.
serve_bg() {
	{ camview -C site serve --listen "127.0.0.1:$VPORT" \
	    >"$T/camview.out" 2>"$T/camview.err" & } &&
	echo $! >"$T/camview.pid" &&
	echo "$T/camview.pid" >>"$T/.bg" &&
	wait_for answers /login
}

# serving: camview still runs and answers, else what it said.
serving() {
	answers /login ||
	    { echo "camview does not answer on $URL; it said:" >&2 &&
	    tail -20 "$T/camview.err" >&2; return 1; }
}

# answers PATH: camview answers 200 on PATH.
answers() {
	test "$(curl -ks -o /dev/null -w "%{http_code}" "$URL$1")" = 200
}

# stop_bg: SIGTERM to camview and every recorder started here, and wait
# for each to end (up to 10 s).
stop_bg() {
	local f pid i &&
	if [ -f "$T/.bg" ]; then
		while read -r f; do
			pid=$(cat "$f") &&
			i=0 &&
			if kill -TERM "$pid" 2>/dev/null; then
				while kill -0 "$pid" 2>/dev/null; do
					i=$((i + 1)) &&
					if [ "$i" -gt 100 ]; then
						echo "$f: $pid did not stop" >&2 &&
						kill -KILL "$pid" &&
						return 1
					fi &&
					sleep 0.1 || return 1
				done
			fi || return 1
		done <"$T/.bg" &&
		rm -f "$T/.bg"
	fi
}

# browse CASE ARGS...: view.py's CASE against $URL; its figures ("# "
# lines) are kept in $T/figures; skipped when the browser is missing.
browse() {
	local rc=0 &&
	serving &&
	"$PY" "$VIEW" "$URL" "$@" >"$T/.browse" 2>&1 || rc=$? &&
	cat "$T/.browse" &&
	grep "^# " "$T/.browse" | sed "s/^# /# $1: /" >>"$T/figures" &&
	case $rc in
	0) ;;
	77) skip_test "$(head -1 "$T/.browse")" ;;
	*) return 1 ;;
	esac
}

# pw USER: the password view_account gave USER.
pw() { echo "pw-$1"; }

# audit_has JQ-FILTER: a record of the audit trail matches (the whole
# record as journaled is ".").
audit_has() {
	cut -f6 "$AUDIT" | jq -e -s "map(select($1)) | length > 0" >/dev/null ||
	    { echo "no audit record matching $1; camview's records:" >&2 &&
	    cut -f6 "$AUDIT" | grep '"program":"camview"' >&2; return 1; }
}

# utc TIME [OFFSET]: TIME (anything date -d reads) moved by OFFSET, in
# RFC 3339 UTC.
utc() {
	date -u -d "$1 ${2:-}" +%Y-%m-%dT%H:%M:%SZ
}

# api_session USER: logs USER in through POST /api/login as a program
# does; prints "COOKIE CSRF".
api_session() {
	"$PY" -c "import sys; sys.path.insert(0, sys.argv[1]); import browser; print(*browser.api_login(sys.argv[2], sys.argv[3], sys.argv[4]))" \
	    "$CAMKIT_TOP/tests/view" "$URL" "$1" "$(pw "$1")"
}

# api COOKIE PATH [CURL-ARGS...]: GET (or what CURL-ARGS say) PATH with
# the session COOKIE; the body in $T/body, prints the status.
api() {
	local c=$1 p=$2 &&
	shift 2 &&
	curl -ks -o "$T/body" -w "%{http_code}" -b "camview_session=$c" "$@" "$URL$p"
}

# api_is CODE COOKIE PATH [CURL-ARGS...]: api answers CODE, else the
# answer is shown.
api_is() {
	local want=$1 got &&
	shift &&
	got=$(api "$@") &&
	if [ "$got" != "$want" ]; then
		echo "$2: HTTP $got, expected $want:" >&2 &&
		head -c 600 "$T/body" >&2 &&
		return 1
	fi
}

# body_has JQ: the last answer's body passes jq -e JQ, else it is shown.
body_has() {
	jq -e "$1" "$T/body" >/dev/null ||
	    { echo "the answer does not pass $1:" >&2 &&
	    head -c 2000 "$T/body" >&2; return 1; }
}
