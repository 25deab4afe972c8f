# camctl camera: add, list, show, set, enable, disable, rm; secrets.
. "$CAMKIT_TOP/tests/lib.sh"

camctl -C site init --site Test --host rec1 >/dev/null && test_root site
commits() { git -C site rev-list --count HEAD; }
printf 'S3cr3t-pass\n' >pw

expect_success 'camera add commits with the user as author and a clear message' '
	camctl -C site camera add gate --url rtsp://10.0.0.21:554/Streaming/Channels/101 \
	    --name "Cổng chính" --location "Cổng trước, tầng 1" \
	    --username admin --password-file pw >out &&
	has "^committed	[0-9a-f]{12}	camera add gate$" out &&
	git -C site log -1 --format="%an|%ae|%s" >log &&
	test "$(cat log)" = "$(id -un)|$(id -un)@$(hostname)|camera add gate" &&
	test -z "$(git -C site status --porcelain)"
'

expect_success 'git sees the camera in the committed file' '
	git -C site show HEAD:camkit.yaml >c &&
	has "^  - id: gate$" c &&
	has "^    name: \"Cổng chính\"$" c &&
	has "^    credential: gate$" c
'

expect_success 'the comments of the file are kept' '
	git -C site show HEAD~1:camkit.yaml | grep "^#" >before &&
	grep "^#" site/camkit.yaml >after &&
	cmp_text before after
'

expect_success 'credentials go to private/, mode 0600, never into git' '
	test "$(stat -c %a site/private)" = 700 &&
	test "$(stat -c %a site/private/credentials)" = 700 &&
	test "$(stat -c %a site/private/credentials/gate)" = 600 &&
	printf "username=admin\npassword=S3cr3t-pass\n" >want &&
	cmp_text want site/private/credentials/gate &&
	! git -C site log --all -p | grep -q S3cr3t-pass &&
	! git -C site log --all --name-only --format= | grep -q private
'

expect_success 'a password on standard input works too' '
	printf "other-pass\n" | camctl -C site camera add yard \
	    --url rtsps://cam-yard.local/live --username viewer >out &&
	has "camera add yard" out &&
	has "^password=other-pass$" site/private/credentials/yard
'

expect_success 'camera list: tab-separated, one line a camera' '
	camctl -C site camera list >out &&
	printf "gate\tenabled\trec1\t1m\trtsp://10.0.0.21:554/Streaming/Channels/101\tCổng chính\nyard\tenabled\trec1\t1m\trtsps://cam-yard.local/live\t-\n" >want &&
	cmp_text want out
'

expect_success 'camera list --json is valid JSON for jq' '
	camctl -C site camera list --json >out &&
	test "$(jq -r ".[0].name" out)" = "Cổng chính" &&
	test "$(jq -r ".[1].url" out)" = "rtsps://cam-yard.local/live" &&
	test "$(jq ".[0].segment" out)" = 60 &&
	test "$(jq ".[0].enabled" out)" = true &&
	test "$(jq length out)" = 2
'

expect_success 'camera show, text and JSON' '
	camctl -C site camera show gate >out &&
	has "^location	Cổng trước, tầng 1$" out &&
	has "^credential	gate$" out &&
	camctl -C site camera show gate --json | jq -e ".id == \"gate\"" &&
	must_fail 1 camctl -C site camera show nope 2>err &&
	has "no camera \"nope\"" err
'

expect_success 'camera set changes keys, key= removes one' '
	camctl -C site camera set gate segment=30s model=DS-2CD2143 \
	    firmware=V5.7.3 transport=udp >out &&
	has "camera set gate segment=30s model=DS-2CD2143 firmware=V5.7.3 transport=udp" out &&
	camctl -C site camera show gate --json >j &&
	test "$(jq .segment j)" = 30 && test "$(jq -r .transport j)" = udp &&
	test "$(jq -r .firmware j)" = V5.7.3 &&
	camctl -C site camera set gate model= >/dev/null &&
	test "$(camctl -C site camera show gate --json | jq -r .model)" = null
'

expect_success 'camera set refuses bad values before touching anything' '
	n=$(commits) &&
	must_fail 1 camctl -C site camera set gate segment=2s 2>err &&
	has "segment 2s: must be from 5s to 1h" err &&
	must_fail 1 camctl -C site camera set gate url=rtsp://u:p@10.0.0.1/x 2>err &&
	has "credentials in the URL" err &&
	must_fail 2 camctl -C site camera set gate colour=red 2>err &&
	has "unknown key \"colour\"" err &&
	must_fail 2 camctl -C site camera set gate url= 2>err &&
	must_fail 1 camctl -C site camera set nope name=x 2>err &&
	has "no camera \"nope\"" err &&
	test "$(commits)" = "$n" && test -z "$(git -C site status --porcelain)"
'

expect_success 'a camera names its wall stream: --live-url, live_url=' '
	camctl -C site camera add hall --url rtsp://10.0.0.9/main \
	    --live-url rtsp://10.0.0.9/sub >out &&
	camctl -C site camera show hall --json >j &&
	test "$(jq -r .live_url j)" = rtsp://10.0.0.9/sub &&
	camctl -C site camera show hall >out &&
	has "^live_url	rtsp://10.0.0.9/sub$" out &&
	n=$(commits) &&
	must_fail 1 camctl -C site camera set hall live_url=http://10.0.0.9/x 2>err &&
	has "live_url: not an rtsp:// or rtsps:// URL" err &&
	must_fail 1 camctl -C site camera set hall live_url=rtsp://u:p@10.0.0.9/x 2>err &&
	has "credentials in the URL" err &&
	test "$(commits)" = "$n" &&
	camctl -C site camera set hall live_url= >/dev/null &&
	test "$(camctl -C site camera show hall --json | jq -r .live_url)" = null &&
	camctl -C site camera rm hall >/dev/null
'

expect_success 'camera disable and enable' '
	camctl -C site camera disable yard >out && has "camera disable yard" out &&
	test "$(camctl -C site camera show yard --json | jq .enabled)" = false &&
	camctl -C site camera enable yard >/dev/null &&
	test "$(camctl -C site camera show yard --json | jq .enabled)" = true
'

expect_success 'camera add refuses bad input and commits nothing' '
	n=$(commits) &&
	must_fail 1 camctl -C site camera add gate --url rtsp://10.0.0.9/x 2>err &&
	has "camera \"gate\" already exists" err &&
	must_fail 1 camctl -C site camera add ../etc --url rtsp://10.0.0.9/x 2>err &&
	has "bad camera id" err &&
	must_fail 1 camctl -C site camera add cam2 --url "rtsp://admin:pw@10.0.0.9/x" 2>err &&
	has "credentials in the URL" err && hasnt "admin:pw" err &&
	must_fail 2 camctl -C site camera add cam2 2>err &&
	has "url is required" err &&
	test "$(commits)" = "$n" && test ! -e site/private/credentials/cam2
'

expect_success 'a refused camera add leaves no credential file behind' '
	must_fail 1 camctl -C site camera add gate --url rtsp://10.0.0.9/x \
	    --username u --password-file pw 2>err &&
	has "already exists" err &&
	printf "username=admin\npassword=S3cr3t-pass\n" >want &&
	cmp_text want site/private/credentials/gate
'

expect_success 'uncommitted hand edits block camctl changes' '
	echo "# a note" >>site/camkit.yaml &&
	must_fail 1 camctl -C site camera add cam3 --url rtsp://10.0.0.9/x 2>err &&
	has "has uncommitted edits" err &&
	has "^# a note$" site/camkit.yaml &&
	git -C site checkout -q camkit.yaml
'

expect_success 'a loose private/ is refused, not used' '
	chmod 755 site/private &&
	must_fail 1 camctl -C site camera add cam4 --url rtsp://10.0.0.9/x \
	    --username u --password-file pw 2>err &&
	has "mode 755 lets others in" err &&
	chmod 700 site/private
'

expect_success 'camera rm removes it and its credential file' '
	camctl -C site camera rm yard >out && has "camera rm yard" out &&
	test ! -e site/private/credentials/yard &&
	test "$(camctl -C site camera list | wc -l)" = 1 &&
	camctl -C site camera rm gate >/dev/null &&
	has "^cameras: \[\]" site/camkit.yaml &&
	camctl -C site check >/dev/null
'

expect_success 'the list can be filled again after being emptied' '
	camctl -C site camera add lobby --url rtsp://10.0.0.30/x >/dev/null &&
	camctl -C site camera list | grep -q "^lobby	"
'

expect_success 'a bad recording host is refused' '
	must_fail 1 camctl -C site camera set lobby "host=bad host/../x" 2>err &&
	has "bad host name" err &&
	camctl -C site camera set lobby host=rec2 >/dev/null &&
	camctl -C site camera show lobby | grep -qx "host	rec2"
'

expect_success 'a password typed at a terminal is not echoed' '
	{ command -v script >/dev/null || skip_test "no script(1)"; } &&
	{ sleep 1 && printf "typed-secret\r" && sleep 1; } |
	    script -qec "camctl -C site camera add tty --url rtsp://10.0.0.40/x --username u" \
	    /dev/null >typescript 2>&1 &&
	has "password for u:" typescript &&
	hasnt typed-secret typescript &&
	has "^password=typed-secret$" site/private/credentials/tty
'

expect_success 'the author is the real Unix user, whatever $USER says' '
	USER=mallory LOGNAME=mallory GIT_AUTHOR_NAME=mallory \
	    camctl -C site camera set lobby name=Sảnh >/dev/null &&
	test "$(git -C site log -1 --format=%an)" = "$(id -un)"
'

expect_success 'another Unix user commits under their own name' '
	if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null; then
		skip_test "needs root and useradd"
	fi &&
	u=camkit-t$$ &&
	temp_user "$u" &&
	chmod 711 "$T" && mkdir own && chown "$u" own &&
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups \
	    env HOME=/nonexistent "$CAMKIT_BIN/camctl" -C own/site init >/dev/null &&
	mkdir own/store && chown "$u" own/store &&
	sed -i "s|^  root: /var/lib/camkit |  root: $T/own/store|" own/site/camkit.yaml &&
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups \
	    env HOME=/nonexistent "$CAMKIT_BIN/camctl" -C own/site commit -m storage >/dev/null &&
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups \
	    env HOME=/nonexistent "$CAMKIT_BIN/camctl" -C own/site user add "$u" --role operator >/dev/null &&
	test "$(git -C own/site log -1 --format=%an)" = "$u" &&
	test "$(git -C own/site log -1 --format=%ae)" = "$u@$(hostname)"
'

done_testing
