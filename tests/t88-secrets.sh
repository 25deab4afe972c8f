# Secrets and privileges: private files are 0600 and refused when looser,
# units run as the dedicated user, and a guard can read neither the
# camera credentials nor the site key, directly or through camkit.
. "$CAMKIT_TOP/tests/lib.sh"

PW=s3cr3t-Pw-7781
recording_site site
mkdir -p site.store
pki_site site
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null
printf "%s\n" "$PW" >pw
camctl -C site camera add door --url "$(camera_url gate)" --segment 5s \
    --username admin --password-file pw >/dev/null
rm pw

expect_success 'credentials and the site key are written and kept 0600 in a 0700 private/' '
	test "$(stat -c %a site/private)" = 700 &&
	test "$(stat -c %a site/private/credentials)" = 700 &&
	test "$(stat -c %a site/private/credentials/door)" = 600 &&
	test "$(stat -c %a site/private/site.key)" = 600 &&
	! git -C site ls-files | grep -q private/ &&
	! git -C site log -p --all | grep -q "$PW"
'

expect_success 'a 0644 site key is refused with a clear message; 0600 is accepted' '
	chmod 644 site/private/site.key &&
	must_fail 1 camctl -C site seal 2>err &&
	has "site/private/site.key: mode 0644 lets others read the site key; it must be 0600 or 0400 \(chmod 600 " err &&
	chmod 600 site/private/site.key && camctl -C site seal >/dev/null
'

expect_success 'a site key that is a symbolic link is refused' '
	mv site/private/site.key site/private/real.key &&
	ln -s real.key site/private/site.key &&
	must_fail 1 camctl -C site seal 2>err && has "site.key: a symbolic link" err &&
	rm site/private/site.key && mv site/private/real.key site/private/site.key
'

expect_success 'camctl seal takes the site key from $CREDENTIALS_DIRECTORY when it holds site.key (the sealing unit), else from private/' '
	mkdir -p creds && chmod 700 creds &&
	install -m 600 site/private/site.key creds/site.key &&
	install -m 644 site/private/site.crt creds/site.crt &&
	mv site/private/site.key site/private/away.key &&
	must_fail 3 camctl -C site seal 2>err && has "site/private/site.key: No such file" err &&
	CREDENTIALS_DIRECTORY=$T/creds camctl -C site seal >out &&
	has "^sealed	audit.journal	" out &&
	mkdir -p nokey && CREDENTIALS_DIRECTORY=$T/nokey must_fail 3 camctl -C site seal 2>err &&
	has "site/private/site.key: No such file" err &&
	mv site/private/away.key site/private/site.key &&
	CREDENTIALS_DIRECTORY=$T/nokey camctl -C site seal >out &&
	has "^sealed	audit.journal	" out &&
	camaudit -C site journals >j && hasnt "^FAIL" j
'

expect_success 'a 0640 credentials file is refused with a clear message, the password never shown' '
	chmod 640 site/private/credentials/door &&
	camrec -C site record door --for 2s >out 2>&1 &&
	has "credentials/door: others may read it; its mode must be 0600 or 0400" site.store/door/manifest &&
	hasnt "$PW" out && hasnt "$PW" site.store/door/manifest &&
	chmod 600 site/private/credentials/door &&
	chmod 755 site/private/credentials &&
	camrec -C site record door --for 2s >out 2>&1 &&
	has "credentials: mode 755 lets others in; it must be 0700" site.store/door/manifest &&
	chmod 700 site/private/credentials &&
	! grep -rq "$PW" site.store
'

expect_success 'units: every service runs as the dedicated user, never root (camctl sync alone as root, confined)' '
	for f in "$CAMKIT_TOP"/conf/*.service; do
		# camctl sync writes the units and tells systemd, as
		# camctl units does: root, without new privileges.
		case $f in
		*/camkit-sync.service)
			hasnt "^User=" "$f" && has "^NoNewPrivileges=yes$" "$f" &&
			has "^ProtectHome=yes$" "$f" || exit 1
			continue ;;
		esac &&
		has "^User=@USER@$" "$f" && has "^Group=@GROUP@$" "$f" &&
		hasnt "^User=root" "$f" || exit 1
	done &&
	camctl -C site units --output units >/dev/null &&
	n=0 && for f in units/*.service; do
		case $f in units/camkit-sync.service) continue ;; esac &&
		n=$((n + 1)) &&
		has "^User=camkit$" "$f" && hasnt "^User=(root|0)$" "$f" || exit 1
	done && test $n -ge 3 &&
	has "^LoadCredential=camera:.*/private/credentials/door$" units/camrec@door.service.d/camkit.conf &&
	hasnt "$PW" units/camrec@door.service.d/camkit.conf &&
	camctl -C site units --cron --output cron >/dev/null &&
	awk "/^[^#]/ && NF > 5 && \$6 != \"camkit\" { bad = 1 } END { exit bad }" cron/camkit
'

expect_success 'a guard reads neither the credentials nor the site key, directly or through camkit' '
	{ can_add_users || skip_test "needs root, useradd, setpriv"; } &&
	g=ckg-$$ svc=cks-$$ && temp_user $g && temp_user $svc &&
	camctl -C site user add --no-check $g --role guard >/dev/null &&
	chmod 711 "$T" && chown -R $svc site && audit_helper site &&
	chmod -R go+rX site.store && chmod go+rx site &&
	chmod 700 site/private && chmod 600 site/private/site.key &&
	# Directly.
	! as $g cat site/private/site.key 2>/dev/null &&
	! as $g cat site/private/credentials/door 2>/dev/null &&
	! as $g ls site/private 2>/dev/null &&
	# Through the programs run as the guard.
	! as $g camctl -C site seal >out 2>&1 &&
	! as $g camrec -C site record door --for 1s >>out 2>&1 &&
	must_fail 1 as $g camctl -C site probe door --seconds 1 >>out 2>&1 &&
	as $g camctl -C site camera show door >>out 2>&1 &&
	! as $g camextract -C site sign --key site/private/site.key \
	    --cert site/private/site.crt /dev/null >>out 2>&1 &&
	! as $g camaudit -C site verify site/private/site.key --key site/private/site.key >>out 2>&1 &&
	# Through the set-user-id camlog, which runs as the service account
	# that owns private/.
	G() { as $g "$T/sbin/camlog" "$@"; } &&
	! G -C site/private list >>out 2>&1 &&
	! G -C site/private/credentials list >>out 2>&1 &&
	mkdir -m 777 gdir && as $g mkdir gdir/evil &&
	as $g ln -s "$T/site/private/credentials/door" gdir/evil/camkit.yaml &&
	! G -C gdir/evil list >>out 2>&1 &&
	G -C site list >>out 2>&1 &&
	hasnt "$PW" out && hasnt "PRIVATE KEY" out &&
	hasnt "$(sed -n 2p site/private/site.key | cut -c1-20)" out &&
	has "site/private: not a camkit configuration directory" out && has "owned by uid" out &&
	has "refused: $g holds no role that may seal" out && hasnt "not in the audit trail" out &&
	tail -n 1 site.store/audit.journal | cut -f6 | jq -e --arg g $g ".actor == \$g and .outcome == \"refused\"" >/dev/null
'

stop_camera gate
done_testing
