"""HTML pages of the endpoint for people: an entity and everything about it, a named query.

Pure rendering: the server runs the queries and passes their SPARQL JSON bindings here. Every
value from the graph is escaped; IRIs are shown by their label, or percent-decoded and
shortened with the usual prefixes, so Chinese names read as Chinese. Entity IRIs link to
``/entity?iri=…``. The page frame is ``kg/serve/web/page.html``; its stylesheet is served at
``/static/style.css`` (no asset comes from elsewhere).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from kg.query.named import NamedQuery
    from kg.serve.search import Hit

__all__ = [
    "EntityView",
    "Fact",
    "Labels",
    "NamedQueryView",
    "Row",
    "article_page",
    "entity_page",
    "facts_from",
    "iris_in",
    "named_query_page",
    "query_index_page",
    "search_page",
    "strings_in",
    "table_html",
    "web_asset",
]

_Binding = Mapping[str, Any]  # one term of SPARQL JSON results: {"type": …, "value": …}
Row = Mapping[str, _Binding]

_KG = "https://w3id.org/union-kg/ontology#"
# An evidence node's notes in reading order: the sentence, then its offsets, then the rest.
_EVIDENCE_ORDER = [f"{_KG}sentence", f"{_KG}start", f"{_KG}end"]
_QUOTED_FROM = "http://www.w3.org/ns/prov#wasQuotedFrom"
_PREFIXES = {
    "kg": "https://w3id.org/union-kg/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
}


def web_asset(name: str) -> bytes:
    """The bytes of a file of ``kg/serve/web`` (the package data of the web page)."""
    return resources.files("kg.serve").joinpath("web", name).read_bytes()


def _page(title: str, body: str) -> bytes:
    """A whole HTML page: ``body`` (already HTML) in the shared frame."""
    frame = Template(web_asset("page.html").decode())
    return frame.substitute(title=html.escape(title), body=body).encode()


def _compact(iri: str) -> str:
    """An IRI for reading: a known prefix shortened and percent-escapes decoded.

    >>> compact("https://w3id.org/union-kg/ontology#trained")
    'kg:trained'
    >>> compact("https://example.org/id/%E5%90%95%E5%9B%BD%E6%A2%81")
    'https://example.org/id/吕国梁'
    """
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{unquote(iri[len(namespace) :])}"
    return unquote(iri)


def _entity_link(iri: str) -> str:
    """The URL of the entity page of ``iri``."""
    return "/entity?iri=" + quote(iri, safe="")


@dataclass
class Labels:
    """Display names of IRIs: a Chinese preferred label when the graph has one, or for a fact
    or an evidence node its relation and ends ("合作 · 甲 ↔ 乙").

    ``entities`` maps names to the one entity they are the preferred label of, so a named
    query's result, which gives names, links them as it would link IRIs.
    """

    names: dict[str, str] = field(default_factory=dict)
    entities: dict[str, str] = field(default_factory=dict)
    symmetric: set[str] = field(default_factory=set)  # properties drawn without a direction

    def add_fact(self, row: Row) -> None:
        """Name a fact or evidence node from a row of ``page/facts.rq``."""
        relation = self.name(row["property"]["value"])
        if "relation" in row:
            relation = row["relation"]["value"]
        symmetric = row["symmetric"]["value"] == "true"
        if symmetric:
            self.symmetric.add(row["property"]["value"])
        ends = [
            row[name]["value"] if name in row else self.name(row[term]["value"])
            for name, term in (("subject", "s"), ("object", "o"))
        ]
        if row["o"]["type"] == "literal" and "object" not in row:
            ends[1] = row["o"]["value"]
        label = f"{relation} · {ends[0]} {'↔' if symmetric else '→'} {ends[1]}"
        evidence = row["evidence"]["value"] == "true"
        self.names[row["node"]["value"]] = f"证据 · {label}" if evidence else label

    def name(self, iri: str) -> str:
        """The label of ``iri``, or its compact form."""
        return self.names.get(iri) or _compact(iri)


def _term_html(term: _Binding | None, labels: Labels) -> str:
    """One term as HTML: IRIs as links to their entity page, literals as text."""
    if term is None:
        return ""
    kind, value = term["type"], str(term["value"])
    if kind == "uri":
        return (
            f'<a class="iri" href="{html.escape(_entity_link(value))}" '
            f'title="{html.escape(unquote(value))}">{html.escape(labels.name(value))}</a>'
        )
    if kind == "bnode":
        return f'<span class="bnode">_:{html.escape(value)}</span>'
    if kind == "triple":
        parts = (_term_html(value_part, labels) for value_part in term["value"].values())
        return "« " + " ".join(parts) + " »"
    language = term.get("xml:lang")
    note = f' lang="{html.escape(language)}"' if language else ""
    entity = labels.entities.get(value) if "datatype" not in term else None
    if entity is not None:
        return (
            f'<a class="iri named" href="{html.escape(_entity_link(entity))}"{note}>'
            f"{html.escape(value)}</a>"
        )
    return f'<span class="literal"{note}>{html.escape(value)}</span>'


def table_html(variables: Sequence[str], rows: Iterable[Row], labels: Labels) -> str:
    """A results table: one column per variable, one row per solution; "no rows" if none."""
    rows = list(rows)
    if not rows:
        return '<p class="empty">no rows · 无结果</p>'
    head = "".join(f"<th>{html.escape(name)}</th>" for name in variables)
    body = "".join(
        "<tr>" + "".join(f"<td>{_term_html(row.get(name), labels)}</td>" for name in variables)
        for row in rows
    )
    return f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def iris_in(rows: Iterable[Row]) -> set[str]:
    """Every IRI bound in some rows (to look their labels up)."""
    return {term["value"] for row in rows for term in row.values() if term["type"] == "uri"}


def strings_in(rows: Iterable[Row]) -> set[str]:
    """Every plain string bound in some rows (names, to link to the entities they name)."""
    return {
        str(term["value"])
        for row in rows
        for term in row.values()
        if term["type"] == "literal" and "datatype" not in term
    }


@dataclass
class Fact:
    """A statement about an entity and its notes: its own, and those of its evidence nodes.

    ``notes`` maps each source (the fact's IRI, or a node it links to such as a ``kg:Evidence``
    with the sentence, offsets and rule) to that node's (property, value) pairs.
    """

    iri: str
    subject: _Binding
    predicate: _Binding
    object: _Binding
    notes: dict[str, list[tuple[_Binding, _Binding]]] = field(default_factory=dict)


def facts_from(rows: Iterable[Row]) -> list[Fact]:
    """Group evidence rows (``fact subject property object source note value``) by fact."""
    facts: dict[str, Fact] = {}
    for row in rows:
        iri = row["fact"]["value"]
        fact = facts.setdefault(iri, Fact(iri, row["subject"], row["property"], row["object"]))
        fact.notes.setdefault(row["source"]["value"], []).append((row["note"], row["value"]))
    return list(facts.values())


def _note_order(labels: Labels) -> Callable[[tuple[_Binding, _Binding]], tuple[int, str]]:
    """The sort key of notes: sentence, start, end, then the others by property name."""

    def key(pair: tuple[_Binding, _Binding]) -> tuple[int, str]:
        iri = str(pair[0]["value"])
        first = _EVIDENCE_ORDER.index(iri) if iri in _EVIDENCE_ORDER else len(_EVIDENCE_ORDER)
        return first, labels.name(iri)

    return key


def _notes_html(notes: Iterable[tuple[_Binding, _Binding]], labels: Labels) -> str:
    """Property/value pairs as a definition list: sentence, offsets, then by property name."""
    items = "".join(
        f"<dt>{_term_html(note, labels)}</dt><dd>{_term_html(value, labels)}</dd>"
        for note, value in sorted(notes, key=_note_order(labels))
    )
    return f"<dl>{items}</dl>"


def _note_value(notes: Iterable[tuple[_Binding, _Binding]], iri: str) -> str | None:
    """The value of the note ``iri`` among ``notes``, or None."""
    return next((str(value["value"]) for note, value in notes if note["value"] == iri), None)


def _start_of(notes: Sequence[tuple[_Binding, _Binding]]) -> tuple[str, int]:
    """The sort key of an evidence node: its article, then its start offset."""
    start = _note_value(notes, f"{_KG}start") or "0"
    return _note_value(notes, _QUOTED_FROM) or "", int(start) if start.isdigit() else 0


def _evidence_html(notes: Sequence[tuple[_Binding, _Binding]], labels: Labels) -> str:
    """One evidence node: its notes and a link to the article with the sentence marked."""
    article, start = _note_value(notes, _QUOTED_FROM), _note_value(notes, f"{_KG}start")
    link = ""
    if article is not None:
        target = f"/article?iri={quote(article, safe='')}" + (f"#s{start}" if start else "")
        link = f'<p><a class="article-link" href="{html.escape(target)}">原文 · the article</a></p>'
    return f'<div class="evidence">{_notes_html(notes, labels)}{link}</div>'


def _fact_html(fact: Fact, labels: Labels) -> str:
    """One fact: its triple as a heading, its own notes, then one block per evidence node."""
    triple = " ".join(_term_html(t, labels) for t in (fact.subject, fact.predicate, fact.object))
    linked = set(fact.notes) - {fact.iri}
    own = [pair for pair in fact.notes.get(fact.iri, []) if pair[1]["value"] not in linked]
    evidence = "".join(
        _evidence_html(fact.notes[source], labels)
        for source in sorted(linked, key=lambda source: _start_of(fact.notes[source]))
    )
    return f'<section class="fact"><h3>{triple}</h3>{_notes_html(own, labels)}{evidence}</section>'


@dataclass(frozen=True)
class EntityView:
    """What the entity page shows: the statements about it, those pointing to it, its facts."""

    iri: str
    about: list[Row]
    referred_by: list[Row]
    facts: list[Fact]
    drawing: str = ""  # inline SVG of its neighbourhood (kg.serve.drawing)


def entity_page(view: EntityView, labels: Labels) -> bytes:
    """The page of one entity: its neighbourhood drawn, its statements and its evidence."""
    name = labels.name(view.iri)
    about = table_html(["property", "value"], view.about, labels)
    referred = table_html(["subject", "property"], view.referred_by, labels)
    facts = "".join(_fact_html(fact, labels) for fact in view.facts)
    body = (
        f"<h1>{html.escape(name)}</h1>"
        f'<p class="iri-full">{html.escape(unquote(view.iri))}</p>'
        f'<div id="neighbourhood">{view.drawing}</div>'
        f'<h2>About · 属性 ({len(view.about)})</h2><div id="about">{about}</div>'
        f"<h2>Referred to by · 被引用 ({len(view.referred_by)})</h2>"
        f'<div id="referred-by">{referred}</div>'
        f"<h2>Evidence · 证据 ({len(view.facts)})</h2>"
        f'<div id="evidence">{facts or "<p>No statement of a fact names this entity.</p>"}</div>'
    )
    return _page(name, body)


@dataclass(frozen=True)
class NamedQueryView:
    """A named query as its page shows it, with the parameter values given in the URL."""

    name: str
    title: str
    description: str
    text: str
    params: dict[str, str]
    values: dict[str, str]


def _params_form(view: NamedQueryView) -> str:
    """A GET form with one field per parameter of a named query (empty when it has none)."""
    if not view.params:
        return ""
    fields = "".join(
        f'<label>{html.escape(key)} <input name="{html.escape(key)}" '
        f'value="{html.escape(view.values.get(key, ""))}" placeholder="{html.escape(meaning)}">'
        "</label>"
        for key, meaning in view.params.items()
    )
    return f'<form method="get" class="params">{fields}<button type="submit">Run</button></form>'


def named_query_page(view: NamedQueryView, results: str, error: str | None) -> bytes:
    """The page of one named query: what it answers, its text, its parameters and results."""
    shown = f'<p class="error">{html.escape(error)}</p>' if error else results
    body = (
        f"<h1>{html.escape(view.title)}</h1>"
        f"<p>{html.escape(view.description)}</p>"
        f'<p><a href="/?named={quote(view.name)}">Open in the query page</a> · '
        f'<a href="/queries">all named queries</a></p>'
        f'<pre class="query">{html.escape(view.text)}</pre>'
        f"{_params_form(view)}"
        f'<h2>Results</h2><div id="results">{shown}</div>'
    )
    return _page(view.title, body)


def query_index_page(queries: Sequence[NamedQuery]) -> bytes:
    """The list of named queries, each linked to its page."""
    items = "".join(
        f'<li><a href="/queries/{quote(query.name)}">{html.escape(query.title)}</a> '
        f"<code>{html.escape(query.name)}</code><br>{html.escape(query.description)}</li>"
        for query in queries
    )
    return _page(
        "Named queries", f'<h1>Named queries · 命名查询</h1><ul class="queries">{items}</ul>'
    )


def search_page(text: str, hits: Sequence[Hit]) -> bytes:
    """The entities a search found, each linked to its page, with the name that matched."""
    items = "".join(
        f'<li><a href="{html.escape(_entity_link(hit.iri))}">{html.escape(hit.label)}</a> '
        f"<code>{html.escape(hit.key)}</code>"
        + (f" · {html.escape(hit.matched)}" if hit.matched != hit.label else "")
        + "</li>"
        for hit in hits
    )
    found = (
        f'<ul id="hits">{items}</ul>' if hits else '<p class="empty">no entity found · 未找到</p>'
    )
    body = (
        f"<h1>Search · 搜索: {html.escape(text)}</h1>"
        '<p class="hint">By any name or alias, part of one, or pinyin (changshu, csszgh).</p>'
        f"{found}"
    )
    return _page(f"Search {text}", body)


def article_page(iri: str, title: str, text_html: str) -> bytes:
    """The text of an article (already marked-up HTML) under its title."""
    body = (
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="iri-full">{html.escape(unquote(iri))}</p>'
        '<p class="hint"><mark class="evidence">evidence · 证据句</mark> '
        '<a class="mention">mention · 提及</a></p>'
        f"{text_html}"
    )
    return _page(title, body)
