#!/usr/bin/python3
"""A web hook receiver for tests/t46-alerts.sh: an HTTP server on
loopback that writes the body of each POST to DIR/NNNN.json (after
checking it is JSON sent as application/json) and answers 204.

usage: hookd.py --port PORT --dir DIR [--pidfile FILE]
"""
import argparse
import http.server
import json
import os
import signal
import sys
import threading


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--dir', required=True)
    p.add_argument('--pidfile')
    a = p.parse_args()
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get('Content-Length', '0'))
            body = self.rfile.read(n)
            if self.headers.get('Content-Type') != 'application/json':
                self.send_response(415)
                self.end_headers()
                return
            try:
                json.loads(body)
            except ValueError:
                self.send_response(400)
                self.end_headers()
                return
            count[0] += 1
            path = os.path.join(a.dir, '%04d' % count[0])
            with open(path + '.tmp', 'wb') as f:
                f.write(body)
            os.rename(path + '.tmp', path + '.json')
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = http.server.HTTPServer(('127.0.0.1', a.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(
        target=srv.shutdown).start())
    if a.pidfile:
        with open(a.pidfile, 'w') as f:
            f.write('%d\n' % os.getpid())
    print('ready', flush=True)
    srv.serve_forever()
    if a.pidfile:
        os.unlink(a.pidfile)
    return 0


if __name__ == '__main__':
    sys.exit(main())
