// What every page after login shares: who is logged in (/api/me), the
// language buttons, the logout button, the shift status, and the idle
// warning.
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as api from './api.js';

let me = null;
const idle = { last: Date.now(), timer: 0, ended: false, keepAlive: null };

// Load /api/me and set up the page's header.  Resolves to me; on 401
// the page goes to /login instead.
export async function start(opts) {
	i18n.bindButtons();
	try {
		me = await api.get('/api/me');
	} catch (e) {
		if (e.status === 401)
			api.toLogin('expired');
		throw e;
	}
	api.setCsrf(me.csrf);
	api.setZone(me.site && me.site.timezone);
	const who = document.getElementById('account');
	if (who)
		who.textContent = me.account + ' (' + (me.roles || []).join(', ') + ')';
	const site = document.getElementById('site-name');
	if (site && me.site && me.site.name)
		site.textContent = me.site.name;
	const access = document.getElementById('nav-access');
	if (access)
		access.hidden = !(me.may && me.may.audit);
	const out = document.getElementById('logout');
	if (out)
		out.addEventListener('click', logout);
	showShift();
	i18n.onChange(showShift);
	startIdle(opts && opts.keepAlive);
	return me;
}

export function current() {
	return me;
}

export async function logout() {
	try {
		await api.post('/api/logout', {});
	} catch (e) {
		// ended already, or the server is away: the login page either way
	}
	api.toLogin('out');
}

// Refresh /api/me (the shift may have opened or closed).
export async function refresh() {
	const m = await api.get('/api/me');
	me = m;
	api.setCsrf(me.csrf);
	showShift();
	return me;
}

function showShift() {
	const el = document.getElementById('shift-status');
	if (!el || !me)
		return;
	const s = me.shift || { open: false };
	el.classList.toggle('open', !!s.open);
	if (s.open) {
		el.textContent = t('shift.open', {
			holder: s.holder || '?',
			since: s.since ? api.hhmm(new Date(s.since)) : '?',
		});
	} else {
		el.textContent = t('shift.closed');
	}
}

// --- idle ------------------------------------------------------------
//
// The server ends a session after idle_minutes without a request.  A
// minute before the page would let it lapse, a banner says so and
// offers to stay; at the end the page stops its requests and streams
// (opts.onIdle) and says the session ended, so that the server ends it
// as idle.  keepAlive() returning true counts as activity: the wall in
// the guard room is watched, not touched, while it is on screen.

function startIdle(keepAlive) {
	idle.keepAlive = keepAlive || null;
	const bump = () => {
		if (!idle.ended)
			idle.last = Date.now();
	};
	for (const ev of ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart'])
		window.addEventListener(ev, bump, { passive: true });
	const minutes = me && me.idle_minutes > 0 ? me.idle_minutes : 15;
	idle.timer = window.setInterval(() => checkIdle(minutes), 1000);
	const stay = document.getElementById('idle-stay');
	if (stay) {
		stay.addEventListener('click', async () => {
			bump();
			try {
				await refresh();
			} catch (e) {
				if (e.status === 401)
					api.toLogin('expired');
			}
		});
	}
}

const idleHandlers = [];

export function onIdle(fn) {
	idleHandlers.push(fn);
}

// Is the page ending its session for inactivity?
export function idleEnded() {
	return idle.ended;
}

function checkIdle(minutes) {
	if (idle.ended)
		return;
	if (idle.keepAlive && idle.keepAlive())
		idle.last = Date.now();
	const left = Math.round((idle.last + minutes * 60000 - Date.now()) / 1000);
	const bar = document.getElementById('idle-warning');
	const text = document.getElementById('idle-text');
	if (left <= 0) {
		idle.ended = true;
		window.clearInterval(idle.timer);
		for (const fn of idleHandlers)
			fn();
		if (bar)
			bar.hidden = true;
		const over = document.getElementById('idle-ended');
		if (over)
			over.hidden = false;
		return;
	}
	// a minute before the end, or half the time when it is that short
	const warn = Math.min(60, minutes * 30);
	if (bar) {
		bar.hidden = left > warn;
		if (text && left <= warn)
			text.textContent = t('idle.warn', { seconds: left });
	}
}
