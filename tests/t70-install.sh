# make install honours PREFIX and DESTDIR and installs what it says.
. "$CAMKIT_TOP/tests/lib.sh"

# make install builds what is out of date into the build directory the
# other test files are running from: refuse rather than relink their
# programs under them (a run once failed so, with "Permission denied").
expect_success 'make install DESTDIR=... PREFIX=/usr' '
	if ! make -s -q -C "$CAMKIT_TOP" all; then
		echo "the build is older than its sources: make all first" &&
		exit 1
	fi &&
	if ! make -s -C "$CAMKIT_TOP" install DESTDIR="$T/root" PREFIX=/usr >log 2>&1; then
		cat log
		exit 1
	fi &&
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
	test "$(stat -c "%U %a" root/var/lib/camkit)" = "$svc 750" &&
	test "$(stat -c "%U %G %a" root/usr/bin/camlog)" = "$svc $(id -gn $svc) 6755"
'

done_testing
