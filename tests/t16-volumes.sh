# Journal volumes (camkit-journal(5), "Volumes"): camctl seal closes a
# journal that began in an earlier month, renamed NAME.YYYY-MM, and
# continues it in a new volume that links on; a manifest carries its
# live segments.  The month is changed with faketime: the seal is made
# 40 days from now.
. "$CAMKIT_TOP/tests/lib.sh"

recording_site site
pki_site site
M=$T/site.store/cam/manifest
month=$(date -u +%Y-%m)

# The shell check of camkit-journal(5), as printed there.
page=$CAMKIT_TOP/man/camkit-journal.5
sed -n '/^\.\\" chain-check-script$/,/^\.Ed$/p' "$page" | sed '1,2d;$d' |
    sed 's/\\e/\\/g' >check.sh

# live CAMERA: the live segments as camrec prune --dry-run --json sees
# them when nothing is due (file and sha256, sorted); none are due, so
# the list is asked of a prune 400 days ahead.
live() {
	camrec -C site prune --dry-run --json --now "$(date -u -d '+400 days' +%Y-%m-%dT%H:%M:%SZ)" >live.json &&
	jq -r '.deleted[] | select(.camera == "'"$1"'") | .file + " " + .sha256' live.json | sort
}

expect_success 'a camera records two segments; nothing is closed this month' '
	start_camera cam &&
	camctl -C site camera add cam --url "$(camera_url cam)" --segment 5s >/dev/null &&
	camrec -C site record cam --for 12s 2>err &&
	camctl -C site seal >out &&
	has "^sealed	cam/manifest	" out &&
	hasnt "^closed" out &&
	test ! -e "$M.$month" &&
	live cam >before &&
	test "$(wc -l <before)" -ge 2
'

expect_success 'sealed 40 days on: the manifest and the audit trail are closed, the new volume links on and carries every live segment' '
	has_faketime &&
	seq0=$(tail -n 1 "$M" | cut -f1) &&
	ago +40d camctl -C site seal >out &&
	has "^closed	cam/manifest	manifest\.$month$" out &&
	has "^closed	audit.journal	audit.journal\.$month$" out &&
	hasnt "^closed	holds" out &&
	test -f "$M.$month" &&
	# It ends with the seal of its last record (the one of the first
	# test: nothing was added since).
	test "$(tail -n 1 "$M.$month" | cut -f5)" = seal &&
	last=$(tail -n 1 "$M.$month" | cut -f1) &&
	test "$last" = "$seq0" &&
	sed -n 1p "$M" | cut -f1,5,6 >first &&
	printf "%s\tvolume\t{\"previous\":\"manifest.%s\"}\n" $((last + 1)) "$month" >want &&
	cmp_text want first &&
	test "$(sed -n 1p "$M" | cut -f4)" = "$(tail -n 1 "$M.$month" | sha256sum | cut -c1-64)" &&
	# Every live segment carried, with its record DATA unchanged.
	awk -F"\t" "\$5 == \"carry\" { print \$6 }" "$M" >carried &&
	awk -F"\t" "\$5 == \"segment\" { print \$6 }" "$M.$month" >recorded &&
	cmp_text recorded carried &&
	live cam >after &&
	cmp_text before after &&
	# cat of the volumes is one journal: the man page script says so.
	cat "$M.$month" "$M" >whole &&
	sh check.sh whole >chk &&
	has "^ok $(wc -l <whole) records, head " chk &&
	camrec -C site verify >v &&
	has "^ok	cam	" v &&
	camaudit -C site journals >j &&
	hasnt "^FAIL" j &&
	seals=$(cut -f5 whole | grep -cx seal) &&
	has "^ok	cam/manifest	$(wc -l <whole) records, $seals seals" j
'

expect_success 'a second seal that month closes nothing; holds.journal is never closed' '
	has_faketime &&
	camrec -C site hold add cam --from "$(date -u +%Y-%m-%dT00:00:00Z)" --to "$(date -u +%Y-%m-%dT23:59:59Z)" --reason "vụ việc" >/dev/null &&
	ago +40d camctl -C site seal >out &&
	hasnt "^closed" out &&
	ago +80d camctl -C site seal >out &&
	hasnt "^closed	holds" out &&
	test "$(ls site.store | grep -c "^holds.journal\.")" = 0
'

expect_success 'a recorder running across a rotation goes on in the new volume' '
	has_faketime &&
	{ camrec -C site record cam --for 16s 2>rec.err & } &&
	pid=$! &&
	wait_for grep -q "	record-start	" "$M" &&
	sleep 6 &&
	ago +120d camctl -C site seal >out &&
	closed=$(sed -n "s|^closed	cam/manifest	||p" out) &&
	test -n "$closed" &&
	wait $pid &&
	test "$(tail -n 1 "$M" | cut -f5)" = record-stop &&
	# The recorder wrote on in the new volume, after the carried ones.
	awk -F"\t" "\$5 == \"segment\"" "$M" >new-segs &&
	test -s new-segs &&
	ls "$M".* >vols &&
	test "$(tail -n 1 vols)" = "$M.${closed#manifest.}" &&
	cat $(cat vols) "$M" >whole &&
	sh check.sh whole >chk &&
	has "^ok " chk &&
	camrec -C site verify >v &&
	has "^ok	cam	" v &&
	stop_camera cam
'

expect_success 'a missing or changed old volume is found, naming the file and line' '
	v1=$(ls "$M".* | head -n 1) &&
	mv "$v1" "$T/aside" &&
	must_fail 1 camaudit -C site journals >j &&
	has "^FAIL	cam/manifest	.*the journal.s earlier volumes are missing" j &&
	must_fail 1 camrec -C site verify >v 2>verr &&
	mv "$T/aside" "$v1" &&
	camaudit -C site journals >j &&
	hasnt "^FAIL" j &&
	cp "$v1" "$T/orig" &&
	sed -i "3s/\"frames\":/\"frames\":1/" "$v1" &&
	must_fail 1 camrec -C site verify >v 2>verr &&
	has "${v1##*/}:[23]: " v &&
	cp "$T/orig" "$v1" &&
	camrec -C site verify >v &&
	has "^ok	cam	" v
'

done_testing
