#!/usr/bin/python3
"""A real SMTP server on loopback for tests/t46-alerts.sh (Debian's
python3-aiosmtpd): STARTTLS required with the certificate given, AUTH
(PLAIN or LOGIN) required and checked against one user and password,
and each message accepted written whole to DIR/NNNN.eml, with the time
it arrived (seconds since the epoch, as a float) in DIR/NNNN.time.

usage: smtpd.py --port PORT --dir DIR --cert CRT --key KEY
                --user USER --password PASSWORD [--pidfile FILE]
It prints "ready" on its standard output once it listens, and stops on
SIGTERM.
"""
import argparse
import os
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, directory):
        self.dir = directory
        self.n = len([f for f in os.listdir(directory) if f.endswith('.eml')])
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.dir, '%04d' % self.n)
        head = 'X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n' % (
            envelope.mail_from, ', '.join(envelope.rcpt_tos))
        with open(base + '.tmp', 'wb') as f:
            f.write(head.encode() + envelope.original_content)
        with open(base + '.time', 'w') as f:
            f.write('%.3f\n' % time.time())
        os.rename(base + '.tmp', base + '.eml')
        return '250 OK'


class Auth:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = (auth_data.login == self.user and
              auth_data.password == self.password)
        # handled=False: the server answers 535 itself.
        return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--dir', required=True)
    p.add_argument('--cert', required=True)
    p.add_argument('--key', required=True)
    p.add_argument('--user', required=True)
    p.add_argument('--password', required=True)
    p.add_argument('--pidfile')
    a = p.parse_args()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    c = Controller(Store(a.dir), hostname='127.0.0.1', port=a.port,
                   tls_context=ctx, require_starttls=True,
                   authenticator=Auth(a.user, a.password),
                   auth_required=True, auth_require_tls=True,
                   server_hostname='localhost', ready_timeout=10)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    c.start()
    if a.pidfile:
        with open(a.pidfile, 'w') as f:
            f.write('%d\n' % os.getpid())
    print('ready', flush=True)
    done.wait()
    c.stop()
    if a.pidfile:
        os.unlink(a.pidfile)
    return 0


if __name__ == '__main__':
    sys.exit(main())
