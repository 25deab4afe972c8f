// The access report (/access): /api/access?since=DAY (camaudit access
// --json: [{"seq","time","host","record"}]) as a table, for the
// auditor, the director and the operator.
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as api from './api.js';
import * as session from './session.js';

const form = document.getElementById('access-form');
const since = document.getElementById('since');
const rows = document.getElementById('access-rows');
const errorEl = document.getElementById('access-error');
const count = document.getElementById('access-count');
let records = null;
let lastError = null;

function drawError() {
	errorEl.hidden = !lastError;
	errorEl.textContent = lastError ? lastError.text() : '';
	if (lastError)
		errorEl.dataset.code = lastError.code;
}

function when(s) {
	const d = new Date(s);
	return Number.isNaN(d.getTime()) ? String(s || '') : api.siteDateTime(d);
}

function cell(tr, text) {
	const td = document.createElement('td');
	td.textContent = text == null ? '' : String(text);
	tr.append(td);
	return td;
}

function detailOf(rec) {
	const d = rec.detail;
	if (d && typeof d === 'object')
		return d;
	if (typeof d === 'string') {
		try {
			const o = JSON.parse(d);
			if (o && typeof o === 'object')
				return o;
		} catch (e) {
			return { text: d };
		}
	}
	return {};
}

function draw() {
	rows.textContent = '';
	if (!records)
		return;
	for (const r of records) {
		const rec = r.record || r;
		const d = detailOf(rec);
		const tr = document.createElement('tr');
		tr.className = rec.outcome === 'refused' ? 'refused' : 'granted';
		tr.dataset.seq = String(r.seq);
		tr.dataset.verb = rec.verb || '';
		cell(tr, when(r.time || rec.time));
		cell(tr, rec.actor);
		cell(tr, d.client || '');
		cell(tr, rec.program);
		cell(tr, rec.verb);
		cell(tr, rec.object);
		cell(tr, rec.outcome + (rec.reason ? ': ' + rec.reason : ''));
		let win = '';
		if (d.from && d.to)
			win = when(d.from) + ' – ' + when(d.to);
		else if (d.opened)
			win = when(d.opened) + ' – ' + (d.closed ? when(d.closed) : '');
		cell(tr, win);
		const more = [];
		for (const k of ['stream', 'seconds', 'speed', 'request', 'frames', 'reason', 'text']) {
			if (d[k] != null && d[k] !== '')
				more.push(k + '=' + d[k]);
		}
		cell(tr, more.join(' '));
		rows.append(tr);
	}
	document.getElementById('access-empty').hidden = records.length > 0;
	count.textContent = t('access.count', { n: records.length });
}

async function load() {
	lastError = null;
	drawError();
	try {
		const r = await api.get('/api/access?' + new URLSearchParams({ since: since.value }));
		records = Array.isArray(r) ? r : (r.records || []);
	} catch (e) {
		if (e.status === 401) {
			api.toLogin('expired');
			return;
		}
		records = null;
		lastError = e;
		drawError();
	}
	draw();
}

form.addEventListener('submit', (ev) => {
	ev.preventDefault();
	load();
});

async function main() {
	try {
		await session.start();
	} catch (e) {
		lastError = e;
		drawError();
		return;
	}
	i18n.onChange(() => {
		drawError();
		draw();
	});
	const q = new URLSearchParams(window.location.search).get('since');
	since.value = q && /^\d{4}-\d{2}-\d{2}$/.test(q) ? q :
	    api.siteDay(new Date(Date.now() - 7 * 86400000));
	load();
}

main();
