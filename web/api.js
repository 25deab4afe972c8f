// camview's HTTP API as the pages use it: JSON requests with the
// session's CSRF token on every POST, errors turned into ApiError with
// the server's CODE (the text a person reads comes from i18n by CODE),
// and the site's time zone for every time shown.
import { t, has } from './i18n.js';

let csrf = '';

export function setCsrf(token) {
	csrf = token || '';
}

export class ApiError extends Error {
	constructor(status, code, message, extra) {
		super(message || code);
		this.status = status;
		this.code = code;
		this.extra = extra || {};
	}

	// The text for a person, in the chosen language.
	text() {
		return errorText(this.code, this.extra);
	}
}

export function errorText(code, extra) {
	if (code === 'slowed')
		return t('err.slowed', { seconds: (extra && extra.retry_after) || 60 });
	if (has('err.' + code))
		return t('err.' + code);
	return t('err.unknown', { code: code });
}

// Turn a non-2xx answer into an ApiError (JSON {"error","message"}).
export async function failure(res) {
	let body = {};
	try {
		body = await res.json();
	} catch (e) {
		body = {};
	}
	const code = body.error ||
	    (res.status === 401 ? 'unauthenticated' :
	    res.status === 403 ? 'forbidden' :
	    res.status === 404 ? 'no-camera' : 'internal');
	return new ApiError(res.status, code, body.message, body);
}

async function send(method, path, body, contentType) {
	const headers = { 'Accept': 'application/json' };
	if (method !== 'GET')
		headers['X-CSRF-Token'] = csrf;
	if (contentType)
		headers['Content-Type'] = contentType;
	let res;
	try {
		res = await fetch(path, {
			method: method, headers: headers, body: body,
			credentials: 'same-origin', cache: 'no-store',
		});
	} catch (e) {
		throw new ApiError(0, 'network', String(e));
	}
	if (!res.ok)
		throw await failure(res);
	return res.json();
}

export function get(path) {
	return send('GET', path);
}

export function post(path, obj) {
	return send('POST', path, JSON.stringify(obj || {}), 'application/json');
}

export function postForm(path, fields) {
	return send('POST', path, new URLSearchParams(fields).toString(),
	    'application/x-www-form-urlencoded');
}

export function toLogin(reason) {
	const q = reason ? '?' + new URLSearchParams({ why: reason }) : '';
	window.location.assign('/login' + q);
}

// --- time in the site's zone -------------------------------------------

let zone = 'Asia/Ho_Chi_Minh';

export function setZone(z) {
	if (z)
		zone = z;
}

export function siteZone() {
	return zone;
}

function parts(date, opts) {
	const f = new Intl.DateTimeFormat('en-GB', Object.assign({
		timeZone: zone, hourCycle: 'h23',
	}, opts));
	const o = {};
	for (const p of f.formatToParts(date))
		o[p.type] = p.value;
	return o;
}

function pad(n, w) {
	return String(n).padStart(w || 2, '0');
}

// "HH:MM" of an instant, in the site's zone.
export function hhmm(date) {
	const p = parts(date, { hour: '2-digit', minute: '2-digit' });
	return p.hour + ':' + p.minute;
}

// "HH:MM:SS" (with ".mmm" when ms) in the site's zone.
export function hhmmss(date, ms) {
	const p = parts(date, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
	let s = p.hour + ':' + p.minute + ':' + p.second;
	if (ms)
		s += '.' + pad(date.getUTCMilliseconds(), 3);
	return s;
}

// "YYYY-MM-DD" of an instant in the site's zone.
export function siteDay(date) {
	const p = parts(date, { year: 'numeric', month: '2-digit', day: '2-digit' });
	return p.year + '-' + p.month + '-' + p.day;
}

// "YYYY-MM-DD HH:MM:SS" in the site's zone.
export function siteDateTime(date) {
	return siteDay(date) + ' ' + hhmmss(date);
}

// Offset of the site's zone from UTC at an instant, in ms.
function offsetAt(ms) {
	const p = parts(new Date(ms), {
		year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', second: '2-digit',
	});
	const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
	return asUtc - Math.floor(ms / 1000) * 1000;
}

// The instant of a wall-clock time in the site's zone.
export function fromSiteLocal(y, mo, d, h, mi, s) {
	const guess = Date.UTC(y, mo - 1, d, h, mi, s);
	let ms = guess - offsetAt(guess);
	ms = guess - offsetAt(ms);
	return new Date(ms);
}

// ?at=TIME: RFC 3339 ("2026-12-05T09:15:00+07:00", "...Z") or the
// site's local time "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DDTHH:MM[:SS]".
// null when it is neither.
export function parseAt(s) {
	if (!s)
		return null;
	const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(s.trim());
	if (!m)
		return null;
	const [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
	const sec = m[6] ? +m[6] : 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return null;
	if (m[8]) {
		const ms = Date.parse(m[1] + '-' + m[2] + '-' + m[3] + 'T' + m[4] + ':' +
		    m[5] + ':' + pad(sec) + (m[7] || '') + m[8].toUpperCase());
		return Number.isNaN(ms) ? null : new Date(ms);
	}
	const at = fromSiteLocal(y, mo, d, h, mi, sec);
	if (m[7])
		at.setTime(at.getTime() + Math.round(parseFloat(m[7]) * 1000));
	return at;
}

// RFC 3339 UTC with microseconds, as the server writes them.
export function rfc3339(date) {
	return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
