# make install honours PREFIX and DESTDIR and installs what it says.
. "$CAMKIT_TOP/tests/lib.sh"

expect_success 'make install DESTDIR=... PREFIX=/usr' '
	make -s -C "$CAMKIT_TOP" install DESTDIR="$T/root" PREFIX=/usr >log 2>&1 ||
	    { cat log; false; }
	test -x root/usr/bin/camctl &&
	test -f root/usr/share/man/man1/camctl.1 &&
	test -f root/usr/share/man/man5/camkit.yaml.5 &&
	test -f root/usr/share/camkit/examples/camkit.yaml &&
	root/usr/bin/camctl --version | grep -q "^camctl "
'

expect_success 'the installed camctl works on its own' '
	root/usr/bin/camctl -C site init --site Installed >/dev/null &&
	root/usr/bin/camctl -C site check >/dev/null
'

done_testing
