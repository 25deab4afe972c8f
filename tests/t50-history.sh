# camctl history, diff, revert, check: only HEAD is in force.
. "$CAMKIT_TOP/tests/lib.sh"

camctl -C site init --site Test --host rec1 >/dev/null && test_root site
camctl -C site camera add gate --url rtsp://10.0.0.21/ch1 >/dev/null
camctl -C site camera add hall --url rtsp://10.0.0.22/ch1 >/dev/null
camctl -C site user add --no-check nguyenvana --role guard >/dev/null

expect_success 'history: newest first, id, local time, author, message' '
	camctl -C site history >out &&
	test "$(wc -l <out)" = 5 &&
	cut -f4 out >msgs &&
	printf "user add nguyenvana guard\ncamera add hall\ncamera add gate\nstorage for the tests\ninit\n" >want &&
	cmp_text want msgs &&
	has "^[0-9a-f]{12}	[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\+07:00	$(id -un)	" out &&
	git -C site log --format=%h --abbrev=12 >ids && cut -f1 out | cmp_text ids -
'

expect_success 'history -n and --json' '
	camctl -C site history -n 2 >out && test "$(wc -l <out)" = 2 &&
	camctl -C site history --json >j &&
	test "$(jq length j)" = 5 &&
	test "$(jq -r ".[4].message" j)" = init &&
	test "$(jq -r ".[0].commit" j)" = "$(git -C site rev-parse HEAD)" &&
	test "$(jq -r ".[0].author" j)" = "$(id -un)"
'

expect_success 'check passes on a clean site' '
	camctl -C site check >out &&
	has "^in force	[0-9a-f]{12}	2 cameras	1 user$" out
'

expect_success 'check flags uncommitted edits with exit 1 and lists them' '
	sed -i "s/^  retention_days: 30/  retention_days: 60/" site/camkit.yaml &&
	mkdir -p site/trust && echo x >site/trust/new.txt &&
	must_fail 1 camctl -C site check >out 2>err &&
	has "^uncommitted	modified	camkit.yaml$" out &&
	has "^uncommitted	new	trust/new.txt$" out &&
	has "2 uncommitted changes, not in force" err
'

expect_success 'check also says whether the edited file would pass' '
	sed -i "s/^  retention_days: 60/  retention_days: sixty/" site/camkit.yaml &&
	must_fail 1 camctl -C site check >out 2>err &&
	has "site/camkit.yaml:[0-9]+:[0-9]+: storage: \"retention_days\" must be" err
'

expect_success 'programs read HEAD, not the edited file' '
	sed -i "s|^  - id: hall|  - id: lobby|" site/camkit.yaml &&
	camctl -C site camera list | cut -f1 >ids &&
	printf "gate\nhall\n" >want && cmp_text want ids
'

expect_success 'diff without a revision shows the uncommitted edits' '
	camctl -C site diff >d &&
	has "^-  retention_days: 30" d &&
	has "^\+  retention_days: sixty" d &&
	has "^\+x$" d &&
	git -C site checkout -q camkit.yaml && rm -rf site/trust &&
	test -z "$(camctl -C site diff)" &&
	camctl -C site check >/dev/null
'

expect_success 'diff REV shows what changed since REV' '
	camctl -C site diff HEAD~2 >d &&
	has "^\+  - id: hall" d &&
	has "^\+  nguyenvana: \[guard\]" d &&
	hasnt "^\+.*id: gate" d &&
	must_fail 1 camctl -C site diff no-such-rev 2>err &&
	has "unknown revision \"no-such-rev\"" err
'

expect_success 'revert makes a new commit that undoes one change' '
	rev=$(git -C site rev-parse HEAD~1) &&
	camctl -C site revert "$rev" >out &&
	short=$(git -C site rev-parse --short=9 "$rev") &&
	has "^committed	[0-9a-f]{12}	revert $short: camera add hall$" out &&
	git -C site log -1 --format=%s | grep -qx "revert $short: camera add hall" &&
	camctl -C site camera list | cut -f1 >ids &&
	printf "gate\n" >want && cmp_text want ids &&
	camctl -C site user list | grep -q nguyenvana &&
	test "$(git -C site rev-list --count HEAD)" = 6 &&
	test -z "$(git -C site status --porcelain)"
'

expect_success 'reverting the revert restores the camera' '
	camctl -C site revert HEAD >/dev/null &&
	camctl -C site camera list | cut -f1 >ids &&
	printf "gate\nhall\n" >want && cmp_text want ids
'

expect_success 'a revert that would leave an invalid configuration is refused' '
	camctl -C site camera add dup --url rtsp://10.0.0.23/ch1 >/dev/null &&
	sed -i "s/^  - id: dup/  - id: gate2/" site/camkit.yaml &&
	camctl -C site commit -m "rename dup" >/dev/null &&
	sed -i "s/^  - id: gate2/  - id: gate3/" site/camkit.yaml &&
	camctl -C site commit -m "rename again" >/dev/null &&
	n=$(git -C site rev-list --count HEAD) &&
	must_fail 1 camctl -C site revert HEAD~1 2>err &&
	has "cannot revert .* cleanly" err &&
	test "$(git -C site rev-list --count HEAD)" = "$n" &&
	test -z "$(git -C site status --porcelain)"
'

expect_success 'revert needs a clean working tree and a real revision' '
	echo "# edit" >>site/camkit.yaml &&
	must_fail 1 camctl -C site revert HEAD 2>err &&
	has "uncommitted changes" err &&
	git -C site checkout -q camkit.yaml &&
	must_fail 1 camctl -C site revert nope 2>err &&
	has "unknown revision" err &&
	must_fail 1 camctl -C site revert "$(git -C site rev-list --max-parents=0 HEAD)" 2>err &&
	has "is the first commit" err
'

expect_success 'a commit made behind camctl with plain git is caught by check' '
	sed -i "s/^  retention_days: 30/  retention_days: -5/" site/camkit.yaml &&
	git -C site commit -qam "sneaky edit" &&
	must_fail 1 camctl -C site check 2>err &&
	has "site/camkit.yaml:[0-9]+:[0-9]+: storage: \"retention_days\" must be a whole number" err &&
	must_fail 1 camctl -C site camera list 2>err
'

expect_success 'the history stays readable by git fsck' '
	git -C site fsck --strict 2>&1 | { ! grep -i error; }
'

expect_success 'history still works when the commit in force is invalid' '
	camctl -C site history >out 2>err &&
	has "sneaky edit" out &&
	has "times are shown in UTC" err &&
	has "[0-9]{2}:[0-9]{2}:[0-9]{2}\+00:00	" out
'

expect_success 'a fixed file committed with camctl repairs the site' '
	sed -i "s/^  retention_days: -5/  retention_days: 30/" site/camkit.yaml &&
	camctl -C site commit -m "fix retention" >/dev/null &&
	camctl -C site check >/dev/null
'

expect_success 'changes staged by hand with git add are not swept into a camctl commit' '
	mkdir -p site/notes && echo x >site/notes/a.txt && git -C site add notes/a.txt &&
	n=$(git -C site rev-list --count HEAD) &&
	must_fail 1 camctl -C site camera add cam9 --url rtsp://10.0.0.9/x 2>err &&
	has "notes/a.txt is staged with git add" err &&
	test "$(git -C site rev-list --count HEAD)" = "$n" &&
	git -C site diff --cached --name-only | grep -qx notes/a.txt &&
	git -C site diff --quiet camkit.yaml &&
	git -C site reset -q && rm -rf site/notes
'

done_testing
