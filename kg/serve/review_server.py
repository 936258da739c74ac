"""The local web server of ``kg review``: the review page, its data, and the corrections it posts.

It listens on 127.0.0.1 only and answers only requests addressed to it by that name or
``localhost`` (``check_host``: a page whose DNS name is rebound to this machine is refused).
A correction is accepted only as JSON posted from the page's own origin, so a page of another
site cannot write to the build (a cross-site form cannot send JSON without a preflight, which
this server never grants). Routes:

- ``GET /``, ``/review.js``, ``/review.css``: the page (``kg/serve/web/review.*``);
- ``GET /api/status``, ``/api/queue?start=0&limit=50``, ``/api/merges``: JSON;
- ``POST /api/corrections``: one correction without ``by``/``at`` (``ReviewSession.record``);
  201 with the new status, or 400 with ``{"error": "one line"}``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import EndpointError
from kg.serve.protocol import PAGE_POLICY, check_host
from kg.serve.review import ReviewSession

__all__ = ["HOST", "ReviewServer", "run_review"]

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MAX_BODY = 1 << 16  # bytes of a posted correction; more is refused with 413
IDLE_TIMEOUT = 30.0  # seconds an idle keep-alive connection holds its thread
_ASSETS = {
    "/": ("review.html", "text/html; charset=utf-8"),
    "/review.js": ("review.js", "text/javascript; charset=utf-8"),
    "/review.css": ("review.css", "text/css; charset=utf-8"),
}
_SAME_SITE = ("same-origin", "none")  # Sec-Fetch-Site values of the page itself or a typed URL


class ReviewServer(ThreadingHTTPServer):
    """The review page's server on ``127.0.0.1:port`` (0: a free port), over one session."""

    daemon_threads = True

    def __init__(self, session: ReviewSession, port: int = 0) -> None:
        super().__init__((HOST, port), _Handler)
        self.session = session

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{HOST}:{self.port}/"

    def origins(self) -> tuple[str, ...]:
        """The origins the page is loaded from."""
        return (f"http://{HOST}:{self.port}", f"http://localhost:{self.port}")


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"
    server_version = "union-kg-review"
    timeout = IDLE_TIMEOUT

    def do_GET(self) -> None:
        if self._refused_host():
            return
        url = urlsplit(self.path)
        session = self.server.session
        if url.path in _ASSETS:
            name, media_type = _ASSETS[url.path]
            asset = resources.files("kg.serve").joinpath("web", name).read_bytes()
            self._send(200, asset, media_type)
        elif url.path == "/api/status":
            self._json(200, session.status())
        elif url.path == "/api/merges":
            self._json(200, session.merges())
        elif url.path == "/api/queue":
            params = parse_qs(url.query)
            try:
                start, limit = (
                    int(params.get("start", ["0"])[0]),
                    int(params.get("limit", ["50"])[0]),
                )
            except ValueError:
                self._json(400, {"error": "start and limit are whole numbers"})
                return
            self._json(200, session.queue(max(start, 0), min(max(limit, 1), 500)))
        else:
            self._json(404, {"error": f"no such page: {url.path}"})

    def do_POST(self) -> None:
        if self._refused_host():
            return
        if urlsplit(self.path).path != "/api/corrections":
            self._json(404, {"error": "post corrections to /api/corrections"})
            return
        refusal = self._refusal()
        if refusal:
            self._json(refusal[0], {"error": refusal[1]})
            return
        try:
            line = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if not isinstance(line, dict):
                raise ValueError("a correction is a JSON object")
            self.server.session.record(line)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError among them
            self._json(400, {"error": str(error).splitlines()[0]})
            return
        except RecursionError:
            self._json(400, {"error": "the correction is nested too deeply to be one"})
            return
        self._json(201, self.server.session.status())

    def _refusal(self) -> tuple[int, str] | None:
        """Why a posted correction is refused (status and message), or None."""
        origin = self.headers.get("Origin")
        if origin is not None and origin not in self.server.origins():
            return 403, f"corrections are accepted from the review page only, not from {origin}"
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in _SAME_SITE:
            return 403, "corrections are accepted from the review page only"
        if self.headers.get_content_type() != "application/json":
            return 415, "post a correction as application/json"
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return 411, "send the correction with a Content-Length"
        if int(length) > MAX_BODY:
            return 413, f"a correction is at most {MAX_BODY} bytes"
        return None

    def _refused_host(self) -> bool:
        """Answer 421 to a request addressed to another name than this server's."""
        try:
            check_host(self.headers.get("Host"), HOST, self.server.port)
        except EndpointError as error:
            self.close_connection = True
            self._json(421, {"error": str(error)})
            return True
        return False

    def _json(self, status: int, value: Any) -> None:
        """Send ``value`` as JSON."""
        body = json.dumps(value, ensure_ascii=False).encode()
        self._send(status, body, "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, media_type: str) -> None:
        """Send a response that only this server's assets may accompany, never to be cached."""
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", PAGE_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s " + format, self.address_string(), *args)


def run_review(build_dir: Path, port: int, by: str | None, announce: Callable[[str], None]) -> None:
    """Serve the review page of ``build_dir`` until interrupted, telling ``announce`` where."""
    with ReviewServer(ReviewSession(build_dir, by), port) as server:
        announce(server.url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            return
