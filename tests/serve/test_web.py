"""The query page in a real headless browser: Debian's Chromium driven by Selenium.

Chromium and its driver come from Debian's packages (``chromium``, ``chromium-driver``). Under
CI (``CI=true``, as root) the set-up installs them with apt-get when they are missing; on a
developer's machine without them these tests skip.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from browser import WAIT, headless_chromium, install_chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait
from serving import LV, QUERIES

from kg.serve.endpoint import Endpoint

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser saves downloads."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    """A headless Chromium (Debian's), closed after the module's tests."""
    yield from headless_chromium(downloads)


def result_rows(driver: WebDriver) -> list[list[str]]:
    """The text of every cell of the results table, row by row (read at once: the table is
    drawn again when the labels of its IRIs arrive)."""
    script = (
        "return [...document.querySelectorAll('#results table tbody tr')]"
        ".map(row => [...row.cells].map(cell => cell.innerText))"
    )
    return list(driver.execute_script(script))


def open_page(driver: WebDriver, endpoint: Endpoint) -> None:
    """Load the query page and wait until the named queries are offered."""
    driver.get(endpoint.url + "/")
    WebDriverWait(driver, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples option")) > len(QUERIES)
    )


def test_typed_named_query_shows_its_known_row(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys(QUERIES["who-trained-whom"].text)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results th")]
    assert headers == ["trainer", "trainee"]
    assert ["吕国梁", "白晓峰"] in result_rows(browser)
    assert "1 rows" in browser.find_element(By.ID, "status").text


def test_chosen_example_runs_with_ctrl_enter(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    Select(browser.find_element(By.ID, "examples")).select_by_value("who-trained-whom")
    box = browser.find_element(By.ID, "query")
    assert box.get_attribute("value") == QUERIES["who-trained-whom"].text
    box.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    assert ["吕国梁", "白晓峰"] in result_rows(browser)


def test_entity_link_opens_its_evidence(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("SELECT ?person WHERE { ?person kg:trained ?someone }")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, WAIT).until(lambda d: ["吕国梁"] in result_rows(d))  # by its label
    link = browser.find_element(By.CSS_SELECTOR, "#results td a.iri")
    assert str(link.get_attribute("title")).endswith("PERSON:吕国梁")  # percent-escapes decoded
    link.click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.ID, "evidence"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "吕国梁"
    evidence = browser.find_element(By.ID, "evidence").text
    assert "劳模吕国梁手把手带徒白晓峰，传授数控焊接技艺。" in evidence
    assert browser.current_url.endswith("/entity?iri=" + quote(LV, safe=""))


def test_malformed_query_shows_the_parser_message(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("SELECT ?x WHERE { ?x }")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, WAIT).until(lambda d: "400" in d.find_element(By.ID, "status").text)
    assert "invalid SPARQL at 1:" in browser.find_element(By.ID, "status").text


def run_typed(driver: WebDriver, text: str) -> None:
    """Type a query into the box (replacing its text) and run it."""
    box = driver.find_element(By.ID, "query")
    box.clear()
    driver.execute_script("arguments[0].value = arguments[1]", box, text)
    driver.find_element(By.ID, "run").click()


def status(driver: WebDriver) -> str:
    """The status line under the query box."""
    return str(driver.find_element(By.ID, "status").text)


def test_named_query_takes_its_parameters_on_the_page(
    browser: WebDriver, endpoint: Endpoint
) -> None:
    open_page(browser, endpoint)
    Select(browser.find_element(By.ID, "examples")).select_by_value("partners-of")
    field = browser.find_element(By.CSS_SELECTOR, "#params input[name=name]")
    field.send_keys("常熟市总工会")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    assert ["常熟市总工会", "青禾机械有限公司"] in result_rows(browser)
    assert "named=partners-of" in browser.current_url and "name=" in browser.current_url


def test_named_query_names_link_to_their_entity(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    Select(browser.find_element(By.ID, "examples")).select_by_value("who-trained-whom")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#results a.named")
    )
    link = browser.find_element(By.CSS_SELECTOR, "#results a.named")
    assert link.text == "吕国梁"
    assert str(link.get_attribute("href")).endswith("/entity?iri=" + quote(LV, safe=""))


def test_empty_result_says_no_rows(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    run_typed(browser, "SELECT ?x WHERE { ?x kg:trained kg:nobody }")
    WebDriverWait(browser, WAIT).until(lambda d: "no rows" in status(d))
    assert "no rows" in browser.find_element(By.CSS_SELECTOR, "#results .empty").text


NUMBERS = "SELECT ?n WHERE { VALUES ?n { " + " ".join(map(str, range(1, 121))) + " } }"


def test_results_sort_by_a_click_and_come_in_pages(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    run_typed(browser, NUMBERS)
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    assert browser.find_element(By.ID, "page-info").text == "rows 1–50 of 120"
    assert len(result_rows(browser)) == 50
    browser.find_element(By.ID, "next").click()
    assert result_rows(browser)[0] == ["51"]
    header = browser.find_element(By.CSS_SELECTOR, "#results th")
    header.click()  # ascending, by number
    header = browser.find_element(By.CSS_SELECTOR, "#results th")
    header.click()  # descending
    assert browser.find_element(By.ID, "page-info").text == "rows 51–100 of 120"
    assert result_rows(browser)[0] == ["70"]
    assert browser.find_element(By.CSS_SELECTOR, "#results th").text == "n ▼"


def downloaded(driver: WebDriver, folder: Path, link_id: str) -> str:
    """Click a download link of the results and read the file the browser saved."""
    link = driver.find_element(By.ID, link_id)
    target = folder / str(link.get_attribute("download"))
    link.click()
    WebDriverWait(driver, WAIT).until(lambda d: target.is_file() and target.stat().st_size)
    return target.read_text(encoding="utf-8")


def test_results_download_as_csv_and_json(
    browser: WebDriver, endpoint: Endpoint, downloads: Path
) -> None:
    open_page(browser, endpoint)
    run_typed(browser, NUMBERS)
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    browser.find_element(By.CSS_SELECTOR, "#results th").click()
    browser.find_element(By.CSS_SELECTOR, "#results th").click()  # all 120 rows, descending
    lines = downloaded(browser, downloads, "download-csv").splitlines()
    assert lines[:3] == ["n", "120", "119"] and len(lines) == 121
    document = json.loads(downloaded(browser, downloads, "download-json"))
    assert document["head"]["vars"] == ["n"]
    assert len(document["results"]["bindings"]) == 120


def test_permalink_carries_the_query(browser: WebDriver, endpoint: Endpoint) -> None:
    text = "SELECT ?name WHERE { ?p kg:trained ?q . ?p skos:prefLabel ?name }"
    browser.get(endpoint.url + "/?query=" + quote(text))
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    assert ["吕国梁"] in result_rows(browser)
    assert browser.find_element(By.ID, "query").get_attribute("value") == text
    permalink = browser.find_element(By.ID, "permalink").get_attribute("href")
    assert permalink == endpoint.url + "/?query=" + quote_plus(text)


def test_query_box_highlights_and_completes_ontology_terms(
    browser: WebDriver, endpoint: Endpoint
) -> None:
    open_page(browser, endpoint)
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys("SELECT ?u WHERE { ?u a kg:Trad")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#completions li")
    )
    offered = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#completions li")]
    assert offered == ["kg:TradeUnion"]
    box.send_keys(Keys.TAB)
    assert box.get_attribute("value") == "SELECT ?u WHERE { ?u a kg:TradeUnion"
    keywords = browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-keyword")
    assert [word.text for word in keywords][:2] == ["SELECT", "WHERE"]
    names = browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-pname")
    assert names[-1].text == "kg:TradeUnion"
    box.send_keys(" . ?sk")  # a variable's name: nothing to complete
    assert not browser.find_elements(By.CSS_SELECTOR, "#completions li")
    box.send_keys(" sk")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#completions li")
    )
    assert browser.find_element(By.CSS_SELECTOR, "#completions li").text == "skos:"


def test_facts_show_as_readable_labels(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    run_typed(browser, "SELECT ?fact ?evidence WHERE { ?fact kg:evidence ?evidence }")
    WebDriverWait(browser, WAIT).until(
        lambda d: ["培训了 · 吕国梁 → 白晓峰", "证据 · 培训了 · 吕国梁 → 白晓峰"] in result_rows(d)
    )


def test_search_box_finds_a_person_by_pinyin(browser: WebDriver, endpoint: Endpoint) -> None:
    open_page(browser, endpoint)
    field = browser.find_element(By.ID, "search")
    field.send_keys("lvguoliang", Keys.ENTER)
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits a"))
    browser.find_element(By.CSS_SELECTOR, "#hits a").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.ID, "neighbourhood"))
    drawn = browser.find_element(By.CSS_SELECTOR, "#neighbourhood svg")
    assert "白晓峰" in drawn.text and "培训了" in drawn.text


def test_screenshot_script_writes_the_pages_and_plots(corpus_build: Path, tmp_path: Path) -> None:
    install_chromium()
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPTS / "screenshots.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main([str(corpus_build), str(tmp_path)]) == 0
    shots = {path.name for path in tmp_path.glob("*.png") if path.stat().st_size > 10_000}
    pages = {"query_page.png", "search.png", "entity_page.png", "article.png"}
    assert pages | {"partnership_network.png", "mentoring_tree.png"} <= shots
