# Shared by the bench scripts that time camkit commands (sourced; they
# define note()).
#
# timed NAME CMD...: "WALL_S CPU_S PEAK_MIB EXIT" of CMD into r[NAME]
# (CPU: user + system of the command alone, not of a server it talks
# to), its output in NAME.out and NAME.err, /usr/bin/time's in NAME.time.
declare -A r
timed() {
	local name=$1 rc=0 wall cpu rss
	shift
	/usr/bin/time -v -o "$name.time" "$@" >"$name.out" 2>"$name.err" ||
	    rc=$?
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":");
	    s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' \
	    "$name.time")
	cpu=$(awk -F': ' '/(User|System) time/ { s += $2 } END { printf "%.2f", s }' \
	    "$name.time")
	rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' \
	    "$name.time")
	r[$name]="$wall $cpu $rss $rc"
	note "$prog: $name: $wall s, $cpu s CPU, $rss MiB peak, exit $rc"
}
