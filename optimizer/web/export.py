"""`chainopt run --html`: the latest-plan page as one self-contained HTML file.

The same template as the web page (templates/_plan.html), rendered by Jinja2 outside any
server, with the style sheet, plotly.js (from the plotly package) and app.js inlined, so
the file opens from an e-mail without a network. Written atomically beside the workbook.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from optimizer.fileio import atomic_write
from optimizer.report.i18n import LANGS, check_lang, tr
from optimizer.web import views
from optimizer.web.app import HERE, plotly_js_path

_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def _inline_js(text: str) -> str:
    """JavaScript safe inside <script>: no '</script' can end the element early."""
    return _SCRIPT_END.sub(r"<\\/\1", text).replace("<!--", "<\\!--")


def render_html(page: dict[str, Any], lang: str) -> str:
    lang = check_lang(lang)
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]))
    env.globals.update(tr=tr, LANGS=LANGS, file_url=lambda area, rel: "")
    env.filters.update(views.FILTERS)
    context = views.plan_context(page, lang, None, None, cases=[], output_files=[],
                                 case=str(page.get("case", "")))
    return env.get_template("export.html").render(
        plan_lang=lang, css=(HERE / "static" / "style.css").read_text(encoding="utf-8"),
        plotly_js=_inline_js(plotly_js_path().read_text(encoding="utf-8")),
        app_js=_inline_js((HERE / "static" / "app.js").read_text(encoding="utf-8")),
        **context)


def write_html(workbook: Path, lang: str) -> Path:
    """``<workbook>.html`` from the page data written beside the workbook."""
    page_file = workbook.with_name(f"{workbook.stem}-page.json")
    page = json.loads(page_file.read_text(encoding="utf-8"))
    html = render_html(page, lang)
    def write(tmp: Path) -> None:
        tmp.write_text(html, encoding="utf-8")

    return atomic_write(workbook.with_suffix(".html"), write)
