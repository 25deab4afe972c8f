#!/usr/bin/env bash
# bench/audit-store.sh: camaudit recordings from the object store
# against the same check on the local files.
#
#   bench/audit-store.sh [-c CAMERAS] [-d DAYS] [-o DIR] [-k]
#
#   -c CAMERAS  cameras of the site (default 7)
#   -d DAYS     days of history, ending now (default 1: 7 cameras of
#               60 s segments make 10 080 segments)
#   -o DIR      where the site is made: a mktemp -d directory in DIR
#               (default /var/tmp)
#   -k          keep the working directory
#
# The site is made as bench/report.sh makes it (camctl init under
# faketime, the demo PKI, cameras cam01..camNN with 60 s segments), its
# history written by bench/yeargen (small segment files of 256 bytes).
# tests/s3d.py serves one bucket with Object Lock on 127.0.0.1 and
# `camrec replicate` sends the site to it (timed too).  Then, each
# once, with /usr/bin/time -v:
#   local  camaudit recordings            (every segment file re-hashed)
#   store  camaudit recordings --store configured
#          (every manifest rebuilt from its chunks, every segment
#          object fetched with GET and hashed, every footage object
#          listed)
# and the ratio of their wall times.  The segments are tiny, so this
# measures the cost per object (a request and its answer on loopback,
# each one checked for its SigV4 signature by a Python server), not
# the bandwidth.
#
# Needs: make all-tests (or CAMKIT_BIN naming a build directory holding
# the programs and bench/yeargen), faketime, openssl, python3.
set -u
set -o pipefail
export LC_ALL=C TZ=UTC

prog=bench/audit-store.sh
usage() {
	echo "usage: $prog [-c cameras] [-d days] [-o dir] [-k]" >&2
	exit 2
}
die() {
	local code=$1
	shift
	echo "$prog: $*" >&2
	exit "$code"
}
note() { printf '%s\n' "$*" >&2; }

ncams=7 days=1 dir=/var/tmp keep=0
while getopts c:d:o:kh opt; do
	case $opt in
	c) ncams=$OPTARG ;;
	d) days=$OPTARG ;;
	o) dir=$OPTARG ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
for v in ncams days; do
	[[ ${!v} =~ ^[0-9]+$ ]] || usage
done
[ "$ncams" -ge 1 ] && [ "$ncams" -le 99 ] || die 2 "-c wants 1..99 cameras"
[ "$days" -ge 1 ] && [ "$days" -le 30 ] || die 2 "-d wants 1..30 days"
[ -d "$dir" ] && [ -w "$dir" ] || die 2 "-o $dir: not a writable directory"

top=$(cd "$(dirname "$0")/.." && pwd) || exit 3
if [ -n "${CAMKIT_BIN:-}" ]; then
	bin=$CAMKIT_BIN
else
	bin=$top/build
	make -s -C "$top" all build/bench/yeargen >&2 ||
	    die 3 "could not build the programs and bench/yeargen"
fi
for p in camctl camrec camaudit bench/yeargen; do
	[ -x "$bin/$p" ] || die 3 "$bin/$p is missing: run make all-tests"
done
for p in faketime openssl python3 /usr/bin/time; do
	command -v "$p" >/dev/null || die 3 "needs $p"
done
PATH=$bin:$PATH

w=$(mktemp -d "$dir/camkit-baudit.XXXXXX") || exit 3
s3pid=
cleanup() {
	if [ -n "$s3pid" ]; then
		kill "$s3pid" 2>/dev/null
		wait "$s3pid" 2>/dev/null
	fi
	if [ "$keep" = 1 ]; then
		note "$prog: kept $w"
	else
		rm -rf "$w"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$w" || exit 3

now=$(date -u +%s)
end=$((now - now % 60))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

pki_at=$((end - days * 86400 - 2 * 86400))
faketime -f "@$(date -u -d "@$pki_at" '+%Y-%m-%d %H:%M:%S')" \
    "$top/examples/pki/mkpki.sh" "$w/pki" >/dev/null 2>&1 ||
    die 3 "mkpki.sh failed"

# The store: one bucket with Object Lock, the site's key.
access=camkit-bench-key
secret='bEnch/Secret+Key0123456789abcdefghijklmnop'
python3 "$top/tests/s3d.py" --dir "$w/s3" --port 0 --access "$access" \
    --secret "$secret" --ready-file "$w/s3.ready" 2>"$w/s3.log" &
s3pid=$!
for _ in $(seq 100); do
	[ -s "$w/s3.ready" ] && break
	sleep 0.1
done
[ -s "$w/s3.ready" ] || die 3 "s3d did not start: $(cat "$w/s3.log")"
endpoint=http://127.0.0.1:$(cat "$w/s3.ready")
curl -sS --fail --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$access:$secret" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    -H "x-amz-bucket-object-lock-enabled: true" -X PUT \
    "$endpoint/camkit" >/dev/null || die 3 "could not make the bucket"

at=$((end - days * 86400 - 3600))
ft="@$(date -u -d "@$at" '+%Y-%m-%d %H:%M:%S')"
F() { faketime -f "$ft" "$@"; }
F camctl -C site init --site "Bench $ncams cameras" >/dev/null 2>&1 ||
    die 3 "camctl init failed"
mkdir -p site.store site/trust site/private/credentials || exit 3
chmod 700 site/private site/private/credentials &&
printf 'username=%s\npassword=%s\n' "$access" "$secret" \
    >site/private/credentials/s3 &&
chmod 600 site/private/credentials/s3 &&
cp pki/ca.crt site/trust/ca.pem &&
install -m 600 pki/site.key site/private/site.key &&
install -m 644 pki/site.crt site/private/site.crt &&
sed -i "s|^  root: /var/lib/camkit |  root: $w/site.store|; s|^  ca: \[\]|  ca: [trust/ca.pem]|" \
    site/camkit.yaml &&
cat >>site/camkit.yaml <<EOR || exit 3
replication:
  endpoint: $endpoint
  credential: s3
  buckets: { evidence: camkit, journals: camkit, footage: camkit }
EOR
F camctl -C site commit -m "storage, trust, store" >/dev/null ||
    die 3 "camctl commit failed"
for i in $(seq 1 "$ncams"); do
	F camctl -C site camera add "$(printf cam%02d "$i")" \
	    --url "rtsp://10.0.1.$i:554/Streaming/Channels/101" \
	    --segment 60s >/dev/null || die 3 "camctl camera add failed"
done
note "$prog: generating: $ncams cameras, $days days"
"$bin/bench/yeargen" -C site -o site.store -c "$ncams" -d "$days" \
    -j 2 -w 1 -e "$(iso "$end")" >site.gen || die 1 "yeargen failed"
files=$(find site.store -name '*.mkv' | wc -l)
note "$prog: $files segment files"

. "$top/bench/lib.sh" || exit 3

timed replicate camrec -C site replicate --once
# A second run sends what the first could not (and nothing else).
[ "${r[replicate]##* }" = 0 ] || timed replicate camrec -C site replicate --once
# What could not be sent shows as findings of the store's check (the
# timing holds all the same).
[ "${r[replicate]##* }" = 0 ] ||
    note "$prog: camrec replicate left objects behind: $(tail -1 replicate.err)"
objects=$(find s3/camkit -name '@current' | wc -l)
timed local camaudit -C site recordings
timed store camaudit -C site recordings --store configured
checked() { grep -E "segments match their manifest" "$1.out" |
    grep -oE "[0-9]+ segments" | awk '{ s += $1 } END { print s + 0 }'; }

printf '\n%s cameras, %s days: %s segment files, %s objects in the store\n' \
    "$ncams" "$days" "$files" "$objects"
printf '%-10s %10s %10s %10s %5s %9s\n' run "wall s" "CPU s" "peak MiB" exit checked
for n in replicate local store; do
	set -- ${r[$n]}
	c=-
	[ "$n" = replicate ] || c=$(checked "$n")
	printf '%-10s %10s %10s %10s %5s %9s\n' "$n" "$1" "$2" "$3" "$4" "$c"
done
set -- ${r[local]}
l=$1
set -- ${r[store]}
awk -v s="$1" -v l="$l" 'BEGIN { printf "store / local (wall): %.1f\n", l > 0 ? s / l : 0 }'
