#!/bin/sh
# The camkit demo: a site in a temporary directory, cameras and users, the
# configuration history as git keeps it, then 20 s recorded from a
# simulated camera (an RTSP server on 127.0.0.1 with digest
# authentication), the segments checked and the recorder's status, the
# guard's logbook, a signed extraction verified with openssl,
# sha256sum and tar alone, and camview: the URL to open in a browser and
# a login to try, while the camera is recorded and watched live.
# Everything is written under a temporary directory, removed at the end,
# but for the archive and the clip extracted from it: they are left in
# BUILD_DIR/demo (CAMKIT_DEMO_KEEP=DIR: elsewhere) to open afterwards.
# Usage: examples/demo.sh BUILD_DIR
# CAMKIT_DEMO_VIEW=SECONDS: how long camview serves when stdin is not a
# terminal (default 0: it is started, checked and stopped); on a
# terminal it serves until Enter.
set -eu
bin=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
PATH=$bin:$PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/camkit-demo.XXXXXX")
keep=${CAMKIT_DEMO_KEEP:-$bin/demo}
cam_pid= rec_pid= view_pid= demo_user=
stop() {
	for p in $view_pid $rec_pid $cam_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	[ -z "$demo_user" ] || userdel "$demo_user" 2>/dev/null
	rm -rf "$work"
}
trap stop EXIT
site=$work/etc-camkit
# step TITLE COMMAND [WRITES]: announce a step, the command it runs and
# what it writes where (nothing said: it only reads).
step() {
	printf '\n== %s\n$ %s\n' "$1" "$2"
	[ -z "${3:-}" ] || printf '(writes %s)\n' "$3"
}
# size BYTES: a size as camkit shows it (decimal units, 1 MB = 10^6).
size() {
	awk -v b="$1" 'BEGIN {
		split("kB MB GB TB", u, " "); if (b < 1000) { printf "%d B\n", b; exit }
		v = b / 1000; i = 1
		while (v >= 999.5 && i < 4) { v /= 1000; i++ }
		printf (v < 9.95 ? "%.1f %s\n" : "%.0f %s\n"), v, u[i] }'
}
printf 'camkit demo: everything below is written under %s\n' "$work"
printf '(removed at the end), but for the archive and the clip, left in %s.\n' "$keep"

step "create a site (a git repository with a starter camkit.yaml)" \
    "camctl -C $site init --site 'Sở GD&ĐT Ninh Bình'" \
    "$site: camkit.yaml, its git repository, private/ (mode 0700)"
camctl -C "$site" init --site "Sở GD&ĐT Ninh Bình"

step "keep the data (and the audit trail) in a directory of the demo's own" \
    "sed -i 's|root: /var/lib/camkit|root: store|' camkit.yaml; camctl commit" \
    "$site/camkit.yaml (one commit); recordings, journals and the audit trail will go to $work/store"
mkdir -m 750 "$work/store"
sed -i "s|^  root: /var/lib/camkit |  root: $work/store|" "$site/camkit.yaml"
camctl -C "$site" commit -m "demo: storage in a temporary directory"

printf 'demo-password\n' >"$work/gate.pw"
step "add a camera; its password goes to private/, never into git" \
    "camctl camera add gate --url rtsp://10.0.0.21:554/Streaming/Channels/101 --name 'Cổng chính' --username admin --password-file gate.pw" \
    "$site/camkit.yaml (one commit) and $site/private/credentials"
camctl -C "$site" camera add gate \
    --url rtsp://10.0.0.21:554/Streaming/Channels/101 \
    --name "Cổng chính" --location "Cổng trước" \
    --username admin --password-file "$work/gate.pw"

step "add a second camera, recorded every 30 s" \
    "camctl camera add hall --url rtsp://10.0.0.22/stream1 --name 'Sảnh' --segment 30s" \
    "$site/camkit.yaml (one commit)"
camctl -C "$site" camera add hall --url rtsp://10.0.0.22/stream1 \
    --name "Sảnh" --segment 30s

step "give two people their roles (--no-check: the demo makes no Unix accounts for them; on a real host each is an account, and camctl puts it in the groups its roles need)" \
    "camctl user add nguyenvana --role guard --no-check; camctl user add tranthib --role director --no-check" \
    "$site/camkit.yaml (two commits)"
camctl -C "$site" user add nguyenvana --role guard --no-check
camctl -C "$site" user add tranthib --role director --no-check

step "a bad change is refused, nothing is committed" \
    "camctl camera add gate2 --url rtsp://admin:12345@10.0.0.23/" \
    "nothing"
camctl -C "$site" camera add gate2 --url rtsp://admin:12345@10.0.0.23/ || true

printf '(gate and hall are examples of real cameras: the demo has none at\n'
printf '10.0.0.21 and 10.0.0.22, so it disables them below and records a\n'
printf 'simulated camera instead)\n'

step "the cameras in force" "camctl camera list"
camctl -C "$site" camera list

step "who changed what, when (times in the site's zone)" "camctl history"
camctl -C "$site" history

step "the configuration is valid and fully committed" "camctl check"
camctl -C "$site" check

step "the secret stayed out of git" "ls -l private/credentials; git log -p | grep -c demo-password"
ls -l "$site/private/credentials"
printf '%s\n' "$(git -C "$site" log -p | grep -c demo-password || true) commits mention the password"
step "start a simulated camera (GStreamer RTSP server, H.264, digest auth)" \
    "rtspd --port 0 --live --user admin --password demo-password" \
    "$site/camkit.yaml (camera demo added, gate and hall disabled: three commits)"
"$bin/tests/rtspd" --port 0 --live --size 640x360 --fps 15 --gop 15 \
    --user admin --password demo-password --ready-file "$work/cam.ready" \
    --pidfile "$work/cam.pid" >"$work/cam.log" 2>&1 &
cam_pid=$!
for _ in $(seq 100); do [ -s "$work/cam.ready" ] && break; sleep 0.1; done
port=$(cat "$work/cam.ready")
camctl -C "$site" camera add demo --url "rtsp://127.0.0.1:$port/cam" \
    --name "Camera mô phỏng" --segment 10s --username admin \
    --password-file "$work/gate.pw"
camctl -C "$site" camera disable gate
camctl -C "$site" camera disable hall

step "what the camera sends" "camctl probe demo"
camctl -C "$site" probe demo

step "record it for 20 s (a segment ends at each 10 s of the clock, on a keyframe: the first is shorter)" \
    "camrec record demo --for 20s" \
    "$work/store/demo/YYYY/MM/DD/*.mkv and the manifest $work/store/demo/manifest"
camrec -C "$site" record demo --for 20s

step "the segments, each indexed in the camera's manifest" \
    "find store -name '*.mkv'; cut -f1,5 store/demo/manifest"
(cd "$work" && find store -name '*.mkv' | sort)
cut -f1,5 "$work/store/demo/manifest"

step "ffprobe agrees with the manifest" "ffprobe <first segment>"
first=$(find "$work/store" -name '*.mkv' | sort | head -1)
if command -v ffprobe >/dev/null; then
	ffprobe -v error -count_frames -select_streams v:0 -show_entries \
	    stream=codec_name,width,height,nb_read_frames -of compact=p=0 "$first"
fi
grep "	segment	" "$work/store/demo/manifest" | head -1 | cut -f6

step "every segment re-hashed against the manifest" "camrec verify"
camrec -C "$site" verify

step "the recorder's status" "camctl status"
camctl -C "$site" status || true

# What was recorded, in plain words, from the manifest.
nseg=$(grep -c "	segment	" "$work/store/demo/manifest")
ms=$(grep "	segment	" "$work/store/demo/manifest" | cut -f6 |
    sed -n 's/.*"duration_ms": *\([0-9]*\).*/\1/p' | awk '{ t += $1 } END { print t + 0 }')
bytes=$(grep "	segment	" "$work/store/demo/manifest" | cut -f6 |
    sed -n 's/.*"bytes": *\([0-9]*\).*/\1/p' | awk '{ t += $1 } END { print t + 0 }')
printf '\nrecorded: 1 camera (demo, the simulated one), %d min %02d s of\n' \
    $((ms / 60000)) $((ms / 1000 % 60))
printf 'footage in %d segments, %s on disk (decimal units: 1 MB = 10^6 bytes)\n' \
    "$nseg" "$(size "$bytes")"

step "a demo PKI: CA, director, unit head, the site's key (openssl)" \
    "examples/pki/mkpki.sh pki" \
    "$work/pki (keys and certificates), $site/trust/, the site key in $site/private/, camkit.yaml (one commit)"
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/examples/pki/mkpki.sh" "$work/pki"
mkdir -p "$site/trust"
cp "$work/pki/ca.crt" "$site/trust/ca.pem"
cp "$work/pki/director.crt" "$site/trust/director.pem"
install -m 600 "$work/pki/site.key" "$site/private/site.key"
install -m 644 "$work/pki/site.crt" "$site/private/site.crt"
sed -i 's|^  ca: \[\]|  ca: [trust/ca.pem]|; s|^  director: \[\]|  director: [trust/director.pem]|; s|^  unit_head_signature: true|  unit_head_signature: false|' "$site/camkit.yaml"
printf '(policy unit_head_signature: false. A real site also requires the\n'
printf 'signature of the head of the requesting unit; the demo signs as the\n'
printf 'director alone, so it turns that requirement off in its own\n'
printf 'camkit.yaml, which the commit below records)\n'
camctl -C "$site" commit -m "demo: trust the demo CA and director; no unit head's signature"

step "the guard's logbook: an entry, a shift handed over, sealed" \
    "camlog add --kind suspicious --camera demo '...'; camlog shift end" \
    "$work/store/logbook.journal (hash-chained; the shift's end seals it)"
camlog -C "$site" shift start
camlog -C "$site" add --kind suspicious --camera demo \
    "Người lạ đứng trước cổng, mặc áo đỏ"
camlog -C "$site" shift end --note "Bàn giao ca"
camlog -C "$site" list
camlog -C "$site" verify

step "a request for 10 s of footage, signed by the director (openssl cms)" \
    "camextract request new; openssl cms -sign -binary ..." \
    "$work/YC-001.yaml and its signature $work/YC-001.yaml.p7s"
first_start=$(grep "	segment	" "$work/store/demo/manifest" | head -1 | cut -f6 |
    sed 's/.*"start":"\([^"]*\)".*/\1/')
from=$(date -u -d "$first_start +2 sec" +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d "$first_start +12 sec" +%Y-%m-%dT%H:%M:%SZ)
expires=$(date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ)
cat >"$work/YC-001.yaml" <<EOF2
id: YC-001
requester:
  name: "Nguyễn Văn A"
  unit: "Phòng Hành chính"
purpose: "Xác minh người lạ trước cổng"
cameras: [demo]
from: "$from"
to: "$to"
expires: "$expires"
recipient:
  name: "Công an phường"
EOF2
cat "$work/YC-001.yaml"
openssl cms -sign -binary -in "$work/YC-001.yaml" \
    -signer "$work/pki/director.crt" -inkey "$work/pki/director.key" \
    -outform DER -out "$work/YC-001.yaml.p7s"

step "extract: only against the director's signature, as a signed archive" \
    "camextract run YC-001.yaml -o YC-001.tar" \
    "$work/YC-001.tar, a hold on the window in $work/store, and a record in the audit trail"
camextract -C "$site" run "$work/YC-001.yaml" -o "$work/YC-001.tar"

step "verify it with openssl, sha256sum and tar alone" \
    "tar -xf YC-001.tar; sha256sum -c SHA256SUMS; openssl cms -verify ..." \
    "the archive's members, unpacked into $work/out"
mkdir "$work/out"
tar -tvf "$work/YC-001.tar"
tar -xf "$work/YC-001.tar" -C "$work/out"
(cd "$work/out" && sha256sum -c SHA256SUMS)
openssl cms -verify -binary -inform DER -in "$work/out/SHA256SUMS.p7s" \
    -content "$work/out/SHA256SUMS" -CAfile "$work/pki/ca.crt" \
    -purpose any -out /dev/null
openssl cms -verify -binary -inform DER \
    -in "$work/out/request/YC-001.yaml.p7s" \
    -content "$work/out/request/YC-001.yaml" -CAfile "$work/pki/ca.crt" \
    -purpose any -out /dev/null
if command -v ffprobe >/dev/null; then
	ffprobe -v error -show_entries format=duration:stream=codec_name \
	    -of compact=p=0 "$work/out/clips/demo.mp4"
fi

step "the same request again is refused (single use)" \
    "camextract run YC-001.yaml -o again.tar" "nothing (the refusal goes to the audit trail)"
camextract -C "$site" run "$work/YC-001.yaml" -o "$work/again.tar" || true

step "keep the archive and its clip to open after the demo" \
    "cp YC-001.tar out/clips/demo.mp4 $keep/" "$keep/YC-001.tar and $keep/demo.mp4"
mkdir -p "$keep"
rm -f "$keep/YC-001.tar" "$keep/demo.mp4"
cp "$work/YC-001.tar" "$keep/YC-001.tar"
cp "$work/out/clips/demo.mp4" "$keep/demo.mp4"

step "the audit trail: who did what" "cut -f6 store/audit.journal | tail -5"
cut -f6 "$work/store/audit.journal" | tail -5

if [ -x "$bin/camview" ]; then
	step "watch in a browser: camview over HTTPS, logging in as a host account" \
	    "camview serve --listen 127.0.0.1:PORT" \
	    "$site/camkit.yaml (view settings and a user: two commits), a self-signed certificate in $site/private/, segments recorded meanwhile in $work/store"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -m 755 "$work/run"
	printf 'view:\n  listen: "127.0.0.1:%s"\n  run_dir: %s\n  idle_minutes: 15\n' \
	    "$port" "$work/run" >>"$site/camkit.yaml"
	camctl -C "$site" commit -m "demo: camview on 127.0.0.1:$port"
	# camview's certificate: self-signed here; an office installs its own
	# as private/view.crt and private/view.key (camview(1)).
	[ -f "$site/private/view.crt" ] ||
	    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 \
	    -keyout "$site/private/view.key" -out "$site/private/view.crt" 2>/dev/null
	chmod 600 "$site/private/view.key"
	# An account with a password: made for the demo (and removed at
	# its end) as root, else one's own.
	if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null; then
		demo_user=camkitdemo$$
		demo_pw=$(openssl rand -hex 6)
		useradd -M -N -s /usr/sbin/nologin "$demo_user"
		echo "$demo_user:$demo_pw" | chpasswd
		login="$demo_user, password $demo_pw"
	else
		demo_user=
		login="$(id -un), with your own password"
	fi
	who=${demo_user:-$(id -un)}
	camctl -C "$site" user add "$who" --role chief-of-office --role guard ||
	    camctl -C "$site" user add "$who" --role chief-of-office
	camrec -C "$site" record demo 2>"$work/rec.log" &
	rec_pid=$!
	camview -C "$site" serve --listen "127.0.0.1:$port" 2>"$work/view.log" &
	view_pid=$!
	for _ in $(seq 100); do
		curl -ks -o /dev/null "https://127.0.0.1:$port/login" && break
		sleep 0.1
	done
	printf '\ncamview: https://127.0.0.1:%s/  (a self-signed certificate:\n' "$port"
	printf '  accept it, or use the office'"'"'s own, see camview(1))\n'
	printf 'log in as %s (roles: chief of office, guard):\n' "$login"
	printf '  the wall at /, playback of what was recorded at /camera/demo\n'
	if [ -t 0 ]; then
		printf 'press Enter to stop the demo\n'
		read -r _
	else
		sleep "${CAMKIT_DEMO_VIEW:-0}"
	fi
	curl -ks -o /dev/null -w 'GET /login: %{http_code}\n' "https://127.0.0.1:$port/login"
	kill "$view_pid" "$rec_pid" && wait "$view_pid" "$rec_pid" || true
	view_pid= rec_pid=
	step "every look is in the audit trail" "camaudit access"
	camaudit -C "$site" access | tail -5
fi

printf '\ndemo done; %s is removed.  Left to open:\n' "$work"
printf '  %s  the signed archive (tar; camaudit verify checks it)\n' "$keep/YC-001.tar"
printf '  %s  its clip, %s s of the simulated camera (any video player)\n' \
    "$keep/demo.mp4" "$(ffprobe -v error -show_entries format=duration \
    -of csv=p=0 "$keep/demo.mp4" 2>/dev/null | cut -d. -f1)"
