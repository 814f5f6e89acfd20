"""End to end in a real headless Chromium (Playwright): type a formula and see its tree, identify
a number, run a small fit to the end, draw the bootstrap chain; screenshots go to tmp_path.

Skipped, with the reason, when Playwright or a Chromium binary is not available.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from web.liveserver import chromium_path

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium binary on PATH (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, headless=True, args=_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser here
            pytest.skip(f"Chromium at {exe} does not start: {str(exc).splitlines()[0]}")
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(live_server + "/")
    pg.wait_for_selector("body[data-ready='1']", timeout=30_000)
    yield pg
    context.close()
    assert not dialogs, f"the page ran a script from its input: {dialogs}"
    assert not errors, f"JavaScript errors: {errors}"


def _shot(pg, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path


def _image_loaded(pg, selector: str) -> bool:
    return pg.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_compile_draws_the_tree(page, tmp_path):
    page.fill("#compile-formula", "x*y + 1")
    page.fill("#compile-at", "x=2, y=3")
    page.select_option("#compile-backend", "arb")
    page.click("#compile-run")
    page.wait_for_selector("#compile-out:not(.hidden)", timeout=300_000)  # workers start
    page.wait_for_function("document.getElementById('compile-tree').complete")
    value, note = page.text_content("#compile-value"), page.text_content("#compile-digits")
    digits = int(note.split("arb ball: ")[1].split()[0])  # "(arb ball: 30 digits proven)"
    assert digits >= 25 and value == "7." + "0" * (digits - 1)
    assert page.text_content("#compile-decompiled") == "x*y + 1"
    assert page.text_content("#compile-stats").startswith("K = ")
    assert _image_loaded(page, "#compile-tree")
    _shot(page, tmp_path, "compile")


def test_input_is_shown_as_text_never_run(page):
    evil = "<img src=x onerror=alert(1)>"
    page.click("#tabs button[data-panel='fit']")
    page.fill("#fit-csv", f"x,y\n1,{evil}\n2,3\n")
    page.click("#fit-run")
    page.wait_for_selector("#fit-error:not(:empty)", timeout=60_000)
    assert f"{evil!r} in column 'y' is not a number" in page.text_content("#fit-error")
    assert page.locator("#fit-error img").count() == 0 and page.locator("img[src='x']").count() == 0


def test_identify_a_number(page, tmp_path):
    page.click("#tabs button[data-panel='identify']")
    page.fill("#identify-number", "2.718281828459045")
    page.fill("#identify-maxk", "9")
    page.click("#identify-run")
    page.wait_for_selector("#identify-eml tbody tr", timeout=300_000)
    first = page.locator("#identify-eml tbody tr").first.locator("td").all_text_contents()
    assert first[0] == "3" and first[1] == "16" and first[3] == "E" and first[4] == "eml(1, 1)"
    _shot(page, tmp_path, "identify")


def test_a_small_fit_runs_to_the_end(page, tmp_path):
    page.click("#tabs button[data-panel='fit']")
    page.fill("#fit-seconds", "20")
    page.click("#fit-run")
    page.wait_for_selector("#fit-out:not(.hidden)", timeout=120_000)
    assert page.text_content("#fit-formula") == "exp(x)"
    assert page.text_content("#fit-stats").startswith("exact")
    assert _image_loaded(page, "#fit-tree")
    _shot(page, tmp_path, "fit")


def test_search_panel_table_and_chain(page, tmp_path):
    page.click("#tabs button[data-panel='search']")
    page.wait_for_selector("#forms tbody tr", timeout=30_000)
    assert page.locator("#forms tbody tr").count() > 100
    page.fill("#boot-operations", "plus")
    page.fill("#boot-maxk", "5")
    page.click("#boot-run")
    page.wait_for_selector("#boot-out:not(.hidden)", timeout=300_000)
    assert page.text_content("#boot-verdict").startswith("incomplete")
    row = page.locator("#boot-chain tbody tr").first.locator("td").all_text_contents()
    assert row[1] == "2" and row[3] == "plus(1, 1)"
    page.wait_for_function("document.getElementById('boot-graph').complete")
    assert _image_loaded(page, "#boot-graph")
    _shot(page, tmp_path, "search")


def test_pcf_panel_says_whether_it_is_available(page, tmp_path):
    page.click("#tabs button[data-panel='pcf']")
    note = page.text_content("#pcf-unavailable")
    if note:
        assert "unavailable" in note and page.is_disabled("#pcf-run")
        return
    page.click("#pcf-run")
    page.wait_for_selector("#pcf-out:not(.hidden)", timeout=300_000)
    assert page.text_content("#pcf-limit").startswith("1.27323954473516")  # 4/pi
    assert page.locator("#pcf-plot polyline").count() == 1
    page.wait_for_selector("#pcf-engine tbody tr", timeout=30_000)
    assert page.locator("#pcf-engine tbody tr").first.locator("td").first.text_content() == "4/pi"
    _shot(page, tmp_path, "pcf")
