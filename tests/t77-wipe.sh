# Secrets are wiped from memory after use.  Each program that reads a
# private key or a camera password runs for real under gdb, is stopped
# at its very end (the exit_group system call: after main returned,
# the atexit handlers and OpenSSL's own cleanup ran), and its whole
# memory image, as gcore writes it, is searched for the secret: the
# base64 lines of the key's PEM that hold private bytes, the key's
# private numbers (the EC scalar; RSA's d, p, q, dp, dq and qinv) in
# 8-byte pieces, in DER order and byte-reversed as in a BIGNUM's words,
# and the password whole and in 8-byte pieces.  Three controls show that
# the same search finds the key and the password while they are held.
# The image is of the program alone: the test's own copies (files,
# shell variables) are not in it.
. "$CAMKIT_TOP/tests/lib.sh"

case $CAMKIT_BIN in
*/asan)
	skip_all "a sanitized program's memory image spans terabytes of \
shadow memory, and LeakSanitizer cannot run under ptrace" ;;
esac
command -v gdb >/dev/null || skip_all "no gdb (make deps)"
gdb -nx -batch -readnever -ex 'set auto-solib-add off' -ex run --args true 2>&1 |
    grep -q "exited normally" ||
    skip_all "gdb cannot run a program here (is ptrace allowed?)"

P=$T/pki

# under_gdb NAME [GDB-COMMAND...] -- CMD...: run CMD under gdb.  At its
# exit_group its memory image goes to NAME.core, and its exit status,
# once it exits, to NAME.rc.  GDB-COMMANDs, if given, run it first up to
# a point where it holds the secret (they include "run"); the image
# there goes to NAME.held.core.  Each image is at most 1 GiB.
under_gdb() {
	local name=$1 held=() &&
	shift &&
	while [ "$1" != -- ]; do held+=(-ex "$1") && shift || return 1; done &&
	shift &&
	if [ ${#held[@]} -gt 0 ]; then
		held+=(-ex "gcore $T/$name.held.core" -ex delete
		    -ex 'catch syscall exit_group' -ex continue)
	else
		held=(-ex 'catch syscall exit_group' -ex run)
	fi &&
	rm -f "$T/$name.core" "$T/$name.held.core" "$T/$name.rc" &&
	(ulimit -f 1048576 && exec gdb -nx -batch -q -readnever \
	    -ex 'set debuginfod enabled off' -ex 'set startup-with-shell off' \
	    -ex 'set auto-solib-add off' "${held[@]}" \
	    -ex "gcore $T/$name.core" -ex continue \
	    -ex 'printf "exit %d\n", $_exitcode' --args "$@") >"$T/$name.gdb" 2>&1 &&
	sed -n 's/^exit \([0-9]*\)$/\1/p' "$T/$name.gdb" >"$T/$name.rc" &&
	if [ ! -s "$T/$name.core" ] || [ ! -s "$T/$name.rc" ]; then
		echo "no memory image or no exit status of $*:" >&2
		sed 's/^/    /' "$T/$name.gdb" >&2
		return 1
	fi
}

# hexes: standard input as lower-case hex, no spaces.  spaced_hex: the
# same with a space around each byte, to find bytes within bytes.
hexes() {
	od -An -v -tx1 | tr -d ' \n'
}
spaced_hex() {
	od -An -v -tx1 | tr -s ' \n' '  ' | sed 's/^ */ /; s/ *$/ /'
}

# key_pieces KEY: what to search for, "LABEL HEX" a line.  First each
# base64 line of the PEM that holds private bytes (a line whose bytes
# are all in the public key, as the last one of an EC key, is public:
# the certificate carries the same bytes); then each private number of
# the key in whole 8-byte pieces from its end, big-endian as in DER and
# byte-reversed as the words of a BIGNUM on a little-endian machine.
key_pieces() {
	local pub n=0 line &&
	pub=$(openssl pkey -in "$1" -pubout -outform DER | spaced_hex) &&
	grep -v -- ----- "$1" | while read -r line; do
		n=$((n + 1)) &&
		case $pub in
		*"$(printf %s "$line" | base64 -d | spaced_hex)"*) ;;
		*) echo "pem-line-$n $(printf %s "$line" | hexes)" ;;
		esac || return 1
	done &&
	openssl pkey -in "$1" -text -noout | awk '
		/^[^ ]/ { name = $1; sub(/:$/, "", name); next }
		name ~ /^(priv|privateExponent|prime1|prime2|exponent1|exponent2|coefficient)$/ {
			gsub(/[ :]/, ""); hex[name] = hex[name] $0
		}
		END {
			for (n in hex) {
				h = hex[n]
				while (substr(h, 1, 2) == "00")
					h = substr(h, 3)
				for (i = length(h) - 15; i >= 1; i -= 16) {
					be = substr(h, i, 16); le = ""
					for (j = 15; j >= 1; j -= 2)
						le = le substr(be, j, 2)
					at = (length(h) - i - 15) / 2
					printf "%s-%d-der %s\n%s-%d-word %s\n", n, at, be, n, at, le
				}
			}
		}'
}

# password: a random one, 32 characters of [A-Za-z0-9] (8 of them are
# 47 bits: no chance match in a memory image of 50 MB).
password() {
	openssl rand -base64 48 | tr -dc A-Za-z0-9 | cut -c1-32
}

# secret_pieces LABEL SECRET: the secret whole and in 8-byte pieces.
secret_pieces() {
	local hex &&
	hex=$(printf %s "$2" | hexes) &&
	echo "$1 $hex" &&
	printf %s "$hex" | fold -w16 |
	    awk -v l="$1" 'length == 16 { print l "-" (NR - 1) * 8, $0 }'
}

# nowhere CORE PIECES: no piece is in the memory image CORE; each one
# found is shown with its address and the bytes around it.  The figures
# (pieces, bytes searched, found) go to CORE.count.  One pass: perl
# makes an alternation of literals a trie.
nowhere() {
	perl - "$1" "$2" <<-"PL"
	use strict;
	my ($core, $list) = @ARGV;
	my $img = do { local $/; open(my $f, "<:raw", $core) or die "$core: $!"; <$f> };
	open(my $l, "<", $list) or die "$list: $!";
	my (%label, $bytes);
	while (<$l>) {
		my ($name, $hex) = split;
		my $b = pack("H*", $hex);
		$label{$b} = $name;
		$bytes += length $b;
	}
	# The LOAD segments of the ELF core: file offset -> address.
	my ($phoff) = unpack("Q<", substr($img, 0x20, 8));
	my ($phsize, $phnum) = unpack("S<S<", substr($img, 0x36, 4));
	my @loads;
	for my $i (0 .. $phnum - 1) {
		my ($type, $flags, $off, $va, $pa, $fsz) =
		    unpack("L<L<Q<Q<Q<Q<", substr($img, $phoff + $i * $phsize, 40));
		push @loads, [$off, $fsz, $va] if $type == 1;
	}
	my $rx = join "|", map { quotemeta } sort { length $b <=> length $a } keys %label;
	my $found = 0;
	while ($img =~ /($rx)/g) {
		my $at = $-[0];
		my $where = "outside memory (registers?)";
		for (@loads) {
			$where = sprintf("at 0x%x", $_->[2] + $at - $_->[0])
			    if $at >= $_->[0] && $at < $_->[0] + $_->[1];
		}
		printf STDERR "%s found %s: %s\n", $label{$1}, $where,
		    unpack("H*", substr($img, $at < 16 ? 0 : $at - 16, length($1) + 32));
		$found++;
	}
	open(my $c, ">", "$core.count") or die;
	printf $c "%d %d %d\n", scalar(keys %label), $bytes, $found;
	exit($found ? 1 : 0);
	PL
}

# somewhere CORE PIECES: some piece is in CORE (the controls).
somewhere() {
	! nowhere "$1" "$2" 2>/dev/null
}

# The site and its camera (started alongside, with an RSA key), then
# 6 s of footage for camextract run, recorded while the tests that do
# not need it run.
start_camera gate --live --fps 10 --gop 10 &
cam=$!
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt \
    -subj "/CN=RSA director" -days 2 2>/dev/null &
rsa=$!
director_site site
wait $cam
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
t0=$(date -u +%s)
camrec -C site record gate --for 6s 2>/dev/null &
rec=$!
request R1 "$(date -u -d "@$((t0 + 2))" +%Y-%m-%dT%H:%M:%SZ)" \
    "$(date -u -d "@$((t0 + 4))" +%Y-%m-%dT%H:%M:%SZ)"
key_pieces "$P/director.key" >director.pieces
key_pieces "$P/site.key" >site.pieces
# Cameras given credentials; nothing listens at their URL.
DOWN=rtsp://127.0.0.1:9/cam
PW1=$(password) PW2=$(password) PW3=$(password)
secret_pieces pw1 "$PW1" >pw1.pieces
secret_pieces pw2 "$PW2" >pw2.pieces
secret_pieces pw3 "$PW3" >pw3.pieces

expect_success 'camextract sign: the director key (EC) is found while held, not at exit' '
	under_gdb sign "break cam_crypto_read_key" run finish -- \
	    "$CAMKIT_BIN/camextract" -C site sign --key "$P/director.key" \
	    --cert "$P/director.crt" R1.yaml &&
	test "$(cat sign.rc)" = 0 && test -s R1.yaml.p7s &&
	somewhere sign.held.core director.pieces &&
	nowhere sign.core director.pieces
'

wait $rsa
expect_success 'camextract sign: nothing of an RSA key is left at exit' '
	key_pieces rsa.key >rsa.pieces &&
	sed "s/^id: R1/id: R2/" R1.yaml >R2.yaml &&
	under_gdb rsa -- "$CAMKIT_BIN/camextract" -C site sign --key rsa.key \
	    --cert rsa.crt R2.yaml &&
	test "$(cat rsa.rc)" = 0 && test -s R2.yaml.p7s &&
	nowhere rsa.core rsa.pieces
'

expect_success 'camctl camera add --password-file: neither the new password nor the old one is left' '
	printf "%s\n" "$PW1" >pw1 &&
	camctl -C site camera add door --url $DOWN --username admin \
	    --password-file pw1 >/dev/null &&
	# A credentials file left for the id: camctl reads it, to put it
	# back if the commit fails.
	cp site/private/credentials/door site/private/credentials/porch &&
	printf "%s\n" "$PW2" >pw2 &&
	under_gdb add -- "$CAMKIT_BIN/camctl" -C site camera add porch --url $DOWN \
	    --username admin --password-file pw2 &&
	test "$(cat add.rc)" = 0 && grep -qx "password=$PW2" site/private/credentials/porch &&
	cat pw1.pieces pw2.pieces >pw12.pieces &&
	nowhere add.core pw12.pieces
'

expect_success 'camctl camera add, the password on standard input: not left' '
	printf "%s\n" "$PW3" >pw3 &&
	under_gdb stdin -- "$CAMKIT_BIN/camctl" -C site camera add yard --url $DOWN \
	    --username admin <pw3 &&
	test "$(cat stdin.rc)" = 0 && grep -qx "password=$PW3" site/private/credentials/yard &&
	nowhere stdin.core pw3.pieces
'

wait $rec
stop_camera gate KILL

# camrec reads its first packet: connected.
expect_success 'camrec record: the camera password is found while connected, not at exit' '
	PW4=$(password) &&
	secret_pieces pw4 "$PW4" >pw4.pieces &&
	printf "%s\n" "$PW4" >pw4 &&
	start_camera vault --live --fps 10 --gop 10 --user admin --password "$PW4" &&
	camctl -C site camera add vault --url "$(camera_url vault)" --segment 5s \
	    --username admin --password-file pw4 >/dev/null &&
	under_gdb camrec "break av_read_frame@plt" run -- \
	    "$CAMKIT_BIN/camrec" -C site record vault --for 6s &&
	stop_camera vault KILL &&
	test "$(cat camrec.rc)" = 0 &&
	grep -q "	segment	" site.store/vault/manifest &&
	somewhere camrec.held.core pw4.pieces &&
	nowhere camrec.core pw4.pieces
'

expect_success 'camaudit cameras: the passwords are found while checked, not at exit' '
	cat pw1.pieces pw2.pieces pw3.pieces >pw123.pieces &&
	under_gdb audit "break cam_factory_creds_match" run -- \
	    "$CAMKIT_BIN/camaudit" -C site cameras &&
	test "$(cat audit.rc)" = 1 &&
	somewhere audit.held.core pw123.pieces &&
	nowhere audit.core pw123.pieces
'

expect_success 'camctl seal: nothing of the site key is left at exit' '
	under_gdb seal -- "$CAMKIT_BIN/camctl" -C site seal &&
	test "$(cat seal.rc)" = 0 &&
	nowhere seal.core site.pieces
'

expect_success 'camextract run: nothing of the site key is left at exit' '
	under_gdb run -- "$CAMKIT_BIN/camextract" -C site run R1.yaml -o R1.tar &&
	test "$(cat run.rc)" = 0 && tar -tf R1.tar | grep -qx SHA256SUMS.p7s &&
	nowhere run.core site.pieces
'

expect_success 'camaudit verify --key: nothing of the recipient key is left at exit' '
	sed "s/^id: R1/id: R3/" R1.yaml >R3.yaml && sign R3.yaml director &&
	camextract -C site run R3.yaml --encrypt-to "$P/recipient.crt" -o R3.tar >/dev/null &&
	key_pieces "$P/recipient.key" >recipient.pieces &&
	under_gdb decrypt -- "$CAMKIT_BIN/camaudit" -C site verify R3.tar \
	    --key "$P/recipient.key" &&
	test "$(cat decrypt.rc)" = 0 && has "^ok	decrypt" decrypt.gdb &&
	nowhere decrypt.core recipient.pieces
'

# The figures, for tests/README.
for c in sign rsa add stdin audit camrec seal run decrypt; do
	[ -f $c.core.count ] || continue
	read -r n bytes found <$c.core.count
	echo "# $c: $n pieces, $bytes bytes, found $found times" \
	    "in $(($(stat -c %s $c.core) >> 20)) MB"
done
done_testing
