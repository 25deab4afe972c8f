# Power cuts: camrec and camlog run under an fsync-tracking shim
# (tests/powercut.c), the power is cut at random moments and at chosen
# syncs, and the data root is rebuilt as the cut leaves it: a file's
# bytes as at its last fsync, a name only if its directory was fsynced
# since it was made.  Then, after recovery: the manifest chain is valid,
# every segment it indexes exists and verifies, nothing indexed before
# the cut is lost, and every logbook entry a guard was told of is there.
. "$CAMKIT_TOP/tests/lib.sh"

PC=$CAMKIT_BIN/tests/powercut
[ -x "$PC" ] && [ -f "$PC.so" ] ||
    skip_all "tests/powercut not built (make all-tests)"

# What runs under the shim; under AddressSanitizer the shim is preloaded
# ahead of ASan's runtime.
power=(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
    LD_PRELOAD=$PC.so CAMKIT_POWERCUT_ROOT=$T/site.store
    CAMKIT_POWERCUT_SHADOW=$T/shadow)

# power_on: the data root as it is now is durable (as after a clean
# shutdown); from here on the shim notes what is made durable.
power_on() {
	rm -rf shadow && mkdir shadow && "$PC" snapshot site.store shadow ||
	    return 1
	if [ -f site.store/gate/manifest ]; then
		cp site.store/gate/manifest before.manifest
	fi
}

# power_cut: the data root that the cut left takes the place of the
# live one (kept as live.store until the next cut).
power_cut() {
	"$PC" rebuild shadow cut.store || return 1
	rm -rf live.store && mv site.store live.store && mv cut.store site.store
}

# record_until SECONDS: camrec under the shim, SIGKILLed after SECONDS.
record_until() {
	env "${power[@]}" camrec -C site record gate 2>>rec.err &
	local pid=$! &&
	sleep "$1" &&
	kill_wait $pid
}

# record_until_sync N[:SUFFIX]: camrec under the shim, which SIGKILLs it
# right after the N-th sync (of a path ending in SUFFIX).
record_until_sync() {
	CAMKIT_POWERCUT_AFTER=$1 env "${power[@]}" camrec -C site record gate \
	    2>>rec.err &
	local pid=$! i=0 &&
	# (The shell's notice of the kill is not wanted.)
	{
		while kill -0 $pid && [ $i -lt 300 ]; do
			i=$((i + 1)) && sleep 0.1 || return 1
		done &&
		if kill -0 $pid; then
			kill -KILL $pid; wait $pid; false
		fi
	} 2>/dev/null ||
	    { echo "no cut at sync $1 in 30 s" >&2; return 1; }
}

rand_time() { echo "$(($1 + RANDOM % $2)).$((RANDOM % 10))"; }

# after_cut WHAT: the checks, on the data root the cut left.  (Called
# in a chain, where set -e does nothing: each step says itself whether
# it failed.)
after_cut() {
	local m=site.store/gate/manifest n &&
	if [ ! -f $m ]; then
		echo "$1: the cut lost the manifest; the rebuilt root holds:" >&2
		(cd site.store && find . | sort) >&2
		return 1
	fi &&
	# The model's sanity: what was synced is the head of what was written.
	cmp -s -n "$(stat -c %s $m)" $m live.store/gate/manifest ||
	    { echo "$1: the durable manifest is not a head of the live one" >&2; return 1; }
	# Nothing journaled before this run is lost.
	if [ -f before.manifest ]; then
		n=$(stat -c %s before.manifest) &&
		[ "$(stat -c %s $m)" -ge "$n" ] && cmp -s -n "$n" before.manifest $m ||
		    { echo "$1: records journaled before the run are lost" >&2; return 1; }
	fi &&
	# Indexed segments whose file the cut took (before recovery can
	# hide them), for the message.
	grep "	segment	" $m | cut -f6 | jq -r .file | while read -r f; do
		[ -f "site.store/$f" ] || [ -f "site.store/$f.partial" ] ||
		    echo "$1: indexed segment $f is gone (neither it nor its .partial survived)" >&2 ||
		    return 1
	done >lost 2>&1 &&
	[ ! -s lost ] || { cat lost >&2; return 1; }
	camrec -C site recover gate >recover.out 2>recover.err ||
	    { echo "$1: recover failed:" >&2; cat recover.err >&2; return 1; }
	chain_ok $m || return 1
	# A crashed file whose copy is indexed is removed for good, not
	# brought back by the cut to be quarantined as if tampered with.
	! grep -q "indexed with another hash" $m ||
	    { echo "$1: a file came back beside its indexed copy:" >&2; grep "	quarantine	" $m >&2; return 1; }
	[ -z "$(find site.store -name "*.partial" -not -path "*/quarantine/*")" ] ||
	    { echo "$1: a .partial is left after recovery" >&2; return 1; }
	quarantine_unreadable $m || return 1
	camrec -C site verify gate >verify.out ||
	    { echo "$1: camrec verify:" >&2; cat verify.out >&2; return 1; }
	camaudit -C site journals >journals.out && ! grep -q "^FAIL" journals.out ||
	    { echo "$1: camaudit journals:" >&2; cat journals.out >&2; return 1; }
	# The figures: segments verified, partials recovered.
	printf '%s\t%s\t%s\n' "$1" \
	    "$(sed -n 's/^ok	gate	\([0-9]*\) segments.*/\1/p' verify.out)" \
	    "$(cut -f3 recover.out)" >>figures
}

recording_site site
mkdir -p site.store
start_camera gate --live
camctl -C site camera add gate --url "$(camera_url gate)" --segment 5s >/dev/null

# make stress sets CAMKIT_POWERCUTS=30.
cuts=${CAMKIT_POWERCUTS:-5}

expect_success "camrec: $cuts power cuts, each followed by recovery: nothing indexed is lost" '
	for i in $(seq $cuts); do
		power_on || exit 1
		case $((i % 4)) in
		1)	# Right after the first segment is indexed, before
			# it is renamed and its directory synced.
			what="cut $i, right after a segment is indexed" &&
			record_until_sync 2:/manifest || exit 1 ;;
		2)	k=$((1 + RANDOM % 6)) &&
			what="cut $i, right after sync $k" &&
			record_until_sync $k || exit 1 ;;
		3)	t=$(rand_time 1 7) &&
			what="cut $i, after $t s" &&
			record_until "$t" ;;
		0)	# A crash, a restart that recovers, then the cut.
			t=$(rand_time 1 4) t2=$(rand_time 1 6) &&
			what="cut $i, a crash after $t s then the cut $t2 s after the restart" &&
			record_until "$t" &&
			record_until "$t2" ;;
		esac &&
		power_cut || exit 1
		after_cut "$what" || exit 1
	done
'

expect_success 'the cuts left segments to check' '
	test "$(grep -c "	segment	" site.store/gate/manifest)" -ge 2
'

# camlog: a guard adds entries; the power is cut inside the k-th camlog
# (k >= 2), right after its j-th sync (the logbook's, then the audit
# trail's; the first camlog also syncs the root that the logbook is made
# in).
LB=site.store/logbook.journal
lcuts=3
expect_success "camlog: entries acknowledged before $lcuts power cuts survive them" '
	for i in $(seq $lcuts); do
		power_on || exit 1
		k=$((2 + RANDOM % 4)) j=$((1 + RANDOM % 3)) &&
		for n in $(seq $((k - 1))); do
			env "${power[@]}" camlog -C site add "cut $i entry $n" >>acks ||
			    { echo "camlog add failed" >&2; exit 1; }
		done &&
		# (Killed by the cut after its j-th sync, or done before it,
		# as when j passes the syncs that camlog makes.)
		{ CAMKIT_POWERCUT_AFTER=$j env "${power[@]}" camlog -C site add "cut $i, cut here" >>acks ||
		    test $? = 137; } 2>/dev/null &&
		# (The cut may leave the logbook made but still empty.)
		power_cut && { [ ! -s $LB ] || chain_ok $LB; } &&
		    chain_ok site.store/audit.journal || exit 1
		while read -r seq; do
			camlog -C site show "$seq" >/dev/null ||
			    { echo "cut $i (camlog $k, sync $j): entry $seq was acknowledged, then lost" >&2; exit 1; }
		done <acks &&
		camaudit -C site journals >journals.out && ! grep -q "^FAIL" journals.out ||
		    { cat journals.out >&2; exit 1; }
	done &&
	test "$(wc -l <acks)" -ge 1
'

if [ -f figures ]; then
	m=site.store/gate/manifest
	awk -F'\t' '{ n++; checks += $2; last = $2; rec += $3 } END {
	    printf "# %d cuts: %d segments indexed at the end, %d segment checks in all, %d .partial recovered\n",
	    n, last, checks, rec }' figures
	echo "# $(grep -c "	quarantine	" $m) quarantined, $(grep -c "	repair	" $m) torn lines repaired; $(wc -l <acks) logbook entries acknowledged"
fi
stop_camera gate
done_testing
