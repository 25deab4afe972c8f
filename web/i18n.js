// Every text a person reads in camview's pages, Vietnamese (the site's
// default) and English.  One key a line, both languages on it: the
// static check (tests/webcheck.pl) reads this table and refuses a key
// without both, or a key used in a page or a module but missing here.
// {name} in a text is filled in by t(key, {name: value}).

const TEXTS = {
	'app.title': { vi: 'camview: xem camera', en: 'camview: camera viewing' },
	'lang.vi': { vi: 'Tiếng Việt', en: 'Tiếng Việt' },
	'lang.en': { vi: 'English', en: 'English' },
	'nav.wall': { vi: 'Trực tiếp', en: 'Live' },
	'nav.access': { vi: 'Nhật ký truy cập', en: 'Access report' },
	'nav.logout': { vi: 'Đăng xuất', en: 'Log out' },
	'nav.fullscreen': { vi: 'Toàn màn hình', en: 'Full screen' },
	'nav.back': { vi: 'Quay lại', en: 'Back' },
	'login.title': { vi: 'Đăng nhập', en: 'Log in' },
	'login.user': { vi: 'Tài khoản', en: 'Account' },
	'login.password': { vi: 'Mật khẩu', en: 'Password' },
	'login.submit': { vi: 'Đăng nhập', en: 'Log in' },
	'login.hint': { vi: 'Đăng nhập bằng tài khoản của chính bạn trên máy chủ.', en: 'Log in with your own account on the server.' },
	'login.expired': { vi: 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.', en: 'Your session has ended. Please log in again.' },
	'login.out': { vi: 'Bạn đã đăng xuất.', en: 'You have logged out.' },
	'login.busy': { vi: 'Đang đăng nhập…', en: 'Logging in…' },
	'err.unauthenticated': { vi: 'Chưa đăng nhập hoặc phiên đã hết hạn.', en: 'Not logged in, or the session has ended.' },
	'err.bad-login': { vi: 'Sai tài khoản hoặc mật khẩu, hoặc tài khoản bị khóa.', en: 'Wrong account or password, or the account is locked.' },
	'err.slowed': { vi: 'Đăng nhập sai quá nhiều lần. Thử lại sau {seconds} giây.', en: 'Too many failed logins. Try again in {seconds} seconds.' },
	'err.csrf': { vi: 'Yêu cầu bị từ chối (mã chống giả mạo không hợp lệ). Hãy tải lại trang.', en: 'Request refused (invalid anti-forgery token). Reload the page.' },
	'err.forbidden': { vi: 'Không có quyền xem.', en: 'You are not allowed to see this.' },
	'err.no-request': { vi: 'Không có yêu cầu xem được duyệt.', en: 'No approved view request.' },
	'err.outside-request': { vi: 'Ngoài phạm vi yêu cầu xem được duyệt (camera hoặc thời gian).', en: 'Outside the approved view request (camera or time).' },
	'err.no-camera': { vi: 'Không có camera này.', en: 'No such camera.' },
	'err.no-footage': { vi: 'Không có đoạn ghi hình vào thời điểm này.', en: 'No footage at this time.' },
	'err.other-host': { vi: 'Camera này được ghi trên máy chủ khác: hãy xem lại trên camview của máy chủ đó, hoặc trích xuất đoạn ghi hình.', en: 'This camera is recorded on another host: play it back in that host\'s camview, or extract the footage.' },
	'err.down': { vi: 'Camera đang mất tín hiệu.', en: 'The camera is down.' },
	'err.unsupported-codec': { vi: 'Trình duyệt này không giải mã được luồng hình của camera.', en: 'This browser cannot decode the camera\'s stream.' },
	'err.bad-request': { vi: 'Yêu cầu không hợp lệ.', en: 'Invalid request.' },
	'err.too-large': { vi: 'Yêu cầu quá lớn.', en: 'Request too large.' },
	'err.internal': { vi: 'Lỗi máy chủ. Hãy báo người vận hành.', en: 'Server error. Tell the operator.' },
	'err.network': { vi: 'Không kết nối được máy chủ.', en: 'Cannot reach the server.' },
	'err.unknown': { vi: 'Lỗi không xác định ({code}).', en: 'Unknown error ({code}).' },
	'shift.open': { vi: 'Ca trực: đang mở, người trực {holder} từ {since}', en: 'Shift: open, held by {holder} since {since}' },
	'shift.closed': { vi: 'Ca trực: chưa mở', en: 'Shift: not open' },
	'wall.title': { vi: 'Trực tiếp', en: 'Live' },
	'wall.empty': { vi: 'Không có camera nào bạn được xem trực tiếp.', en: 'There is no camera you may watch live.' },
	'wall.stored': { vi: 'Xem lại', en: 'Playback' },
	'wall.stored-list': { vi: 'Xem lại đoạn ghi hình:', en: 'Play back footage:' },
	'wall.enlarge': { vi: 'Bấm để phóng to, Esc để quay lại', en: 'Click to enlarge, Esc to go back' },
	'state.up': { vi: 'Đang phát', en: 'Live' },
	'state.connecting': { vi: 'Đang kết nối…', en: 'Connecting…' },
	'state.down': { vi: 'Mất tín hiệu', en: 'Signal lost' },
	'state.down-since': { vi: 'Mất tín hiệu từ {time}', en: 'Signal lost since {time}' },
	'state.off': { vi: 'Không ghi hình', en: 'Not recording' },
	'state.reconnect': { vi: 'Mất kết nối, thử lại sau {seconds} giây', en: 'Connection lost, retrying in {seconds} s' },
	'state.hevc': { vi: 'Trình duyệt này không giải mã được H.265 của camera.', en: 'This browser cannot decode the camera\'s H.265.' },
	'state.hevc-wall': { vi: 'Trình duyệt không giải mã được H.265; đang dùng luồng phụ H.264 (live_url).', en: 'The browser cannot decode H.265; using the H.264 second stream (live_url).' },
	'state.hevc-none': { vi: 'Trình duyệt không giải mã được H.265 và camera chưa có luồng phụ H.264: khai báo live_url trong camkit.yaml.', en: 'The browser cannot decode H.265 and the camera has no H.264 second stream: set live_url in camkit.yaml.' },
	'report.suspicious': { vi: 'Đáng ngờ', en: 'Suspicious' },
	'report.fault': { vi: 'Sự cố', en: 'Fault' },
	'report.title-suspicious': { vi: 'Báo việc đáng ngờ: {camera}', en: 'Report something suspicious: {camera}' },
	'report.title-fault': { vi: 'Báo sự cố: {camera}', en: 'Report a fault: {camera}' },
	'report.note': { vi: 'Ghi chú ngắn', en: 'Short note' },
	'report.send': { vi: 'Gửi', en: 'Send' },
	'report.cancel': { vi: 'Hủy', en: 'Cancel' },
	'report.done': { vi: 'Đã ghi sổ trực (số {seq}); đoạn ghi hình được giữ lại ({hold}).', en: 'Written in the logbook (entry {seq}); the footage is on hold ({hold}).' },
	'report.need-note': { vi: 'Hãy ghi một dòng ngắn.', en: 'Write a short line.' },
	'play.title': { vi: 'Xem lại', en: 'Playback' },
	'play.day': { vi: 'Ngày', en: 'Day' },
	'play.play': { vi: 'Phát', en: 'Play' },
	'play.pause': { vi: 'Tạm dừng', en: 'Pause' },
	'play.step-back': { vi: '◀ 1 khung', en: '◀ 1 frame' },
	'play.step-fwd': { vi: '1 khung ▶', en: '1 frame ▶' },
	'play.goto': { vi: 'Đến giờ', en: 'Go to' },
	'play.speed': { vi: 'Tốc độ', en: 'Speed' },
	'play.loading': { vi: 'Đang tải…', en: 'Loading…' },
	'play.hint': { vi: 'Bấm vào dòng thời gian để phát từ thời điểm đó.', en: 'Click the timeline to play from that moment.' },
	'play.no-allowed': { vi: 'Không có khoảng thời gian nào bạn được xem trong ngày này.', en: 'There is no time you may view on this day.' },
	'play.bad-at': { vi: 'Thời điểm không hợp lệ: {at}', en: 'Invalid time: {at}' },
	'play.ended': { vi: 'Hết đoạn ghi hình.', en: 'End of footage.' },
	'tl.recorded': { vi: 'Có ghi hình', en: 'Recorded' },
	'tl.gap': { vi: 'Không có ghi hình', en: 'Not recorded' },
	'tl.down': { vi: 'Camera mất tín hiệu', en: 'Camera down' },
	'tl.allowed': { vi: 'Được phép xem', en: 'You may view' },
	'tl.mark': { vi: 'Sổ trực', en: 'Logbook' },
	'access.title': { vi: 'Nhật ký truy cập', en: 'Access report' },
	'access.since': { vi: 'Từ ngày', en: 'Since' },
	'access.show': { vi: 'Xem', en: 'Show' },
	'access.empty': { vi: 'Không có lượt truy cập nào.', en: 'No access.' },
	'access.count': { vi: '{n} bản ghi', en: '{n} records' },
	'col.time': { vi: 'Thời gian', en: 'Time' },
	'col.actor': { vi: 'Tài khoản', en: 'Account' },
	'col.client': { vi: 'Địa chỉ', en: 'Address' },
	'col.program': { vi: 'Chương trình', en: 'Program' },
	'col.verb': { vi: 'Việc', en: 'Action' },
	'col.object': { vi: 'Camera', en: 'Camera' },
	'col.outcome': { vi: 'Kết quả', en: 'Outcome' },
	'col.window': { vi: 'Đoạn xem', en: 'Window' },
	'col.more': { vi: 'Chi tiết', en: 'Details' },
	'idle.warn': { vi: 'Không có thao tác: phiên sẽ kết thúc sau {seconds} giây.', en: 'No activity: the session ends in {seconds} seconds.' },
	'idle.stay': { vi: 'Tiếp tục làm việc', en: 'Stay logged in' },
	'idle.ended': { vi: 'Phiên đã kết thúc do không có thao tác.', en: 'The session ended after inactivity.' },
	'idle.relogin': { vi: 'Đăng nhập lại', en: 'Log in again' },
};

const KEY = 'camview.lang';

let chosen = null;

export function lang() {
	let l = chosen;
	if (l === null) {
		try {
			l = localStorage.getItem(KEY);
		} catch (e) {
			l = null;
		}
	}
	return l === 'en' ? 'en' : 'vi';
}

export function t(key, params) {
	const e = TEXTS[key];
	let s = e ? e[lang()] : key;
	if (params) {
		for (const [k, v] of Object.entries(params))
			s = s.split('{' + k + '}').join(String(v));
	}
	return s;
}

export function has(key) {
	return Object.prototype.hasOwnProperty.call(TEXTS, key);
}

// Fill every element marked data-i18n (text), data-i18n-title,
// data-i18n-placeholder, data-i18n-label (aria-label) under root.
export function apply(root) {
	const r = root || document;
	for (const el of r.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
	for (const el of r.querySelectorAll('[data-i18n-title]'))
		el.title = t(el.dataset.i18nTitle);
	for (const el of r.querySelectorAll('[data-i18n-placeholder]'))
		el.placeholder = t(el.dataset.i18nPlaceholder);
	for (const el of r.querySelectorAll('[data-i18n-label]'))
		el.setAttribute('aria-label', t(el.dataset.i18nLabel));
	document.documentElement.lang = lang();
}

const listeners = [];

// fn() is called after the language changes (pages redraw what they
// built from t()).
export function onChange(fn) {
	listeners.push(fn);
}

export function setLang(l) {
	chosen = l === 'en' ? 'en' : 'vi';
	try {
		localStorage.setItem(KEY, l === 'en' ? 'en' : 'vi');
	} catch (e) {
		// private mode: the choice lasts for this page only
	}
	apply(document);
	for (const b of document.querySelectorAll('#lang-vi, #lang-en'))
		b.setAttribute('aria-pressed', String(b.id === 'lang-' + lang()));
	for (const fn of listeners)
		fn();
}

// The two buttons #lang-vi and #lang-en, wherever the page has them.
export function bindButtons() {
	const vi = document.getElementById('lang-vi');
	const en = document.getElementById('lang-en');
	if (vi)
		vi.addEventListener('click', () => setLang('vi'));
	if (en)
		en.addEventListener('click', () => setLang('en'));
	setLang(lang());
}
