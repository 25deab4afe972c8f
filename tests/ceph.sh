#!/bin/bash
# A throw-away single-node Ceph cluster with an S3 gateway, for the
# tests/c*.sh files (make ceph-check): one monitor, one OSD on memstore
# (the objects live in the OSD's memory), pools of size 1 and radosgw's
# beast frontend on 127.0.0.1, all inside one directory, as root and
# without systemd.  Debian's ceph-mon, ceph-osd, radosgw, ceph-common
# (Ceph 16.2); no manager: the monitor alone makes the pools and the
# gateway asks for them itself.  cephx is off: only loopback listens.
#
# Sourced: ceph_start DIR starts it and sets CEPH_ENDPOINT
# (http://127.0.0.1:PORT), CEPH_AK and CEPH_SK (an S3 user's keys),
# CEPH_CONF and CEPH_S3CFG (an s3cmd configuration for that user); it
# also writes them to DIR/env.  ceph_stop DIR kills every daemon it
# started and removes DIR.  ceph_why says why the last start failed.
# Run: tests/ceph.sh start DIR | stop DIR  (start prints DIR/env).
#
# Every function is one && chain (tests/chainlint.pl), as in lib.sh.

# ceph_missing: the programs this needs and does not find (none: "").
ceph_missing() {
	local p m= &&
	for p in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool \
	    monmaptool s3cmd python3 curl; do
		command -v "$p" >/dev/null || m="$m $p" || return 1
	done &&
	echo "${m# }"
}

# ceph_port: a TCP port free on 127.0.0.1 now.
ceph_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ceph_wait SECONDS CMD...: run CMD every 0.2 s until it succeeds.
ceph_wait() {
	local n=$(($1 * 5)) &&
	shift &&
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1)) &&
		if [ "$n" -le 0 ]; then
			return 1
		fi &&
		sleep 0.2 || return 1
	done
}

# ceph_step DIR WHAT CMD...: run CMD, its output added to DIR/log/steps;
# if it fails, ceph_fail with WHAT and the last lines it wrote.
ceph_step() {
	local d=$1 what=$2 &&
	shift 2 &&
	echo "\$ $*" >>"$d/log/steps" &&
	if ! "$@" >"$d/log/step.out" 2>&1; then
		cat "$d/log/step.out" >>"$d/log/steps" &&
		ceph_fail "$d" "$what ($1 failed: $(tail -n 3 "$d/log/step.out" | tr '\n' ' '))"
		return 1
	fi &&
	cat "$d/log/step.out" >>"$d/log/steps"
}

# ceph_fail DIR WHAT: record why the start failed (ceph_why), with the
# last lines of the logs, and fail.
ceph_fail() {
	{
		echo "$2" &&
		for l in "$1"/log/*.log; do
			if [ -f "$l" ]; then
				echo "--- ${l##*/}" && tail -n 5 "$l"
			fi || return 1
		done
	} >"$1/why" 2>&1 &&
	return 1
}
ceph_why() { cat "$1/why" 2>/dev/null; }

ceph_start() {
	local d=$1 fsid monport rgwport uuid id t0 &&
	t0=$(date +%s.%N) &&
	mkdir -p "$d/mon.a" "$d/osd.0" "$d/run" "$d/log" &&
	d=$(cd "$d" && pwd) &&
	fsid=$(cat /proc/sys/kernel/random/uuid) &&
	monport=$(ceph_port) &&
	rgwport=$(ceph_port) &&
	CEPH_AK=CAMKITTESTACCESSKEY0 &&
	CEPH_SK=camkit-test-secret-key-for-ceph-000000000 &&
	CEPH_CONF=$d/ceph.conf &&
	CEPH_ENDPOINT=http://127.0.0.1:$rgwport &&
	cat >"$CEPH_CONF" <<-EOF &&
	[global]
	fsid = $fsid
	mon host = v2:127.0.0.1:$monport
	mon initial members = a
	public network = 127.0.0.0/8
	ms bind msgr1 = false
	auth cluster required = none
	auth service required = none
	auth client required = none
	ms mon client mode = crc
	client mount timeout = 30
	run dir = $d/run
	pid file = $d/run/\$name.pid
	log file = $d/log/\$name.log
	log to stderr = false
	err to stderr = true
	crash dir = $d/crash
	osd pool default size = 1
	osd pool default min size = 1
	osd pool default pg num = 8
	osd pool default pgp num = 8
	osd pool default pg autoscale mode = off
	mon allow pool size one = true
	mon allow pool delete = true
	mon max pg per osd = 1000
	mon warn on pool no redundancy = false
	osd crush chooseleaf type = 0
	[mon]
	admin socket = $d/run/\$name.asok
	mon data = $d/mon.\$id
	mon cluster log file = $d/log/cluster.log
	# A nearly full /tmp must not stop the monitor (default: under 5 %).
	mon data avail crit = 0
	[osd]
	admin socket = $d/run/\$name.asok
	osd data = $d/osd.\$id
	osd objectstore = memstore
	memstore device bytes = 2147483648
	osd crush initial weight = 1
	osd memory target = 1073741824
	osd op num shards = 1
	osd op num threads per shard = 2
	[client.rgw]
	admin socket = $d/run/\$name.asok
	rgw frontends = beast endpoint=127.0.0.1:$rgwport
	rgw data = $d/rgw
	rgw thread pool size = 32
	rgw enable usage log = false
	rgw dns name = 127.0.0.1
	EOF
	echo "start $(date +%T)" >"$d/times" &&
	ceph_step "$d" "monmaptool" monmaptool --create --fsid "$fsid" \
	    --addv a "[v2:127.0.0.1:$monport]" "$d/monmap" &&
	ceph_step "$d" "ceph-mon --mkfs" ceph-mon -c "$CEPH_CONF" --mkfs -i a \
	    --monmap "$d/monmap" &&
	ceph_step "$d" "ceph-mon did not start" ceph-mon -c "$CEPH_CONF" -i a &&
	{ ceph_wait 30 ceph -c "$CEPH_CONF" --connect-timeout 5 mon stat ||
	    ceph_fail "$d" "the monitor did not answer in 30 s"; } &&
	echo "mon $(date +%T)" >>"$d/times" &&
	uuid=$(cat /proc/sys/kernel/random/uuid) &&
	ceph_step "$d" "ceph osd new" ceph -c "$CEPH_CONF" osd new "$uuid" &&
	ceph_step "$d" "ceph-osd --mkfs (memstore)" ceph-osd -c "$CEPH_CONF" \
	    -i 0 --mkfs --osd-uuid "$uuid" &&
	ceph_step "$d" "ceph-osd did not start" ceph-osd -c "$CEPH_CONF" -i 0 &&
	{ ceph_wait 60 ceph_osd_up "$CEPH_CONF" ||
	    ceph_fail "$d" "the OSD was not up in 60 s"; } &&
	echo "osd $(date +%T)" >>"$d/times" &&
	ceph_step "$d" "radosgw did not start" radosgw -c "$CEPH_CONF" -n client.rgw &&
	{ ceph_wait 90 curl -sf -o /dev/null "$CEPH_ENDPOINT/" ||
	    ceph_fail "$d" "radosgw did not answer on $CEPH_ENDPOINT in 90 s"; } &&
	echo "rgw $(date +%T)" >>"$d/times" &&
	ceph_step "$d" "radosgw-admin user create" radosgw-admin -c "$CEPH_CONF" \
	    user create --uid=camkit --display-name=camkit \
	    --access-key="$CEPH_AK" --secret-key="$CEPH_SK" &&
	CEPH_S3CFG=$d/s3cfg &&
	cat >"$CEPH_S3CFG" <<-EOF &&
	[default]
	access_key = $CEPH_AK
	secret_key = $CEPH_SK
	host_base = 127.0.0.1:$rgwport
	host_bucket = 127.0.0.1:$rgwport
	use_https = False
	signature_v2 = False
	bucket_location = default
	EOF
	{ ceph_wait 30 s3cmd -c "$CEPH_S3CFG" ls ||
	    ceph_fail "$d" "an S3 request as the user did not answer in 30 s"; } &&
	CEPH_SECONDS=$(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null ||
	    python3 -c "import sys; print(round($(date +%s.%N) - $t0, 1))") &&
	echo "ready $(date +%T) ($CEPH_SECONDS s)" >>"$d/times" &&
	cat >"$d/env" <<-EOF &&
	CEPH_DIR=$d
	CEPH_CONF=$CEPH_CONF
	CEPH_ENDPOINT=$CEPH_ENDPOINT
	CEPH_AK=$CEPH_AK
	CEPH_SK=$CEPH_SK
	CEPH_S3CFG=$CEPH_S3CFG
	CEPH_SECONDS=$CEPH_SECONDS
	EOF
	export CEPH_CONF CEPH_ENDPOINT CEPH_AK CEPH_SK CEPH_S3CFG CEPH_SECONDS
}

# ceph_osd_up CONF: osd.0 is up and in.
ceph_osd_up() {
	ceph -c "$1" --connect-timeout 5 osd dump 2>/dev/null |
	    grep -q '^osd\.0 up  *in '
}

# ceph_stop DIR: kill the daemons whose pid files DIR holds, and remove
# DIR once they are gone.  SIGKILL at once: the cluster is thrown away,
# and on SIGTERM the OSD would first write its memstore out to DIR
# (7 s of a test's time).
ceph_stop() {
	local d=$1 p pids= n=50 &&
	if [ ! -d "$d" ]; then
		return 0
	fi &&
	for p in "$d"/run/*.pid; do
		if [ -f "$p" ]; then
			pids="$pids $(cat "$p")"
		fi || return 1
	done &&
	for p in $pids; do
		kill -9 "$p" 2>/dev/null || [ ! -d "/proc/$p" ] || return 1
	done &&
	while [ "$n" -gt 0 ] && ceph_alive $pids; do
		sleep 0.2 &&
		n=$((n - 1)) || return 1
	done &&
	rm -rf "$d"
}
ceph_alive() {
	local p &&
	for p in "$@"; do
		[ ! -d "/proc/$p" ] || return 0
	done &&
	return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	case ${1:-} in
	start)
		m=$(ceph_missing) &&
		if [ -n "$m" ]; then
			echo "tests/ceph.sh: missing:$m (make ceph-deps)" >&2 &&
			exit 2
		fi &&
		if ceph_start "${2:?usage: tests/ceph.sh start DIR}"; then
			cat "$2/env"
		else
			ceph_why "$2" >&2
			exit 1
		fi ;;
	stop) ceph_stop "${2:?usage: tests/ceph.sh stop DIR}" ;;
	*) echo "usage: tests/ceph.sh start DIR | stop DIR" >&2 && exit 2 ;;
	esac
fi
