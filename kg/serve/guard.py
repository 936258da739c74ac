"""Decide, before anything runs, whether a SPARQL request may run on a shared read-only endpoint.

The store itself would obey an update, follow ``SERVICE`` to any HTTP address and accept a
dataset naming ``file:`` IRIs, so the endpoint refuses these up front with a message saying why
(``QueryRefused``, HTTP 403). The check reads the query's tokens, not its raw text: a keyword
inside a string, an IRI or a comment (``"how to LOAD a truck"``) is not a keyword.

It also tells the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), which the endpoint needs to
choose a result format before running the query. Syntax errors are left to the store's parser,
whose message is returned as a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from kg.errors import QueryRefused

__all__ = ["QueryForm", "Token", "check_dataset_iris", "check_query"]

# Keywords that only SPARQL Update uses; none can appear in a valid query outside a string.
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_PROLOGUE_KEYWORDS = frozenset({"PREFIX", "BASE"})

# One alternative per token kind, tried in this order; kinds not named below are skipped.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%\\]|%[0-9A-Fa-f]{2})*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)


class QueryForm(Enum):
    """The four SPARQL query forms; they decide which result formats apply."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        """True for forms whose answer is RDF triples rather than a results table."""
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


@dataclass(frozen=True)
class Token:
    """One lexical token of a query: its kind (a group name of ``_TOKEN``) and its text."""

    kind: str
    text: str


def _tokenize(text: str) -> Iterator[Token]:
    """The query's tokens, without comments and white space."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield Token(kind, match.group())


@lru_cache(maxsize=512)  # named queries and the pages' queries come back on every request
def check_query(text: str) -> QueryForm | None:
    """Refuse what a read-only endpoint must not run; return the query form when one is found.

    ``None`` means no form keyword was found: the text is not a query the parser will accept,
    and running it gives the parser's message.

    >>> check_query('PREFIX ex: <http://example.org/> SELECT * { ?s ex:load "LOAD" }')
    <QueryForm.SELECT: 'SELECT'>
    """
    tokens = list(_tokenize(text))
    words = [token.text.upper() for token in tokens if token.kind == "word"]
    update = next((word for word in words if word in _UPDATE_KEYWORDS), None)
    if update is not None:
        raise QueryRefused(f"SPARQL Update ({update}) is refused: this endpoint is read-only")
    if "SERVICE" in words:
        raise QueryRefused(
            "SERVICE is refused: this endpoint does not query other endpoints or addresses"
        )
    check_dataset_iris(_dataset_iris(tokens))
    first = next((word for word in words if word not in _PROLOGUE_KEYWORDS), None)
    return QueryForm(first) if first in QueryForm.__members__ else None


def _dataset_iris(tokens: list[Token]) -> Iterator[str]:
    """The IRIs a query names in ``FROM`` and ``FROM NAMED``, prefixed names expanded."""
    prefixes: dict[str, str] = {}
    for index, token in enumerate(tokens):
        if token.kind == "word" and token.text.upper() == "PREFIX" and index + 2 < len(tokens):
            name, iri = tokens[index + 1], tokens[index + 2]
            if name.kind == "pname" and iri.kind == "iri":
                prefixes[name.text.rstrip(":")] = iri.text[1:-1]
        if token.kind == "word" and token.text.upper() == "FROM":
            following = tokens[index + 1 : index + 3]
            if following and following[0].text.upper() == "NAMED":
                following = following[1:]
            if following and following[0].kind == "iri":
                yield following[0].text[1:-1]
            elif following and following[0].kind == "pname":
                prefix, _, local = following[0].text.partition(":")
                yield prefixes.get(prefix, "") + local


def check_dataset_iris(iris: Iterable[str]) -> None:
    """Refuse a dataset (``FROM`` or ``default-graph-uri``) that names a local file."""
    for iri in iris:
        if iri.strip().lower().startswith("file:"):
            raise QueryRefused(f"<{iri}> is refused: this endpoint never reads local files")
