// The wall (/): a tile for every camera the account may watch live,
// with its state ("down since HH:MM"), click to enlarge and Esc to go
// back, full screen, and the guard's "suspicious" and "fault" reports.
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as api from './api.js';
import * as session from './session.js';
import { LivePlayer } from './live.js';

const POLL = 10000;		// ms between /api/cameras refreshes
const SOON = 1500;		// ms to a refresh when a stream is lost

const wall = document.getElementById('wall');
const tiles = new Map();	// camera id -> {cam, el, video, state, player, note}
let pollTimer = 0;

function showPageError(err) {
	const el = document.getElementById('page-error');
	el.textContent = err ? (err.text ? err.text() : String(err)) : '';
	if (err && err.code)
		el.dataset.code = err.code;
	el.hidden = !err;
}

// Columns and rows: 1, 4, 9, 16 tiles fill the screen as 1x1, 2x2,
// 3x3, 4x4; other counts take the smallest such grid, fewer rows when
// they fit.
function layout() {
	const n = Math.max(1, tiles.size);
	const cols = Math.ceil(Math.sqrt(n));
	const rows = Math.ceil(n / cols);
	wall.style.setProperty('--cols', String(cols));
	wall.style.setProperty('--rows', String(rows));
	wall.dataset.count = String(tiles.size);
}

function tileStateText(tile) {
	const s = tile.state;
	if (s.name === 'down' && s.since)
		return t('state.down-since', { time: api.hhmm(new Date(s.since)) });
	if (s.name === 'retry')
		return t('state.reconnect', { seconds: s.seconds });
	if (s.name === 'refused')
		return api.errorText(s.code);
	if (s.name === 'unsupported')
		return t(s.text);
	return t('state.' + s.name);
}

function drawState(tile) {
	const el = tile.el.querySelector('.tile-state');
	el.textContent = tileStateText(tile);
	el.title = tile.state.reason || '';
	tile.el.dataset.state = tile.state.name;
	el.dataset.state = tile.state.name;
}

function setState(tile, name, info) {
	const i = info || {};
	tile.state = {
		name: name, since: i.since || null, reason: i.reason || null,
		seconds: i.seconds, code: i.code, text: i.text,
	};
	drawState(tile);
}

// The stream the wall starts with: the one the server names for the
// wall (the H.264 second stream when the camera has one).
function wallStream(cam) {
	return cam.wall === 'main' ? 'main' : 'wall';
}

function onPlayerState(tile, name, info) {
	if (name === 'unsupported') {
		const cam = tile.cam;
		const other = tile.player.stream === 'main' ? 'wall' : 'main';
		const otherCodec = other === 'wall' ? cam.wall_codec : cam.main_codec;
		if (otherCodec === 'h264' && !tile.triedOther) {
			tile.triedOther = true;
			setState(tile, 'unsupported', { text: 'state.hevc-wall' });
			tile.player.switchTo(other);
			return;
		}
		setState(tile, 'unsupported', { text: 'state.hevc-none' });
		return;
	}
	// While the camera is down or not recorded, retries say nothing new.
	if ((name === 'connecting' || name === 'retry') &&
	    (tile.apiState === 'down' || tile.apiState === 'off') &&
	    (tile.state.name === 'down' || tile.state.name === 'off'))
		return;
	if (name === 'up' && tile.triedOther) {
		setState(tile, 'up');
		tile.el.querySelector('.tile-note').textContent = t('state.hevc-wall');
		return;
	}
	setState(tile, name, info);
	// a lost stream: ask /api/cameras soon whether the camera is down
	if (name === 'retry')
		pollSoon();
}

function button(cls, key, fn) {
	const b = document.createElement('button');
	b.type = 'button';
	b.className = cls;
	b.dataset.i18n = key;
	b.textContent = t(key);
	b.addEventListener('click', (ev) => {
		ev.stopPropagation();
		fn();
	});
	return b;
}

function makeTile(cam) {
	const el = document.createElement('section');
	el.className = 'tile';
	el.dataset.camera = cam.id;
	el.tabIndex = 0;
	el.dataset.i18nTitle = 'wall.enlarge';
	el.title = t('wall.enlarge');

	const video = document.createElement('video');
	video.dataset.camera = cam.id;
	video.muted = true;
	video.autoplay = true;
	video.playsInline = true;
	video.setAttribute('muted', '');
	video.setAttribute('autoplay', '');
	video.setAttribute('playsinline', '');
	video.setAttribute('controlsList', 'nodownload noremoteplayback');
	video.disablePictureInPicture = true;
	video.setAttribute('disablepictureinpicture', '');
	video.addEventListener('contextmenu', (ev) => ev.preventDefault());

	const bar = document.createElement('div');
	bar.className = 'tile-bar';
	const name = document.createElement('span');
	name.className = 'tile-name';
	name.textContent = cam.name || cam.id;
	if (cam.location)
		name.title = cam.location;
	const state = document.createElement('span');
	state.className = 'tile-state';
	const note = document.createElement('span');
	note.className = 'tile-note';
	bar.append(name, state, note);

	const actions = document.createElement('div');
	actions.className = 'tile-actions';
	actions.append(
	    button('report-suspicious', 'report.suspicious', () => openReport(cam, 'suspicious')),
	    button('report-fault', 'report.fault', () => openReport(cam, 'fault')));
	if (cam.stored || (cam.grants && cam.grants.length > 0)) {
		const a = document.createElement('a');
		a.className = 'tile-play';
		a.href = '/camera/' + encodeURIComponent(cam.id);
		a.dataset.i18n = 'wall.stored';
		a.textContent = t('wall.stored');
		a.addEventListener('click', (ev) => ev.stopPropagation());
		actions.append(a);
	}
	bar.append(actions);
	el.append(video, bar);

	const tile = { cam: cam, el: el, video: video, state: { name: 'connecting' },
		triedOther: false, moved: 0 };
	video.addEventListener('timeupdate', () => {
		tile.moved = Date.now();
	});
	tile.player = new LivePlayer(video, cam.id, wallStream(cam), {
		onState: (name, info) => onPlayerState(tile, name, info),
	});
	el.addEventListener('click', () => toggleEnlarge(tile));
	el.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter')
			toggleEnlarge(tile);
	});
	return tile;
}

// The state /api/cameras gives, for a tile whose stream says nothing
// newer (the stream's own "down" and "init" are fresher).
// A picture that moved in the last STILL ms: the stream is fresher
// than /api/cameras.
const STILL = 5000;

function moving(tile) {
	return tile.state.name === 'up' && Date.now() - tile.moved < STILL;
}

function camState(tile, cam) {
	const was = tile.apiState;
	tile.cam = cam;
	tile.apiState = cam.state;
	if (moving(tile))
		return;
	if (cam.state === 'down' && tile.state.name !== 'down')
		setState(tile, 'down', { since: cam.down_since, reason: cam.reason });
	else if (cam.state === 'off' && tile.state.name !== 'off')
		setState(tile, 'off', { reason: cam.reason });
	else if (cam.state === 'up' && tile.player.stopped &&
	    tile.state.name !== 'refused' && tile.state.name !== 'unsupported')
		tile.player.start();
	else if (cam.state === 'up' && was !== 'up')
		tile.player.retryNow();	// back: no need to wait for the backoff
}

// An enlarged tile of a camera with a smaller wall stream shows the
// main stream (H.264 only: every browser decodes it), and goes back to
// the wall stream with the grid.
function enlarge(tile, on) {
	tile.el.classList.toggle('enlarged', on);
	const cam = tile.cam;
	if (cam.wall === 'wall' && cam.main_codec === 'h264' && !tile.triedOther &&
	    !tile.player.stopped)
		tile.player.switchTo(on ? 'main' : 'wall');
}

function toggleEnlarge(tile) {
	const on = !tile.el.classList.contains('enlarged');
	for (const x of tiles.values()) {
		if (x !== tile && x.el.classList.contains('enlarged'))
			enlarge(x, false);
	}
	enlarge(tile, on);
	wall.classList.toggle('has-enlarged', on);
}

document.addEventListener('keydown', (ev) => {
	if (ev.key !== 'Escape' || document.getElementById('report-dialog').open)
		return;
	for (const x of tiles.values()) {
		if (x.el.classList.contains('enlarged'))
			enlarge(x, false);
	}
	wall.classList.remove('has-enlarged');
});

function drawStoredLinks(cams) {
	const box = document.getElementById('stored-links');
	box.textContent = '';
	const list = cams.filter((c) => !c.live && (c.stored || (c.grants && c.grants.length)));
	for (const c of list) {
		const a = document.createElement('a');
		a.href = '/camera/' + encodeURIComponent(c.id);
		a.textContent = c.name || c.id;
		box.append(a, ' ');
	}
	document.getElementById('stored').hidden = list.length === 0;
}

async function load() {
	const cams = await api.get('/api/cameras');
	const live = cams.filter((c) => c.live);
	const seen = new Set();
	for (const cam of live) {
		seen.add(cam.id);
		let tile = tiles.get(cam.id);
		if (!tile) {
			tile = makeTile(cam);
			tiles.set(cam.id, tile);
			wall.append(tile.el);
			drawState(tile);
			// a down camera's stream says "init" when it is back
			tile.player.start();
			camState(tile, cam);
		} else {
			camState(tile, cam);
		}
	}
	for (const [id, tile] of tiles) {
		if (!seen.has(id)) {
			tile.player.stop();
			tile.el.remove();
			tiles.delete(id);
		}
	}
	layout();
	document.getElementById('wall-empty').hidden = tiles.size > 0;
	drawStoredLinks(cams);
}

let soonTimer = 0;

function pollSoon() {
	if (soonTimer || session.idleEnded())
		return;
	soonTimer = window.setTimeout(() => {
		soonTimer = 0;
		poll();
	}, SOON);
}

async function poll() {
	try {
		await load();
		await session.refresh();
		showPageError(null);
	} catch (e) {
		if (e.status === 401) {
			api.toLogin('expired');
			return;
		}
		showPageError(e);
	}
}

// --- reports -----------------------------------------------------------

const dialog = document.getElementById('report-dialog');
const note = document.getElementById('report-note');
const reportError = document.getElementById('report-error');
let reporting = null;	// {cam, kind}

function drawReportTitle() {
	if (!reporting)
		return;
	document.getElementById('report-title').textContent =
	    t('report.title-' + reporting.kind, { camera: reporting.cam.name || reporting.cam.id });
}

function openReport(cam, kind) {
	reporting = { cam: cam, kind: kind, at: new Date() };
	drawReportTitle();
	note.value = '';
	reportError.hidden = true;
	dialog.dataset.camera = cam.id;
	dialog.dataset.kind = kind;
	dialog.showModal();
	note.focus();
}

document.getElementById('report-cancel').addEventListener('click', () => dialog.close());

document.getElementById('report-form').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const text = note.value.trim();
	if (!text) {
		reportError.textContent = t('report.need-note');
		reportError.hidden = false;
		return;
	}
	const send = document.getElementById('report-send');
	send.disabled = true;
	try {
		const r = await api.post('/api/report', {
			camera: reporting.cam.id, kind: reporting.kind, note: text,
		});
		dialog.close();
		const res = document.getElementById('report-result');
		res.textContent = t('report.done', { seq: r.seq, hold: r.hold });
		res.dataset.seq = String(r.seq);
		res.dataset.hold = String(r.hold);
		res.hidden = false;
		window.setTimeout(() => {
			res.hidden = true;
		}, 15000);
	} catch (e) {
		if (e.status === 401) {
			api.toLogin('expired');
			return;
		}
		reportError.textContent = e.text ? e.text() : String(e);
		reportError.dataset.code = e.code || '';
		reportError.hidden = false;
	} finally {
		send.disabled = false;
	}
});

// --- full screen -------------------------------------------------------

document.getElementById('fullscreen').addEventListener('click', () => {
	if (document.fullscreenElement)
		document.exitFullscreen();
	else if (document.documentElement.requestFullscreen)
		document.documentElement.requestFullscreen().catch(() => {});
});

async function main() {
	try {
		await session.start({
			keepAlive: () => document.visibilityState === 'visible' && tiles.size > 0,
		});
	} catch (e) {
		showPageError(e);
		return;
	}
	i18n.onChange(() => {
		for (const tile of tiles.values())
			drawState(tile);
		drawReportTitle();
	});
	session.onIdle(() => {
		window.clearInterval(pollTimer);
		for (const tile of tiles.values())
			tile.player.stop();
	});
	await poll();
	pollTimer = window.setInterval(poll, POLL);
}

main();
