#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A registry that misbehaves on purpose, for cpod's pull fault tests (127.0.0.1 only).

Usage: fake-registry.py PORTFILE MODE
Serves one image "127.0.0.1:PORT/img:latest" (one gzip layer) and breaks it as MODE says:
  ok            serve it correctly
  bad-digest    the layer's bytes do not match its digest
  truncated     the layer stops half way (Content-Length promises more)
  drop          the connection is closed in the middle of the layer
  big-manifest  a manifest over 4 MiB
  bad-json      a manifest that is not JSON
  401 403 404 429 500   every manifest request gets that status
  flaky         the first two manifest requests get 500, then it works
  slow          the layer is sent slowly (2 s)
"""
import gzip
import hashlib
import http.server
import io
import json
import socketserver
import sys
import tarfile
import time


def make_layer():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        data = b"hello from the fake registry\n" * 1000
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        info.mtime = 0
        t.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    return raw, gzip.compress(raw, mtime=0)


RAW, LAYER = make_layer()
DIFF_ID = "sha256:" + hashlib.sha256(RAW).hexdigest()
LAYER_DIGEST = "sha256:" + hashlib.sha256(LAYER).hexdigest()
CONFIG = json.dumps({
    "architecture": "amd64", "os": "linux", "config": {},
    "rootfs": {"type": "layers", "diff_ids": [DIFF_ID]},
}, separators=(",", ":")).encode()
CONFIG_DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": CONFIG_DIGEST, "size": len(CONFIG)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": LAYER_DIGEST, "size": len(LAYER)}],
}, separators=(",", ":")).encode()
MODE = sys.argv[2]
COUNT = {"manifest": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=b"", ctype="application/json", length=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if code == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="fake"')
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, code):
        codes = {401: "UNAUTHORIZED", 403: "DENIED", 404: "MANIFEST_UNKNOWN",
                 429: "TOOMANYREQUESTS", 500: "UNKNOWN"}
        body = json.dumps({"errors": [{"code": codes[code], "message": "fake " + str(code)}]})
        self.send(code, body.encode())

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.send(200, b"{}")
        if path.startswith("/v2/img/manifests/"):
            COUNT["manifest"] += 1
            if MODE in ("401", "403", "404", "429", "500"):
                return self.error(int(MODE))
            if MODE == "flaky" and COUNT["manifest"] <= 2:
                return self.error(500)
            if MODE == "big-manifest":
                return self.send(200, b" " * (5 * 1024 * 1024) + MANIFEST,
                                 "application/vnd.oci.image.manifest.v1+json")
            if MODE == "bad-json":
                return self.send(200, b"{not json", "application/vnd.oci.image.manifest.v1+json")
            return self.send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json")
        if path == "/v2/img/blobs/" + CONFIG_DIGEST:
            return self.send(200, CONFIG, "application/octet-stream")
        if path == "/v2/img/blobs/" + LAYER_DIGEST:
            if MODE == "bad-digest":
                bad = bytearray(LAYER)
                bad[len(bad) // 2] ^= 0xff
                return self.send(200, bytes(bad), "application/octet-stream")
            if MODE == "truncated":
                self.send(200, b"", "application/octet-stream", length=len(LAYER))
                self.wfile.write(LAYER[: len(LAYER) // 2])
                self.close_connection = True
                return None
            if MODE == "drop":
                self.send(200, b"", "application/octet-stream", length=len(LAYER))
                self.wfile.write(LAYER[:100])
                self.wfile.flush()
                self.connection.shutdown(2)
                self.close_connection = True
                return None
            if MODE == "slow":
                self.send(200, b"", "application/octet-stream", length=len(LAYER))
                for i in range(0, len(LAYER), max(1, len(LAYER) // 10)):
                    self.wfile.write(LAYER[i:i + max(1, len(LAYER) // 10)])
                    self.wfile.flush()
                    time.sleep(0.2)
                return None
            return self.send(200, LAYER, "application/octet-stream")
        return self.error(404)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up on purpose are part of the tests


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
