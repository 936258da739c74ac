"""The review page in a real headless browser (Debian's Chromium driven by Selenium): ten facts
reviewed with the keyboard change the graph of the next build; the screenshot script runs.

As in test_web.py: under CI (``CI=true``, as root) Chromium is installed with apt-get when
missing; on a developer's machine without it these tests skip.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from browser import WAIT, headless_chromium, install_chromium
from click.testing import CliRunner
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from kg.cli import main
from kg.graph.network import load_graph
from kg.graph.review import review_queue
from kg.model import SYMMETRIC_RELATIONS
from kg.records.curation import CURATION_FILE, read_curation
from kg.serve.review_server import ReviewServer

REPO = Path(__file__).resolve().parents[2]
EVERY_FACT = ("--min-confidence", "0")  # the reviewed build keeps every fact (conftest)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """A headless Chromium (Debian's), closed after the module's tests."""
    yield from headless_chromium()


Fact = tuple[str, str, str]


def shown_fact(driver: WebDriver) -> Fact:
    """The fact the page shows now."""
    card = driver.find_element(By.ID, "fact")
    head, relation, tail = (
        card.get_attribute(f"data-{p}") or "" for p in ("head", "relation", "tail")
    )
    return head, relation, tail


def press(driver: WebDriver, key: str, before: Fact) -> Fact:
    """Press a key on the page and wait until another fact is shown."""
    ActionChains(driver).send_keys(key).perform()
    WebDriverWait(driver, WAIT).until(lambda d: shown_fact(d) != before)
    return shown_fact(driver)


def has_fact(graph: nx.MultiDiGraph, fact: Fact) -> bool:
    """Whether the graph states the fact (an honour, either way round when symmetric)."""
    head, relation, tail = fact
    if relation == "HAS_HONOUR":
        return head in graph and tail in graph.nodes[head]["honours"]
    if relation in SYMMETRIC_RELATIONS and graph.has_edge(tail, head, key=relation):
        return True
    return bool(graph.has_edge(head, tail, key=relation))


def open_page(browser: WebDriver, server: ReviewServer) -> None:
    """Load the review page and wait until its script has drawn the queue."""
    browser.get(server.url)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready")
    )


def test_ten_facts_reviewed_with_keys_change_the_next_build(
    browser: WebDriver, server: ReviewServer, build: Path
) -> None:
    open_page(browser, server)
    queued = review_queue(load_graph(build))
    assert shown_fact(browser) == (queued[0].head, queued[0].relation, queued[0].tail)
    accepted, rejected = [], []
    fact = shown_fact(browser)
    for key, decided in [("a", accepted)] * 5 + [("r", rejected)] * 5:
        decided.append(fact)
        fact = press(browser, key, fact)
        assert fact not in accepted + rejected  # a decided fact leaves the queue at once
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "session-count").text == "10"
    )
    assert press(browser, " ", fact) != fact  # space skips without writing
    assert browser.find_element(By.ID, "file-count").text == "10"
    assert "--min-confidence 0" in browser.find_element(By.ID, "command").text
    written = read_curation(build / CURATION_FILE)
    assert [c.op for c in written] == ["accept_fact"] * 5 + ["reject_fact"] * 5
    assert {c.by for c in written} == {"tester"}

    result = CliRunner().invoke(  # the page's command: the build keeps every fact
        main, ["build", str(REPO / "examples" / "corpus"), "-o", str(build), *EVERY_FACT]
    )
    assert result.exit_code == 0, result.output
    assert "corrections: 10 applied, 0 skipped" in result.output
    graph = load_graph(build)
    rejected_in_graph = {(r.head, r.kind, r.tail) for r in graph.graph["rejected"]}
    for fact in rejected:
        assert not has_fact(graph, fact)
        head, relation, tail = fact
        assert fact in rejected_in_graph or (tail, relation, head) in rejected_in_graph
    still_queued = {(i.head, i.relation, i.tail) for i in review_queue(graph)}
    for fact in accepted:
        assert has_fact(graph, fact) and fact not in still_queued


def test_screenshot_script_writes_a_png_and_nothing_into_the_build(
    corpus_build: Path, tmp_path: Path
) -> None:
    install_chromium()
    out = tmp_path / "img" / "review.png"
    script = REPO / "scripts" / "screenshot_review.py"
    run = subprocess.run(
        [sys.executable, str(script), str(corpus_build), str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not (corpus_build / CURATION_FILE).exists()


def test_merge_buttons_and_the_add_form_write_their_corrections(
    browser: WebDriver, server: ReviewServer, build: Path
) -> None:
    open_page(browser, server)
    rows = browser.find_elements(By.CSS_SELECTOR, "#merge-list li")
    first, second = (row.get_attribute("data-keys") for row in rows[:2])
    rows[0].find_element(By.CSS_SELECTOR, "button.merge").click()
    rows[1].find_element(By.CSS_SELECTOR, "button.keep-apart").click()
    left = [
        row.get_attribute("data-keys")
        for row in browser.find_elements(By.CSS_SELECTOR, "#merge-list li")
    ]
    assert first not in left and second not in left
    head, _, tail = shown_fact(browser)
    browser.find_element(By.CSS_SELECTOR, "#add summary").click()
    Select(browser.find_element(By.ID, "add-relation")).select_by_value("PARTNERS_WITH")
    browser.find_element(By.ID, "add-tail").send_keys(tail)
    browser.find_element(By.CSS_SELECTOR, "#add-form button[type=submit]").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "session-count").text == "3")
    merge, apart, added = read_curation(build / CURATION_FILE)
    assert (merge.op, " ".join(merge.fields["keys"])) == ("merge", first)
    assert (apart.op, " ".join(apart.fields["keys"])) == ("keep_apart", second)
    assert (added.op, added.fields["head"], added.fields["tail"]) == ("add_fact", head, tail)
    assert added.fields["sentence"] in browser.find_element(By.ID, "statements").text


def test_keys_still_work_after_a_button_was_clicked(
    browser: WebDriver, server: ReviewServer, build: Path
) -> None:
    open_page(browser, server)
    queued = [(i.head, i.relation, i.tail) for i in review_queue(load_graph(build))]
    browser.find_element(By.ID, "skip").click()
    assert shown_fact(browser) == queued[1]
    assert press(browser, " ", queued[1]) == queued[2]  # one step: the button is not pressed too
    assert press(browser, "r", queued[2]) == queued[3]
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "session-count").text == "1")
    (rejected,) = read_curation(build / CURATION_FILE)
    assert (rejected.fields["head"], rejected.fields["relation"]) == queued[2][:2]
