# camrec verify: a flipped byte in a segment or in a manifest line, a
# segment gone without a journaled deletion, a file no manifest lists.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camrec -C site record gate --for 12s 2>/dev/null
stop_camera gate
cp -a site.store pristine

restore() { rm -rf site.store && cp -a pristine site.store; }

expect_success 'untouched recordings verify' '
	camrec -C site verify >out &&
	has "^ok	gate	[0-9]+ segments	0 problems$" out
'

expect_success 'a flipped byte in a segment is found' '
	f=$(segments site gate | head -1) &&
	flip "$f" 3000 &&
	must_fail 1 camrec -C site verify gate >out &&
	has "^FAIL	gate	altered	gate/.*\.mkv: altered" out &&
	has "^FAIL	gate	[0-9]+ segments	1 problem$" out &&
	restore
'

expect_success 'a segment removed without a journaled deletion is found' '
	rm "$(segments site gate | tail -1)" &&
	must_fail 1 camrec -C site verify gate >out &&
	has "	missing	.*missing, and no deletion is journaled" out &&
	restore
'

expect_success 'a file that no manifest lists is found' '
	f=$(segments site gate | head -1) &&
	cp "$f" "$(dirname "$f")/gate-20200101T000000Z.mkv" &&
	must_fail 1 camrec -C site verify gate >out &&
	has "	unlisted	gate/.*gate-20200101T000000Z.mkv: no manifest record lists it" out &&
	restore
'

expect_success 'a flipped byte in a manifest line is found, with its line' '
	sed -i "2s/\"frames\":\([0-9]\)/\"frames\":9\1/" site.store/gate/manifest &&
	must_fail 1 camrec -C site verify gate >out &&
	has "	journal	.*manifest:[23]: " out &&
	restore
'

expect_success 'every verification run is in the audit trail, with its outcome' '
	last() { tail -n1 site.store/audit.journal | cut -f6; }
	camrec -C site verify gate >/dev/null &&
	last | jq -e ".program == \"camrec\" and .verb == \"verify\" and .object == \"gate\" and .outcome == \"granted\"" >/dev/null &&
	rm "$(segments site gate | tail -1)" &&
	must_fail 1 camrec -C site verify gate >/dev/null &&
	last | jq -e ".verb == \"verify\" and .outcome == \"failed\" and .reason == \"1 problem\"" >/dev/null &&
	chain_ok site.store/audit.journal &&
	restore
'

expect_success 'a deletion made by prune is not a problem' '
	camrec -C site prune --now "$(date -u -d "+40 days" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null &&
	camrec -C site verify >out &&
	has "^ok	gate	0 segments	0 problems$" out &&
	restore
'

done_testing
