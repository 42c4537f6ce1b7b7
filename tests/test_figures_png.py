"""The PNG figures are drawn once and cropped to what was drawn, never cut off."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle
from PIL import Image

from optimizer.report import figures
from tests.tiny_cases import base_case, replace_rows, solve_tables, update_rows


def _size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_a_figure_is_cropped_to_its_drawing_with_a_white_border() -> None:
    fig, ax = figures._figure((6, 4))
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0.5, 0.5, "middle", ha="center", va="center", fontsize=20)
    canvas_w, canvas_h = (round(v * figures.DPI) for v in fig.get_size_inches())
    draws = []
    draw = fig.draw

    def counted(renderer: object) -> None:
        draws.append(renderer)
        draw(renderer)  # type: ignore[arg-type]

    fig.draw = counted  # type: ignore[method-assign]
    png = figures._png(fig)
    assert len(draws) == 1  # savefig(bbox_inches="tight") draws twice
    width, height = _size(png)
    assert width < canvas_w / 3 and height < canvas_h / 3  # the word, not the canvas
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pad = round(figures.PAD_IN * figures.DPI)
    border = [image.getpixel((x, y)) for x in range(width) for y in (0, pad - 1)]
    assert set(border) == {(255, 255, 255)}
    assert any(image.getpixel((x, height // 2)) != (255, 255, 255) for x in range(width))


def test_ink_is_any_pixel_not_white_whatever_its_alpha() -> None:
    """``_ink`` reads each pixel as one word: the same pixels as comparing the three
    colour channels with white, for near-white and see-through pixels too."""
    rng = np.random.default_rng(7)
    rgba = np.full((40, 30, 4), 255, dtype=np.uint8)
    rgba[rng.random((40, 30)) < 0.3] = rng.integers(0, 256, (4,), dtype=np.uint8)
    rgba[0, 0] = (255, 255, 254, 255)  # one channel off white: ink
    rgba[1, 1] = (255, 255, 255, 0)  # white, see-through: no ink
    rgba[2, 2] = (254, 255, 255, 17)
    rgba[:, :, 3] = np.where(rng.random((40, 30)) < 0.5, rgba[:, :, 3], 128)
    expected = (rgba[:, :, :3] != 255).any(axis=2)
    assert expected[0, 0] and not expected[1, 1] and expected[2, 2]
    assert np.array_equal(figures._ink(rgba), expected)


def test_the_png_is_opaque_rgb_pixel_for_pixel_the_drawing() -> None:
    """The PNG leaves out the alpha channel (the background is opaque white) and keeps
    every colour of the canvas it was cropped from."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, ax = figures._figure((6, 4))
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.add_patch(Rectangle((0.2, 0.2), 0.5, 0.4, color="#3a7dc9", alpha=0.6))
    ax.text(0.5, 0.5, "Sumqayıt", ha="center", va="center", fontsize=20, color="#b3261e")
    image = Image.open(io.BytesIO(figures._png(fig)))
    assert image.mode == "RGB"
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[:, :, :3]
    drawn = np.asarray(image)
    pad = round(figures.PAD_IN * figures.DPI)
    ink = np.argwhere((rgb != 255).any(axis=2))
    top, left = ink.min(axis=0) - pad
    assert np.array_equal(drawn, rgb[top:top + drawn.shape[0], left:left + drawn.shape[1]])


def test_a_drawing_past_the_canvas_is_not_cut_off() -> None:
    """A label longer than the canvas is wide: the tight bounding box is used instead
    (the picture grows to hold it, as it always did)."""
    fig, ax = figures._figure((6, 4))
    ax.axis("off")
    ax.set_title("W" * 120, loc="left", fontsize=14)  # about 14 inches of text
    canvas_w = round(fig.get_size_inches()[0] * figures.DPI)
    width, _ = _size(figures._png(fig))
    assert width > canvas_w


def test_a_sankey_with_more_markets_than_it_can_label_groups_the_smallest(
        tmp_path: Path) -> None:
    """60 markets, each buying a different amount: the 44 that buy the most keep their
    own node, the 16 smallest share one, '16 other markets', and every tonne sold is
    still drawn. Before, a 1,000-customer case drew 1,000 labels over each other (6 s of
    its write)."""
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, capacity=100_000)
    count = figures.MAX_SANKEY_NODES + 15
    names = [f"M{i:02d}" for i in range(1, count + 1)]
    replace_rows(tables, "Locations", *({"location": n} for n in names))
    replace_rows(tables, "Markets", *({"market": n, "material": "X", "price": 50,
                                       "sales_max": 10 * i} for i, n in enumerate(names, 1)))
    replace_rows(tables, "Lanes", *({"lane": f"S-{n}", "origin": "S", "destination": n,
                                     "cost": 5} for n in names))
    status, _objective, res, data = solve_tables(tables, tmp_path)
    assert res is not None and status.has_plan
    sold = res.sales[res.sales.period == data.last_period].tonnes.sum()
    assert sold == pytest.approx(10 * count * (count + 1) / 2)  # every market buys all
    links = figures.sankey_links(data, res)
    into = links[links.target_col == 3].groupby("target").tonnes.sum()
    assert into.sum() == pytest.approx(sold)
    others = f"other:3:{count - figures.MAX_SANKEY_NODES + 1}"
    assert len(into) == figures.MAX_SANKEY_NODES and others in into
    kept = names[-(figures.MAX_SANKEY_NODES - 1):]  # the ones that buy the most
    assert set(into.index) - {others} == {f"market:{n}" for n in kept}
    smallest = range(1, count - figures.MAX_SANKEY_NODES + 2)
    assert into[others] == pytest.approx(10 * sum(smallest))
    assert figures.node_label(data, others) == "16 other markets"
    assert figures.node_label(data, others, "ru") == "Другие рынки: 16"
    assert _size(figures.draw_sankey(data, links, "en", data.last_period))[0] > 100


def test_every_crowded_column_is_grouped_but_where_tonnes_go_is_kept() -> None:
    """The grouping works per column on any node that names an offer, line, site,
    product or market: 100 feedstock materials into one line become 44 named and '56
    other feedstocks'; 'made in the cluster', 'used by other lines' and 'disposed of' are
    never grouped away."""
    rows = [{"source": f"feedmat:D{i}:1", "target": "line:L1", "tonnes": float(i),
             "stage": "feed", "source_col": 0, "target_col": 1} for i in range(1, 101)]
    rows += [{"source": "made:X", "target": "line:L1", "tonnes": 0.5, "stage": "internal",
              "source_col": 0, "target_col": 1},
             {"source": "line:L1", "target": "material:X", "tonnes": 5050.5, "stage": "make",
              "source_col": 1, "target_col": 2},
             {"source": "material:X", "target": "disposed", "tonnes": 0.5,
              "stage": "dispose", "source_col": 2, "target_col": 3},
             {"source": "material:X", "target": "market:M", "tonnes": 5050.0,
              "stage": "sell", "source_col": 2, "target_col": 3}]
    links = figures._fewer_nodes(pd.DataFrame(rows))
    col0 = links[links.source_col == 0].groupby("source").tonnes.sum()
    assert len(col0) == figures.MAX_SANKEY_NODES + 1  # 44 named, the others, made:X
    assert "made:X" in col0 and col0["other:0:56"] == pytest.approx(sum(range(1, 57)))
    assert {f"feedmat:D{i}:1" for i in range(57, 101)} <= set(col0.index)
    assert col0.sum() == pytest.approx(sum(range(1, 101)) + 0.5)
    assert set(links.target[links.target_col == 3]) == {"disposed", "market:M"}


def test_labels_that_would_cover_each_other_are_left_out_smallest_first() -> None:
    """Largest node first; a label closer than one label's height to one already placed
    is left out (its band is still drawn, and the Value chain sheet names it)."""
    centres = {"big": 0.50, "thin": 0.505, "mid": 0.60, "near_mid": 0.615, "far": 0.90}
    values = {"big": 100.0, "thin": 1.0, "mid": 50.0, "near_mid": 2.0, "far": 0.5}
    assert figures._labels_that_fit(centres, values, 0.02) == {"big", "mid", "far"}
    assert figures._labels_that_fit(centres, values, 0.001) == set(centres)
    assert figures._labels_that_fit(centres, values, 1.0) == {"big"}
