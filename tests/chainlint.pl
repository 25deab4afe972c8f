#!/usr/bin/perl
# chainlint: every command of a test body counts (tests/README).
#
# Usage: tests/chainlint.pl FILE...
#
# Reads shell test files (and tests/lib.sh) and checks, in the spirit
# of git's t/chainlint.pl, that the body of every expect_success and
# every function the file defines is one && chain: within each list of
# commands (the body itself, a { } group, a ( ) subshell, the parts of
# if/elif/else, a loop's condition and body, a case arm), each command
# but the last must be joined to the next by && (or ||, or |).  Accepted
# too: a command sent to the background (cmd &), and a command that
# ends in a jump, "cmd || return 1", "cmd || exit 1",
# "cmd || { echo why; return 1; }", "cmd || skip_test why",
# "[ -s f ] && break" (the failure is the branch taken, not lost).  The
# last command of a loop's body must end in such a jump (|| return 1),
# else a failure in any pass but the last is lost.  A chain of several
# commands must not end in & (all of it would run in the background,
# its assignments lost, its failures unseen).  "cmd || :" and
# "cmd || true" are refused: a test says which status it expects.  Here-documents,
# quotes, $( ), ${ }, $(( )), arrays and comments are read as the shell
# reads them.  Each problem is printed as FILE:LINE: what, and the
# line; the exit status is 1 if any was found, 2 on a file it cannot
# read or parse.  Lines between "# chainlint: off" and "# chainlint: on"
# are not checked.
use strict;
use warnings;

my ($file, @src, %off, $errors, $fatal);
$| = 1;

sub problem {
	my ($line, $what) = @_;
	return if $off{$line};
	my $text = $src[$line - 1] // '';
	$text =~ s/^\s+//;
	print "$file:$line: $what\n\t$text\n";
	$errors++;
}

# ---- lexer ----
# A token is [type, text, line, endline]: type 'w' (a word, raw text),
# 'op' (an operator), 'nl' (a newline) or 'eof'.  Here-document bodies
# are skipped as the newline that ends their command is read.

my ($s, $pos, $line, @heredocs, $lexerr);

sub lexfail { $lexerr //= "line $line: $_[0]"; }

# Skip a balanced construct from $pos (just after its opener) up to and
# including the closer; quotes, nested $( ), ${ } and backquotes inside.
sub skip_balanced {
	my ($open, $close) = @_;
	my $depth = 1;
	while ($pos < length $s) {
		my $c = substr($s, $pos, 1);
		if ($c eq '\\') { $line++ if substr($s, $pos + 1, 1) eq "\n"; $pos += 2; next; }
		if ($c eq "\n") { $line++; $pos++; next; }
		if ($c eq "'") { skip_single(); next; }
		if ($c eq '"') { $pos++; skip_double(); next; }
		if ($c eq '`') { $pos++; skip_backquote(); next; }
		if ($c eq '$' && substr($s, $pos + 1, 1) =~ /[({]/) {
			my $o = substr($s, $pos + 1, 1);
			$pos += 2;
			skip_balanced($o, $o eq '(' ? ')' : '}');
			next;
		}
		if ($c eq $open) { $depth++; }
		elsif ($c eq $close) {
			$depth--;
			if ($depth == 0) { $pos++; return; }
		}
		$pos++;
	}
	lexfail("no closing '$close'");
}

sub skip_single {
	my $end = index($s, "'", $pos + 1);
	if ($end < 0) { lexfail("no closing single quote"); $pos = length $s; return; }
	$line += (substr($s, $pos, $end - $pos) =~ tr/\n//);
	$pos = $end + 1;
}

sub skip_double {
	while ($pos < length $s) {
		my $c = substr($s, $pos, 1);
		if ($c eq '\\') { $line++ if substr($s, $pos + 1, 1) eq "\n"; $pos += 2; next; }
		if ($c eq "\n") { $line++; $pos++; next; }
		if ($c eq '"') { $pos++; return; }
		if ($c eq '`') { $pos++; skip_backquote(); next; }
		if ($c eq '$' && substr($s, $pos + 1, 1) =~ /[({]/) {
			my $o = substr($s, $pos + 1, 1);
			$pos += 2;
			skip_balanced($o, $o eq '(' ? ')' : '}');
			next;
		}
		$pos++;
	}
	lexfail("no closing double quote");
}

sub skip_backquote {
	while ($pos < length $s) {
		my $c = substr($s, $pos, 1);
		if ($c eq '\\') { $pos += 2; next; }
		if ($c eq "\n") { $line++; }
		$pos++;
		return if $c eq '`';
	}
	lexfail("no closing backquote");
}

# The value of a word made of literal parts ('...', "..." without
# expansions, \x, plain characters); undef if it expands anything.
sub word_value {
	my ($w) = @_;
	my $v = '';
	while (length $w) {
		if ($w =~ s/^'([^']*)'//) { $v .= $1; }
		elsif ($w =~ s/^"((?:[^"\\\$`]|\\.)*)"//s) {
			my $d = $1;
			$d =~ s/\\([\\"\$`\n])/$1/g;
			$v .= $d;
		}
		elsif ($w =~ s/^\\(.)//s) { $v .= $1; }
		elsif ($w =~ s/^([^'"\\\$`]+)//) { $v .= $1; }
		else { return undef; }
	}
	return $v;
}

sub read_heredocs {
	for my $h (@heredocs) {
		my ($delim, $strip) = @$h;
		while (1) {
			if ($pos >= length $s) { lexfail("here-document '$delim' never ends"); last; }
			my $nl = index($s, "\n", $pos);
			$nl = length $s if $nl < 0;
			my $l = substr($s, $pos, $nl - $pos);
			$pos = $nl + 1;
			$line++;
			$l =~ s/^\t+// if $strip;
			last if $l eq $delim;
		}
	}
	@heredocs = ();
}

sub tokenize {
	my ($text, $line0) = @_;
	($s, $pos, $line, $lexerr) = ($text, 0, $line0, undef);
	@heredocs = ();
	my @t;
	my $want_delim = 0;
	while (1) {
		# blanks, line continuations, comments
		while ($pos < length $s) {
			my $c = substr($s, $pos, 1);
			if ($c eq ' ' || $c eq "\t") { $pos++; }
			elsif ($c eq '\\' && substr($s, $pos + 1, 1) eq "\n") { $pos += 2; $line++; }
			elsif ($c eq '#') {
				my $nl = index($s, "\n", $pos);
				$pos = $nl < 0 ? length $s : $nl;
			}
			else { last; }
		}
		if ($pos >= length $s) { push @t, ['eof', '', $line, $line]; last; }
		my $c = substr($s, $pos, 1);
		my $start = $line;
		if ($c eq "\n") {
			$pos++;
			push @t, ['nl', "\n", $start, $start];
			$line++;
			read_heredocs() if @heredocs;
			next;
		}
		if (substr($s, $pos, 2) eq '((' && (!@t || $t[-1][0] ne 'w')) {
			# an arithmetic command (( ... ))
			$pos += 2;
			skip_balanced('(', ')');
			$pos++ if substr($s, $pos, 1) eq ')';
			push @t, ['w', '((...))', $start, $line];
			next;
		}
		if (substr($s, $pos) =~ /^(;;&|;;|;&|&&|\|\||\|&|&>>|&>|<<<|<<-|<<|>>|>&|<&|>\||<>|[;&|()<>])/) {
			my $op = $1;
			if ($op =~ /^[<>]$/ && substr($s, $pos + 1, 1) eq '(') {
				# process substitution <( ) >( ): a word
				$pos += 2;
				skip_balanced('(', ')');
				push @t, ['w', "$op(...)", $start, $line];
				next;
			}
			$pos += length $op;
			push @t, ['op', $op, $start, $start];
			$want_delim = ($op eq '<<' || $op eq '<<-') ? $op : 0;
			next;
		}
		# a word
		my $w0 = $pos;
		while ($pos < length $s) {
			$c = substr($s, $pos, 1);
			last if $c =~ /[ \t\n;&|()<>]/;
			if ($c eq '\\') {
				if (substr($s, $pos + 1, 1) eq "\n") { $line++; }
				$pos += 2;
				next;
			}
			if ($c eq "'") { skip_single(); next; }
			if ($c eq '"') { $pos++; skip_double(); next; }
			if ($c eq '`') { $pos++; skip_backquote(); next; }
			if ($c eq '$' && substr($s, $pos + 1, 1) eq "'") {
				# $'...': backslash escapes
				$pos += 2;
				while ($pos < length $s && substr($s, $pos, 1) ne "'") {
					$pos += substr($s, $pos, 1) eq '\\' ? 2 : 1;
				}
				$pos++;
				next;
			}
			if ($c eq '$' && substr($s, $pos + 1, 1) =~ /[({]/) {
				my $o = substr($s, $pos + 1, 1);
				$pos += 2;
				skip_balanced($o, $o eq '(' ? ')' : '}');
				next;
			}
			$pos++;
			if ($c eq '=' && substr($s, $pos, 1) eq '(' &&
			    substr($s, $w0, $pos - $w0) =~ /^[A-Za-z_][A-Za-z0-9_]*\+?=$/) {
				# an array assignment a=( ... )
				$pos++;
				skip_balanced('(', ')');
			}
		}
		my $w = substr($s, $w0, $pos - $w0);
		push @t, ['w', $w, $start, $line];
		if ($want_delim) {
			my $d = $w;
			$d =~ s/['"\\]//g;
			push @heredocs, [$d, $want_delim eq '<<-'];
			$want_delim = 0;
		}
	}
	return @t;
}

# ---- parser ----
# A recursive descent over the tokens of one script or body.  $check
# says whether lists found here are checked: not at a test file's top
# level, but in bodies and function definitions.

my (@tok, $i, $check);

sub peek { $tok[$i]; }
sub next_tok { $tok[$i++]; }
sub is_word { my ($t, $w) = @_; $t->[0] eq 'w' && (!defined $w || $t->[1] eq $w); }
sub is_op { my ($t, $o) = @_; $t->[0] eq 'op' && (!defined $o || $t->[1] eq $o); }
sub skip_nl { $i++ while $tok[$i][0] eq 'nl'; }

sub parsefail {
	my ($what) = @_;
	die "parse: line $tok[$i][2]: $what\n";
}

sub expect_word {
	my ($w) = @_;
	skip_nl();
	parsefail("expected '$w', found '" . peek()->[1] . "'") unless is_word(peek(), $w);
	next_tok();
}

my %jump = map { $_ => 1 } qw(return exit break continue skip_test skip_all);
my %reserved = map { $_ => 1 } qw(then elif else fi do done esac });

# list(STOP...): commands up to one of the STOP words or operators (or
# the end); returns the list of and-or lists, each a hash: last line,
# separator ("nl", ";", "&" or ""), jump (ends in || jump or && jump).
sub list {
	my %stop = map { $_ => 1 } @_;
	my @items;
	while (1) {
		skip_nl();
		my $t = peek();
		last if $t->[0] eq 'eof';
		last if $t->[0] eq 'op' && ($t->[1] eq ')' || $t->[1] =~ /^;;|^;&/);
		last if $t->[0] eq 'w' && $stop{$t->[1]};
		parsefail("unexpected '$t->[1]'") if $t->[0] eq 'w' && $reserved{$t->[1]};
		my $item = and_or();
		$t = peek();
		if ($t->[0] eq 'nl' || is_op($t, ';') || is_op($t, '&')) {
			$item->{sep} = $t->[1];
			$item->{sepline} = $t->[2];
			next_tok();
		} else {
			$item->{sep} = '';
		}
		push @items, $item;
	}
	if ($check) {
		for my $it (@items) {
			next unless $it->{sep} eq '&' && $it->{nparts} > 1;
			problem($it->{line}, "a whole && chain sent to the background (line $it->{first}): end the chain before the command run with &");
		}
		for my $k (0 .. $#items - 1) {
			my $it = $items[$k];
			next if $it->{sep} eq '&' || $it->{jump};
			# { echo why; cat log; return 1; }: whatever they do,
			# the list fails
			next if $items[-1]{fail};
			problem($it->{line}, "not joined by && to the next command (line $items[$k + 1]{first})");
		}
	}
	return \@items;
}

# One and-or list: pipelines joined by && or ||.  jump: it ends in a
# jump after && or || (cmd || return 1); jump_cmd: its only or last
# command is a jump; fail: it is a lone command that fails (false,
# return 1, exit 3, skip_test); def: a function definition.
sub and_or {
	my $first = peek()->[2];
	my ($p_first, $p_last, $what) = pipeline();
	my $nparts = 1;
	my $jump_cmd = $what->{jump};
	my $op = '';
	while (is_op(peek(), '&&') || is_op(peek(), '||')) {
		$op = next_tok()->[1];
		skip_nl();
		($p_first, $p_last, $what) = pipeline();
		$nparts++;
		$jump_cmd = $what->{jump};
	}
	problem($p_last, "a failure swallowed with || $what->{noop}: say which status is expected (must_fail, || test \$? = N)")
	    if $check && $op eq '||' && $what->{noop};
	return { first => $first, line => $p_last, nparts => $nparts,
	    # a lone definition cannot fail; one that ends a chain (a && f() {...})
	    # hides the chain's failure like any other last command
	    jump => ($nparts > 1 && $jump_cmd) || ($nparts == 1 && $what->{def}) ? 1 : 0,
	    jump_cmd => $jump_cmd ? 1 : 0,
	    fail => $nparts == 1 && $what->{fail} ? 1 : 0,
	    guarded => $nparts == 1 && $what->{guarded} ? 1 : 0 };
}

# Returns first line, last line and what its last command is.
sub pipeline {
	my $first = peek()->[2];
	next_tok() if is_word(peek(), '!');
	my ($last, $what) = command();
	while (is_op(peek(), '|') || is_op(peek(), '|&')) {
		next_tok();
		skip_nl();
		($last, $what) = command();
	}
	return ($first, $last, $what);
}

sub redirections {
	my $last = $tok[$i - 1][3];
	while (1) {
		my $t = peek();
		if ($t->[0] eq 'op' && $t->[1] =~ /^(<<<|<<-|<<|>>|>&|<&|>\||<>|&>>|&>|<|>)$/) {
			next_tok();
			my $w = next_tok();
			parsefail("redirection without a target") unless $w->[0] eq 'w';
			$last = $w->[3];
		} elsif ($t->[0] eq 'w' && $t->[1] =~ /^\d+$/ && is_op($tok[$i + 1]) &&
		    $tok[$i + 1][1] =~ /^[<>]/) {
			next_tok();
		} else {
			last;
		}
	}
	return $last;
}

# A list whose failure cannot be lost in a loop: it ends in a jump
# (cmd || return 1, a lone return 1), or in a loop (whose own body is
# checked), or in an if, case, { } or ( ) whose every branch is such.
sub guarded {
	my ($items) = @_;
	return 1 unless @$items;
	my $it = $items->[-1];
	# a command sent to the background: nothing to lose here
	return 1 if $it->{sep} eq '&';
	return $it->{jump} || $it->{jump_cmd} || $it->{guarded};
}

sub loop_body {
	my ($line) = @_;
	expect_word('do');
	my $items = list('done');
	expect_word('done');
	if ($check && !guarded($items)) {
		problem($items->[-1]{line}, "the last command of the loop (line $line) does not end in || return 1 (a failure in an earlier pass is lost)");
	}
}

# One command; returns its last line and { jump => 1 } for a jump or
# a { } group that ends in one.
sub command {
	my $t = peek();
	my $line = $t->[2];
	my $what = {};
	if (is_op($t, '(')) {
		next_tok();
		$what->{guarded} = guarded(list());
		parsefail("no ')' for the '(' of line $line") unless is_op(peek(), ')');
		next_tok();
	} elsif (is_word($t, '{')) {
		next_tok();
		my $items = list('}');
		expect_word('}');
		$what->{jump} = 1 if @$items && $items->[-1]{jump_cmd};
		$what->{guarded} = guarded($items);
	} elsif (is_word($t, 'if')) {
		next_tok();
		list('then');
		expect_word('then');
		my $g = guarded(list('elif', 'else', 'fi'));
		while (1) {
			skip_nl();
			my $k = next_tok();
			if (is_word($k, 'elif')) { list('then'); expect_word('then'); { my $h = guarded(list('elif', 'else', 'fi')); $g &&= $h; } }
			elsif (is_word($k, 'else')) { { my $h = guarded(list('fi')); $g &&= $h; } }
			elsif (is_word($k, 'fi')) { last; }
			else { parsefail("no 'fi' for the 'if' of line $line"); }
		}
		$what->{guarded} = $g;
	} elsif (is_word($t, 'for') || is_word($t, 'select')) {
		next_tok();
		next_tok();	# the name, or ((...))
		while (!($tok[$i][0] eq 'nl' || is_op($tok[$i], ';') || is_word($tok[$i], 'do'))) {
			parsefail("no 'do' for the loop of line $line") if $tok[$i][0] eq 'eof';
			next_tok();
		}
		next_tok() if is_op(peek(), ';');
		loop_body($line);
		$what->{guarded} = 1;
	} elsif (is_word($t, 'while') || is_word($t, 'until')) {
		next_tok();
		list('do');
		loop_body($line);
		$what->{guarded} = 1;
	} elsif (is_word($t, 'case')) {
		next_tok();
		next_tok();
		expect_word('in');
		my $g = 1;
		while (1) {
			skip_nl();
			last if is_word(peek(), 'esac');
			next_tok() if is_op(peek(), '(');
			while (!is_op(peek(), ')')) {
				parsefail("no ')' after a case pattern") if peek()->[0] eq 'eof';
				next_tok();
			}
			next_tok();
			{ my $h = guarded(list('esac')); $g &&= $h; }
			if (is_op(peek()) && peek()->[1] =~ /^;;|^;&/) { next_tok(); }
			elsif (!is_word(peek(), 'esac')) { skip_nl(); parsefail("a case arm without ;;") unless is_word(peek(), 'esac'); }
		}
		expect_word('esac');
		$what->{guarded} = $g;
	} elsif (is_word($t, 'function') || (is_word($t) && is_op($tok[$i + 1], '(') && is_op($tok[$i + 2], ')'))) {
		# a function definition: its body is checked wherever it is
		if (is_word($t, 'function')) {
			next_tok();
			next_tok();
			if (is_op(peek(), '(')) { next_tok(); next_tok(); }
		} else {
			$i += 3;
		}
		skip_nl();
		my $saved = $check;
		$check = 1;
		command();
		$check = $saved;
		$what->{def} = 1;
	} elsif ($t->[0] eq 'w') {
		return simple();
	} else {
		parsefail("unexpected '$t->[1]'");
	}
	return (redirections(), $what);
}

# A simple command: words and redirections.  An expect_success found at
# a file's top level has its body checked.
sub simple {
	my @words;
	my $last = peek()->[3];
	while (1) {
		my $t = peek();
		if ($t->[0] eq 'w') {
			if (!@words && is_op($tok[$i + 1]) && $tok[$i + 1][1] =~ /^[<>]/ && $t->[1] =~ /^\d+$/) {
				next_tok();
				next;
			}
			push @words, $t;
			$last = $t->[3];
			next_tok();
		} elsif ($t->[0] eq 'op' && $t->[1] =~ /^(<<<|<<-|<<|>>|>&|<&|>\||<>|&>>|&>|<|>)$/) {
			next_tok();
			my $w = next_tok();
			parsefail("redirection without a target") unless $w->[0] eq 'w';
			$last = $w->[3];
		} else {
			last;
		}
	}
	my $what = {};
	if (@words) {
		my $name = $words[0][1];
		# assignments before the command name
		my $k = 0;
		$k++ while $k < $#words && $words[$k][1] =~ /^[A-Za-z_][A-Za-z0-9_]*\+?=/;
		$name = $words[$k][1];
		$what->{jump} = 1 if $jump{$name};
		$what->{noop} = $name if ($name eq ':' || $name eq 'true') && @words == $k + 1;
		my $arg = $k < $#words ? $words[$k + 1][1] : '';
		$what->{fail} = 1 if $name eq 'false' || $name =~ /^skip_/ ||
		    (($name eq 'return' || $name eq 'exit') && $arg ne '0');
		if ($name eq 'expect_success' && !$check) {
			body($words[$k + 2]) if @words > $k + 2;
		}
	}
	return ($last, $what);
}

sub body {
	my ($w) = @_;
	my $v = word_value($w->[1]);
	if (!defined $v) {
		problem($w->[2], "the body of expect_success is not a quoted text the lint can read");
		return;
	}
	# The body's first line is the line of its opening quote.
	my @saved = ([@tok], $i, $check, $s, $pos, $line);
	@tok = tokenize($v, $w->[2]);
	if (defined $lexerr) {
		problem($w->[2], "cannot read this body: $lexerr");
	} else {
		$i = 0;
		$check = 1;
		my $ok = eval { list(); 1 };
		if (!$ok) {
			problem($w->[2], "cannot read this body: $@");
		} elsif (peek()->[0] ne 'eof') {
			problem(peek()->[2], "cannot read this body: unexpected '" . peek()->[1] . "'");
		}
	}
	$lexerr = undef;
	my $t;
	($t, $i, $check, $s, $pos, $line) = @saved;
	@tok = @$t;
}

$errors = 0;
$fatal = 0;
for my $f (@ARGV) {
	$file = $f;
	open(my $fh, '<', $f) or do { print STDERR "chainlint: $f: $!\n"; $fatal = 1; next; };
	local $/;
	my $text = <$fh>;
	close $fh;
	@src = split /\n/, $text, -1;
	# Lines between "# chainlint: off" and "# chainlint: on" are not
	# checked (the harness's own expect_success, which runs a body as a
	# plain command to keep errexit in effect, and reads its status).
	%off = ();
	my $skip = 0;
	for my $n (1 .. @src) {
		$skip = 1 if $src[$n - 1] =~ /^\s*# chainlint: off\b/;
		$skip = 0 if $src[$n - 1] =~ /^\s*# chainlint: on\b/;
		$off{$n} = 1 if $skip;
	}
	@tok = tokenize($text, 1);
	if (defined $lexerr) {
		print STDERR "chainlint: $f: $lexerr\n";
		$fatal = 1;
		next;
	}
	$i = 0;
	$check = 0;
	my $ok = eval { list(); 1 };
	if (!$ok) {
		print STDERR "chainlint: $f: $@";
		$fatal = 1;
	} elsif (peek()->[0] ne 'eof') {
		print STDERR "chainlint: $f: line " . peek()->[2] . ": unexpected '" . peek()->[1] . "'\n";
		$fatal = 1;
	}
}
print "chainlint: $errors problem(s)\n" if $errors;
exit($fatal ? 2 : $errors ? 1 : 0);
