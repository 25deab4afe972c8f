#!/usr/bin/python3
"""camview in a real browser: one case per run, against a running
camview.  Exit 0 when every check of the case holds, 1 with the reason
on stderr when one does not, 77 when the browser is not installed.

usage: view.py URL CASE ARGS...
  login USER PASSWORD             log in, see the wall, log out
  bad-login USER PASSWORD         a wrong password is refused
  wall USER PASSWORD N [SECONDS]  N tiles, every one advancing
  down USER PASSWORD CAMERA PIDFILE -- RTSPD-ARGV...
                                  the camera stops (SIGTERM to the pid in
                                  PIDFILE): its tile says down; RTSPD-ARGV
                                  starts it again: the tile plays again
  play-at USER PASSWORD CAMERA AT [EXPECTED]
                                  /camera/CAMERA?at=AT shows the picture
                                  of AT (or of EXPECTED, RFC 3339) to 1 s
  boundary USER PASSWORD CAMERA FROM BOUNDARY
                                  playback crosses BOUNDARY, no stall > 1 s
  refused USER PASSWORD CAMERA AT #play-error shown, no picture, 403
  report USER PASSWORD CAMERA KIND NOTE
                                  the tile's report button, dialog, sent
  stall USER PASSWORD CAMERA SECONDS
                                  a live viewer that never reads
  codec USER PASSWORD HEVC-CAMERA HEVC-WITH-WALL-CAMERA
                                  an H.265 camera's tile plays where the
                                  browser decodes H.265, else says why
                                  and names live_url; one with an H.264
                                  live_url plays that stream
Figures are printed as "# name: value" lines."""

import datetime
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse

import browser
from browser import Browser, Failed, wait

VIDEOS = """
return [...document.querySelectorAll('video[data-camera]')].map(v => ({
  cam: v.dataset.camera, t: v.currentTime, w: v.videoWidth,
  rs: v.readyState, paused: v.paused, err: v.error ? v.error.code : null,
  wall: v.dataset.wallTime || null, first: v.dataset.first || null,
  start: v.buffered.length ? v.buffered.start(0) : null}));
"""


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def figure(name, value):
    print("# %s: %s" % (name, value), flush=True)


def videos(b):
    return b.js(VIDEOS) or []


def video(b, cam):
    for v in videos(b):
        if v["cam"] == cam:
            return v
    return None


def case_login(url, user, pw):
    with Browser(url) as b:
        b.get("/")
        wait("the redirect to /login without a session",
             lambda: b.path() == "/login")
        b.login_ok(user, pw)
        c = b.cookie()
        if not c or len(c) != 64:
            raise Failed("session cookie %r is not 32 bytes in hex" % c)
        ck = b.d.get_cookie("camview_session")
        if not ck.get("httpOnly") or not ck.get("secure") or \
                ck.get("sameSite") != "Strict":
            raise Failed("session cookie flags: %r" % ck)
        st, me = b.fetch("/api/me")
        if st != 200 or '"%s"' % user not in me:
            raise Failed("/api/me after login: %d %s" % (st, me[:200]))
        b.one("#logout").click()
        wait("/login after logging out", lambda: b.path() == "/login")
        st, body = b.fetch("/api/me")
        if st != 401:
            raise Failed("/api/me after logout: %d %s" % (st, body[:200]))
        b.get("/")
        wait("/ sending back to /login after logout",
             lambda: b.path() == "/login")


def case_bad_login(url, user, pw):
    with Browser(url) as b:
        b.login(user, pw)
        msg = wait("#login-error shown", lambda: b.visible_text("#login-error"))
        figure("login-error", msg)
        if b.path() != "/login":
            raise Failed("a wrong password left /login for " + b.path())
        if b.cookie():
            raise Failed("a wrong password got a session cookie")
        st, _ = b.fetch("/api/me")
        if st != 401:
            raise Failed("/api/me after a refused login: %d" % st)


def advancing(b, want, seconds, t0=None):
    """Every one of want cameras' videos advances over seconds, with a
    picture; when each first showed one (seconds since t0, by default
    now), and how far each advanced."""
    t0 = time.monotonic() if t0 is None else t0
    first = {}

    def all_showing():
        vs = videos(b)
        now = time.monotonic() - t0
        for v in vs:
            if v["w"] > 0 and v["t"] > 0 and v["cam"] not in first:
                first[v["cam"]] = now
        return len(vs) >= want and len(first) >= want and vs

    wait("%d videos showing a picture" % want, all_showing, 30)
    before = {v["cam"]: v["t"] for v in videos(b)}
    time.sleep(seconds)
    after = videos(b)
    stuck = [v for v in after
             if v["w"] <= 0 or v["t"] <= before.get(v["cam"], 0)]
    if stuck:
        raise Failed("not advancing over %s s: %r (before %r)"
                     % (seconds, stuck, before))
    adv = [v["t"] - before[v["cam"]] for v in after]
    return first, adv


def case_wall(url, user, pw, n, seconds="5"):
    n, seconds = int(n), float(seconds)
    with Browser(url, "1920,1080") as b:
        t0 = time.monotonic()
        b.login_ok(user, pw)
        wait("%d tiles" % n, lambda: len(b.find(".tile[data-camera]")) >= n)
        tiles = len(b.find(".tile[data-camera]"))
        if tiles != n:
            raise Failed("%d tiles, expected %d" % (tiles, n))
        for t in b.find(".tile[data-camera]"):
            cam = t.get_attribute("data-camera")
            if not t.find_elements("css selector",
                                   'video[data-camera="%s"]' % cam) or \
                    not t.find_elements("css selector", ".tile-state"):
                raise Failed("tile %s lacks its video or .tile-state" % cam)
        first, adv = advancing(b, n, seconds, t0)
        ff = sorted(first.values())
        figure("tiles", n)
        figure("first picture after submitting the login, s "
               "(min/median/max; polled every 0.1 s)",
               "%.2f/%.2f/%.2f" % (ff[0], ff[len(ff) // 2], ff[-1]))
        figure("currentTime advanced over %.0f s (min/max)" % seconds,
               "%.2f/%.2f" % (min(adv), max(adv)))
        figure("videoWidth", sorted({v["w"] for v in videos(b)}))


def tile_state(b, cam):
    return b.js("""
        const t = document.querySelector('.tile[data-camera="' +
            arguments[0] + '"]');
        if (!t) return null;
        const s = t.querySelector('.tile-state');
        return [t.dataset.state || '', t.className,
                s ? s.textContent.trim() : ''];
    """, cam)


def says_down(st):
    if not st:
        return False
    text = " ".join(st).lower()
    return "down" in text or "mất tín hiệu" in text


def case_down(url, user, pw, cam, pidfile, sep, *argv):
    if sep != "--" or not argv:
        raise Failed("usage: down USER PW CAMERA PIDFILE -- RTSPD-ARGV")
    with Browser(url) as b:
        b.login_ok(user, pw)
        advancing(b, 1, 2)
        pid = int(open(pidfile).read())
        subprocess.run(["kill", "-TERM", str(pid)], check=True)
        t0 = time.monotonic()
        st = wait("tile %s saying down" % cam,
                  lambda: says_down(tile_state(b, cam)) and tile_state(b, cam),
                  60)
        figure("down shown after, s", "%.1f" % (time.monotonic() - t0))
        figure("tile state", st)
        status, body = b.fetch("/api/cameras")
        if status != 200 or '"down"' not in body:
            raise Failed("/api/cameras while down: %d %s" % (status, body))
        wait("rtspd %d ended" % pid, lambda: subprocess.run(
            ["kill", "-0", str(pid)], stderr=subprocess.DEVNULL).returncode)
        subprocess.Popen(list(argv), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
        t1 = time.monotonic()
        v0 = video(b, cam)

        def back():
            v = video(b, cam)
            st = tile_state(b, cam)
            return v and v["w"] > 0 and v["t"] > 0 and \
                (v0 is None or v["t"] != v0["t"]) and not says_down(st)
        wait("tile %s playing again" % cam, back, 90)
        t = video(b, cam)["t"]
        wait("tile %s advancing again" % cam,
             lambda: video(b, cam)["t"] > t, 10)
        figure("playing again after restart, s",
               "%.1f" % (time.monotonic() - t1))


def open_play(b, cam, at):
    b.get("/camera/%s?at=%s" % (cam, urllib.parse.quote(at, safe=":-T")))
    b.one('video[data-camera="%s"]' % cam)


def case_play_at(url, user, pw, cam, at, expect=None):
    want = ts(expect or at)
    with Browser(url) as b:
        b.login_ok(user, pw)
        t0 = time.monotonic()
        open_play(b, cam, at)

        def shown():
            v = video(b, cam)
            return v and v["wall"] and v["t"] > 0 and v["w"] > 0 and v
        v = wait("data-wall-time of a picture", shown, 20, 0.05)
        figure("first picture after opening, s",
               "%.2f" % (time.monotonic() - t0))
        # The stream may begin at the keyframe before the instant
        # (data-first); the page shows the instant's picture, polled
        # here within 0.05 s of its showing.
        d = (ts(v["wall"]) - want).total_seconds()
        d0 = (ts(v["first"]) - want).total_seconds() if v["first"] else None
        figure("data-wall-time - asked, s", "%.3f" % d)
        figure("data-first - asked, s",
               "%.3f" % d0 if d0 is not None else "none")
        if abs(d) > 1.0:
            raise Failed("asked %s, the picture is %s (%.3f s off)"
                         % (at, v["wall"], d))
        err = b.visible_text("#play-error")
        if err:
            raise Failed("#play-error shown while playing: " + err)
        t = v["t"]
        wait("playback advancing", lambda: video(b, cam)["t"] > t + 0.5, 10)


def case_boundary(url, user, pw, cam, start, boundary):
    edge = ts(boundary)
    with Browser(url) as b:
        b.login_ok(user, pw)
        open_play(b, cam, start)
        last_t, last_change, worst = None, None, 0.0
        end = time.monotonic() + 40
        while True:
            v = video(b, cam)
            now = time.monotonic()
            if v and v["wall"] and v["t"] > 0:
                if v["t"] != last_t:
                    if last_change is not None and not v["paused"]:
                        worst = max(worst, now - last_change)
                    last_t, last_change = v["t"], now
                elif not v["paused"]:
                    worst = max(worst, now - last_change)
                if (ts(v["wall"]) - edge).total_seconds() >= 2:
                    break
            if now > end:
                raise Failed("playback did not pass %s + 2 s in 40 s: %r"
                             % (boundary, v))
            time.sleep(0.05)
        figure("longest stall, s", "%.2f" % worst)
        if worst > 1.0:
            raise Failed("currentTime stood still %.2f s" % worst)


def case_refused(url, user, pw, cam, at):
    with Browser(url) as b:
        b.login_ok(user, pw)
        open_play(b, cam, at)
        msg = wait("#play-error shown", lambda: b.visible_text("#play-error"))
        figure("play-error", msg)
        v = video(b, cam)
        if v and (v["w"] > 0 or v["t"] > 0):
            raise Failed("a refused playback shows a picture: %r" % v)
        st, body = b.fetch("/play/%s?from=%s&speed=1" % (cam, at))
        if st != 403 or "ftyp" in body:
            raise Failed("/play for a refused account: %d %s"
                         % (st, body[:200]))
        figure("/play answer", body[:200])


def case_report(url, user, pw, cam, kind, note):
    with Browser(url) as b:
        b.login_ok(user, pw)
        shift = wait("#shift-status", lambda: b.visible_text("#shift-status"))
        figure("shift-status", shift)
        tile = '.tile[data-camera="%s"]' % cam
        b.one(tile + " .report-" + kind).click()
        wait("#report-dialog shown", lambda: b.visible_text("#report-dialog")
             or b.js("const d = document.querySelector('#report-dialog');"
                     "return d && d.open;"))
        b.one("#report-note").send_keys(note)
        b.one("#report-send").click()
        wait("#report-dialog closed", lambda: not b.js(
            "const d = document.querySelector('#report-dialog');"
            "return d && (d.open || (!d.hidden && d.offsetParent !== null));"))


def case_stall(url, user, pw, cam, seconds):
    """Open /live/CAM as a WebSocket and never read from it."""
    cookie, _ = browser.api_login(url, user, pw)
    host, port = browser.split_url(url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((host, port))
    s = ctx.wrap_socket(raw, server_hostname=host)
    origin = "https://%s:%d" % (host, port)
    s.sendall(("GET /live/%s?stream=main HTTP/1.1\r\nHost: %s:%d\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\nOrigin: %s\r\n"
               "Cookie: camview_session=%s\r\n\r\n"
               % (cam, host, port, origin, cookie)).encode())
    head = s.recv(12)
    if not head.startswith(b"HTTP/1.1 101"):
        raise Failed("the WebSocket handshake answered %r" % head)
    figure("stalled viewer for, s", seconds)
    time.sleep(float(seconds))
    s.close()


HVC1 = 'video/mp4; codecs="hvc1.1.6.L93.B0"'


def case_codec(url, user, pw, bare, walled):
    with Browser(url, "1920,1080") as b:
        b.login_ok(user, pw)
        wait("2 tiles", lambda: len(b.find(".tile[data-camera]")) >= 2)
        hevc = b.js("return window.MediaSource ? "
                    "MediaSource.isTypeSupported(arguments[0]) : false",
                    HVC1)
        figure("MediaSource.isTypeSupported(hvc1)", hevc)

        def plays(cam):
            v = video(b, cam)
            if not v or v["w"] <= 0 or v["t"] <= 0:
                return False
            t = v["t"]
            time.sleep(1)
            return video(b, cam)["t"] > t
        wait("tile %s advancing on its H.264 live_url stream" % walled,
             lambda: plays(walled), 30)
        if hevc:
            wait("tile %s advancing (this browser decodes H.265)" % bare,
                 lambda: plays(bare), 30)
            return
        st = wait("tile %s saying why it cannot play" % bare,
                  lambda: (tile_state(b, bare) or [""])[0] ==
                  "unsupported" and tile_state(b, bare), 30)
        figure("tile state", st)
        if "live_url" not in st[2] or "H.265" not in st[2]:
            raise Failed("tile %s says %r: not why (H.265) nor what to "
                         "do (live_url)" % (bare, st[2]))
        v = video(b, bare)
        if v and v["t"] > 0:
            raise Failed("tile %s plays although the browser cannot "
                         "decode H.265: %r" % (bare, v))


CASES = {"login": case_login, "bad-login": case_bad_login,
         "wall": case_wall, "down": case_down, "play-at": case_play_at,
         "boundary": case_boundary, "refused": case_refused,
         "report": case_report, "stall": case_stall, "codec": case_codec}


def main(argv):
    if len(argv) < 3 or argv[2] not in CASES:
        sys.stderr.write(__doc__)
        return 2
    why = browser.missing()
    if why and argv[2] != "stall":
        print(why)
        return 77
    try:
        CASES[argv[2]](argv[1], *argv[3:])
    except Failed as e:
        sys.stderr.write("%s: %s\n" % (argv[2], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
