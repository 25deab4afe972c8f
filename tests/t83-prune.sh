# camrec prune: retention by days and by capacity, oldest first across
# cameras, evidence holds, every deletion journaled before the unlink.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
start_camera a --live
start_camera b --live
camctl -C site camera add cam-a --url "$(camera_url a)" --segment 5s >/dev/null
camctl -C site camera add cam-b --url "$(camera_url b)" --segment 5s >/dev/null
camrec -C site record cam-a --for 16s 2>/dev/null &
pid=$!
camrec -C site record cam-b --for 16s 2>/dev/null
wait $pid
stop_camera a
stop_camera b
live() { find site.store -name "*.mkv" | wc -l; }
later=$(date -u -d "+40 days" +%Y-%m-%dT%H:%M:%SZ)

expect_success 'nothing is due yet' '
	n=$(live) && test "$n" -ge 4 &&
	camrec -C site prune >out &&
	has "^pruned	0 segments" out &&
	test "$(live)" = "$n"
'

expect_success 'a dry run lists what would go and deletes nothing' '
	n=$(live) &&
	camrec -C site prune --dry-run --now "$later" >out &&
	has "^would delete	$n segments" out &&
	test "$(grep -c "^deleted	" out)" = "$n" &&
	test "$(live)" = "$n" &&
	! grep -q "	delete	" site.store/cam-a/manifest
'

expect_success 'a hold keeps its window; list shows it' '
	first=$(grep "	segment	" site.store/cam-a/manifest | head -1 | cut -f6 | jq -r .start) &&
	camrec -C site hold add cam-a --from "$first" --to "$first" \
	    --reason "Yêu cầu số 12/2026: vụ trộm xe" >out &&
	has "^hold	[0-9]+$" out &&
	camrec -C site hold list >holds &&
	has "	cam-a	.*	held	$(id -un)	Yêu cầu số 12/2026: vụ trộm xe$" holds &&
	camrec -C site hold list --json | jq -e ".[0].camera == \"cam-a\"" >/dev/null
'

expect_success 'retention deletes old footage, journaled before the unlink, holds kept' '
	n=$(live) &&
	camrec -C site prune --now "$later" >out &&
	has "^pruned	$((n - 1)) segments	[0-9.]+ [kMGTPE]?B	$((n - 1)) by age	0 by capacity	1 held" out &&
	test "$(live)" = 1 &&
	for c in cam-a cam-b; do
		grep "	delete	" site.store/$c/manifest | cut -f6 >del.$c &&
		while read -r rec; do
			echo "$rec" | jq -e ".reason == \"retention\" and (.sha256 | length) == 64" >/dev/null || exit 1
			test ! -e "site.store/$(echo "$rec" | jq -r .file)" || exit 1
		done <del.$c &&
		chain_ok site.store/$c/manifest || exit 1
	done &&
	test "$(cat del.cam-a del.cam-b | wc -l)" = $((n - 1)) 
'

expect_success 'the audit trail has the holds and a summary of each prune, not dry runs' '
	chain_ok site.store/audit.journal &&
	cut -f6 site.store/audit.journal >audit &&
	deleted=$(cat site.store/cam-*/manifest | grep -c "	delete	") &&
	jq -s -e "map(select(.program == \"camrec\" and .verb == \"prune\")) | length == 2" audit >/dev/null &&
	jq -s -e "map(select(.verb == \"prune\"))[-1] | .outcome == \"granted\" and .detail.deleted == $deleted and .detail.held == 1 and (.detail.oldest | test(\"Z$\"))" audit >/dev/null &&
	jq -s -e "map(select(.verb == \"hold add\" and .outcome == \"granted\" and .actor == \"$(id -un)\")) | length == 1" audit >/dev/null &&
	jq -s -e "map(select(.verb == \"record start\")) | length >= 2" audit >/dev/null &&
	jq -s -e "map(select(.verb == \"record stop\" and .outcome == \"granted\")) | length >= 2" audit >/dev/null || { cat audit; false; }
'

expect_success 'releasing the hold lets it go' '
	id=$(camrec -C site hold list | cut -f1) &&
	camrec -C site hold release "$id" --reason "vụ việc đã xử lý" >out &&
	has "^released	$id$" out &&
	test -z "$(camrec -C site hold list)" &&
	camrec -C site hold list --all | grep -q "	released	" &&
	must_fail 1 camrec -C site hold release "$id" 2>err &&
	has "already released" err &&
	camrec -C site prune --now "$later" >out &&
	test "$(live)" = 0 &&
	test -z "$(find site.store/cam-a -mindepth 1 -type d -name "20*")"
'

expect_success 'capacity: oldest first across cameras until under the limit' '
	start_camera a --live && start_camera b --live &&
	camctl -C site camera set cam-a url="$(camera_url a)" >/dev/null &&
	camctl -C site camera set cam-b url="$(camera_url b)" >/dev/null &&
	{ camrec -C site record cam-a --for 16s 2>/dev/null &
	  pid=$! && camrec -C site record cam-b --for 16s 2>/dev/null && wait $pid; } &&
	stop_camera a && stop_camera b &&
	total=$(find site.store -name "*.mkv" -printf "%s\n" | awk "{ s += \$1 } END { print s }") &&
	limit=$((total / 2)) &&
	sed -i "s/^  max_usage: .*/  max_usage: \"$limit\"/" site/camkit.yaml &&
	camctl -C site commit -m "small disk" >/dev/null &&
	camrec -C site prune >out &&
	has "by capacity" out &&
	left=$(find site.store -name "*.mkv" -printf "%s\n" | awk "{ s += \$1 } END { print s + 0 }") &&
	test "$left" -le "$limit" &&
	oldest_left=$(for c in cam-a cam-b; do grep "	segment	" site.store/$c/manifest | cut -f6 | jq -r "select(.file) | .file"; done |
	    while read -r f; do [ -e "site.store/$f" ] && echo "$f"; done | sed "s/.*-\(20[0-9T]*Z\).*/\1/" | sort | head -1) &&
	newest_gone=$(grep -h "	delete	" site.store/cam-*/manifest | cut -f6 | jq -r "select(.reason == \"capacity\") | .file" |
	    sed "s/.*-\(20[0-9T]*Z\).*/\1/" | sort | tail -1) &&
	test "$newest_gone" \< "$oldest_left" -o "$newest_gone" = "$oldest_left"
'

expect_success 'prune --json' '
	camrec -C site prune --json --dry-run --now "$later" >j &&
	jq -e ".dry_run == true and (.deleted | length) == .count" j >/dev/null
'

expect_success 'bad holds are refused' '
	must_fail 1 camrec -C site hold add cam-a --from 2026-11-02 --to 2026-11-01 --reason x 2>err &&
	has "must not end before it starts" err &&
	must_fail 2 camrec -C site hold add cam-a --from 2026-11-01 --to 2026-11-02 2>err &&
	must_fail 1 camrec -C site hold add ../x --from 2026-11-01 --to 2026-11-02 --reason x 2>err &&
	must_fail 1 camrec -C site hold add cam-a --from yesterday --to 2026-11-02 --reason x 2>err
'

done_testing
