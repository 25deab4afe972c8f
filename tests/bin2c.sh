#!/bin/sh
# bin2c NAME < FILE > FILE.c: a text file as a NUL-terminated C string.
name=${1:?usage: bin2c NAME}
echo "/* generated from a data file; do not edit */"
echo "const char $name[] ="
od -An -v -tx1 | tr -s ' \n' '  ' | sed 's/^ //; s/ $//' | tr ' ' '\n' |
    awk 'NF { printf "\\x%s", $1; if (++n % 16 == 0) printf "\"\n" "\"" }
	BEGIN { printf "\"" } END { printf "\";\n" }'
