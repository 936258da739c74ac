"""The endpoint over a real build of examples/corpus: named queries' order and the pages."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from serving import get

from kg.errors import EndpointError
from kg.graph.store import open_store
from kg.query.named import named_queries, run_named
from kg.serve.endpoint import Endpoint

SORTED = [name for name, query in named_queries().items() if query.sort and not query.params]


def csv_cells(value: object) -> str:
    """A value as SPARQL CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("name", SORTED)
def test_named_query_rows_come_in_kg_query_order(
    corpus_endpoint: Endpoint, corpus_build: Path, name: str
) -> None:
    reply = get(corpus_endpoint.url, f"/queries/{name}", accept="text/csv")
    assert reply.status == 200, reply.text
    served = list(csv.reader(io.StringIO(reply.text)))[1:]
    expected = run_named(open_store(corpus_build), name)
    assert served == [[csv_cells(value) for value in row] for row in expected.rows]


def test_named_query_with_a_parameter_comes_in_kg_query_order(
    corpus_endpoint: Endpoint, corpus_build: Path
) -> None:
    params = {"name": "佛山市顺德区总工会"}
    reply = get(corpus_endpoint.url, "/queries/partners-of", params, accept="application/json")
    assert reply.status == 200, reply.text
    rows = reply.json()["results"]["bindings"]
    served = [[row[key]["value"] for key in ("partner", "articles")] for row in rows]
    expected = run_named(open_store(corpus_build), "partners-of", params)
    assert len(served) > 1
    assert served == [[row[1], str(row[2])] for row in expected.rows]


def entity_url(iri: str) -> str:
    """The path of an entity's page."""
    return "/entity?iri=" + quote(iri, safe="")


SHUNDE = "https://w3id.org/union-kg/id/union/佛山市顺德区总工会"


# fmt: off
SEARCHES = [
    ("佛山市顺德区总工会", SHUNDE),   # the whole name
    ("顺德区总工会", SHUNDE),         # an alias
    ("foshanshishundequzonggonghui", SHUNDE),  # pinyin
    ("fsssdqzgh", SHUNDE),          # pinyin initials
]
# fmt: on


@pytest.mark.parametrize("text,iri", SEARCHES)
def test_search_finds_an_entity_by_name_alias_or_pinyin(
    corpus_endpoint: Endpoint, text: str, iri: str
) -> None:
    reply = get(corpus_endpoint.url, "/search", {"q": text}, accept="application/json")
    assert reply.status == 200, reply.text
    assert reply.json()[0]["iri"] == iri


def test_search_page_links_hits_and_says_when_none(corpus_endpoint: Endpoint) -> None:
    page = get(corpus_endpoint.url, "/search", {"q": "shunde"}, accept="text/html").text
    assert f'href="{html.escape(entity_url(SHUNDE))}"' in page
    nothing = get(corpus_endpoint.url, "/search", {"q": "<b>无此名</b>"}, accept="text/html").text
    assert "no entity found" in nothing and "&lt;b&gt;无此名&lt;/b&gt;" in nothing


def test_entity_page_draws_neighbours_and_orders_evidence(corpus_endpoint: Endpoint) -> None:
    page = get(corpus_endpoint.url, entity_url(SHUNDE)).text
    drawing = re.search(r'<div id="neighbourhood">(<svg.*?</svg>)</div>', page, re.DOTALL)
    assert drawing is not None
    svg = ET.fromstring(drawing.group(1))  # well-formed inline SVG
    texts = {"".join(node.itertext()) for node in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"顺德区人社局", "合作"} <= texts
    evidence = page[page.index('<div class="evidence">') :]
    positions = [evidence.index(f"ontology#{note}") for note in ("sentence", "start", "end")]
    assert positions == sorted(positions)


def test_article_link_shows_the_text_with_mentions_and_evidence_marked(
    corpus_endpoint: Endpoint,
) -> None:
    page = get(corpus_endpoint.url, entity_url(SHUNDE)).text
    link = re.search(r'class="article-link" href="([^"]+)"', page)
    assert link is not None
    target = html.unescape(link.group(1))
    path, _, anchor = target.partition("#")
    article = get(corpus_endpoint.url, path).text
    assert f'<mark class="evidence" id="{anchor}">' in article
    mention = f'<a class="mention" href="{html.escape(entity_url(SHUNDE))}">佛山市顺德区总工会</a>'
    assert mention in article
    assert "德胜农商行</a>" in article  # an alias is a mention too


def test_article_of_a_changed_file_is_refused(corpus_build: Path, tmp_path: Path) -> None:
    from kg.serve.article import DocumentFiles

    copy = tmp_path / "page.txt"
    copy.write_text("白鹭镇总工会举办培训班。\n", encoding="utf-8")
    listing = tmp_path / "documents.jsonl"
    entry = {"document": "page.txt", "id": None, "path": str(copy), "sha256": "0" * 64}
    listing.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    with pytest.raises(EndpointError, match="changed since the build"):
        DocumentFiles(tmp_path).article("page.txt", "", 0)


def test_named_query_page_links_names_and_says_no_rows(corpus_endpoint: Endpoint) -> None:
    page = get(corpus_endpoint.url, "/queries/who-trained-whom", accept="text/html").text
    assert '<a class="iri named" href="/entity?iri=' in page
    empty = get(
        corpus_endpoint.url,
        "/queries/evidence",
        {"head": "佛山市顺德区总工会", "relation": "trained", "tail": "顺德区人社局"},
        accept="text/html",
    ).text
    assert "no rows" in empty


def test_terms_offer_prefixes_and_ontology_classes(corpus_endpoint: Endpoint) -> None:
    terms = get(corpus_endpoint.url, "/terms").json()
    assert terms["prefixes"]["kg"] == "https://w3id.org/union-kg/ontology#"
    assert {"kg:TradeUnion", "kg:partnersWith", "skos:prefLabel"} <= set(terms["terms"])


def test_labels_name_facts_by_relation_and_ends(corpus_endpoint: Endpoint) -> None:
    text = (
        "SELECT ?fact ?evidence WHERE { { ?fact rdf:subject <" + SHUNDE + "> } UNION "
        "{ ?fact rdf:object <" + SHUNDE + "> } ?fact rdf:predicate kg:partnersWith ; "
        "kg:evidence ?evidence }"
    )
    reply = get(corpus_endpoint.url, "/sparql", {"query": text})
    row = reply.json()["results"]["bindings"][0]
    fact, evidence = row["fact"]["value"], row["evidence"]["value"]
    found = get(corpus_endpoint.url, "/labels", {"iri": fact}).json()["iris"]
    assert re.fullmatch("合作 · .+ ↔ .+", found[fact]) and "佛山市顺德区总工会" in found[fact]
    named = get(corpus_endpoint.url, "/labels", {"iri": evidence}).json()["iris"]
    assert named[evidence] == "证据 · " + found[fact]
