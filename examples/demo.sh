#!/bin/sh
# The camkit demo: a site in a temporary directory, two cameras and two
# users, the configuration history as git keeps it.  Later versions add
# recording from a simulated camera, a signed extraction and its audit.
# Usage: examples/demo.sh BUILD_DIR
set -eu
bin=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
PATH=$bin:$PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/camkit-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
site=$work/etc-camkit
step() { printf '\n== %s\n$ %s\n' "$1" "$2"; }

step "create a site (a git repository with a starter camkit.yaml)" \
    "camctl -C $site init --site 'Sở GD&ĐT Ninh Bình' --host rec1"
camctl -C "$site" init --site "Sở GD&ĐT Ninh Bình" --host rec1

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
printf '\ndemo done\n'
