# Each role works from its own account, without root and without sudo:
# camkit installed by "make install" (DESTDIR empty, so the set-id bits
# and the groups are real) into a prefix of this test, a site made by
# camctl init --storage as root, a clip recorded, then every role's
# everyday commands run as that Unix user (setpriv, with the groups
# camctl user add gave it).  The results make the matrix of tests/README
# (role x program verb): the test fails if a cell differs from what the
# policy and the file modes promise, or if the committed matrix is not
# the one it ran ("make roles-matrix" writes it again).
. "$CAMKIT_TOP/tests/lib.sh"

can_add_users || skip_all "needs root, useradd and setpriv"
command -v usermod >/dev/null && command -v gpasswd >/dev/null ||
    skip_all "needs usermod and gpasswd (Debian's passwd)"

I=$T/inst
S=$T/etc/camkit
D=$T/data
ROLES="operator auditor guard chief-of-office director department unlisted"

# run ROLE CMD...: CMD as ROLE's account, with its own groups, no sudo.
run() {
	local u &&
	u=$(sed -n "s/^$1=//p" "$T/accounts") &&
	shift &&
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
	    env -i LANG=C.UTF-8 PATH=/usr/bin:/bin HOME=/nonexistent "$@"
}

# cell VERB ROLE CMD...: run CMD as ROLE and record in $T/cells what
# happened: allowed (exit 0), refused (exit 1 by the policy: "may not"
# or "not a user of this site"), denied (exit 3: the file modes stop
# the account before any program asks the policy).
cell() {
	local verb=$1 role=$2 rc=0 what &&
	shift 2 &&
	# camview decides by the login name, whatever Unix user serves the
	# page: its rights are asked of the library, as camview does.
	if [ "$verb" = "camview play" ] || [ "$verb" = "camview live" ]; then
		{ "$@" >"$T/out" 2>"$T/err" || rc=$?; }
	else
		{ run "$role" "$@" >"$T/out" 2>"$T/err" || rc=$?; }
	fi &&
	case $rc in
	0) what=allowed ;;
	1) if cat "$T/err" "$T/out" | grep -Eq "may not|not a user of this site|holds no role"; then
		what=refused
	   else
		what="no($rc)"
	   fi ;;
	3) if grep -q "Permission denied" "$T/err"; then
		what=denied
	   else
		what="error($rc)"
	   fi ;;
	*) what="error($rc)" ;;
	esac &&
	printf "%s\t%s\t%s\n" "$verb" "$role" "$what" >>"$T/cells" &&
	case $what in
	error*|no*) { echo "# $verb as $role: exit $rc:" && cat "$T/err"; } >&2 ;;
	*) : ;;
	esac
}

expect_success 'setup: accounts, make install into a prefix, camctl init --storage as root' '
	if ! make -s -q -C "$CAMKIT_TOP" all; then
		echo "the build is older than its sources: make all first" &&
		exit 1
	fi &&
	chmod 711 "$T" &&
	: >accounts &&
	svc=ck42s-$$ &&
	temp_account $svc && echo "svc=$svc" >>accounts &&
	for r in $ROLES; do
		u=ck42$(echo $r | cut -c1-3)-$$ &&
		temp_account $u && echo "$r=$u" >>accounts || exit 1
	done &&
	make -s -C "$CAMKIT_TOP" install PREFIX="$I" DESTDIR= SERVICE_USER=$svc \
	    STATEDIR="$D" SYSCONFDIR="$T/etc" >log 2>&1 || { cat log; false; } &&
	test "$(stat -c "%U %a" "$I/bin/camctl" "$I/bin/camextract" "$I/bin/camlog" | sort -u)" = "$svc 6755" &&
	test "$(stat -c "%U %G %a" "$D")" = "$svc camkit-audit 2750" &&
	"$I/bin/camctl" -C "$S" init --site Roles --storage "$D" >out 2>err &&
	has "are the service account.s .$svc.$" out &&
	test "$(stat -c "%U %G" "$S" "$S/camkit.yaml" "$S/.git" | sort -u)" = "$svc camkit-audit" &&
	test "$(stat -c "%U %a" "$S/private")" = "$svc 700" &&
	test "$(stat -c "%U %a" "$S/private/view.key")" = "$svc 600" &&
	grep -q "^  root: \"\\?$D\"\\?" "$S/camkit.yaml" &&
	test "$(stat -c %U "$D/audit.journal")" = $svc
'
svc=$(sed -n "s/^svc=//p" "$T/accounts")
acct() { sed -n "s/^$1=//p" "$T/accounts"; }

expect_success 'user add: a name with no account here is refused, nothing committed; --no-check takes it' '
	rev=$(git -C "$S" rev-parse HEAD) &&
	must_fail 1 "$I/bin/camctl" -C "$S" user add ck42nobody-$$ --role guard 2>err &&
	has "ck42nobody-$$ is not an account of this host" err &&
	has "no-check" err &&
	test "$(git -C "$S" rev-parse HEAD)" = "$rev" &&
	"$I/bin/camctl" -C "$S" user add ck42remote-$$ --role auditor --no-check >out 2>err &&
	hasnt "groups" out &&
	"$I/bin/camctl" -C "$S" user list >out &&
	has "^ck42remote-$$	auditor$" out
'

expect_success 'user add as root: the roles that audit join camkit-audit, the others do not' '
	for r in operator auditor guard chief-of-office director department; do
		"$I/bin/camctl" -C "$S" user add "$(acct $r)" --role $r >out 2>err || { cat err; exit 1; }
		case $r in
		operator|auditor|director)
			has "usermod -a -G camkit-audit $(acct $r)" out &&
			id -nG "$(acct $r)" | grep -qw camkit-audit || exit 1 ;;
		*)
			hasnt "usermod" out &&
			! id -nG "$(acct $r)" | grep -qw camkit-audit || exit 1 ;;
		esac
	done
'

expect_success 'a site key, the demo CA and a director; a clip recorded by the service account' '
	{ [ -f "$T/pki/ca.crt" ] || "$CAMKIT_TOP/examples/pki/mkpki.sh" "$T/pki" >/dev/null; } &&
	install -o $svc -m 600 "$T/pki/site.key" "$S/private/site.key" &&
	install -o $svc -m 644 "$T/pki/site.crt" "$S/private/site.crt" &&
	setpriv --reuid=$svc --regid="$(id -g $svc)" --init-groups sh -c "
		mkdir -p \"$S/trust\" && cp \"$T/pki/ca.crt\" \"$S/trust/ca.pem\" &&
		cp \"$T/pki/director.crt\" \"$S/trust/director.pem\" &&
		sed -i \"s|^  ca: \\[\\]|  ca: [trust/ca.pem]|; s|^  director: \\[\\]|  director: [trust/director.pem]|; s|^  unit_head_signature: true|  unit_head_signature: false|\" \"$S/camkit.yaml\"" &&
	"$I/bin/camctl" -C "$S" commit -m "trust, director" >/dev/null &&
	start_camera gate --live --fps 10 --gop 10 &&
	"$I/bin/camctl" -C "$S" camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null &&
	from=$(date -u +%Y-%m-%dT%H:%M:%SZ) &&
	setpriv --reuid=$svc --regid="$(id -g $svc)" --init-groups \
	    env -i LANG=C.UTF-8 PATH=/usr/bin:/bin "$I/bin/camrec" -C "$S" record gate --for 7s 2>err &&
	stop_camera gate &&
	to=$(date -u +%Y-%m-%dT%H:%M:%SZ) &&
	test -n "$(find "$D/gate" -name "*.mkv")" &&
	mkdir -m 755 req && mkdir -m 1777 exports &&
	(cd req && request R42 "$from" "$to" && sign R42.yaml director) &&
	chmod 644 req/* &&
	echo "$from $to" >window
'

expect_success 'the unlisted account, then every role: each program verb as that Unix user' '
	: >cells &&
	for r in unlisted department director chief-of-office guard auditor operator; do
		cell "camctl history" $r "$I/bin/camctl" -C "$S" history &&
		cell "camctl user list" $r "$I/bin/camctl" -C "$S" user list &&
		cell "camctl camera add" $r "$I/bin/camctl" -C "$S" camera add c-$r --url rtsp://127.0.0.1:9/x &&
		cell "camlog add" $r "$I/bin/camlog" -C "$S" add "từ $r" &&
		cell "camlog list" $r "$I/bin/camlog" -C "$S" list &&
		cell "camaudit journals" $r "$I/bin/camaudit" -C "$S" journals &&
		cell "camaudit recordings" $r "$I/bin/camaudit" -C "$S" recordings &&
		cell "camaudit access" $r "$I/bin/camaudit" -C "$S" access &&
		cell "read footage (files)" $r sh -c "cat \"\$(find \"$D/gate\" -name \"*.mkv\" | head -1)\" >/dev/null || exit 3" &&
		cell "read private/ (files)" $r sh -c "cat \"$S/private/site.key\" >/dev/null || exit 3" &&
		cell "camextract run" $r "$I/bin/camextract" -C "$S" run "$T/req/R42.yaml" -o "$T/exports/R42-$r.tar" &&
		cell "camview live" $r "$CAMKIT_BIN/tests/viewfix" "$S" may-live "$(acct $r)" gate &&
		cell "camview play" $r "$CAMKIT_BIN/tests/viewfix" "$S" may-play "$(acct $r)" gate $(cat window) || exit 1
	done &&
	test "$(grep -c . cells)" = 91
'

# What the policy (camkit.yaml(5)) and the file modes promise, as
# VERB ROLE... : the roles allowed; every other role is refused (by
# the policy, exit 1) or denied (by the modes, exit 3) as listed after
# the bar.
cat >expected <<'EOF'
camctl history|operator auditor guard chief-of-office director department|unlisted:refused
camctl user list|operator auditor guard chief-of-office director department|unlisted:refused
camctl camera add|operator|*:refused
camlog add|operator guard|*:refused
camlog list|operator auditor guard chief-of-office director|*:refused
camaudit journals|operator auditor director|*:denied
camaudit recordings|operator auditor director|*:denied
camaudit access|operator auditor director|*:denied
read footage (files)|operator auditor director|*:denied
read private/ (files)||*:denied
camextract run|operator|*:refused
camview live|operator guard chief-of-office director|*:refused
camview play|chief-of-office director|*:refused
EOF

expect_success 'every cell is what the policy and the modes promise' '
	while IFS="|" read -r verb allowed rest; do
		for r in $ROLES; do
			got=$(awk -F "	" -v v="$verb" -v r="$r" "\$1 == v && \$2 == r { print \$3 }" cells) &&
			case " $allowed " in
			*" $r "*) want=allowed ;;
			*) want=${rest#*:} ;;
			esac &&
			if [ "$got" != "$want" ]; then
				echo "$verb as $r: $got, not $want" >&2 &&
				exit 1
			fi || exit 1
		done || exit 1
	done <expected
'

expect_success 'the refusals changed nothing; the operator'"'"'s acts are its own' '
	"$I/bin/camctl" -C "$S" camera list >cams &&
	has "^gate	" cams && has "^c-operator	" cams &&
	test "$(grep -c . cams)" = 2 &&
	test "$(git -C "$S" log -1 --format=%s)" = "camera add c-operator" &&
	test "$(stat -c %U "$D/logbook.journal")" = $svc &&
	test "$(cut -f5 "$D/logbook.journal" | grep -c "^note$")" = 2 &&
	test -s exports/R42-operator.tar &&
	test "$(ls exports)" = R42-operator.tar &&
	grep "\"outcome\":\"refused\"" "$D/audit.journal" | grep -c "\"actor\":\"$(acct guard)\"" >n &&
	test "$(cat n)" -ge 2
'

# The issue's test of done: on the site make install set up, an operator
# who logged in and runs sudo camctl is recorded as the operator (the
# kernel's login uid, which sudo keeps), as root.
SUDOERS=/etc/sudoers.d/camkit-t42-$$
trap 'rm -f "$SUDOERS" && cleanup' EXIT
expect_success 'an operator'"'"'s sudo camctl and camextract: the operator in git log, the audit trail and camaudit access, as root' '
	{ command -v sudo >/dev/null || skip_test "sudo is not installed"; } &&
	{ sh -c "echo 1 >/proc/self/loginuid" 2>/dev/null ||
	    skip_test "/proc/self/loginuid cannot be written here"; } &&
	op=$(acct operator) && ou=$(id -u "$op") && og=$(id -g "$op") &&
	echo "$op ALL=(root) NOPASSWD: ALL" >"$SUDOERS" &&
	chmod 440 "$SUDOERS" &&
	as_op="echo $ou >/proc/self/loginuid && exec setpriv --reuid=$ou --regid=$og --init-groups env -i LANG=C.UTF-8 PATH=/usr/bin:/bin HOME=/nonexistent sudo -n" &&
	sh -c "$as_op $I/bin/camctl -C $S camera add c-sudo --url rtsp://127.0.0.1:8554/sudo" >out 2>err ||
	    { cat err && rm -f "$SUDOERS" && false; } &&
	# A new request: extracted, custody names the operator as root.
	(cd req && request R43 $(cat ../window) && sign R43.yaml director) &&
	chmod 644 req/R43* &&
	sh -c "$as_op $I/bin/camextract -C $S run $T/req/R43.yaml -o $T/exports/R43.tar" >out 2>err ||
	    { cat err && rm -f "$SUDOERS" && false; } &&
	tar -xOf exports/R43.tar custody.json >custody.json &&
	jq -e --arg op "$op" --argjson ou "$ou" ".extraction.by == \$op and .extraction.uid == \$ou and .extraction.as == \"root\" and .extraction.as_uid == 0" custody.json >/dev/null &&
	# The request was used once already: refused, and so listed.
	must_fail 1 sh -c "$as_op $I/bin/camextract -C $S run $T/req/R42.yaml -o $T/R42-again.tar" >out 2>err ||
	    { cat err && rm -f "$SUDOERS" && false; } &&
	rm "$SUDOERS" &&
	test ! -e R42-again.tar &&
	test "$(git -C "$S" log -1 --format="%an|%cn|%s")" = "$op|root|camera add c-sudo" &&
	grep "\"camera add\"" "$D/audit.journal" | tail -1 | cut -f6 >rec &&
	jq -e --arg op "$op" --argjson ou "$ou" ".actor == \$op and .uid == \$ou and .as == \"root\" and .as_uid == 0" rec >/dev/null &&
	"$I/bin/camaudit" -C "$S" access >acc &&
	tail -1 acc >line &&
	cat line &&
	grep -q "	$op (as root)	camextract run	R42	refused	" line
'

expect_success 'a guard'"'"'s shift end seals out of the box (the service account reads the site key)' '
	git -C "$S" rev-parse -q --verify refs/camkit/witness/$(hostname -s) >w.before || test $? = 1 &&
	run guard "$I/bin/camlog" -C "$S" shift start >/dev/null &&
	run guard "$I/bin/camlog" -C "$S" shift end >out 2>err &&
	hasnt "Permission denied" err &&
	grep -q "	seal	" "$D/logbook.journal" &&
	test "$(git -C "$S" rev-parse refs/camkit/witness/$(hostname -s))" != "$(cat w.before)"
'

expect_success 'user rm and a change of role take the memberships back' '
	op=$(acct operator) au=$(acct auditor) &&
	"$I/bin/camctl" -C "$S" user rm $au >out 2>err &&
	has "gpasswd -d $au camkit-audit" out &&
	! id -nG $au | grep -qw camkit-audit &&
	"$I/bin/camctl" -C "$S" user add $op --role guard >out &&
	id -nG $op | grep -qw camkit-audit &&
	"$I/bin/camctl" -C "$S" user rm $op --role operator >out &&
	has "gpasswd -d $op camkit-audit" out &&
	! id -nG $op | grep -qw camkit-audit
'

expect_success 'an operator (not root) adds a user: recorded, and told what the administrator must run' '
	"$I/bin/camctl" -C "$S" user add "$(acct auditor)" --role operator >/dev/null &&
	id -nG "$(acct auditor)" | grep -qw camkit-audit &&
	run auditor "$I/bin/camctl" -C "$S" user add "$(acct department)" --role auditor >out 2>err &&
	has "is recorded, but its groups need the superuser" err &&
	has "^/usr/sbin/usermod -a -G camkit-audit $(acct department)$" err &&
	! id -nG "$(acct department)" | grep -qw camkit-audit &&
	"$I/bin/camctl" -C "$S" user list >users &&
	has "^$(acct department)	department,auditor$" users
'

expect_success 'the matrix: written from the cells, the same as tests/README'"'"'s' '
	{
		printf "| program verb |" &&
		for r in $ROLES; do printf " %s |" "$r" || exit 1; done &&
		printf "\n|---|" &&
		for r in $ROLES; do printf "%s" "---|" || exit 1; done &&
		printf "\n" &&
		cut -f1 cells | awk "!seen[\$0]++" | while read -r verb; do
			printf "| %s |" "$verb" &&
			for r in $ROLES; do
				printf " %s |" "$(awk -F "	" -v v="$verb" -v r="$r" "\$1 == v && \$2 == r { print \$3 }" cells)" || exit 1
			done &&
			printf "\n" || exit 1
		done
	} >matrix.md &&
	if [ -n "${CAMKIT_ROLES_MATRIX:-}" ]; then cp matrix.md "$CAMKIT_ROLES_MATRIX"; fi &&
	sed -n "/^<!-- roles-matrix: begin/,/^<!-- roles-matrix: end/p" "$CAMKIT_TOP/tests/README" |
	    sed "1d;\$d" >committed &&
	diff -u committed matrix.md
'

done_testing
