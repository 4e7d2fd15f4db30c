"""The real app in headless Chromium, driven as a hiring manager would drive it.

Starts ``streamlit run app.py`` on a free loopback port, opens it with Playwright using
Debian's Chromium, and saves screenshots to build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, VETTING_DATA_DIR=str(tmp_path_factory.mktemp("data")))
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        skip_or_fail("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(url)
    page.get_by_text(re.compile(r"\d+ candidates?, ranked")).wait_for(timeout=60_000)
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # the grid paints its cells after the canvas appears
    return page


def test_candidates_page_in_a_real_browser(browser, app_url: str) -> None:
    page = _open(browser, app_url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "candidates.png"), full_page=True)
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "12 candidates, ranked" in body
    assert "Social media partner for Dallah Coffee Roasters" in body
    page.close()


def test_scorecard_page_in_a_real_browser(browser, app_url: str) -> None:
    page = _open(browser, app_url)
    page.get_by_role("link", name="Scorecard").click()
    # Exact text: the Candidates page, still shown while the click is handled, has a
    # column and a caption that contain the same words.
    page.get_by_text("Judged on evidence", exact=True).wait_for(timeout=60_000)
    page.get_by_text("Criteria", exact=True).wait_for()
    page.locator("details summary").first.click()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "scorecard.png"), full_page=True)
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "Score (0–100)" in body
    # the top candidate's name, in Arabic script, is the page title
    assert page.locator("h1").first.inner_text().strip() == "نورة القحطاني"
    page.close()


def test_compare_page_in_a_real_browser(browser, app_url: str) -> None:
    page = _open(browser, app_url)
    page.get_by_role("link", name="Compare").click()
    page.get_by_text("How firm is the top place?").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / "compare.png"), full_page=True)
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "stays first" in body or "leads" in body  # the sensitivity sentences
    page.close()


def test_uploading_a_good_and_a_broken_portfolio(browser, app_url: str, tmp_path: Path) -> None:
    """A bad file is named with its reason; the good one is still scored."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"identity": {"name": "Broken Co", "kind": "agency"}, "accounts": [',
                      encoding="utf-8")
    good = ROOT / "sample_portfolios" / "maya-okafor.yaml"
    posts = sorted((ROOT / "sample_portfolios" / "data").glob("maya-okafor_*.csv"))
    page = _open(browser, app_url)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        [str(good), str(broken), *map(str, posts)]
    )
    page.get_by_role("button", name="Use these files").click()
    page.get_by_text("1 candidate, ranked").wait_for(timeout=60_000)
    page.get_by_text("broken.json: invalid JSON").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "upload-problems.png"), full_page=True)
    body = page.inner_text("body")
    assert "the file ends early: truncated?" in body
    assert "Scoring uploaded files." in body
    assert "Traceback" not in body
    page.close()
