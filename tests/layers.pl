#!/usr/bin/perl
# tests/layers.pl: the guard of lib/'s map (lib/README).  Reads the
# layers, lowest first, from the line of lib/README that starts with
# "layers:", then reports as FILE:LINE: what, for every file given:
#  - in lib/LAYER/: an include of a camkit header that does not name its
#    folder, names a folder that is not a layer, or names a higher layer;
#  - in lib/ outside the folders allowed to (the line "may print:"): a
#    call of exit, _exit, _Exit or quick_exit, anything written to
#    stdout or stderr (printf, puts, perror, the std streams, file
#    descriptors 1 and 2), and any read of the environment (getenv,
#    secure_getenv, environ);
#  - in cmd/: an include that names no layer folder.
# Comments and string literals are blanked first, so that a comment
# saying "never calls exit()" is no finding.  Exit 1 when anything was
# found, 2 on a usage error.  Perl core only.
use strict;
use warnings;

my $readme = 'lib/README';
if (@ARGV >= 2 && $ARGV[0] eq '--readme') {
	shift @ARGV;
	$readme = shift @ARGV;
}
sub usage {
	print STDERR @_;
	exit 2;
}
usage("usage: layers.pl [--readme lib/README] FILE...\n") unless @ARGV;

my (@layers, %rank, %may_print);
open(my $rf, '<', $readme) or usage("layers.pl: $readme: $!\n");
while (<$rf>) {
	if (/^layers:\s*(.*)$/) {
		@layers = grep { length } split(/[\s<]+/, $1);
	} elsif (/^may print:\s*(.*)$/) {
		$may_print{$_} = 1 for grep { length } split(/[\s,]+/, $1);
	}
}
close($rf);
usage("layers.pl: $readme: no line \"layers: base < ...\"\n")
    unless @layers;
@rank{@layers} = (0 .. $#layers);

my $found = 0;

sub finding {
	my ($file, $line, $what) = @_;
	print "$file:$line: $what\n";
	$found++;
}

# The text with comments and the insides of string and character
# literals replaced by spaces, newlines kept, so that line numbers stay.
sub code_only {
	my ($s) = @_;
	$s =~ s{
		(/\*.*?\*/) | (//[^\n]*) | ("(?:\\.|[^"\\\n])*") | ('(?:\\.|[^'\\\n])*')
	}{
		my $m = $&;
		if (defined $1 || defined $2) {
			(my $k = $m) =~ s/[^\n]/ /g;
			$k;
		} else {
			my $q = substr($m, 0, 1);
			(my $k = substr($m, 1, -1)) =~ s/[^\n]/ /g;
			"$q$k$q";
		}
	}gsex;
	return $s;
}

my @banned = (
	[ qr/\b(?:exit|_exit|_Exit|quick_exit)\s*\(/, 'ends the process' ],
	[ qr/\b(?:printf|vprintf|puts|putchar|perror|psignal)\s*\(/,
	    'prints on the standard output or error' ],
	[ qr/\b(?:stdout|stderr|STDOUT_FILENO|STDERR_FILENO)\b/,
	    'writes to the standard output or error' ],
	[ qr/\b(?:dprintf|write)\s*\(\s*[12]\s*,/,
	    'writes to the standard output or error' ],
	[ qr/\b(?:secure_getenv|getenv)\s*\(|\benviron\b/,
	    'reads the environment' ],
);

for my $file (@ARGV) {
	open(my $fh, '<', $file) or do {
		finding($file, 0, "cannot be read: $!");
		next;
	};
	local $/;
	my $text = <$fh>;
	close($fh);
	my ($layer) = $file =~ m{(?:^|/)lib/([^/]+)/[^/]+$};
	my $in_cmd = $file =~ m{(?:^|/)cmd/[^/]+$};
	if ($file =~ m{(?:^|/)lib/[^/]+$} && $file !~ m{/README$}) {
		finding($file, 1, 'lies in lib/ itself, in no layer folder');
	}
	if (defined $layer && !exists $rank{$layer}) {
		finding($file, 1, "lies in lib/$layer/, which $readme "
		    . 'does not name as a layer');
		next;
	}
	my $n = 0;
	for my $l (split(/\n/, $text)) {
		$n++;
		next unless $l =~ /^\s*#\s*include\s*"([^"]+)"/;
		my $inc = $1;
		next unless $inc =~ m{(?:^|/)cam_[^/]*\.h$};
		next if $inc eq 'cam_embed.h';
		my ($dir) = $inc =~ m{^([^/]+)/cam_[^/]+\.h$};
		if (!defined $dir) {
			finding($file, $n, "includes \"$inc\": name its "
			    . 'layer folder ("base/cam_err.h")')
			    if defined $layer || $in_cmd;
			next;
		}
		if (!exists $rank{$dir}) {
			finding($file, $n, "includes \"$inc\": $dir/ is not "
			    . "a layer of $readme");
			next;
		}
		if (defined $layer && $rank{$dir} > $rank{$layer}) {
			finding($file, $n, "includes \"$inc\": $dir is a "
			    . "higher layer than $layer");
		}
	}
	next unless defined $layer && !$may_print{$layer};
	$n = 0;
	for my $l (split(/\n/, code_only($text))) {
		$n++;
		for my $b (@banned) {
			finding($file, $n, "a library file $b->[1] "
			    . '(only cmd/ and lib/cli may)')
			    if $l =~ $b->[0];
		}
	}
}
exit($found ? 1 : 0);
