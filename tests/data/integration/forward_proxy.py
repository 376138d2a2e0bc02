#!/usr/bin/env python3
"""A small forward HTTP proxy for the integration tests (loopback only).

    forward_proxy.py PORT_FILE LOG_FILE

Listens on 127.0.0.1 (a free port, written to PORT_FILE), carries absolute-form requests
(GET/POST http://host:port/path) to 127.0.0.1 or ::1 only, and appends one line per request it
carried to LOG_FILE: "METHOD URL STATUS". Keep-alive on both sides. HTTPS goes through a CONNECT
tunnel (to a loopback host only), logged once per tunnel when it opens: "CONNECT HOST:PORT 200".
Stops after 120 s at most.
"""
import http.client
import os
import select
import socket
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

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]")
        if host not in LOOPBACK or not port.isdigit():
            self.send_error(403, "loopback only")
            return
        try:
            upstream = socket.create_connection((host, int(port)), timeout=30)
        except OSError:
            self.send_error(502, "upstream unreachable")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        with LOCK:
            with open(sys.argv[2], "a") as log:
                log.write(f"CONNECT {self.path} 200\n")
        self.close_connection = True
        relay(self.connection, upstream)
        upstream.close()

    do_GET = forward
    do_POST = forward

    def log_message(self, *args):
        pass


def relay(a, b):
    """Copies bytes both ways between sockets a and b until either side closes."""
    sockets = [a, b]
    while True:
        ready, _, broken = select.select(sockets, [], sockets, 30)
        if broken or not ready:
            return
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                return
            if not data:
                return
            (b if s is a else a).sendall(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


LOCK = threading.Lock()
with Server(("127.0.0.1", 0), Proxy) as server:
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    threading.Timer(120, server.shutdown).start()
    server.serve_forever()
