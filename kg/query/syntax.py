"""Read what a SPARQL query's text says about itself before it runs: its tokens, form, dataset
(``FROM`` and ``FROM NAMED``) and how deeply it nests.

The tokens follow Oxigraph's lexer: ``\\uXXXX`` escapes are read inside strings and IRIs (where
Oxigraph decodes them) and an IRI may hold them, so ``<http://x/\\u0041#>`` is one IRI and its
``#`` does not start a comment; a prefixed name may hold ``\\#`` (``ex:a\\#b``); a comment ends
at a line feed or a carriage return. Strings, IRIs and comments are single tokens, so a keyword
inside them (``"how to LOAD a truck"``) is not a keyword.

A lexer cannot always tell an IRI from a less-than sign without the grammar (``?a<?b>?c``), so
the counts that must hold whatever the text hides (``brackets``, ``operators``) are taken from
the raw characters, not from the tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urljoin

__all__ = ["QueryForm", "QuerySyntax", "Token", "placed_tokens", "read_query", "tokenize"]

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_UCHAR_RE = re.compile(_UCHAR)
# One alternative per token kind, tried in this order.
_TOKEN = re.compile(
    rf"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
    | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)
_OPENING = frozenset("{([")
_CLOSING = frozenset("})]")
# Signs that each add a node to the query's algebra: a chain of them is a tree as deep as the
# chain is long (on an 8 MiB stack Oxigraph overflowed at 6,800 additions, 8,700 negations).
# Comparisons do not chain, so < > = are not counted; every keyword that chains (OPTIONAL,
# UNION, MINUS, FILTER, BIND …) opens a bracket, which is counted.
_OPERATOR_CHARACTERS = re.compile(r"[!&|+*/^-]")
# Keywords that only SPARQL Update uses; none can appear in a valid query outside a string.
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_PROLOGUE_KEYWORDS = frozenset({"PREFIX", "BASE"})


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


class Token(NamedTuple):
    """One lexical token of a query: its kind (a group name of ``_TOKEN``) and its text."""

    kind: str
    text: str


@dataclass(frozen=True)
class QuerySyntax:
    """What a query's text says before any parser reads it.

    ``form`` is ``None`` when no form keyword was found (the parser will say what is wrong);
    ``update`` the first SPARQL Update keyword outside strings, IRIs and comments; ``depth`` how
    deeply its brackets nest outside strings and comments; ``brackets`` and ``operators``
    count opening brackets and operator signs anywhere in the text, an upper bound on how deep
    its algebra can be whatever a crafted text hides from the lexer.
    """

    form: QueryForm | None
    update: str | None
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]
    depth: int
    brackets: int
    operators: int

    @property
    def has_dataset(self) -> bool:
        """True when the query names its own dataset with ``FROM`` or ``FROM NAMED``."""
        return bool(self.from_graphs or self.from_named_graphs)


def tokenize(text: str) -> Iterator[Token]:
    """The query's tokens, without comments and white space."""
    for token, _ in placed_tokens(text):
        yield token


def placed_tokens(text: str) -> Iterator[tuple[Token, int]]:
    """The query's tokens with the offset each starts at, without comments and white space."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield Token(kind, match.group()), match.start()


@lru_cache(maxsize=512)  # the named queries come back on every request
def read_query(text: str) -> QuerySyntax:
    """Read a query's form, update keywords, dataset and nesting from its tokens, in one pass.

    Brackets inside an IRI token count towards the depth too, as a less-than sign followed by an
    expression may look like an IRI to a lexer (``?a<(?b)>?c``); a real IRI's are few and
    balanced.

    >>> read_query('SELECT * FROM <http://x/g> { ?s ?p "LOAD" }').from_graphs
    ('http://x/g',)
    """
    form: QueryForm | None = None
    update: str | None = None
    in_prologue = True
    level = depth = 0
    terms: list[Token] = []  # words, IRIs and prefixed names: what FROM and PREFIX need
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "other" or kind == "iri":
            for character in match.group():
                if character in _OPENING:
                    level += 1
                    depth = max(depth, level)
                elif character in _CLOSING:
                    level = max(level - 1, 0)
        if kind == "word":
            word = match.group().upper()
            if word in _UPDATE_KEYWORDS and update is None:
                update = word
            if in_prologue and word not in _PROLOGUE_KEYWORDS:
                in_prologue = False
                form = QueryForm(word) if word in QueryForm.__members__ else None
            terms.append(Token("word", word))
        elif kind == "iri" or kind == "pname":
            terms.append(Token(kind, match.group()))
    from_graphs, from_named = _dataset(terms) if Token("word", "FROM") in terms else ((), ())
    return QuerySyntax(
        form,
        update,
        from_graphs,
        from_named,
        depth,
        sum(text.count(bracket) for bracket in _OPENING),
        len(_OPERATOR_CHARACTERS.findall(text)),
    )


def _dataset(tokens: list[Token]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of ``FROM`` and of ``FROM NAMED``: prefixed names expanded, relative IRIs
    resolved against ``BASE``, ``\\u`` escapes decoded. ``tokens`` are the words (upper
    case), IRIs and prefixed names."""
    prefixes: dict[str, str] = {}
    base = ""
    graphs: dict[bool, list[str]] = {False: [], True: []}
    for index, token in enumerate(tokens):
        if token.kind != "word":
            continue
        keyword = token.text
        following = tokens[index + 1 : index + 3]
        if keyword == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, _iri_value(following[0].text))
        elif keyword == "PREFIX" and [token.kind for token in following] == ["pname", "iri"]:
            name, iri = following
            prefixes[name.text.rstrip(":")] = urljoin(base, _iri_value(iri.text))
        elif keyword == "FROM" and following:
            named = following[0].text == "NAMED"
            graph = tokens[index + 2] if named and index + 2 < len(tokens) else following[0]
            if graph.kind == "iri":
                graphs[named].append(urljoin(base, _iri_value(graph.text)))
            elif graph.kind == "pname":
                prefix, _, local = graph.text.partition(":")
                graphs[named].append(prefixes.get(prefix, "") + local)
    return tuple(graphs[False]), tuple(graphs[True])


def _iri_value(token: str) -> str:
    """The IRI an IRI token writes, its ``\\u`` escapes decoded as Oxigraph decodes them."""
    return _UCHAR_RE.sub(lambda escape: chr(int(escape.group()[2:], 16)), token[1:-1])
