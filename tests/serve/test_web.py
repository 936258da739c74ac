"""The query page in a real headless browser: Debian's Chromium driven by Selenium.

Chromium and its driver come from Debian's packages (``chromium``, ``chromium-driver``). Under
CI (``CI=true``, as root) the set-up installs them with apt-get when they are missing; on a
developer's machine without them these tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait
from serving import LV, QUERIES

from kg.serve.endpoint import Endpoint

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 20  # seconds; the first page load of a cold browser on a busy CI machine is slow


def install_chromium() -> None:
    """Make Debian's Chromium and driver available: install under CI, else skip."""
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    if os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed: apt-get install chromium chromium-driver")
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail("CI needs Chromium: run as root on Debian so apt-get can install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    packages = ["chromium", "chromium-driver"]
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    subprocess.run(install, check=True, env=env)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """A headless Chromium (Debian's), closed after the module's tests."""
    install_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def result_rows(driver: WebDriver) -> list[list[str]]:
    """The text of every cell of the results table, row by row."""
    rows = driver.find_elements(By.CSS_SELECTOR, "#results table tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


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
    WebDriverWait(browser, WAIT).until(lambda d: result_rows(d))
    link = browser.find_element(By.CSS_SELECTOR, "#results td a.iri")
    assert link.text.endswith("PERSON:吕国梁")  # percent-escapes decoded for reading
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
    assert "malformed query" in browser.find_element(By.ID, "status").text
