#!/usr/bin/python3
"""A small real S3 service on loopback for the tests (Python's standard
library alone): path-style requests (http://127.0.0.1:PORT/BUCKET/KEY),
each one checked for an AWS Signature Version 4 as AWS checks it, buckets
with versioning and Object Lock (retention, legal holds), listings.

usage: s3d.py --dir DIR --port PORT --access AK --secret SK
              [--region us-east-1] [--ready-file F] [--pidfile F]
              [--max-keys N] [--latency-ms N] [--fail-puts N]
              [--require-md5]

--port 0 takes a free port.  Once it listens, the port is written to the
ready file (made whole at once: written aside, then renamed).  SIGTERM
stops it.  One line per request on standard error:
    s3d: METHOD PATH[?QUERY] STATUS [CODE]
e.g. "s3d: PUT /footage/rec1/gate/x.mkv 200", so that a test can count
the uploads.

Fault injection and limits:
  --max-keys N     a listing gives at most N entries a page (default
                   1000, as S3), to exercise continuation tokens
  --latency-ms N   every request waits N ms before its answer
  --fail-puts N    the first N PutObject requests are answered 503
                   SlowDown (their body read and thrown away)
  --require-md5    as AWS: an upload carrying Object Lock headers must
                   carry Content-MD5 or x-amz-checksum-sha256, a PUT
                   ?retention or ?legal-hold Content-MD5 (either header,
                   when given, is always checked: 400 BadDigest)

What is checked, as AWS does:
  - Authorization: AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/s3/
    aws4_request, SignedHeaders=..., Signature=...; the canonical request
    is the method, the path URI-encoded (each byte but A-Za-z0-9-._~ and
    '/' as %XX), the query parameters URI-encoded and sorted ("key=" for
    an empty value), the signed headers (lower-case name, trimmed value,
    inner spaces folded), the signed header names, and the payload hash
    as x-amz-content-sha256 gives it.  Unknown key: 403
    InvalidAccessKeyId; wrong signature: 403 SignatureDoesNotMatch; an
    x-amz-* header not signed, or host not signed: 403 AccessDenied;
    x-amz-date more than 15 minutes off: 403 RequestTimeTooSkewed; no
    x-amz-content-sha256: 400 InvalidRequest; a body whose SHA-256 is not
    the hex x-amz-content-sha256: 400 XAmzContentSHA256Mismatch
    (UNSIGNED-PAYLOAD accepted; aws-chunked uploads are not supported).
  - CreateBucket (PUT /B; x-amz-bucket-object-lock-enabled: true turns
    on versioning and Object Lock), HeadBucket, DeleteBucket (empty
    only), ListBuckets, GET ?location, ?versioning, ?object-lock,
    PUT ?versioning (Enabled/Suspended is not supported: Enabled only).
  - PutObject: Content-Type, x-amz-meta-*, x-amz-object-lock-mode
    (COMPLIANCE or GOVERNANCE) with x-amz-object-lock-retain-until-date,
    x-amz-object-lock-legal-hold (ON/OFF), If-None-Match: *; answers
    ETag (MD5) and x-amz-version-id; every PUT to a versioned bucket is
    a new version.  Lock headers on a bucket without Object Lock: 400
    InvalidRequest.
  - HeadObject, GetObject (?versionId=, Range: bytes=A-B): Content-Length,
    ETag, Last-Modified, x-amz-version-id, x-amz-meta-*,
    x-amz-object-lock-mode, -retain-until-date, -legal-hold; none: 404
    NoSuchKey (HEAD: a bare 404); a delete marker: 404 (405 by version).
  - DeleteObject: without versionId, on a versioned bucket, a delete
    marker (as S3: allowed whatever the locks); with the versionId of a
    version under COMPLIANCE retention or a legal hold: 403 AccessDenied;
    under GOVERNANCE retention unless x-amz-bypass-governance-retention:
    true.
  - PUT/GET ?legal-hold (<LegalHold><Status>ON|OFF</Status></LegalHold>),
    PUT/GET ?retention (<Retention><Mode>..</Mode><RetainUntilDate>..
    </RetainUntilDate></Retention>): COMPLIANCE may be extended, never
    shortened nor turned into GOVERNANCE.
  - ListObjectsV2 (?list-type=2: prefix, delimiter, max-keys,
    continuation-token, start-after, encoding-type=url) and ListObjects
    (v1: marker), with CommonPrefixes, KeyCount, IsTruncated,
    NextContinuationToken; ListObjectVersions (?versions, prefix only,
    one page).
  - Errors: <Error><Code>..</Code><Message>..</Message>...</Error>.

The store on disk, so that a test may act by hand as an administrator
with access to the disks would:
  DIR/BUCKET/@bucket.json     the bucket's settings (lock, versioning)
  DIR/BUCKET/KEY/@current     the id of KEY's newest version
  DIR/BUCKET/KEY/@VERSION     that version's body, as uploaded
  DIR/BUCKET/KEY/@VERSION.json  its metadata (size, etag, meta, lock,
                              legal hold, modified, delete_marker, seq)
A version exists while its body file does (a delete marker has no body:
delete_marker true in its .json).  So removing DIR/BUCKET/KEY (or the
newest body) makes KEY missing to GET, HEAD and LIST; changing a body
file is what GET answers (and its size what HEAD and LIST say); the
metadata (ETag, x-amz-meta-sha256) stays what the upload gave.  A key
with an empty component, or a component ".", ".." or beginning with
'@', is refused (400 InvalidArgument): a limit of this store.
"""
import argparse
import base64
import calendar
import datetime
import email.utils
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

NS = 'http://s3.amazonaws.com/doc/2006-03-01/'
EMPTY_SHA = hashlib.sha256(b'').hexdigest()
SKEW = 15 * 60
BUCKET_RE = re.compile(r'^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$')
LIST_ARGS = {'list-type', 'prefix', 'delimiter', 'max-keys', 'marker',
             'continuation-token', 'start-after', 'encoding-type',
             'fetch-owner'}
VERSION_CHARS = ('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                 '0123456789._')


class S3Error(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def uri_encode(s, slash=True):
    return urllib.parse.quote(s, safe='/~' if slash else '~')


def iso8601(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')


def parse_iso(s):
    """ISO 8601 date and time (Z or an offset) to seconds since the
    epoch; S3Error if it is not one."""
    try:
        d = datetime.datetime.fromisoformat(s.strip().replace('Z', '+00:00'))
    except ValueError:
        raise S3Error(400, 'InvalidArgument',
                      'The retain until date is not a valid ISO 8601 date')
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


class Store:
    """The objects under DIR; one lock for every act (tests are small)."""

    def __init__(self, directory):
        self.dir = directory
        self.lock = threading.RLock()

    def bdir(self, bucket):
        return os.path.join(self.dir, bucket)

    def bucket(self, bucket):
        try:
            with open(os.path.join(self.bdir(bucket), '@bucket.json')) as f:
                return json.load(f)
        except FileNotFoundError:
            raise S3Error(404, 'NoSuchBucket',
                          'The specified bucket does not exist')

    def kdir(self, bucket, key):
        parts = key.split('/')
        for p in parts:
            if p in ('', '.', '..') or p.startswith('@'):
                raise S3Error(400, 'InvalidArgument',
                              'This store refuses keys with an empty '
                              'component or one that is ".", ".." or '
                              'begins with "@"')
        return os.path.join(self.bdir(bucket), *parts)

    def versions(self, bucket, key):
        """Every version of key that still exists, oldest first."""
        d = self.kdir(bucket, key)
        out = []
        try:
            names = os.listdir(d)
        except (FileNotFoundError, NotADirectoryError):
            return out
        for n in names:
            if not (n.startswith('@') and n.endswith('.json')):
                continue
            try:
                with open(os.path.join(d, n)) as f:
                    m = json.load(f)
            except (OSError, ValueError):
                continue
            body = os.path.join(d, '@' + m['version'])
            if not m.get('delete_marker'):
                try:
                    m['size'] = os.stat(body).st_size
                except FileNotFoundError:
                    continue
            m['body'] = body
            out.append(m)
        out.sort(key=lambda m: m['seq'])
        return out

    def current(self, bucket, key):
        """The newest version's metadata, or None (missing, or its body
        removed by hand)."""
        d = self.kdir(bucket, key)
        try:
            with open(os.path.join(d, '@current')) as f:
                vid = f.read().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return self.version(bucket, key, vid)

    def version(self, bucket, key, vid):
        if not vid or '/' in vid or vid.startswith('.'):
            return None
        d = self.kdir(bucket, key)
        try:
            with open(os.path.join(d, '@' + vid + '.json')) as f:
                m = json.load(f)
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return None
        m['body'] = os.path.join(d, '@' + vid)
        if not m.get('delete_marker'):
            try:
                m['size'] = os.stat(m['body']).st_size
            except FileNotFoundError:
                return None
        return m

    def write_meta(self, bucket, key, m):
        d = self.kdir(bucket, key)
        m = {k: v for k, v in m.items() if k != 'body'}
        tmp = os.path.join(d, '@' + m['version'] + '.json.tmp')
        with open(tmp, 'w') as f:
            json.dump(m, f, indent=1, sort_keys=True)
        os.rename(tmp, tmp[:-4])

    def set_current(self, bucket, key, vid):
        d = self.kdir(bucket, key)
        tmp = os.path.join(d, '@current.tmp')
        with open(tmp, 'w') as f:
            f.write(vid + '\n')
        os.rename(tmp, os.path.join(d, '@current'))

    def new_version(self, bucket, key, body, m, versioned):
        """Store a version (body None: a delete marker); returns its
        metadata.  Unversioned: it replaces the only version, "null"."""
        d = self.kdir(bucket, key)
        os.makedirs(d, exist_ok=True)
        old = self.versions(bucket, key)
        if versioned:
            vid = ''.join(secrets.choice(VERSION_CHARS) for _ in range(32))
        else:
            vid = 'null'
            for o in old:
                if o['version'] == 'null':
                    for p in (o['body'], o['body'] + '.json'):
                        try:
                            os.unlink(p)
                        except FileNotFoundError:
                            pass
        m['version'] = vid
        m['seq'] = (old[-1]['seq'] + 1) if old else 1
        m['modified'] = time.time()
        if body is not None:
            tmp = os.path.join(d, '@' + vid + '.tmp')
            with open(tmp, 'wb') as f:
                f.write(body)
            os.rename(tmp, os.path.join(d, '@' + vid))
        self.write_meta(bucket, key, m)
        self.set_current(bucket, key, vid)
        m['body'] = os.path.join(d, '@' + vid)
        return m

    def remove_version(self, bucket, key, m):
        for p in (m['body'], m['body'] + '.json'):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
        rest = self.versions(bucket, key)
        d = self.kdir(bucket, key)
        if rest:
            self.set_current(bucket, key, rest[-1]['version'])
            return
        try:
            os.unlink(os.path.join(d, '@current'))
        except FileNotFoundError:
            pass
        # Empty directories up to the bucket's go.
        b = self.bdir(bucket)
        while d != b:
            try:
                os.rmdir(d)
            except OSError:
                break
            d = os.path.dirname(d)

    def keys(self, bucket):
        """Every key whose newest version exists and is no delete marker,
        sorted by its UTF-8 bytes, with that version's metadata."""
        b = self.bdir(bucket)
        out = []
        for root, dirs, files in os.walk(b):
            if '@current' in files:
                key = os.path.relpath(root, b)
                m = self.current(bucket, key)
                if m and not m.get('delete_marker'):
                    out.append((key, m))
        out.sort(key=lambda km: km[0].encode())
        return out

    def all_versions(self, bucket):
        b = self.bdir(bucket)
        out = []
        for root, dirs, files in os.walk(b):
            if any(f.startswith('@') and f.endswith('.json') for f in files) \
                    and root != b:
                key = os.path.relpath(root, b)
                out.append((key, self.versions(bucket, key)))
        out.sort(key=lambda kv: kv[0].encode())
        return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 's3d'
    sys_version = ''

    def log_message(self, fmt, *args):
        pass

    def log_line(self, status, code=''):
        sys.stderr.write('s3d: %s %s %d%s\n' % (
            self.command, self.path, status, ' ' + code if code else ''))
        sys.stderr.flush()

    # ---- reading the request ----

    def read_body(self):
        if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
            parts = []
            while True:
                line = self.rfile.readline()
                n = int(line.split(b';')[0].strip() or b'0', 16)
                if n == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    break
                parts.append(self.rfile.read(n))
                self.rfile.readline()
            return b''.join(parts)
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n else b''

    def parse_target(self):
        raw_path, _, raw_query = self.path.partition('?')
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.query = {}
        self.qlist = []
        for part in raw_query.split('&') if raw_query else []:
            k, _, v = part.partition('=')
            k = urllib.parse.unquote(k)
            v = urllib.parse.unquote(v)
            self.qlist.append((k, v))
            self.query[k] = v
        path = urllib.parse.unquote(raw_path)
        if not path.startswith('/'):
            raise S3Error(400, 'InvalidURI', 'Could not parse the URI')
        bucket, _, key = path[1:].partition('/')
        self.bucket_name = bucket
        self.key = key

    # ---- Signature Version 4 ----

    def check_auth(self, body):
        cfg = self.server.cfg
        auth = self.headers.get('Authorization')
        if not auth:
            raise S3Error(403, 'AccessDenied', 'Access Denied')
        if not auth.startswith('AWS4-HMAC-SHA256 '):
            raise S3Error(400, 'InvalidRequest',
                          'Only AWS4-HMAC-SHA256 is supported')
        fields = {}
        for part in auth[len('AWS4-HMAC-SHA256 '):].split(','):
            k, _, v = part.strip().partition('=')
            fields[k] = v
        try:
            cred = fields['Credential'].split('/')
            signed = fields['SignedHeaders'].split(';')
            signature = fields['Signature']
            ak, date, region, service, term = cred
        except (KeyError, ValueError):
            raise S3Error(400, 'AuthorizationHeaderMalformed',
                          'The authorization header is malformed')
        if ak != cfg.access:
            raise S3Error(403, 'InvalidAccessKeyId',
                          'The AWS Access Key Id you provided does not '
                          'exist in our records.')
        if region != cfg.region or service != 's3' or term != 'aws4_request':
            raise S3Error(400, 'AuthorizationHeaderMalformed',
                          "The authorization header is malformed; the "
                          "region '%s' is wrong; expecting '%s'" %
                          (region, cfg.region))
        amzdate = self.headers.get('x-amz-date')
        try:
            if amzdate:
                t = calendar.timegm(time.strptime(amzdate, '%Y%m%dT%H%M%SZ'))
            else:
                t = email.utils.parsedate_to_datetime(
                    self.headers['Date']).timestamp()
                amzdate = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(t))
        except (TypeError, ValueError, KeyError):
            raise S3Error(403, 'AccessDenied',
                          'AWS authentication requires a valid Date or '
                          'x-amz-date header')
        if abs(time.time() - t) > SKEW:
            raise S3Error(403, 'RequestTimeTooSkewed',
                          'The difference between the request time and '
                          'the current time is too large.')
        if date != amzdate[:8]:
            raise S3Error(403, 'SignatureDoesNotMatch',
                          'The credential date does not match the request '
                          'date')
        if 'host' not in signed or signed != sorted(signed):
            raise S3Error(403, 'AccessDenied',
                          'The host header must be signed, and the signed '
                          'headers sorted')
        present = {k.lower() for k in self.headers.keys()}
        unsigned = sorted(h for h in present
                          if h.startswith('x-amz-') and h not in signed)
        if unsigned:
            raise S3Error(403, 'AccessDenied',
                          'There were headers present in the request which '
                          'were not signed: ' + ', '.join(unsigned))
        payload = self.headers.get('x-amz-content-sha256')
        if payload is None:
            raise S3Error(400, 'InvalidRequest',
                          'Missing required header for this request: '
                          'x-amz-content-sha256')
        if payload.startswith('STREAMING-'):
            raise S3Error(501, 'NotImplemented',
                          'aws-chunked uploads are not supported here')
        canon_headers = ''
        for h in signed:
            vals = self.headers.get_all(h)
            if vals is None:
                raise S3Error(403, 'SignatureDoesNotMatch',
                              'A signed header is missing: ' + h)
            v = ','.join(' '.join(x.split()) for x in vals)
            canon_headers += '%s:%s\n' % (h, v)
        q = sorted((uri_encode(k, False), uri_encode(v, False))
                   for k, v in self.qlist)
        canon_query = '&'.join('%s=%s' % kv for kv in q)
        canon = '\n'.join([
            self.command,
            uri_encode(urllib.parse.unquote(self.raw_path)),
            canon_query,
            canon_headers,
            ';'.join(signed),
            payload])
        scope = '%s/%s/s3/aws4_request' % (date, region)
        sts = '\n'.join(['AWS4-HMAC-SHA256', amzdate, scope,
                         hashlib.sha256(canon.encode()).hexdigest()])
        k = ('AWS4' + cfg.secret).encode()
        for part in (date, region, 's3', 'aws4_request'):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, signature):
            err = S3Error(403, 'SignatureDoesNotMatch',
                          'The request signature we calculated does not '
                          'match the signature you provided. Check your '
                          'key and signing method.')
            # As AWS does, what was signed here, to compare.
            err.extra = {'CanonicalRequest': canon, 'StringToSign': sts}
            raise err
        if payload != 'UNSIGNED-PAYLOAD':
            if hashlib.sha256(body).hexdigest() != payload.lower():
                raise S3Error(400, 'XAmzContentSHA256Mismatch',
                              "The provided 'x-amz-content-sha256' header "
                              "does not match what was computed.")

    # ---- answering ----

    def answer(self, status, body=b'', headers=None, code=''):
        self.send_response(status)
        self.send_header('x-amz-request-id', secrets.token_hex(8).upper())
        hs = dict(headers or {})
        if self.command != 'HEAD' or 'Content-Length' not in hs:
            hs['Content-Length'] = str(len(body))
        if body and 'Content-Type' not in hs:
            hs['Content-Type'] = 'application/xml'
        for k, v in hs.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD' and body:
            self.wfile.write(body)
        self.log_line(status, code)

    def xml(self, status, root, headers=None):
        self.answer(status, (b'<?xml version="1.0" encoding="UTF-8"?>\n' +
                             root.encode()), headers)

    def error(self, err):
        if self.command == 'HEAD':
            self.answer(err.status, b'', err.headers, err.code)
            return
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s'
                '</Code><Message>%s</Message><Resource>%s</Resource>'
                '%s<RequestId>%s</RequestId></Error>' % (
                    err.code, escape(err.message),
                    escape(urllib.parse.unquote(self.raw_path)),
                    ''.join('<%s>%s</%s>' % (k, escape(v), k) for k, v in
                            getattr(err, 'extra', {}).items()),
                    secrets.token_hex(8).upper())).encode()
        self.answer(err.status, body, err.headers, err.code)

    def handle_any(self):
        cfg = self.server.cfg
        self.raw_path = self.path
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.answer(400, b'', code='IncompleteBody')
            return
        if cfg.latency:
            time.sleep(cfg.latency / 1000.0)
        try:
            self.parse_target()
            self.check_auth(body)
            cks = self.headers.get('x-amz-checksum-sha256')
            if cks is not None:
                if base64.b64encode(hashlib.sha256(body).digest()).decode() \
                        != cks.strip():
                    raise S3Error(400, 'BadDigest',
                                  'The SHA256 you specified did not match '
                                  'the calculated checksum.')
            md5 = self.headers.get('Content-MD5')
            if md5 is not None:
                if base64.b64encode(hashlib.md5(body).digest()).decode() \
                        != md5.strip():
                    raise S3Error(400, 'BadDigest',
                                  'The Content-MD5 you specified did not '
                                  'match what we received.')
            with self.server.store.lock:
                self.dispatch(body)
        except S3Error as err:
            self.error(err)
        except Exception as ex:  # a bug here: say it, answer 500
            sys.stderr.write('s3d: internal error: %r\n' % (ex,))
            self.error(S3Error(500, 'InternalError', str(ex)))

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = handle_any

    def dispatch(self, body):
        m = self.command
        q = self.query
        if not self.bucket_name:
            if m == 'GET':
                return self.list_buckets()
            raise S3Error(405, 'MethodNotAllowed', 'Not allowed')
        if not self.key:
            if m == 'PUT' and 'versioning' in q:
                return self.put_versioning(body)
            if m == 'PUT' and not q:
                return self.create_bucket()
            if m == 'HEAD':
                self.store_bucket()
                return self.answer(200)
            if m == 'DELETE' and not q:
                return self.delete_bucket()
            if m == 'GET':
                b = self.store_bucket()
                if 'location' in q:
                    return self.xml(200, '<LocationConstraint xmlns="%s">%s'
                                    '</LocationConstraint>' % (
                                        NS, '' if self.server.cfg.region ==
                                        'us-east-1' else
                                        self.server.cfg.region))
                if 'versioning' in q:
                    st = ('<Status>Enabled</Status>'
                          if b.get('versioning') else '')
                    return self.xml(200, '<VersioningConfiguration xmlns='
                                    '"%s">%s</VersioningConfiguration>' %
                                    (NS, st))
                if 'object-lock' in q:
                    if not b.get('lock'):
                        raise S3Error(404,
                                      'ObjectLockConfigurationNotFoundError',
                                      'Object Lock configuration does not '
                                      'exist for this bucket')
                    return self.xml(200, '<ObjectLockConfiguration xmlns='
                                    '"%s"><ObjectLockEnabled>Enabled'
                                    '</ObjectLockEnabled>'
                                    '</ObjectLockConfiguration>' % NS)
                if 'versions' in q:
                    return self.list_versions()
                if set(q) - LIST_ARGS:
                    raise S3Error(501, 'NotImplemented',
                                  'Not implemented by this store')
                return self.list_objects()
            raise S3Error(501, 'NotImplemented',
                          'Not implemented by this store')
        if m == 'PUT' and 'legal-hold' in q:
            return self.put_legal_hold(body)
        if m == 'PUT' and 'retention' in q:
            return self.put_retention(body)
        if m == 'GET' and 'legal-hold' in q:
            return self.get_legal_hold()
        if m == 'GET' and 'retention' in q:
            return self.get_retention()
        if m == 'PUT' and not (set(q) - {'x-id'}):
            if 'x-amz-copy-source' in {k.lower() for k in self.headers}:
                raise S3Error(501, 'NotImplemented', 'CopyObject is not '
                              'implemented by this store')
            return self.put_object(body)
        if m in ('GET', 'HEAD') and not (set(q) - {'versionId', 'x-id'}):
            return self.get_object()
        if m == 'DELETE' and not (set(q) - {'versionId', 'x-id'}):
            return self.delete_object()
        raise S3Error(501, 'NotImplemented', 'Not implemented by this store')

    # ---- buckets ----

    def store_bucket(self):
        return self.server.store.bucket(self.bucket_name)

    def create_bucket(self):
        name = self.bucket_name
        if not BUCKET_RE.match(name):
            raise S3Error(400, 'InvalidBucketName',
                          'The specified bucket is not valid.')
        d = self.server.store.bdir(name)
        if os.path.exists(os.path.join(d, '@bucket.json')):
            raise S3Error(409, 'BucketAlreadyOwnedByYou',
                          'Your previous request to create the named bucket '
                          'succeeded and you already own it.')
        lock = self.headers.get('x-amz-bucket-object-lock-enabled',
                                '').lower() == 'true'
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, '@bucket.json'), 'w') as f:
            json.dump({'lock': lock, 'versioning': lock,
                       'created': time.time()}, f)
        self.answer(200, headers={'Location': '/' + name})

    def put_versioning(self, body):
        b = self.store_bucket()
        try:
            st = ET.fromstring(body).find('{%s}Status' % NS)
            if st is None:
                st = ET.fromstring(body).find('Status')
        except ET.ParseError:
            raise S3Error(400, 'MalformedXML', 'The XML you provided was '
                          'not well-formed')
        status = st.text if st is not None else ''
        if status == 'Enabled':
            b['versioning'] = True
        elif b.get('lock') or b.get('versioning'):
            raise S3Error(409, 'InvalidBucketState',
                          'Versioning cannot be suspended here')
        with open(os.path.join(self.server.store.bdir(self.bucket_name),
                               '@bucket.json'), 'w') as f:
            json.dump(b, f)
        self.answer(200)

    def delete_bucket(self):
        self.store_bucket()
        if self.server.store.all_versions(self.bucket_name):
            raise S3Error(409, 'BucketNotEmpty',
                          'The bucket you tried to delete is not empty')
        d = self.server.store.bdir(self.bucket_name)
        for root, dirs, files in os.walk(d, topdown=False):
            for f in files:
                os.unlink(os.path.join(root, f))
            for x in dirs:
                os.rmdir(os.path.join(root, x))
        os.rmdir(d)
        self.answer(204)

    def list_buckets(self):
        out = []
        for n in sorted(os.listdir(self.server.store.dir)):
            p = os.path.join(self.server.store.dir, n, '@bucket.json')
            if os.path.exists(p):
                out.append('<Bucket><Name>%s</Name><CreationDate>%s'
                           '</CreationDate></Bucket>' %
                           (escape(n), iso8601(os.stat(p).st_mtime)))
        self.xml(200, '<ListAllMyBucketsResult xmlns="%s"><Owner><ID>s3d'
                 '</ID><DisplayName>s3d</DisplayName></Owner><Buckets>%s'
                 '</Buckets></ListAllMyBucketsResult>' % (NS, ''.join(out)))

    # ---- objects ----

    def lock_headers(self, b):
        h = self.headers
        mode = h.get('x-amz-object-lock-mode')
        until = h.get('x-amz-object-lock-retain-until-date')
        hold = h.get('x-amz-object-lock-legal-hold')
        if not (mode or until or hold):
            return None, None, False
        if not b.get('lock'):
            raise S3Error(400, 'InvalidRequest',
                          'Bucket is missing Object Lock Configuration')
        if self.server.cfg.require_md5 and not h.get('Content-MD5') and \
                not h.get('x-amz-checksum-sha256'):
            raise S3Error(400, 'InvalidRequest',
                          'Content-MD5 OR x-amz-checksum- HTTP header is '
                          'required for Put Object requests with Object '
                          'Lock parameters')
        if bool(mode) != bool(until):
            raise S3Error(400, 'InvalidArgument',
                          'x-amz-object-lock-retain-until-date and '
                          'x-amz-object-lock-mode must both be supplied')
        t = None
        if mode:
            if mode not in ('COMPLIANCE', 'GOVERNANCE'):
                raise S3Error(400, 'InvalidArgument',
                              'Unknown wormMode directive.')
            t = parse_iso(until)
            if t <= time.time():
                raise S3Error(400, 'InvalidArgument',
                              'The retain until date must be in the future!')
        if hold and hold not in ('ON', 'OFF'):
            raise S3Error(400, 'InvalidArgument',
                          'Legal Hold must be either of on or off')
        return mode, t, hold == 'ON'

    def put_object(self, body):
        cfg = self.server.cfg
        b = self.store_bucket()
        store = self.server.store
        store.kdir(self.bucket_name, self.key)
        with cfg.counter_lock:
            if cfg.fail_puts > 0:
                cfg.fail_puts -= 1
                raise S3Error(503, 'SlowDown', 'Please reduce your request '
                              'rate.')
        mode, until, hold = self.lock_headers(b)
        if self.headers.get('If-None-Match', '').strip() == '*':
            c = store.current(self.bucket_name, self.key)
            if c and not c.get('delete_marker'):
                raise S3Error(412, 'PreconditionFailed',
                              'At least one of the pre-conditions you '
                              'specified did not hold')
        meta = {}
        for k, v in self.headers.items():
            if k.lower().startswith('x-amz-meta-'):
                meta[k.lower()[len('x-amz-meta-'):]] = v
        m = {
            'etag': '"%s"' % hashlib.md5(body).hexdigest(),
            'content_type': self.headers.get('Content-Type',
                                             'binary/octet-stream'),
            'meta': meta,
            'lock_mode': mode,
            'retain_until': until,
            'legal_hold': hold,
            'delete_marker': False,
        }
        m = store.new_version(self.bucket_name, self.key, body, m,
                              b.get('versioning'))
        hs = {'ETag': m['etag']}
        if b.get('versioning'):
            hs['x-amz-version-id'] = m['version']
        self.answer(200, headers=hs)

    def find(self, want_version=True):
        """The version the request names (?versionId) or the newest."""
        b = self.store_bucket()
        store = self.server.store
        vid = self.query.get('versionId')
        if vid is not None and want_version:
            if vid == '':
                raise S3Error(400, 'InvalidArgument',
                              'Version id cannot be the empty string')
            m = store.version(self.bucket_name, self.key, vid)
            if m is None:
                raise S3Error(404, 'NoSuchVersion', 'The specified version '
                              'does not exist.')
            return b, m
        m = store.current(self.bucket_name, self.key)
        if m is None:
            raise S3Error(404, 'NoSuchKey',
                          'The specified key does not exist.')
        if m.get('delete_marker'):
            raise S3Error(404, 'NoSuchKey', 'The specified key does not '
                          'exist.', {'x-amz-delete-marker': 'true',
                                     'x-amz-version-id': m['version']})
        return b, m

    def object_headers(self, b, m):
        hs = {
            'ETag': m['etag'],
            'Last-Modified': email.utils.formatdate(m['modified'],
                                                    usegmt=True),
            'Content-Type': m.get('content_type') or 'binary/octet-stream',
            'Accept-Ranges': 'bytes',
        }
        if b.get('versioning'):
            hs['x-amz-version-id'] = m['version']
        for k, v in sorted(m.get('meta', {}).items()):
            hs['x-amz-meta-' + k] = v
        if m.get('lock_mode'):
            hs['x-amz-object-lock-mode'] = m['lock_mode']
            hs['x-amz-object-lock-retain-until-date'] = iso8601(
                m['retain_until'])
        if b.get('lock'):
            hs['x-amz-object-lock-legal-hold'] = (
                'ON' if m.get('legal_hold') else 'OFF')
        return hs

    def get_object(self):
        b, m = self.find()
        if m.get('delete_marker'):
            raise S3Error(405, 'MethodNotAllowed', 'The specified method is '
                          'not allowed against this resource.',
                          {'x-amz-delete-marker': 'true',
                           'x-amz-version-id': m['version']})
        hs = self.object_headers(b, m)
        size = m['size']
        rng = self.headers.get('Range')
        status = 200
        lo, hi = 0, size - 1
        if rng:
            r = re.match(r'^bytes=(\d*)-(\d*)$', rng.strip())
            if not r or (r.group(1) == '' and r.group(2) == ''):
                raise S3Error(400, 'InvalidArgument', 'Invalid Range')
            if r.group(1) == '':
                lo = max(0, size - int(r.group(2)))
            else:
                lo = int(r.group(1))
                if r.group(2) != '':
                    hi = min(hi, int(r.group(2)))
            if lo >= size or lo > hi:
                raise S3Error(416, 'InvalidRange', 'The requested range is '
                              'not satisfiable')
            status = 206
            hs['Content-Range'] = 'bytes %d-%d/%d' % (lo, hi, size)
        hs['Content-Length'] = str(hi - lo + 1 if size else 0)
        if self.command == 'HEAD':
            return self.answer(status, b'', hs)
        with open(m['body'], 'rb') as f:
            f.seek(lo)
            data = f.read(hi - lo + 1) if size else b''
        self.answer(status, data, hs)

    def locked(self, m):
        """Why m may not be deleted or its retention shortened, or None."""
        if m.get('legal_hold'):
            return 'COMPLIANCE'
        if m.get('lock_mode') and m.get('retain_until', 0) > time.time():
            return m['lock_mode']
        return None

    def bypass(self):
        return self.headers.get('x-amz-bypass-governance-retention',
                                '').lower() == 'true'

    def delete_object(self):
        b = self.store_bucket()
        store = self.server.store
        store.kdir(self.bucket_name, self.key)
        vid = self.query.get('versionId')
        if vid is None and b.get('versioning'):
            m = store.new_version(self.bucket_name, self.key, None,
                                  {'delete_marker': True, 'etag': '',
                                   'meta': {}}, True)
            return self.answer(204, headers={
                'x-amz-delete-marker': 'true',
                'x-amz-version-id': m['version']})
        if vid is None:
            vid = 'null'
        m = store.version(self.bucket_name, self.key, vid)
        if m is None:
            return self.answer(204)
        why = self.locked(m)
        if why == 'COMPLIANCE' or (why == 'GOVERNANCE' and not self.bypass()):
            raise S3Error(403, 'AccessDenied', 'Access Denied because '
                          'object protected by object lock.')
        store.remove_version(self.bucket_name, self.key, m)
        hs = {}
        if b.get('versioning'):
            hs['x-amz-version-id'] = vid
            if m.get('delete_marker'):
                hs['x-amz-delete-marker'] = 'true'
        self.answer(204, headers=hs)

    def xml_field(self, body, *path):
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise S3Error(400, 'MalformedXML', 'The XML you provided was not '
                          'well-formed or did not validate against our '
                          'published schema')
        out = []
        for name in path:
            e = root.find('{%s}%s' % (NS, name))
            if e is None:
                e = root.find(name)
            out.append(e.text.strip() if e is not None and e.text else None)
        return out

    def lock_bucket_version(self):
        if self.server.cfg.require_md5 and not self.headers.get('Content-MD5'):
            raise S3Error(400, 'InvalidRequest', 'Content-MD5 HTTP header is '
                          'required for this request')
        b, m = self.find()
        if not b.get('lock'):
            raise S3Error(400, 'InvalidRequest',
                          'Bucket is missing Object Lock Configuration')
        if m.get('delete_marker'):
            raise S3Error(405, 'MethodNotAllowed', 'The specified method is '
                          'not allowed against this resource.')
        return b, m

    def put_legal_hold(self, body):
        b, m = self.lock_bucket_version()
        (status,) = self.xml_field(body, 'Status')
        if status not in ('ON', 'OFF'):
            raise S3Error(400, 'MalformedXML', 'The XML you provided was not '
                          'well-formed or did not validate against our '
                          'published schema')
        m['legal_hold'] = status == 'ON'
        self.server.store.write_meta(self.bucket_name, self.key, m)
        self.answer(200, headers={'x-amz-version-id': m['version']})

    def get_legal_hold(self):
        b, m = self.lock_bucket_version()
        self.xml(200, '<LegalHold xmlns="%s"><Status>%s</Status></LegalHold>'
                 % (NS, 'ON' if m.get('legal_hold') else 'OFF'))

    def put_retention(self, body):
        b, m = self.lock_bucket_version()
        mode, until = self.xml_field(body, 'Mode', 'RetainUntilDate')
        if mode not in ('COMPLIANCE', 'GOVERNANCE') or not until:
            raise S3Error(400, 'MalformedXML', 'The XML you provided was not '
                          'well-formed or did not validate against our '
                          'published schema')
        t = parse_iso(until)
        if t <= time.time():
            raise S3Error(400, 'InvalidArgument',
                          'The retain until date must be in the future!')
        old = m.get('lock_mode')
        live = old and m.get('retain_until', 0) > time.time()
        if live and old == 'COMPLIANCE' and (
                mode != 'COMPLIANCE' or t < m['retain_until']):
            raise S3Error(403, 'AccessDenied', 'Access Denied because object '
                          'protected by object lock.')
        if live and old == 'GOVERNANCE' and (
                mode != 'GOVERNANCE' or t < m['retain_until']) and \
                not self.bypass():
            raise S3Error(403, 'AccessDenied', 'Access Denied because object '
                          'protected by object lock.')
        m['lock_mode'] = mode
        m['retain_until'] = t
        self.server.store.write_meta(self.bucket_name, self.key, m)
        self.answer(200, headers={'x-amz-version-id': m['version']})

    def get_retention(self):
        b, m = self.lock_bucket_version()
        if not m.get('lock_mode'):
            raise S3Error(404, 'NoSuchObjectLockConfiguration',
                          'The specified object does not have a ObjectLock '
                          'configuration')
        self.xml(200, '<Retention xmlns="%s"><Mode>%s</Mode><RetainUntilDate>'
                 '%s</RetainUntilDate></Retention>' % (
                     NS, m['lock_mode'], iso8601(m['retain_until'])))

    # ---- listings ----

    def int_arg(self, name, default):
        v = self.query.get(name)
        if v is None or v == '':
            return default
        if not v.isdigit():
            raise S3Error(400, 'InvalidArgument',
                          'Provided %s not an integer or within integer '
                          'range' % name)
        return int(v)

    def list_objects(self):
        self.store_bucket()
        q = self.query
        v2 = q.get('list-type') == '2'
        prefix = q.get('prefix', '')
        delim = q.get('delimiter', '')
        url = q.get('encoding-type') == 'url'
        if 'encoding-type' in q and not url:
            raise S3Error(400, 'InvalidArgument', 'Invalid Encoding Method '
                          'specified in Request')
        maxk = min(self.int_arg('max-keys', 1000), self.server.cfg.max_keys)
        if v2:
            token = q.get('continuation-token')
            if token is not None:
                try:
                    after = base64.b64decode(token.encode(),
                                             validate=True).decode()
                except (ValueError, UnicodeDecodeError):
                    raise S3Error(400, 'InvalidArgument', 'The continuation '
                                  'token provided is incorrect')
            else:
                after = q.get('start-after', '')
        else:
            after = q.get('marker', '')

        def enc(s):
            return escape(urllib.parse.quote(s, safe='/') if url else s)

        contents = []
        prefixes = []
        truncated = False
        last = None
        for key, m in self.server.store.keys(self.bucket_name):
            if not key.startswith(prefix):
                continue
            entry = key
            if delim:
                i = key.find(delim, len(prefix))
                if i != -1:
                    entry = key[:i + len(delim)]
            if after and entry.encode() <= after.encode():
                continue
            if entry != key and prefixes and prefixes[-1] == entry:
                continue
            if len(contents) + len(prefixes) >= maxk:
                truncated = True
                break
            last = entry
            if entry != key:
                prefixes.append(entry)
            else:
                contents.append((key, m))
        out = ['<ListBucketResult xmlns="%s"><Name>%s</Name>'
               '<Prefix>%s</Prefix>' % (NS, escape(self.bucket_name),
                                        enc(prefix))]
        if v2:
            out.append('<KeyCount>%d</KeyCount>' %
                       (len(contents) + len(prefixes)))
            if 'continuation-token' in q:
                out.append('<ContinuationToken>%s</ContinuationToken>' %
                           escape(q['continuation-token']))
            if 'start-after' in q:
                out.append('<StartAfter>%s</StartAfter>' %
                           enc(q['start-after']))
            if truncated:
                out.append('<NextContinuationToken>%s</NextContinuationToken>'
                           % base64.b64encode(last.encode()).decode())
        else:
            out.append('<Marker>%s</Marker>' % enc(after))
            if truncated and delim:
                out.append('<NextMarker>%s</NextMarker>' % enc(last))
        out.append('<MaxKeys>%d</MaxKeys>' % maxk)
        if delim:
            out.append('<Delimiter>%s</Delimiter>' % enc(delim))
        if url:
            out.append('<EncodingType>url</EncodingType>')
        out.append('<IsTruncated>%s</IsTruncated>' %
                   ('true' if truncated else 'false'))
        for key, m in contents:
            out.append('<Contents><Key>%s</Key><LastModified>%s'
                       '</LastModified><ETag>%s</ETag><Size>%d</Size>'
                       '<StorageClass>STANDARD</StorageClass></Contents>' % (
                           enc(key), iso8601(m['modified']),
                           escape(m['etag']), m['size']))
        for p in prefixes:
            out.append('<CommonPrefixes><Prefix>%s</Prefix></CommonPrefixes>'
                       % enc(p))
        out.append('</ListBucketResult>')
        self.xml(200, ''.join(out))

    def list_versions(self):
        prefix = self.query.get('prefix', '')
        out = ['<ListVersionsResult xmlns="%s"><Name>%s</Name><Prefix>%s'
               '</Prefix><KeyMarker></KeyMarker><VersionIdMarker>'
               '</VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false'
               '</IsTruncated>' % (NS, escape(self.bucket_name),
                                   escape(prefix))]
        store = self.server.store
        for key, vs in store.all_versions(self.bucket_name):
            if not key.startswith(prefix):
                continue
            cur = store.current(self.bucket_name, key)
            for m in reversed(vs):
                latest = 'true' if cur and cur['version'] == m['version'] \
                    else 'false'
                if m.get('delete_marker'):
                    out.append('<DeleteMarker><Key>%s</Key><VersionId>%s'
                               '</VersionId><IsLatest>%s</IsLatest>'
                               '<LastModified>%s</LastModified>'
                               '</DeleteMarker>' % (
                                   escape(key), m['version'], latest,
                                   iso8601(m['modified'])))
                else:
                    out.append('<Version><Key>%s</Key><VersionId>%s'
                               '</VersionId><IsLatest>%s</IsLatest>'
                               '<LastModified>%s</LastModified><ETag>%s'
                               '</ETag><Size>%d</Size><StorageClass>STANDARD'
                               '</StorageClass></Version>' % (
                                   escape(key), m['version'], latest,
                                   iso8601(m['modified']),
                                   escape(m['etag']), m['size']))
        out.append('</ListVersionsResult>')
        self.xml(200, ''.join(out))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description='a small S3 service for tests')
    p.add_argument('--dir', required=True)
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--access', required=True)
    p.add_argument('--secret', required=True)
    p.add_argument('--region', default='us-east-1')
    p.add_argument('--ready-file')
    p.add_argument('--pidfile')
    p.add_argument('--max-keys', type=int, default=1000)
    p.add_argument('--latency-ms', type=int, default=0)
    p.add_argument('--fail-puts', type=int, default=0)
    p.add_argument('--require-md5', action='store_true')
    a = p.parse_args()
    if a.max_keys < 1:
        p.error('--max-keys must be at least 1')
    os.makedirs(a.dir, exist_ok=True)
    srv = Server(('127.0.0.1', a.port), Handler)
    srv.store = Store(a.dir)
    a.latency = a.latency_ms
    a.counter_lock = threading.Lock()
    srv.cfg = a
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(
        target=srv.shutdown, daemon=True).start())
    if a.pidfile:
        with open(a.pidfile, 'w') as f:
            f.write('%d\n' % os.getpid())
    if a.ready_file:
        with open(a.ready_file + '.tmp', 'w') as f:
            f.write('%d\n' % srv.server_address[1])
        os.rename(a.ready_file + '.tmp', a.ready_file)
    sys.stderr.write('s3d: listening on 127.0.0.1:%d\n' %
                     srv.server_address[1])
    sys.stderr.flush()
    try:
        srv.serve_forever()
    finally:
        srv.server_close()
        if a.pidfile:
            try:
                os.unlink(a.pidfile)
            except FileNotFoundError:
                pass


if __name__ == '__main__':
    main()
