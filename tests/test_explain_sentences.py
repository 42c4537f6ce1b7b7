"""Each kind of line sentence, checked the way a reader would: edit the workbook as the
sentence says, re-run, and get the stated change within the sentence's rounding.

Tiny cases (tests/tiny_cases.py: F at 10/t, L1 capacity 100 with fixed cost 1000, X sold
at M for 50/t, lane 5/t; margin 35/t) cover the sentence kinds one by one; the bundled
case covers the three sentences the review found misleading (C24's entry threshold,
C25's traced loss, C02 called needed).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from optimizer.explain import explain_plan
from optimizer.pipeline import solve_workbook
from optimizer.report import story
from optimizer.report.i18n import tr
from tests.tiny_cases import Tables, add_line, add_rows, base_case, update_rows
from tests.workbook_edits import example, write_tables

pytestmark = pytest.mark.solver

_MONEY = re.compile(r"(\d[\d,.]*)\u00a0?(k|M)? USD")
_SCALE = {None: 1.0, "k": 1e3, "M": 1e6}


def stated(sentence: str, after: str = "") -> tuple[float, float]:
    """The first amount in ``sentence`` (after the text ``after``) and its rounding unit."""
    text = sentence[sentence.index(after):] if after else sentence
    hit = _MONEY.search(text)
    assert hit, sentence
    digits, scale = hit.group(1).replace(",", ""), hit.group(2)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits) * _SCALE[scale], 10.0 ** -decimals * _SCALE[scale]


def run(tables: Tables, path: Path, only: tuple[str, ...] | None = None) -> Any:
    """Solve and explain one workbook, with room for every re-solve it asks for."""
    with mock.patch("optimizer.explain.explain_plan", lambda *a, **_k: a[2]):
        outcome = solve_workbook(write_tables(tables, path), {"time_limit": 60})
    assert outcome.data is not None, outcome.issues.report()
    if outcome.results is not None:
        explain_plan(outcome.model, outcome.data, outcome.results, outcome.settings,
                     time_budget=600, replan_only=only, replan_budget=600)
    return outcome


def sentence(outcome: Any, line: str) -> str:
    rows = outcome.results.lines
    row = next(rows[rows.line == line].itertuples(index=False))
    return story.entry_text(row, outcome.data, "en")


def set_line(tables: Tables, line: str, **values: Any) -> Tables:
    return update_rows(tables, "Lines", {"line": line}, **values)


def test_closing_a_built_line(tmp_path: Path) -> None:
    """L1 alone: closing it loses the whole 2500 (re-planned: nothing else can run)."""
    base = run(base_case(), tmp_path / "a.xlsx")
    text = sentence(base, "L1")
    assert "Closing it would lower net value by" in text and "re-optimised" in text
    value, unit = stated(text)
    closed = run(set_line(base_case(), "L1", status="excluded"), tmp_path / "b.xlsx")
    assert base.objective - closed.objective == pytest.approx(value, abs=unit)


def test_needed_means_no_plan_without_it(tmp_path: Path) -> None:
    """At least one line must operate. L1 alone: it is needed (no plan without it).
    With L2 (fixed 1200) and a market for 100 t (one line's output), L1 is built and not
    needed: closing it costs 2500 - 2300 = 200, as L2 takes over."""
    t = base_case()
    add_rows(t, "Policy", {"policy": "lines_min", "value": 1})
    alone = run(t, tmp_path / "alone.xlsx")
    assert "needed" in sentence(alone, "L1")
    assert not run(set_line(base_case() | {"Policy": t["Policy"]}, "L1", status="excluded"),
                   tmp_path / "none.xlsx").status.has_plan
    t2 = add_line(base_case(), "L2", cost_fixed=1200)
    update_rows(t2, "Markets", {"market": "M"}, sales_max=100)  # room for one line only
    add_rows(t2, "Policy", {"policy": "lines_min", "value": 1})
    pair = run(t2, tmp_path / "pair.xlsx")
    text = sentence(pair, "L1")
    assert "needed" not in text
    value, unit = stated(text)
    assert value == pytest.approx(200.0, abs=unit)
    closed = run(set_line(t2, "L1", status="excluded"), tmp_path / "closed.xlsx")
    assert pair.objective - closed.objective == pytest.approx(value, abs=unit)


def _second_product_line() -> Tables:
    """L2 makes X2 from F, sold at M for 40 (margin 25/t on 100 t), fixed cost 3000: at
    the plan (L1 built) it would lose 500."""
    t = add_line(base_case(), "L2", technology="T2", cost_fixed=3000)
    add_rows(t, "Materials", {"material": "X2", "kind": "product"})
    add_rows(t, "Recipes", {"applies_to": "T2", "material": "F", "role": "input"},
             {"applies_to": "T2", "material": "X2", "role": "output", "yield": 1.0})
    add_rows(t, "Markets", {"market": "M", "material": "X2", "price": 40})
    return t


def test_entry_threshold_is_reproduced(tmp_path: Path) -> None:
    """L2 makes X at a second market M2 (price 40: margin 25/t on 100 t) with fixed cost
    3000: it would lose 500, so its fixed cost must fall by more than 500 to enter."""
    t = _second_product_line()
    base = run(t, tmp_path / "base.xlsx")
    text = sentence(base, "L2")
    assert "fixed cost would need to fall by more than" in text
    value, unit = stated(text, "fall by more than")
    assert value == pytest.approx(500.0, abs=unit)
    enters = run(set_line(t, "L2", cost_fixed=3000 - value - unit), tmp_path / "in.xlsx")
    assert bool(enters.results.lines.set_index("line").built["L2"])
    stays = run(set_line(t, "L2", cost_fixed=3000 - value + unit), tmp_path / "out.xlsx")
    assert not bool(stays.results.lines.set_index("line").built["L2"])


@pytest.mark.slow
def test_bundled_case_sentences_hold(tmp_path: Path) -> None:
    """The review's three misleading sentences, re-checked on the bundled case:
    C24's entry threshold, C25 (traced at a loss, yet closing it lowers net value) and
    C02 (called needed, though its group alternative C01 can replace it)."""
    t = example()
    base = run(t, tmp_path / "base.xlsx", only=("C24", "C25", "C02"))
    assert base.objective == pytest.approx(14_597_906, abs=1)
    lines = base.results.lines.set_index("line")
    assert lines.net_value["C25"] < 0 and lines.replan_change["C25"] < 0
    for line in ("C25", "C02"):
        text = sentence(base, line)
        assert "needed" not in text and "Closing it would lower net value by" in text
        value, unit = stated(text)
        closed = run(set_line(example(), line, status="excluded"), tmp_path / f"{line}.xlsx",
                     only=())
        assert base.objective - closed.objective == pytest.approx(value, abs=unit), line
    text = sentence(base, "C24")
    value, unit = stated(text, "fall by more than")
    fixed = next(r["cost_fixed"] for r in t["Lines"] if r["line"] == "C24")
    enters = run(set_line(example(), "C24", cost_fixed=fixed - value - unit),
                 tmp_path / "in.xlsx", only=())
    assert bool(enters.results.lines.set_index("line").built["C24"])
    stays = run(set_line(example(), "C24", cost_fixed=fixed - value + unit),
                tmp_path / "out.xlsx", only=())
    assert not bool(stays.results.lines.set_index("line").built["C24"])


def limit_text(outcome: Any, kind: str, item: str) -> tuple[str, Any]:
    mv = outcome.results.marginal
    row = next(mv[(mv.kind == kind) & (mv.item == item)].itertuples(index=False))
    return story.limit_sentence(row, outcome.data, outcome.results, "en"), row


def test_a_limit_binding_alone_has_the_same_value_both_ways(tmp_path: Path) -> None:
    """Capacity binds alone (feedstock unlimited): a tonne more adds 35, a tonne less
    loses 35, as the sentence says."""
    base = run(base_case(), tmp_path / "a.xlsx", only=())
    text, row = limit_text(base, "line_capacity", "L1")
    assert row.sides == "same" and "would lose the same" in text
    value, unit = stated(text, "would add")
    more = run(set_line(base_case(), "L1", capacity=101), tmp_path / "b.xlsx", only=())
    less = run(set_line(base_case(), "L1", capacity=99), tmp_path / "c.xlsx", only=())
    assert more.objective - base.objective == pytest.approx(value, abs=unit)
    assert base.objective - less.objective == pytest.approx(value, abs=unit)


def test_a_tie_is_said_in_words(tmp_path: Path) -> None:
    """Supply (100 t) equals L1's capacity (100 t): one more tonne of capacity adds
    nothing, one tonne less loses 35; the same for the supply. The review found the old
    sentence giving 35 to one side."""
    t = update_rows(base_case(), "Sources", {"source": "SRC_F"}, availability=100)
    base = run(t, tmp_path / "a.xlsx", only=())
    text, row = limit_text(base, "line_capacity", "L1")
    assert row.sides == "tie" and "adds nothing unless" in text
    lost, unit = stated(text, "tighter would lose")
    more = run(set_line(copy.deepcopy(t), "L1", capacity=101), tmp_path / "b.xlsx", only=())
    less = run(set_line(copy.deepcopy(t), "L1", capacity=99), tmp_path / "c.xlsx", only=())
    assert more.objective == pytest.approx(base.objective, abs=1e-6)
    assert base.objective - less.objective == pytest.approx(lost, abs=unit)
    assert base.results.lines.set_index("line").capacity_value["L1"] == pytest.approx(0.0)
    assert base.results.purchases.marginal_value.tolist() == pytest.approx([0.0])


def test_a_value_not_checked_both_ways_says_so(tmp_path: Path) -> None:
    """Where the re-solves ran out of time (large cases), a limit has only the LP's dual
    value: the sentence must not read as if it held both ways (issue 9: never state a
    one-sided value as two-sided)."""
    base = run(base_case(), tmp_path / "a.xlsx", only=())
    mv = base.results.marginal
    row = next(mv[(mv.kind == "line_capacity") & (mv.item == "L1")].itertuples(index=False))
    unchecked = row._replace(sides="")
    for lang in ("en", "az", "ru"):
        checked_text = story.limit_sentence(row, base.data, base.results, lang)
        text = story.limit_sentence(unchecked, base.data, base.results, lang)
        assert text != checked_text and text.endswith(")")
    assert "not re-checked by re-solving" in story.limit_sentence(
        unchecked, base.data, base.results, "en")


def _unreachable_line(tables: Tables) -> Tables:
    """L2 (cheap: fixed cost 100) makes X from G, but must run at half its 100 t capacity
    and only 10 t of G are offered: no plan can build it."""
    t = add_line(tables, "L2", technology="T2", cost_fixed=100, utilisation_min=0.5)
    add_rows(t, "Materials", {"material": "G", "kind": "feedstock"})
    add_rows(t, "Sources", {"source": "SRC_G", "material": "G", "location": "S",
                            "price": 10, "availability": 10})
    add_rows(t, "Recipes", {"applies_to": "T2", "material": "G", "role": "input"},
             {"applies_to": "T2", "material": "X", "role": "output", "yield": 1.0})
    return t


def test_a_line_no_plan_can_include_says_so(tmp_path: Path) -> None:
    """The re-plan with L2 forced in has no plan at all: proven, so the sentence says no
    plan can include it (it used to be left blank), and a workbook that makes L2 operate
    (status existing) has no plan."""
    base = run(_unreachable_line(base_case()), tmp_path / "base.xlsx")
    row = base.results.lines.set_index("line").loc["L2"]
    assert row.entry_status == "infeasible" and bool(row.replan_exact)
    text = sentence(base, "L2")
    assert text.startswith("Not built: no plan can include it")
    l2 = next(base.results.lines[base.results.lines.line == "L2"].itertuples(index=False))
    texts = {lang: story.entry_text(l2, base.data, lang) for lang in ("en", "az", "ru")}
    assert all(texts.values()) and len(set(texts.values())) == 3
    forced = set_line(_unreachable_line(base_case()), "L2", status="existing")
    outcome = run(forced, tmp_path / "forced.xlsx")
    assert outcome.solve is not None and not outcome.solve.status.has_plan
    assert outcome.results is None


def test_every_candidate_line_has_a_sentence(tmp_path: Path) -> None:
    """Lines the explanations did not reach in their time (large cases) say so; a line
    whose held-plan step was not reached but whose re-plan was gives the re-planned
    figure (both used to be left blank)."""
    t = _second_product_line()
    base = run(t, tmp_path / "base.xlsx")
    lines = base.results.lines.set_index("line")
    assert lines.entry_status["L1"] == "closed" and lines.entry_status["L2"] == "added"
    said = {}
    for line in ("L1", "L2"):
        row = next(base.results.lines[base.results.lines.line == line].itertuples(
            index=False))
        said[line] = exact = story.entry_text(row, base.data, "en")
        # the held-plan step not reached, the re-plan reached: the same re-planned figure
        held_missing = row._replace(entry_status="not_analysed", value_to_plan=None,
                                    change_if_built=None)
        assert story.entry_text(held_missing, base.data, "en") == exact
        # neither reached: said, in every language
        neither = held_missing._replace(replan_change=float("nan"), replan_exact=False)
        for lang in ("en", "az", "ru"):
            assert story.entry_text(neither, base.data, lang) == tr("entry.not_analysed",
                                                                    lang)
    # a line the held plan could not run (minimum utilisation) but the re-plan could:
    # its sentence and the Summary's closest line give the re-planned figure
    closest = story.closest_line(base.data, base.results, "en")
    assert "L2" in closest
    base.results.lines.loc[base.results.lines.line == "L2", "entry_status"] = "infeasible"
    base.results.lines.loc[base.results.lines.line == "L2", "change_if_built"] = None
    row = next(base.results.lines[base.results.lines.line == "L2"].itertuples(index=False))
    assert story.entry_text(row, base.data, "en") == said["L2"]
    assert story.closest_line(base.data, base.results, "en") == closest
