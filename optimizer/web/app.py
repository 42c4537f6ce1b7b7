"""The read-only web pages: Flask + Jinja2, plotly.js served from the plotly package.

Pages: the latest plan (``/``), the run history (``/history``), one run with its change
report (``/runs/<run id>``) and its plan (``/runs/<run id>/plan/<case>``), scenario
comparisons (``/scenarios``), and downloads (``/files/<archive|output>/<path>``).

The app never writes: it reads run records, page data and workbooks from the archive and
output folders (optimizer/web/archive.py). Every request path is resolved inside them.
Templates autoescape everything that comes from a workbook; chart data travels as JSON
in ``<script type="application/json">`` blocks (Jinja's ``tojson`` escapes ``<``, ``>``,
``&`` and quotes), read by one static script, so the Content-Security-Policy allows no
inline script at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from optimizer.report.i18n import LANGS, tr
from optimizer.web import charts, views
from optimizer.web.archive import Archive, NotFound
from optimizer.web.auth import Access

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# plotly.js sets inline style attributes on the elements it draws: 'unsafe-inline' for
# styles only; no inline or evaluated script is allowed.
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
OPEN_ENDPOINTS = {"login", "static", "plotly_js"}


@dataclass(frozen=True)
class ServeSettings:
    archive_dir: Path
    output_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    access: Access = field(default_factory=Access)
    session_minutes: int = 480
    secret_key: bytes | None = None  # default: random at start (sessions end on restart)
    secure_cookies: bool = False  # set when the proxy serves HTTPS


def plotly_js_path() -> Path:
    """plotly.min.js as shipped inside the plotly Python package."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


class _PageCache:
    """Rendered history pages, keyed by the archive's signature: a new run, a removed run
    or a rewritten record changes the key. Bounded."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.items: dict[tuple[Any, ...], str] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> str | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: tuple[Any, ...], value: str) -> None:
        with self.lock:
            if len(self.items) >= self.size:
                self.items.pop(next(iter(self.items)))
            self.items[key] = value


def _lang_url(code: str) -> str:
    """This page in another language (the other query arguments kept)."""
    args = request.args.to_dict()
    args["lang"] = code
    return "?" + urlencode(args)


def create_app(settings: ServeSettings) -> Flask:
    app = Flask("optimizer.web", root_path=str(HERE), template_folder="templates",
                static_folder="static")
    app.config.update(
        SECRET_KEY=settings.secret_key or os.urandom(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="chainopt_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=settings.session_minutes),
        MAX_CONTENT_LENGTH=16 * 1024,  # only the login form is ever posted
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.url_map.merge_slashes = False  # '//etc/passwd' is refused, not redirected
    archive = Archive(settings.archive_dir, settings.output_dir)
    access = settings.access
    cache = _PageCache()
    lifetime = settings.session_minutes * 60
    app.jinja_env.globals.update(tr=tr, LANGS=LANGS, lang_url=_lang_url,
                                 file_url=lambda area, rel: url_for("download", area=area,
                                                                    rel=rel))
    app.jinja_env.filters.update(views.FILTERS)

    @app.before_request
    def choose_language_and_check_access() -> Any:
        asked = request.args.get("lang")
        g.set_lang = asked if asked in LANGS else None
        cookie = request.cookies.get("lang")
        g.lang = g.set_lang or (cookie if cookie in LANGS else None) or \
            request.accept_languages.best_match(LANGS) or "en"
        g.user = None
        if not access.enabled or request.endpoint in OPEN_ENDPOINTS:
            return None
        g.user = access.proxy_user(request.headers, request.remote_addr)
        if g.user is None and access.users:
            at = session.get("at")
            if session.get("user") in access.users and isinstance(at, int | float) and \
                    0 <= time.time() - at <= lifetime:
                g.user = session["user"]
            elif session:
                session.clear()  # expired or for a user no longer listed
        if g.user is None:
            if access.users and request.method == "GET" and request.endpoint != "download":
                return redirect(url_for("login", next=request.full_path.rstrip("?")))
            abort(401)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if request.endpoint not in ("static", "plotly_js"):
            response.headers["Cache-Control"] = "no-store"
        if getattr(g, "set_lang", None):
            response.set_cookie("lang", g.set_lang, max_age=365 * 86400, samesite="Strict",
                                httponly=True, secure=settings.secure_cookies)
        return response

    @app.errorhandler(NotFound)
    def not_found(_exc: NotFound) -> Any:
        return render_template("message.html", message=tr("web.not_found", g.lang)), 404

    @app.errorhandler(404)
    def not_found_404(_exc: Exception) -> Any:
        return render_template("message.html", message=tr("web.not_found", g.lang)), 404

    @app.get("/static/plotly.min.js")
    def plotly_js() -> Response:
        return send_file(plotly_js_path(), mimetype="text/javascript", max_age=86400)

    @app.get("/")
    def latest() -> Any:
        found = archive.latest()
        if not found:
            return render_template("message.html", message=tr("web.no_runs", g.lang),
                                   nav="latest")
        case = request.args.get("case")
        if case not in found:
            case = next(iter(found))
        run, result = found[case]
        page = archive.page(run, result)
        return render_template("plan.html", nav="latest", **views.plan_context(
            page, g.lang, run, result, cases=list(found), output_files=archive.output_files(),
            case=case))

    @app.get("/runs/<run_id>/plan/<case>")
    def run_plan(run_id: str, case: str) -> Any:
        run = archive.run(run_id)
        result = next((c for c in run.cases if c.case == case and c.page), None)
        if result is None:
            raise NotFound(case)
        page = archive.page(run, result)
        return render_template("plan.html", nav="history", **views.plan_context(
            page, g.lang, run, result, cases=[], output_files=[], case=case))

    @app.get("/history")
    def history() -> Any:
        signature = archive.signature()
        # the page names the signed-in user: one cached page per user
        key = (hash(signature), len(signature), g.lang, request.args.get("case"), g.user)
        html = cache.get(key)
        if html is None:
            runs = archive.runs(signature)
            cases = sorted({c.case for r in runs for c in r.cases})
            case = request.args.get("case")
            if case not in cases:
                case = cases[0] if cases else ""
            latest = archive.latest().get(case)
            currency = ""
            if latest is not None:  # run records carry no currency; the page data does
                with contextlib.suppress(NotFound):
                    currency = str(archive.page(*latest).get("currency", ""))
            html = render_template("history.html", nav="history",
                                   **views.history_context(runs, case, cases, g.lang,
                                                           currency))
            cache.put(key, html)
        return html

    @app.get("/runs/<run_id>")
    def run_page(run_id: str) -> Any:
        run = archive.run(run_id)
        return render_template("run.html", nav="history",
                               **views.run_context(archive, run, g.lang))

    @app.get("/scenarios")
    def scenarios() -> Any:
        return render_template("scenarios.html", nav="scenarios",
                               comparisons=archive.comparisons())

    @app.get("/scenarios/<area>/<path:rel>")
    def scenario(area: str, rel: str) -> Any:
        from optimizer.web.scenarios import UnreadableComparison, read_comparison

        if not rel.endswith("-comparison.xlsx"):
            raise NotFound(rel)
        path = archive.resolve(area, rel)
        try:
            table = read_comparison(path)
        except UnreadableComparison as exc:
            return render_template("scenario.html", nav="scenarios", area=area, rel=rel,
                                   error=str(exc), table=None, figure=None)
        return render_template("scenario.html", nav="scenarios", area=area, rel=rel,
                               error=None, table=table, figure=charts.comparison(table, g.lang))

    @app.get("/files/<area>/<path:rel>")
    def download(area: str, rel: str) -> Response:
        path = archive.resolve(area, rel)
        return send_file(path, as_attachment=not path.name.endswith((".png", ".html")),
                         download_name=path.name, max_age=0)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if not access.users:
            abort(404)
        target = request.values.get("next", "/")
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = "/"  # never redirect off this site
        failed = False
        if request.method == "POST":
            name = request.form.get("username", "")
            if access.check_password(name, request.form.get("password", "")):
                session.clear()
                session.permanent = True
                session["user"] = name
                session["at"] = int(time.time())
                return redirect(target)
            failed = True
        return render_template("login.html", next=target, failed=failed,
                               nav=None), 401 if failed else 200

    @app.post("/logout")
    def logout() -> Any:
        session.clear()
        return redirect(url_for("login") if access.users else "/")

    return app
