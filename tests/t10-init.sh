# camctl init, the repository it makes, the common interface.
. "$CAMKIT_TOP/tests/lib.sh"

expect_success 'init creates a git repository with a starter camkit.yaml' '
	camctl -C site init --site "Sở GD&ĐT Ninh Bình" --host rec1 >out &&
	has "^initialised site" out &&
	test -d site/.git && test -f site/camkit.yaml &&
	git -C site log --format="%an|%s" >log &&
	test "$(cat log)" = "$(id -un)|init" &&
	test -z "$(git -C site status --porcelain)"
'

expect_success 'the starter file is commented, valid and holds the given site' '
	has "^# camkit.yaml" site/camkit.yaml &&
	has "name: \"Sở GD&ĐT Ninh Bình\"" site/camkit.yaml &&
	has "host: rec1" site/camkit.yaml &&
	camctl -C site check >out &&
	has "^in force	[0-9a-f]{12}	0 cameras	0 users$" out
'

expect_success 'private/ exists, mode 0700, ignored by git' '
	test "$(stat -c %a site/private)" = 700 &&
	git -C site check-ignore -q private/x &&
	git -C site ls-files >files &&
	printf ".gitignore\ncamkit.yaml\n" >want && cmp_text want files
'

expect_success 'init refuses an existing repository and changes nothing' '
	before=$(git -C site rev-parse HEAD) &&
	must_fail 1 camctl -C site init 2>err &&
	has "already a configuration repository" err &&
	test "$(git -C site rev-parse HEAD)" = "$before"
'

expect_success 'init refuses an unknown time zone and creates nothing' '
	must_fail 1 camctl -C bad init --timezone Mars/Olympus 2>err &&
	has "unknown time zone" err &&
	test ! -e bad/.git
'

expect_success 'CAMKIT_DIR is used when -C is not given' '
	CAMKIT_DIR=$T/site camctl check >out &&
	has "^in force" out
'

expect_success 'a directory that is not a site is a clear error' '
	mkdir empty &&
	must_fail 1 camctl -C empty check 2>err &&
	has "^camctl: empty: not a camkit configuration directory" err
'

expect_success 'usage errors exit 2 and print the synopsis' '
	must_fail 2 camctl 2>err && has "^usage: camctl" err &&
	must_fail 2 camctl -C site frobnicate 2>err &&
	has "unknown verb \"frobnicate\"" err &&
	must_fail 2 camctl -C site camera add 2>err &&
	must_fail 2 camctl -C site history -n zero 2>err &&
	must_fail 2 camctl -C site commit 2>err
'

expect_success '--help and --version' '
	camctl --help >out && has "^usage: camctl \[-C dir\] init" out &&
	camctl --version >out && has "^camctl [0-9]+\.[0-9]+\.[0-9]+$" out
'

# usage() against each SYNOPSIS: tests/t11-usage.sh.

expect_success 'init refuses a non-empty directory and writes nothing' '
	mkdir full && echo keep >full/notes.txt &&
	must_fail 1 camctl -C full init 2>err &&
	has "full: not empty" err &&
	test ! -e full/.git && test ! -e full/camkit.yaml &&
	mkdir empty2 && camctl -C empty2 init >/dev/null
'

done_testing
