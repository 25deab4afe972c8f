"""Headless Debian chromium driven through chromedriver (python3-selenium),
for the camview tests: a fresh profile per browser, the server's own
self-signed certificate trusted by its public key hash (nothing else is
let through), autoplay allowed, and helpers to log in and read pages.

Run with /usr/bin/python3 (Debian's, which has python3-selenium)."""

import base64
import hashlib
import http.client
import json
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class Failed(Exception):
    """A check of a case did not hold; the message says which and why."""


def missing():
    """What the browser tests need and this host lacks, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return path + " is not installed"
    return None


def split_url(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port or 443


def spki_hash(url):
    """base64 of the SHA-256 of the server certificate's public key, as
    chromium's --ignore-certificate-errors-spki-list takes it."""
    host, port = split_url(url)
    pem = ssl.get_server_certificate((host, port))
    pub = subprocess.run(["openssl", "x509", "-noout", "-pubkey"],
                         input=pem.encode(), capture_output=True,
                         check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"],
                         input=pub, capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def wait(what, cond, timeout=20.0, step=0.1):
    """Poll cond() until it returns a true value; that value, or Failed
    naming what was awaited."""
    end = time.monotonic() + timeout
    last = None
    while True:
        try:
            v = cond()
        except WebDriverException as e:
            v, last = None, e
        if v:
            return v
        if time.monotonic() > end:
            raise Failed("timed out after %.0f s waiting for %s%s"
                         % (timeout, what,
                            " (%s)" % last.msg if last else ""))
        time.sleep(step)


class Browser:
    """One headless chromium on a fresh profile, pointed at camview."""

    def __init__(self, url, size="1366,768"):
        self.url = url.rstrip("/")
        self.profile = tempfile.mkdtemp(prefix="camview-chromium.")
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
                  "--disable-quic", "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--mute-audio",
                  "--autoplay-policy=no-user-gesture-required",
                  "--ignore-certificate-errors-spki-list="
                  + spki_hash(self.url),
                  "--user-data-dir=" + self.profile,
                  "--window-size=" + size):
            o.add_argument(a)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
        self.d.set_page_load_timeout(30)
        self.d.set_script_timeout(30)

    def close(self):
        try:
            self.d.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, path):
        self.d.get(self.url + path)

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def fetch(self, path, method="GET", body=None):
        """fetch() from the page, with its cookie and the CSRF token of
        /api/me for a POST: [status, text]."""
        return self.d.execute_async_script("""
            const [path, method, body, done] = arguments;
            (async () => {
              const h = {};
              if (method !== 'GET') {
                const me = await fetch('/api/me');
                if (me.ok) h['X-CSRF-Token'] = (await me.json()).csrf;
                h['Content-Type'] = 'application/json';
              }
              const r = await fetch(path, {method, headers: h,
                body: body === null ? undefined : body});
              done([r.status, await r.text()]);
            })().catch(e => done([0, String(e)]));
        """, path, method, body)

    def find(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def one(self, css, timeout=20.0):
        return wait(css, lambda: (self.find(css) or [None])[0], timeout)

    def visible_text(self, css):
        """The text of the first element of css when it is shown, else ''."""
        return self.js("""
            const e = document.querySelector(arguments[0]);
            if (!e || e.hidden || e.offsetParent === null &&
                getComputedStyle(e).position !== 'fixed') return '';
            return e.textContent.trim();
        """, css) or ""

    def path(self):
        return urllib.parse.urlsplit(self.d.current_url).path

    def cookie(self):
        c = self.d.get_cookie("camview_session")
        return c["value"] if c else None

    def login(self, user, password):
        """Log in through the login page's form; the path reached."""
        self.get("/login")
        self.one("#login-user").send_keys(user)
        self.one("#login-password").send_keys(password)
        self.one("#login-submit").click()
        return self.path()

    def login_ok(self, user, password):
        self.login(user, password)
        wait("the wall after logging in as " + user,
             lambda: self.path() == "/" and self.find("#logout"))

    def console(self):
        try:
            return [e["message"] for e in self.d.get_log("browser")]
        except WebDriverException:
            return []


def api_login(url, user, password):
    """POST /api/login as a program does: (cookie value, csrf)."""
    host, port = split_url(url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    c = http.client.HTTPSConnection(host, port, context=ctx, timeout=10)
    c.request("POST", "/api/login",
              urllib.parse.urlencode({"user": user, "password": password}),
              {"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise Failed("login of %s: HTTP %d %s" % (user, r.status, body[:200]))
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("camview_session="):
            return v.split(";")[0].split("=", 1)[1], json.loads(body)["csrf"]
    raise Failed("login of %s: no camview_session cookie" % user)
