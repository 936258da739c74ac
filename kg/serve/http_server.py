"""The HTTP/1.1 server of ``kg serve``: the standard library's ``ThreadingHTTPServer``, one
thread per connection, handing each request to ``Endpoint.respond``."""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kg.serve.protocol import Request, Response, message

if TYPE_CHECKING:
    from kg.serve.endpoint import Endpoint

__all__ = ["EndpointServer", "handler_for"]

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes of a POSTed query; more is refused with 413
IDLE_TIMEOUT = 30.0  # seconds an idle keep-alive connection holds its thread


def _body_length(header: str | None) -> tuple[Response | None, int]:
    """The body length a ``Content-Length`` header gives, or the response refusing it."""
    try:
        length = int(header or 0)
    except ValueError:
        return message(400, f"Content-Length {header!r} is not a number"), 0
    if length > MAX_BODY:
        return message(413, f"the request body is over {MAX_BODY} bytes"), 0
    return None, max(length, 0)


class EndpointServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a listen backlog for many clients connecting at once."""

    request_queue_size = 128


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

        do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = do_GET

        def handle_one(self) -> None:
            """Read the request, answer it, write the response."""
            url = urlsplit(self.path)
            refusal, length = _body_length(self.headers.get("Content-Length"))
            if "Transfer-Encoding" in self.headers:
                refusal = message(411, "send the request body with a Content-Length")
            if refusal is not None:
                self.close_connection = True
                self.send(refusal)
                return
            request = Request(
                self.command,
                url.path,
                parse_qs(url.query, keep_blank_values=True),
                {key.lower(): value for key, value in self.headers.items()},
                self.rfile.read(length) if length > 0 else b"",
                self.headers.get("Host") or f"{endpoint.settings.host}:{endpoint.settings.port}",
            )
            self.send(endpoint.respond(request))

        def send(self, response: Response) -> None:
            """Write a response with its length, so the connection can be kept alive."""
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s " + format, self.address_string(), *args)

    return Handler
