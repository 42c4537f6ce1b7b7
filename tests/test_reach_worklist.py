"""The two reach computations of the validation (what can be present where, what is of use
where, which recipes can be fed) are worklists; each must reach the same fixed point as
sweeping every lane and recipe until nothing changes, which is what they replaced.

The sweeps are written out here as the reference, and both are run on random chains:
places, lanes (some restricted to one material, some loops), sources and recipes with
required and optional inputs.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from models.chain.data import _close
from models.chain.validate import _Graph

PLACES = [f"P{i}" for i in range(6)]
MATERIALS = ["a", "b", "c", "d"]

lanes = st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(PLACES),
                           st.sampled_from(["", *MATERIALS])), max_size=14)
sources = st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(MATERIALS)),
                   max_size=4)
recipes = st.lists(st.tuples(st.sampled_from(PLACES),
                             st.lists(st.tuples(st.sampled_from(MATERIALS), st.booleans()),
                                      max_size=3, unique_by=lambda t: t[0]),
                             st.lists(st.sampled_from(MATERIALS), max_size=2, unique=True)),
                   max_size=5)


def _swept(sets: dict[str, set[str]], edges: list[tuple[str, str, str]],
           passes: Any) -> dict[str, set[str]]:
    out: defaultdict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in sets.items()})
    changed = True
    while changed:
        changed = False
        for a, frm, to in edges:
            moved = passes(a, out[frm])
            if not moved <= out[to]:
                out[to] |= moved
                changed = True
    return {k: v for k, v in out.items() if v}


@settings(max_examples=300, deadline=None)
@given(lanes=lanes, sources=sources)
def test_close_is_the_swept_fixed_point(lanes: list[tuple[str, str, str]],
                                        sources: list[tuple[str, str]]) -> None:
    only = {f"A{i}": m for i, (_o, _d, m) in enumerate(lanes)}

    def passes(a: str, mats: set[str]) -> set[str]:
        return mats & {only[a]} if only[a] else set(mats)

    edges = [(f"A{i}", o, d) for i, (o, d, _m) in enumerate(lanes)]
    start: defaultdict[str, set[str]] = defaultdict(set)
    for place, m in sources:
        start[place].add(m)
    expected = _swept(start, edges, passes)
    _close(start, edges, passes)
    assert {k: v for k, v in start.items() if v} == expected


def _graph(lanes: list[tuple[str, str, str]], sources: list[tuple[str, str]],
           recipes: list[tuple[str, list[tuple[str, bool]], list[str]]]) -> _Graph:
    """A _Graph over a stand-in for ChainData holding just what _feedable reads."""
    d = SimpleNamespace(
        lanes=[f"A{i}" for i in range(len(lanes))],
        lane_origin={f"A{i}": o for i, (o, _d, _m) in enumerate(lanes)},
        lane_destination={f"A{i}": t for i, (_o, t, _m) in enumerate(lanes)},
        lane_material={f"A{i}": m for i, (_o, _d, m) in enumerate(lanes)},
        sources=[f"S{i}" for i in range(len(sources))],
        source_location={f"S{i}": p for i, (p, _m) in enumerate(sources)},
        source_material={f"S{i}": m for i, (_p, m) in enumerate(sources)},
        line_recipes=[(f"L{i}", "k") for i in range(len(recipes))],
        line_site={f"L{i}": site for i, (site, _in, _out) in enumerate(recipes)},
        recipe_inputs=[(f"L{i}", "k", m) for i, (_s, ins, _o) in enumerate(recipes)
                       for m, _req in ins],
        recipe_outputs=[(f"L{i}", "k", m) for i, (_s, _in, outs) in enumerate(recipes)
                        for m in outs],
        # a required input has a minimum share; the optional ones share what is left
        share_min={(f"L{i}", "k", m): (0.3 if req else 0.0)
                   for i, (_s, ins, _o) in enumerate(recipes) for m, req in ins},
        share_max={(f"L{i}", "k", m): 1.0 for i, (_s, ins, _o) in enumerate(recipes)
                   for m, _req in ins},
    )
    g = _Graph.__new__(_Graph)
    g.d = d  # type: ignore[assignment]
    g.out = defaultdict(list)
    for a in d.lanes:
        g.out[d.lane_origin[a]].append((d.lane_destination[a], d.lane_material[a]))
    g.inputs_of = defaultdict(list)
    for line, k, m in d.recipe_inputs:
        g.inputs_of[(line, k)].append(m)
    return g


def _swept_feedable(g: _Graph) -> tuple[dict[str, set[str]], set[str]]:
    """The sweeps the worklist replaced: every recipe, then every lane, until nothing
    changes."""
    d = g.d
    present: defaultdict[str, set[str]] = defaultdict(set)
    for o in d.sources:
        present[d.source_location[o]].add(d.source_material[o])
    fed: set[tuple[str, str]] = set()
    changed = True
    while changed:
        changed = False
        for line, k in d.line_recipes:
            site = d.line_site[line]
            if (line, k) in fed or not g.runnable(line, k, present[site])[0]:
                continue
            fed.add((line, k))
            present[site] |= {m for ln, kk, m in d.recipe_outputs if (ln, kk) == (line, k)}
            changed = True
        for a in d.lanes:
            o, dest, only = d.lane_origin[a], d.lane_destination[a], d.lane_material[a]
            carried = present[o] if not only else present[o] & {only}
            if not carried <= present[dest]:
                present[dest] |= carried
                changed = True
    return {k: v for k, v in present.items() if v}, {line for line, _k in fed}


@settings(max_examples=300, deadline=None)
@given(lanes=lanes, sources=sources, recipes=recipes)
def test_feedable_is_the_swept_fixed_point(lanes: list[tuple[str, str, str]],
                                           sources: list[tuple[str, str]],
                                           recipes: list[tuple[str, list[tuple[str, bool]],
                                                               list[str]]]) -> None:
    g = _graph(lanes, sources, recipes)
    present, fed = g._feedable()
    expected_present, expected_fed = _swept_feedable(g)
    assert {k: v for k, v in present.items() if v} == expected_present
    assert fed == expected_fed


def test_a_recipe_fed_by_another_at_the_same_site() -> None:
    """L0 makes b from a; L1 at the same site makes c from b, listed first: both are fed,
    and c travels on."""
    g = _graph(lanes=[("P0", "P1", "")], sources=[("P0", "a")],
               recipes=[("P0", [("b", True)], ["c"]), ("P0", [("a", True)], ["b"])])
    present, fed = g._feedable()
    assert fed == {"L0", "L1"}
    assert present["P1"] == {"a", "b", "c"}
