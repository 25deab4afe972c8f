# The by-hand checks that camaudit(1) and camkit-journal(5) print for a
# compliance officer who trusts only tar, sha256sum, openssl (and jq,
# base64 and git for a seal), taken from the man page sources and run
# exactly as printed: on a real archive of a real recording, which they
# must accept, and on tampered copies, which they must refuse.
. "$CAMKIT_TOP/tests/lib.sh"

P=$T/pki
audit_page=$CAMKIT_TOP/man/camaudit.1
journal_page=$CAMKIT_TOP/man/camkit-journal.5

# The POSIX shells at hand (bash in its POSIX mode): the commands must
# work in each.
shells="sh"
command -v dash >/dev/null 2>&1 && shells="$shells dash"
command -v bash >/dev/null 2>&1 && shells="$shells bash"
in_shell() {
	shell_=$1 &&
	shift &&
	if [ "$shell_" = bash ]; then bash --posix "$@"; else "$shell_" "$@"; fi
}

# unroff: undo the escapes mdoc needs in a literal block.
unroff() {
	sed 's/\\e/\\/g; s/\\-/-/g; s/\\&//g; s/^\.Dl //'
}

# byhand NAME OUT: the commands of the block of camaudit(1) between
# ".\" by-hand begin NAME" and ".\" by-hand end", as a script: "$ "
# starts a command, an indented line continues one, any other line is
# output shown on the page.
byhand() {
	sed -n "/^\.\\\\\" by-hand begin $1\$/,/^\.\\\\\" by-hand end\$/p" \
	    "$audit_page" >"$2.block" &&
	sed '1,2d' "$2.block" | sed '$d' | sed '$d' |
	    awk '/^\$ / { print substr($0, 3); next } /^[ \t]/ { print }' |
	    unroff >"$2"
}

# script NAME OUT: a script of camkit-journal(5), the .Bd -literal block
# after the comment that names it (as tests/t15-journal-shell.sh).
script() {
	sed -n "/^\.\\\\\" $1\$/,/^\.Ed\$/p" "$journal_page" >"$2.block" &&
	sed '1,2d;$d' "$2.block" | unroff >"$2"
}

byhand decrypt decrypt.sh
byhand verify verify.sh
script chain-check-script journal-check
script chain-check-fast journal-check-fast
script seal-check-script seal-check

# ---- a site, a recording, three archives ----

director_site site unit-head "Thanh tra Sở"
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
camrec -C site record gate --for 14s 2>/dev/null
stop_camera gate
first=$(cut -f6 site.store/gate/manifest | jq -r "select(.start) | .start" | head -1)

# request ID FROM+S TO+S: a request for seconds FROM to TO of the
# footage, signed by the director as the man pages show.
request() {
	cat >"$1.yaml" <<EOR &&
id: $1
requester:
  name: "Thanh tra"
  unit: "Thanh tra Sở"
purpose: "Kiểm tra bằng tay"
cameras: [gate]
from: "$(date -u -d "$first +$2 sec" +%Y-%m-%dT%H:%M:%SZ)"
to: "$(date -u -d "$first +$3 sec" +%Y-%m-%dT%H:%M:%SZ)"
expires: "$(date -u -d "+2 days" +%Y-%m-%dT%H:%M:%SZ)"
recipient:
  name: "Thanh tra"
EOR
	openssl cms -sign -binary -in "$1.yaml" -signer "$P/director.crt" \
	    -inkey "$P/director.key" -outform DER -out "$1.yaml.p7s" 2>/dev/null
}
request YC-12 2 8 && camextract -C site run YC-12.yaml -o YC-12.tar >/dev/null 2>&1
request YC-13 1 6 && camextract -C site run YC-13.yaml -o YC-13.tar >/dev/null 2>&1
request YC-14 2 8 && camextract -C site run YC-14.yaml -o YC-14.cms \
    --encrypt-to "$P/recipient.crt" >/dev/null 2>&1
mkdir orig && tar -xf YC-12.tar -C orig
members=$(tar -tf YC-12.tar)

# officer DIR TAR: DIR holds what the officer has: the archive as
# YC-12.tar, the authority's and the director's certificates.
officer() {
	rm -rf "$1" && mkdir "$1" && cp "$2" "$1/YC-12.tar" &&
	cp "$P/ca.crt" "$1/ca.pem" && cp "$P/director.crt" "$1/director.pem"
}
# accepted TAR: the verify commands succeed, in every shell.
accepted() {
	for sh in $shells; do
		officer "o-$sh" "$1" &&
		(cd "o-$sh" && in_shell $sh -e ../verify.sh) >out 2>err || {
			echo "$sh: the by-hand commands refused $1:"
			cat out err; return 1; }
	done
}
# refused TAR PATTERN: the verify commands fail, in every shell, and
# their output says PATTERN.
refused() {
	for sh in $shells; do
		officer "o-$sh" "$1" || return 1
		if (cd "o-$sh" && in_shell $sh -e ../verify.sh) >out 2>err; then
			echo "$sh: the by-hand commands accepted $1"; return 1
		fi &&
		cat out err >all &&
		has "$2" all || { echo "($sh)"; return 1; }
	done
}
# retar DIR OUT [EXTRA]: the members of DIR, in the archive's order.
retar() { (cd "$1" && tar -cf "$T/$2" $(ls -d $members 2>/dev/null) ${3:-}); }
# copy: a fresh copy of the archive's members, in y/.
copy() { rm -rf y && cp -a orig y; }

expect_success 'camaudit(1) holds the by-hand commands in marked literal blocks' '
	for b in decrypt verify; do
		test "$(sed -n 2p $b.sh.block)" = ".Bd -literal -offset indent" &&
		test "$(tail -n 2 $b.sh.block | head -n 1)" = ".Ed" &&
		test -s $b.sh && hasnt "^\\." $b.sh && hasnt "\\\\e" $b.sh || exit 1
	done &&
	has "^sha256sum -c SHA256SUMS$" verify.sh &&
	has "^openssl cms -verify .* -in SHA256SUMS.p7s " verify.sh &&
	has "^openssl cms -decrypt " decrypt.sh
'

expect_success 'the commands are those the formatted pages show' '
	for t in ascii utf8; do
		mandoc -T$t "$audit_page" | sed "s/.\x08//g; s/^ *//; s/^\\\$ //" >shown &&
		mandoc -T$t "$journal_page" | sed "s/.\x08//g; s/^ *//" >>shown &&
		for s in decrypt.sh verify.sh journal-check journal-check-fast seal-check; do
			sed "s/^[[:space:]]*//" $s >lines &&
			{ grep -vxF -f shown lines >notshown || test $? = 1; } &&
			if test -s notshown; then
				echo "$s not shown by mandoc -T$t:"; cat notshown; exit 1
			fi || exit 1
		done || exit 1
	done
'

expect_success 'a real archive: the by-hand commands succeed' '
	tar -tf YC-12.tar | grep -qx clips/gate.mp4 &&
	camaudit -C site verify YC-12.tar >/dev/null &&
	accepted YC-12.tar && has "^clips/gate.mp4: OK$" out
'

expect_success 'an encrypted archive: decrypted by hand, then the same commands' '
	! tar -tf YC-14.cms >/dev/null 2>&1 &&
	for sh in $shells; do
		rm -rf e && mkdir e && cp YC-14.cms e/YC-12.cms &&
		cp "$P/recipient.crt" e/me.crt && cp "$P/recipient.key" e/me.key &&
		(cd e && in_shell $sh -e ../decrypt.sh) &&
		tar -tf e/YC-12.tar | grep -qx request/YC-14.yaml || exit 1
	done &&
	sed "s/YC-12\.yaml/YC-14.yaml/g" verify.sh >verify14.sh &&
	cp e/YC-12.tar dec.tar && officer o dec.tar &&
	(cd o && sh -e ../verify14.sh) >out 2>&1 || { cat out; exit 1; }
'

expect_success 'a byte flipped in the clip: sha256sum -c fails' '
	copy && flip y/clips/gate.mp4 2000 && retar y t1.tar &&
	refused t1.tar "clips/gate.mp4: FAILED"
'

expect_success 'the clip changed and SHA256SUMS made again: the site signature fails' '
	copy && flip y/clips/gate.mp4 2000 &&
	(cd y && sha256sum $(cut -c67- SHA256SUMS) >SHA256SUMS) &&
	! cmp -s y/SHA256SUMS orig/SHA256SUMS && retar y t2.tar && refused t2.tar "erification failure"
'

expect_success 'the site signature swapped for that of another archive: it fails' '
	copy && tar -xOf YC-13.tar SHA256SUMS.p7s >y/SHA256SUMS.p7s &&
	! cmp -s y/SHA256SUMS.p7s orig/SHA256SUMS.p7s && retar y t3.tar &&
	refused t3.tar "erification failure"
'

expect_success 'SHA256SUMS signed by a key no trusted authority certified: it fails' '
	copy && openssl cms -sign -binary -in y/SHA256SUMS -signer "$P/rogue.crt" \
	    -inkey "$P/rogue.key" -outform DER -out y/SHA256SUMS.p7s 2>/dev/null &&
	retar y t4.tar && refused t4.tar "erification failure"
'

expect_success 'the request signed by the unit head, not the director: it fails' '
	copy && openssl cms -sign -binary -in y/request/YC-12.yaml \
	    -signer "$P/unit-head.crt" -inkey "$P/unit-head.key" -outform DER \
	    -out y/request/YC-12.yaml.p7s 2>/dev/null &&
	(cd y && sha256sum $(cut -c67- SHA256SUMS) >SHA256SUMS) &&
	openssl cms -sign -binary -in y/SHA256SUMS -signer "$P/site.crt" \
	    -inkey "$P/site.key" -outform DER -out y/SHA256SUMS.p7s 2>/dev/null &&
	retar y t5.tar && refused t5.tar "differ" &&
	must_fail 1 camaudit -C site verify t5.tar >/dev/null
'

expect_success 'the request edited after signing: its signature fails' '
	copy && sed -i "s/Kiểm tra bằng tay/Kiểm tra khác/" y/request/YC-12.yaml &&
	(cd y && sha256sum $(cut -c67- SHA256SUMS) >SHA256SUMS) &&
	openssl cms -sign -binary -in y/SHA256SUMS -signer "$P/site.crt" \
	    -inkey "$P/site.key" -outform DER -out y/SHA256SUMS.p7s 2>/dev/null &&
	retar y t6.tar && refused t6.tar "erification failure"
'

expect_success 'a member added, a member removed: diff shows it' '
	copy && echo extra >y/notes.txt && retar y t7.tar notes.txt &&
	refused t7.tar "^> notes.txt$" &&
	copy && rm y/custody.json && retar y t8.tar &&
	refused t8.tar "^< custody.json$"
'

expect_success 'a tampered archive encrypted again to the recipient: refused too' '
	copy && flip y/clips/gate.mp4 2000 && retar y t9.tar &&
	openssl cms -encrypt -binary -aes-256-cbc -in t9.tar -outform DER \
	    -out t9.cms "$P/recipient.crt" &&
	rm -rf e && mkdir e && cp t9.cms e/YC-12.cms &&
	cp "$P/recipient.crt" e/me.crt && cp "$P/recipient.key" e/me.key &&
	(cd e && sh -e ../decrypt.sh) && refused e/YC-12.tar "clips/gate.mp4: FAILED"
'

# ---- the journal scripts of camkit-journal(5) on the site's journals ----

camctl -C site seal >/dev/null 2>&1
journals="gate/manifest audit.journal extractions.journal holds.journal"

# checks WANT_STATUS JOURNAL WANT_OUTPUT: both chain scripts, every shell.
checks() {
	printf '%s\n' "$3" >want &&
	for s in journal-check journal-check-fast; do
		for sh in $shells; do
			if [ "$1" -eq 0 ]; then
				in_shell $sh $s "$2" >out ||
				    { echo "$sh $s failed on $2"; cat out; return 1; }
			else
				must_fail "$1" in_shell $sh $s "$2" >out ||
				    { echo "$sh $s on $2"; return 1; }
			fi &&
			cmp_text want out || { echo "$sh $s"; return 1; }
		done
	done
}

expect_success 'the chain scripts accept every journal the site wrote' '
	for j in $journals; do
		f=site.store/$j && test -s "$f" &&
		checks 0 "$f" "ok $(wc -l <"$f") records, head $(tail -n 1 "$f" | sha256sum | cut -c1-64)" || exit 1
	done &&
	cut -f5 site.store/gate/manifest | grep -qx seal
'

expect_success 'a manifest with an edited line: the chain scripts name the next line' '
	cp site.store/gate/manifest m &&
	n=$(grep -n "	segment	" m | head -1 | cut -d: -f1) &&
	sed -i "${n}s/\"frames\":\([0-9]\)/\"frames\":9\1/" m && ! cmp -s m site.store/gate/manifest &&
	checks 1 m "m:$((n + 1)): bad SEQ or PREV" &&
	cp site.store/audit.journal a && sed -i "2s/\"outcome\":\"granted\"/\"outcome\":\"refused\"/" a &&
	! cmp -s a site.store/audit.journal && checks 1 a "a:3: bad SEQ or PREV"
'

expect_success 'the seal-check script accepts the last seal of the manifest' '
	sh seal-check site.store/gate/manifest gate/manifest site/trust/ca.pem site >out &&
	has "^ok gate/manifest: record [0-9]+ sealed at .*, witnessed$" out
'

expect_success 'the sealed record edited, or the seal unwitnessed: seal-check fails' '
	cp site.store/gate/manifest m &&
	seq=$(awk -F"\t" "\$5 == \"seal\"" m | tail -n 1 | cut -f6 | jq -r .seq) &&
	sed -i "${seq}s/}\$/,\"x\":1}/" m && ! cmp -s m site.store/gate/manifest &&
	must_fail 1 sh seal-check m gate/manifest site/trust/ca.pem site >out &&
	has "the seal does not match record $seq" out &&
	rm -rf norepo && git init -q norepo &&
	must_fail 1 sh seal-check site.store/gate/manifest gate/manifest site/trust/ca.pem norepo >out 2>/dev/null &&
	has "is not in the witness" out
'

done_testing
