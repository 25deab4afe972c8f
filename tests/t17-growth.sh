# Costs that follow the work, not the site's age: the same commands on
# one camera's site of 30 and of 90 days (bench/yeargen: 60 s
# segments, 30-day retention, hourly prunes and seals, monthly volumes).
# The older site holds three times the history and as many live
# segments: a command whose cost grows with the history may take about
# 3 times as long (the whole-chain checks), one about a window or about
# what is live no more than twice (the issue's target against a 30-day
# site); a quadratic path takes 9 times as long and fails here.  Times are CPU seconds (user + system, the best
# of two runs), so that a busy machine slows both sites alike.
. "$CAMKIT_TOP/tests/lib.sh"

command -v faketime >/dev/null || skip_all "needs faketime"
[ -x "$CAMKIT_BIN/bench/yeargen" ] || skip_all "bench/yeargen is not built"
end=$(date -u -d "$(date -u +%Y-%m-%dT%H:00:00Z)" +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
"$CAMKIT_TOP/examples/pki/mkpki.sh" "$T/pki" >/dev/null 2>&1 &&
    faketime -f "@$(date -u -d "@$((end - 95 * 86400))" '+%Y-%m-%d %H:%M:%S')" \
    "$CAMKIT_TOP/examples/pki/mkpki.sh" "$T/oldpki" >/dev/null 2>&1 ||
    skip_all "the demo PKI could not be made"

# site NAME DAYS: a site DAYS days old, made as on its first day.
site() {
	local at &&
	at="@$(date -u -d "@$((end - $2 * 86400 - 3600))" '+%Y-%m-%d %H:%M:%S')" &&
	ago "$at" camctl -C "$1" init --site "$2 ngày" >/dev/null 2>&1 &&
	mkdir -p "$1.store" "$1/trust" &&
	cp oldpki/ca.crt "$1/trust/ca.pem" &&
	install -m 600 oldpki/site.key "$1/private/site.key" &&
	install -m 644 oldpki/site.crt "$1/private/site.crt" &&
	sed -i "s|^  root: /var/lib/camkit |  root: $T/$1.store|; s|^  ca: \[\]|  ca: [trust/ca.pem]|" "$1/camkit.yaml" &&
	ago "$at" camctl -C "$1" commit -m "storage, trust" >/dev/null &&
	ago "$at" camctl -C "$1" camera add cam01 \
	    --url rtsp://10.0.1.1:554/Streaming/Channels/101 --segment 60s >/dev/null &&
	# (The generator, a benchmark's tool, keeps its plan until it
	# exits: LeakSanitizer is not asked about it.)
	env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    "$CAMKIT_BIN/bench/yeargen" -C "$1" -o "$1.store" -c 1 -d "$2" -j 1 \
	    -w 1 -e "$(iso "$end")" >"$1.gen"
}

# cpu OUT CMD...: the best of two runs' CPU seconds of CMD (user and
# system, its children's included) into OUT; its exit status is not
# asked (a verifier may find the newest records not sealed yet).
cpu() {
	local out=$1 best= i s TIMEFORMAT="%U %S" &&
	shift &&
	for i in 1 2; do
		{ time "$@" >/dev/null 2>&1 || test $? -lt 128; } 2>"$out.t" &&
		s=$(awk "{ print \$1 + \$2 }" "$out.t") &&
		if [ -z "$best" ] || awk "BEGIN { exit !($s < $best) }"; then
			best=$s
		fi || return 1
	done &&
	echo "$best" >"$out"
}

# everyday DAYS: the commands of every day on the DAYS-day site.
everyday() {
	local yesterday month &&
	test -s "s$1.store/cam01/manifest" &&
	yesterday=$(date -u -d "-1 day" +%Y-%m-%dT%H:%M:%SZ) &&
	month=$(date -u -d "$(date -u +%Y-%m-15) -1 month" +%Y-%m) &&
	cpu "t$1.prune" camrec -C "s$1" prune --dry-run &&
	cpu "t$1.status" camctl -C "s$1" status &&
	cpu "t$1.list" camlog -C "s$1" list --since "$yesterday" &&
	cpu "t$1.report" camaudit -C "s$1" report --month "$month" &&
	cpu "t$1.journals" camaudit -C "s$1" journals &&
	cpu "t$1.verify" camrec -C "s$1" verify
}

# grows NAME LIMIT: the 90-day site's time over the 30-day site's is
# at most LIMIT (when the older one takes more than 0.3 s: below, the
# program's start dominates and ratios mean nothing).
grows() {
	local a b &&
	a=$(cat "t30.$1") && b=$(cat "t90.$1") &&
	echo "# $1: $a s on 30 days, $b s on 90 days" >&2 &&
	awk -v a="$a" -v b="$b" -v l="$2" -v n="$1" 'BEGIN {
		if (b > 0.3 && b > l * (a > 0.01 ? a : 0.01)) {
			printf "%s: %.2f s on 90 days, %.2f s on 30 days: more than %s times\n", n, b, a, l >"/dev/stderr"
			exit 1
		}
	}'
}

expect_success 'a site of 30 days and one of 90 days, generated' '
	site s30 30 &&
	site s90 90 &&
	test "$(ls s90.store/cam01/manifest.* | wc -l)" -ge 2 &&
	test "$(cat s90.store/cam01/manifest* | wc -l)" -gt "$((2 * $(cat s30.store/cam01/manifest* | wc -l)))"
'

expect_success 'the everyday commands on the 30-day site' '
	everyday 30
'

expect_success 'the everyday commands on the 90-day site' '
	everyday 90
'

# The month reported holds more on the older site: its deletions and the
# segments carried into its volume, which a site's first month has not
# (the 30-day site began within it), about twice the records: the
# report may take three times as long, not nine.
expect_success 'what is live, or a window: at most twice the time on a site three times older (the month report three times)' '
	grows prune 2 && grows status 2 && grows list 2 && grows report 3
'

expect_success 'the whole chain: about three times the time, not nine' '
	grows journals 5 && grows verify 5
'

done_testing
