"""`chainopt serve` without a browser: pages, numbers, access, traversal, escaping, and
that the server never writes. The archives are made by real nightly runs
(tests/conftest.py ``web_archive`` and ``hostile_archive``)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient

from optimizer.report import basemap
from optimizer.report.i18n import tr
from optimizer.web import charts
from optimizer.web.app import ServeSettings, create_app
from optimizer.web.archive import Archive, NotFound
from optimizer.web.auth import Access, hash_password, read_users
from tests.conftest import HOSTILE

pytestmark = [pytest.mark.solver, pytest.mark.slow]
CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def client(root: Path, **settings: object) -> FlaskClient:
    app = create_app(ServeSettings(root / "archive", root / "output", **settings))  # type: ignore[arg-type]
    app.testing = True
    return app.test_client()


def tree(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file and folder under root with size, mtime and content hash."""
    out = {}
    for path in sorted(root.rglob("*")):
        st = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        out[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns, digest)
    return out


def kpi_cells(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([^"]+)" data-value="([^"]*)"', html))


# ---- pages --------------------------------------------------------------------------------

def test_every_page_answers_with_security_headers(web_archive: Path) -> None:
    c = client(web_archive)
    runs = Archive(web_archive / "archive", web_archive / "output").runs()
    assert len(runs) == 23
    urls = ["/", "/?lang=az", "/?lang=ru", "/history", "/history?lang=ru", "/scenarios",
            *(f"/runs/{r.run_id}" for r in runs[:5]),
            f"/runs/{runs[1].run_id}/plan/absheron"]
    for url in urls:
        r = c.get(url)
        assert r.status_code == 200, url
        assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert "script-src 'self';" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        html = r.get_data(as_text=True)
        # charts come from the package; no page loads anything from another site
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), url
    js = c.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.data) > 1_000_000
    assert b"plotly" in js.data[:2000].lower()


def test_latest_plan_kpis_equal_the_published_workbook(web_archive: Path) -> None:
    """The page's key figures are the numbers on the workbook's Summary sheet (column B
    next to each label), as raw values and as the sheet's number format writes them."""
    html = client(web_archive).get("/?lang=en").get_data(as_text=True)
    book = openpyxl.load_workbook(web_archive / "output" / "absheron-latest.xlsx",
                                  read_only=True, data_only=True)
    sheet = book["Summary"]
    by_label = {row[0]: row[1] for row in sheet.iter_rows(min_row=6, max_row=26, max_col=2,
                                                          values_only=True)}
    page = kpi_cells(html)
    assert len(page) == 21
    for key, raw in page.items():
        value = by_label[tr(key, "en")]
        if isinstance(value, int | float):
            assert float(raw) == pytest.approx(float(value), rel=1e-12, abs=1e-9), key
        else:
            assert f'data-kpi="{key}" data-value="{value}">{value}<' in html, key
    net = float(page["kpi.net"])
    assert f">{net:,.0f} USD<" in html
    headline = re.search(r'<p class="headline" id="headline">(.*?)</p>', html, re.S)
    assert headline and headline.group(1) == sheet["A2"].value


def test_language_switch_sets_a_cookie_and_translates(web_archive: Path) -> None:
    c = client(web_archive)
    r = c.get("/?lang=ru")
    assert 'lang=ru' in r.headers["Set-Cookie"]
    html = r.get_data(as_text=True)
    assert '<html lang="ru">' in html and tr("summary.title", "ru", case="absheron") in html
    assert tr("web.latest", "ru") in html
    again = c.get("/history").get_data(as_text=True)  # the cookie keeps the choice
    assert f"<h1>{tr('web.history', 'ru')}</h1>" in again


def test_history_lists_every_night_with_failures_and_reasons(web_archive: Path) -> None:
    html = client(web_archive).get("/history").get_data(as_text=True)
    archive = Archive(web_archive / "archive", web_archive / "output")
    runs = archive.runs()
    for run in runs:
        assert f'href="/runs/{run.run_id}"' in html
    failed = [r for r in runs if r.failed]
    assert failed and runs[0].exit_code == 20  # the last real night: invalid workbook
    assert html.count('class="failed"') == len(failed)
    assert "the workbook has errors" in html  # the exit code's meaning, as a reason
    assert "price" in html  # the validation issue's column message
    figure = json.loads(re.search(r'<script type="application/json" id="fig-history">(.*?)'
                                  r"</script>", html, re.S).group(1))
    ok = [r for r in reversed(runs) if r.cases and r.cases[0].objective is not None]
    assert figure["data"][0]["customdata"] == [r.run_id for r in ok]
    assert figure["layout"]["yaxis"]["title"]["text"] == "USD"  # the case's currency
    assert figure["data"][0]["y"] == pytest.approx([r.cases[0].kpis["net_value"] for r in ok])


def test_run_page_shows_the_change_report_against_the_previous_run(web_archive: Path) -> None:
    """Night 2 raised three market prices by 8 %: the run page lists those three cells
    (sheet Markets, old and new value) and the change in net value is night 2's minus
    night 1's (both read from their run records)."""
    archive = Archive(web_archive / "archive", web_archive / "output")
    real = [r for r in archive.runs() if r.cases and r.cases[0].page][:2]
    night2, night1 = real
    html = client(web_archive).get(f"/runs/{night2.run_id}").get_data(as_text=True)
    changed = re.findall(r"<tr><td>input changed</td><td>Markets</td><td>([^<]*)</td>"
                         r'<td>price</td><td class="num">([^<]*)</td><td class="num">([^<]*)'
                         r"</td></tr>", html)
    assert len(changed) == 3
    for _row, old, new in changed:
        old_value, new_value = (float(v.replace(",", "")) for v in (old, new))
        assert new_value == pytest.approx(round(old_value * 1.08, 2))
    delta = night2.cases[0].kpis["net_value"] - night1.cases[0].kpis["net_value"]
    assert delta > 0
    assert f">+{delta:,.0f} USD<" in html
    assert f'href="/runs/{night1.run_id}"' in html


def test_comparison_workbooks_are_listed_and_read_generically(web_archive: Path,
                                                              tmp_path: Path) -> None:
    """Any <name>-comparison.xlsx in the output folder (or the archive) is listed; its first
    sheet's table is shown as text and charted; a damaged one gets a message."""
    root = tmp_path / "site"
    (root / "archive").mkdir(parents=True)
    (root / "output").mkdir()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "KPIs"
    ws.append(["scenario", "net value", "jobs", "note"])
    ws.append(["base", 14597906.0, 546, "<b>as planned</b>"])
    ws.append(["high prices", 15320142.0, 546, "+8 %"])
    book.save(root / "output" / "prices-comparison.xlsx")
    (root / "archive" / "20260101-000000-abcdef").mkdir()
    (root / "archive" / "20260101-000000-abcdef" / "bad-comparison.xlsx").write_text("no")
    c = client(root)
    listing = c.get("/scenarios").get_data(as_text=True)
    assert "prices-comparison.xlsx" in listing and "bad-comparison.xlsx" in listing
    html = c.get("/scenarios/output/prices-comparison.xlsx").get_data(as_text=True)
    assert "&lt;b&gt;as planned&lt;/b&gt;" in html and "<b>as planned" not in html
    assert "15,320,142" in html and "high prices" in html
    figure = json.loads(re.search(r'id="fig-comparison">(.*?)</script>', html, re.S).group(1))
    assert [t["name"] for t in figure["data"]] == ["net value", "jobs"]  # "note": text
    assert figure["data"][0]["y"] == [14597906.0, 15320142.0]
    bad = c.get("/scenarios/archive/20260101-000000-abcdef/bad-comparison.xlsx")
    assert bad.status_code == 200 and "cannot be shown" in bad.get_data(as_text=True)
    assert c.get("/scenarios/output/absent-comparison.xlsx").status_code == 404


# ---- security -----------------------------------------------------------------------------

TRAVERSALS = [
    "/files/archive/../output/absheron-latest.xlsx",
    "/files/archive/..%2Foutput%2Fabsheron-latest.xlsx",
    "/files/archive/%2e%2e/output/absheron-latest.xlsx",
    "/files/archive/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/files/output/%2Fetc%2Fpasswd",
    "/files/output//etc/passwd",
    "/files/output/..%5C..%5Cetc%5Cpasswd",
    "/files/output/.absheron-latest.plan.json",
    "/files/output/%2Eabsheron-latest.plan.json",
    "/files/archive/x/../../output/absheron-latest.xlsx",
    "/files/etc/passwd",
    "/files/archive/run.json",
    "/scenarios/output/..%2F..%2Fetc%2Fpasswd-comparison.xlsx",
    "/runs/..%2F..%2Fetc",
    "/runs/20260101-000000-abcdef/plan/..%2F..%2Fetc",
]


def test_path_traversal_is_refused(web_archive: Path) -> None:
    c = client(web_archive)
    assert c.get("/files/output/absheron-latest.xlsx").status_code == 200
    for url in TRAVERSALS:
        r = c.get(url)
        assert r.status_code == 404, url
        assert b"root:" not in r.data and b"PK" not in r.data[:2], url
    archive = Archive(web_archive / "archive", web_archive / "output")
    for rel in ("../output/absheron-latest.xlsx", "/etc/passwd", "a/../../x.xlsx",
                "C:\\x.xlsx", ".hidden.xlsx", "run.json", "x.xlsx\x00.png", ""):
        with pytest.raises(NotFound):
            archive.resolve("archive", rel)


def test_a_link_leading_out_of_the_archive_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.xlsx"
    outside.write_bytes(b"PK secret")
    (tmp_path / "archive").mkdir()
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "link.xlsx").symlink_to(outside)
    (tmp_path / "output" / "inside.xlsx").write_bytes(b"PK inside")
    c = client(tmp_path)
    assert c.get("/files/output/link.xlsx").status_code == 404
    assert c.get("/files/output/inside.xlsx").data == b"PK inside"


def test_hostile_names_are_shown_as_text(hostile_archive: Path) -> None:
    """A line ID, market name and product name made of HTML and script reach the pages
    only escaped: as text in tables, as JSON with <, > and & escaped in chart data."""
    c = client(hostile_archive)
    pages = [c.get(u).get_data(as_text=True) for u in ("/", "/history")]
    runs = Archive(hostile_archive / "archive", hostile_archive / "output").runs()
    pages += [c.get(f"/runs/{r.run_id}").get_data(as_text=True) for r in runs]
    joined = "\n".join(pages)
    for text in HOSTILE.values():
        assert text not in joined
    assert "&lt;svg onload=window.__xss=3&gt;" in joined or \
        "\\u003csvg onload=window.__xss=3\\u003e" in joined
    assert "L&#34;&gt;&lt;img src=x onerror=window.__xss=2&gt;" in joined
    assert "\\u003c/script\\u003e\\u003cscript\\u003ewindow.__xss=4" in joined
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in joined  # refused case name
    for page in pages:  # the only script elements are the app's own
        scripts = re.findall(r"<script[^>]*>", page)
        assert all(s in ('<script src="/static/plotly.min.js" defer>',
                         '<script src="/static/app.js" defer>',
                         '<script type="application/json" id="fig-sankey">',
                         '<script type="application/json" id="fig-map">',
                         '<script type="application/json" id="fig-net">',
                         '<script type="application/json" id="fig-history">')
                   for s in scripts), scripts


def test_authentication_is_required_when_users_are_listed(web_archive: Path,
                                                          tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_text(f"# ministry readers\nalice:{hash_password('s3cret pass')}\n")
    c = client(web_archive, access=Access(users=read_users(users)), session_minutes=1)
    for url in ("/", "/history", "/scenarios", "/runs/x"):
        r = c.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
    assert c.get("/files/output/absheron-latest.xlsx").status_code == 401
    assert c.post("/logout").status_code == 401
    assert c.post("/login", data={"username": "alice", "password": "wrong"}).status_code == 401
    assert c.post("/login", data={"username": "bob", "password": "s3cret pass"}
                  ).status_code == 401
    r = c.post("/login", data={"username": "alice", "password": "s3cret pass",
                               "next": "//evil.example/x"})
    assert r.status_code == 302 and r.headers["Location"] == "/"  # no open redirect
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Expires=" in cookie
    assert c.get("/").status_code == 200
    assert c.get("/files/output/absheron-latest.xlsx").status_code == 200
    # a minute later the sign-in has expired, whatever the browser keeps
    real = time.time
    try:
        time.time = lambda: real() + 61  # type: ignore[assignment]
        r = c.get("/history")
    finally:
        time.time = real  # type: ignore[assignment]
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_each_user_sees_their_own_name_on_a_cached_page(web_archive: Path) -> None:
    """The history page is cached; the cache must not hand one user's page to another."""
    c = client(web_archive, access=Access(proxy_header="X-Remote-User"))
    for name in ("alice", "bob", "alice"):
        html = c.get("/history", headers={"X-Remote-User": name}).get_data(as_text=True)
        assert f"<span>{name}</span>" in html
        assert f"<span>{'bob' if name == 'alice' else 'alice'}</span>" not in html


def test_proxy_header_is_trusted_only_from_the_proxy(web_archive: Path) -> None:
    c = client(web_archive, access=Access(proxy_header="X-Remote-User"))
    assert c.get("/", headers={"X-Remote-User": "alice"}).status_code == 200
    assert c.get("/").status_code == 401  # proxy sent no user
    r = c.get("/", headers={"X-Remote-User": "alice"},
              environ_base={"REMOTE_ADDR": "10.1.2.3"})  # someone bypassing the proxy
    assert r.status_code == 401


def test_users_file_problems_are_reported_by_line(tmp_path: Path) -> None:
    from optimizer.errors import ChainoptError

    path = tmp_path / "users"
    path.write_text("alice:plaintext\n\nbob\nalice:scrypt:32768:8:1$x$y\n")
    with pytest.raises(ChainoptError) as exc:
        read_users(path)
    text = str(exc.value)
    assert "line 1:" in text and "line 3:" in text
    path.write_text("# nobody\n")
    with pytest.raises(ChainoptError, match="lists no user"):
        read_users(path)


def test_the_server_never_writes(web_archive: Path, tmp_path: Path) -> None:
    """Every page, every download, every language and a refused login later, the archive
    and output folders are byte for byte and timestamp for timestamp as before."""
    before = tree(web_archive / "archive"), tree(web_archive / "output")
    c = client(web_archive)
    archive = Archive(web_archive / "archive", web_archive / "output")
    for lang in ("en", "az", "ru"):
        c.get(f"/?lang={lang}")
        c.get("/history")
        c.get("/scenarios")
        for run in archive.runs()[:4]:
            c.get(f"/runs/{run.run_id}")
            for case in run.cases:
                c.get(f"/runs/{run.run_id}/plan/{case.case}")
            for name in run.files:
                c.get(f"/files/archive/{run.run_id}/{name}")
    for name in archive.output_files():
        c.get(f"/files/output/{name}")
    for url in TRAVERSALS:
        c.get(url)
    after = tree(web_archive / "archive"), tree(web_archive / "output")
    assert after == before


def test_serve_refuses_a_public_address_without_authentication(tmp_path: Path) -> None:
    out = subprocess.run([CHAINOPT, "serve", "--archive-dir", str(tmp_path), "--output-dir",
                          str(tmp_path), "--host", "0.0.0.0"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 2
    assert "--users" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([CHAINOPT, "serve"], capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 2 and "--archive-dir" in out.stderr


def test_hash_password_prints_a_users_file_line(tmp_path: Path) -> None:
    out = subprocess.run([CHAINOPT, "serve", "--hash-password"], input="alice\npw 1\npw 1\n",
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("alice:scrypt:")
    path = tmp_path / "users"
    path.write_text(line + "\n")
    access = Access(users=read_users(path))
    assert access.check_password("alice", "pw 1") and not access.check_password("alice", "pw")


# ---- the map's base and the HTML export ------------------------------------------------------

def test_map_draws_coastline_and_borders_where_the_data_covers(web_archive: Path) -> None:
    archive = Archive(web_archive / "archive", web_archive / "output")
    run, case = next(iter(archive.latest().values()))
    page = archive.page(run, case)
    figure = charts.map_figure(page, "en")
    assert figure is not None
    lines = [t for t in figure["data"] if t.get("hoverinfo") == "skip"]
    assert len(lines) == 3  # coastline, lakes, borders
    coast = lines[0]["x"]
    assert sum(1 for x in coast if x is None) >= 2 and len(coast) > 200  # several paths
    # the Absheron peninsula's shore passes within 0.2 degrees of Baku (49.87 E, 40.41 N)
    pts = [p for path in basemap.paths(49, 40, 51, 41)["coastline"] for p in path]
    assert min(abs(x - 49.87) + abs(y - 40.41) for x, y in pts) < 0.2
    # a case in South America: no base map there, and the note says so
    far = {**page, "map": {"places": [{"id": "A", "name": "A", "lat": -23.5, "lon": -46.6,
                                       "roles": ["site"]}], "flows": []}}
    other = charts.map_figure(far, "en")
    assert other is not None and not [t for t in other["data"] if t.get("hoverinfo") == "skip"]
    assert other["layout"]["annotations"][0]["text"] == tr("fig.map_note_none", "en")


def test_results_workbook_map_draws_the_basemap(absheron_outcome: object) -> None:
    """The workbook's map (matplotlib) draws the same Natural Earth paths: more line
    artists than flows and places alone would need."""
    from optimizer.report import figures

    o = absheron_outcome
    d, res = o.data, o.results  # type: ignore[attr-defined]
    _fig, ax = figures._figure((8, 5))
    ax.set_xlim(44 * 0.76, 53 * 0.76)
    ax.set_ylim(39, 44)
    assert figures._draw_basemap(ax, figures._Geo(40.5))
    assert len(ax.lines) > 50 and ax.get_xlim() == (44 * 0.76, 53 * 0.76)
    png = figures.draw_map(d, res, figures.map_lines(d, res), "en", d.last_period)
    assert png[:4] == b"\x89PNG"


def test_run_html_writes_one_self_contained_page(tmp_path: Path) -> None:
    from tests.tiny_cases import base_case
    from tests.workbook_edits import write_tables

    book = write_tables(base_case(), tmp_path / "tiny.xlsx")
    out = subprocess.run([CHAINOPT, "run", str(book), "-o", str(tmp_path / "res"), "--html",
                          "--lang", "ru", "-q"], capture_output=True, text=True, timeout=300,
                         check=False)
    assert out.returncode == 0, out.stderr
    (page,) = (tmp_path / "res").glob("*.html")
    assert f"HTML: {page}" in out.stdout
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=""", html)  # nothing to fetch
    assert "Plotly" in html and '<html lang="ru">' in html
    assert tr("summary.title", "ru", case="tiny") in html
    assert 'data-kpi="kpi.net" data-value="2500.0"' in html  # 35 x 100 - 1000, tiny_cases
    assert sorted(p.suffix for p in (tmp_path / "res").iterdir()) == [
        ".html", ".json", ".png", ".xlsx"]  # no temporary file left behind


def test_serve_reads_the_folders_from_the_nightly_config(tmp_path: Path) -> None:
    from optimizer.commands.serve import _from_config

    config = tmp_path / "etc" / "nightly.toml"
    config.parent.mkdir()
    config.write_text('inputs = ["in"]\noutput_dir = "latest"\narchive_dir = "/srv/archive"\n'
                      'log_dir = "logs"\ntime_limit = 600\n')
    assert _from_config(config) == {"output_dir": tmp_path / "etc" / "latest",
                                    "archive_dir": Path("/srv/archive")}
