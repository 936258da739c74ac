"""HTML pages of the endpoint for people: an entity and everything about it, a named query.

Pure rendering: the server runs the queries and passes their SPARQL JSON bindings here. Every
value from the graph is escaped; IRIs are shown by their label, or percent-decoded and
shortened with the usual prefixes, so Chinese names read as Chinese. Entity IRIs link to
``/entity?iri=…``. The page frame is ``kg/serve/web/page.html``; its stylesheet is served at
``/static/style.css`` (no asset comes from elsewhere).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from kg.query.named import NamedQuery

__all__ = [
    "EntityView",
    "Fact",
    "Labels",
    "NamedQueryView",
    "Row",
    "entity_page",
    "facts_from",
    "iris_in",
    "named_query_page",
    "query_index_page",
    "table_html",
    "web_asset",
]

_Binding = Mapping[str, Any]  # one term of SPARQL JSON results: {"type": …, "value": …}
Row = Mapping[str, _Binding]

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
    """Display names of IRIs: a Chinese preferred label when the graph has one."""

    names: dict[str, str] = field(default_factory=dict)

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
    return f'<span class="literal"{note}>{html.escape(value)}</span>'


def table_html(variables: Sequence[str], rows: Iterable[Row], labels: Labels) -> str:
    """A results table: one column per variable, one row per solution."""
    head = "".join(f"<th>{html.escape(name)}</th>" for name in variables)
    body = "".join(
        "<tr>" + "".join(f"<td>{_term_html(row.get(name), labels)}</td>" for name in variables)
        for row in rows
    )
    return f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def iris_in(rows: Iterable[Row]) -> set[str]:
    """Every IRI bound in some rows (to look their labels up)."""
    return {term["value"] for row in rows for term in row.values() if term["type"] == "uri"}


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


def _notes_html(notes: Iterable[tuple[_Binding, _Binding]], labels: Labels) -> str:
    """Property/value pairs as a definition list, sorted by property name."""
    items = "".join(
        f"<dt>{_term_html(note, labels)}</dt><dd>{_term_html(value, labels)}</dd>"
        for note, value in sorted(notes, key=lambda pair: labels.name(pair[0]["value"]))
    )
    return f"<dl>{items}</dl>"


def _fact_html(fact: Fact, labels: Labels) -> str:
    """One fact: its triple as a heading, its own notes, then one block per evidence node."""
    triple = " ".join(_term_html(t, labels) for t in (fact.subject, fact.predicate, fact.object))
    linked = set(fact.notes) - {fact.iri}
    own = [pair for pair in fact.notes.get(fact.iri, []) if pair[1]["value"] not in linked]
    evidence = "".join(
        f'<div class="evidence">{_notes_html(fact.notes[source], labels)}</div>'
        for source in sorted(linked)
    )
    return f'<section class="fact"><h3>{triple}</h3>{_notes_html(own, labels)}{evidence}</section>'


@dataclass(frozen=True)
class EntityView:
    """What the entity page shows: the statements about it, those pointing to it, its facts."""

    iri: str
    about: list[Row]
    referred_by: list[Row]
    facts: list[Fact]


def entity_page(view: EntityView, labels: Labels) -> bytes:
    """The page of one entity."""
    name = labels.name(view.iri)
    about = table_html(["property", "value"], view.about, labels)
    referred = table_html(["subject", "property"], view.referred_by, labels)
    facts = "".join(_fact_html(fact, labels) for fact in view.facts)
    body = (
        f"<h1>{html.escape(name)}</h1>"
        f'<p class="iri-full">{html.escape(unquote(view.iri))}</p>'
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
