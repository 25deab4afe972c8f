#!/bin/sh
# manlint.sh PAGE...: every man page renders as written.  Both formatters
# must have nothing to say about it: mandoc -Tlint -Wall, and groff as
# man(1) runs it for a UTF-8 terminal (preconv, then troff with every
# warning on: a line it cannot break, a glyph it lacks, a macro it does
# not know).  Prints what they say and exits 1 if they said anything.
#
# mandoc looks up each .Xr among the manuals installed on this host.
# camkit's own pages are looked up beside PAGE instead: they need not be
# installed to be linted.  A page of another package that this host does
# not have is reported as "not checked" (the reference cannot be checked
# here), which is not a failure.
set -u
[ $# -gt 0 ] || { echo "usage: tests/manlint.sh page ..." >&2; exit 2; }
for tool in mandoc groff preconv; do
	command -v "$tool" >/dev/null ||
	    { echo "manlint: $tool not found (make deps)" >&2; exit 3; }
done
out=$(mktemp) || exit 3
err=$(mktemp) || exit 3
trap 'rm -f "$out" "$err"' EXIT
bad=0
for page in "$@"; do
	dir=$(dirname "$page")
	# mandoc's two outputs are kept apart, then put one after the other:
	# its standard output is buffered, and
	# a message of the one could come in the middle of the other's
	mandoc -Tlint -Wall "$page" >"$out" 2>"$err"
	cat "$err" >>"$out"
	while IFS= read -r line; do
		case $line in
		# the page is installed, the host's database older than it
		*": outdated mandoc.db lacks "*) continue ;;
		# mandoc counts a UTF-8 letter as the bytes of its escape
		# (\[u1EA1]): a translated page's line is measured in
		# characters instead
		*": STYLE: input text line longer than 80 bytes: "*)
			n=${line#"mandoc: $page:"}
			n=${n%%:*}
			if [ "$(/usr/bin/perl -CSD -ne \
			    "if (\$. == $n) { chomp; print length; last }" \
			    "$page")" -le 80 ]; then
				continue
			fi ;;
		*": STYLE: referenced manual not found: Xr "*)
			set -f
			# shellcheck disable=SC2086
			set -- ${line##*: Xr }
			set +f
			# a translation (man/vi) refers to the pages above it
			if [ -f "$dir/$1.$2" ] || [ -f "$dir/../$1.$2" ]; then
				continue
			fi
			case $1 in
			cam*) ;;
			*)	echo "manlint: $page: not checked: $1($2)" \
				    "is not installed here"
				continue ;;
			esac ;;
		esac
		echo "$line"
		bad=1
	done <"$out"
	LC_ALL=C groff -Kutf-8 -Tutf8 -mdoc -ww -z "$page" >"$out" 2>&1
	if [ -s "$out" ]; then
		cat "$out"
		bad=1
	fi
done
exit "$bad"
