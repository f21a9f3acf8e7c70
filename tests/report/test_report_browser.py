"""The interactive HTML report in a real headless Chromium (Debian's /usr/bin/chromium, driven by
playwright without its own browser download): it loads with no console error and no network
request, sorting and a drill-down click work, it fits 1280 px, and a screenshot is taken.

Skips with the reason where Chromium or playwright is absent; .ci/run installs Chromium first,
so in CI it runs (BIOEVAL_REQUIRE_BROWSER=1 turns the skip into a failure).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bioeval.cli import main

CHROMIUM = Path(os.environ.get("BIOEVAL_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH = 1280


def _unavailable() -> str | None:
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[Any]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("BIOEVAL_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=FLAGS, viewport={"width": WIDTH, "height": 900},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def test_the_page_sorts_drills_down_and_fits_1280px(sampled_model_run: Path, tmp_path: Path, page: Any) -> None:
    out = tmp_path / "report" / "report.html"
    assert main(["report", str(sampled_model_run), "--format", "html", "--plots", "--output", str(out)]) == 0
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    assert [url for url in requests if not url.startswith("file:")] == []

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide"

    first_cells = "Array.from(document.querySelectorAll('#leaderboard tbody tr')).map(r => r.children[1].textContent)"
    page.click("#leaderboard thead th[data-col='1']")
    # a cell reads "mean [interval] #rank": sorted by its leading number
    ascending = [float(v.split()[0]) for v in page.evaluate(first_cells) if v and _is_number(v.split()[0])]
    assert ascending == sorted(ascending) and len(ascending) > 2
    page.click("#leaderboard thead th[data-col='1']")
    descending = [float(v.split()[0]) for v in page.evaluate(first_cells) if v and _is_number(v.split()[0])]
    assert descending == sorted(descending, reverse=True)

    page.select_option("#filter-model", "copy-lm")
    assert page.locator("#leaderboard tbody tr[data-model='majority']").first.is_hidden()
    page.select_option("#filter-model", "")

    page.locator("button.drill").first.click()
    assert page.locator("#drilldown").is_visible()
    assert page.locator("#examples tbody tr").count() > 0
    header = page.locator("#examples thead th").all_text_contents()
    assert header == ["id", "rendered input", "raw output", "parsed prediction", "gold",
                      "answer choices (log-likelihood)", "error"]
    shot = tmp_path / "drilldown.png"
    page.screenshot(path=str(shot))
    page.click("#drill-close")
    assert page.locator("#drilldown").is_hidden()
    full = Path(os.environ.get("BIOEVAL_SCREENSHOT_DIR", tmp_path)) / "report-1280.png"
    page.screenshot(path=str(full), full_page=True)
    assert shot.stat().st_size > 10_000 and full.stat().st_size > 10_000
    assert errors == []


def test_statistics_link_the_examples_most_often_wrong(sampled_model_run: Path, tmp_path: Path, page: Any) -> None:
    out = tmp_path / "stats.html"
    assert main(["report", str(sampled_model_run), "--format", "html", "--output", str(out)]) == 0
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.locator("#model-vs-model").is_visible()
    assert page.locator("figure.reliability svg rect.bin").count() > 0  # a reliability diagram, drawn inline
    link = page.locator("ol.hardest a").first
    target = link.get_attribute("href")
    assert target and target.startswith("#ex-")
    assert not page.locator(f"details{target}").evaluate("e => e.open")
    link.click()
    entry = page.locator(f"details{target}")
    assert entry.evaluate("e => e.open") and entry.locator("pre").is_visible()
    assert "gold:" in entry.locator("summary").text_content()
    assert errors == []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_skip_reason_names_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "none")
    assert "no Chromium at" in (_unavailable() or "")
