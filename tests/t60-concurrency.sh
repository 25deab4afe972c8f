# Several camctl processes at once: every change lands, history stays valid.
. "$CAMKIT_TOP/tests/lib.sh"

camctl -C site init --site Test --host rec1 >/dev/null && test_root site
N=12

expect_success "$N camera adds at once all land, one commit each" '
	for i in $(seq $N); do
		camctl -C site camera add "cam$i" --url "rtsp://10.0.1.$i/ch1" \
		    >"out.$i" 2>"err.$i" &
	done &&
	fails=0 &&
	for job in $(jobs -p); do
		{ wait "$job" || fails=$((fails + 1)); } || exit 1
	done &&
	test "$fails" = 0 || { cat err.*; false; } &&
	test "$(camctl -C site camera list | wc -l)" = "$N" &&
	test "$(git -C site rev-list --count HEAD)" = $((N + 2)) &&
	git -C site log --format=%s | grep -c "^camera add cam" | grep -qx "$N"
'

expect_success 'the repository is consistent (git fsck, clean tree, check)' '
	git -C site fsck --strict 2>&1 | { ! grep -i error; } &&
	test -z "$(git -C site status --porcelain)" &&
	camctl -C site check >/dev/null
'

expect_success 'mixed writers (users, cameras, hand commit) and readers' '
	for i in $(seq 6); do
		camctl -C site user add --no-check "user$i" --role guard >/dev/null 2>&1 &
		camctl -C site camera set "cam$i" segment=30s >/dev/null 2>&1 &
		camctl -C site history >/dev/null 2>&1 &
	done &&
	fails=0 &&
	for job in $(jobs -p); do
		{ wait "$job" || fails=$((fails + 1)); } || exit 1
	done &&
	test "$fails" = 0 &&
	test "$(camctl -C site user list | wc -l)" = 6 &&
	test "$(camctl -C site camera list | grep -c "	30s	")" = 6 &&
	git -C site fsck --strict 2>&1 | { ! grep -i error; } &&
	test -z "$(git -C site status --porcelain)"
'

done_testing
