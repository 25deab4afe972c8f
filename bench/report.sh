#!/usr/bin/env bash
# bench/report.sh: the director's monthly report of a large site, as a
# signed PDF beside the same report as text.
#
#   bench/report.sh [-c CAMERAS] [-d DAYS] [-j JOBS] [-o DIR] [-k]
#
#   -c CAMERAS  cameras of the site (default 64)
#   -d DAYS     days of history, ending now (default 40: the whole of
#               last month)
#   -j JOBS     processes generating the manifests (default 2)
#   -o DIR      where the site is made: a mktemp -d directory in DIR
#               (default /var/tmp)
#   -k          keep the working directory
#
# The site is made as bench/year makes its sites (camctl init under
# faketime, the demo PKI, cameras cam01..camNN with 60 s segments), its
# history written by bench/yeargen.  Then, each once, with
# /usr/bin/time -v (wall time and peak resident memory):
#   text   camaudit report --month LAST_MONTH
#   pdf    camaudit report --month LAST_MONTH --pdf report.pdf --sign
# and the PDF's pages and size, its signature checked with openssl cms.
# Both re-hash every live segment file (the verification): the text run
# goes first and reads them from the disk, the PDF run finds most of
# them in the page cache; compare CPU times rather than wall times.
#
# Needs: make all-tests (or CAMKIT_BIN naming a build directory holding
# the programs and bench/yeargen), faketime, openssl, pdfinfo.
set -u
set -o pipefail
export LC_ALL=C TZ=UTC

prog=bench/report.sh
usage() {
	echo "usage: $prog [-c cameras] [-d days] [-j jobs] [-o dir] [-k]" >&2
	exit 2
}
die() {
	local code=$1
	shift
	echo "$prog: $*" >&2
	exit "$code"
}
note() { printf '%s\n' "$*" >&2; }

ncams=64 days=40 jobs=2 dir=/var/tmp keep=0
while getopts c:d:j:o:kh opt; do
	case $opt in
	c) ncams=$OPTARG ;;
	d) days=$OPTARG ;;
	j) jobs=$OPTARG ;;
	o) dir=$OPTARG ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
for v in ncams days jobs; do
	[[ ${!v} =~ ^[0-9]+$ ]] || usage
done
[ "$ncams" -ge 1 ] && [ "$ncams" -le 99 ] || die 2 "-c wants 1..99 cameras"
[ "$days" -ge 32 ] || die 2 "-d wants 32 days or more (a whole month)"
[ -d "$dir" ] && [ -w "$dir" ] || die 2 "-o $dir: not a writable directory"

top=$(cd "$(dirname "$0")/.." && pwd) || exit 3
if [ -n "${CAMKIT_BIN:-}" ]; then
	bin=$CAMKIT_BIN
else
	bin=$top/build
	make -s -C "$top" all build/bench/yeargen >&2 ||
	    die 3 "could not build the programs and bench/yeargen"
fi
for p in camctl camaudit bench/yeargen; do
	[ -x "$bin/$p" ] || die 3 "$bin/$p is missing: run make all-tests"
done
for p in faketime openssl pdfinfo /usr/bin/time; do
	command -v "$p" >/dev/null || die 3 "needs $p"
done
PATH=$bin:$PATH

w=$(mktemp -d "$dir/camkit-breport.XXXXXX") || exit 3
cleanup() {
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
# Last month in the site's zone (Asia/Ho_Chi_Minh, the starter's).
month=$(TZ=Asia/Ho_Chi_Minh date -d "$(TZ=Asia/Ho_Chi_Minh date -d "@$end" +%Y-%m-15) -1 month" +%Y-%m)

pki_at=$((end - days * 86400 - 2 * 86400))
faketime -f "@$(date -u -d "@$pki_at" '+%Y-%m-%d %H:%M:%S')" \
    "$top/examples/pki/mkpki.sh" "$w/pki" >/dev/null 2>&1 ||
    die 3 "mkpki.sh failed"

at=$((end - days * 86400 - 3600))
ft="@$(date -u -d "@$at" '+%Y-%m-%d %H:%M:%S')"
F() { faketime -f "$ft" "$@"; }
F camctl -C site init --site "Bench $ncams cameras" >/dev/null 2>&1 ||
    die 3 "camctl init failed"
mkdir -p site.store site/trust || exit 3
cp pki/ca.crt site/trust/ca.pem &&
cp pki/director.crt site/trust/director.pem &&
install -m 600 pki/site.key site/private/site.key &&
install -m 644 pki/site.crt site/private/site.crt &&
sed -i "s|^  root: /var/lib/camkit |  root: $w/site.store|; s|^  ca: \[\]|  ca: [trust/ca.pem]|; s|^  director: \[\]|  director: [trust/director.pem]|; s|^  unit_head_signature: true|  unit_head_signature: false|" \
    site/camkit.yaml || exit 3
F camctl -C site commit -m "storage, trust" >/dev/null ||
    die 3 "camctl commit failed"
for i in $(seq 1 "$ncams"); do
	F camctl -C site camera add "$(printf cam%02d "$i")" \
	    --url "rtsp://10.0.1.$i:554/Streaming/Channels/101" \
	    --segment 60s >/dev/null || die 3 "camctl camera add failed"
done
note "$prog: generating: $ncams cameras, $days days"
a=$EPOCHREALTIME
"$bin/bench/yeargen" -C site -o site.store -c "$ncams" -d "$days" \
    -j "$jobs" -w 1 -e "$(iso "$end")" >site.gen || die 1 "yeargen failed"
b=$EPOCHREALTIME
gen=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", b - a }')
recs=$(cat site.store/*/manifest* | wc -l)
files=$(find site.store -name '*.mkv' | wc -l)
note "$prog: generated in $gen s: $recs manifest records, $files segment files"

. "$top/bench/lib.sh" || exit 3

timed text camaudit -C site report --month "$month"
timed pdf camaudit -C site report --month "$month" --pdf report.pdf --sign
[ -s report.pdf ] || die 1 "no PDF: $(cat pdf.err)"
pages=$(pdfinfo report.pdf | awk '/^Pages:/ { print $2 }')
size=$(wc -c <report.pdf)
if openssl cms -verify -binary -inform DER -in report.pdf.p7s \
    -content report.pdf -CAfile pki/ca.crt -purpose any \
    -out /dev/null 2>/dev/null; then
	sig=verified
else
	sig=FAILED
fi

printf '\n%s cameras, %s days of history (%s manifest records, %s segment files), report of %s\n' \
    "$ncams" "$days" "$recs" "$files" "$month"
printf '%-6s %10s %10s %10s %5s\n' form "wall s" "CPU s" "peak MiB" exit
for n in text pdf; do
	set -- ${r[$n]}
	printf '%-6s %10s %10s %10s %5s\n' "$n" "$1" "$2" "$3" "$4"
done
printf 'PDF: %s pages, %s bytes, signature %s\n' "$pages" "$size" "$sig"
