#!/usr/bin/env python3
"""A token-introspection service for Dovecot's oauth2 passdb, on 127.0.0.1
only: POST token=T answers {"active": "true", "username": "alice"} for the
token "alice-good-token" and {"active": "false"} for any other (strings:
Dovecot 2.3 compares the attribute as text). Writes
"ready" to stdout once listening (the suite waits for it).

usage: introspect.py PORT"""
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def answer(self, token):
        if token == "alice-good-token":
            body = {"active": "true", "username": "alice"}
        else:
            body = {"active": "false"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        token = (form.get("token") or [""])[0]
        auth = self.headers.get("Authorization") or ""
        if not token and auth.lower().startswith("bearer "):
            token = auth[7:]
        self.answer(token)

    def do_GET(self):
        q = urllib.parse.urlparse(self.path).query
        token = (urllib.parse.parse_qs(q).get("access_token") or [""])[0]
        auth = self.headers.get("Authorization") or ""
        if not token and auth.lower().startswith("bearer "):
            token = auth[7:]
        self.answer(token)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("ready", flush=True)
server.serve_forever()
