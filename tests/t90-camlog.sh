# camlog: the guard's logbook (camlog(1)), its roles, shifts, seals and
# audit trail.
. "$CAMKIT_TOP/tests/lib.sh"

LB=$T/site.store/logbook.journal
AUDIT=$T/site.store/audit.journal

expect_success 'setup: a site with the demo PKI, a data root, guards' '
	recording_site site && mkdir -p site.store && pki_site site &&
	if can_add_users; then
		chmod 711 "$T" && chmod 755 site.store &&
		g1=ckg1-$$ g2=ckg2-$$ x=ckx-$$ svc=cks-$$ &&
		temp_user $g1 && temp_user $g2 && temp_user $x && temp_user $svc &&
		camctl -C site user add --no-check $g1 --role guard >/dev/null &&
		camctl -C site user add --no-check $g2 --role guard >/dev/null &&
		mkdir -m 755 sbin && cp "$CAMKIT_BIN/camlog" sbin/camlog &&
		chown -R $svc site site.store && chown $svc sbin/camlog &&
		chmod 4755 sbin/camlog &&
		nn=ckn-$$ && temp_user $nn &&
		echo "g1=$g1 g2=$g2 x=$x svc=$svc ckx_none=$nn" >users
	fi
'
# Guards use camlog as installed: set-user-id to the service account,
# which owns the site and the data root.  Root gives back what it made.
[ -f "$T/users" ] && . "$T/users"
# Others' acts reach the audit trail through the set-id camlog.
CAMKIT_BINDIR=$T/sbin
export CAMKIT_BINDIR
users_ok() { [ -f "$T/users" ] || skip_test "needs root, useradd, setpriv"; }
G() { local u=$1 && shift && as "$u" "$T/sbin/camlog" -C site "$@"; }
own() { [ ! -f "$T/users" ] || chown -R "$svc" "$T/site" "$T/site.store"; }

expect_success 'an entry in Vietnamese round-trips exactly, through --json and jq' '
	text="Người lạ đứng trước cổng chính, mặc áo đỏ — đã báo Chánh Văn phòng" &&
	camctl -C site camera add gate --url rtsp://127.0.0.1:8554/gate >/dev/null && own &&
	test "$(camlog -C site add --kind suspicious --camera gate "$text")" = 1 &&
	camlog -C site list --json >out.json &&
	test "$(jq -r ".[0].data.text" out.json)" = "$text" &&
	test "$(jq -r ".[0].kind" out.json)" = suspicious &&
	test "$(jq -r ".[0].data.camera" out.json)" = gate &&
	test "$(jq -r ".[0].data.author" out.json)" = "$(id -un)" &&
	camlog -C site show 1 >show.out && has "^$text\$" show.out &&
	chain_ok "$LB"
'

expect_success 'text from standard input keeps its lines; list shows them on one line' '
	printf "Mất điện tủ 2\nĐã gọi kỹ thuật\n" | camlog -C site add --kind fault >/dev/null &&
	camlog -C site show 2 >show.out &&
	has "^Mất điện tủ 2\$" show.out && has "^Đã gọi kỹ thuật\$" show.out &&
	camlog -C site list --kind fault >list.out &&
	test "$(wc -l <list.out)" = 1 &&
	has "Mất điện tủ 2\\\\nĐã gọi kỹ thuật" list.out
'

expect_success 'control characters, bad UTF-8, NUL and over-long text are refused, nothing written' '
	n=$(wc -l <"$LB") &&
	must_fail 1 camlog -C site add "$(printf "a\033[2Jb")" 2>err && has "control character" err &&
	printf "a\rb" | must_fail 1 camlog -C site add 2>err && has "control character" err &&
	printf "\xff\xfe" | must_fail 1 camlog -C site add 2>err && has "not valid UTF-8" err &&
	printf "a\000b" | must_fail 1 camlog -C site add 2>err && has "NUL" err &&
	head -c 5000 /dev/zero | tr "\\0" "x" | must_fail 1 camlog -C site add 2>err &&
	has "5000 bytes long" err &&
	must_fail 1 camlog -C site add "   " 2>err && has "empty" err &&
	must_fail 2 camlog -C site add --kind gossip hi 2>err && has "unknown kind" err &&
	must_fail 1 camlog -C site add --camera nosuch hi 2>err && has "no camera" err &&
	test "$(wc -l <"$LB")" = "$n"
'

expect_success 'a correction is a new entry pointing at the old one, which stays' '
	test "$(camlog -C site correct 1 "Người lạ mặc áo xanh, không phải đỏ")" = 3 &&
	camlog -C site list >list.out &&
	has "^1	.*suspicious.*\(corrected by 3\)" list.out &&
	has "^3	.*correction	\(corrects 1\)" list.out &&
	camlog -C site show 1 >show.out && has "^corrected by: 3" show.out &&
	must_fail 1 camlog -C site correct 99 x 2>err && has "no entry 99" err
'

expect_success 'list filters by time, kind and camera; times in the site zone' '
	camlog -C site list --camera gate >list.out && test "$(wc -l <list.out)" = 1 &&
	has "\+07:00" list.out &&
	camlog -C site list --since "$(TZ=Asia/Ho_Chi_Minh date -d "+1 hour" "+%Y-%m-%d %H:%M")" >list.out &&
	test ! -s list.out &&
	camlog -C site list --until 2000-01-01 >list.out && test ! -s list.out &&
	must_fail 2 camlog -C site list --since yesterday 2>err
'

expect_success 'shift handover: the next guard acknowledges it, the log shows both' '
	users_ok &&
	test "$(G $g1 shift start)" -gt 0 &&
	G $g1 add "Ca sáng: mọi thứ bình thường" >/dev/null &&
	must_fail 1 G $g2 shift start 2>err >/dev/null &&
	has "still open" err &&
	end=$(G $g1 shift end --handover-to $g2 --note "Bàn giao chìa khoá tủ") &&
	must_fail 1 G $x shift start 2>err >/dev/null &&
	start=$(G $g2 shift start) &&
	camlog -C site list --json >out.json &&
	test "$(jq -r ".[] | select(.seq == $start) | .data.acknowledges" out.json)" = "$end" &&
	test "$(jq -r ".[] | select(.seq == $start) | .data.from" out.json)" = $g1 &&
	test "$(jq -r ".[] | select(.seq == $end) | .data.handover_to" out.json)" = $g2 &&
	camlog -C site list >list.out &&
	has "shift-end	\(hands over to $g2\)	Bàn giao" list.out &&
	has "shift-start	\(takes over from $g1, entry $end\)" list.out
'

expect_success 'a shift end seals the logbook: openssl verifies the seal, git has the witness' '
	users_ok &&
	has "	seal	" "$LB" &&
	line=$(grep -P "\tseal\t" "$LB" | tail -1) &&
	data=$(printf "%s\n" "$line" | cut -f6) &&
	printf "%s\n" "$data" | jq -r .signed >content &&
	printf "%s" "$data" | jq -j .cms | base64 -d >sig.der &&
	openssl cms -verify -binary -inform DER -in sig.der -content content \
	    -CAfile "$T/pki/ca.crt" -purpose any -out /dev/null 2>err &&
	seq=$(printf "%s\n" "$data" | jq -r .seq) &&
	head=$(printf "%s\n" "$data" | jq -r .head) &&
	test "$(sed -n "${seq}p" "$LB" | sha256sum | cut -c1-64)" = "$head" &&
	git -C site log --format=%s refs/camkit/witness/$(hostname -s) >witness &&
	has "^camkit-seal-1 .* logbook.journal $seq $head\$" witness &&
	git -C site fsck --strict 2>&1 &&
	camlog -C site verify >out && has "ok: .* 1 seals" out
'

expect_success 'a user without the role is refused, and the refusal is audited' '
	users_ok &&
	n=$(wc -l <"$LB") &&
	must_fail 1 G $x add "tôi không phải bảo vệ" 2>err >/dev/null &&
	has "refused: $x is not a user of this site and may not write the logbook" err &&
	test "$(wc -l <"$LB")" = "$n" &&
	tail -n 5 "$AUDIT" | cut -f6 | jq -s -e "map(select(.actor == \"$x\" and .outcome == \"refused\" and .verb == \"add\")) | length == 1" &&
	camctl -C site user add --no-check $x --role department >/dev/null && own &&
	must_fail 1 G $x add hi 2>err >/dev/null &&
	has "holds no role that may write the logbook \(roles that may: operator, guard\)" err &&
	must_fail 1 as $g1 camctl -C site camera rm gate 2>err >/dev/null &&
	has "camctl: camera rm: refused: $g1 holds no role that may change the configuration" err &&
	must_fail 1 as $ckx_none camctl -C site history 2>err >/dev/null &&
	has "camctl: history: refused" err
'

expect_success 'every entry and verification is in the audit trail' '
	chain_ok "$AUDIT" &&
	cut -f6 "$AUDIT" | jq -s -e "map(select(.program == \"camlog\" and .verb == \"add\" and .outcome == \"granted\")) | length >= 2" &&
	cut -f6 "$AUDIT" | jq -s -e "map(select(.program == \"camlog\" and .verb == \"verify\")) | length >= 1" &&
	cut -f6 "$AUDIT" | jq -s -e "map(select(.program == \"camctl\" and .verb == \"user add\" and .outcome == \"granted\")) | length >= 1"
'

expect_success 'camctl seal seals every journal; a second run finds them current' '
	camctl -C site seal >out && own &&
	has "^sealed	audit.journal	[0-9]+$" out &&
	has "^(sealed|current)	logbook.journal" out &&
	camctl -C site seal >out2 && own &&
	has "^current	logbook.journal$" out2 &&
	has "^sealed	audit.journal" out2 &&
	git -C site log --format=%s refs/camkit/witness/$(hostname -s) >witness &&
	has "^camkit-seal-1 [^ ]+ audit.journal [0-9]+ [0-9a-f]{64}$" witness &&
	data=$(grep -P "\tseal\t" "$AUDIT" | tail -1 | cut -f6) &&
	printf "%s\n" "$data" | jq -r .signed >content &&
	printf "%s" "$data" | jq -j .cms | base64 -d >sig.der &&
	openssl cms -verify -binary -inform DER -in sig.der -content content \
	    -CAfile "$T/pki/ca.crt" -purpose any -out /dev/null 2>/dev/null &&
	camlog -C site verify >/dev/null
'

expect_success 'camctl seal without the site key fails and says where it looked' '
	mv site/private/site.key site.key.away &&
	rc=0 && { must_fail 3 camctl -C site seal 2>err || rc=$?; } &&
	mv site.key.away site/private/site.key &&
	test $rc = 0 && has "site.key" err
'

# tamper CMD: apply CMD to a copy of the logbook, verify must fail.
tamper() {
	cp "$LB" lb.saved &&
	eval "$1" &&
	rc=0 && { camlog -C site verify >out 2>err || rc=$?; } &&
	cp lb.saved "$LB" &&
	test $rc = 1 || { echo "verify gave $rc" >&2; return 1; }
	has "$2" err
}

expect_success 'editing, deleting, reordering or truncating a line fails verify, naming the record' '
	tamper "sed -i \"2s/Mất điện/Có điện/\" \"\$LB\"" "logbook.journal:2: " &&
	tamper "sed -i 4d \"\$LB\"" "logbook.journal:4: " &&
	tamper "sed -i -n \"1{h;d};2{p;x};p\" \"\$LB\"" "logbook.journal:1: " &&
	camlog -C site verify >/dev/null
'

expect_success 'cutting the logbook back before a witnessed seal fails verify' '
	users_ok &&
	n=$(grep -n -P "\tseal\t" "$LB" | tail -1 | cut -d: -f1) &&
	tamper "head -n $((n - 2)) lb.saved >\"\$LB\"" "witness"
'

expect_success 'a forged seal (a key the site does not trust) fails verify' '
	users_ok &&
	n=$(grep -n -P "\tseal\t" "$LB" | tail -1 | cut -d: -f1) &&
	data=$(sed -n "${n}p" "$LB" | cut -f6) &&
	printf "%s\n" "$data" | jq -r .signed >content &&
	openssl cms -sign -binary -in content -signer "$T/pki/rogue.crt" \
	    -inkey "$T/pki/rogue.key" -outform DER -out forged.der 2>/dev/null &&
	forged=$(base64 -w0 forged.der) &&
	newdata=$(printf "%s\n" "$data" | jq -c --arg c "$forged" ".cms = \$c") &&
	tamper "head -n $n lb.saved | awk -v n=$n -v d=\"\$newdata\" \"BEGIN{FS=OFS=\\\"\\t\\\"} NR==n{\\\$6=d} {print}\" >\"\$LB\"" "logbook.journal:$n: seal"
'

expect_success 'a torn line (kill -9 mid-append) is repaired by the next append, chain valid' '
	printf "99\t2026-11-23T00:00:00Z\thost\tdead" >>"$LB" &&
	must_fail 1 camlog -C site verify 2>err && has "torn|without LF|LF" err &&
	camlog -C site add "sau sự cố" >/dev/null &&
	ls "$LB".torn-* >/dev/null &&
	has "	repair	" "$LB" &&
	camlog -C site verify >/dev/null && chain_ok "$LB"
'

expect_success 'camlog killed with SIGKILL at random moments: nothing lost, chain valid' '
	for i in $(seq 30); do
		camlog -C site add "lần $i" >/dev/null 2>&1 &
		pid=$! &&
		sleep 0.0$((RANDOM % 10)) &&
		kill_any $pid || exit 1
	done &&
	camlog -C site add "sau khi giết" >/dev/null &&
	camlog -C site verify >/dev/null && chain_ok "$LB"
'

expect_success '8 writers at once: every entry lands, one chain' '
	n0=$(wc -l <"$LB") && per=${CAMLOG_WRITES:-25} &&
	pids= &&
	for w in 1 2 3 4 5 6 7 8; do
		( for i in $(seq $per); do camlog -C site add "w$w $i" >/dev/null || exit 1; done ) &
		pids="$pids $!" || exit 1
	done &&
	for p in $pids; do wait $p || exit 1; done &&
	test "$(camlog -C site list --json | jq "map(select(.data.text // \"\" | test(\"^w[1-8] \"))) | length")" = $((8 * per)) &&
	for w in 1 2 3 4 5 6 7 8; do
		test "$(grep -c "\"w$w [0-9]*\"" "$LB")" = $per || exit 1
	done &&
	camlog -C site verify >/dev/null && chain_ok "$LB"
'

expect_success 'set-user-id camlog: a guard appends, but cannot write the file' '
	users_ok &&
	n=$(wc -l <"$LB") &&
	G $g2 add "qua camlog" >/dev/null &&
	test "$(wc -l <"$LB")" = $((n + 1)) &&
	! as $g2 sh -c "echo forged >>\"$LB\"" 2>/dev/null &&
	! as $g2 truncate -s 0 "$LB" 2>/dev/null &&
	! as $g2 rm -f "$LB" 2>/dev/null &&
	! as $g2 sh -c "echo forged >>\"$AUDIT\"" 2>/dev/null &&
	test "$(wc -l <"$LB")" = $((n + 1)) &&
	G $g2 list >/dev/null && G $g2 verify >/dev/null
'

expect_success 'set-user-id camlog ignores the environment and trusts no directory of the caller' '
	users_ok &&
	as $g2 env CAMKIT_DIR=/nonexistent "$T/sbin/camlog" -C site list >/dev/null &&
	mkdir -m 755 own && chown $g2 own &&
	as $g2 camctl -C own/site init >/dev/null &&
	must_fail 1 as $g2 "$T/sbin/camlog" -C own/site add "giả mạo" 2>err >/dev/null &&
	has "refused: .*own/site is owned by uid" err
'

done_testing
