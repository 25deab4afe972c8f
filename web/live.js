// A live camera in a <video>: the WebSocket /live/ID?stream=wall|main
// fed into a MediaSource (protocol: a text "init" with the mime, then
// binary messages, the init segment first and then one fragment per
// frame; a text "down" when the camera goes down, a new "init" when it
// is back).  The buffer stays short: what is behind is trimmed, and the
// picture jumps to the live edge when it is more than LAG s behind.
// A lost connection is retried with backoff.
import * as api from './api.js';
import { FragmentFixer } from './fragments.js';

const LAG = 2.0;		// s behind the live edge before jumping
const EDGE = 0.3;		// s before the edge where a jump lands
const KEEP = 6;			// s kept behind the picture
const BACKOFF_MAX = 10;		// s between retries, at most

export class LivePlayer {
	// cb: onState(state, info) with state "connecting" | "up" | "down" |
	// "retry" | "refused" | "unsupported"; info: {since, reason, seconds,
	// code, init}.
	constructor(video, camera, stream, cb) {
		this.video = video;
		this.camera = camera;
		this.stream = stream || 'wall';
		this.cb = cb || {};
		this.ws = null;
		this.ms = null;
		this.sb = null;
		this.url = '';
		this.queue = [];
		this.stopped = true;
		this.failures = 0;
		this.retryTimer = 0;
		this.opened = false;
		this.mime = '';
		this.onTime = () => this.chase();
		video.addEventListener('timeupdate', this.onTime);
	}

	state(s, info) {
		if (this.cb.onState)
			this.cb.onState(s, info || {});
	}

	start() {
		this.stopped = false;
		this.connect();
	}

	stop() {
		this.stopped = true;
		window.clearTimeout(this.retryTimer);
		if (this.ws) {
			this.ws.onclose = null;
			this.ws.close();
			this.ws = null;
		}
		this.detach();
	}

	// Use another stream (the H.264 second stream, or main when
	// enlarged) from now on.
	switchTo(stream) {
		if (stream === this.stream && !this.stopped)
			return;
		this.stop();
		this.stream = stream;
		this.start();
	}

	wsUrl() {
		const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
		return scheme + '//' + window.location.host + '/live/' +
		    encodeURIComponent(this.camera) + '?stream=' + encodeURIComponent(this.stream);
	}

	connect() {
		if (this.stopped)
			return;
		this.state('connecting');
		this.opened = false;
		let ws;
		try {
			ws = new WebSocket(this.wsUrl());
		} catch (e) {
			this.retry();
			return;
		}
		ws.binaryType = 'arraybuffer';
		this.ws = ws;
		ws.onopen = () => {
			this.opened = true;
		};
		ws.onmessage = (ev) => this.message(ev.data);
		ws.onclose = () => {
			if (this.ws !== ws)
				return;
			this.ws = null;
			if (this.stopped)
				return;
			if (!this.opened)
				this.refusedOrRetry();
			else
				this.retry();
		};
	}

	// A handshake that failed: a browser does not say why, so ask the
	// same path as a plain request, which the server refuses the same
	// way (401 unauthenticated, 403 forbidden, 404 no-camera).
	async refusedOrRetry() {
		let res = null;
		try {
			res = await fetch('/live/' + encodeURIComponent(this.camera) +
			    '?stream=' + encodeURIComponent(this.stream),
			    { credentials: 'same-origin', cache: 'no-store' });
		} catch (e) {
			res = null;
		}
		if (this.stopped)
			return;
		if (res && res.status === 401) {
			api.toLogin('expired');
			return;
		}
		if (res && (res.status === 403 || res.status === 404)) {
			const err = await api.failure(res);
			this.stopped = true;
			this.state('refused', { code: err.code, error: err });
			return;
		}
		this.retry();
	}

	retry() {
		this.detach();
		if (this.stopped)
			return;
		this.failures++;
		const seconds = Math.min(BACKOFF_MAX, 2 ** Math.min(this.failures - 1, 5));
		this.state('retry', { seconds: seconds });
		window.clearTimeout(this.retryTimer);
		this.retryTimer = window.setTimeout(() => this.connect(), seconds * 1000);
	}

	// Retry at once (the camera is said to be back).
	retryNow() {
		if (this.stopped || this.ws)
			return;
		window.clearTimeout(this.retryTimer);
		this.connect();
	}

	message(data) {
		if (typeof data === 'string') {
			let m;
			try {
				m = JSON.parse(data);
			} catch (e) {
				return;
			}
			if (m.type === 'init')
				this.init(m);
			else if (m.type === 'down') {
				this.detach();
				this.state('down', { since: m.since, reason: m.reason });
			}
			return;
		}
		if (!this.ms)
			return;		// no init yet, or an unsupported codec
		for (const b of this.fixer.push(new Uint8Array(data)))
			this.queue.push(b);
		this.pump();
	}

	init(m) {
		this.detach();
		this.mime = m.mime;
		if (!window.MediaSource || !MediaSource.isTypeSupported(m.mime)) {
			this.stopped = true;
			if (this.ws) {
				this.ws.onclose = null;
				this.ws.close();
				this.ws = null;
			}
			this.state('unsupported', { init: m });
			return;
		}
		this.failures = 0;
		this.fixer = new FragmentFixer(true);
		const ms = new MediaSource();
		this.ms = ms;
		this.url = URL.createObjectURL(ms);
		ms.addEventListener('sourceopen', () => {
			if (this.ms !== ms)
				return;
			try {
				this.sb = ms.addSourceBuffer(m.mime);
			} catch (e) {
				this.state('unsupported', { init: m });
				return;
			}
			this.sb.mode = 'segments';
			this.sb.addEventListener('updateend', () => this.updated());
			this.pump();
		}, { once: true });
		this.video.src = this.url;
		this.state('up', { init: m });
	}

	detach() {
		this.queue = [];
		this.sb = null;
		if (this.ms) {
			this.ms = null;
			this.video.removeAttribute('src');
			this.video.load();
		}
		if (this.url) {
			URL.revokeObjectURL(this.url);
			this.url = '';
		}
	}

	pump() {
		const sb = this.sb;
		if (!sb || sb.updating || this.queue.length === 0)
			return;
		const buf = this.queue.shift();
		try {
			sb.appendBuffer(buf);
		} catch (e) {
			if (e.name === 'QuotaExceededError') {
				this.queue.unshift(buf);
				this.trim(true);
			} else {
				this.retry();
			}
		}
	}

	updated() {
		if (!this.trim(false))
			this.pump();
		this.chase();
	}

	// Remove what lies more than KEEP s behind the picture.  True when a
	// removal is under way (updateend comes again).
	trim(hard) {
		const sb = this.sb;
		const v = this.video;
		if (!sb || sb.updating || sb.buffered.length === 0)
			return false;
		const start = sb.buffered.start(0);
		const keep = hard ? 1 : KEEP;
		if (v.currentTime - start > keep + 2) {
			sb.remove(start, v.currentTime - keep);
			return true;
		}
		return false;
	}

	// Keep the picture at the live edge: at the start, after a hole, and
	// when it has fallen more than LAG s behind.
	chase() {
		const v = this.video;
		const b = v.buffered;
		if (!this.sb || b.length === 0)
			return;
		const end = b.end(b.length - 1);
		const t = v.currentTime;
		let inside = false;
		for (let i = 0; i < b.length; i++) {
			if (t >= b.start(i) && t <= b.end(i))
				inside = true;
		}
		if (!inside || end - t > LAG) {
			const to = Math.max(b.start(b.length - 1), end - EDGE);
			if (Math.abs(to - t) > 0.05)
				v.currentTime = to;
		}
		if (v.paused) {
			const p = v.play();
			if (p && p.catch)
				p.catch(() => {});
		}
	}
}
