// node fragdump.mjs FRAGMENTS.JS IN.mp4 [--fix all|first] [--guess D]
//     [--gap-after N S] [--chunk BYTES] [--out OUT.mp4]
// For t95-web.sh: reads a fragmented MP4, optionally spoils it as a
// muxer guessing durations would (--guess: every fragment's default
// sample duration D; --gap-after: S seconds added to the decode time of
// every fragment after the Nth, counted from 0), feeds it through
// web/fragments.js's FragmentFixer in pieces of BYTES bytes (boxes cut
// anywhere), and prints one line per fragment of the result,
// "TFDT DURATION" in the track's timescale, then "timescale T" and
// "bytes N".  --out writes the result.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args.length < 2) {
	process.stderr.write('usage: fragdump.mjs FRAGMENTS.JS IN.mp4 [options]\n');
	process.exit(2);
}
const { FragmentFixer } = await import(pathToFileURL(args[0]).href);
const data = new Uint8Array(readFileSync(args[1]));
let fix = '', guess = -1, gapAfter = -1, gapS = 0, chunk = 7, out = '';
for (let i = 2; i < args.length; i++) {
	const a = args[i];
	if (a === '--fix')
		fix = args[++i];
	else if (a === '--guess')
		guess = Number(args[++i]);
	else if (a === '--gap-after') {
		gapAfter = Number(args[++i]);
		gapS = Number(args[++i]);
	} else if (a === '--chunk')
		chunk = Number(args[++i]);
	else if (a === '--out')
		out = args[++i];
	else {
		process.stderr.write('fragdump.mjs: unknown option ' + a + '\n');
		process.exit(2);
	}
}

const u32 = (b, o) => ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
const put32 = (b, o, v) => {
	b[o] = (v >>> 24) & 0xff;
	b[o + 1] = (v >>> 16) & 0xff;
	b[o + 2] = (v >>> 8) & 0xff;
	b[o + 3] = v & 0xff;
};
const name = (b, o) => String.fromCharCode(b[o + 4], b[o + 5], b[o + 6], b[o + 7]);

// Offsets in a moof at o: tfdt's value (and its version), tfhd's
// default duration.
function where(b, o) {
	const find = (t, from, to) => {
		for (let p = from; p + 8 <= to;) {
			const s = u32(b, p);
			if (name(b, p) === t)
				return p;
			if (s < 8)
				break;
			p += s;
		}
		return -1;
	};
	const end = o + u32(b, o);
	const traf = find('traf', o + 8, end);
	const tend = traf + u32(b, traf);
	const tfhd = find('tfhd', traf + 8, tend);
	const tfdt = find('tfdt', traf + 8, tend);
	const fl = u32(b, tfhd + 8) & 0xffffff;
	let d = tfhd + 16;
	if (fl & 1)
		d += 8;
	if (fl & 2)
		d += 4;
	return { v: b[tfdt + 8], t: tfdt + 12, d: (fl & 8) ? d : -1 };
}

function tfdtOf(b, w) {
	return w.v === 1 ? u32(b, w.t) * 4294967296 + u32(b, w.t + 4) : u32(b, w.t);
}

function setTfdt(b, w, val) {
	if (w.v === 1) {
		put32(b, w.t, Math.floor(val / 4294967296));
		put32(b, w.t + 4, val % 4294967296);
	} else {
		put32(b, w.t, val);
	}
}

function walk(b, fn) {
	for (let o = 0; o + 8 <= b.length;) {
		const s = u32(b, o);
		fn(name(b, o), o);
		o += s;
	}
}

let scale = 0;
// mdhd: size(4) 'mdhd'(4) version(1) flags(3) times... timescale
walk(data, (t, o) => {
	if (t !== 'moov')
		return;
	for (let p = o + 8; p + 8 < o + u32(data, o); p++) {
		if (name(data, p) === 'mdhd') {
			scale = u32(data, p + 12 + (data[p + 8] === 1 ? 16 : 8));
			break;
		}
	}
});

let n = 0;
walk(data, (t, o) => {
	if (t !== 'moof')
		return;
	const w = where(data, o);
	if (guess >= 0 && w.d >= 0)
		put32(data, w.d, guess);
	if (gapAfter >= 0 && n > gapAfter)
		setTfdt(data, w, tfdtOf(data, w) + Math.round(gapS * scale));
	n++;
});

let result = data;
if (fix) {
	const f = new FragmentFixer(fix === 'first');
	const parts = [];
	for (let o = 0; o < data.length; o += chunk)
		parts.push(...f.push(data.slice(o, o + chunk)));
	parts.push(...f.flush());
	let len = 0;
	for (const p of parts)
		len += p.length;
	result = new Uint8Array(len);
	let o = 0;
	for (const p of parts) {
		result.set(p, o);
		o += p.length;
	}
}
const lines = [];
walk(result, (t, o) => {
	if (t !== 'moof')
		return;
	const w = where(result, o);
	lines.push(tfdtOf(result, w) + ' ' + (w.d >= 0 ? u32(result, w.d) : '-'));
});
lines.push('timescale ' + scale, 'bytes ' + result.length);
process.stdout.write(lines.join('\n') + '\n');
if (out)
	writeFileSync(out, result);
