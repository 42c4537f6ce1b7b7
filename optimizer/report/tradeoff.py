"""The trade-off workbook: one table of Pareto points and a chart of the front."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from optimizer.fileio import atomic_write

LABELS = {"jobs": "jobs", "recovered": "recovered waste (t/yr)",
          "local_share": "local share of feedstock value"}


def _chart(points: list[Any], measure: str, currency: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    xs = [getattr(p.plan, measure) for p in points]
    ys = [p.plan.net_value / 1e6 for p in points]
    ax.plot(xs, ys, "o-", color="#1f6f8b")
    ax.set_xlabel(LABELS[measure])
    ax.set_ylabel(f"net value (million {currency})")
    ax.set_title("Trade-off: each point is a plan no other plan beats on both")
    ax.grid(alpha=0.3)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_tradeoff(target: Path, points: list[Any], measure: str, currency: str) -> Path:
    import xlsxwriter

    png = _chart(points, measure, currency)

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp))
        sheet = book.add_worksheet("Tradeoff")
        bold = book.add_format({"bold": True})
        head = ["point", LABELS[measure], f"net value ({currency})", "jobs",
                "recovered waste (t/yr)", "local share", "lines built"]
        for j, h in enumerate(head):
            sheet.write(0, j, h, bold)
        for i, p in enumerate(points, start=1):
            row = [i, getattr(p.plan, measure), p.plan.net_value, p.plan.jobs,
                   p.plan.recovered, p.plan.local_share, ", ".join(p.plan.built)]
            for j, v in enumerate(row):
                sheet.write(i, j, v)
        sheet.set_column(0, 5, 16)
        sheet.set_column(6, 6, 80)
        sheet.insert_image(len(points) + 3, 0, "front.png", {"image_data": io.BytesIO(png)})
        book.close()

    return atomic_write(target, write)
