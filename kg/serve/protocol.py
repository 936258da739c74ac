"""The HTTP side of the SPARQL 1.1 Protocol as the routes see it: requests, responses, the
query parameters of GET and POST, and the one-line refusals."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import EndpointError, QueryRefused
from kg.serve.guard import QueryForm
from kg.serve.pool import GRAPH_FORMATS, TABLE_FORMATS

__all__ = [
    "Request",
    "Response",
    "check_host",
    "content_type",
    "html_response",
    "message",
    "not_acceptable",
    "protocol_params",
    "valid_iri",
]

PAGE_POLICY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class Request:
    """An HTTP request as the routes see it: parameters from the URL and, for forms, the body."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes = b""
    host: str = "127.0.0.1"

    def accept(self) -> str | None:
        """The ``Accept`` header, if any."""
        return self.headers.get("accept")


@dataclass
class Response:
    """An HTTP response to send."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def message(status: int, text: str) -> Response:
    """A plain-text response of one line: errors and refusals."""
    return Response(status, (text + "\n").encode())


def html_response(body: bytes, status: int = 200) -> Response:
    """An HTML page, allowed to load assets from this server only."""
    return Response(
        status, body, "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_POLICY}
    )


def content_type(media_type: str) -> str:
    """The ``Content-Type`` header for a media type: text types say they are UTF-8."""
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def valid_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI, else a 400 saying why."""
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise EndpointError(f"<{iri}> is not a valid IRI: {error}") from error
    return iri


def check_host(host: str | None, bound_host: str, port: int) -> None:
    """Refuse (421) a request whose ``Host`` names another server than this one.

    A web page whose DNS name is made to point at this machine (DNS rebinding) reaches the
    endpoint under that name; refusing names the endpoint was not started with keeps such a
    page from reading it. Accepted: the bound host, its loopback forms (127.0.0.1, localhost,
    [::1]) and, bound to every address (``--host 0.0.0.0``), any IP address; always with the
    bound port. A request without ``Host`` (HTTP/1.0, no browser) is accepted.
    """
    if host is None:
        return
    try:
        url = urlsplit(f"//{host}")
        name, named_port = (url.hostname or ""), (url.port or 80)
    except ValueError:
        name, named_port = "", 0
    bound = bound_host.lower().strip("[]")
    known = name in (bound, *_LOOPBACK_NAMES)
    if not known and bound in _ANY_ADDRESS:
        try:
            ipaddress.ip_address(name)
            known = True
        except ValueError:
            pass
    if not (known and named_port == port):
        shown = f"[{bound}]" if ":" in bound else bound
        raise EndpointError(
            f"this endpoint answers requests for {shown or 'localhost'}:{port} or "
            f"localhost:{port}, not {host}: another name for this address is refused "
            "(DNS rebinding)",
            status=421,
        )


def protocol_params(request: Request) -> dict[str, list[str]]:
    """The protocol parameters: the URL's, plus a form body's or a direct query body."""
    params = {key: list(values) for key, values in request.params.items()}
    if request.method != "POST":
        return params
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        body = request.body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EndpointError(f"the request body is not UTF-8 ({error.reason})") from error
    if media_type == "application/x-www-form-urlencoded":
        for key, values in parse_qs(body, keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif media_type == "application/sparql-query":
        params["query"] = [body]
    elif media_type == "application/sparql-update":
        raise QueryRefused("SPARQL Update is refused: this endpoint is read-only")
    else:
        raise EndpointError(
            f"cannot read a {media_type or 'typeless'} body: POST a query as "
            "application/x-www-form-urlencoded (query=…) or application/sparql-query",
            status=415,
        )
    return params


def not_acceptable(accept: str | None, form: QueryForm | None) -> Response:
    """406, listing the media types this query's form can be answered in."""
    returns_graph = form is not None and form.returns_graph
    kinds = "CONSTRUCT and DESCRIBE" if returns_graph else "SELECT and ASK"
    formats = ", ".join(GRAPH_FORMATS if returns_graph else TABLE_FORMATS)
    return message(406, f"cannot answer in {accept}; {kinds} answers come as: {formats}")
