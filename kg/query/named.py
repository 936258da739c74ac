"""Named SPARQL queries (``kg/query/*.rq``) and running any query on a build's store.

Each ``.rq`` file answers one question. Its leading comment lines say what: ``# title: …``,
``# description: …`` (indented ``#`` lines continue it), one ``# param: NAME — meaning`` per
placeholder and ``# sort: column -column …`` (the order of the rows, ``-`` for descending). A
placeholder is a SPARQL variable (``?name``) that ``run_query`` replaces by a plain string
literal before the query is parsed (in the projection as ``("…" AS ?name)``), so a file stays a
valid query on its own.

A parameter that names an entity is declared ``# entity: NAME ?variable``: the value (a name,
an alias or a node key such as ``UNION:常熟市总工会``) is resolved to one entity first, whose IRI
replaces ``?variable`` and whose canonical name becomes the parameter's value, so rows carry the
canonical name. A value that names no entity is refused with the nearest names, one that names
several with their node keys (``or-literal`` keeps a value that names no entity as a literal, for
an honour). A ``relation`` parameter takes a relation type in any case.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from importlib.resources import files
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph

from kg.errors import QueryError
from kg.graph.rdf import CONTEXT
from kg.graph.store import GRAPH_PREFIXES
from kg.model import RELATION_TYPES
from kg.query.explain import explain_syntax_error
from kg.query.syntax import read_query

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "QUERY_PREFIXES",
    "NamedQuery",
    "QueryResult",
    "ask",
    "format_result",
    "named_queries",
    "named_query",
    "opened_store",
    "page_query",
    "prepare_named",
    "python_value",
    "query_list",
    "run_named",
    "run_query",
    "sort_bindings",
    "sort_result",
    "sparql",
]

_Value = str | int | float | bool | None
_FORMATS = ("table", "csv", "json")
_NUMERIC_TYPES = {
    "http://www.w3.org/2001/XMLSchema#integer": int,
    "http://www.w3.org/2001/XMLSchema#decimal": float,
    "http://www.w3.org/2001/XMLSchema#double": float,
    "http://www.w3.org/2001/XMLSchema#float": float,
}
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_TRIPLE_TERM_RE = re.compile(r"^<<\(?\s*(.*?)\s*\)?>>$", re.DOTALL)
_PROJECTION_RE = re.compile(r"\bSELECT\b.*?(?=\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)
_HEADER_RE = re.compile(r"#\s*(title|description|param|sort|entity):\s*(.*)")
_ENTITY_RE = re.compile(r"(\w+)\s+\?(\w+)(\s+or-literal)?$")
_NOTHING = "urn:union-kg:no-entity"  # an IRI that names nothing: a literal value's branch
_ENTITIES_NAMED = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?entity ?key ?label WHERE {
  { ?entity rdfs:label GIVEN } UNION { ?entity dcterms:identifier GIVEN }
  ?entity dcterms:identifier ?key ; skos:prefLabel ?label .
}"""
_ALL_NAMES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?label WHERE { ?entity skos:prefLabel ?label }"""
# Declared for every query: the project's prefixes and those of the store's named graphs.
QUERY_PREFIXES = CONTEXT | GRAPH_PREFIXES


@dataclass(frozen=True)
class NamedQuery:
    """One shipped query: its kebab-case name, what it answers and its SPARQL text."""

    name: str
    title: str
    description: str
    text: str
    params: dict[str, str] = field(default_factory=dict)  # placeholder → meaning
    sort: tuple[str, ...] = ()  # columns to sort by, "-column" for descending
    entities: dict[str, tuple[str, bool]] = field(
        default_factory=dict
    )  # param → (variable, or-literal)


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: column names and rows of plain Python values."""

    columns: list[str]
    rows: list[tuple[_Value, ...]]

    def records(self) -> list[dict[str, _Value]]:
        """The rows as dicts keyed by column (the JSON form)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """The result as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


def _parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the title, description and parameters from the leading comment of a ``.rq`` file."""
    fields: dict[str, str] = {}
    params: dict[str, str] = {}
    entities: dict[str, tuple[str, bool]] = {}
    last = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header = _HEADER_RE.match(line)
        if header and header.group(1) == "param":
            param, _, meaning = header.group(2).partition("—")
            params[param.strip()] = meaning.strip()
            last = ""
        elif header and header.group(1) == "entity":
            declared = _ENTITY_RE.match(header.group(2).strip())
            if declared is None:
                raise QueryError(f"{name}.rq: '# entity:' takes a parameter and a ?variable")
            entities[declared.group(1)] = (declared.group(2), bool(declared.group(3)))
            last = ""
        elif header:
            last = header.group(1)
            fields[last] = header.group(2).strip()
        elif last:
            fields[last] += " " + line.lstrip("#").strip()
    if "title" not in fields or "description" not in fields:
        raise QueryError(f"{name}.rq: needs '# title:' and '# description:' comment lines")
    sort = tuple(fields.get("sort", "").split())
    return NamedQuery(name, fields["title"], fields["description"], text, params, sort, entities)


def page_query(name: str, iris: str) -> str:
    """The web page's query ``kg/query/page/NAME.rq`` about ``iris`` (IRIs written as ``<…>``)."""
    text = files("kg.query").joinpath("page", f"{name}.rq").read_text(encoding="utf-8")
    return text.replace("{iris}", iris)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every query shipped in ``kg/query/``, by name."""
    folder = files("kg.query")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name.removesuffix(".rq")
            found[name] = _parse_named_query(name, entry.read_text(encoding="utf-8"))
    return found


def named_query(name: str) -> NamedQuery:
    """The named query ``name``, or an error listing the known names."""
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; known: {', '.join(queries)}")
    return queries[name]


def _bindings_for(query: NamedQuery, params: Mapping[str, str]) -> dict[str, str]:
    """Check that ``params`` are exactly the query's placeholders."""
    unknown = set(params) - set(query.params)
    missing = set(query.params) - set(params)
    if unknown:
        known = ", ".join(query.params) or "none"
        raise QueryError(f"query {query.name} has no parameter {min(unknown)!r}; it takes: {known}")
    if missing:
        raise QueryError(
            f"query {query.name} needs --param {min(missing)}=… ({query.params[min(missing)]})"
        )
    return dict(params)


Lookup = Callable[[str], list[tuple[str, ...]]]


def prepare_named(
    query: NamedQuery, params: Mapping[str, str], lookup: Lookup
) -> tuple[str, dict[str, str]]:
    """The text and bindings to run a named query with: parameters checked, entities resolved.

    ``lookup(text)`` runs a SELECT on the store and gives its rows as strings (an IRI
    without its brackets); ``kg query`` and the endpoint each pass their own.
    """
    bindings = _bindings_for(query, params)
    if "relation" in bindings:
        bindings["relation"] = _relation_type(bindings["relation"])
    text = query.text
    for param, (variable, or_literal) in query.entities.items():
        given = bindings[param]
        literal = str(pyoxigraph.Literal(given))
        rows = lookup(_ENTITIES_NAMED.replace("GIVEN", literal))
        found = {key: (iri, label) for iri, key, label in rows}
        if len(found) > 1:
            keys = ", ".join(sorted(found))
            raise QueryError(
                f"{given!r} names {len(found)} entities: {keys}; give one as {param}=KEY"
            )
        if not found and not or_literal:
            names = [row[0] for row in lookup(_ALL_NAMES)]
            near = difflib.get_close_matches(given, names, n=5, cutoff=0.4)
            hint = f"; the nearest names: {', '.join(near)}" if near else ""
            raise QueryError(f"no entity is named {given!r}{hint}")
        iri, label = next(iter(found.values()), (_NOTHING, given))
        text = re.sub(rf"[?$]{variable}\b", f"<{iri}>".replace("\\", "\\\\"), text)
        bindings[param] = label
    return text, bindings


def _relation_type(given: str) -> str:
    """A relation type given in any case (``organizes``), or a refusal listing the types."""
    kind = given.strip().upper()
    if kind not in RELATION_TYPES:
        raise QueryError(f"no relation type {given!r}; the types: {', '.join(RELATION_TYPES)}")
    return kind


def python_value(term: Any) -> _Value:
    """An RDF term as a plain value: numbers and booleans as such, everything else as text."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.Literal):
        return _literal_value(term.value, term.datatype.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Triple):
        return str(term)
    return str(term.value)


def _literal_value(lexical: str, datatype: str) -> _Value:
    """A literal's value: a number or boolean by its datatype, else its text (bad numbers too)."""
    if datatype in _NUMERIC_TYPES:
        try:
            return _NUMERIC_TYPES[datatype](Decimal(lexical))  # type: ignore[no-any-return]
        except ArithmeticError:
            return lexical
    if datatype == _XSD_BOOLEAN:
        return lexical == "true"
    return lexical


def _tsv_value(text: str) -> _Value:
    """One value of a SPARQL TSV result (a term in Turtle syntax) as ``python_value`` gives it.

    >>> [tsv_value(t) for t in ['"吕国梁"', "42", "0.8", '"1"^^<http://x/t>', "<http://x/a>", ""]]
    ['吕国梁', 42, 0.8, '1', 'http://x/a', None]
    """
    if text[-1:] == '"' and "\\" not in text:
        return text[1:-1]  # a plain string, the commonest value
    if not text:
        return None  # unbound
    first = text[0]
    if first == '"':
        closing = text.rindex('"')  # a datatype IRI or language tag holds no quote
        lexical = text[1:closing]
        if "\\" in lexical:
            lexical = _ESCAPE_RE.sub(_unescape, lexical)
        suffix = text[closing + 1 :]
        return _literal_value(lexical, suffix[3:-1] if suffix.startswith("^^<") else "")
    if text.startswith("<<"):
        return _TRIPLE_TERM_RE.sub(r"\1", text)  # as str() of a pyoxigraph.Triple
    if first == "<":
        return text[1:-1]
    if first == "_":
        return text  # a blank node, _:id
    if text in ("true", "false"):
        return text == "true"
    # Turtle's short forms of xsd:integer, xsd:decimal and xsd:double
    return int(text) if _INTEGER_RE.fullmatch(text) else float(text)


def _unescape(escape: re.Match[str]) -> str:
    """The character a Turtle string escape (``\\t``, ``\\"``, ``\\u00e9`` …) stands for."""
    code = escape.group(1) or escape.group(2)
    return chr(int(code, 16)) if code else _ECHARS[escape.group(3)]


def _read_solutions(answer: pyoxigraph.QuerySolutions) -> QueryResult:
    """The rows of a SELECT answer, read from the TSV that Oxigraph writes in Rust.

    Building a Python term object for every value and converting it took more time than
    evaluating a listing query; reading the TSV costs one split and a dict lookup per value.
    """
    columns = [variable.value for variable in answer.variables]
    tsv = answer.serialize(format=pyoxigraph.QueryResultsFormat.TSV)
    assert tsv is not None  # bytes, as no output file is given
    text = tsv.decode("utf-8")
    # a header line, then one line per row, each ending with a newline (a row of unbound too)
    count = text.count("\n") - 1
    if not columns or not count:
        return QueryResult(columns, [()] * count)
    fields = text[text.index("\n") + 1 : -1].replace("\n", "\t").split("\t")
    # each distinct text parsed once (names repeat down a listing), plain strings inline
    parsed = {
        field: field[1:-1] if field[-1:] == '"' and "\\" not in field else _tsv_value(field)
        for field in set(fields)
    }
    values = map(parsed.__getitem__, fields)
    return QueryResult(columns, list(zip(*[values] * len(columns), strict=True)))


def _inline_bindings(text: str, bindings: Mapping[str, str]) -> str:
    """Write bound variables as literals: ``(lit AS ?v)`` in the projection, ``lit`` elsewhere.

    Constants in the text let the query optimiser start from them; Oxigraph's own substitution
    plans the query without the values and ran the ``evidence`` query a hundred times slower.

    >>> inline_bindings('SELECT ?name ?x WHERE { ?x skos:prefLabel ?name }', {"name": "吕国梁"})
    'SELECT ("吕国梁" AS ?name) ?x WHERE { ?x skos:prefLabel "吕国梁" }'
    """
    if not bindings:
        return text
    projection = _PROJECTION_RE.search(text)
    head, body = (text[: projection.end()], text[projection.end() :]) if projection else ("", text)
    for name, value in bindings.items():
        literal = str(pyoxigraph.Literal(value))
        variable = re.compile(rf"[?$]{re.escape(name)}\b")
        head = f"({literal} AS ?{name})".join(variable.split(head))
        body = literal.join(variable.split(body))
    return head + body


def run_query(
    store: pyoxigraph.Store, text: str, bindings: Mapping[str, str] | None = None
) -> QueryResult:
    """Run any SPARQL query; ``bindings`` give variables a string value beforehand.

    SELECT gives its variables as columns; ASK one column ``ask``; CONSTRUCT and DESCRIBE the
    columns ``subject``, ``predicate``, ``object``. The project's prefixes (``kg:``, ``skos:``,
    ``dcterms:`` …, and ``facts:``/``entities:`` for the store's graphs) are predeclared; the
    default graph is the union of the store's graphs unless the query names its dataset with
    ``FROM`` or ``FROM NAMED`` (which then hold, as SPARQL 1.1 §13.2 says).
    """
    inlined = _inline_bindings(text, bindings or {})
    try:
        answer = store.query(
            inlined,
            prefixes=QUERY_PREFIXES,
            use_default_graph_as_union=not read_query(text).has_dataset,
        )
    except SyntaxError as error:
        raise QueryError(explain_syntax_error(inlined, str(error), QUERY_PREFIXES)) from error
    except (RuntimeError, OSError) as error:
        raise QueryError(f"query failed: {error}") from error
    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult(["ask"], [(bool(answer),)])
    if isinstance(answer, pyoxigraph.QueryTriples):
        return QueryResult(
            ["subject", "predicate", "object"],
            [
                (python_value(t.subject), python_value(t.predicate), python_value(t.object))
                for t in answer
            ],
        )
    return _read_solutions(answer)


def run_named(
    store: pyoxigraph.Store, name: str, params: Mapping[str, str] | None = None
) -> QueryResult:
    """Run the named query ``name`` with its parameters."""
    query = named_query(name)

    def lookup(text: str) -> list[tuple[str, ...]]:
        return [tuple(map(str, row)) for row in run_query(store, text).rows]

    text, bindings = prepare_named(query, params or {}, lookup)
    return sort_result(run_query(store, text, bindings), query.sort)


def sort_result(result: QueryResult, keys: Sequence[str]) -> QueryResult:
    """The rows sorted by ``keys`` (column names, ``-name`` for descending); unbound sorts lowest.

    Named queries sort here rather than with ORDER BY: Oxigraph compares strings by reading
    them from disk at every comparison, which took a second to order 6,000 rows of names.
    """
    rows = result.rows
    for key in reversed(keys):
        column, descending = result.columns.index(key.lstrip("-")), key[0] == "-"
        try:  # the values themselves, when they compare: all text, or all numbers
            rows = sorted(rows, key=itemgetter(column), reverse=descending)
        except TypeError:  # text and numbers, or unbound values
            rows = sorted(rows, key=lambda row: _sort_key(row[column]), reverse=descending)
    return QueryResult(result.columns, rows)


def sort_bindings(
    variables: Sequence[str], bindings: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> list[Mapping[str, Any]]:
    """SPARQL JSON bindings in the order ``sort_result`` gives their values (``# sort:``).

    The endpoint sorts a named query's rows with this, so ``/queries/NAME`` and ``kg query
    --named NAME`` list them in the same order.
    """
    rows = [
        (*(_binding_value(binding.get(name)) for name in variables), index)
        for index, binding in enumerate(bindings)
    ]
    ordered = sort_result(QueryResult([*variables, "\0row"], rows), keys).rows
    return [bindings[int(str(row[-1]))] for row in ordered]


def _binding_value(term: Mapping[str, Any] | None) -> _Value:
    """One term of SPARQL JSON results as ``python_value`` gives it."""
    if term is None:
        return None
    if term["type"] == "literal":
        return _literal_value(term["value"], term.get("datatype", ""))
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    return str(term["value"])


def _sort_key(value: _Value) -> tuple[int, float, str]:
    """Order values of mixed kinds: unbound, then numbers (and booleans), then text."""
    if value is None:
        return 0, 0.0, ""
    if isinstance(value, str):
        return 2, 0.0, value
    return 1, float(value), ""


def ask(build_dir: str | Path, name: str, /, **params: str) -> pd.DataFrame:
    """Answer a named question about a build as a DataFrame (for notebooks).

    >>> ask("build", "partners-of", name="常熟市总工会")  # doctest: +SKIP
    """
    return run_named(_build_store(Path(build_dir)), name, params).to_frame()


def sparql(build_dir: str | Path, text: str) -> pd.DataFrame:
    """Answer any SPARQL query about a build as a DataFrame (the project's prefixes declared).

    >>> sparql("build", "SELECT ?u WHERE { ?u a kg:TradeUnion }")  # doctest: +SKIP
    """
    return run_query(_build_store(Path(build_dir)), text).to_frame()


def query_list() -> pd.DataFrame:
    """The named queries as a DataFrame: name, question, description and parameters."""
    import pandas as pd

    rows = [
        {
            "name": q.name,
            "question": q.title,
            "description": q.description,
            "parameters": ", ".join(q.params),
        }
        for q in named_queries().values()
    ]
    return pd.DataFrame(rows)


def _build_store(build_dir: Path) -> pyoxigraph.Store:
    """The store of a build, opened once per process and again when a new build replaced it.

    Opening takes 20-40 ms on a million triples, and a notebook asks one build many questions.
    """
    from kg.graph.store import STORE_DIR, open_store

    try:
        stamp = (build_dir / STORE_DIR).stat()
    except OSError:
        return open_store(build_dir)  # which says what is wrong with the directory
    return opened_store(build_dir.resolve(), stamp.st_ino, stamp.st_mtime_ns)


@lru_cache(maxsize=4)
def opened_store(build_dir: Path, inode: int, modified_ns: int) -> pyoxigraph.Store:
    """The store of ``build_dir`` as it was at (``inode``, ``modified_ns``): the cache key."""
    from kg.graph.store import open_store

    return open_store(build_dir)


def _display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value: _Value) -> str:
    """A value as table or CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _format_table(result: QueryResult) -> str:
    """The result as an aligned text table with a row count."""
    texts = [[_cell(v) for v in row] for row in result.rows]
    widths = [
        max([_display_width(c), *(_display_width(row[i]) for row in texts)])
        for i, c in enumerate(result.columns)
    ]

    def line(values: Sequence[str]) -> str:
        padded = (v + " " * (w - _display_width(v)) for v, w in zip(values, widths, strict=True))
        return "  ".join(padded).rstrip()

    lines = [line(result.columns), line(["-" * w for w in widths])]
    lines += [line(row) for row in texts]
    noun = "row" if len(texts) == 1 else "rows"
    return "\n".join([*lines, f"({len(texts)} {noun})"])


def _format_csv(result: QueryResult) -> str:
    """The result as CSV with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_cell(v) for v in row] for row in result.rows)
    return out.getvalue()


def _format_json(result: QueryResult) -> str:
    """The result as a JSON object: ``columns`` and ``rows`` (one object per row)."""
    return json.dumps(
        {"columns": result.columns, "rows": result.records()}, ensure_ascii=False, indent=2
    )


def format_result(result: QueryResult, output_format: str) -> str:
    """The result in one of ``_FORMATS``."""
    formatters = {"table": _format_table, "csv": _format_csv, "json": _format_json}
    if output_format not in formatters:
        raise QueryError(f"unknown format {output_format!r}; use one of: {', '.join(_FORMATS)}")
    return formatters[output_format](result)
