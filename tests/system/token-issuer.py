#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# A small bearer-token issuer for docker-registry's "auth: token" mode, for cpod's system
# tests only (python3 standard library; RS256 signatures made by `openssl dgst -sign`).
#
# Usage: token-issuer.py --key KEY.pem --cert CERT.pem --port-file FILE
#            [--user USER --password PASS] [--issuer NAME] [--deny-anonymous PREFIX]...
#
# Serves GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] on 127.0.0.1 at a
# free port (written to --port-file once listening). Requests with HTTP basic credentials
# must carry USER/PASS (else 401); they get every action asked for. Anonymous requests get
# "pull" only, and nothing for repositories under a --deny-anonymous prefix. The answer is
# {"token": JWT, "access_token": JWT, "expires_in": 300, "issued_at": ...}; the JWT header
# carries the issuer certificate as x5c, which the registry checks against its
# rootcertbundle.

import argparse
import base64
import binascii
import datetime
import http.server
import json
import os
import subprocess
import sys
import time
import urllib.parse

EXPIRES_IN = 300


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def cert_der_b64(path):
    out = subprocess.run(
        ["openssl", "x509", "-in", path, "-outform", "DER"], check=True, capture_output=True
    ).stdout
    return base64.b64encode(out).decode("ascii")


def sign(key_path, data):
    out = subprocess.run(
        ["openssl", "dgst", "-sha256", "-sign", key_path],
        input=data,
        check=True,
        capture_output=True,
    )
    return out.stdout


def parse_scope(scope):
    """repository:NAME:pull,push -> (type, name, [actions]), or None when malformed."""
    parts = scope.split(":")
    if len(parts) < 3 or not parts[0] or len(scope) > 512:
        return None
    rtype = parts[0]
    actions = [a for a in parts[-1].split(",") if a]
    name = ":".join(parts[1:-1])
    if not name:
        return None
    return rtype, name, actions


class Issuer(http.server.BaseHTTPRequestHandler):
    server_version = "cpod-test-token-issuer/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))

    def reply(self, code, body, extra_headers=()):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra_headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def authenticate(self):
        """Returns (ok, user): user is None for an anonymous request."""
        auth = self.headers.get("Authorization")
        if auth is None:
            return True, None
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "basic":
            return False, None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False, None
        user, sep, password = decoded.partition(":")
        cfg = self.server.cfg
        if not sep or cfg.user is None or user != cfg.user or password != cfg.password:
            return False, None
        return True, user

    def grant(self, user, scopes):
        cfg = self.server.cfg
        access = []
        for s in scopes:
            parsed = parse_scope(s)
            if parsed is None or parsed[0] != "repository":
                continue
            rtype, name, actions = parsed
            if user is None:
                if any(name.startswith(p) for p in cfg.deny_anonymous):
                    actions = []
                else:
                    actions = [a for a in actions if a == "pull"]
            access.append({"type": rtype, "name": name, "actions": actions})
        return access

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "not found"}]})
            return
        query = urllib.parse.parse_qs(url.query)
        ok, user = self.authenticate()
        if not ok:
            self.reply(
                401,
                {"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password"}]},
                [("WWW-Authenticate", 'Basic realm="cpod-test-issuer"')],
            )
            return
        cfg = self.server.cfg
        service = query.get("service", [""])[0]
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [cfg.cert_b64]}
        claims = {
            "iss": cfg.issuer,
            "sub": user or "",
            "aud": service,
            "exp": now + EXPIRES_IN,
            "nbf": now - 10,
            "iat": now,
            "jti": binascii.hexlify(os.urandom(16)).decode("ascii"),
            "access": self.grant(user, query.get("scope", [])),
        }
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        try:
            sig = sign(cfg.key, signing_input.encode("ascii"))
        except subprocess.CalledProcessError as e:
            self.reply(500, {"errors": [{"code": "SIGN", "message": str(e)}]})
            return
        token = signing_input + "." + b64url(sig)
        issued = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        self.reply(
            200,
            {
                "token": token,
                "access_token": token,
                "expires_in": EXPIRES_IN,
                "issued_at": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--issuer", default="cpod-test-issuer")
    ap.add_argument("--deny-anonymous", action="append", default=[])
    cfg = ap.parse_args()
    cfg.cert_b64 = cert_der_b64(cfg.cert)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Issuer)
    srv.daemon_threads = True
    srv.cfg = cfg
    tmp = cfg.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, cfg.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
