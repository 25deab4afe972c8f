# The person in every record: the kernel's login uid, kept through sudo
# and su, names who acted in the audit trail, the commit author, the
# logbook and the witness of a seal; the account the program ran as is
# recorded beside it when another.  With no login uid (a service, cron)
# the real user is recorded, marked "login":false.  Nothing the caller
# sets ($USER, $SUDO_USER, $LOGNAME) changes it, and no git
# configuration of the caller's is read (a HOME it cannot read).
. "$CAMKIT_TOP/tests/lib.sh"

AUDIT=$T/site.store/audit.journal
LB=$T/site.store/logbook.journal
SUDOERS=/etc/sudoers.d/camkit-test-$$
trap 'rm -f "$SUDOERS" && cleanup' EXIT

can_add_users || skip_all "needs root, useradd and setpriv"

# login UID CMD...: run CMD with the kernel's login uid set to UID (root
# may set it in a process of its own; sudo and su keep it).
login() {
	sh -c 'echo "$0" >/proc/self/loginuid && exec "$@"' "$@"
}
# login_as UID USER CMD...: the same, run as USER (as, for login's exec).
login_as() {
	local l=$1 u=$2 &&
	shift 2 &&
	login "$l" setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups \
	    env HOME=/nonexistent PATH="$PATH" "$@"
}
# Can this process set a child's login uid?  Else the cases that need
# one are skipped.
can_login() {
	login 4294967295 true 2>/dev/null &&
	login 1 true 2>/dev/null ||
	    skip_test "/proc/self/loginuid cannot be written here"
}
# last FILE: the DATA of FILE's last record.
last() {
	tail -n 1 "$1" | cut -f6
}

expect_success 'setup: a site, a person, another account, a guard, the set-id helper' '
	p=ckp-$$ o=cko-$$ g=ckg-$$ svc=cks-$$ &&
	echo "p=$p o=$o g=$g svc=$svc" >users &&
	temp_user $p && temp_user $o && temp_account $g && temp_account $svc &&
	chmod 711 "$T" &&
	recording_site site && pki_site site &&
	camctl -C site user add $g --role guard >/dev/null &&
	audit_helper site &&
	chown -R $svc:$svc site.store &&
	echo "$(id -u $p) $(id -u $o) $(id -u $g)" >uids
'
. "$T/users"
read -r P O G <"$T/uids"
CAMKIT_BINDIR=$T/sbin
export CAMKIT_BINDIR
HOST=$(hostname)

expect_success 'root, logged in as a person: the commit, the trail and camaudit name the person, as root' '
	can_login &&
	login $P camctl -C site camera add gate --url rtsp://127.0.0.1:8554/gate >/dev/null &&
	git -C site log -1 --format="%an <%ae>|%cn <%ce>" >who &&
	test "$(cat who)" = "$p <$p@$HOST>|root <root@$HOST>" &&
	last "$AUDIT" >rec &&
	jq -e --arg p $p --argjson uid $P ".actor == \$p and .uid == \$uid and .as == \"root\" and .as_uid == 0 and (has(\"login\") | not) and .verb == \"camera add\" and .outcome == \"granted\"" rec >/dev/null
'

expect_success 'the logbook and a seal name the person too' '
	can_login &&
	login $P camlog -C site add "the gate is open" >/dev/null &&
	last "$LB" | jq -e --arg p $p --argjson uid $P ".author == \$p and .uid == \$uid and .as == \"root\" and .as_uid == 0 and .text == \"the gate is open\"" >/dev/null &&
	camlog -C site list >out &&
	has "	$p	note	the gate is open$" out &&
	login $P camctl -C site seal >out &&
	has "^sealed	" out &&
	git -C site log -1 --format="%an|%cn" refs/camkit/witness/$(hostname -s) >who &&
	test "$(cat who)" = "$p|root" &&
	last "$AUDIT" | jq -e --arg p $p ".actor == \$p and .as == \"root\" and .verb == \"seal\"" >/dev/null
'

expect_success 'su to another account: rights are that account'"'"'s, the record names the person as it; camaudit access shows both' '
	can_login &&
	n=$(wc -l <"$AUDIT") &&
	git -C site rev-parse HEAD >head.before &&
	must_fail 1 login_as $P $o camctl -C "$T/site" camera rm gate 2>err >/dev/null &&
	has "^camctl: camera rm: refused: $o is not a user of this site" err &&
	hasnt "not in the audit trail" err &&
	git -C site rev-parse HEAD >head.after && cmp_text head.before head.after &&
	test "$(wc -l <"$AUDIT")" = $((n + 1)) &&
	last "$AUDIT" >rec &&
	jq -e --arg p $p --arg o $o --argjson uid $P --argjson ouid $O ".actor == \$p and .uid == \$uid and .as == \$o and .as_uid == \$ouid and .outcome == \"refused\"" rec >/dev/null &&
	camaudit -C site access >acc &&
	has "	$p \\(as $o\\)	camctl camera rm	" acc &&
	camaudit -C site access --json >acc.json &&
	jq -e --arg p $p --arg o $o "[.[] | select(.record.actor == \$p and .record.as == \$o)] | length == 1" acc.json >/dev/null
'

expect_success 'through sudo: recorded as the person who logged in, as root' '
	can_login &&
	{ command -v sudo >/dev/null || skip_test "sudo is not installed"; } &&
	echo "$p ALL=(root) NOPASSWD: ALL" >"$SUDOERS" &&
	chmod 440 "$SUDOERS" &&
	login_as $P $p sudo -n "$CAMKIT_BIN/camctl" -C "$T/site" camera add hall --url rtsp://127.0.0.1:8554/hall >/dev/null &&
	git -C site log -1 --format="%an|%cn|%s" >who &&
	test "$(cat who)" = "$p|root|camera add hall" &&
	last "$AUDIT" | jq -e --arg p $p --argjson uid $P ".actor == \$p and .uid == \$uid and .as == \"root\" and .verb == \"camera add\" and .object == \"camera add hall\"" >/dev/null &&
	rm "$SUDOERS"
'

expect_success '$USER, $SUDO_USER and $LOGNAME change nothing' '
	can_login &&
	login $P env USER=mallory SUDO_USER=mallory LOGNAME=mallory camctl -C site camera add porch --url rtsp://127.0.0.1:8554/porch >/dev/null &&
	git -C site log -1 --format="%an|%cn" >who &&
	test "$(cat who)" = "$p|root" &&
	last "$AUDIT" | jq -e --arg p $p ".actor == \$p and .as == \"root\"" >/dev/null &&
	login 4294967295 env USER=mallory SUDO_USER=$p LOGNAME=mallory camlog -C site add "who am i" >/dev/null &&
	last "$LB" | jq -e ".author == \"root\" and .uid == 0 and .login == false and (has(\"as\") | not)" >/dev/null &&
	hasnt mallory "$AUDIT" && hasnt mallory "$LB" &&
	git -C site log --format="%an %ae %cn %ce" >log &&
	hasnt mallory log
'

expect_success 'no login uid (a service, cron): the real user, marked "login":false' '
	can_login &&
	login 4294967295 camctl -C site camera rm porch >/dev/null &&
	git -C site log -1 --format="%an <%ae>|%cn" >who &&
	test "$(cat who)" = "root <root@$HOST>|root" &&
	last "$AUDIT" | jq -e ".actor == \"root\" and .uid == 0 and .login == false and (has(\"as\") | not) and (has(\"as_uid\") | not)" >/dev/null &&
	login_as 4294967295 $g "$T/sbin/camlog" -C "$T/site" add "night round" >/dev/null &&
	last "$LB" | jq -e --arg g $g --argjson uid $G ".author == \$g and .uid == \$uid and .login == false and (has(\"as\") | not)" >/dev/null
'

expect_success 'a guard logged in as itself, through the set-id helper: no "as", no mark' '
	can_login &&
	login_as $G $g "$T/sbin/camlog" -C "$T/site" add "all quiet" >/dev/null &&
	last "$LB" | jq -e --arg g $g --argjson uid $G ".author == \$g and .uid == \$uid and (has(\"as\") | not) and (has(\"login\") | not)" >/dev/null
'

expect_success 'the helper: a record naming the account it ran as, or its login, is refused, not written' '
	for key in "\"as\":\"root\"" "\"as_uid\":0" "\"login\":true"; do
		n=$(wc -l <"$AUDIT") &&
		printf "{%s,\"program\":\"camctl\",\"verb\":\"camera rm\",\"object\":\"gate\",\"outcome\":\"granted\"}" "$key" |
		    must_fail 1 as $g "$T/sbin/camlog" -C "$T/site" audit-record 2>err &&
		has "^camlog: audit-record: refused: the record names the account it ran as or its login" err &&
		test "$(wc -l <"$AUDIT")" = $((n + 1)) &&
		last "$AUDIT" | jq -e --arg g $g ".actor == \$g and .verb == \"audit-record\" and .outcome == \"refused\"" >/dev/null || return 1
	done &&
	hasnt "\"verb\":\"camera rm\",\"object\":\"gate\",\"outcome\":\"granted\"" "$AUDIT"
'

expect_success 'a HOME the user cannot read (su without -): camctl status and camlog work, no git configuration read' '
	{ test "$(stat -c %a /root)" = 700 || skip_test "/root is readable by others here"; } &&
	must_fail 1 as $g env HOME=/root XDG_CONFIG_HOME=/root/.config camctl -C "$T/site" status >out 2>err &&
	has "^gate	stopped	" out &&
	has "^camctl: 2 cameras without a recent segment$" err &&
	hasnt "gitconfig" err &&
	as $g env HOME=/root "$T/sbin/camlog" -C "$T/site" list >out 2>err &&
	has "all quiet" out &&
	hasnt "gitconfig" err &&
	as $g env HOME=/root "$T/sbin/camlog" -C "$T/site" add "relieved" >/dev/null 2>err &&
	hasnt "gitconfig" err &&
	last "$LB" | jq -e --arg g $g ".author == \$g and .text == \"relieved\"" >/dev/null
'

expect_success 'the trail is one unbroken chain' '
	chain_ok "$AUDIT" &&
	chain_ok "$LB"
'

done_testing
