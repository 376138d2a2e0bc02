#!/usr/bin/env python3
"""A small forward HTTP proxy for the integration tests (loopback only).

    forward_proxy.py PORT_FILE LOG_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE), carries absolute-form requests
(GET/POST http://host:port/path) to 127.0.0.1 or ::1 only, and appends one line per request it
carried to LOG_FILE: "METHOD URL STATUS". Keep-alive on both sides. Stops after 120 s at most.
"""
import http.client
import os
import http.server
import socketserver
import sys
import threading
import urllib.parse

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if url.scheme != "http" or url.hostname not in LOOPBACK:
            self.send_error(403, "loopback http only")
            return
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "proxy-authorization", "connection")}
        upstream = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
        path = url.path + ("?" + url.query if url.query else "")
        upstream.request(self.command, path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length", "keep-alive"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with LOCK:
            with open(sys.argv[2], "a") as log:
                log.write(f"{self.command} {self.path.split('?')[0]} {answer.status}\n")

    do_GET = forward
    do_POST = forward

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


LOCK = threading.Lock()
with Server(("127.0.0.1", 0), Proxy) as server:
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    threading.Timer(120, server.shutdown).start()
    server.serve_forever()
