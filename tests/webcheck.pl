#!/usr/bin/perl
# webcheck.pl [DIR]: the static checks of camview's pages (DIR, web/ by
# default), which a browser cannot be trusted to report:
#  - the Content-Security-Policy holds: no inline script, no <style>,
#    no style="" or on*="" attribute, no javascript: address; every
#    script a module of /static/, and that file exists; every /static/
#    file a page names exists;
#  - no way to save footage: no `controls` on a <video>, no download
#    attribute, no window.prompt/alert/confirm, no innerHTML and the like
#    (text goes in with textContent), no eval;
#  - every module imported (./NAME.js) exists;
#  - i18n.js: one key a line with a Vietnamese and an English text, no
#    key twice; every key a page (data-i18n*) or a module (t('key'),
#    dataset.i18n = 'key', {key: 'key'}) uses is there; every error CODE
#    of the HTTP API has its text (err.CODE);
#  - the ids and classes the browser tests rely on are in the pages, and
#    web/README names each of them.
# Prints FILE:LINE: WHAT for each problem; exit 0 clean, 1 problems,
# 2 usage.
use strict;
use warnings;

my $dir = shift // 'web';
if (@ARGV || !-d $dir) {
	print STDERR "usage: webcheck.pl [dir]\n";
	exit 2;
}
$dir =~ s{/+$}{};

my @codes = qw(unauthenticated bad-login slowed csrf forbidden no-request
    outside-request no-camera no-footage down unsupported-codec bad-request
    too-large internal);
my @stable = split ' ', '#login-user #login-password #login-submit
    #login-error #logout .tile .tile-state #timeline #play-error #speed-1
    #speed-2 #speed-4 #speed-8 #step-back #step-fwd #play-pause #clock
    .report-suspicious .report-fault #report-dialog #report-note
    #report-send #shift-status #lang-vi #lang-en';

my $bad = 0;
sub problem {
	my ($file, $line, $what) = @_;
	print "$file:$line: $what\n";
	$bad = 1;
}

sub slurp {
	my ($f) = @_;
	open(my $fh, '<:encoding(UTF-8)', $f) or die "webcheck.pl: $f: $!\n";
	local $/;
	my $s = <$fh>;
	close $fh;
	return $s;
}

# line number of offset $pos in $s
sub lineof {
	my ($s, $pos) = @_;
	return 1 + (substr($s, 0, $pos) =~ tr/\n//);
}

opendir(my $dh, $dir) or die "webcheck.pl: $dir: $!\n";
my @files = sort grep { -f "$dir/$_" && !/^\./ } readdir $dh;
closedir $dh;
my @html = grep { /\.html$/ } @files;
my @js = grep { /\.js$/ } @files;
my %exists = map { $_ => 1 } @files;

my (%used, %texts, %prefix);
my $all = '';	# every page and module, for the stable ids

for my $f (@html) {
	my $p = "$dir/$f";
	my $s = slurp($p);
	$all .= $s;
	while ($s =~ /<script\b([^>]*)>(.*?)<\/script\s*>/gis) {
		my ($attr, $body, $at) = ($1, $2, $-[0]);
		my $ln = lineof($s, $at);
		problem($p, $ln, 'inline script') if $body =~ /\S/;
		if ($attr !~ /\btype\s*=\s*"module"/) {
			problem($p, $ln, 'a script that is not type="module"');
		}
		if ($attr =~ /\bsrc\s*=\s*"([^"]*)"/) {
			my $src = $1;
			if ($src !~ m{^/static/([A-Za-z0-9_-]+\.js)$}) {
				problem($p, $ln, "script $src is not a module of /static/");
			} elsif (!$exists{$1}) {
				problem($p, $ln, "script $src: no $dir/$1");
			}
		} else {
			problem($p, $ln, 'a script without src');
		}
	}
	while ($s =~ /<style\b/gi) {
		problem($p, lineof($s, $-[0]), 'a <style> element');
	}
	while ($s =~ /<([A-Za-z][A-Za-z0-9-]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/g) {
		my ($tag, $attr, $at) = (lc $1, $2, $-[0]);
		my $ln = lineof($s, $at);
		while ($attr =~ /(?:^|\s)([A-Za-z][A-Za-z0-9_:-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g) {
			my ($name, $val) = (lc $1, $2 // '');
			$val =~ s/^["']|["']$//g;
			problem($p, $ln, "an inline style attribute on <$tag>") if $name eq 'style';
			problem($p, $ln, "an event handler attribute $name on <$tag>") if $name =~ /^on/;
			problem($p, $ln, "a javascript: address on <$tag>") if $val =~ /^\s*javascript:/i;
			problem($p, $ln, "a download attribute on <$tag>") if $name eq 'download';
			problem($p, $ln, 'a <video> with controls (they offer a download)')
			    if $tag eq 'video' && $name eq 'controls';
			if ($name =~ /^(?:src|href)$/ && $val =~ m{^/static/(.*)$}) {
				problem($p, $ln, "$val: no $dir/$1") unless $exists{$1};
			}
			if ($name =~ /^data-i18n(?:-title|-placeholder|-label)?$/) {
				push @{$used{$val}}, [$p, $ln];
			}
		}
	}
}

for my $f (@js) {
	my $p = "$dir/$f";
	my $s = slurp($p);
	$all .= $s;
	while ($s =~ /\b(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/g) {
		my ($mod, $ln) = ($1, lineof($s, $-[0]));
		if ($mod !~ m{^\./([A-Za-z0-9_-]+\.js)$}) {
			problem($p, $ln, "import of $mod: not a module beside it");
		} elsif (!$exists{$1}) {
			problem($p, $ln, "import of $mod: no $dir/$1");
		}
	}
	my @refused = (
		[qr/\.(?:innerHTML|outerHTML)\b|\binsertAdjacentHTML\b|\bdocument\.write\b/,
		    'markup from a string (use textContent)'],
		[qr/\beval\s*\(|\bnew\s+Function\b/, 'eval'],
		[qr/\b(?:window\.)?(?:prompt|alert|confirm)\s*\(/, 'a browser dialog (show it in the page)'],
		[qr/setAttribute\(\s*['"](?:style|on\w+)['"]/, 'an inline style or handler set as an attribute'],
		[qr/\.controls\s*=\s*true|setAttribute\(\s*['"]controls['"]/, 'video controls'],
		[qr/\.download\s*=|setAttribute\(\s*['"]download['"]/, 'a download link'],
	);
	for my $r (@refused) {
		while ($s =~ /$r->[0]/g) {
			problem($p, lineof($s, $-[0]), $r->[1]);
		}
	}
	if ($f eq 'i18n.js') {
		my $ln = 0;
		for my $line (split /\n/, $s) {
			$ln++;
			next unless $line =~ /^\t'([^']+)':\s*\{(.*)\},?\s*$/;
			my ($key, $rest) = ($1, $2);
			problem($p, $ln, "key $key twice") if $texts{$key};
			my %l;
			while ($rest =~ /\b(vi|en):\s*'((?:[^'\\]|\\.)*)'/g) {
				$l{$1} = $2;
			}
			for my $lang (qw(vi en)) {
				problem($p, $ln, "key $key has no $lang text")
				    unless defined $l{$lang} && $l{$lang} =~ /\S/;
			}
			$texts{$key} = $ln;
			$prefix{$1} = 1 if $key =~ /^([a-z]+)\./;
		}
		problem($p, 1, 'no key found (one a line: \'key\': { vi: ..., en: ... },)')
		    unless %texts;
		next;
	}
	# a key, or the first part of one ('err.' + code): then some key
	# must begin with it
	while ($s =~ /(?:\bt\(\s*|\.dataset\.i18n\w*\s*=\s*|\bkey:\s*|setStatus\(\s*)'([^']+)'(\s*\+)?/g) {
		my $key = $2 ? "$1*" : $1;
		push @{$used{$key}}, [$p, lineof($s, $-[0])];
	}
}

if (!exists $exists{'i18n.js'}) {
	problem("$dir/i18n.js", 1, 'missing');
} else {
	for my $key (sort keys %used) {
		next if $texts{$key};
		if ($key =~ /^(.*)\*$/) {
			my $head = $1;
			next if grep { index($_, $head) == 0 } keys %texts;
		}
		problem($_->[0], $_->[1], "text $key is not in i18n.js") for @{$used{$key}};
	}
	for my $c (@codes) {
		problem("$dir/i18n.js", 1, "no text for the error code $c (err.$c)")
		    unless $texts{"err.$c"};
	}
}

my $readme = -f "$dir/README" ? slurp("$dir/README") : '';
for my $id (@stable) {
	my $name = substr($id, 1);
	# defined, not merely looked up: id="x" in a page, el.id = 'x'
	my $found = $id =~ /^#/ ? $all =~ /\bid\s*=\s*(["'])\Q$name\E\1/
	    : $all =~ /class(?:Name)?\s*=\s*["'][^"']*\b\Q$name\E\b|classList\.add\(\s*'\Q$name\E'|button\(\s*'\Q$name\E'/;
	problem($dir, 1, "$id, which the browser tests use, is in no page or module") unless $found;
	problem("$dir/README", 1, "$id is not documented") unless $readme =~ /(?:^|[\s`(])\Q$id\E\b/m;
}

exit $bad;
