// Playback (/camera/ID[?at=TIME]): the day's timeline from
// /api/timeline (recorded spans, gaps, outages, logbook marks, the
// windows this account may see); a click plays from that instant.
// /play/ID is read as a stream into a MediaSource, with back-pressure
// (no reading while more than AHEAD s are buffered ahead of the
// picture).  The picture's wall time is X-Camkit-First + currentTime,
// shown in #clock (site zone) and kept in the video's data-wall-time.
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as api from './api.js';
import * as session from './session.js';
import { FragmentFixer } from './fragments.js';

const AHEAD = 30;	// s buffered ahead of the picture before reading waits
const BEHIND = 30;	// s kept behind the picture
const DAY_MS = 86400000;

const video = document.getElementById('video');
const timeline = document.getElementById('timeline');
const clock = document.getElementById('clock');
const errorEl = document.getElementById('play-error');
const statusEl = document.getElementById('play-status');
const dayInput = document.getElementById('day');
const playPause = document.getElementById('play-pause');

function cameraOfPath() {
	const raw = window.location.pathname.replace(/^\/camera\//, '').replace(/\/+$/, '');
	try {
		return decodeURIComponent(raw);
	} catch (e) {
		return raw;	// malformed: the server answers no-camera
	}
}

const camera = cameraOfPath();
video.dataset.camera = camera;

let speed = 1;
let day = '';			// YYYY-MM-DD in the site zone
let tl = null;			// the day's /api/timeline answer
let lastError = null;		// ApiError or {key, params}
let fps = 0;			// frames per second seen (0: not yet)
let frameGaps = [];

// The stream being played.
const cur = {
	gen: 0,			// bumped by every new stream: old loops end
	abort: null,		// AbortController of the fetch
	ms: null,
	sb: null,
	url: '',
	firstMs: NaN,		// wall time (ms) at currentTime 0
	first: '',
	done: false,		// the server's answer has ended
	pauseAfterLoad: false,
};

// --- errors and status -------------------------------------------------

function showError(err) {
	lastError = err;
	drawError();
}

function drawError() {
	const e = lastError;
	if (!e) {
		errorEl.hidden = true;
		errorEl.textContent = '';
		delete errorEl.dataset.code;
		return;
	}
	if (e instanceof api.ApiError) {
		errorEl.textContent = e.text();
		errorEl.dataset.code = e.code;
	} else {
		errorEl.textContent = t(e.key, e.params);
		errorEl.dataset.code = e.code || e.key;
	}
	errorEl.hidden = false;
}

let statusKey = '';
let noneAllowed = false;

function setStatus(key) {
	statusKey = key;
	drawHint();
}

function drawHint() {
	const key = statusKey || (noneAllowed ? 'play.no-allowed' : '');
	statusEl.textContent = key ? t(key) : '';
}

// --- wall time ---------------------------------------------------------

function wallAt(currentTime) {
	return new Date(cur.firstMs + currentTime * 1000);
}

function drawClock() {
	if (Number.isNaN(cur.firstMs)) {
		clock.textContent = '--:--:--';
		return;
	}
	const w = wallAt(video.currentTime);
	clock.textContent = api.siteDay(w) + ' ' + api.hhmmss(w);
	clock.dataset.wallTime = w.toISOString();
	video.dataset.wallTime = w.toISOString();
	drawCursor(w);
}

// --- the timeline ------------------------------------------------------

function dayBounds() {
	if (tl && tl.from && tl.to)
		return [Date.parse(tl.from), Date.parse(tl.to)];
	const [y, m, d] = day.split('-').map(Number);
	const from = api.fromSiteLocal(y, m, d, 0, 0, 0).getTime();
	return [from, from + DAY_MS];
}

function pct(ms, b) {
	const v = (ms - b[0]) / (b[1] - b[0]) * 100;
	return Math.min(100, Math.max(0, v));
}

function box(cls, from, to, b, title) {
	const el = document.createElement('div');
	el.className = cls;
	const l = pct(Date.parse(from), b);
	const r = pct(Date.parse(to), b);
	el.style.left = l + '%';
	el.style.width = Math.max(0.05, r - l) + '%';
	if (title)
		el.title = title;
	return el;
}

function span(from, to) {
	return api.hhmmss(new Date(from)) + ' – ' + api.hhmmss(new Date(to));
}

function drawTimeline() {
	timeline.textContent = '';
	if (!tl)
		return;
	const b = dayBounds();
	for (let h = 0; h <= 24; h += 3) {
		const tick = document.createElement('span');
		tick.className = h === 0 ? 'tick first' : h === 24 ? 'tick last' : 'tick';
		tick.style.left = (h / 24 * 100) + '%';
		tick.textContent = String(h).padStart(2, '0') + ':00';
		timeline.append(tick);
	}
	for (const s of tl.spans || []) {
		let title = t('tl.' + s.kind) + ' ' + span(s.from, s.to);
		if (s.reason)
			title += ': ' + s.reason;
		const el = box('span ' + s.kind, s.from, s.to, b, title);
		el.dataset.kind = s.kind;
		timeline.append(el);
	}
	for (const a of tl.allowed || []) {
		const el = box('allowed', a.from, a.to, b, t('tl.allowed') + ' ' + span(a.from, a.to) +
		    (a.request ? ' (' + a.request + ')' : ''));
		timeline.append(el);
	}
	for (const m of tl.marks || []) {
		const el = document.createElement('div');
		el.className = 'mark';
		el.style.left = 'calc(' + pct(Date.parse(m.at), b) + '% - 1px)';
		el.title = api.hhmmss(new Date(m.at)) + ' #' + m.seq + ' ' + (m.author || '') +
		    ' [' + (m.kind || '') + '] ' + (m.text || '');
		el.dataset.seq = String(m.seq);
		el.dataset.at = m.at;
		el.addEventListener('click', (ev) => {
			ev.stopPropagation();
			seekWall(new Date(m.at));
		});
		timeline.append(el);
	}
	const cursor = document.createElement('div');
	cursor.className = 'cursor';
	cursor.id = 'timeline-cursor';
	cursor.hidden = true;
	timeline.append(cursor);
	if (!Number.isNaN(cur.firstMs))
		drawCursor(wallAt(video.currentTime));
}

function drawCursor(w) {
	const c = document.getElementById('timeline-cursor');
	if (!c)
		return;
	const b = dayBounds();
	const ms = w.getTime();
	c.hidden = ms < b[0] || ms >= b[1];
	c.style.left = pct(ms, b) + '%';
}

async function loadDay(d) {
	day = d;
	dayInput.value = d;
	tl = null;
	drawTimeline();
	try {
		tl = await api.get('/api/timeline?' + new URLSearchParams({ camera: camera, day: d }));
		timeline.dataset.day = d;
		drawTimeline();
		// a hint, not an error: /play answers for the rights
		noneAllowed = Array.isArray(tl.allowed) && tl.allowed.length === 0;
		drawHint();
	} catch (e) {
		if (e.status === 401) {
			api.toLogin('expired');
			return;
		}
		showError(e);
	}
}

function shiftDay(n) {
	const [y, m, d] = day.split('-').map(Number);
	const next = new Date(Date.UTC(y, m - 1, d + n));
	loadDay(next.toISOString().slice(0, 10));
}

timeline.addEventListener('click', (ev) => {
	if (!tl)
		return;
	const r = timeline.getBoundingClientRect();
	const f = (ev.clientX - r.left) / r.width;
	const b = dayBounds();
	seekWall(new Date(b[0] + f * (b[1] - b[0])));
});

// --- the stream --------------------------------------------------------

function stopStream() {
	cur.gen++;
	if (cur.abort)
		cur.abort.abort();
	cur.abort = null;
	cur.sb = null;
	cur.ms = null;
	if (cur.url) {
		URL.revokeObjectURL(cur.url);
		cur.url = '';
	}
}

function bufferedAhead() {
	const b = video.buffered;
	const t0 = video.currentTime;
	for (let i = 0; i < b.length; i++) {
		if (t0 >= b.start(i) - 0.1 && t0 <= b.end(i))
			return b.end(b.length - 1) - t0;
	}
	return b.length ? b.end(b.length - 1) - t0 : 0;
}

function waitEvent(target, name, ms) {
	return new Promise((resolve) => {
		const done = () => {
			target.removeEventListener(name, done);
			window.clearTimeout(timer);
			resolve();
		};
		const timer = window.setTimeout(done, ms);
		target.addEventListener(name, done);
	});
}

// Remove what lies more than BEHIND s behind the picture.
async function trimBehind(sb, gen, keep) {
	const b = sb.buffered;
	if (b.length === 0 || video.currentTime - b.start(0) <= keep)
		return false;
	sb.remove(b.start(0), video.currentTime - keep);
	await waitEvent(sb, 'updateend', 5000);
	return gen === cur.gen;
}

async function append(sb, buf, gen) {
	for (;;) {
		if (gen !== cur.gen)
			return false;
		try {
			sb.appendBuffer(buf);
		} catch (e) {
			if (e.name !== 'QuotaExceededError')
				throw e;
			if (!await trimBehind(sb, gen, 2)) {
				await waitEvent(video, 'timeupdate', 1000);
			}
			continue;
		}
		await waitEvent(sb, 'updateend', 30000);
		return gen === cur.gen;
	}
}

function join(parts) {
	if (parts.length === 1)
		return parts[0];
	let n = 0;
	for (const p of parts)
		n += p.length;
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

// Play from wall time at: within what is buffered, a seek; else a new
// request /play/ID?from=at&speed=S.
function seekWall(at, paused) {
	if (!Number.isNaN(cur.firstMs) && cur.ms) {
		const ct = (at.getTime() - cur.firstMs) / 1000;
		const b = video.buffered;
		for (let i = 0; i < b.length; i++) {
			if (ct >= b.start(i) && ct < b.end(i) - 0.05) {
				video.currentTime = ct;
				if (!paused)
					startPlaying();
				return;
			}
		}
	}
	load(at, paused);
}

function startPlaying() {
	video.playbackRate = speed;
	const p = video.play();
	if (p && p.catch)
		p.catch(() => {});
}

async function load(at, paused) {
	stopStream();
	const gen = cur.gen;
	showError(null);
	setStatus('play.loading');
	const d = api.siteDay(at);
	if (d !== day)
		loadDay(d);
	const ctl = new AbortController();
	cur.abort = ctl;
	cur.done = false;
	cur.pauseAfterLoad = !!paused;
	const q = new URLSearchParams({ from: api.rfc3339(at), speed: String(speed) });
	let res;
	try {
		res = await fetch('/play/' + encodeURIComponent(camera) + '?' + q,
		    { credentials: 'same-origin', cache: 'no-store', signal: ctl.signal });
	} catch (e) {
		if (gen === cur.gen) {
			setStatus('');
			showError(new api.ApiError(0, 'network', String(e)));
		}
		return;
	}
	if (gen !== cur.gen)
		return;
	if (!res.ok) {
		setStatus('');
		const err = await api.failure(res);
		if (err.status === 401) {
			api.toLogin('expired');
			return;
		}
		showError(err);
		return;
	}
	const mime = res.headers.get('X-Camkit-Mime') || res.headers.get('Content-Type') || '';
	const first = res.headers.get('X-Camkit-First') || '';
	if (!window.MediaSource || !MediaSource.isTypeSupported(mime)) {
		ctl.abort();
		setStatus('');
		showError(new api.ApiError(0, 'unsupported-codec', mime));
		return;
	}
	cur.first = first;
	cur.firstMs = Date.parse(first);
	video.dataset.first = first;
	video.dataset.mime = mime;

	const ms = new MediaSource();
	cur.ms = ms;
	cur.url = URL.createObjectURL(ms);
	video.src = cur.url;
	await waitEvent(ms, 'sourceopen', 10000);
	if (gen !== cur.gen || ms.readyState !== 'open')
		return;
	const sb = ms.addSourceBuffer(mime);
	sb.mode = 'segments';
	cur.sb = sb;

	const reader = res.body.getReader();
	const fixer = new FragmentFixer();
	const skip = Math.max(0, (at.getTime() - cur.firstMs) / 1000) || 0;
	let started = false;
	try {
		for (;;) {
			while (bufferedAhead() > AHEAD && gen === cur.gen)
				await waitEvent(video, 'timeupdate', 1000);
			if (gen !== cur.gen)
				break;
			const { done, value } = await reader.read();
			if (gen !== cur.gen)
				break;
			const ready = done ? fixer.flush() : fixer.push(value);
			if (ready.length > 0 && !await append(sb, join(ready), gen))
				break;
			// the picture starts at the instant asked once it is held
			// (the answer starts at the keyframe before it)
			const b = sb.buffered;
			if (!started && b.length > 0 && (done || b.end(b.length - 1) > skip + 0.001)) {
				started = true;
				setStatus('');
				video.currentTime = Math.max(b.start(0), Math.min(skip, b.end(b.length - 1) - 0.001));
				if (cur.pauseAfterLoad)
					video.pause();
				else
					startPlaying();
				drawClock();
			}
			if (done) {
				cur.done = true;
				if (ms.readyState === 'open' && !sb.updating)
					ms.endOfStream();
				break;
			}
			if (video.currentTime - (sb.buffered.length ? sb.buffered.start(0) : 0) > BEHIND * 2)
				await trimBehind(sb, gen, BEHIND);
		}
	} catch (e) {
		if (gen === cur.gen && e.name !== 'AbortError')
			showError(new api.ApiError(0, 'internal', String(e)));
	} finally {
		if (gen !== cur.gen)
			reader.cancel().catch(() => {});
	}
	if (gen === cur.gen && !started) {
		setStatus('');
		showError(new api.ApiError(0, 'no-footage'));
	}
}

// A hole in the buffered ranges (a gap in the recording): the picture
// stops at the end of a range; go on at the next range's start.  A
// picture outside every range jumps at once; one that stands still
// while playing (the browser stalls at a range's last frame) jumps
// after STALL ms.
const STALL = 400;
let stillSince = 0;
let stillAt = -1;

function nextRange(ct) {
	const b = video.buffered;
	for (let i = 0; i < b.length; i++) {
		if (b.start(i) > ct + 0.001)
			return b.start(i);
	}
	return -1;
}

function skipHole(stalled) {
	const b = video.buffered;
	const ct = video.currentTime;
	let inside = false;
	for (let i = 0; i < b.length; i++) {
		if (ct >= b.start(i) && ct < b.end(i))
			inside = true;
	}
	if (inside && !stalled)
		return;
	const to = nextRange(ct);
	if (to >= 0)
		video.currentTime = to;
}

window.setInterval(() => {
	if (video.paused || video.seeking || !cur.sb) {
		stillAt = -1;
		return;
	}
	const ct = video.currentTime;
	if (ct !== stillAt) {
		stillAt = ct;
		stillSince = Date.now();
	} else if (Date.now() - stillSince > STALL) {
		skipHole(true);
		stillSince = Date.now();
	}
}, 100);

video.addEventListener('waiting', () => skipHole(false));
video.addEventListener('timeupdate', () => {
	if (!video.paused)
		skipHole(false);
	drawClock();
});
video.addEventListener('seeked', drawClock);
video.addEventListener('play', drawPlayPause);
video.addEventListener('pause', drawPlayPause);
video.addEventListener('ended', () => {
	drawPlayPause();
	setStatus('play.ended');
});
video.addEventListener('contextmenu', (ev) => ev.preventDefault());

// Frames per second, from the media times of the frames shown.
function watchFrames() {
	if (!video.requestVideoFrameCallback)
		return;
	let last = -1;
	const cb = (now, meta) => {
		// at any speed some frames are shown one after the other: the
		// smallest step between two is the frame interval
		if (last >= 0) {
			const d = meta.mediaTime - last;
			if (d > 0.001 && d < 1) {
				frameGaps.push(d);
				if (frameGaps.length > 50)
					frameGaps.shift();
				fps = 1 / Math.min(...frameGaps);
			}
		}
		last = meta.mediaTime;
		video.requestVideoFrameCallback(cb);
	};
	video.requestVideoFrameCallback(cb);
}

// --- controls ----------------------------------------------------------

function drawPlayPause() {
	const key = video.paused ? 'play.play' : 'play.pause';
	playPause.dataset.i18n = key;
	playPause.textContent = t(key);
}

playPause.addEventListener('click', () => {
	if (Number.isNaN(cur.firstMs))
		return;
	if (video.paused) {
		if (video.ended || (cur.done && bufferedAhead() <= 0.05))
			return;
		startPlaying();
	} else {
		video.pause();
	}
});

function step(dir) {
	if (Number.isNaN(cur.firstMs))
		return;
	video.pause();
	const f = fps > 0 ? fps : 25;
	const to = video.currentTime + dir / f;
	const b = video.buffered;
	if (b.length && to < b.start(0) - 0.001 && dir < 0) {
		// before what is held: fetch from there, paused
		load(wallAt(to - 1), true);
		return;
	}
	video.currentTime = Math.max(0, to);
}

document.getElementById('step-back').addEventListener('click', () => step(-1));
document.getElementById('step-fwd').addEventListener('click', () => step(1));

function drawSpeed() {
	for (const s of [1, 2, 4, 8]) {
		document.getElementById('speed-' + s).setAttribute('aria-pressed', String(s === speed));
	}
}

for (const s of [1, 2, 4, 8]) {
	document.getElementById('speed-' + s).addEventListener('click', () => {
		if (s === speed)
			return;
		speed = s;
		drawSpeed();
		video.playbackRate = speed;
		// the server is told the speed: a new request from the picture
		if (!Number.isNaN(cur.firstMs) && !video.ended)
			load(wallAt(video.currentTime), video.paused);
	});
}

document.addEventListener('keydown', (ev) => {
	if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement)
		return;
	if (ev.key === ' ') {
		ev.preventDefault();
		playPause.click();
	} else if (ev.key === ',') {
		step(-1);
	} else if (ev.key === '.') {
		step(1);
	}
});

dayInput.addEventListener('change', () => {
	if (/^\d{4}-\d{2}-\d{2}$/.test(dayInput.value))
		loadDay(dayInput.value);
});
// Play the day shown from a time of day typed in (site zone).
document.getElementById('goto-form').addEventListener('submit', (ev) => {
	ev.preventDefault();
	const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(document.getElementById('goto-time').value);
	if (!m || !day)
		return;
	const [y, mo, d] = day.split('-').map(Number);
	seekWall(api.fromSiteLocal(y, mo, d, +m[1], +m[2], m[3] ? +m[3] : 0));
});

document.getElementById('day-prev').addEventListener('click', () => shiftDay(-1));
document.getElementById('day-next').addEventListener('click', () => shiftDay(1));

async function main() {
	let me;
	try {
		me = await session.start();
	} catch (e) {
		showError(e);
		return;
	}
	document.getElementById('camera-name').textContent = camera;
	i18n.onChange(() => {
		drawError();
		drawPlayPause();
		setStatus(statusKey);
		drawTimeline();
	});
	session.onIdle(() => {
		stopStream();
		video.pause();
	});
	watchFrames();
	drawPlayPause();
	drawSpeed();
	let grantDay = '';
	try {
		const cams = await api.get('/api/cameras');
		const c = cams.find((x) => x.id === camera);
		// one who sees this camera only by view requests: the day of
		// the latest one, rather than today
		if (c && !c.stored && c.grants && c.grants.length > 0) {
			const g = c.grants.reduce((a, b) => (Date.parse(b.from) > Date.parse(a.from) ? b : a));
			grantDay = api.siteDay(new Date(g.from));
		}
		if (c) {
			document.getElementById('camera-name').textContent = c.name || c.id;
			document.getElementById('camera-location').textContent = c.location || '';
		}
	} catch (e) {
		// the name is a nicety: the timeline and /play answer for rights
	}
	const atText = new URLSearchParams(window.location.search).get('at');
	let at = null;
	if (atText) {
		at = api.parseAt(atText);
		if (!at) {
			showError({ key: 'play.bad-at', params: { at: atText }, code: 'bad-request' });
		}
	}
	await loadDay(at ? api.siteDay(at) : grantDay || api.siteDay(new Date()));
	if (at)
		load(at, false);
	return me;
}

main();
