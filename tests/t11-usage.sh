# Every program's usage() is its man page's SYNOPSIS, and its parser takes
# exactly what the SYNOPSIS shows, where it shows it.
. "$CAMKIT_TOP/tests/lib.sh"

# The programs checked.  A new program joins by its name here, and by a
# value below for any placeholder its SYNOPSIS brings.
PROGS="camctl camrec camlog camextract camaudit camview"

# What each placeholder of a SYNOPSIS stands for when the forms are run:
# WHERE PLACEHOLDER VALUE, where WHERE is a program and verb ("camctl
# camera add"), a program, or * for any, looked up in that order.
# Paths are relative to the copy of the fixture each form runs in.
VALUES='
camctl init	dir	new
camctl camera add	id	door
camctl user add	name	guard2
camctl crl rm	path	trust/crl/none.crl
camctl crl add	file	pw
camctl	key	name
camctl	value	Gate
camctl	name	guard1
camctl	text	Cổng
camrec	id	1
camrec	duration	1s
camrec	bytes	500K
camlog	text	ghi-chú
camlog	user	guard1
camextract request new	file	new.yaml
camextract sign	file	r.yaml.sig
camextract run	archive	out.tar
camextract	key	pki/director.key
camextract	cert	pki/director.crt
camextract	file	r.yaml.director.p7s
camaudit	archive	a.tar
camview	addr:port	127.0.0.1:1
camview	n	60
camview	file	r.yaml.director.p7s
camaudit	file	defaults
camaudit	url	s3://camkit/
*	dir	site
*	camera	gate
*	id	gate
*	host	rec1
*	zone	Asia/Ho_Chi_Minh
*	message	msg
*	count	3
*	rev	HEAD
*	url	rtsp://127.0.0.1:9/cam
*	duration	10s
*	model	M1
*	version	1.0
*	user	cam
*	file	pw
*	role	guard
*	n	1
*	time	2026-01-01T00:00:00Z
*	seq	1
*	kind	note
*	text	note
*	request	r.yaml
*	archive	a.tar
*	cert	pki/site.crt
*	yyyy-mm	2026-01
'

# synopsis PROG: the forms of PROG(1)'s SYNOPSIS, one a line, each
# placeholder (what mdoc sets with Ar) written {name}.
synopsis() {
	mandoc -Tascii -Owidth=1000 "$CAMKIT_TOP/man/$1.1" |
	    sed 's/_\x08\(.\)/{\1}/g; s/}{//g; s/.\x08//g' |
	    sed -n '/^SYNOPSIS/,/^[A-Z]/{/^  */p;}' | sed 's/^ *//; s/ *$//'
}

# forms PROG: each form of the SYNOPSIS with every optional part in and
# the Nth alternative of each "a | b" (the first where it has fewer),
# for N = 1 ... the most alternatives; "..." dropped.
forms() {
	synopsis "$1" | awk '
	{
		s = $0; gsub(/\[/, " [ ", s); gsub(/\]/, " ] ", s)
		n = split(s, t, " "); u = 0; most = 1
		for (i = 1; i <= n; i++) {
			w = t[i]
			if (w == "[" || w == "]" || w == "{...}" || w == "...")
				continue
			if (w == "|") {
				if (u == 0 || i == n || t[i - 1] == "]" ||
				    t[i + 1] == "[") {
					print "cannot expand: " $0 >"/dev/stderr"
					exit 1
				}
				w = t[++i]; alt[u, ++na[u]] = w
				if (na[u] > most)
					most = na[u]
				continue
			}
			alt[++u, 1] = w; na[u] = 1
		}
		for (k = 1; k <= most; k++) {
			f = ""
			for (j = 1; j <= u; j++)
				f = f (j > 1 ? " " : "") alt[j, k <= na[j] ? k : 1]
			if (!seen[f]++)
				print f
		}
		for (j = 1; j <= u; j++)
			delete na[j]
	}'
}

# options PROG: every option of the SYNOPSIS with its placeholder (or
# the first of its literal values), one a line, as "-o {file}" or "-v".
options() {
	synopsis "$1" | awk '
	{
		s = $0; gsub(/\[/, " [ ", s); gsub(/\]/, " ] ", s)
		n = split(s, t, " ")
		for (i = 2; i <= n; i++) {
			if (t[i] !~ /^-/)
				continue
			o = t[i]
			if (i < n && t[i + 1] !~ /^(\[|\]|\||-)/)
				o = o " " t[i + 1]
			if (!seen[o]++)
				print o
		}
	}'
}

# fill PROG: each line of the standard input with its placeholders
# replaced by their VALUES; an unknown placeholder is an error.
fill() {
	printf '%s\n' "$VALUES" >"$T/values" &&
	awk -v prog="$1" -F '\t' '
	NR == FNR { if (NF == 3) v[$1, $2] = $3; next }
	{
		# the verb: the first words that are neither options nor
		# placeholders
		verb = ""; n = split($0, w, /[ \t]+/)
		for (i = 2; i <= n && (w[i] ~ /^-/ || w[i] ~ /^\{/); i++)
			;
		for (; i <= n && w[i] !~ /^-/ && w[i] !~ /\{/; i++)
			verb = verb " " w[i]
		s = $0; out = ""
		while (match(s, /\{[^}]*\}/)) {
			p = substr(s, RSTART + 1, RLENGTH - 2)
			if ((prog verb, p) in v)
				r = v[prog verb, p]
			else if ((prog, p) in v)
				r = v[prog, p]
			else if (("*", p) in v)
				r = v["*", p]
			else {
				print prog ": no value for placeholder " p \
				    " in tests/t11-usage.sh" >"/dev/stderr"
				exit 1
			}
			out = out substr(s, 1, RSTART - 1) r
			s = substr(s, RSTART + RLENGTH)
		}
		print out s
	}' "$T/values" -
}

# The fixture every form runs against, copied afresh: a recording site
# with the demo PKI, a camera, a user, a signed request, a file that is
# not an archive and a camera-defaults file.  It is made in $T/w, where
# each copy goes, so that its storage root is the copy's own.
fixture() {
	mkdir w && director_site w/site && cd w &&
	camctl -C site camera add gate --url rtsp://127.0.0.1:9/cam >/dev/null &&
	camctl -C site user add --no-check guard1 --role guard >/dev/null &&
	cp -r "$T/pki" pki &&
	request r "$(date -u -d '-2 hours' +%Y-%m-%dT%H:00:00Z)" \
	    "$(date -u -d '-1 hours' +%Y-%m-%dT%H:00:00Z)" &&
	sign r.yaml director &&
	printf 'secret\n' >pw && printf 'acme\tadmin\tadmin\n' >defaults &&
	printf 'not an archive\n' >a.tar &&
	chmod 750 site.store &&
	camlog -C site add a first entry >/dev/null &&
	camrec -C site hold add gate --from 2026-01-01T00:00:00Z \
	    --to 2026-01-01T01:00:00Z --reason test >/dev/null &&
	cd "$T" && mv w fx
}

# fresh: a fresh copy of the fixture in $T/w.
fresh() {
	rm -rf "$T/w" && cp -a "$T/fx" "$T/w"
}

# run_form LINE: runs the command LINE (no quoting: words split at
# spaces) in $T/w; its exit status, its output in $T/form.out and
# $T/form.err.
run_form() {
	# shellcheck disable=SC2086 # split at spaces, set -f: no globbing
	(cd "$T/w" && set -f && CAMKIT_DIR="$T/w/site" \
	    timeout 20 $1 </dev/null >"$T/form.out" 2>"$T/form.err")
}

# accepts PROG: every form of PROG's SYNOPSIS, all its options given,
# gets past the parser: not a usage error (2), not a crash.
accepts() {
	local f rc bad=0 &&
	forms "$1" >"$1.forms" &&
	fill "$1" <"$1.forms" >"$1.runs" &&
	[ -s "$1.runs" ] &&
	while IFS= read -r f; do
		fresh &&
		rc=0 &&
		{ run_form "$f" || rc=$?; } &&
		printf '%s\t%s\t%s\n' "$rc" "$f" "$(head -c 200 "$T/form.err")" \
		    >>"$1.results" &&
		# a server still serving when the timeout ends it
		case $rc:$f in
		124:"camview "*" serve"*) rc=0 ;;
		esac &&
		case $rc in
		0 | 1 | 3) ;;
		*)	echo "exit $rc: $f" >&2 &&
			sed 's/^/    /' "$T/form.err" >&2 &&
			bad=1 ;;
		esac || return 1
	done <"$1.runs" &&
	[ "$bad" -eq 0 ]
}

# split: each form of the standard input as PRE<TAB>VERB<TAB>POST: the
# program and its global options, the verb's words (camera add), the
# rest; a form without a verb (-h | --help) is left out.
split() {
	awk '{
		pre = $1; verb = ""; i = 2
		for (; i <= NF && ($i ~ /^-/ || $i ~ /^\{/); i++)
			pre = pre " " $i
		for (; i <= NF && $i !~ /^-/ && $i !~ /\{/; i++)
			verb = verb (verb == "" ? "" : " ") $i
		post = ""
		for (; i <= NF; i++)
			post = post (post == "" ? "" : " ") $i
		if (verb != "")
			print pre "\t" verb "\t" post
	}'
}

# refused LINE: running LINE is a usage error (exit 2).
refused() {
	local rc=0 &&
	{ run_form "$1" || rc=$?; } &&
	if [ "$rc" -ne 2 ]; then
		echo "exit $rc, not 2: $1" >&2 &&
		sed 's/^/    /' "$T/form.err" >&2 &&
		return 1
	fi
}

# refuses PROG: each option of PROG's SYNOPSIS, given right after the
# verb of a form that does not show it there, is a usage error, and so
# is each global option (one that comes before a verb somewhere) given
# before the verb of a form that does not show it there.
refuses() {
	local pre verb post o bad=0 globals prog gl &&
	# In steps: a placeholder without a value fails the case rather
	# than vanish in a pipe.
	options "$1" >"$1.o" && fill "$1" <"$1.o" >"$1.opts" &&
	forms "$1" >"$1.f" && split <"$1.f" >"$1.s" &&
	fill "$1" <"$1.s" >"$1.sf" && awk '!seen[$0]++' "$1.sf" >"$1.split" &&
	[ -s "$1.opts" ] && [ -s "$1.split" ] &&
	globals=" $(cut -f1 "$1.split" | tr '\n' ' ') " &&
	while IFS='	' read -r pre verb post; do
		prog=${pre%% *} &&
		gl=${pre#"$prog"} &&
		# Refused, the runs change nothing: one copy for the form.
		fresh &&
		while IFS= read -r o; do
			# "PROG VERB --help" alone: the verb's own help
			case " $post " in
			*" ${o%% *} "*) ;;
			"  ") case "$o" in -h|--help) ;;
			      *) refused "$pre $verb $o $post" || bad=1 ;;
			      esac ;;
			*) refused "$pre $verb $o $post" || bad=1 ;;
			esac &&
			# a global option (one shown before some verb)
			# before this verb
			case "$globals" in
			*" ${o%% *} "*)
				case " $pre " in
				*" ${o%% *} "*) ;;
				*) refused "$prog $o$gl $verb $post" || bad=1 ;;
				esac ;;
			esac || return 1
		done <"$1.opts" || return 1
	done <"$1.split" &&
	[ "$bad" -eq 0 ]
}

# parsed PROG: every option PROG's parser knows (the long options of
# its option tables, the letters of its getopt strings) is in its
# SYNOPSIS.
parsed() {
	local src="$CAMKIT_TOP/cmd/$1.c" o bad=0 &&
	synopsis "$1" | tr ' []|' '\n\n\n\n' | grep '^-' | sort -u >"$1.syn" &&
	# A file, not a pipe into sort: a source it cannot read fails here.
	{ sed -n 's/.*{ "\([a-z][a-z0-9-]*\)", *[a-z]*_argument.*/--\1/p' "$src" &&
	  grep -o '\(getopt_long\|next_opt\)(argc, argv, "[^"]*"' "$src" |
	      sed 's/.*argv, "+*//; s/[:"]//g' | fold -w1 | sed -n 's/^./-&/p' &&
	  # the parsers of lib/cli/cam_cli.c the program calls
	  if grep -q cam_cli_run "$src"; then
		printf '%s\n' -C -h --help --version
	  fi &&
	  if grep -q cam_cli_json_only "$src"; then
		echo --json
	  fi
	} >"$1.parsed.all" &&
	sort -u "$1.parsed.all" >"$1.parsed" &&
	[ -s "$1.parsed" ] &&
	while read -r o; do
		if ! grep -qx -- "$o" "$1.syn"; then
			echo "$1 takes $o, which its SYNOPSIS does not show" >&2 &&
			bad=1
		fi || return 1
	done <"$1.parsed" &&
	[ "$bad" -eq 0 ]
}

# examples: each command of a camkit program shown in README.md and in
# the EXAMPLES of the man pages, as SOURCE<TAB>COMMAND, joined across
# "\" line ends; a leading "$ ", "# ", "sudo " or "echo ... |" is taken
# off, and so is what follows a pipe or "&&" to another program.
examples() {
	local re p &&
	re=$(echo "$PROGS" | tr ' ' '|') &&
	# In files, not pipes: a page mandoc cannot render fails here.
	{
		awk -v re="^(echo .*\\| *)?($re) " '
		/^    / { s = $0; sub(/^ +/, "", s)
			if (cont)
				cmd = cmd " " s
			else if (s ~ re && $0 ~ /^    [^ ]/)
				cmd = s
			else
				next
			cont = sub(/ *\\$/, "", cmd)
			if (!cont)
				print "README.md\t" cmd
			next }
		{ cont = 0 }' "$CAMKIT_TOP/README.md" &&
		for p in "$CAMKIT_TOP"/man/*.[1-8]; do
			mandoc -Tutf8 -Owidth=1000 "$p" >"$T/examples.page" &&
			sed 's/.\x08//g' "$T/examples.page" |
			    sed -n '/^EXAMPLES/,/^[A-Z]/p' |
			    awk -v re="^(sudo )?(echo .*\\| *)?($re) " \
				-v f="man/${p##*/}" '
			/^ +[$#] / { s = $0; sub(/^ +[$#] /, "", s)
				if (s !~ re) { cont = 0; next }
				cmd = s; cont = sub(/ *\\$/, "", cmd)
				if (!cont)
					print f "\t" cmd
				next }
			cont { s = $0; sub(/^ +/, "", s); cmd = cmd " " s
				cont = sub(/ *\\$/, "", cmd)
				if (!cont)
					print f "\t" cmd }' || return 1
		done
	} >"$T/examples.all" &&
	sed 's/\t\(sudo \)\{0,1\}\(echo .*| *\)\{0,1\}/\t/; s/ *|$//' \
	    "$T/examples.all" |
	    sed 's/ | .*$//; s/ *&& *[^c].*$//'
}

# run_example COMMAND: COMMAND, with the default configuration directory
# and data root the fixture's, run by sh in $T/w, where the directories
# camctl units writes by default are empty file systems of its own.
run_example() {
	(cd "$T/w" && CAMKIT_DIR="$T/w/site" unshare -m sh -c '
	    mount -t tmpfs units /etc/systemd/system &&
	    mount -t tmpfs cron /etc/cron.d &&
	    exec timeout 10 sh -c "$0"' "$(printf '%s\n' "$1" |
	    sed "s|/etc/camkit|$T/w/site|g; s|/var/lib/camkit|$T/w/site.store|g")" \
	    </dev/null >"$T/form.out" 2>"$T/form.err")
}

# can_sandbox: run_example can keep camctl units off this host's units.
can_sandbox() {
	[ -d /etc/systemd/system ] && [ -d /etc/cron.d ] &&
	    unshare -m sh -c 'mount -t tmpfs t /etc/cron.d' 2>/dev/null
}

expect_success 'the fixture: a site with a camera, a user and a signed request' '
	fixture
'

# The bodies read the program from $p, set by the loop when each is run.
for p in $PROGS; do
	expect_success "usage() prints exactly the SYNOPSIS of $p(1)" '
		"$p" --help >"$p.help.all" &&
		awk "NF == 0 { exit } 1" "$p.help.all" >"$p.help" &&
		sed "s/^usage: //" "$p.help" | tr -s " \n" "  " |
		    sed "s/ \$//" >"$p.usage" &&
		synopsis "$p" >"$p.synopsis.raw" &&
		sed "s/[{}]//g" "$p.synopsis.raw" | tr -s " \n" "  " |
		    sed "s/ \$//" >"$p.synopsis" &&
		test -s "$p.usage" && cmp_text "$p.synopsis" "$p.usage"
	'
	expect_success "$p takes no option its SYNOPSIS does not show" '
		parsed "$p"
	'
	expect_success "$p takes every form of its SYNOPSIS, all options given" '
		accepts "$p"
	'
	expect_success "$p refuses an option where its SYNOPSIS does not put it" '
		refuses "$p"
	'
done

# examples_parse: every example command (examples) runs in the fixture
# and is not a usage error or a crash: it exits 0, 1 or 3, or, a
# recorder, is still recording when the timeout ends it.
examples_parse() {
	local src cmd rc bad=0 &&
	examples >examples.list &&
	[ "$(grep -c '^README.md' examples.list)" -ge 15 ] &&
	[ "$(grep -c '^man/' examples.list)" -ge 40 ] &&
	fresh &&
	while IFS='	' read -r src cmd; do
		rc=0 &&
		{ run_example "$cmd" || rc=$?; } &&
		printf '%s\t%s\t%s\n' "$rc" "$src" "$cmd" >>examples.results &&
		case $rc:$cmd in
		[013]:* | 124:"camrec "*record*) ;;
		*)	echo "$src: exit $rc: $cmd" >&2 &&
			sed 's/^/    /' "$T/form.err" >&2 &&
			bad=1 ;;
		esac || return 1
	done <examples.list &&
	[ "$bad" -eq 0 ]
}

expect_success 'every example command of README.md and the man pages parses' '
	can_sandbox ||
	    skip_test "needs root, unshare -m and /etc/systemd/system," \
		"/etc/cron.d (camctl units writes there)"
	examples_parse
'

done_testing
