# camrec on a full disk: no crash, the event is journaled, prune frees
# space (journaling every deletion) and recording resumes.
. "$CAMKIT_TOP/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to mount a small tmpfs"
mkdir small
mount -t tmpfs -o size=1m tmpfs small 2>/dev/null ||
    skip_all "cannot mount a tmpfs here"
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT

camctl -C site init --site Test >/dev/null
mkdir -p small/store &&
sed -i "s|^  root: /var/lib/camkit |  root: $T/small/store|" site/camkit.yaml
camctl -C site commit -m "a small disk" >/dev/null
start_camera gate --live --size 640x480 --fps 25 --gop 25
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
M=small/store/gate/manifest

expect_success 'some footage first' '
	camrec -C site record gate --for 12s 2>err &&
	test "$(grep -c "	segment	" $M)" -ge 2
'

expect_success 'the disk fills up: no crash, journaled, pruned, recording resumes' '
	must_fail 1 dd if=/dev/zero of=small/filler bs=4k 2>/dev/null &&
	test "$(df --output=avail small | tail -1)" -lt 8 &&
	before=$(grep -c "	segment	" $M) &&
	camrec -C site record gate --for 20s 2>err &&
	kinds=$(cut -f5 $M) &&
	echo "$kinds" | grep -qx disk-full &&
	grep "	delete	" $M | cut -f6 | jq -e "select(.reason == \"capacity\")" >/dev/null &&
	awk -F"\t" "\$5 == \"disk-full\" { full = 1 } full && \$5 == \"segment\" { n++ }
	    END { exit !(n >= 1) }" $M &&
	test "$(tail -1 $M | cut -f5)" = record-stop &&
	chain_ok $M
'

expect_success 'what the full disk cut short is recovered once there is room' '
	rm small/filler &&
	camrec -C site recover gate >/dev/null &&
	test -z "$(find small/store -name "*.partial" -not -path "*/quarantine/*")" &&
	chain_ok $M
'

expect_success 'every segment left verifies' '
	camrec -C site verify gate >out || { cat out; false; }
'

stop_camera gate
done_testing
