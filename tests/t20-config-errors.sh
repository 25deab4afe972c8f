# Bad configuration is reported as file:line:col and never committed.
. "$CAMKIT_TOP/tests/lib.sh"

camctl -C site init --site Test --host rec1 >/dev/null && test_root site
commits() { git -C site rev-list --count HEAD; }

# edit_and_refuse: the hand edit in site/camkit.yaml must be refused by
# camctl commit with exit 1, leave HEAD as it was, and say $1 on stderr.
edit_and_refuse() {
	n=$(commits) &&
	must_fail 1 camctl -C site commit -m "hand edit" 2>err || return 1
	has "$1" err || return 1
	test "$(commits)" = "$n" || { echo "a commit was made" >&2; return 1; }
	git -C site diff --cached --quiet || { echo "something was staged" >&2; return 1; }
	git -C site checkout -q camkit.yaml
}

expect_success 'malformed YAML: file:line:col of the syntax error' '
	printf "site:\n  name: [unclosed\nstorage: {}\n" >site/camkit.yaml &&
	edit_and_refuse "^camctl: site/camkit.yaml:[0-9]+:[0-9]+: "
'

expect_success 'a tab in indentation is a syntax error at its line' '
	sed -i "s/^  name: .*/\tname: Test/" site/camkit.yaml &&
	edit_and_refuse "^camctl: site/camkit.yaml:13:1: "
'

expect_success 'unknown key: named, with its line and column' '
	sed -i "s/^  retention_days: 30/  retension_days: 30/" site/camkit.yaml &&
	line=$(grep -n retension_days site/camkit.yaml | cut -d: -f1) &&
	edit_and_refuse "site/camkit.yaml:$line:3: unknown key \"retension_days\" in storage"
'

expect_success 'every error of a file is reported at once' '
	sed -i "s/^  retention_days: 30/  retention_days: many/; s/^  max_usage: .*/  max_usage: lots/" site/camkit.yaml &&
	edit_and_refuse "retention_days\" must be a whole number" &&
	has "max_usage\" must be a percent" err
'

expect_success 'wrong types: a quoted number, a list for a string, a bad bool' '
	sed -i "s/^  retention_days: 30/  retention_days: \"30\"/" site/camkit.yaml &&
	edit_and_refuse "\"retention_days\" must be a whole number" &&
	sed -i "s/^  name: .*/  name: [a, b]/" site/camkit.yaml &&
	edit_and_refuse "\"name\" must be a string, not a list" &&
	sed -i "s/^  unit_head_signature: true/  unit_head_signature: maybe/" site/camkit.yaml &&
	edit_and_refuse "must be true or false"
'

# add_cameras ID URL: a camera "gate" and the given one, by hand.
add_cameras() {
	awk -v id="$1" -v url="$2" '$0 == "cameras: []" {
		print "cameras:"
		print "  - id: gate"
		print "    url: rtsp://10.0.0.21/ch1"
		print "  - id: " id
		print "    url: " url
		next } { print }' site/camkit.yaml >site/camkit.yaml.new &&
	mv site/camkit.yaml.new site/camkit.yaml
}

expect_success 'duplicate camera id: both lines named' '
	add_cameras gate rtsp://10.0.0.22/ch1 &&
	edit_and_refuse "duplicate camera id \"gate\" \(first at line [0-9]+\)"
'

expect_success 'credentials in a camera URL are refused' '
	add_cameras hall rtsp://admin:12345@10.0.0.22/ch1 &&
	edit_and_refuse "credentials in a URL" &&
	hasnt 12345 err
'

expect_success 'bad URLs: scheme, port, spaces' '
	add_cameras hall http://10.0.0.22/x &&
	edit_and_refuse "not an rtsp:// or rtsps:// URL" &&
	add_cameras hall rtsp://10.0.0.22:99999/x &&
	edit_and_refuse "bad port" &&
	add_cameras Hall_1 rtsp://10.0.0.22/x &&
	edit_and_refuse "bad id \"Hall_1\""
'

expect_success 'a password anywhere in camkit.yaml is refused' '
	sed -i "s/^  host: rec1/  host: rec1\n  password: hunter2/" site/camkit.yaml &&
	edit_and_refuse "\"password\": passwords and user names do not belong in camkit.yaml" &&
	add_cameras hall rtsp://10.0.0.22/x &&
	sed -i "s|^    url: rtsp://10.0.0.22/x|    url: rtsp://10.0.0.22/x\n    username: admin|" site/camkit.yaml &&
	edit_and_refuse "\"username\": passwords and user names"
'

expect_success 'a private key committed anywhere in the repository is refused' '
	mkdir -p site/trust &&
	openssl genpkey -algorithm ED25519 -out site/trust/oops.pem 2>/dev/null &&
	n=$(commits) &&
	must_fail 1 camctl -C site commit -m "add key" 2>err &&
	has "trust/oops.pem: holds a private key" err &&
	test "$(commits)" = "$n" &&
	rm -rf site/trust
'

expect_success 'trust files must be committed X.509 certificates' '
	sed -i "s|^  ca: \[\]|  ca: [trust/ca.pem]|" site/camkit.yaml &&
	edit_and_refuse "trust/ca.pem: named under trust in camkit.yaml but not committed" &&
	mkdir -p site/trust && echo "not a certificate" >site/trust/ca.pem &&
	sed -i "s|^  ca: \[\]|  ca: [trust/ca.pem]|" site/camkit.yaml &&
	edit_and_refuse "trust/ca.pem: not an X.509 certificate" &&
	sed -i "s|^  ca: \[\]|  ca: [/etc/ssl/certs/x.pem]|" site/camkit.yaml &&
	edit_and_refuse "must be a path inside the configuration repository" &&
	rm -rf site/trust
'

expect_success 'a real certificate under trust/ is accepted' '
	mkdir -p site/trust &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout key.pem -out site/trust/ca.pem -subj "/CN=Test CA" \
	    -days 30 2>/dev/null &&
	sed -i "s|^  ca: \[\]|  ca: [trust/ca.pem]|" site/camkit.yaml &&
	camctl -C site commit -m "trust the test CA" >out &&
	has "^committed	[0-9a-f]{12}	trust the test CA$" out &&
	git -C site ls-files | grep -qx trust/ca.pem
'

expect_success 'aliases (billion laughs) and deep nesting are refused' '
	cat >>site/camkit.yaml <<-YAML &&
	x: &a [1, 2]
	y: [*a, *a]
	YAML
	edit_and_refuse "anchors and aliases are not allowed" &&
	deep=$(printf "[%.0s" $(seq 40))$(printf "]%.0s" $(seq 40)) &&
	echo "z: $deep" >>site/camkit.yaml &&
	edit_and_refuse "nested too deeply"
'

expect_success 'an empty file and a second document are refused' '
	: >site/camkit.yaml &&
	edit_and_refuse "empty configuration" &&
	printf -- "---\nsite: {name: a}\n---\nsite: {name: b}\n" >site/camkit.yaml &&
	edit_and_refuse "only one YAML document"
'

expect_success 'invalid UTF-8 and control characters in values are refused' '
	printf "site:\n  name: \"bad\\\\x01name\"\n" >site/camkit.yaml &&
	edit_and_refuse "control characters or invalid UTF-8" &&
	printf "site:\n  name: \"\xff\xfe\"\n" >site/camkit.yaml &&
	edit_and_refuse "site/camkit.yaml:"
'

expect_success 'a hand edit that is valid is committed with its message' '
	sed -i "s/^  retention_days: 30/  retention_days: 90/" site/camkit.yaml &&
	camctl -C site commit -m "keep footage 90 days" >out &&
	git -C site log -1 --format="%an|%s" >log &&
	test "$(cat log)" = "$(id -un)|keep footage 90 days" &&
	git -C site show HEAD:camkit.yaml | grep -q "retention_days: 90"
'

expect_success 'nothing to commit is exit 1' '
	must_fail 1 camctl -C site commit -m again 2>err &&
	has "nothing to commit" err
'

expect_success 'the example configuration in examples/ is valid' '
	cp "$CAMKIT_TOP/examples/camkit.yaml" site/camkit.yaml &&
	sed -i "s|^  root: /var/lib/camkit|  root: $T/site.store|" site/camkit.yaml &&
	mkdir -p site/trust &&
	for who in ca director heads head-vp deputy-vp; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$who.key" -out "site/trust/$who.pem" \
		    -subj "/CN=$who" -days 30 2>/dev/null || exit 1
	done &&
	camctl -C site commit -m "example" >/dev/null &&
	test "$(camctl -C site camera list | wc -l)" = 3 &&
	camctl -C site camera show archive-room | grep -qx "host	rec2" &&
	camctl -C site camera show gate | grep -qx "host	rec1"
'

expect_success 'a secret-looking key is refused even when empty' '
	sed -i "s/^  host: rec1/  host: rec1\n  password: \"\"/" site/camkit.yaml &&
	edit_and_refuse "\"password\": passwords and user names"
'

expect_success 'commit messages with control characters are refused' '
	sed -i "s/^  retention_days: [0-9]*/  retention_days: 45/" site/camkit.yaml &&
	must_fail 2 camctl -C site commit -m "$(printf "bad\033[31m")" 2>err &&
	has "control characters" err &&
	camctl -C site commit -m "$(printf "first line\n\nmore detail")" >out &&
	has "^committed	[0-9a-f]{12}	first line$" out &&
	git -C site log -1 --format=%b | grep -qx "more detail"
'

done_testing
