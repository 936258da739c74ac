"""Decide, before anything runs, whether a SPARQL request may run on a shared read-only endpoint.

The store would obey an update, follow ``SERVICE`` to any HTTP address (pyoxigraph 0.5 has no
option to turn its service handler off: ``Store.query`` takes no such argument, and its
``SparqlEvaluator`` is built with the default handler) and accept a dataset naming ``file:``
IRIs, so the endpoint refuses these up front with a message saying why (``QueryRefused``, HTTP
403). It also refuses, with 400, queries nested deeper than the query workers' stack allows.

``SERVICE`` is decided on the parsed query: any query whose text holds the letters "service"
(case aside) is parsed with rdflib's SPARQL parser and refused if the parse holds a
``ServiceGraphPattern``. A query without those letters cannot hold the keyword, so it is not
parsed (rdflib takes 5-80 ms per query; evaluating one takes 1-7 ms). For both parsers to read
the same text, the endpoint decodes ``\\uXXXX`` escapes before parsing, as SPARQL 1.1 (§19.2)
says and rdflib does (Oxigraph decodes them only inside strings and IRIs), and the decoded text
is what runs.

The rest (update keywords, ``FROM``, the query form, nesting) is read from the query's tokens
(``kg.query.syntax``). Syntax errors are left to the store's parser, whose message is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import EndpointError, QueryRefused
from kg.query.syntax import QueryForm, read_query

__all__ = [
    "MAX_BRACKETS",
    "MAX_DEPTH",
    "MAX_OPERATORS",
    "CheckedQuery",
    "QueryForm",
    "check_dataset_iris",
    "check_query",
    "decode_escapes",
]

# Brackets nested deeper than this are refused. Oxigraph's parser overflowed an 8 MiB stack at
# 900 nested function calls, 2,100 nested groups; rdflib's at 17 nested calls, which it reports
# as an error (refused, for a query that mentions SERVICE). Hand-written queries nest under 15.
MAX_DEPTH = 64
# Bounds on what a crafted text could hide from any lexer, counted on the raw characters: with
# the workers' 256 MiB stack (kg.serve.pool), 10,000 brackets and 30,000 operator signs need at
# most 130 MiB at the costs measured on Oxigraph 0.5 (9.3 KiB a nested function call, the
# dearest bracket; 1.2 KiB an addition).
MAX_BRACKETS = 10_000
MAX_OPERATORS = 30_000
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# rdflib expands \u and \U followed by 4 or 8 digits, either case: none may be left for it
_LEFT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_CACHED_LENGTH = 20_000  # characters: longer texts are checked each time, not kept


@dataclass(frozen=True)
class CheckedQuery:
    """A query the endpoint may run: the text to run (escapes decoded), its form, and whether it
    names its own dataset (``FROM``, ``FROM NAMED``)."""

    text: str
    form: QueryForm | None
    has_dataset: bool


def check_query(text: str) -> CheckedQuery:
    """Refuse what a read-only endpoint must not run; return the text to run and its form.

    A form of ``None`` means no form keyword was found: the text is not a query the parser
    will accept, and running it gives the parser's message.

    >>> check_query('PREFIX ex: <http://example.org/> SELECT * { ?s ex:load "LOAD" }').form
    <QueryForm.SELECT: 'SELECT'>
    """
    if len(text) > _CACHED_LENGTH:
        return _check(text)
    return _check_cached(text)


@lru_cache(maxsize=512)  # named queries come back on every request
def _check_cached(text: str) -> CheckedQuery:
    return _check(text)


def _check(text: str) -> CheckedQuery:
    text = decode_escapes(text)
    syntax = read_query(text)
    if syntax.depth > MAX_DEPTH:
        raise EndpointError(
            f"the query nests brackets {syntax.depth} deep; this endpoint runs queries nested "
            f"at most {MAX_DEPTH} deep"
        )
    if syntax.brackets > MAX_BRACKETS or syntax.operators > MAX_OPERATORS:
        raise EndpointError(
            f"the query is too large to run safely: {syntax.brackets} brackets and "
            f"{syntax.operators} operators, where this endpoint takes at most {MAX_BRACKETS} "
            f"and {MAX_OPERATORS}; split it into several queries"
        )
    if syntax.update is not None:
        raise QueryRefused(
            f"SPARQL Update ({syntax.update}) is refused: this endpoint is read-only"
        )
    check_dataset_iris(syntax.from_graphs + syntax.from_named_graphs)
    if "service" in text.casefold():
        _check_service(text)
    return CheckedQuery(text, syntax.form, syntax.has_dataset)


def decode_escapes(text: str) -> str:
    """The text with its ``\\u`` and ``\\U`` escapes decoded, once, before any parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def character(escape: re.Match[str]) -> str:
        code = int(escape.group(1) or escape.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EndpointError(f"{escape.group()} in the query is not a character")
        return chr(code)

    decoded = _ESCAPE.sub(character, text)
    left = _LEFT_ESCAPE.search(decoded)
    if left is not None:
        raise EndpointError(
            f"the query's escapes write another escape ({left.group()}); write the character itself"
        )
    return decoded


def _check_service(text: str) -> None:
    """Refuse a query whose parse holds ``SERVICE``, as rdflib's SPARQL parser reads it.

    A query rdflib cannot parse is refused too: what it holds cannot be told. That includes a
    valid ``SERVICE`` after a ``#`` inside an IRI or string on the same line, which rdflib 7
    fails on (its ``ServiceGraphPattern`` searches the whole text again for its own source and
    takes that ``#`` for a comment). Oxigraph ends a comment at a carriage return as at a line
    feed, rdflib at a line feed only, so rdflib reads the text with line feeds (which changes
    nothing else a parser sees).
    """
    try:
        tree = parseQuery(text.replace("\r", "\n"))
    except ParseBaseException as error:
        problem = " ".join(str(error).split())
        raise EndpointError(
            f"malformed query, or one this endpoint cannot check for SERVICE: {problem}"
        ) from error
    except RecursionError as error:
        raise EndpointError(
            "the query nests too deeply to be checked for SERVICE; nest it less"
        ) from error
    if _holds_service(tree):
        raise QueryRefused(
            "SERVICE is refused: this endpoint does not query other endpoints or addresses"
        )


def _holds_service(node: Any) -> bool:
    """True when a parse tree of rdflib's holds a ``ServiceGraphPattern``."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return False


def check_dataset_iris(iris: Iterable[str]) -> None:
    """Refuse a dataset (``FROM`` or ``default-graph-uri``) that names a local file."""
    for iri in iris:
        if iri.strip().lower().startswith("file:"):
            raise QueryRefused(f"<{iri}> is refused: this endpoint never reads local files")
