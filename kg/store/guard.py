"""The front of ``kg serve``: an HTTP proxy before Oxigraph's server that refuses every query
or update holding ``SERVICE`` (unless allowed) and passes everything else through unchanged
(issue #14); it remembers when each request began, so that kg.store.serve can cut one that
runs on.
"""

from __future__ import annotations

import http.client
import http.server
import threading
import time
import urllib.parse
from collections.abc import Callable

from kg.sparql.text import service_targets


def no_refusal(texts: list[str]) -> str | None:
    return None


def service_refusal(texts: list[str]) -> str | None:
    targets = [target for text in texts for target in service_targets(text)]
    if not targets:
        return None
    return (
        f"SERVICE {', '.join(targets)} refused: this server does not send queries to other "
        "servers (start kg serve with --allow-service to let it)\n"
    )


_HOP_BY_HOP = frozenset(
    "connection keep-alive proxy-authenticate proxy-authorization te trailer "
    "transfer-encoding upgrade".split()
)
_FORM = "application/x-www-form-urlencoded"


class Guard(http.server.ThreadingHTTPServer):
    """The front of ``kg serve``: reads each request, refuses it when ``refuse`` says why,
    else sends it to Oxigraph and streams the answer back; remembers when each began."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], refuse: Callable[[list[str]], str | None]) -> None:
        super().__init__(address, GuardHandler)
        self.refuse = refuse
        self.upstream = ("127.0.0.1", 0)
        self.ready = threading.Event()  # set while Oxigraph answers at ``upstream``
        self.lock = threading.Lock()
        self.running: dict[int, float] = {}  # request number -> when it began
        self.cut: set[int] = set()  # requests ended by a restart
        self.count = 0

    def begin(self) -> int:
        with self.lock:
            self.count += 1
            self.running[self.count] = time.monotonic()
            return self.count

    def end(self, number: int) -> bool:
        """Forget a request; whether a restart ended it."""
        with self.lock:
            self.running.pop(number, None)
            return number in self.cut

    def cut_overdue(self, limit: float) -> bool:
        """Mark the requests running for longer than ``limit`` seconds as cut; any?"""
        now = time.monotonic()
        with self.lock:
            overdue = {n for n, began in self.running.items() if now - began > limit}
            self.cut |= overdue
            for number in overdue:
                del self.running[number]
            return bool(overdue)


class GuardHandler(http.server.BaseHTTPRequestHandler):
    server: Guard

    def _forward(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self._answer(411, "send a Content-Length\n")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        refusal = self.server.refuse(self._sparql(body))
        if refusal:
            self._answer(403, refusal)
            return
        self.server.ready.wait(60)
        number = self.server.begin()
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=3600)
        sent = False
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            with upstream.getresponse() as response:
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                self.end_headers()
                sent = True
                while chunk := response.read(1 << 16):
                    self.wfile.write(chunk)
        except (OSError, http.client.HTTPException) as exc:
            if not sent:
                if number in self.server.cut:
                    self._answer(503, "the request ran over kg serve's --timeout: cut off\n")
                else:
                    self._answer(502, f"the Oxigraph server failed: {exc}\n")
        finally:
            self.server.end(number)
            upstream.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _forward

    def _sparql(self, body: bytes) -> list[str]:
        """Every query or update the request carries: in the URL, a form, or the body."""
        fields = ("query", "update")
        found = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        texts = [text for name in fields for text in found.get(name, [])]
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        decoded = body.decode("utf-8", "replace")
        if media_type == _FORM:
            form = urllib.parse.parse_qs(decoded)
            texts += [text for name in fields for text in form.get(name, [])]
        elif body:  # application/sparql-query, -update, or anything else Oxigraph may read
            texts.append(decoded)
        return texts

    def _answer(self, status: int, message: str) -> None:
        data = message.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # Oxigraph logs nothing per request either
