# camctl sync: two recorder hosts (rec1, rec2: two sites on this machine,
# each run in a UTS and mount namespace of its own, so that gethostname()
# names the host and each has its own data root) share one central
# repository.  Fast-forwards are taken and the cameras that changed for
# the host listed; a rewritten or diverged history and an invalid
# central camkit.yaml are refused with nothing changed; each host's
# witness is pushed to its own ref; a camera moved from rec1 to rec2
# with both recorders running is handed over at a segment boundary, the
# gap shows on both hosts, and a camera that did not change keeps its
# recorder.
. "$CAMKIT_TOP/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for unshare --uts --mount"
mkdir -p "$T/store" "$T/probe.store" &&
unshare --uts --mount sh -c 'hostname probe && mount --bind "$1/probe.store" "$1/store"' sh "$T" 2>/dev/null ||
    skip_all "unshare --uts --mount or hostname fails here"

# on HOST CMD...: CMD as run on recorder HOST: its host name, and its
# data root $T/store being $T/HOST.store.
on() {
	local h=$1 &&
	shift &&
	unshare --uts --mount sh -c 'hostname "$1" && mount --bind "$2/$1.store" "$2/store" && shift 2 && exec "$@"' sh "$h" "$T" "$@"
}

# The seed: a site whose configuration goes to the centre.  No site
# host (each camera names its own), the data root $T/store, the live
# sockets under it (so per host), the demo PKI for seals.
camctl -C seed init --site Test >/dev/null 2>&1
sed -i "s|^  root: /var/lib/camkit |  root: $T/store|; /^  host: /d" seed/camkit.yaml
printf "view:\n  run_dir: %s/store/run\n" "$T" >>seed/camkit.yaml
camctl -C seed commit -m "storage, no site host" >/dev/null
pki_site seed
mkdir -p rec1.store/run rec2.store/run
git init -q --bare -b main central.git
git -C seed push -q ../central.git HEAD:main
for h in rec1 rec2; do
	git clone -q central.git $h &&
	mkdir -m 700 $h/private &&
	cp -p seed/private/site.key seed/private/site.crt $h/private/
done
start_camera c1 --live
start_camera c2 --live
start_camera c3 --live
camctl -C seed camera add cam1 --url "$(camera_url c1)" --host rec1 --segment 5s >/dev/null
camctl -C seed camera add cam2 --url "$(camera_url c2)" --host rec1 --segment 5s >/dev/null
camctl -C seed camera add cam3 --url "$(camera_url c3)" --host rec2 --segment 5s >/dev/null
git -C seed push -q ../central.git HEAD:main

expect_success 'a fast-forward is taken; each host lists its own cameras' '
	on rec1 camctl -C rec1 sync >out1 &&
	has "^took [0-9a-f]{12} from origin main \(was [0-9a-f]{12}\)$" out1 &&
	has "^camera cam1: added, start its recorder$" out1 &&
	has "^camera cam2: added, start its recorder$" out1 &&
	hasnt "cam3" out1 &&
	on rec2 camctl -C rec2 sync >out2 &&
	has "^camera cam3: added, start its recorder$" out2 &&
	hasnt "cam[12]" out2 &&
	test "$(git -C rec1 rev-parse HEAD)" = "$(git -C central.git rev-parse main)" &&
	test "$(git -C rec2 rev-parse HEAD)" = "$(git -C central.git rev-parse main)" &&
	git -C rec1 diff --quiet HEAD &&
	on rec1 camctl -C rec1 sync --json >j &&
	jq -e ".old == .new and .cameras == []" j >/dev/null &&
	cut -f5,6 rec1.store/audit.journal | grep "^audit" | grep "\"verb\":\"sync\"" >trail &&
	test "$(wc -l <trail)" = 2 &&
	has "\"cameras\":\[\{\"id\":\"cam1\",\"change\":\"added\"\}" trail
'

expect_success 'each host seals and pushes its own witness ref' '
	on rec1 camctl -C rec1 seal >/dev/null &&
	on rec2 camctl -C rec2 seal >/dev/null &&
	on rec1 camctl -C rec1 sync >out1 &&
	has "^witness refs/camkit/witness/rec1 pushed to origin$" out1 &&
	on rec2 camctl -C rec2 sync >out2 &&
	has "^witness refs/camkit/witness/rec2 pushed to origin$" out2 &&
	git -C central.git for-each-ref --format="%(refname)" refs/camkit >refs &&
	printf "%s\n" refs/camkit/witness/rec1 refs/camkit/witness/rec2 >want &&
	cmp_text want refs &&
	test "$(git -C central.git rev-parse refs/camkit/witness/rec1)" = "$(git -C rec1 rev-parse refs/camkit/witness/rec1)" &&
	test "$(git -C central.git rev-parse refs/camkit/witness/rec1)" != "$(git -C central.git rev-parse refs/camkit/witness/rec2)" &&
	git -C central.git log --format=%s refs/camkit/witness/rec2 >w2 &&
	has "^camkit-config-1 rec2 " w2 && hasnt " rec1 " w2
'

expect_success 'a rewritten central history is refused, HEAD unchanged' '
	good=$(git -C seed rev-parse HEAD) &&
	head1=$(git -C rec1 rev-parse HEAD) &&
	git -C seed commit -q --amend -m "rewritten" &&
	bad=$(git -C seed rev-parse HEAD) &&
	git -C seed push -q -f ../central.git HEAD:main &&
	must_fail 1 on rec1 camctl -C rec1 sync >out 2>err &&
	has "refused: the history of origin main was rewritten: $bad does not descend from $head1" err &&
	test "$(git -C rec1 rev-parse HEAD)" = "$head1" &&
	git -C rec1 diff --quiet HEAD &&
	git -C seed reset -q --hard "$good" &&
	git -C seed push -q -f ../central.git HEAD:main
'

expect_success 'a diverged history is refused, never merged' '
	head2=$(git -C rec2 rev-parse HEAD) &&
	on rec2 camctl -C rec2 camera set cam3 name=local >/dev/null &&
	mine=$(git -C rec2 rev-parse HEAD) &&
	camctl -C seed camera add cam9 --url "$(camera_url c3)" --host rec9 >/dev/null &&
	git -C seed push -q ../central.git HEAD:main &&
	theirs=$(git -C seed rev-parse HEAD) &&
	must_fail 1 on rec2 camctl -C rec2 sync >out 2>err &&
	has "refused: HEAD $mine and origin main \($theirs\) have diverged \(since $head2\)" err &&
	test "$(git -C rec2 rev-parse HEAD)" = "$mine" &&
	git -C rec2 reset -q --hard "$head2" &&
	on rec2 camctl -C rec2 sync >out &&
	hasnt "^camera" out
'

expect_success 'an invalid camkit.yaml in the centre is refused with file:line' '
	head1=$(git -C rec1 rev-parse HEAD) &&
	git clone -q central.git edit &&
	sed -i "s/^    segment: \"5s\"$/    segment: banana/" edit/camkit.yaml &&
	line=$(grep -n "segment: banana" edit/camkit.yaml | head -1 | cut -d: -f1) &&
	git -C edit commit -q -am "a bad segment" &&
	git -C edit push -q origin HEAD:main &&
	must_fail 1 on rec1 camctl -C rec1 sync >out 2>err &&
	has "refused: the central configuration is not valid" err &&
	has "camkit.yaml:$line:" err &&
	test "$(git -C rec1 rev-parse HEAD)" = "$head1" &&
	git -C edit revert --no-edit HEAD >/dev/null &&
	git -C edit push -q origin HEAD:main &&
	git -C seed pull -q ../central.git main &&
	on rec1 camctl -C rec1 sync >out &&
	hasnt "^camera" out
'

# Recorders: cam1 and cam2 on rec1, cam3 on rec2; each one's exit status
# is written to HOST-CAMERA.rc as it ends.
record() {
	{ { on "$1" camrec -C "$1" record "$2" --for "$3" 2>"$1-$2.err" &&
	    echo 0 || echo $?; } >"$1-$2.rc.tmp" &&
	  mv "$1-$2.rc.tmp" "$1-$2.rc"; } &
}
# camrec_pid HOST CAMERA: the pid of the recorder's last record-start.
camrec_pid() {
	cut -f5,6 "$1.store/$2/manifest" | grep "^record-start" | tail -1 |
	    cut -f2 | jq -r .pid
}
record rec1 cam1 120s
record rec1 cam2 120s
record rec2 cam3 120s
wait_for grep -q "	segment	" rec1.store/cam2/manifest
wait_for grep -q "	segment	" rec1.store/cam1/manifest
wait_for grep -q "	segment	" rec2.store/cam3/manifest
cam1_pid=$(camrec_pid rec1 cam1)
cam3_pid=$(camrec_pid rec2 cam3)

expect_success 'a camera moved from rec1 to rec2 is handed over' '
	camctl -C seed camera set cam2 --host rec2 >/dev/null &&
	git -C seed push -q ../central.git HEAD:main &&
	rev=$(git -C seed rev-parse HEAD) &&
	on rec1 camctl -C rec1 sync >out1 &&
	has "^camera cam2: moved to rec2, stop its recorder \(it also stops by itself at its next segment\)$" out1 &&
	hasnt "cam1" out1 &&
	on rec2 camctl -C rec2 sync >out2 &&
	has "^camera cam2: moved here from rec1, start its recorder$" out2 &&
	hasnt "cam3" out2 &&
	record rec2 cam2 12s &&
	wait_for test -s rec1-cam2.rc &&
	test "$(cat rec1-cam2.rc)" = 0 &&
	cut -f5,6 rec1.store/cam2/manifest | tail -2 >tail1 &&
	has "^handover	\{\"reason\":\"moved\",\"to\":\"rec2\",\"rev\":\"$rev\",\"last_end\":\"" tail1 &&
	has "^record-stop	\{\"reason\":\"handover\"" tail1 &&
	wait_for test -s rec2-cam2.rc &&
	test "$(cat rec2-cam2.rc)" = 0 &&
	cut -f5,6 rec2.store/cam2/manifest >all2 &&
	head -1 all2 | grep -q "^handover	{\"reason\":\"moved\",\"from\":\"rec1\",\"rev\":\"$rev\",\"moved_at\":\"" &&
	has "^segment	" all2 &&
	kill -0 "$cam1_pid" && kill -0 "$cam3_pid" &&
	test "$(manifest_kinds rec1 cam1 | grep -c "^record-start$")" = 1 &&
	manifest_kinds rec1 cam1 >k1 && hasnt "^record-stop$" k1
'

expect_success 'the gap around the handover is in camaudit recordings on each host' '
	on rec1 camaudit -C rec1 recordings --camera cam2 >a1 &&
	has "^ok	gap	cam2: from .*, no footage here since, moved to rec2 at .* \(handover\)$" a1 &&
	on rec2 camaudit -C rec2 recordings --camera cam2 >a2 &&
	has "^ok	gap	cam2: .* to .*, [0-9]+ s, moved from rec1 at .* \(handover\)$" a2 &&
	hasnt "^FAIL" a2
'

expect_success 'the recorders of unchanged cameras kept running through every sync' '
	test "$(camrec_pid rec1 cam1)" = "$cam1_pid" &&
	test "$(camrec_pid rec2 cam3)" = "$cam3_pid" &&
	kill -TERM "$cam1_pid" &&
	wait_for test -s rec1-cam1.rc &&
	test "$(cat rec1-cam1.rc)" = 0 &&
	test "$(manifest_kinds rec1 cam1 | grep -c "^record-start$")" = 1 &&
	test "$(manifest_kinds rec2 cam3 | grep -c "^record-start$")" = 1 &&
	cut -f5,6 rec1.store/cam1/manifest | grep "^record-stop" | grep -q "\"reason\":\"signal\""
'

expect_success 'a recorder stopped (as systemctl stop does) after its camera moved journals the handover' '
	camctl -C seed camera set cam3 --host rec1 >/dev/null &&
	git -C seed push -q ../central.git HEAD:main &&
	on rec2 camctl -C rec2 sync >out2 &&
	has "^camera cam3: moved to rec1, " out2 &&
	kill -TERM "$cam3_pid" &&
	wait_for test -s rec2-cam3.rc &&
	test "$(cat rec2-cam3.rc)" = 0 &&
	cut -f5,6 rec2.store/cam3/manifest | tail -2 >tail3 &&
	has "^handover	\{\"reason\":\"moved\",\"to\":\"rec1\"" tail3 &&
	has "^record-stop	\{\"reason\":\"handover\"" tail3
'

stop_camera c1
stop_camera c2
stop_camera c3
done_testing
