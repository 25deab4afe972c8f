# valgrind --leak-check=full over real runs: camrec recording a live
# camera across segment boundaries, then verify, camaudit, camlog,
# camextract and camaudit verify on what it recorded.  Each run: exit as
# usual, no memory error, nothing definitely or indirectly lost.
. "$CAMKIT_TOP/tests/lib.sh"

case $CAMKIT_BIN in
*/asan) skip_all "valgrind cannot run a sanitized build" ;;
esac
command -v valgrind >/dev/null || skip_all "no valgrind (make deps)"
shim=$CAMKIT_BIN/tests/hwytimer.so
[ -f "$shim" ] || skip_all "no $shim (make all-tests)"

# vg NAME CMD...: CMD under memcheck, its report in NAME.vg; checked by
# vg_clean NAME.  99 is the exit status of a memcheck error.
vg() {
	local name=$1 &&
	shift &&
	LD_PRELOAD=$shim valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --track-fds=no --log-file="$T/$name.vg" "$@"
}
vg_clean() {
	if [ -s "$T/$1.vg" ]; then
		echo "valgrind: $1:" >&2
		head -60 "$T/$1.vg" >&2
		return 1
	fi
}

P=$T/pki
director_site site
start_camera gate --live --fps 10 --gop 10
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null

expect_success 'camrec record, 12 s across two segment boundaries' '
	vg record camrec -C site record gate --for 12s 2>err &&
	test -e record.vg && vg_clean record &&
	test "$(segments site gate | wc -l)" -ge 2 &&
	test "$(tail -1 site.store/gate/manifest | cut -f5)" = record-stop
'
stop_camera gate

expect_success 'camrec verify, camaudit recordings and journals, camlog add' '
	vg verify camrec -C site verify gate >out &&
	vg_clean verify &&
	vg recordings camaudit -C site recordings >out &&
	vg_clean recordings &&
	vg journals camaudit -C site journals >out &&
	vg_clean journals &&
	vg camlog camlog -C site add "checked under valgrind" &&
	vg_clean camlog
'

expect_success 'camextract sign and run, camaudit verify of the archive' '
	first=$(cut -f6 site.store/gate/manifest | jq -r "select(.start) | .start" | head -1) &&
	request R1 "$(date -u -d "$first +2 sec" +%Y-%m-%dT%H:%M:%SZ)" \
	    "$(date -u -d "$first +8 sec" +%Y-%m-%dT%H:%M:%SZ)" &&
	vg sign camextract -C site sign --key "$P/director.key" \
	    --cert "$P/director.crt" R1.yaml >out &&
	vg_clean sign &&
	vg run camextract -C site run R1.yaml -o R1.tar >out 2>err &&
	vg_clean run &&
	vg audit camaudit -C site verify R1.tar >out &&
	vg_clean audit &&
	has "^ok	" out
'

expect_success 'a refusal (an unsigned request) is clean too' '
	sed "s/^id: R1/id: R2/" R1.yaml >R2.yaml &&
	must_fail 1 vg refuse camextract -C site run R2.yaml -o R2.tar 2>err &&
	vg_clean refuse &&
	test ! -e R2.tar
'

done_testing
