"""The HTTP/1.1 server of ``kg serve``: the standard library's ``ThreadingHTTPServer``, one
thread per connection, handing each request to ``Endpoint.respond``.

Why not a maintained server? Issue 20 weighed moving this layer onto uvicorn with h11 (a thin
ASGI app handing each request to ``Endpoint.respond`` on a thread, the worker pool unchanged).
The protocol faults it found are a few lines each here, and ``benchmarks/serve_load.py`` run
on both in the same minutes (``benchmarks/RESULTS.md``, "Issue 20") showed uvicorn answering
fewer requests a second with a higher p99 at 20 and at 50 clients: every request still waits on
a query worker, and the event loop adds a hop to a thread and a pure-Python HTTP parser. It
would also add three dependencies. So the standard library stays.

Its rules, beyond what ``BaseHTTPRequestHandler`` does:

- a request with more than one ``Content-Length`` (or a negative one) or ``Host`` is refused
  with 400, a ``Transfer-Encoding`` with 411, as request-smuggling defences do; a ``Host`` that
  is not this server's gets 421 (``kg.serve.protocol.check_host``);
- ``HEAD`` is answered as ``GET`` without the body;
- a client that hangs up (broken pipe, connection reset) ends its connection with one debug log
  line, not a traceback.
"""

from __future__ import annotations

import logging
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kg.serve.protocol import Request, Response, message

if TYPE_CHECKING:
    from email.message import Message

    from kg.serve.endpoint import Endpoint

__all__ = ["EndpointServer", "handler_for"]

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes of a POSTed query; more is refused with 413
IDLE_TIMEOUT = 30.0  # seconds an idle keep-alive connection holds its thread


def _body_length(headers: Message, version: str) -> tuple[Response | None, int]:
    """The body length the headers give, or the response refusing them (or their ``Host``)."""
    lengths = headers.get_all("Content-Length") or []
    hosts = headers.get_all("Host") or []
    if len(hosts) > 1 or (not hosts and version == "HTTP/1.1"):
        return message(400, "an HTTP/1.1 request needs exactly one Host header"), 0
    if "Transfer-Encoding" in headers:
        return message(411, "send the request body with a Content-Length"), 0
    if len(lengths) > 1:
        return message(400, "more than one Content-Length header; send one"), 0
    header = lengths[0] if lengths else "0"
    if not header.strip().isdigit():
        return message(400, f"Content-Length {header!r} is not a number of bytes"), 0
    length = int(header)
    if length > MAX_BODY:
        return message(413, f"the request body is over {MAX_BODY} bytes"), 0
    return None, length


class EndpointServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a listen backlog for many clients connecting at once, and
    quiet about clients that hang up."""

    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a client that hung up in one line; anything else with its traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):  # broken pipe, reset or aborted connection
            log.debug("%s hung up: %s", client_address[0], error)
            return
        super().handle_error(request, client_address)


def handler_for(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    """An HTTP/1.1 request handler class that hands every request to ``endpoint``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "union-kg"
        timeout = IDLE_TIMEOUT
        # Headers and body go out in two writes; without TCP_NODELAY the second waits for the
        # client's delayed ACK (40 ms on Linux) on every kept-alive request.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self.handle_one()

        do_HEAD = do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = do_GET

        def handle_one(self) -> None:
            """Read the request, answer it, write the response."""
            url = urlsplit(self.path)
            refusal, length = _body_length(self.headers, self.request_version)
            if refusal is not None:
                self.close_connection = True
                self.send(refusal)
                return
            request = Request(
                "GET" if self.command == "HEAD" else self.command,
                url.path,
                parse_qs(url.query, keep_blank_values=True),
                {key.lower(): value for key, value in self.headers.items()},
                self.rfile.read(length) if length > 0 else b"",
                self.headers.get("Host") or f"{endpoint.settings.host}:{endpoint.settings.port}",
            )
            self.send(endpoint.respond(request))

        def send(self, response: Response) -> None:
            """Write a response with its length, so the connection can be kept alive; the
            answer to HEAD is the headers alone."""
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s " + format, self.address_string(), *args)

    return Handler
