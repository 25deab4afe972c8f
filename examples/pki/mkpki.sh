#!/bin/sh
# mkpki.sh DIR: a demo PKI for camkit, made with openssl alone.
#
#   DIR/ca.crt, ca.key            the demo certification authority
#   DIR/director.crt, .key        the Director, who approves requests
#   DIR/unit-head.crt, .key       a unit head, who certifies them
#   DIR/site.crt, site.key        the recording site's key: it seals
#                                 journals and signs archives
#   DIR/recipient.crt, .key       a recipient of encrypted archives
#   DIR/rogue-ca.crt, .key        an authority nobody trusts (tests)
#   DIR/rogue.crt, rogue.key      a key it certified (tests)
#   DIR/director-expired.crt, .key  the Director's name, certified by
#                                 the CA for 2020 only: expired (tests)
#   DIR/director-selfsigned.crt, .key  the Director's name, self-signed,
#                                 under no CA (tests)
#
# EC P-256 keys, certificates valid for DAYS days (default 825).  Never use
# these keys for real: they are made without a passphrase.
set -eu
dir=${1:?usage: mkpki.sh DIR [DAYS]}
days=${2:-825}
mkdir -p "$dir"
cd "$dir"
umask 077

key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key" 2>/dev/null
}

# ca NAME SUBJECT: a self-signed authority.
ca() {
	key "$1"
	openssl req -utf8 -new -x509 -key "$1.key" -out "$1.crt" -days 3650 \
	    -subj "$2" -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# leaf NAME SUBJECT ISSUER: a key certified by ISSUER for signing.
leaf() {
	key "$1"
	openssl req -utf8 -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
	printf '%s\n' basicConstraints=CA:FALSE \
	    keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement \
	    >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" \
	    -CAcreateserial -out "$1.crt" -days "$days" \
	    -extfile "$1.ext" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}

[ -f ca.crt ] || ca ca "/C=VN/O=Demo Office/CN=Demo camkit CA"
leaf director "/C=VN/O=Demo Office/CN=Giám đốc Demo" ca
leaf unit-head "/C=VN/O=Demo Office/OU=Phòng Demo/CN=Trưởng phòng Demo" ca
leaf site "/C=VN/O=Demo Office/CN=camkit site rec1" ca
leaf recipient "/C=VN/O=Công an Demo/CN=Người nhận Demo" ca
[ -f rogue-ca.crt ] || ca rogue-ca "/CN=Rogue CA"
leaf rogue "/C=VN/O=Demo Office/CN=Giám đốc Demo" rogue-ca

# expired NAME SUBJECT ISSUER: a key certified by ISSUER for a time long
# past.  `openssl x509 -req` of OpenSSL 3.0 cannot set the start date;
# a throwaway `openssl ca`, its database in a temporary directory, can.
expired() {
	key "$1"
	openssl req -utf8 -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
	db=$(mktemp -d)
	: >"$db/index.txt"
	echo 01 >"$db/serial"
	printf '%s\n' '[ca]' 'default_ca = past' '[past]' \
	    "database = $db/index.txt" "new_certs_dir = $db" \
	    "serial = $db/serial" 'default_md = sha256' 'policy = any' \
	    'unique_subject = no' 'preserve = yes' 'x509_extensions = leaf' \
	    '[any]' 'countryName = optional' 'organizationName = optional' \
	    'organizationalUnitName = optional' 'commonName = supplied' \
	    '[leaf]' 'basicConstraints = CA:FALSE' \
	    'keyUsage = critical,digitalSignature,nonRepudiation' \
	    >"$db/ca.cnf"
	openssl ca -batch -config "$db/ca.cnf" -cert "$3.crt" \
	    -keyfile "$3.key" -in "$1.csr" -out "$1.crt" -notext \
	    -startdate 20200101000000Z -enddate 20201231235959Z 2>/dev/null
	rm -rf "$db" "$1.csr"
}

# selfsigned NAME SUBJECT: a certificate nobody vouches for.
selfsigned() {
	key "$1"
	openssl req -utf8 -new -x509 -key "$1.key" -out "$1.crt" -days "$days" \
	    -subj "$2" -addext basicConstraints=CA:FALSE \
	    -addext keyUsage=critical,digitalSignature,nonRepudiation \
	    2>/dev/null
}

expired director-expired "/C=VN/O=Demo Office/CN=Giám đốc Demo" ca
selfsigned director-selfsigned "/C=VN/O=Demo Office/CN=Giám đốc Demo"
chmod 644 ./*.crt
