# camctl killed (SIGKILL) at random moments: the history stays valid, the
# configuration in force stays valid, and a change caught half-way is
# either not there or waiting, intact, to be committed.
. "$CAMKIT_TOP/tests/lib.sh"

camctl -C site init --site Test --host rec1 >/dev/null && test_root site
ROUNDS=40

expect_success "$ROUNDS camctl runs killed at random moments lose nothing" '
	recovered=0 landed=0 stale=0 &&
	for i in $(seq $ROUNDS); do
		camctl -C site camera add "c$i" --url "rtsp://10.0.2.$i/x" \
		    >/dev/null 2>&1 &
		pid=$! &&
		sleep "0.0$((RANDOM % 3))$((RANDOM % 10))" &&
		kill_any "$pid" &&
		! git -C site fsck --strict 2>&1 | grep -i error &&
		camctl -C site camera list >/dev/null || exit 1
		# A git lock file left by the kill is reported by check and
		# removed by the operator, as check tells.
		if camctl -C site check 2>err | grep "^lock	" >locks; then
			grep -q "if no git command is running, remove them" err ||
			    exit 1
			cut -f2 locks | xargs rm -f &&
			stale=$((stale + 1))
		fi &&
		st=$(git -C site status --porcelain) &&
		if [ -n "$st" ]; then
			# Only camkit.yaml may be caught half-way, and it must
			# hold the whole change, valid.
			test "$(echo "$st" | awk "{print \$2}")" = camkit.yaml || {
				echo "round $i: $st" >&2; exit 1; }
			grep -q "^  - id: c$i$" site/camkit.yaml || exit 1
			camctl -C site commit -m "recover c$i" >/dev/null || exit 1
			recovered=$((recovered + 1))
		fi &&
		if camctl -C site camera show "c$i" >/dev/null 2>&1; then
			landed=$((landed + 1))
		fi || exit 1
	done &&
	echo "# $landed of $ROUNDS landed, $recovered finished by camctl commit, $stale stale git locks" &&
	test -z "$(git -C site status --porcelain)" &&
	test "$(camctl -C site camera list | wc -l)" = "$landed" &&
	camctl -C site check >/dev/null
'

expect_success 'no temporary file is left where it could be committed' '
	test -z "$(git -C site ls-files | grep tmp)" &&
	camctl -C site camera add after --url rtsp://10.0.3.1/x >/dev/null
'

expect_success 'a stale git lock: a clear message, nothing changed, check reports it' '
	touch site/.git/index.lock &&
	n=$(git -C site rev-list --count HEAD) &&
	must_fail 3 camctl -C site camera add late --url rtsp://10.0.3.2/x 2>err &&
	has "index.lock exists: a git command is running here, or one was killed" err &&
	test "$(git -C site rev-list --count HEAD)" = "$n" &&
	test -z "$(git -C site status --porcelain)" &&
	must_fail 1 camctl -C site check >out 2>err &&
	has "^lock	site/.git/index.lock$" out &&
	rm site/.git/index.lock && camctl -C site check >/dev/null
'

done_testing
