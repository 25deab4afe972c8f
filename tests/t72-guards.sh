# Two guards, camlog installed as make install does it: ten shifts each,
# one after the other; every seal verifies and is witnessed, camaudit
# journals is clean, and everything camlog made belongs to the service
# account, its group, with the modes camlog(1) promises.  Then root
# commits configuration between shifts, as an administrator does, and
# the service account can still write the witness.
. "$CAMKIT_TOP/tests/lib.sh"

R=$T/root
SITE=$R/etc/camkit
DATA=$R/var/lib/camkit
LB=$DATA/logbook.journal

can_add_users || skip_all "needs root, useradd and setpriv"

expect_success 'setup: make install and install-privileges, a site, two guards' '
	svc=ckws-$$ a=ckwa-$$ b=ckwb-$$ &&
	echo "svc=$svc a=$a b=$b" >users &&
	echo $svc >>"$T.users" &&
	# As t70: never relink the programs other test files are running.
	{ make -s -q -C "$CAMKIT_TOP" all ||
	    { echo "the build is older than its sources: make all first" >&2; false; }; } &&
	make -s -C "$CAMKIT_TOP" install DESTDIR="$R" PREFIX=/usr >log 2>&1 &&
	users_locked make -s -C "$CAMKIT_TOP" install-privileges DESTDIR="$R" \
	    PREFIX=/usr SERVICE_USER=$svc STATEDIR=/var/lib/camkit >>log 2>&1 &&
	test "$(stat -c "%U %G %a" "$R/usr/bin/camlog")" = "$svc $svc 6755" &&
	test "$(stat -c "%U %G %a" "$DATA")" = "$svc camkit-audit 2750" &&
	temp_account $a && temp_account $b &&
	chmod 711 "$T" &&
	"$R/usr/bin/camctl" -C "$SITE" init --site Guards >/dev/null &&
	sed -i "s|^  root: /var/lib/camkit |  root: $DATA |" "$SITE/camkit.yaml" &&
	"$R/usr/bin/camctl" -C "$SITE" commit -m "the data root" >/dev/null &&
	pki_site "$SITE" &&
	"$R/usr/bin/camctl" -C "$SITE" user add $a --role guard >/dev/null &&
	"$R/usr/bin/camctl" -C "$SITE" user add $b --role guard >/dev/null &&
	chown -R $svc:$svc "$SITE" "$DATA" &&
	find "$DATA" "$SITE/.git" | sort >before
'
. "$T/users"

# G USER CMD...: camlog as installed, run by USER.
G() { local u=$1 && shift && as "$u" "$R/usr/bin/camlog" -C "$SITE" "$@"; }

# shift_of GUARD NEXT I: GUARD starts a shift, writes, ends it handing
# over to NEXT; NEXT verifies; no warning anywhere.
shift_of() {
	G $1 shift start >/dev/null 2>err && test ! -s err &&
	G $1 add "Ca $3 của $1: bình thường" >/dev/null 2>err && test ! -s err &&
	G $1 shift end --handover-to $2 >/dev/null 2>err &&
	{ test ! -s err || { cat err >&2; return 1; }; } &&
	{ G $2 verify >out 2>err ||
	    { echo "shift $3 of $1, verify by $2:" >&2; cat err >&2; return 1; }; } &&
	seals=$(sed -n "s/.* \([0-9]*\) seals .*/\1/p" out) &&
	has " $seals witnessed\$" out && test "$seals" -gt 0
}

expect_success 'ten shift changes each way: every seal verifies for both guards' '
	for i in 1 2 3 4 5 6 7 8 9 10; do
		shift_of $a $b $i || exit 1
		shift_of $b $a $i || exit 1
	done &&
	G $a verify >out && has " 20 seals .* 20 witnessed$" out &&
	test "$(grep -c "	seal	" "$LB")" = 20 &&
	test "$(git -C "$SITE" log --format=%s refs/camkit/witness/$(hostname -s) | grep -c " logbook.journal ")" = 20 &&
	chain_ok "$LB"
'

expect_success 'camaudit journals is clean, and root and both guards still verify' '
	"$R/usr/bin/camaudit" -C "$SITE" journals >out 2>err &&
	hasnt "^FAIL" out && has "logbook.journal" out &&
	"$R/usr/bin/camlog" -C "$SITE" verify >/dev/null &&
	G $a verify >/dev/null && G $b verify >/dev/null &&
	git -C "$SITE" fsck --strict >/dev/null 2>&1
'

expect_success 'what camlog made: the service account and its group; journals 0640, git directories 2750 (the set-group-id bit of the site, README), objects 0440' '
	find "$DATA" "$SITE/.git" | sort | comm -13 before - >new &&
	test "$(grep -c "/objects/" new)" -gt 20 &&
	while read -r f; do
		test "$(stat -c %U:%G "$f")" = $svc:$svc ||
		    { echo "$f: $(stat -c %U:%G "$f"), not $svc:$svc" >&2; exit 1; }
		if [ -d "$f" ]; then
			want=2750
		else
			case $f in
			*/objects/*) want=440 ;;
			*.journal) want=640 ;;
			*) want=640 ;;
			esac
		fi &&
		test "$(stat -c %a "$f")" = $want ||
		    { echo "$f: mode $(stat -c %a "$f"), not $want" >&2; exit 1; }
	done <new &&
	test "$(stat -c "%U:%G %a" "$LB")" = "$svc:$svc 640" &&
	test "$(stat -c "%U:%G %a" "$DATA/audit.journal")" = "$svc:$svc 640"
'
expect_success 'an administrator commits between shifts: .git stays the service account.s, every seal witnessed' '
	"$R/usr/bin/camctl" -C "$SITE" camera add cam1 --url rtsp://127.0.0.1:8554/c1 >/dev/null &&
	shift_of $a $b 11 &&
	"$R/usr/bin/camctl" -C "$SITE" camera add cam2 --url rtsp://127.0.0.1:8554/c2 >/dev/null &&
	shift_of $b $a 12 &&
	"$R/usr/bin/camctl" -C "$SITE" camera add cam3 --url rtsp://127.0.0.1:8554/c3 >/dev/null &&
	shift_of $a $b 13 &&
	find "$SITE/.git" -user root >bad &&
	{ test ! -s bad || { echo "left to root:" >&2; cat bad >&2; exit 1; }; } &&
	G $b verify >out && has " 23 seals .* 23 witnessed$" out
'

done_testing
