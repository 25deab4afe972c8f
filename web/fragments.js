// Fragmented MP4 as it comes off a stream, cut into whole top-level
// boxes, each fragment (moof + mdat) held until the next one is seen so
// that its duration can be checked against the next decode time.
//
// Why: a fragment of one frame carries a guessed duration (the muxer
// cannot know when the next frame comes).  Media Source Extensions take
// a decode time more than twice the last frame's duration after it as a
// discontinuity and drop every frame up to the next keyframe: a first
// frame guessed at 40 ms before frames 100 ms apart loses the whole
// first GOP.  A held fragment whose single sample has the track's
// default duration gets the distance to the next fragment's decode time
// instead (when under MAX_GAP: a real gap in the recording stays one).

const MAX_GAP = 1.0;	// s; a longer distance is a gap, kept

function u32(b, o) {
	return ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
}

function put32(b, o, v) {
	b[o] = (v >>> 24) & 0xff;
	b[o + 1] = (v >>> 16) & 0xff;
	b[o + 2] = (v >>> 8) & 0xff;
	b[o + 3] = v & 0xff;
}

function type(b, o) {
	return String.fromCharCode(b[o + 4], b[o + 5], b[o + 6], b[o + 7]);
}

// The child boxes of the box at [start, end) whose header is hdr long:
// {type: offset} (the first of each type).
function children(b, start, end, hdr) {
	const out = {};
	let o = start + hdr;
	while (o + 8 <= end) {
		const size = u32(b, o);
		if (size < 8 || o + size > end)
			break;
		const t = type(b, o);
		if (!(t in out))
			out[t] = { at: o, end: o + size };
		o += size;
	}
	return out;
}

// Where a moof's track fragment keeps what we need, or null:
// {tfdt (in the track's timescale), durAt (offset of tfhd's
// default-sample-duration), dur}.
function inspect(b) {
	if (type(b, 0) !== 'moof')
		return null;
	const traf = children(b, 0, b.length, 8).traf;
	if (!traf)
		return null;
	const c = children(b, traf.at, traf.end, 8);
	if (!c.tfhd || !c.tfdt || !c.trun)
		return null;
	const fl = u32(b, c.tfhd.at + 8) & 0xffffff;
	const tr = u32(b, c.trun.at + 8) & 0xffffff;
	const count = u32(b, c.trun.at + 12);
	if (!(fl & 0x08) || (tr & 0x100) || count !== 1)
		return null;	// durations per sample, or no default: left alone
	let o = c.tfhd.at + 16;
	if (fl & 0x01)
		o += 8;
	if (fl & 0x02)
		o += 4;
	const v = b[c.tfdt.at + 8];
	const tfdt = v === 1 ? u32(b, c.tfdt.at + 12) * 4294967296 + u32(b, c.tfdt.at + 16) :
	    u32(b, c.tfdt.at + 12);
	return { tfdt: tfdt, durAt: o, dur: u32(b, o) };
}

// The track's timescale from the init segment's mdhd (0: not found).
function timescale(b) {
	for (let o = 0; o + 24 < b.length; o++) {
		if (b[o] === 0x6d && b[o + 1] === 0x64 && b[o + 2] === 0x68 && b[o + 3] === 0x64) {
			const v = b[o + 4];
			return u32(b, o + 8 + (v === 1 ? 16 : 8));
		}
	}
	return 0;
}

export class FragmentFixer {
	// firstOnly: hold and check only the first fragment (live video,
	// where holding each one would add a frame of delay; the muxer's
	// guess is wrong only where it has no interval to go by).
	constructor(firstOnly) {
		this.buf = new Uint8Array(0);
		this.scale = 0;
		this.held = null;	// {bytes: [moof, mdat...], info}
		this.firstOnly = !!firstOnly;
		this.through = false;	// firstOnly, and the first is out
	}

	// Bytes read from the stream; returns the Uint8Arrays ready to
	// append (whole boxes, in order).
	push(chunk) {
		const n = new Uint8Array(this.buf.length + chunk.length);
		n.set(this.buf, 0);
		n.set(chunk, this.buf.length);
		this.buf = n;
		const out = [];
		let o = 0;
		while (o + 8 <= this.buf.length) {
			let size = u32(this.buf, o);
			if (size === 1 || size === 0) {
				// 64-bit or to-the-end sizes: not from camkit's muxer;
				// pass the rest through untouched from here on
				out.push(...this.flush(), this.buf.slice(o));
				this.buf = new Uint8Array(0);
				this.scale = -1;
				return out;
			}
			if (o + size > this.buf.length)
				break;
			this.box(this.buf.slice(o, o + size), out);
			o += size;
		}
		this.buf = this.buf.slice(o);
		return out;
	}

	box(b, out) {
		const t = type(b, 0);
		if (this.scale < 0 || (this.through && !this.held)) {
			out.push(b);
			return;
		}
		if (t === 'moov') {
			this.scale = timescale(b);
			out.push(b);
			return;
		}
		if (t !== 'moof') {
			if (this.held)
				this.held.bytes.push(b);
			else
				out.push(b);
			return;
		}
		const info = this.scale > 0 ? inspect(b) : null;
		if (this.held) {
			const h = this.held;
			if (h.info && info) {
				const d = info.tfdt - h.info.tfdt;
				if (d > 0 && d !== h.info.dur && d <= MAX_GAP * this.scale &&
				    d < 4294967296)
					put32(h.bytes[0], h.info.durAt, d);
			}
			out.push(...h.bytes);
			if (this.firstOnly) {
				this.through = true;
				this.held = null;
				out.push(b);
				return;
			}
		}
		this.held = { bytes: [b], info: info };
	}

	// The end of the stream: what is still held.
	flush() {
		const out = [];
		if (this.held)
			out.push(...this.held.bytes);
		this.held = null;
		return out;
	}
}
