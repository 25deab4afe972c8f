# camview serve: the HTTPS server against curl on loopback: no session,
# no footage; logins through PAM with real Unix accounts (right, wrong,
# locked, expired, not a camkit user); the cookie's flags; CSRF; the
# security headers; paths outside the web assets; size limits; a slow
# client; the idle timeout; failed logins slowed per account and per
# address; every login, logout and failure in the audit trail.
. "$CAMKIT_TOP/tests/lib.sh"

can_add_users || skip_all "needs root, useradd and setpriv"
command -v curl >/dev/null || skip_all "needs curl"
command -v chpasswd >/dev/null || skip_all "needs chpasswd"

recording_site site
camctl -C site cert >/dev/null
camctl -C site camera add gate --url rtsp://127.0.0.1:9/cam >/dev/null
g=cvg$$ l=cvl$$ x=cvx$$ s=cvs$$ n=cvn$$ a=cva$$
for u in $g $l $x $s $n $a; do
	temp_user "$u" && echo "$u:Pw-$u-1" | chpasswd || exit 1
done
for u in $g $l $x $s; do
	camctl -C site user add --no-check "$u" --role guard >/dev/null || exit 1
done
camctl -C site user add --no-check "$a" --role auditor >/dev/null
usermod -L "$l"
chage -E 0 "$x"
port=$((20000 + $$ % 20000))
U=https://127.0.0.1:$port
camview -C site serve --listen "127.0.0.1:$port" --idle-seconds 4 \
    >serve.out 2>serve.err &
pid=$!
wait_for curl -sk -o /dev/null "$U/login"

# login USER PASSWORD [CURL OPTIONS]: POST /api/login; the status code
# on stdout, headers in hdr, the body in body, the cookie in jar.
login() {
	local u=$1 p=$2 &&
	shift 2 &&
	curl -sk -D hdr -o body -c jar -w '%{http_code}' "$@" \
	    --data-urlencode "user=$u" --data-urlencode "password=$p" \
	    "$U/api/login"
}

# trail: the audit records camview wrote, one JSON object a line.
trail() {
	grep "	audit	" site.store/audit.journal | cut -f6 |
	    jq -c 'select(.program == "camview")'
}

# has_rec FILTER: some record of the trail matches the jq FILTER.
has_rec() {
	trail | jq -s -e "map(select($1)) | length > 0" >/dev/null
}

expect_success 'the server started, and says where' '
	kill -0 "$pid" &&
	has "^camview: serving on https://127.0.0.1:$port\$" serve.out
'

expect_success 'no session: pages redirect to /login, the API and footage answer 401' '
	test "$(curl -sk -D h -o /dev/null -w "%{http_code}" "$U/")" = 303 &&
	grep -qi "^Location: /login" h &&
	test "$(curl -sk -o /dev/null -w "%{http_code}" "$U/camera/gate")" = 303 &&
	test "$(curl -sk -o b -w "%{http_code}" "$U/api/cameras")" = 401 &&
	test "$(jq -r .error b)" = unauthenticated &&
	test "$(curl -sk -o b -w "%{http_code}" \
	    "$U/play/gate?from=2026-01-01T00:00:00Z")" = 401 &&
	test "$(jq -r .error b)" = unauthenticated &&
	test "$(curl -sk -o b -w "%{http_code}" -H "Connection: Upgrade" \
	    -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13" \
	    -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" \
	    -H "Origin: $U" "$U/live/gate")" = 401 &&
	test "$(curl -sk -o /dev/null -w "%{http_code}" -X POST "$U/api/logout")" = 401 &&
	test "$(curl -sk -o /dev/null -w "%{http_code}" -b "camview_session=$(printf %064d 0)" \
	    "$U/api/me")" = 401
'

expect_success 'login: the right password gives a session cookie, random, HttpOnly, Secure, SameSite=Strict' '
	test "$(login $g Pw-$g-1)" = 200 &&
	grep -i "^Set-Cookie: camview_session=" hdr >cookie &&
	grep -Eq "camview_session=[0-9a-f]{64};" cookie &&
	grep -q "; HttpOnly" cookie && grep -q "; Secure" cookie &&
	grep -q "; SameSite=Strict" cookie && grep -q "; Path=/" cookie &&
	test "$(jq -r .account body)" = $g &&
	jq -r .csrf body | grep -Eqx "[0-9a-f]{64}" &&
	curl -sk -b jar "$U/api/me" >me &&
	test "$(jq -r .account me)" = $g &&
	test "$(jq -r ".roles[0]" me)" = guard &&
	test "$(jq -r .csrf me)" = "$(jq -r .csrf body)" &&
	test "$(jq .may.live me)" = true && test "$(jq .may.stored me)" = false &&
	cp jar jar1 &&
	test "$(login $g Pw-$g-1)" = 200 &&
	test "$(grep camview_session jar | cut -f7)" != "$(grep camview_session jar1 | cut -f7)"
'

expect_success 'a wrong password, a locked account, an expired one and a Unix user who is not a camkit user are refused' '
	test "$(login $g wrong-password)" = 401 &&
	test "$(jq -r .error body)" = bad-login &&
	! grep -qi "^Set-Cookie" hdr &&
	test "$(login $l Pw-$l-1)" = 401 &&
	test "$(login $x Pw-$x-1)" = 401 &&
	test "$(login $n Pw-$n-1)" = 401 &&
	test "$(login nosuchuser$$ whatever)" = 401 &&
	test "$(jq -r .error body)" = bad-login
'

expect_success 'CSRF: a POST without the token or with a wrong one is 403; with it, logout ends the session' '
	test "$(login $g Pw-$g-1)" = 200 &&
	csrf=$(jq -r .csrf body) &&
	test "$(curl -sk -b jar -o b -w "%{http_code}" -X POST "$U/api/logout")" = 403 &&
	test "$(jq -r .error b)" = csrf &&
	test "$(curl -sk -b jar -o b -w "%{http_code}" -X POST \
	    -H "X-CSRF-Token: $(printf %064d 1)" "$U/api/logout")" = 403 &&
	test "$(curl -sk -b jar -o /dev/null -w "%{http_code}" "$U/api/me")" = 200 &&
	test "$(curl -sk -b jar -D h -o b -w "%{http_code}" -X POST \
	    -H "X-CSRF-Token: $csrf" "$U/api/logout")" = 200 &&
	grep -i "^Set-Cookie: camview_session=;" h | grep -q "Max-Age=0" &&
	test "$(curl -sk -b jar -o /dev/null -w "%{http_code}" "$U/api/me")" = 401
'

# ws CAMERA ORIGIN COOKIE: open /live/CAMERA as a browser would, print
# what the server answers in 3 s.
ws() {
	/usr/bin/python3 - "$port" "$@" <<-PY
	import socket, ssl, sys
	ctx = ssl.create_default_context()
	ctx.check_hostname = False
	ctx.verify_mode = ssl.CERT_NONE
	port, cam, origin, cookie = sys.argv[1:5]
	s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(port))))
	s.sendall(("GET /live/%s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n"
	    "Connection: Upgrade\r\nUpgrade: websocket\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Origin: %s\r\nCookie: camview_session=%s\r\n\r\n"
	    % (cam, port, origin, cookie)).encode())
	s.settimeout(3)
	data = b""
	try:
	    while True:
	        d = s.recv(4096)
	        if not d:
	            break
	        data += d
	except OSError:
	    pass
	sys.stdout.write(data.decode("latin-1"))
	PY
}

expect_success 'live: a foreign origin is refused, an unknown camera too; a viewer is told the camera is not recorded now; audited' '
	test "$(login $g Pw-$g-1)" = 200 &&
	c=$(grep camview_session jar | cut -f7) &&
	ws gate https://evil.example "$c" >out &&
	head -1 out | grep -q "^HTTP/1.1 403" &&
	ws nosuch "$U" "$c" >out &&
	head -1 out | grep -q "^HTTP/1.1 404" &&
	ws gate "$U" "$c" >out &&
	head -1 out | grep -q "^HTTP/1.1 101" &&
	grep -q "\"type\":\"down\"" out &&
	wait_for grep -q "\"verb\":\"live\",\"object\":\"gate\",\"outcome\":\"granted\"" \
	    site.store/audit.journal &&
	has_rec ".verb == \"live\" and .object == \"gate\" and .outcome == \"granted\" and .detail.stream == \"main\" and .detail.seconds >= 0" &&
	has_rec ".verb == \"live\" and .outcome == \"refused\" and .reason == \"foreign origin\""
'

expect_success 'every answer carries the CSP and the other security headers' '
	test "$(login $g Pw-$g-1)" = 200 &&
	for p in /login /api/me /api/nothing /static/none.js; do
		curl -sk -b jar -D h -o /dev/null "$U$p" &&
		grep -qi "^Content-Security-Policy: default-src '"'"'self'"'"'; script-src '"'"'self'"'"';" h &&
		grep -i "^Content-Security-Policy:" h | grep -q "frame-ancestors '"'"'none'"'"'" &&
		! grep -i "^Content-Security-Policy:" h | grep -q "unsafe-inline" &&
		grep -qi "^X-Content-Type-Options: nosniff" h &&
		grep -qi "^Referrer-Policy: no-referrer" h &&
		grep -qi "^Strict-Transport-Security: max-age=" h ||
		    { echo "headers of $p:" >&2; cat h >&2; exit 1; }
	done
'

expect_success 'no path reaches outside the web assets: dots, encoded dots, encoded slashes, symlinks' '
	test "$(login $g Pw-$g-1)" = 200 &&
	mkdir -p static web &&
	ln -s /etc/passwd static/passwd && ln -s /etc/passwd web/passwd.js &&
	for p in "/static/../camkit.yaml" "/static/%2e%2e/%2e%2e/etc/passwd" \
	    "/static/..%2f..%2fetc%2fpasswd" "/static/passwd" "/static/passwd.js" \
	    "/%2e%2e/%2e%2e/etc/passwd" "/static/.%2e/site/camkit.yaml" \
	    "/static//etc/passwd" "/camera/..%2f..%2fetc%2fpasswd"; do
		code=$(curl -sk --path-as-is -b jar -o b -w "%{http_code}" "$U$p") &&
		case $code in 400|404) ;; *) echo "$p: $code" >&2; exit 1 ;; esac &&
		! grep -q "root:" b && ! grep -q "cameras:" b ||
		    { echo "$p served something" >&2; exit 1; }
	done
'

expect_success 'a huge header (civetweb: 400) and a huge body (413) are refused' '
	head -c 20000 /dev/zero | tr "\0" a >big &&
	code=$(curl -sk -o /dev/null -w "%{http_code}" -H "X-Big: $(cat big)" "$U/login") &&
	case $code in 413|431|400) ;; *) echo "header: $code" >&2; exit 1 ;; esac &&
	head -c 200000 /dev/zero | tr "\0" a >bigbody &&
	code=$(curl -sk -o b -w "%{http_code}" --data-binary @bigbody "$U/api/login") &&
	test "$code" = 413 &&
	test "$(jq -r .error b)" = too-large &&
	kill -0 "$pid"
'

expect_success 'a client that sends its request slowly is cut off (request timeout)' '
	/usr/bin/python3 - "$port" <<-PY
	import socket, ssl, sys, time
	ctx = ssl.create_default_context()
	ctx.check_hostname = False
	ctx.verify_mode = ssl.CERT_NONE
	s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
	s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
	start = time.time()
	s.settimeout(30)
	try:
	    while True:
	        time.sleep(1)
	        s.sendall(b"X-Slow: 1\r\n")
	except (OSError, ssl.SSLError):
	    pass
	took = time.time() - start
	print("cut off after %.1f s" % took)
	sys.exit(0 if took < 25 else 1)
	PY
'

expect_success 'an idle session ends by itself, and is audited so' '
	test "$(login $a Pw-$a-1)" = 200 &&
	test "$(curl -sk -b jar -o /dev/null -w "%{http_code}" "$U/api/me")" = 200 &&
	sleep 6 &&
	test "$(curl -sk -b jar -o b -w "%{http_code}" "$U/api/me")" = 401 &&
	has_rec ".verb == \"logout\" and .actor == \"$a\" and .detail.reason == \"idle\""
'

expect_success 'failed logins slow the account: after 5, even the right password waits (429, retry_after)' '
	for i in 1 2 3 4 5; do
		test "$(login $s bad-$i)" = 401 || exit 1
	done &&
	test "$(login $s Pw-$s-1)" = 429 &&
	test "$(jq -r .error body)" = slowed &&
	test "$(jq .retry_after body)" -gt 0 &&
	grep -qi "^Retry-After: [0-9]" hdr &&
	test "$(login $g Pw-$g-1)" = 200
'

expect_success 'failed logins slow the address they come from, not the others' '
	{ ip -o addr show lo | grep -q "inet 127.0.0.1/8" || skip_test "no 127.0.0.0/8 on lo"; } &&
	seq 1 20 | xargs -P 4 -I{} curl -sk -o /dev/null --interface 127.0.0.2 \
	    --data "user=ghost{}x$$&password=x" "$U/api/login" &&
	test "$(login $g Pw-$g-1 --interface 127.0.0.2)" = 429 &&
	test "$(login $g Pw-$g-1)" = 200
'

expect_success 'every login, logout and failure is in the audit trail with the client address' '
	has_rec ".verb == \"login\" and .outcome == \"granted\" and .actor == \"$g\" and .detail.client == \"127.0.0.1\"" &&
	has_rec ".verb == \"login\" and .outcome == \"refused\" and .actor == \"$g\" and .reason == \"bad password\"" &&
	has_rec ".verb == \"login\" and .actor == \"$l\" and .reason == \"locked\"" &&
	has_rec ".verb == \"login\" and .actor == \"$x\" and .reason == \"expired\"" &&
	has_rec ".verb == \"login\" and .actor == \"$n\" and .reason == \"not a camkit user\"" &&
	has_rec ".verb == \"login\" and .actor == \"$s\" and .reason == \"slowed\"" &&
	has_rec ".verb == \"login\" and .reason == \"slowed\" and .detail.client == \"127.0.0.2\"" &&
	has_rec ".verb == \"logout\" and .actor == \"$g\" and .detail.reason == \"asked\"" &&
	! grep -q "Pw-" site.store/audit.journal &&
	! grep -q "bad-[0-9]" site.store/audit.journal
'

expect_success 'camview stops on SIGTERM' '
	kill -TERM "$pid" &&
	wait_for sh -c "! kill -0 $pid"
'

done_testing
