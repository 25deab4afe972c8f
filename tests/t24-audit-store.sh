# camaudit journals, recordings and report --store: a host's data read
# straight from an S3 store (tests/s3d.py), laid out as cam_remote.h
# says; a segment removed or altered by hand in the store, a journal
# chunk removed or altered, a seal by a key the site does not trust,
# the store down.
. "$CAMKIT_TOP/tests/lib.sh"

command -v jq >/dev/null || skip_all "needs jq"

# put FILE KEY: FILE as KEY of bucket camkit, with its SHA-256 signed
# and kept as x-amz-meta-sha256, as camrec replicate sends a segment:
# an object put there by hand.
put() {
	local sha &&
	sha=$(sha256sum <"$1" | cut -d" " -f1) &&
	s3d_curl --sha256 "$sha" --fail -T "$1" -H "x-amz-meta-sha256: $sha" \
	    "camkit/$2" >/dev/null
}

# replicate SITE: what camrec replicate sends (its journals as sealed
# chunks, its closed segments); HOST is the host its keys name.
replicate() {
	host=$(head -1 "$T/$1.store/audit.journal" | cut -f3) &&
	camrec -C "$1" replicate --once >/dev/null
}

recording_site site
pki_site site
s3d_start store
s3d_bucket camkit lock
s3d_credential site s3
cat >>site/camkit.yaml <<EOF
replication:
  endpoint: $S3_ENDPOINT
  credential: s3
  prefix: office1/
  buckets: { evidence: camkit, journals: camkit, footage: camkit }
EOF
camctl -C site commit -m "the office's store" >/dev/null
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
# A seal while it records: the manifest goes to the store in two chunks.
{ camrec -C site record gate --for 12s 2>/dev/null & }
rec=$!
sleep 6
camctl -C site seal >/dev/null
wait "$rec"
stop_camera gate
camctl -C site seal >/dev/null
replicate site
cp -a "$S3_DIR" "$T/pristine"
restore() { rm -rf "$S3_DIR" && cp -a "$T/pristine" "$S3_DIR"; }
seg=$(cd site.store && find gate -name "*.mkv" | sort | head -1)
nseg=$(cd site.store && find gate -name "*.mkv" | wc -l)

expect_success 'the journals in the store verify, seals and witness' '
	camaudit -C site journals --store s3://camkit/office1/ >out &&
	has "^ok	$host/gate/manifest	[0-9]+ records, 2 seals .*2 witnessed" out &&
	has "^ok	$host/audit.journal	" out &&
	has "^ok	$host/witness	every seal checked against the witness" out &&
	hasnt "^FAIL" out
'

expect_success 'the recordings in the store verify, every segment hashed' '
	camaudit -C site recordings --store configured >out &&
	has "^ok	$host/gate	$nseg segments match their manifest" out &&
	hasnt "^FAIL" out &&
	grep -c "GET /camkit/office1/$host/gate/.*\.mkv 200" \
	    "$T/store.s3d.log" >gets &&
	test "$(cat gets)" -ge "$nseg"
'

expect_success '--json has the structure of the local check' '
	camaudit -C site recordings --json >local.json &&
	camaudit -C site recordings --json --store configured --host "$host" >store.json &&
	jq -c "[keys, (.checks[] | keys)] | unique" local.json >a &&
	jq -c "[keys, (.checks[] | keys)] | unique" store.json >b &&
	cmp a b &&
	jq -e ".ok == true" store.json >/dev/null
'

expect_success 'a segment removed from the store by hand is missing' '
	restore &&
	rm -rf "$S3_DIR/camkit/office1/$host/$seg" &&
	must_fail 1 camaudit -C site recordings --store configured >out &&
	has "^FAIL	missing	$seg: missing, and no deletion is journaled" out &&
	restore
'

expect_success 'a segment altered in the store is altered, whatever its metadata' '
	restore &&
	flip "$(s3d_body camkit "office1/$host/$seg")" 3000 &&
	must_fail 1 camaudit -C site recordings --store configured >out &&
	has "^FAIL	altered	$seg: altered: " out &&
	restore
'

expect_success 'an object no manifest lists is unlisted' '
	restore &&
	put "site.store/$seg" "office1/$host/gate/gate-20200101T000000Z.mkv" &&
	must_fail 1 camaudit -C site recordings --store configured >out &&
	has "^FAIL	unlisted	gate/gate-20200101T000000Z.mkv: no manifest record lists it" out &&
	restore
'

expect_success 'a segment newer than the last replicated seal is pending, not a fault' '
	restore &&
	put "site.store/$seg" "office1/$host/gate/zzzz/gate-20990101T000000Z.mkv" &&
	camaudit -C site recordings --store configured >out &&
	has "^ok	$host/pending	1 segment recorded after the last seal replicated, from gate/zzzz/gate-20990101T000000Z.mkv on" out &&
	restore
'

expect_success 'a journal chunk removed from the store is a missing range' '
	restore &&
	d=$S3_DIR/camkit/office1/$host/journals/gate/manifest &&
	test "$(ls "$d" | wc -l)" -ge 2 &&
	k=$(ls "$d" | head -1) &&
	rm -rf "$d/$k" &&
	must_fail 1 camaudit -C site journals --store configured >out &&
	has "^FAIL	$host/gate/manifest	gate/manifest: chunks missing from the store: records 1-$((10#${k#*-}))$" out &&
	must_fail 1 camaudit -C site recordings --store configured >out &&
	has "^FAIL	journal	" out &&
	restore
'

expect_success 'a journal gone from the store, every chunk, is found' '
	restore &&
	rm -rf "$S3_DIR/camkit/office1/$host/journals/gate" &&
	must_fail 1 camaudit -C site journals --store configured >out &&
	has "^FAIL	$host/gate/manifest	no chunk of this journal in the store s3://camkit/office1/$" out &&
	must_fail 1 camaudit -C site recordings --store configured >out &&
	has "^FAIL	$host/gate	footage of camera gate in the store s3://camkit/office1/, and no chunk of its manifest there$" out &&
	restore
'

expect_success 'a journal chunk altered in the store breaks the chain' '
	restore &&
	k=$(cd "$S3_DIR/camkit/office1/$host/journals/gate/manifest" && ls | head -1) &&
	b=$(s3d_body camkit "office1/$host/journals/gate/manifest/$k") &&
	sed -i "2s/\"frames\":\([0-9]\)/\"frames\":9\1/" "$b" &&
	must_fail 1 camaudit -C site journals --store configured >out &&
	has "^FAIL	$host/gate/manifest	gate/manifest: chunk [0-9]+-[0-9]+ has SHA-256 [0-9a-f]{64}, its metadata says [0-9a-f]{64}$" out &&
	has "^FAIL	$host/gate/manifest	s3://camkit/office1/$host/journals/gate/manifest:2: " out &&
	restore
'

expect_success 'the monthly report from the store' '
	restore &&
	camaudit -C site report --month "$(date -u +%Y-%m)" --store configured >out &&
	has "data root s3://camkit/office1/: " out &&
	has "not covered from the store" out &&
	has "$host/gate" out
'

expect_success 'the report from the store as a PDF' '
	restore &&
	camaudit -C site report --month "$(date -u +%Y-%m)" --store configured --pdf r.pdf >out &&
	test "$(head -c 5 r.pdf)" = "%PDF-"
'

expect_success '--credential: a key file of the centre, a wrong key refused by the store' '
	restore &&
	install -m 600 site/private/credentials/s3 centre.cred &&
	camaudit -C site journals --store configured --credential centre.cred >out &&
	has "^ok	$host/gate/manifest	" out &&
	sed "s/^password=.*/password=wrong-secret/" centre.cred >bad.cred &&
	chmod 600 bad.cred &&
	must_fail 1 camaudit -C site journals --store configured --credential bad.cred >out 2>err &&
	has "SignatureDoesNotMatch" err &&
	test ! -s out
'

expect_success 'journals closed into volumes: read from the store as the data root reads them' '
	has_faketime &&
	restore &&
	{ ago +40d camctl -C site seal >out 2>&1 || { cat out; false; }; } &&
	has "^closed	gate/manifest	" out &&
	ls site.store/gate/manifest.* >/dev/null &&
	# the new volumes begin with records a later seal covers
	ago +41d camctl -C site seal >/dev/null &&
	{ camrec -C site replicate --once >out 2>&1 || { cat out; false; }; } &&
	grep -l "	volume	" "$S3_DIR"/camkit/office1/$host/journals/gate/manifest/*/@* >/dev/null &&
	camaudit -C site journals --store configured >out &&
	hasnt "^FAIL" out &&
	camaudit -C site recordings --store configured >out &&
	has "^ok	$host/gate	$nseg segments match their manifest" out &&
	hasnt "^FAIL" out
'

expect_success 'a seal by a key the site does not trust is refused' '
	restore &&
	cp site/private/site.key site.key.good &&
	cp site/private/site.crt site.crt.good &&
	install -m 600 "$T/pki/rogue.key" site/private/site.key &&
	install -m 644 "$T/pki/rogue.crt" site/private/site.crt &&
	camctl -C site seal >/dev/null &&
	install -m 600 site.key.good site/private/site.key &&
	install -m 644 site.crt.good site/private/site.crt &&
	replicate site &&
	must_fail 1 camaudit -C site journals --store configured >out &&
	has "^FAIL	$host/audit.journal	s3://camkit/office1/$host/journals/audit.journal:[0-9]+: seal signer does not chain to a trusted CA" out &&
	restore
'

expect_success 'the store down: a clear error, exit 3, nothing verified' '
	s3d_stop store &&
	must_fail 3 camaudit -C site journals --store configured >out 2>err &&
	test ! -s out &&
	has "^camaudit: " err &&
	must_fail 3 camaudit -C site recordings --store configured >out 2>err &&
	test ! -s out
'

expect_success 'usage: --host without --store, a URL that is not s3://' '
	must_fail 2 camaudit -C site journals --host x >out 2>err &&
	has "go with --store" err &&
	must_fail 2 camaudit -C site recordings --store http://x/ 2>err &&
	has "neither s3://BUCKET/PREFIX" err
'

s3d_stop store
done_testing
