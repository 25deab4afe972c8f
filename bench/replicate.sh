#!/usr/bin/env bash
# bench/replicate.sh: camrec replicate against the S3 service of
# tests/s3d.py on loopback (it checks every SigV4 signature and keeps
# Object Lock), in one run:
#
# 1. Throughput: N synthetic segments of SIZE bytes (random bytes, a
#    manifest written as camrec writes it) sent by camrec replicate,
#    then the same files by `s3cmd put` into another bucket of the same
#    service: wall time of each, and their ratio (s3cmd / camkit; the
#    target is at least 1.0: camkit no slower than the stock client).
# 2. CPU per recorded stream: camrec records a 1280x720 25 fps H.264
#    camera (tests/rtspd) for REC seconds in 10 s segments while camrec
#    replicate runs as one long process (a run every minute).  User+
#    system CPU of each, and the replication's share of the recorder's
#    (target at most 10 %); and the CPU of one run of the timer's
#    replicate --once with nothing to send (a program start a minute).
# 3. Recovery point: the camera recorded in 60 s segments for RP
#    minutes while camrec replicate runs at the start of every minute,
#    as camkit-replicate.timer does; every 5 s, how far the end of the
#    newest replicated segment is behind now (the live edge).  Target:
#    at most one segment plus 2 minutes (180 s).
#
#   bench/replicate.sh [-n N] [-s SIZE] [-r REC] [-p RP] [-k]
#     defaults: N 40, SIZE 4000000 (60 s at about 530 kbit/s), REC 60,
#     RP 5 (0: no recovery point); -k keeps the working directory.
# Needs: make all all-tests (build/, build/tests/rtspd), python3, s3cmd.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$top/build}
N=40 SIZE=4000000 REC=60 RP=5 keep=0
while getopts n:s:r:p:k o; do
	case $o in
	n) N=$OPTARG ;; s) SIZE=$OPTARG ;; r) REC=$OPTARG ;;
	p) RP=$OPTARG ;; k) keep=1 ;;
	*) echo "usage: bench/replicate.sh [-n N] [-s SIZE] [-r REC] [-p RP] [-k]" >&2; exit 2 ;;
	esac
done
for t in python3 s3cmd jq; do
	command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 3; }
done
[ -x "$B/camrec" ] && [ -x "$B/tests/rtspd" ] ||
    { echo "build first: make all all-tests" >&2; exit 3; }
PATH=$B:$PATH
w=$(mktemp -d "${TMPDIR:-/var/tmp}/camkit-repl.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	wait 2>/dev/null || :
	if [ "$keep" = 1 ]; then echo "# kept $w"; else rm -rf "$w"; fi
}
trap cleanup EXIT
cd "$w"
export GIT_CONFIG_NOSYSTEM=1 HOME=$w/home
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@localhost
unset CAMKIT_DIR

# ---- the service ----
AK=camkit-bench-key SK='bEnch/Secret+Key0123456789abcdefghijklmnop'
python3 "$top/tests/s3d.py" --dir "$w/s3" --port 0 --access "$AK" \
    --secret "$SK" --ready-file "$w/s3.ready" 2>"$w/s3.log" &
pids+=($!)
until [ -s "$w/s3.ready" ]; do sleep 0.1; done
EP=http://127.0.0.1:$(cat "$w/s3.ready")
s3() {	# s3 METHOD PATH [curl args]
	local m=$1 p=$2; shift 2
	curl -sS --fail --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
	    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$m" "$@" "$EP/$p"
}
for b in evid jrnl foot; do
	s3 PUT "$b" -H "x-amz-bucket-object-lock-enabled: true" >/dev/null
done
s3 PUT stock -H "x-amz-bucket-object-lock-enabled: true" >/dev/null
cat >s3cmd.cfg <<EOF
[default]
access_key = $AK
secret_key = $SK
host_base = ${EP#http://}
host_bucket = ${EP#http://}
use_https = False
signature_v2 = False
bucket_location = us-east-1
EOF

# ---- a site ----
site() {	# site NAME: a recording site replicating into the service
	camctl -C "$1" init --site Bench >/dev/null 2>&1
	mkdir -p "$w/$1.store"
	sed -i "s|^  root: /var/lib/camkit |  root: $w/$1.store|" "$1/camkit.yaml"
	mkdir -p "$1/private/credentials"
	chmod 700 "$1/private" "$1/private/credentials"
	printf 'username=%s\npassword=%s\n' "$AK" "$SK" >"$1/private/credentials/s3"
	chmod 600 "$1/private/credentials/s3"
	cat >>"$1/camkit.yaml" <<EOF
replication:
  endpoint: $EP
  credential: s3
  prefix: $1/
  buckets:
    evidence: evid
    journals: jrnl
    footage: foot
EOF
	camctl -C "$1" commit -m bench >/dev/null
}
cpu() {	# cpu FILE: user+system seconds from /usr/bin/time -f "%U %S %e"
	awk '{ printf "%.2f", $1 + $2 }' "$1"
}
wall() { awk '{ print $3 }' "$1"; }

# ---- 1. throughput ----
site synth
python3 - "$w/synth.store" "$N" "$SIZE" <<'EOF'
import hashlib, json, os, sys, time
root, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cam = "synth"
os.makedirs(os.path.join(root, cam), exist_ok=True)
t0 = int(time.time()) // 60 * 60 - 60 * (n + 1)
prev, lines = "0" * 64, []
def rec(seq, t, kind, data):
    global prev
    line = "%d\t%s\t%s\t%s\t%s\t%s\n" % (seq, time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)), os.uname().nodename.split(".")[0],
        prev, kind, json.dumps(data, separators=(",", ":")))
    prev = hashlib.sha256(line.encode()).hexdigest()
    lines.append(line)
rec(1, t0, "record-start", {"url": "rtsp://synthetic/", "segment": 60})
for i in range(n):
    s = t0 + 60 * i
    d = time.strftime("%Y/%m/%d", time.gmtime(s))
    name = "%s/%s/%s-%s.mkv" % (cam, d, cam, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(s)))
    os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
    body = os.urandom(size)
    with open(os.path.join(root, name), "wb") as f:
        f.write(body)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    rec(i + 2, s + 60, "segment", {"file": name,
        "start": time.strftime(fmt, time.gmtime(s)),
        "end": time.strftime(fmt, time.gmtime(s + 60)),
        "duration_ms": 60000, "frames": 1500, "bytes": size,
        "sha256": hashlib.sha256(body).hexdigest()})
with open(os.path.join(root, cam, "manifest"), "w") as f:
    f.writelines(lines)
EOF
sync
# (exit 1 if the service refused an object: counted below)
/usr/bin/time -f "%U %S %e" -o t.camkit camrec -C synth replicate --once >repl.out 2>repl.err || :
sent=$(awk -F '\t' '($1 == "sent" || $1 == "refused") && $2 == "footage"' repl.out | wc -l)
refused=$(awk -F '\t' '$1 == "refused"' repl.out | wc -l)
[ "$refused" = 0 ] || { echo "# $refused uploads refused after they were sent:"; sed 's/^/#   /' repl.err; }
[ "$sent" = "$N" ] || { echo "camrec replicate sent $sent of $N" >&2; exit 1; }
find synth.store/synth -name '*.mkv' | sort >files
/usr/bin/time -f "%U %S %e" -o t.s3cmd s3cmd -c s3cmd.cfg --no-progress \
    put $(cat files) s3://stock/synth/ >/dev/null
bytes=$((N * SIZE))
awk -v n="$N" -v b="$bytes" -v c="$(wall t.camkit)" -v s="$(wall t.s3cmd)" \
    -v cc="$(cpu t.camkit)" -v sc="$(cpu t.s3cmd)" 'BEGIN {
	printf "throughput: %d files, %.0f MB\n", n, b / 1e6
	printf "  camrec replicate  %6.2f s  %7.1f MB/s  CPU %5.2f s\n", c, b / 1e6 / c, cc
	printf "  s3cmd put         %6.2f s  %7.1f MB/s  CPU %5.2f s\n", s, b / 1e6 / s, sc
	printf "  ratio (s3cmd time / camkit time): %.2f (target >= 1.0)\n", s / c
}'

# ---- 2. CPU per recorded stream ----
site live
"$B/tests/rtspd" --port 0 --live --size 1280x720 --fps 25 \
    --ready-file "$w/cam.ready" >cam.log 2>&1 &
pids+=($!)
until [ -s "$w/cam.ready" ]; do sleep 0.1; done
URL=rtsp://127.0.0.1:$(cat cam.ready)/cam
camctl -C live camera add gate --url "$URL" --segment 10s >/dev/null
# The long-running replicator (no --once: a run every minute in one
# process) beside the recorder, for as long; then one more minute so
# that the last segments go too.
/usr/bin/time -f "%U %S %e" -o t.loop camrec -C live replicate >loop.out 2>&1 &
tpid=$!
pids+=($tpid)
/usr/bin/time -f "%U %S %e" -o t.rec camrec -C live record gate --for "${REC}s" 2>/dev/null
sleep $((65 - $(date +%s) % 60))
kill -TERM "$(pgrep -P "$tpid")"
wait "$tpid" || :
segs=$(grep -c "	segment	" live.store/gate/manifest)
done=$(grep -c "	replicated	" live.store/gate/manifest)
# The timer's way: a run per minute, each a program start; one with
# nothing left to send.
/usr/bin/time -f "%U %S %e" -o t.idle camrec -C live replicate --once >/dev/null
mb=$(du -sb live.store/gate | awk '{ printf "%.1f", $1 / 1e6 }')
awk -v r="$(cpu t.rec)" -v p="$(cpu t.loop)" -v i="$(cpu t.idle)" \
    -v s="$segs" -v dn="$done" -v mb="$mb" -v d="$REC" 'BEGIN {
	printf "CPU per stream: %d s of 1280x720 25 fps, %d segments (%d replicated), %s MB\n", d, s, dn, mb
	printf "  camrec record                   CPU %5.2f s\n", r
	printf "  camrec replicate (one process)  CPU %5.2f s: %.1f %% of the recorder (target <= 10 %%)\n", p, p * 100 / r
	printf "  camrec replicate --once, nothing to send: CPU %.2f s a run, %.1f %% of the recorder per minute\n", i, i * 100 / (r * 60 / d)
}'

# ---- 3. recovery point ----
[ "$RP" -gt 0 ] || exit 0
site rp
camctl -C rp camera add gate --url "$URL" --segment 60s >/dev/null
camrec -C rp record gate --for "$((RP * 60))s" 2>/dev/null &
rec=$!
pids+=($rec)
# The timer: a run at the start of every minute.
(
	while kill -0 "$rec" 2>/dev/null; do
		sleep $((60 - $(date +%s) % 60))
		camrec -C rp replicate --once >/dev/null 2>&1 || :
	done
) &
pids+=($!)
max=0 t0=$(date +%s)
while kill -0 "$rec" 2>/dev/null; do
	sleep 5
	now=$(date +%s)
	last=$(grep "	replicated	" rp.store/gate/manifest 2>/dev/null | cut -f6 |
	    jq -r .file | tail -1)
	[ -n "$last" ] || continue
	end=$(grep -F "\"file\":\"$last\"" rp.store/gate/manifest |
	    grep "	segment	" | cut -f6 | jq -r .end)
	lag=$((now - $(date -d "$end" +%s)))
	[ "$lag" -gt "$max" ] && max=$lag
	echo "$((now - t0)) $lag" >>lag.txt
done
echo "recovery point: $RP min of 60 s segments, replicate every minute"
echo "  newest replicated segment behind the live edge: at most $max s" \
    "($(wc -l <lag.txt) samples; target <= 180 s)"
