# make install honours PREFIX and DESTDIR and installs what it says.
. "$CAMKIT_TOP/tests/lib.sh"

# make install builds what is out of date into the build directory the
# other test files are running from: refuse rather than relink their
# programs under them (a run once failed so, with "Permission denied").
expect_success 'make install DESTDIR=... PREFIX=/usr' '
	install_into "$T/root" &&
	test -x root/usr/bin/camctl &&
	cmp "$CAMKIT_TOP/conf/camkit.yaml" root/usr/share/camkit/camkit.yaml &&
	cmp "$CAMKIT_TOP/examples/request.yaml" root/usr/share/camkit/examples/request.yaml &&
	test -f root/usr/share/man/man1/camctl.1 &&
	test -f root/usr/share/man/man5/camkit.yaml.5 &&
	test -f root/usr/share/camkit/examples/camkit.yaml &&
	cmp "$CAMKIT_TOP/conf/camera-defaults" root/usr/share/camkit/camera-defaults &&
	root/usr/bin/camctl --version | grep -q "^camctl "
'

expect_success 'the installed camctl works on its own' '
	root/usr/bin/camctl -C site init --site Installed >/dev/null &&
	root/usr/bin/camctl -C site check >/dev/null
'

expect_success 'install-privileges: the service account owns the data root, camlog is set-user-id to it' '
	{ can_add_users || skip_test "needs root and useradd"; } &&
	svc=ckinst-$$ && echo $svc >>"$T.users" &&
	users_locked make -s -C "$CAMKIT_TOP" install-privileges DESTDIR="$T/root" PREFIX=/usr \
	    SERVICE_USER=$svc STATEDIR=/var/lib/camkit >log 2>&1 || { cat log; false; } &&
	getent passwd $svc >/dev/null &&
	test "$(stat -c "%U %G %a" root/var/lib/camkit)" = "$svc camkit-audit 2750" &&
	getent group camkit-audit >/dev/null &&
	for p in camctl camextract camlog; do
		test "$(stat -c "%U %G %a" root/usr/bin/$p)" = "$svc $(id -gn $svc) 6755" || exit 1
	done &&
	for p in camrec camaudit camview; do
		test "$(stat -c "%U %a" root/usr/bin/$p)" = "root 755" || exit 1
	done
'

# make; make install PREFIX=... SERVICE_USER=...: nothing is rebuilt, and
# the units and cron lines name the installed programs and the chosen
# account, found by the installed camctl itself (README, "Install").
expect_success 'make install PREFIX=... SERVICE_USER=...: nothing rebuilt; units name the installed paths and the account' '
	{ can_add_users || skip_test "needs root and useradd"; } &&
	svc=ckun-$$ && temp_account $svc &&
	chmod 711 "$T" &&
	users_locked make -s -C "$CAMKIT_TOP" install PREFIX="$T/pfx" DESTDIR= \
	    SERVICE_USER=$svc STATEDIR="$T/state" SYSCONFDIR="$T/etc" >log 2>&1 ||
	    { cat log; false; } &&
	make -s -q -C "$CAMKIT_TOP" all &&
	test "$(stat -c "%U %a" "$T/pfx/bin/camctl")" = "$svc 6755" &&
	test "$(stat -c "%U %G %a" "$T/state")" = "$svc camkit-audit 2750" &&
	"$T/pfx/bin/camctl" -C "$T/etc/camkit" init --site Units --storage "$T/state" >out 2>&1 &&
	test "$(stat -c %U "$T/etc/camkit/camkit.yaml" "$T/etc/camkit/private")" = "$svc
$svc" &&
	"$T/pfx/bin/camctl" -C "$T/etc/camkit" camera add gate --url rtsp://127.0.0.1:9/gate >/dev/null &&
	"$T/pfx/bin/camctl" -C "$T/etc/camkit" units --output units >out 2>err &&
	has "^ExecStart=$T/pfx/bin/camrec record %i$" units/camrec@.service &&
	has "^ExecStart=$T/pfx/bin/camctl seal$" units/camkit-seal.service &&
	has "^ExecStart=$T/pfx/bin/camview serve$" units/camview.service &&
	for u in camrec@ camrec-prune camkit-seal camview; do
		has "^User=$svc$" units/$u.service &&
		has "^Group=$(id -gn $svc)$" units/$u.service || exit 1
	done &&
	hasnt "/usr/local|User=camkit|@[A-Z]+@" units/camrec@.service &&
	"$T/pfx/bin/camctl" -C "$T/etc/camkit" units --cron --output cron >out 2>err &&
	has "^\* \* \* \* \* $svc flock -n .* $T/pfx/bin/camrec record gate$" cron/camkit &&
	has "^17 \* \* \* \* $svc $T/pfx/bin/camrec prune$" cron/camkit &&
	has "^47 \* \* \* \* $svc $T/pfx/bin/camctl seal" cron/camkit &&
	hasnt "@[A-Z]+@" cron/camkit
'

done_testing
