// The login page: POST /api/login with the form, then the wall (or the
// page the user was sent away from, when it is one of camview's own).
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as api from './api.js';

const form = document.getElementById('login-form');
const user = document.getElementById('login-user');
const password = document.getElementById('login-password');
const submit = document.getElementById('login-submit');
const error = document.getElementById('login-error');
const notice = document.getElementById('login-notice');
let lastError = null;
let retryTimer = 0;

function showError() {
	if (!lastError) {
		error.hidden = true;
		error.textContent = '';
		return;
	}
	error.textContent = lastError.text();
	error.dataset.code = lastError.code;
	error.hidden = false;
}

function showNotice() {
	const why = new URLSearchParams(window.location.search).get('why');
	const key = why === 'out' ? 'login.out' : why === 'expired' ? 'login.expired' :
	    why === 'idle' ? 'idle.ended' : '';
	notice.hidden = !key;
	notice.textContent = key ? t(key) : '';
}

// Only a path of this server: never an address elsewhere.
function next() {
	const n = new URLSearchParams(window.location.search).get('next') || '/';
	return /^\/(?![/\\])[A-Za-z0-9/_.?=&%:+-]*$/.test(n) && !n.startsWith('/login') ? n : '/';
}

function slowed(seconds) {
	submit.disabled = true;
	let left = seconds;
	window.clearInterval(retryTimer);
	retryTimer = window.setInterval(() => {
		left--;
		if (left <= 0) {
			window.clearInterval(retryTimer);
			submit.disabled = false;
			lastError = null;
			showError();
			return;
		}
		lastError.extra.retry_after = left;
		showError();
	}, 1000);
}

form.addEventListener('submit', async (ev) => {
	ev.preventDefault();
	submit.disabled = true;
	lastError = null;
	showError();
	submit.textContent = t('login.busy');
	try {
		const r = await api.postForm('/api/login', {
			user: user.value.trim(), password: password.value,
		});
		password.value = '';
		api.setCsrf(r.csrf);
		window.location.assign(next());
		return;
	} catch (e) {
		lastError = e instanceof api.ApiError ? e : new api.ApiError(0, 'network');
		password.value = '';
		showError();
		password.focus();
	} finally {
		submit.textContent = t('login.submit');
	}
	if (lastError.code === 'slowed')
		slowed(Number(lastError.extra.retry_after) || 60);
	else
		submit.disabled = false;
});

i18n.onChange(() => {
	showError();
	showNotice();
});
i18n.bindButtons();
showNotice();
