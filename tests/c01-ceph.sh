# Against a real single-node Ceph cluster (tests/ceph.sh: one monitor,
# one OSD on memstore, radosgw on loopback; make ceph-check).  First what
# camkit relies on from radosgw 16.2, with clients that are not camkit's
# (curl --aws-sigv4, s3cmd): buckets with Object Lock, a COMPLIANCE
# version that no one deletes, overwrites or shortens, a legal hold, and
# what an administrator can still do by hand behind the S3 interface
# (remove or alter a version) for the audit to find.  Then the issue's
# "done when": two recorder hosts (rec1 and rec2 on this machine, each
# with its own disk at the data root) take one configuration from the
# central repository, record, replicate to Ceph buckets with Object Lock;
# the centre verifies both with camaudit --store and finds a segment
# removed by hand; a request spanning both hosts gives one archive whose
# custody names each host.
. "$CAMKIT_TOP/tests/lib.sh"
. "$CAMKIT_TOP/tests/ceph.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (Ceph's daemons, unshare --uts --mount)"
missing=$(ceph_missing)
[ -z "$missing" ] || skip_all "needs $missing (make ceph-deps)"

C=$T/ceph
# The cluster goes before $T does: its daemons hold files there.
trap 'ceph_stop "$C"; cleanup' EXIT
if ! ceph_start "$C" >/dev/null 2>&1; then
	skip_all "Ceph did not start here: $(ceph_why "$C" | head -c 600 | tr '\n\t' '  ')"
fi
echo "# cluster up in $CEPH_SECONDS s: $(tr '\n' ' ' <"$C/times")"

# s3 CURL-ARGS...: curl signing with SigV4 as the test user.  radosgw
# wants x-amz-content-sha256, which curl 7.88 does not add: the body's
# (-T FILE first) or the empty body's.
s3() {
	local h=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 &&
	if [ "$1" = -T ]; then
		h=$(sha256sum <"$2" | cut -c1-64)
	fi &&
	curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$CEPH_AK:$CEPH_SK" \
	    -H "x-amz-content-sha256: $h" "$@"
}
# code CURL-ARGS...: the HTTP status of that request; its body in body.
code() {
	s3 "$@" -o body -w '%{http_code}'
}
# version BUCKET KEY: the newest version id of KEY.
version() {
	s3 -I "$CEPH_ENDPOINT/$1/$2" | tr -d '\r' |
	    sed -n 's/^x-amz-version-id: //p' | grep .
}
# versions BUCKET: "KEY VERSION" for every version and delete marker.
versions() {
	s3 "$CEPH_ENDPOINT/$1?versions=" |
	    grep -o '<Key>[^<]*</Key><VersionId>[^<]*</VersionId>' |
	    sed 's|<Key>\([^<]*\)</Key><VersionId>\([^<]*\)</VersionId>|\1 \2|'
}
# lock_bucket NAME: a bucket with Object Lock (so versioned).
lock_bucket() {
	test "$(code -X PUT -H "x-amz-bucket-object-lock-enabled: true" \
	    "$CEPH_ENDPOINT/$1")" = 200
}
# data_oid BUCKET KEY VERSION: the RADOS object holding the head (the
# first 4 MB) of that version, in the gateway's data pool.
data_oid() {
	local m &&
	m=$(radosgw-admin -c "$CEPH_CONF" bucket stats --bucket="$1" 2>/dev/null |
	    jq -r .marker) &&
	rados -c "$CEPH_CONF" -p default.rgw.buckets.data ls |
	    grep -F -x -- "${m}__:${3}_$2"
}
until_day() { date -u -d "+1 day" +%Y-%m-%dT%H:%M:%SZ; }

expect_success 'the cluster answers S3 requests as the test user' '
	s3cmd -c "$CEPH_S3CFG" ls >out &&
	radosgw-admin -c "$CEPH_CONF" user info --uid=camkit 2>/dev/null >user.json &&
	test "$(jq -r ".keys[0].access_key" user.json)" = "$CEPH_AK" &&
	test "$(code "$CEPH_ENDPOINT/")" = 200 &&
	has "<ID>camkit</ID>" body &&
	ceph -c "$CEPH_CONF" osd pool ls >pools &&
	has "^default.rgw.meta$" pools &&
	test "$(ceph -c "$CEPH_CONF" osd pool get default.rgw.meta size -f json | jq .size)" = 1
'

expect_success 'a wrong secret is refused (SignatureDoesNotMatch)' '
	test "$(curl -sS -o body -w "%{http_code}" --aws-sigv4 "aws:amz:us-east-1:s3" \
	    --user "$CEPH_AK:wrong-secret" \
	    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
	    "$CEPH_ENDPOINT/")" = 403 &&
	has "<Code>SignatureDoesNotMatch</Code>" body
'

expect_success 'a bucket made with Object Lock is versioned and locked' '
	lock_bucket lk-evidence &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence?object-lock=")" = 200 &&
	has "<ObjectLockEnabled>Enabled</ObjectLockEnabled>" body &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence?versioning=")" = 200 &&
	has "<Status>Enabled</Status>" body
'

expect_success 'a COMPLIANCE version: its delete, even with the governance bypass, is AccessDenied' '
	echo evidence-1 >a1 &&
	test "$(code -T a1 -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $(until_day)" \
	    "$CEPH_ENDPOINT/lk-evidence/ev/a1")" = 200 &&
	v=$(version lk-evidence ev/a1) &&
	s3 -I "$CEPH_ENDPOINT/lk-evidence/ev/a1" | tr -d "\r" >head &&
	has "^x-amz-object-lock-mode: COMPLIANCE$" head &&
	test "$(code -X DELETE "$CEPH_ENDPOINT/lk-evidence/ev/a1?versionId=$v")" = 403 &&
	has "<Code>AccessDenied</Code>" body &&
	test "$(code -X DELETE -H "x-amz-bypass-governance-retention: true" \
	    "$CEPH_ENDPOINT/lk-evidence/ev/a1?versionId=$v")" = 403 &&
	has "<Code>AccessDenied</Code>" body &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence/ev/a1?versionId=$v")" = 200 &&
	cmp a1 body
'

expect_success 'its retention is not shortened; an overwrite or a plain delete leaves it as it was' '
	v=$(version lk-evidence ev/a1) &&
	printf "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>COMPLIANCE</Mode><RetainUntilDate>%s</RetainUntilDate></Retention>" \
	    "$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ)" >ret.xml &&
	test "$(code -T ret.xml -H "Content-MD5: $(openssl md5 -binary ret.xml | base64)" \
	    "$CEPH_ENDPOINT/lk-evidence/ev/a1?retention=&versionId=$v")" = 403 &&
	has "shortens an existing retention period" body &&
	echo overwritten >a1b &&
	test "$(code -T a1b "$CEPH_ENDPOINT/lk-evidence/ev/a1")" = 200 &&
	test "$(code -X DELETE "$CEPH_ENDPOINT/lk-evidence/ev/a1")" = 204 &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence/ev/a1?versionId=$v")" = 200 &&
	cmp a1 body &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence/ev/a1?retention=&versionId=$v")" = 200 &&
	has "<Mode>COMPLIANCE</Mode>" body
'

expect_success 'a legal hold keeps a version without retention until it is lifted' '
	echo held >h1 &&
	test "$(code -T h1 "$CEPH_ENDPOINT/lk-evidence/ev/h1")" = 200 &&
	v=$(version lk-evidence ev/h1) &&
	for s in ON OFF; do
		printf "<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>%s</Status></LegalHold>" "$s" >lh-$s.xml || return 1
	done &&
	test "$(code -T lh-ON.xml -H "Content-MD5: $(openssl md5 -binary lh-ON.xml | base64)" \
	    "$CEPH_ENDPOINT/lk-evidence/ev/h1?legal-hold=&versionId=$v")" = 200 &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence/ev/h1?legal-hold=&versionId=$v")" = 200 &&
	has "<Status>ON</Status>" body &&
	test "$(code -X DELETE "$CEPH_ENDPOINT/lk-evidence/ev/h1?versionId=$v")" = 403 &&
	has "<Code>AccessDenied</Code>" body &&
	test "$(code -T lh-OFF.xml -H "Content-MD5: $(openssl md5 -binary lh-OFF.xml | base64)" \
	    "$CEPH_ENDPOINT/lk-evidence/ev/h1?legal-hold=&versionId=$v")" = 200 &&
	test "$(code -X DELETE "$CEPH_ENDPOINT/lk-evidence/ev/h1?versionId=$v")" = 204 &&
	test "$(code -I "$CEPH_ENDPOINT/lk-evidence/ev/h1")" = 404
'

expect_success 'the administrator removes a locked version by hand (radosgw-admin object rm): gone' '
	echo evidence-2 >a2 &&
	test "$(code -T a2 -H "x-amz-object-lock-mode: COMPLIANCE" \
	    -H "x-amz-object-lock-retain-until-date: $(until_day)" \
	    "$CEPH_ENDPOINT/lk-evidence/ev/a2")" = 200 &&
	v=$(version lk-evidence ev/a2) &&
	radosgw-admin -c "$CEPH_CONF" object rm --bucket=lk-evidence \
	    --object=ev/a2 --object-version="$v" 2>/dev/null &&
	versions lk-evidence >v &&
	hasnt "^ev/a2 " v &&
	test "$(code -I "$CEPH_ENDPOINT/lk-evidence/ev/a2")" = 404 &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence/ev/a2?versionId=$v")" = 404
'

expect_success 'behind the gateway (rados rm, rados put on the data pool): listed but gone, or altered under its old ETag' '
	for k in a3 a4; do
		echo "evidence $k" >$k &&
		test "$(code -T $k -H "x-amz-meta-sha256: $(sha256sum <$k | cut -c1-64)" \
		    "$CEPH_ENDPOINT/lk-evidence/ev/$k")" = 200 || return 1
	done &&
	o3=$(data_oid lk-evidence ev/a3 "$(version lk-evidence ev/a3)") &&
	rados -c "$CEPH_CONF" -p default.rgw.buckets.data rm "$o3" &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence?list-type=2&prefix=ev%2Fa3")" = 200 &&
	has "<Key>ev/a3</Key>" body &&
	test "$(code "$CEPH_ENDPOINT/lk-evidence/ev/a3")" = 404 &&
	has "<Code>NoSuchKey</Code>" body &&
	etag=$(s3 -I "$CEPH_ENDPOINT/lk-evidence/ev/a4" | tr -d "\r" | sed -n "s/^ETag: //p") &&
	o4=$(data_oid lk-evidence ev/a4 "$(version lk-evidence ev/a4)") &&
	echo "EVIDENCE a4" >a4x &&
	rados -c "$CEPH_CONF" -p default.rgw.buckets.data put "$o4" a4x &&
	s3 -D head -o body "$CEPH_ENDPOINT/lk-evidence/ev/a4" &&
	cmp a4x body &&
	tr -d "\r" <head >h &&
	has "^ETag: $etag$" h &&
	has "^x-amz-meta-sha256: $(sha256sum <a4 | cut -c1-64)$" h
'

# ---- the issue's "done when", through camkit's own programs ----

# on HOST CMD...: CMD as run on HOST: its host name, its own disk at the
# data root (as tests/t25-xhost.sh).
on() {
	unshare --uts --mount sh -c 'hostname "$1" && mount --bind "$2" "$3" &&
	    shift 3 && exec "$@"' on "$1" "$T/$1.disk" "$T/site.store" "${@:2}"
}
# built VERB-OF-PROGRAM...: the verbs this scenario drives exist.
built() {
	{ camrec replicate --help >/dev/null 2>&1 ||
	    skip_test "camrec replicate not built yet"; } &&
	{ camctl sync --help >/dev/null 2>&1 ||
	    skip_test "camctl sync not built yet"; } &&
	{ camaudit --help 2>&1 | grep -q -e "--store" ||
	    skip_test "camaudit --store not built yet"; }
}

# segfiles MANIFEST: the files of its segment records.
segfiles() {
	awk -F "\t" "\$5 == \"segment\"" "$1" | cut -f6 | jq -r .file
}

# The central repository central.git, which the office's administrator
# pushes to from site (with the demo PKI), replicating to three Ceph
# buckets with Object Lock; rec1 and rec2 are its clones, each with the
# private/ it is given by hand (keys are never committed); they push
# their witness there.  The centre audits from site.
setup_hosts() {
	director_site site &&
	mkdir -p rec1.disk rec2.disk site/private/credentials &&
	chmod 700 site/private/credentials &&
	printf "username=%s\npassword=%s\n" "$CEPH_AK" "$CEPH_SK" >site/private/credentials/store &&
	chmod 600 site/private/credentials/store &&
	for b in ev-ceph jn-ceph ft-ceph; do
		lock_bucket "$b" || return 1
	done &&
	sed -i "s|^  host: .*|  host: rec1|" site/camkit.yaml &&
	cat >>site/camkit.yaml <<-EOC &&
	replication:
	  endpoint: $CEPH_ENDPOINT
	  region: us-east-1
	  credential: store
	  journal_days: 1
	  evidence_days: 1
	  buckets: { evidence: ev-ceph, journals: jn-ceph, footage: ft-ceph }
	EOC
	camctl -C site commit -m "rec1 records; replication to Ceph" >/dev/null &&
	git clone -q --bare site central.git &&
	git -C site remote add origin "$T/central.git" &&
	for h in rec1 rec2; do
		git clone -q central.git "$h" &&
		cp -a site/private "$h/private" || return 1
	done
}

expect_success 'two hosts take one configuration from the central repository' '
	built &&
	setup_hosts &&
	start_camera cam1 --live &&
	start_camera cam2 --live &&
	camctl -C site camera add cam1 --url "$(camera_url cam1)" --segment 5s --host rec1 >/dev/null &&
	camctl -C site camera add cam2 --url "$(camera_url cam2)" --segment 5s --host rec2 >/dev/null &&
	git -C site push -q origin HEAD &&
	on rec1 camctl -C rec1 sync >sync1 &&
	on rec2 camctl -C rec2 sync >sync2 &&
	test "$(git -C rec1 rev-parse HEAD)" = "$(git -C site rev-parse HEAD)" &&
	test "$(git -C rec2 rev-parse HEAD)" = "$(git -C site rev-parse HEAD)" &&
	has "cam1" sync1 && has "cam2" sync2 &&
	touch "$T/hosts-ready"
'

expect_success 'each host records its camera and replicates to Ceph, every object checked' '
	built &&
	{ test -f "$T/hosts-ready" || skip_test "the hosts were not set up"; } ||
	    return 1
	on rec1 camrec -C rec1 record cam1 --for 12s 2>/dev/null &
	r1=$! &&
	on rec2 camrec -C rec2 record cam2 --for 12s 2>/dev/null &&
	wait "$r1" &&
	stop_camera cam1 && stop_camera cam2 &&
	test -n "$(find rec1.disk/cam1 -name "*.mkv")" &&
	test ! -e rec1.disk/cam2 && test ! -e rec2.disk/cam1 &&
	for h in rec1 rec2; do
		on $h camctl -C $h seal >/dev/null &&
		on $h camctl -C $h sync >/dev/null &&
		on $h camrec -C $h replicate --once >repl-$h 2>err-$h ||
		    { cat err-$h; return 1; }
	done &&
	has "^sent	footage	rec1/cam1/" repl-rec1 &&
	has "^sent	footage	rec2/cam2/" repl-rec2 &&
	has "^sent	journals	rec2/journals/cam2/manifest/" repl-rec2 &&
	s3cmd -c "$CEPH_S3CFG" ls -r s3://ft-ceph/ >ft &&
	test "$(grep -c "s3://ft-ceph/rec1/cam1/.*mkv" ft)" = \
	    "$(segfiles rec1.disk/cam1/manifest | wc -l)" &&
	k=$(s3cmd -c "$CEPH_S3CFG" ls -r s3://jn-ceph/rec2/journals/ | awk "{ print \$4 }" | head -1) &&
	test -n "$k" &&
	v=$(version jn-ceph "${k#s3://jn-ceph/}") &&
	test "$(code -X DELETE "$CEPH_ENDPOINT/jn-ceph/${k#s3://jn-ceph/}?versionId=$v")" = 403 &&
	has "<Code>AccessDenied</Code>" body &&
	touch "$T/replicated"
'

expect_success 'the centre verifies both hosts from the store (camaudit --store)' '
	built &&
	{ test -f "$T/replicated" || skip_test "nothing was replicated"; } &&
	{ camaudit -C site recordings --store configured >rout 2>rerr ||
	    { cat rout rerr; false; }; } &&
	has "^ok	rec1/cam1	" rout && has "^ok	rec2/cam2	" rout &&
	hasnt "^FAIL" rout &&
	git -C site fetch -q origin "+refs/camkit/witness/*:refs/camkit/witness/*" &&
	git -C site for-each-ref --format="%(refname)" refs/camkit/witness >refs &&
	has "^refs/camkit/witness/rec1$" refs && has "^refs/camkit/witness/rec2$" refs &&
	{ camaudit -C site journals --store configured >jout 2>jerr ||
	    { cat jout jerr; false; }; } &&
	has "^ok	rec1/cam1/manifest	" jout && has "^ok	rec2/cam2/manifest	" jout &&
	has "^ok	rec1/witness	" jout && has "^ok	rec2/witness	" jout &&
	hasnt "^FAIL" jout && hasnt "not checked" jout
'

expect_success 'a request for cam1 on rec1 and cam2 on rec2: one archive, custody names each host' '
	built &&
	{ test -f "$T/replicated" || skip_test "nothing was replicated"; } &&
	first=$(for c in rec1.disk/cam1 rec2.disk/cam2; do
		cut -f6 "$c/manifest" | jq -r "select(.start) | .start" | head -1 || exit 1
	done | sort | tail -1) &&
	request R1 "$(date -u -d "$first +1 sec" +%Y-%m-%dT%H:%M:%SZ)" \
	    "$(date -u -d "$first +7 sec" +%Y-%m-%dT%H:%M:%SZ)" "" "cam1, cam2" &&
	sign R1.yaml director &&
	{ on rec1 camextract -C rec1 run R1.yaml -o "$T/R1.tar" >out 2>err ||
	    { cat err; false; }; } &&
	mkdir x && tar -xf R1.tar -C x &&
	(cd x && sha256sum -c --quiet SHA256SUMS) &&
	test "$(jq -r ".clips[] | select(.camera == \"cam1\") | .sources[].host" x/custody.json | sort -u)" = rec1 &&
	test "$(jq -r ".clips[] | select(.camera == \"cam2\") | .sources[].host" x/custody.json | sort -u)" = rec2 &&
	{ on rec1 camrec -C rec1 replicate --once >repl-ev 2>err || { cat err; false; }; } &&
	has "^sent	evidence	rec1/evidence/R1.tar	" repl-ev &&
	s3 -I "$CEPH_ENDPOINT/ev-ceph/rec1/evidence/R1.tar" | tr -d "\r" >head &&
	has "^x-amz-object-lock-mode: COMPLIANCE$" head &&
	has "^x-amz-meta-sha256: $(sha256sum <R1.tar | cut -c1-64)$" head &&
	k=$(grep "^legal hold on	footage	rec1/cam1/" repl-ev | cut -f3 | head -1) &&
	test -n "$k" &&
	test "$(code "$CEPH_ENDPOINT/ft-ceph/$k?legal-hold=&versionId=$(version ft-ceph "$k")")" = 200 &&
	has "<Status>ON</Status>" body
'

expect_success 'a segment removed from Ceph by hand: the centre finds it, exit 1' '
	built &&
	{ test -f "$T/replicated" || skip_test "nothing was replicated"; } &&
	f=$(segfiles rec2.disk/cam2/manifest | head -1) &&
	v=$(version ft-ceph "rec2/$f") &&
	radosgw-admin -c "$CEPH_CONF" object rm --bucket=ft-ceph \
	    --object="rec2/$f" --object-version="$v" 2>/dev/null &&
	test "$(code -I "$CEPH_ENDPOINT/ft-ceph/rec2/$f")" = 404 &&
	must_fail 1 camaudit -C site recordings --store configured >rout 2>rerr &&
	has "^FAIL	.*$f: missing" rout &&
	has "^ok	rec1/cam1	" rout
'

expect_success 'a segment altered in Ceph behind the gateway (its RADOS object rewritten): found, exit 1' '
	built &&
	{ test -f "$T/replicated" || skip_test "nothing was replicated"; } &&
	f=$(segfiles rec1.disk/cam1/manifest | sed -n 2p) &&
	o=$(data_oid ft-ceph "rec1/$f" "$(version ft-ceph "rec1/$f")") &&
	rados -c "$CEPH_CONF" -p default.rgw.buckets.data get "$o" head.bin &&
	flip head.bin 4000 &&
	rados -c "$CEPH_CONF" -p default.rgw.buckets.data put "$o" head.bin &&
	s3 -o got.mkv "$CEPH_ENDPOINT/ft-ceph/rec1/$f" &&
	! cmp -s got.mkv "rec1.disk/$f" &&
	must_fail 1 camaudit -C site recordings --store configured >rout 2>rerr &&
	has "^FAIL	.*$f" rout &&
	hasnt "^ok	rec1/cam1	" rout
'

done_testing
