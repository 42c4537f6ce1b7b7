"""The web pages in a real browser: Debian's chromium, headless, driven by Playwright.

Each page loads without a console error (Content-Security-Policy violations are console
errors), its charts render (a screenshot of each chart is not blank), the key figures
equal the workbook's, the language switch works, a click on a chart finds its table row,
and hostile names run no script. Skips when Playwright or chromium is missing (.ci/run
installs chromium). With CHAINOPT_DOCS_SCREENSHOTS=1 the screenshots go to docs/.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from optimizer.report.i18n import tr
from optimizer.web.app import ServeSettings, create_app
from optimizer.web.archive import Archive

pytestmark = [pytest.mark.solver, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHAINOPT_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("chromium is not installed (Debian: apt-get install chromium)",
                allow_module_level=True)
DOCS = Path(__file__).resolve().parent.parent / "docs"


class Server:
    """The app under waitress on a free loopback port, in a thread (as `chainopt serve`)."""

    def __init__(self, root: Path, **settings: object) -> None:
        from waitress.server import create_server

        app = create_app(ServeSettings(root / "archive", root / "output",
                                       **settings))  # type: ignore[arg-type]
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"  # type: ignore[union-attr]
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # a chromium Playwright cannot drive: say why, skip
            pytest.skip(f"chromium at {CHROMIUM} does not start under Playwright: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(web_archive: Path) -> Iterator[Server]:
    server = Server(web_archive)
    yield server
    server.close()


class Page:
    """A browser tab that records console errors and page errors."""

    def __init__(self, browser: object, lang: str = "en") -> None:
        self.context = browser.new_context(viewport={"width": 1300, "height": 900},  # type: ignore[attr-defined]
                                           locale=lang)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def open(self, url: str, charts: int) -> None:
        self.page.goto(url)
        if charts:
            self.page.wait_for_function(
                f"document.querySelectorAll('div.chart[data-rendered=\"1\"]').length >= {charts}",
                timeout=30000)
        assert self.errors == [], self.errors

    def chart_is_drawn(self, name: str) -> None:
        """The chart's screenshot has many colours: axes, lines, bars, not a blank box."""
        from PIL import Image

        png = self.page.locator(f"#chart-{name}").screenshot()
        image = Image.open(io.BytesIO(png)).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50, name
        white = max(count for count, c in colours if c == (255, 255, 255)) if any(
            c == (255, 255, 255) for _, c in colours) else 0
        assert white < 0.97 * image.width * image.height, name

    def shot(self, name: str, tmp: Path) -> None:
        path = tmp / f"web-{name}.png"
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(path), full_page=False)
        if os.environ.get("CHAINOPT_DOCS_SCREENSHOTS"):
            shutil.copyfile(path, DOCS / path.name)

    def close(self) -> None:
        self.context.close()


def test_latest_plan_renders_with_the_workbooks_numbers(browser: object, site: Server,
                                                        web_archive: Path,
                                                        tmp_path: Path) -> None:
    tab = Page(browser)
    tab.open(site.url + "/?lang=en", charts=3)
    for name in ("sankey", "map", "net"):
        tab.chart_is_drawn(name)
    book = openpyxl.load_workbook(web_archive / "output" / "absheron-latest.xlsx",
                                  read_only=True, data_only=True)
    by_label = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=6, max_row=26,
                                                              max_col=2, values_only=True)}
    shown = tab.page.eval_on_selector_all(
        "td[data-kpi]", "els => els.map(e => [e.dataset.kpi, e.dataset.value, e.innerText])")
    assert len(shown) == 21
    for key, raw, text in shown:
        value = by_label[tr(key, "en")]
        if isinstance(value, int | float):
            assert float(raw) == pytest.approx(float(value), rel=1e-12, abs=1e-9), key
        else:
            assert text == value, key
    headline = tab.page.inner_text("#headline")
    assert headline == book["Summary"]["A2"].value
    tab.shot("latest", tmp_path)
    tab.page.locator("#chart-map").scroll_into_view_if_needed()
    tab.page.locator("#chart-map").screenshot(path=str(tmp_path / "web-map.png"))
    if os.environ.get("CHAINOPT_DOCS_SCREENSHOTS"):
        shutil.copyfile(tmp_path / "web-map.png", DOCS / "web-map.png")
    tab.close()


def test_clicking_a_bar_highlights_its_line_row(browser: object, site: Server) -> None:
    tab = Page(browser)
    tab.open(site.url + "/", charts=3)
    chart = tab.page.locator("#chart-net")
    chart.scroll_into_view_if_needed()
    bar = tab.page.locator("#chart-net g.point path").first
    bar.click(force=True)
    tab.page.wait_for_selector("tr.hit", timeout=5000)
    hit = tab.page.eval_on_selector_all("tr.hit", "els => els.map(e => e.dataset.key)")
    first_line = tab.page.evaluate(
        "JSON.parse(document.getElementById('fig-net').textContent).data[0].customdata[0]")
    assert hit == [first_line]
    assert tab.errors == []
    tab.close()


def test_language_switch(browser: object, site: Server, tmp_path: Path) -> None:
    tab = Page(browser)
    tab.open(site.url + "/?lang=en", charts=3)
    tab.page.click("a[data-lang=ru]")
    tab.page.wait_for_function("document.documentElement.lang === 'ru'")
    tab.page.wait_for_function(
        "document.querySelectorAll('div.chart[data-rendered=\"1\"]').length >= 3")
    assert tab.page.inner_text("h1") == tr("summary.title", "ru", case="absheron")
    assert tab.page.inner_text("td[data-kpi='kpi.jobs']") == "546"
    tab.shot("latest-ru", tmp_path)
    tab.page.click("a[data-lang=az]")
    tab.page.wait_for_function("document.documentElement.lang === 'az'")
    nav = tab.page.inner_text("header nav")
    assert tr("web.history", "az") in nav
    tab.page.goto(site.url + "/history")  # the cookie keeps Azerbaijani
    assert tab.page.inner_text("h1") == tr("web.history", "az")
    assert tab.errors == []
    tab.close()


def test_history_run_and_scenario_pages(browser: object, site: Server, web_archive: Path,
                                        tmp_path: Path) -> None:
    tab = Page(browser)
    tab.open(site.url + "/history", charts=1)
    tab.chart_is_drawn("history")
    rows = tab.page.locator("#runs tr[data-key]").count()
    assert rows == len(Archive(web_archive / "archive", web_archive / "output").runs())
    tab.shot("history", tmp_path)
    # a click on the newest point of the net-value line opens that run
    runs = [r for r in Archive(web_archive / "archive", web_archive / "output").runs()
            if r.cases and r.cases[0].page]
    tab.page.locator("#chart-history g.trace.scatter").first.locator("path.point").last.click(
        force=True)
    tab.page.wait_for_url(f"**/runs/{runs[0].run_id}", timeout=10000)
    assert runs[0].run_id in tab.page.inner_text("h1")
    assert "input changed" in tab.page.inner_text("table.changes")
    assert tab.errors == []
    tab.shot("run", tmp_path)
    tab.open(site.url + "/scenarios", charts=0)
    tab.close()


def test_comparison_page(browser: object, tmp_path: Path, web_archive: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(web_archive / "output", root / "output")
    (root / "archive").mkdir()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "KPIs"
    ws.append(["scenario", "net value (USD)", "jobs", "lines built"])
    for name, net, jobs, lines in (("base", 14597906, 546, 25), ("high prices", 15320142, 546,
                                                                  25),
                                   ("no recyclate", 12100450, 470, 21)):
        ws.append([name, net, jobs, lines])
    book.save(root / "output" / "absheron-comparison.xlsx")
    server = Server(root)
    try:
        tab = Page(browser)
        tab.open(server.url + "/scenarios", charts=0)
        tab.page.click("#comparisons a")
        tab.page.wait_for_function(
            "document.querySelectorAll('div.chart[data-rendered=\"1\"]').length >= 1")
        tab.chart_is_drawn("comparison")
        assert "no recyclate" in tab.page.inner_text("#comparison")
        assert tab.errors == []
        tab.shot("scenario", tmp_path)
        tab.close()
    finally:
        server.close()


def test_hostile_names_run_no_script(browser: object, hostile_archive: Path) -> None:
    from tests.conftest import HOSTILE

    server = Server(hostile_archive)
    try:
        tab = Page(browser)
        for url, charts in (("/", 1), ("/history", 0)):
            tab.open(server.url + url, charts=charts)
            assert tab.page.evaluate("window.__xss === undefined")
        text = tab.page.inner_text("body")
        assert HOSTILE["case"] in text  # the refused case name, shown as text
        tab.open(server.url + "/", charts=1)
        body = tab.page.inner_text("body")
        assert HOSTILE["line"] in body and HOSTILE["market"] in body
        assert tab.page.evaluate("window.__xss === undefined")
        tab.close()
    finally:
        server.close()


def test_html_export_works_offline(browser: object, web_archive: Path, tmp_path: Path) -> None:
    """The file `chainopt run --html` writes draws its charts with the network off."""
    from optimizer.web.export import render_html

    archive = Archive(web_archive / "archive", web_archive / "output")
    run, case = next(iter(archive.latest().values()))
    path = tmp_path / "plan.html"
    path.write_text(render_html(archive.page(run, case), "az"), encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('div.chart[data-rendered=\"1\"]').length >= 3")
    assert errors == []
    assert page.inner_text("h1") == tr("summary.title", "az", case="absheron")
    context.close()


def test_sign_in_page(browser: object, web_archive: Path) -> None:
    """With a users list the first page is the sign-in form; a wrong password says so;
    the right one opens the page asked for, with its charts."""
    from optimizer.web.auth import Access, hash_password

    server = Server(web_archive, access=Access(users={"alice": hash_password("pw 1")}))
    try:
        tab = Page(browser)
        tab.open(server.url + "/history", charts=0)
        assert "/login" in tab.page.url
        tab.page.fill("input[name=username]", "alice")
        tab.page.fill("input[name=password]", "wrong")
        tab.page.click("button[type=submit]")
        tab.page.wait_for_selector("#login-failed")
        tab.errors = [e for e in tab.errors if "401" not in e]  # the refused POST itself
        tab.page.fill("input[name=username]", "alice")
        tab.page.fill("input[name=password]", "pw 1")
        tab.page.click("button[type=submit]")
        tab.page.wait_for_url("**/history")
        tab.page.wait_for_function(
            "document.querySelectorAll('div.chart[data-rendered=\"1\"]').length >= 1")
        assert "alice" in tab.page.inner_text("header")
        assert tab.errors == []
        tab.close()
    finally:
        server.close()
