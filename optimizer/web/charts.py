"""Plotly figure specifications (plain dicts, drawn by plotly.js in the browser).

plotly.js comes from the plotly Python package (its ``package_data/plotly.min.js``) and is
served by the app itself or inlined in the HTML export: no CDN. Each trace that stands
for a table row carries the row's id in ``customdata``; optimizer/web/static/app.js
scrolls to and highlights that row when it is clicked.
"""

from __future__ import annotations

import math
from typing import Any

from optimizer.report import basemap
from optimizer.report import numbers as fmt
from optimizer.report.i18n import tr

FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12}
ROLE_STYLE = {"source": ("triangle-up", "#55a868", 13), "site": ("square", "#1f4e78", 12),
              "market": ("circle", "#dd8452", 12)}
BASE_STYLE = {"coastline": ("#5d8ab4", 1.0, "solid"), "lake": ("#5d8ab4", 0.8, "solid"),
              "border": ("#8c8c8c", 0.8, "dash")}


def _layout(**extra: Any) -> dict[str, Any]:
    return {"font": FONT, "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
            "paper_bgcolor": "white", "plot_bgcolor": "white", **extra}


def sankey(page: dict[str, Any], lang: str) -> dict[str, Any] | None:
    nodes, links = page["sankey"]["nodes"], page["sankey"]["links"]
    if not links:
        return None
    t = tr("unit.t", lang)
    trace = {
        "type": "sankey", "arrangement": "snap", "valueformat": ",.0f", "valuesuffix": f" {t}",
        "node": {"label": [n["label"].get(lang, n["id"]) for n in nodes],
                 "color": [n["colour"] for n in nodes], "pad": 8, "thickness": 14,
                 # a click on a line's node finds its row in the Lines table
                 "customdata": [f"line-{n['id'][5:]}" if n["id"].startswith("line:") else ""
                                for n in nodes],
                 "x": [(0.001, 0.33, 0.66, 0.999)[min(n["col"], 3)] for n in nodes]},
        "link": {"source": [x["source"] for x in links], "target": [x["target"] for x in links],
                 "value": [x["tonnes"] for x in links],
                 "color": [_fade(nodes[x["source"]]["colour"]) for x in links]},
    }
    # x fixes the four columns; plotly places the nodes vertically
    return {"data": [trace], "layout": _layout(
        title={"text": tr("fig.sankey_title", lang, period=page["period"]), "x": 0},
        height=max(520, 16 * len(nodes)))}


def _fade(colour: str, alpha: float = 0.35) -> str:
    c = colour.lstrip("#")
    r, g, b = int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    return f"rgba({r},{g},{b},{alpha})"


def net_by_line(page: dict[str, Any], lang: str) -> dict[str, Any] | None:
    built = sorted((r for r in page["lines"] if r["built"] and r["net_value"] is not None),
                   key=lambda r: r["net_value"])
    if not built:
        return None
    cur = page["currency"]
    trace = {"type": "bar", "orientation": "h", "y": [r["line"] for r in built],
             "x": [r["net_value"] for r in built], "marker": {"color": "#1f4e78"},
             "customdata": [f"line-{r['line']}" for r in built],
             "hovertext": [f"{r['line']} · {r['product']}" for r in built],
             "hovertemplate": "%{hovertext}<br>%{x:,.0f} " + cur + "<extra></extra>"}
    return {"data": [trace], "layout": _layout(
        title={"text": tr("chart.net_by_line", lang, period=page["period"]), "x": 0},
        height=max(360, 18 * len(built) + 90), xaxis={"title": {"text": cur},
                                                      "gridcolor": "#e5e5e5"},
        yaxis={"automargin": True})}


def map_figure(page: dict[str, Any], lang: str) -> dict[str, Any] | None:
    places = page["map"]["places"]
    if not places:
        return None
    lons = [p["lon"] for p in places]
    lats = [p["lat"] for p in places]
    span = max(max(lons) - min(lons), max(lats) - min(lats), 0.5)
    pad = 0.08 * span + 0.2
    box = (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)
    mean_lat = sum(lats) / len(lats)
    data: list[dict[str, Any]] = []
    has_base = basemap.covers(*box)
    if has_base:
        for kind, paths in basemap.paths(*box).items():
            xs: list[float | None] = []
            ys: list[float | None] = []
            for path in paths:
                xs += [x for x, _ in path] + [None]
                ys += [y for _, y in path] + [None]
            colour, width, dash = BASE_STYLE[kind]
            data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys,
                         "line": {"color": colour, "width": width, "dash": dash},
                         "hoverinfo": "skip", "showlegend": False})
    where = {p["id"]: (p["lon"], p["lat"]) for p in places}
    flows = page["map"]["flows"]
    top = max((f["tonnes"] for f in flows), default=1.0) or 1.0
    legend_flow = True
    for f in flows:
        if f["origin"] not in where or f["destination"] not in where:
            continue
        (x0, y0), (x1, y1) = where[f["origin"]], where[f["destination"]]
        if (x0, y0) == (x1, y1):
            continue
        xs2, ys2 = _arc(x0, y0, x1, y1)
        label = (f"{f['origin_name']} → {f['destination_name']}: "
                 f"{fmt.tonnes(f['tonnes'], lang)}")
        data.append({"type": "scatter", "mode": "lines", "x": xs2, "y": ys2,
                     "line": {"color": "rgba(59,91,146,0.55)",
                              "width": 1.5 + 10 * f["tonnes"] / top},
                     "text": [label] * len(xs2), "hovertemplate": "%{text}<extra></extra>",
                     "customdata": [f"flow-{f['origin']}-{f['destination']}"] * len(xs2),
                     "name": tr("fig.legend_flow", lang), "legendgroup": "flow",
                     "showlegend": legend_flow})
        legend_flow = False
    for role in ("market", "site", "source"):
        chosen = [p for p in places if role in p["roles"]]
        if not chosen:
            continue
        symbol, colour, size = ROLE_STYLE[role]
        data.append({"type": "scatter", "mode": "markers+text" if role != "source" else
                     "markers", "x": [p["lon"] for p in chosen], "y": [p["lat"] for p in chosen],
                     "text": [p["name"] for p in chosen], "textposition": "top right",
                     "textfont": {"size": 10},
                     "marker": {"symbol": symbol, "color": colour, "size": size,
                                "line": {"color": "white", "width": 1}},
                     "hovertemplate": "%{text}<extra></extra>",
                     "name": tr(f"fig.legend_{role}", lang)})
    note = tr("fig.map_note" if has_base else "fig.map_note_none", lang)
    return {"data": data, "layout": _layout(
        title={"text": tr("fig.map_title", lang, period=page["period"]), "x": 0},
        height=560, showlegend=True, legend={"orientation": "h", "y": -0.12},
        plot_bgcolor="#f4f7fa", hovermode="closest",
        xaxis={"range": [box[0], box[2]], "title": {"text": tr("fig.longitude", lang)},
               "gridcolor": "#e3e8ee", "zeroline": False, "ticksuffix": "°"},
        yaxis={"range": [box[1], box[3]], "title": {"text": tr("fig.latitude", lang)},
               "gridcolor": "#e3e8ee", "zeroline": False, "ticksuffix": "°",
               # one degree of latitude is 1/cos(latitude) degrees of longitude long
               "scaleanchor": "x", "scaleratio": 1 / max(math.cos(math.radians(mean_lat)), 0.2)},
        annotations=[{"text": note, "xref": "paper", "yref": "paper", "x": 1, "y": 1.02,
                      "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 10, "color": "#666666"}}])}


def _arc(x0: float, y0: float, x1: float, y1: float, bend: float = 0.15,
         steps: int = 16) -> tuple[list[float], list[float]]:
    """A gentle quadratic curve from one place to another (so opposite flows differ)."""
    cx = (x0 + x1) / 2 + bend * (y1 - y0)
    cy = (y0 + y1) / 2 - bend * (x1 - x0)
    xs, ys = [], []
    for i in range(steps + 1):
        t = i / steps
        xs.append(round((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1, 4))
        ys.append(round((1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1, 4))
    return xs, ys


def history(points: list[dict[str, Any]], lang: str, currency: str) -> dict[str, Any] | None:
    """Net value, jobs and lines built night by night; a click opens the run."""
    if not points:
        return None
    x = [p["date"] for p in points]
    ids = [p["run_id"] for p in points]
    common = {"type": "scatter", "mode": "lines+markers", "x": x, "customdata": ids}
    data = [
        {**common, "y": [p["net_value"] for p in points], "name": tr("web.net_value", lang),
         "line": {"color": "#1f4e78"},
         "hovertemplate": "%{x}<br>%{y:,.0f} " + currency + "<extra></extra>"},
        {**common, "y": [p["jobs"] for p in points], "name": tr("kpi.jobs", lang),
         "yaxis": "y2", "line": {"color": "#548235"},
         "hovertemplate": "%{x}<br>%{y:,.0f}<extra>" + tr("kpi.jobs", lang) + "</extra>"},
        {**common, "y": [p["lines_built"] for p in points],
         "name": tr("kpi.lines_built", lang), "yaxis": "y3", "line": {"color": "#c55a11"},
         "hovertemplate": "%{x}<br>%{y}<extra>" + tr("kpi.lines_built", lang) + "</extra>"},
    ]
    return {"data": data, "layout": _layout(
        title={"text": tr("web.history_chart", lang), "x": 0}, height=620,
        hovermode="closest", legend={"orientation": "h", "y": 1.06},
        xaxis={"gridcolor": "#e5e5e5", "anchor": "y3"},
        yaxis={"domain": [0.68, 1.0], "title": {"text": currency}, "gridcolor": "#e5e5e5"},
        yaxis2={"domain": [0.35, 0.63], "title": {"text": tr("kpi.jobs", lang)},
                "gridcolor": "#e5e5e5"},
        yaxis3={"domain": [0.0, 0.30], "title": {"text": tr("kpi.lines_built", lang)},
                "gridcolor": "#e5e5e5"})}


def comparison(table: Any, lang: str) -> dict[str, Any] | None:
    """Each numeric column of a comparison sheet against its first column (scenario or
    KPI names): one small bar chart per column, side by side, each with its own axis,
    since the columns may hold different units. At most six."""
    cols = table.numeric_columns()[:6]
    if not cols or not table.rows:
        return None
    labels = [str(r[0]) if r[0] is not None else "" for r in table.rows]
    n = len(cols)
    gap = 0.06 if n > 1 else 0.0
    width = (1.0 - gap * (n - 1)) / n
    data: list[dict[str, Any]] = []
    layout = _layout(title={"text": tr("web.comparison_chart", lang), "x": 0}, height=460,
                     showlegend=False, annotations=[])
    for k, j in enumerate(cols):
        suffix = "" if k == 0 else str(k + 1)
        name = table.header[j] or f"#{j + 1}"
        data.append({"type": "bar", "name": name, "x": labels, "y": [r[j] for r in table.rows],
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                     "marker": {"color": ("#1f4e78", "#548235", "#c55a11", "#7030a0",
                                          "#2e75b6", "#bf9000")[k]},
                     "customdata": [f"row-{i}" for i in range(len(table.rows))],
                     "hovertemplate": "%{x}<br>%{y:,.4~g}<extra>" + name + "</extra>"})
        left = k * (width + gap)
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "gridcolor": "#e5e5e5",
                                    "rangemode": "tozero"}
        layout["annotations"].append({"text": name, "xref": "paper", "yref": "paper",
                                      "x": left + width / 2, "y": 1.0, "xanchor": "center",
                                      "yanchor": "bottom", "showarrow": False,
                                      "font": {"size": 12}})
    return {"data": data, "layout": layout}
