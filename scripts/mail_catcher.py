#!/usr/bin/env python3
"""Demo mail catcher: an SMTP server that keeps every email it receives as an .eml file,
and a web page that lists them and opens their HTML body in the browser.

    scripts/mail_catcher.py --smtp-port 1025 --http-port 8025 --dir .run/mail

Both listen on 127.0.0.1 only. Nothing is relayed: an email ends here. Standard library only.
"""

import argparse
import contextlib
import html
import re
import socketserver
import sys
import threading
from datetime import datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
MAX_LINE_BYTES = 4096
LISTED_EMAILS = 200
EML_NAME = re.compile(r"^\d{8}-\d{6}-\d{6}(-\d+)?\.eml$")
# The email's own HTML is shown as sent, so that its images and links behave as in a mail
# client; the sandbox keeps its scripts and forms from running on the catcher's origin.
BODY_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; "
    "default-src 'none'; img-src * data:; style-src * 'unsafe-inline'; font-src * data:"
)
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def log(message):
    print(f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}", file=sys.stderr, flush=True)


class Mailbox:
    """The folder of caught emails, one .eml file each, named by arrival time."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def store(self, sender, recipients, data):
        envelope = f"X-Envelope-From: <{sender}>\r\nX-Envelope-To: {', '.join(recipients)}\r\n"
        with self._lock:
            stem = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            name, counter = f"{stem}.eml", 1
            while (self.folder / name).exists():
                name, counter = f"{stem}-{counter}.eml", counter + 1
            partial = self.folder / f".{name}.part"
            partial.write_bytes(envelope.encode() + data)
            partial.rename(self.folder / name)
        return name

    def names(self):
        return sorted(
            (path.name for path in self.folder.iterdir() if EML_NAME.match(path.name)), reverse=True
        )

    def read(self, name):
        """The raw email called ``name``, or None when there is none (or the name is not ours)."""
        path = self.folder / name
        if not EML_NAME.match(name) or not path.is_file():
            return None
        return path.read_bytes()


def parse(raw):
    return BytesParser(policy=policy.default).parsebytes(raw)


def received_at(name):
    return datetime.strptime(name[:22], "%Y%m%d-%H%M%S-%f").strftime("%Y-%m-%d %H:%M:%S")


class SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for Odoo's smtplib: no authentication, no TLS."""

    def setup(self):
        super().setup()
        self.sender, self.recipients = None, []

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        with contextlib.suppress(ConnectionError):  # a client may hang up at any time
            self.reply(f"220 {HOST} demo mail catcher ESMTP")
            while line := self.rfile.readline(MAX_LINE_BYTES):
                command, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
                if not self.answer(command.upper(), argument.strip()):
                    return

    def answer(self, command, argument):
        """Reply to one command; False once the session is over."""
        if command == "EHLO":
            self.reply(f"250-{HOST}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_MESSAGE_BYTES}")
        elif command in ("HELO", "NOOP"):
            self.reply(f"250 {HOST}")
        elif command == "RSET":
            self.sender, self.recipients = None, []
            self.reply("250 OK")
        elif command == "MAIL" and argument.upper().startswith("FROM:"):
            self.sender, self.recipients = self.address(argument[5:]), []
            self.reply("250 OK")
        elif command == "RCPT" and argument.upper().startswith("TO:"):
            if self.sender is None:
                self.reply("503 5.5.1 MAIL first")
            else:
                self.recipients.append(self.address(argument[3:]))
                self.reply("250 OK")
        elif command == "DATA":
            if not self.recipients:
                self.reply("503 5.5.1 RCPT first")
            else:
                self.receive_data()
        elif command == "QUIT":
            self.reply("221 Bye")
            return False
        else:
            self.reply("502 5.5.2 Command not implemented")
        return True

    @staticmethod
    def address(argument):
        return argument.strip().split(" ")[0].strip("<>")

    def receive_data(self):
        self.reply("354 End data with <CR><LF>.<CR><LF>")
        lines, size = [], 0
        while (line := self.rfile.readline(MAX_LINE_BYTES * 64)) and line.rstrip(b"\r\n") != b".":
            size += len(line)
            if size <= MAX_MESSAGE_BYTES:
                lines.append(line[1:] if line.startswith(b"..") else line)
        if size > MAX_MESSAGE_BYTES:
            self.reply("552 5.3.4 Message too big")
        else:
            name = self.server.mailbox.store(self.sender, self.recipients, b"".join(lines))
            log(f"caught {name}: from {self.sender} to {', '.join(self.recipients)}")
            self.reply(f"250 OK: kept as {name}")
        self.sender, self.recipients = None, []


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port, mailbox):
        super().__init__((HOST, port), SmtpSession)
        self.mailbox = mailbox


class WebPage(BaseHTTPRequestHandler):
    """/ lists the caught emails, /mail/<name> shows one's body, /eml/<name> its source."""

    server_version = "DemoMailCatcher"

    def do_GET(self):
        host = self.headers.get("Host", "")
        if host not in {f"{name}:{self.server.server_port}" for name in (HOST, "localhost", "[::1]")}:
            self.send_text(421, "Open this page on 127.0.0.1 or localhost.")  # no DNS rebinding
            return
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.send_page(self.listing())
            return
        kind, _, name = path.lstrip("/").partition("/")
        raw = self.server.mailbox.read(name) if kind in ("mail", "eml") else None
        if raw is None:
            self.send_text(404, "Not found")
        elif kind == "eml":
            self.send(
                200, "text/plain; charset=utf-8", raw, {"Content-Disposition": f'inline; filename="{name}"'}
            )
        else:
            self.send_body(parse(raw))

    def listing(self):
        names = self.server.mailbox.names()
        rows = []
        for name in names[:LISTED_EMAILS]:
            email = parse(self.server.mailbox.read(name) or b"")
            received = html.escape(received_at(name))
            sender, to = (html.escape(str(email.get(key, ""))) for key in ("From", "To"))
            subject = html.escape(str(email.get("Subject", "") or "(no subject)"))
            rows.append(
                f"<tr><td>{received}</td><td>{sender}</td><td>{to}</td>"
                f'<td><a href="/mail/{name}" target="_blank" rel="noopener">{subject}</a></td>'
                f'<td><a href="/eml/{name}">.eml</a></td></tr>'
            )
        if rows:
            shown = (
                f"latest {LISTED_EMAILS} of {len(names)}" if len(names) > LISTED_EMAILS else str(len(names))
            )
            content = (
                f"<p>{shown} caught, newest first. Open a subject to read the email as its "
                "recipient would: its images load and its links work.</p>"
                "<table><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Source</th></tr>"
                + "".join(rows)
                + "</table>"
            )
        else:
            content = "<p>No email caught yet. Send one from Odoo: it shows up here within seconds.</p>"
        folder = html.escape(str(self.server.mailbox.folder))
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">'
            "<title>Demo mail catcher</title><style>"
            "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}"
            "table{border-collapse:collapse;width:100%}"
            "th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #ddd;vertical-align:top}"
            "th{background:#f3f3f3}td:first-child{white-space:nowrap}.note{color:#666}"
            "</style></head><body><h1>Demo mail catcher</h1>"
            + content
            + f'<p class="note">Every email Odoo sends to SMTP {HOST}:{self.server.smtp_port} ends here '
            f"(nothing is delivered), kept in {folder}. This page refreshes every 5 seconds.</p>"
            "</body></html>"
        )

    def send_body(self, email):
        part = email.get_body(preferencelist=("html", "plain"))
        if part is None:
            self.send_page("<!DOCTYPE html><p>This email has no text body.</p>")
        elif part.get_content_type() == "text/html":
            headers = {"Content-Security-Policy": BODY_POLICY, "Referrer-Policy": "no-referrer"}
            self.send(200, "text/html; charset=utf-8", part.get_content().encode(), headers)
        else:
            text = html.escape(part.get_content())
            self.send_page(
                f'<!DOCTYPE html><meta charset="utf-8"><pre style="white-space:pre-wrap">{text}</pre>'
            )

    def send_page(self, page):
        self.send(200, "text/html; charset=utf-8", page.encode(), {"Content-Security-Policy": PAGE_POLICY})

    def send_text(self, status, text):
        self.send(status, "text/plain; charset=utf-8", text.encode())

    def send(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        """Requests are not worth a log line: the caught emails are."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--dir", default=".run/mail", help="where the .eml files are kept")
    args = parser.parse_args()
    mailbox = Mailbox(args.dir)
    smtp = SmtpServer(args.smtp_port, mailbox)
    web = ThreadingHTTPServer((HOST, args.http_port), WebPage)
    web.daemon_threads = True
    web.mailbox, web.smtp_port = mailbox, args.smtp_port
    threading.Thread(target=web.serve_forever, daemon=True).start()
    log(f"SMTP on {HOST}:{args.smtp_port}, page on http://{HOST}:{args.http_port}/, kept in {mailbox.folder}")
    with contextlib.suppress(KeyboardInterrupt):
        smtp.serve_forever()


if __name__ == "__main__":
    main()
