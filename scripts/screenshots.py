"""Screenshots of kg serve's pages and the plots of a build, for the documentation.

Serves BUILD with ``kg serve``'s endpoint on a free loopback port, opens the query page (with a
named query run), the search results, the entity page of the entity with the most facts and an
article's text in Debian's headless Chromium (the browser tests/serve/test_web.py drives), saves
each as PNG, and draws the plots of ``kg plot`` beside them. From the repository root:

    kg build examples/corpus -o build && python scripts/screenshots.py build docs/img
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from kg.graph.network import load_graph
from kg.graph.store import open_store
from kg.query.named import QUERY_PREFIXES, named_queries, run_query
from kg.serve.endpoint import BuildStore, Endpoint, ServeSettings
from kg.viz.plots import write_plots

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 30  # seconds for a page to show what is photographed
WIDTH, HEIGHT = 1280, 1200
# The entity with the most facts: its page has the most to show.
BUSIEST = """SELECT ?entity (COUNT(?fact) AS ?facts) ?name WHERE {
  { ?fact rdf:subject ?entity } UNION { ?fact rdf:object ?entity }
  ?entity skos:prefLabel ?name .
} GROUP BY ?entity ?name ORDER BY DESC(?facts) ?name LIMIT 1"""


def browser() -> WebDriver:
    """Debian's Chromium, headless, in Chinese, with a fixed window."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WIDTH},{HEIGHT}")
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def shoot(driver: WebDriver, url: str, ready: Callable[[WebDriver], object], path: Path) -> Path:
    """Open ``url``, wait until ``ready`` holds, and save the window as ``path``."""
    driver.get(url)
    WebDriverWait(driver, WAIT).until(ready)
    driver.save_screenshot(str(path))
    return path


def page_shots(build: Path, out: Path) -> list[Path]:
    """The query page, a search, an entity page and an article, as PNG files in ``out``."""
    row = run_query(open_store(build), BUSIEST).rows[0]
    entity, name = str(row[0]), str(row[2])
    settings = ServeSettings(port=0, timeout=30.0)
    with Endpoint(BuildStore(str(build)), named_queries(), settings, QUERY_PREFIXES) as served:
        driver = browser()
        try:
            base = served.url
            shots = [
                shoot(
                    driver,
                    f"{base}/?named=who-trained-whom",
                    lambda d: d.find_elements(By.CSS_SELECTOR, "#results a.named"),
                    out / "query_page.png",
                ),
                shoot(
                    driver,
                    f"{base}/search?q={quote(name[:2])}",
                    lambda d: d.find_elements(By.ID, "hits"),
                    out / "search.png",
                ),
                shoot(
                    driver,
                    f"{base}/entity?iri={quote(entity, safe='')}",
                    lambda d: d.find_elements(By.CSS_SELECTOR, "#neighbourhood svg"),
                    out / "entity_page.png",
                ),
            ]
            article = driver.find_element(By.CSS_SELECTOR, "a.article-link").get_attribute("href")
            shots.append(
                shoot(
                    driver,
                    str(article),
                    lambda d: d.find_elements(By.CSS_SELECTOR, "mark.evidence"),
                    out / "article.png",
                )
            )
        finally:
            driver.quit()
    return shots


def main(argv: list[str]) -> int:
    """``screenshots.py BUILD [OUT]``: write the PNG files into OUT (default docs/img)."""
    if not argv or len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    build = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "docs/img"
    out.mkdir(parents=True, exist_ok=True)
    written = page_shots(build, out)
    written += write_plots(load_graph(build), out, build.resolve().name)  # as kg plot titles
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
