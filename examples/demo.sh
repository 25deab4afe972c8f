#!/bin/sh
# The camkit demo: a site in a temporary directory, cameras and users, the
# configuration history as git keeps it, then 20 s recorded from a
# simulated camera (an RTSP server on 127.0.0.1 with digest
# authentication), the segments checked and the recorder's status.
# Later versions add a signed extraction and its audit.
# Usage: examples/demo.sh BUILD_DIR
set -eu
bin=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
PATH=$bin:$PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/camkit-demo.XXXXXX")
cam_pid=
trap '[ -n "$cam_pid" ] && kill "$cam_pid" 2>/dev/null; rm -rf "$work"' EXIT
site=$work/etc-camkit
step() { printf '\n== %s\n$ %s\n' "$1" "$2"; }

step "create a site (a git repository with a starter camkit.yaml)" \
    "camctl -C $site init --site 'Sở GD&ĐT Ninh Bình'"
camctl -C "$site" init --site "Sở GD&ĐT Ninh Bình"

printf 'demo-password\n' >"$work/gate.pw"
step "add a camera; its password goes to private/, never into git" \
    "camctl camera add gate --url rtsp://10.0.0.21:554/Streaming/Channels/101 --name 'Cổng chính' --username admin --password-file gate.pw"
camctl -C "$site" camera add gate \
    --url rtsp://10.0.0.21:554/Streaming/Channels/101 \
    --name "Cổng chính" --location "Cổng trước" \
    --username admin --password-file "$work/gate.pw"

step "add a second camera, recorded every 30 s" \
    "camctl camera add hall --url rtsp://10.0.0.22/stream1 --name 'Sảnh' --segment 30s"
camctl -C "$site" camera add hall --url rtsp://10.0.0.22/stream1 \
    --name "Sảnh" --segment 30s

step "give two people their roles" \
    "camctl user add nguyenvana --role guard; camctl user add tranthib --role director"
camctl -C "$site" user add nguyenvana --role guard
camctl -C "$site" user add tranthib --role director

step "a bad change is refused, nothing is committed" \
    "camctl camera add gate2 --url rtsp://admin:12345@10.0.0.23/"
camctl -C "$site" camera add gate2 --url rtsp://admin:12345@10.0.0.23/ || true

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
    "rtspd --port 0 --live --user admin --password demo-password"
"$bin/tests/rtspd" --port 0 --live --size 640x360 --fps 15 --gop 15 \
    --user admin --password demo-password --ready-file "$work/cam.ready" \
    --pidfile "$work/cam.pid" >"$work/cam.log" 2>&1 &
cam_pid=$!
for _ in $(seq 100); do [ -s "$work/cam.ready" ] && break; sleep 0.1; done
port=$(cat "$work/cam.ready")
sed -i "s|^  root: /var/lib/camkit |  root: $work/store|" "$site/camkit.yaml"
camctl -C "$site" commit -m "demo: storage in a temporary directory"
camctl -C "$site" camera add demo --url "rtsp://127.0.0.1:$port/cam" \
    --name "Camera mô phỏng" --segment 10s --username admin \
    --password-file "$work/gate.pw"
camctl -C "$site" camera disable gate
camctl -C "$site" camera disable hall

step "what the camera sends" "camctl probe demo"
camctl -C "$site" probe demo

step "record it for 20 s (segments of 10 s, cut on keyframes)" \
    "camrec record demo --for 20s"
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

printf '\ndemo done\n'
