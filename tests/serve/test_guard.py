"""The SPARQL guard and Oxigraph's parser agree on SERVICE, whatever hides it (issue 20).

Queries are built from pieces: a real SERVICE clause, and the same clause inside strings of
every quoting, comments ended by a line feed or a carriage return, IRIs and prefixed names with
``#``; then any character may be written as a ``\\uXXXX`` escape. The guard's verdict is
compared with what Oxigraph does when it runs the text the guard would let run: the SERVICE
address is on port 1, which Oxigraph refuses to call with an error of its own, so whether it
tried is seen with no traffic at all.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import EndpointError, QueryRefused
from kg.query.syntax import read_query
from kg.serve.guard import check_query, decode_escapes

SERVICE_IRI = "<http://127.0.0.1:1/sparql>"
CLAUSE = SERVICE_IRI + " { ?s ?p ?o }"


def calls_service(text: str) -> bool | None:
    """Whether Oxigraph, running ``text``, tries to call the SERVICE; None if it cannot parse."""
    try:
        answer = ox.Store().query(text)
        if isinstance(answer, ox.QueryBoolean):
            return False
        list(answer)
    except SyntaxError:
        return None
    except OSError as error:
        assert "port 1 is not allowed" in str(error), error
        return True
    return False


keyword = st.sampled_from(["SERVICE", "service", "Service", "sErViCe"])
noise = st.text(alphabet="abc #<>{}()'\"\\.?:;uU0041\r\n", max_size=12)


def quoted(content: str, quote: str) -> str:
    """``content`` as a SPARQL string with ``quote``, escaped so that it stays one string."""
    escaped = content.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    if len(quote) == 1:
        escaped = escaped.replace("\n", "\\n").replace("\r", "\\r")
    return quote + escaped + quote


@st.composite
def pieces(draw: st.DrawFn, number: int) -> str:
    """One piece of a WHERE clause; the ``number`` keeps its variables apart."""
    word = draw(keyword)
    kind = draw(st.sampled_from(["real", "string", "comment", "iri", "pname", "filler"]))
    if kind == "real":
        return f"{word} {CLAUSE}"
    if kind == "string":
        quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
        text = draw(noise) + f" }} {word} {CLAUSE} " + draw(noise)
        return f"BIND({quoted(text, quote)} AS ?v{number})"
    if kind == "comment":
        end = draw(st.sampled_from(["\n", "\r", "\r\n"]))
        return f"# {draw(noise).replace(chr(10), ' ').replace(chr(13), ' ')} {word} {CLAUSE}{end}"
    if kind == "iri":
        fragment = draw(st.sampled_from(["#", "#x", "\\u0041#", "\\u0023", "%23"]))
        return f"BIND(<http://x/{word}{fragment}> AS ?v{number})"
    if kind == "pname":
        return f"BIND(ex:a\\#{word} AS ?v{number})"
    return draw(st.sampled_from([f"BIND(1 AS ?v{number})", "FILTER(true)", "{}"]))


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A SELECT query of up to five pieces, some characters perhaps written as escapes."""
    parts = [draw(pieces(number)) for number in range(draw(st.integers(1, 5)))]
    separators = [draw(st.sampled_from([" ", "\n", " . ", "\r\n"])) for _ in parts]
    body = "".join(part + separator for part, separator in zip(parts, separators, strict=True))
    text = "PREFIX ex: <http://x/>\nSELECT * WHERE { " + body + "}"
    escaped = draw(st.sets(st.integers(0, len(text) - 1), max_size=4))
    return "".join(f"\\u{ord(c):04X}" if i in escaped else c for i, c in enumerate(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_guard_and_parser_agree_on_service(text: str) -> None:
    try:
        decoded = decode_escapes(text)
    except EndpointError:
        return  # an escape that writes an escape: refused before anything else
    try:
        runs = check_query(text).text
    except QueryRefused as refusal:
        assert "SERVICE" in str(refusal)
        assert calls_service(decoded) is not False, "refused a query without SERVICE"
        return
    except EndpointError as refusal:  # what rdflib could not parse, when it mentions SERVICE
        assert "SERVICE" in str(refusal)
        assert calls_service(decoded) is not False, "refused a query Oxigraph runs"
        return
    assert runs == decoded
    assert calls_service(runs) is not True, "let a SERVICE through"


# fmt: off
DATASETS = [
    ("SELECT * FROM <http://x/g> { ?s ?p ?o }", ("http://x/g",), ()),
    ("SELECT * FROM NAMED <http://x/g> { ?s ?p ?o }", (), ("http://x/g",)),
    ("PREFIX e: <http://x/> SELECT * FROM e:a FROM NAMED e:b {}", ("http://x/a",), ("http://x/b",)),
    ("BASE <file:///etc/> SELECT * FROM <passwd> {}", ("file:///etc/passwd",), ()),
    ("SELECT * FROM <http://x/\\u0067> {}", ("http://x/g",), ()),
    ("SELECT * # FROM <http://x/g>\n { ?s ?p 'FROM <http://x/h>' }", (), ()),
    ("SELECT * { ?s <http://x/from> ?o }", (), ()),
]
# fmt: on


@pytest.mark.parametrize("text,graphs,named", DATASETS)
def test_dataset_is_read_from_the_tokens(text: str, graphs: tuple, named: tuple) -> None:
    syntax = read_query(text)
    assert (syntax.from_graphs, syntax.from_named_graphs) == (graphs, named)
    assert syntax.has_dataset == bool(graphs or named)


def test_base_cannot_smuggle_a_file_dataset() -> None:
    with pytest.raises(QueryRefused, match="local files"):
        check_query("BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(
    "text,problem",
    [("ASK { BIND('\\u005Cu0041' AS ?x) }", "another escape"), ("ASK {} # \\uD800", "character")],
)
def test_escapes_that_cannot_be_decoded_once_are_refused(text: str, problem: str) -> None:
    with pytest.raises(EndpointError, match=problem):
        check_query(text)
