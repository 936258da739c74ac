"""Headless Chromium for the page tests: Debian's Chromium and driver, driven by Selenium.

Under CI (``CI=true``, as root) ``install_chromium`` installs them with apt-get when they are
missing; on a developer's machine without them the tests that need them skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

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


def headless_chromium(downloads: Path | None = None) -> Iterator[WebDriver]:
    """A headless Chromium (saving downloads in ``downloads``), quit when the caller is done."""
    install_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
