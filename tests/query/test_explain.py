"""Messages for SPARQL the parser refuses: one line, the position kept, the ranges dropped."""

from __future__ import annotations

import pyoxigraph
import pytest

from kg.query.explain import explain_syntax_error
from kg.query.named import QUERY_PREFIXES, QueryError, run_query


def refusal(text: str) -> str:
    """What ``run_query`` says about ``text`` on an empty store."""
    with pytest.raises(QueryError) as refused:
        run_query(pyoxigraph.Store(), text)
    message = str(refused.value)
    assert "\n" not in message and "\\u{" not in message and "..=" not in message
    return message


def test_an_unknown_prefix_is_named_with_the_predeclared_ones():
    message = refusal("SELECT * WHERE { ?s foo:bar ?o }")
    assert message.startswith("invalid SPARQL at 1:21: unknown prefix foo: in foo:bar;")
    assert "PREFIX foo: <…>" in message and "dcterms, entities, facts" in message


def test_an_unknown_prefix_the_parser_passes_over_is_still_named():
    # Oxigraph answers "expected OPTIONAL" a few characters after zz:a
    message = refusal("SELECT * { ?s kg:name ?o . ?o zz:a ?b }")
    assert message.startswith("invalid SPARQL at 1:31: unknown prefix zz: in zz:a;")


def test_a_prefix_the_query_declares_is_not_unknown():
    message = refusal("PREFIX ex: <http://x/> SELECT * { ?s ex:a ?o } LIMT 5")
    assert "prefix" not in message and message.startswith("invalid SPARQL at 1:")


@pytest.mark.parametrize(
    "text,found",
    [
        ("SELEC ?s WHERE { ?s ?p ?o }", "1:1: a query starts with SELECT, ASK, CONSTRUCT or "
         "DESCRIBE (after any PREFIX and BASE), not 'SELEC'"),
        ("PREFIX ex: <http://x/>\n{ ?s ?p ?o }", "2:1: a query starts with"),
        ("PREFIX ex: <http://x/>", "1:23: a query starts with"),
    ],
)  # fmt: skip
def test_a_query_without_a_form_says_how_a_query_starts(text, found):
    message = refusal(text)
    assert message.startswith(f"invalid SPARQL at {found}")
    assert "expected CONSTRUCT" not in message


@pytest.mark.parametrize("text", ["INSERT DATA { <http://x/a> <http://x/b> 1 }", "CLEAR ALL"])
def test_an_update_is_refused_as_the_store_is_read_only(text):
    message = refusal(text)
    assert message.startswith("SPARQL Update (") and "at 1:1 is refused" in message
    assert "the build's store is read-only; ask with SELECT, ASK, CONSTRUCT or DESCRIBE" in message


# fmt: off
PARSER_CASES = [
    ("SELECT * WHERE { ?s ?p ?o } LIMT 5",
     "invalid SPARQL at 1:35: expected one of HAVING, OFFSET, OPTIONAL, VALUES at the end of the "
     "query"),
    ("SELECT (COUNT(?s) AS ?n WHERE { ?s ?p ?o }",
     "invalid SPARQL at 1:25: expected \")\", before 'WHERE { ?s ?p ?o }'"),
    ("DESCRIBE", 'invalid SPARQL at 1:9: expected one of "$", "*", ":", "<", "?" at the end of '
     "the query"),
    ("SELECT * WHERE { ?s <http://x y> ?o }", "invalid SPARQL at 1:33: not a valid IRI, before "
     "'?o }'"),
    ("", "invalid SPARQL: the query is empty"),
]
# fmt: on


@pytest.mark.parametrize("text,message", PARSER_CASES)
def test_other_errors_keep_the_parsers_position_without_its_ranges(text, message):
    assert refusal(text) == message


def test_a_message_not_in_the_parsers_form_is_kept_on_one_line():
    assert explain_syntax_error("x", "bad\n  thing", QUERY_PREFIXES) == "invalid SPARQL: bad thing"
