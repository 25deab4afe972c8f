# tests/layers.pl, which make lint runs over lib/ and cmd/: the library
# keeps the map of lib/README, and the guard fails each kind of breach,
# named by file and line.
. "$CAMKIT_TOP/tests/lib.sh"

guard=$CAMKIT_TOP/tests/layers.pl
command -v perl >/dev/null || skip_all "no perl"

# tree: a small copy of the map: lib/README with three layers and one
# file in each.
tree() {
	mkdir -p lib/base lib/media lib/cli cmd &&
	printf '%s\n' 'A map.' 'layers: base < media < cli' 'may print: cli' \
	    >lib/README &&
	printf '%s\n' '#include "base/cam_err.h"' 'int f(void);' \
	    >lib/base/cam_err.h &&
	printf '%s\n' '#include "base/cam_err.h"' '/* never exit() here */' \
	    'static const char *s = "getenv(\"X\")";' >lib/media/cam_rec.c &&
	printf '%s\n' '#include <stdio.h>' '#include "media/cam_rec.h"' \
	    'void g(void) { fprintf(stderr, "x\n"); }' >lib/cli/cam_cli.c &&
	printf '%s\n' '#include "cli/cam_cli.h"' 'int main(void) { return 0; }' \
	    >cmd/camx.c
}

expect_success 'camkit'"'"'s own lib/ and cmd/ keep the map' '
	(cd "$CAMKIT_TOP" && "$guard" lib/*/*.[ch] cmd/*.c) >out &&
	test ! -s out
'

expect_success 'a tree that keeps the map passes: comments and strings do not count, cli prints' '
	tree &&
	"$guard" lib/*/* cmd/camx.c >out && test ! -s out
'

expect_success 'an include of a higher layer fails, named by file and line' '
	tree &&
	printf "%s\n" "int x;" "#include \"cli/cam_cli.h\"" >lib/media/cam_store.c &&
	must_fail 1 "$guard" lib/*/*.[ch] >out &&
	has "^lib/media/cam_store.c:2: includes \"cli/cam_cli.h\": cli is a higher layer than media$" out &&
	test "$(wc -l <out)" -eq 1
'

expect_success 'an include without its folder, or of a folder that is no layer, fails' '
	tree &&
	printf "%s\n" "#include \"cam_err.h\"" "#include \"extra/cam_x.h\"" \
	    >lib/base/cam_util.c &&
	printf "%s\n" "#include \"cam_cli.h\"" >cmd/camy.c &&
	must_fail 1 "$guard" lib/base/cam_util.c cmd/camy.c >out &&
	has "^lib/base/cam_util.c:1: includes \"cam_err.h\": name its layer folder" out &&
	has "^lib/base/cam_util.c:2: includes \"extra/cam_x.h\": extra/ is not a layer of lib/README$" out &&
	has "^cmd/camy.c:1: includes \"cam_cli.h\": name its layer folder" out
'

expect_success 'a file in a folder the map does not name, or in lib/ itself, fails' '
	tree &&
	mkdir lib/extra && echo "int y;" >lib/extra/cam_y.c && echo "int z;" >lib/cam_z.c &&
	must_fail 1 "$guard" lib/extra/cam_y.c lib/cam_z.c >out &&
	has "^lib/extra/cam_y.c:1: lies in lib/extra/, which lib/README does not name as a layer$" out &&
	has "^lib/cam_z.c:1: lies in lib/ itself, in no layer folder$" out
'

expect_success 'exit, printing and the environment fail below cli, each named by line' '
	tree &&
	printf "%s\n" "void a(void) { exit(1); }" "void b(void) { _exit(3); }" \
	    "void c(void) { fputs(\"x\", stderr); }" "void d(void) { puts(\"x\"); }" \
	    "void e(void) { write(2, \"x\", 1); }" "char *f(void) { return getenv(\"TZ\"); }" \
	    "extern char **environ;" "void g(void) { abort(); }" >lib/media/cam_bad.c &&
	must_fail 1 "$guard" lib/media/cam_bad.c >out &&
	has "^lib/media/cam_bad.c:1: a library file ends the process" out &&
	has "^lib/media/cam_bad.c:2: a library file ends the process" out &&
	has "^lib/media/cam_bad.c:3: a library file writes to the standard output or error" out &&
	has "^lib/media/cam_bad.c:4: a library file prints on the standard output or error" out &&
	has "^lib/media/cam_bad.c:5: a library file writes to the standard output or error" out &&
	has "^lib/media/cam_bad.c:6: a library file reads the environment" out &&
	has "^lib/media/cam_bad.c:7: a library file reads the environment" out &&
	hasnt "cam_bad.c:8:" out
'

expect_success 'no file, or a README without its layers line, is a usage error' '
	must_fail 2 "$guard" 2>err && has "^usage: layers.pl" err &&
	echo "no map" >README &&
	must_fail 2 "$guard" --readme README x.c 2>err &&
	has "^layers.pl: README: no line \"layers: base < ...\"" err
'

done_testing
