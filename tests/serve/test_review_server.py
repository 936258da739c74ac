"""``kg review``'s server: its data, the corrections it writes, and what it refuses.

Each test serves a copy of the sample corpus's build on a free loopback port and talks HTTP to
it; only ``curation.jsonl`` of the copy may change.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.graph.network import load_graph
from kg.graph.review import review_queue
from kg.records.curation import CURATION_FILE, read_curation
from kg.serve.review import ReviewSession, rebuild_command
from kg.serve.review_server import ReviewServer
from kg.serve.review_text import ArticleTexts, mark_names

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"
JSON = {"Content-Type": "application/json"}


def call(
    server: ReviewServer, method: str, path: str, body: Any = None, **headers: str
) -> tuple[int, Any, http.client.HTTPResponse]:
    """Send one request; the status, the parsed JSON (or the bytes) and the response."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    data = body if isinstance(body, bytes | None) else json.dumps(body).encode()
    connection.request(method, path, data, {k.replace("_", "-"): v for k, v in headers.items()})
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    is_json = response.getheader("Content-Type", "").startswith("application/json")
    return response.status, json.loads(raw) if is_json else raw, response


def post(server: ReviewServer, line: Any, **headers: str) -> tuple[int, Any]:
    """POST a correction as the page does."""
    status, answer, _ = call(server, "POST", "/api/corrections", line, **(JSON | headers))
    return status, answer


def first_facts(server: ReviewServer, count: int) -> list[dict[str, Any]]:
    status, page, _ = call(server, "GET", f"/api/queue?limit={count}")
    assert status == 200
    return list(page["items"])


def triple(item: Any) -> tuple[str, str, str]:
    return item["head"], item["relation"], item["tail"]


def test_the_page_and_its_assets_are_served_from_the_server_alone(server: ReviewServer) -> None:
    status, page, response = call(server, "GET", "/")
    assert status == 200 and b'<script src="/review.js"' in page
    assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    for asset in ("/review.js", "/review.css"):
        assert call(server, "GET", asset)[0] == 200
    assert call(server, "GET", "/nothing")[0] == 404
    assert server.server_address[0] == "127.0.0.1"


def test_status_counts_the_queue_and_gives_the_rebuild_command(
    server: ReviewServer, build: Path
) -> None:
    status, answer, _ = call(server, "GET", "/api/status")
    assert status == 200
    assert answer["queue"] == len(review_queue(load_graph(build))) > 10
    assert (answer["session"], answer["in_file"], answer["by"]) == (0, 0, "tester")
    command = answer["command"]  # the build keeps every fact (conftest), and its rebuild too
    assert command.startswith("kg build ") and command.endswith(f"-o {build} --min-confidence 0")


def test_queue_follows_review_queue_with_the_names_marked(
    server: ReviewServer, build: Path
) -> None:
    expected = review_queue(load_graph(build))[:20]
    items = first_facts(server, 20)
    assert [triple(item) for item in items] == [(i.head, i.relation, i.tail) for i in expected]
    later = call(server, "GET", "/api/queue?start=5&limit=3")[1]["items"]
    assert [triple(item) for item in later] == [triple(item) for item in items[5:8]]
    for item in items:
        statement = item["statements"][0]
        assert "".join(piece for piece, _ in statement["marked"]) == statement["sentence"]
        assert item["head"] in item["entities"]
    assert any(item["statements"][0]["headline"] for item in items)
    # a head the sentence names is marked (one it names only by 他 or leaves unsaid is not)
    named = [item for item in items if item["head_label"] in item["statements"][0]["sentence"]]
    assert named
    assert all([item["head_label"], "head"] in item["statements"][0]["marked"] for item in named)


def test_accept_and_reject_are_written_and_leave_the_queue(
    server: ReviewServer, build: Path
) -> None:
    accepted, rejected = first_facts(server, 2)
    assert post(server, {"op": "accept_fact", **_ends(accepted)})[0] == 201
    status, answer = post(server, {"op": "reject_fact", **_ends(rejected)})
    assert status == 201 and (answer["session"], answer["in_file"]) == (2, 2)
    written = read_curation(build / CURATION_FILE)
    assert [(c.op, c.by, c.fields["head"]) for c in written] == [
        ("accept_fact", "tester", accepted["head"]),
        ("reject_fact", "tester", rejected["head"]),
    ]
    left = {triple(item) for item in first_facts(server, 500)}
    assert triple(accepted) not in left and triple(rejected) not in left
    again = ReviewSession(build)  # a new session reads what the file holds
    assert again.status()["in_file"] == 2
    assert triple(accepted) not in {triple(item) for item in again.queue(0, 500)["items"]}


def _ends(item: dict[str, Any]) -> dict[str, str]:
    return {"head": item["head"], "relation": item["relation"], "tail": item["tail"]}


# fmt: off
BAD_CORRECTIONS = [
    ({"op": "rename", "key": "UNION:某区总工会", "name": "某区总工会"},
     "the review page writes accept_fact, reject_fact, add_fact, merge, keep_apart, not 'rename'"),
    ({"op": "reject_fact", "head": "UNION:某区总工会", "relation": "PART_OF"},
     "reject_fact: missing field 'tail'"),
    ({"op": "accept_fact", "head": "某区总工会", "relation": "PART_OF", "tail": "UNION:某市总工会"},
     "accept_fact: head '某区总工会' is not a node key"),
    ({"op": "accept_fact", "head": "UNION:某区总工会", "relation": "PART_OF",
      "tail": "UNION:某市总工会", "by": "someone"}, "by and at are the session's"),
    ({"op": "add_fact", "head": "UNION:某区总工会", "relation": "TRAINED", "tail": "PERSON:甲",
      "document": "a.md", "sentence": "某区总工会培训甲。"},
     "add_fact: TRAINED joins PERSON → PERSON"),
    (["accept_fact"], "a correction is a JSON object"),
    (b"{not json", "Expecting property name"),
    (b"[" * 50_000, "the correction is nested too deeply"),
]
# fmt: on


@pytest.mark.parametrize(("line", "problem"), BAD_CORRECTIONS)
def test_a_bad_correction_is_refused_in_one_line_and_not_written(
    server: ReviewServer, build: Path, line: Any, problem: str
) -> None:
    status, answer = post(server, line)
    assert status == 400
    assert answer["error"].startswith(problem) and "\n" not in answer["error"]
    assert not (build / CURATION_FILE).exists()


# fmt: off
FOREIGN_REQUESTS = [
    ({"Origin": "http://evil.example"}, 403, "from the review page only, not from http://evil"),
    ({"Sec-Fetch-Site": "cross-site"}, 403, "from the review page only"),
    ({"Content-Type": "text/plain"}, 415, "post a correction as application/json"),
    ({"Host": "evil.example:80"}, 421, "not evil.example:80"),
]
# fmt: on


@pytest.mark.parametrize(("headers", "status", "problem"), FOREIGN_REQUESTS)
def test_a_post_from_another_site_is_refused(
    server: ReviewServer, build: Path, headers: dict[str, str], status: int, problem: str
) -> None:
    line = {"op": "accept_fact", **_ends(first_facts(server, 1)[0])}
    refused, answer = post(server, line, **headers)
    assert (refused, problem in answer["error"]) == (status, True)
    assert not (build / CURATION_FILE).exists()


def test_a_post_from_the_page_itself_is_taken(server: ReviewServer) -> None:
    line = {"op": "accept_fact", **_ends(first_facts(server, 1)[0])}
    origin = server.url.rstrip("/")
    assert post(server, line, Origin=origin, Sec_Fetch_Site="same-origin")[0] == 201


def test_a_request_for_another_host_name_is_refused(server: ReviewServer) -> None:
    status, answer, _ = call(server, "GET", "/api/status", Host=f"attacker.example:{server.port}")
    assert status == 421 and "DNS rebinding" in answer["error"]
    assert call(server, "GET", "/api/status", Host=f"localhost:{server.port}")[0] == 200


def test_merge_keep_apart_and_add_fact_apply_at_the_next_build(
    server: ReviewServer, build: Path
) -> None:
    merges = call(server, "GET", "/api/merges")[1]
    merged = merges[0]  # kept apart: a suggestion none of whose nodes the merge takes away
    apart = next(m for m in merges[1:] if not set(m["keys"]) & set(merged["keys"]))
    assert post(server, {"op": "merge", "keys": merged["keys"], "name": merged["name"]})[0] == 201
    assert post(server, {"op": "keep_apart", "keys": apart["keys"]})[0] == 201
    assert call(server, "GET", "/api/merges")[1] == [m for m in merges if m not in (merged, apart)]
    merged_away = set(merged["keys"])  # a fact of a merged node names the survivor at the build
    item = next(
        i
        for i in first_facts(server, 100)
        if i["relation"] == "PART_OF" and not {i["head"], i["tail"]} & merged_away
    )
    statement = item["statements"][0]
    added = {"op": "add_fact", "head": item["tail"], "relation": "PARTNERS_WITH",
             "tail": item["head"], "document": statement["document"],
             "sentence": statement["sentence"],
             "article": statement["article_index"]}  # fmt: skip
    if statement["record"]:
        added["record"] = statement["record"]
    assert post(server, added)[0] == 201
    result = CliRunner().invoke(main, ["build", str(CORPUS), "-o", str(build)])
    assert result.exit_code == 0, result.output
    assert "3 applied, 0 skipped" in result.output
    graph = load_graph(build)
    survivor = f"{merged['keys'][0].partition(':')[0]}:{merged['name']}"
    assert survivor in graph and not set(merged["keys"]) - {survivor} & set(graph)
    ends = sorted((item["head"], item["tail"]))
    assert graph.edges[ends[0], ends[1], "PARTNERS_WITH"]["evidence"][-1]["rule"] == "curated"
    suggested = {tuple(s["keys"]) for s in ReviewSession(build).merges()}
    assert tuple(apart["keys"]) not in suggested


def test_the_rebuild_command_names_the_inputs_or_their_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # paths inside the working directory are shown relative to it
    files = [str(CORPUS / name) for name in ("a.md", "b.md", "c.txt", "d.jsonl")]
    assert rebuild_command(tmp_path / "out", files[:1]) == f"kg build {files[0]} -o out"
    assert rebuild_command(tmp_path / "out", files) == f"kg build {CORPUS} -o out"


def test_the_rebuild_command_keeps_a_build_of_every_fact_so(tmp_path: Path) -> None:
    command = rebuild_command(tmp_path / "out", ["/data/a.md"], min_confidence=0)
    assert command.endswith("-o " + str(tmp_path / "out") + " --min-confidence 0")


def test_mark_names_marks_the_longer_name_where_two_overlap() -> None:
    pieces = mark_names("常熟市总工会与常熟市总工会青禾分会签约。", {
        "head": ["常熟市总工会"], "tail": ["常熟市总工会青禾分会"]})  # fmt: skip
    assert pieces == [("常熟市总工会", "head"), ("与", ""), ("常熟市总工会青禾分会", "tail"),
                      ("签约。", "")]  # fmt: skip


def test_a_sentence_is_shown_in_its_paragraph_or_alone_when_its_file_is_gone(
    build: Path,
) -> None:
    texts = ArticleTexts(build)
    items = review_queue(load_graph(build))
    passages = [texts.passage(item.evidence[0]) for item in items]
    assert any(passage.before for passage in passages)
    evidence = dict(items[0].evidence[0], document="gone.md")
    assert (texts.passage(evidence).before, texts.passage(evidence).after) == ("", "")


def test_kg_review_refuses_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}: is not a build directory (no extraction.jsonl)" in result.output


def test_kg_review_serves_the_build_until_interrupted(build: Path) -> None:
    kg = Path(sys.executable).parent / "kg"
    command = [str(kg), "review", str(build), "--port", "0", "--by", "tester"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        announced = process.stdout.readline()
        assert announced.startswith(f"reviewing {build} at http://127.0.0.1:")
        port = int(announced.rstrip().rstrip("/").rpartition(":")[2])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/api/status")
        assert json.loads(connection.getresponse().read())["by"] == "tester"
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
