"""The PNG figures are drawn once and cropped to what was drawn, never cut off."""

from __future__ import annotations

import io

from PIL import Image

from optimizer.report import figures


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


def test_a_drawing_past_the_canvas_is_not_cut_off() -> None:
    """A label longer than the canvas is wide: the tight bounding box is used instead
    (the picture grows to hold it, as it always did)."""
    fig, ax = figures._figure((6, 4))
    ax.axis("off")
    ax.set_title("W" * 120, loc="left", fontsize=14)  # about 14 inches of text
    canvas_w = round(fig.get_size_inches()[0] * figures.DPI)
    width, _ = _size(figures._png(fig))
    assert width > canvas_w
