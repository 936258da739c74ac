"""Take a screenshot of the review page (``kg review``) of a build with headless Chromium.

    python scripts/screenshot_review.py build docs/img/review.png

The page is served on a free loopback port for the picture, with the form that adds a fact
open; nothing is posted, so the build's ``curation.jsonl`` is left as it was. Chinese text
needs a CJK font on the machine (Debian: ``fonts-wqy-microhei`` or ``fonts-noto-cjk``).
Chromium and its driver are Debian's (``apt-get install chromium chromium-driver``);
tests/serve/test_review_page.py runs this script.
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from kg.serve.review import ReviewSession
from kg.serve.review_server import ReviewServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1200, 1200)  # pixels: the first fact, its sentences and the merge suggestions
WAIT = 30  # seconds for the page to load its queue on a busy machine


def screenshot(build: Path, out: Path, reviewer: str) -> None:
    """Serve the review page of ``build`` and save a picture of it as PNG to ``out``."""
    for program in (CHROMIUM, CHROMEDRIVER):
        if not Path(program).exists():
            raise SystemExit(f"{program} is missing: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--lang=zh-CN",
        size,
    ):
        options.add_argument(argument)
    with ReviewServer(ReviewSession(build, reviewer)) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        try:
            driver.get(server.url)
            WebDriverWait(driver, WAIT).until(
                lambda d: d.execute_script("return document.body.dataset.ready === 'true'")
            )
            driver.execute_script("document.getElementById('add').open = true")
            out.parent.mkdir(parents=True, exist_ok=True)
            if not driver.save_screenshot(str(out)):
                raise SystemExit(f"{out}: Chromium could not write the screenshot")
        finally:
            driver.quit()
            server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path, help="a build directory (kg build … -o BUILD)")
    parser.add_argument("out", type=Path, help="the PNG file to write")
    parser.add_argument("--by", default="reviewer", help="the reviewer's name the page shows")
    arguments = parser.parse_args()
    screenshot(arguments.build, arguments.out, arguments.by)
    print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()
