"""Held-LP re-solves and MILP re-plans in a worker process (part of optimizer/solve.py:
``HeldPool`` and ``ReplanPool``).

The explanations re-solve the LP with every build decision held at the plan once per
line (closing a built line, adding or swapping one not built). Each re-solve starts from
the plan and is independent of the others, so on a machine with two or more cores some
of them run here, on a copy of the held LP, while the run's own process does the rest.

Started as ``python -m optimizer._held_worker FOLDER``. FOLDER holds ``model.npz`` (the
MILP's arrays, optimizer/_highs_child.py), ``held.npz`` (the held LP's column and row
bounds, and its optimal basis as ``col_status``/``row_status`` when there is one) and
``options.json`` (the run's HiGHS options). The process prints ``ready`` once the held LP
is loaded, then answers each line of its standard input, a JSON object
``{"cols": [[column, lower, upper], ...], "limit": seconds, "from_plan": bool}``, with
one JSON line ``{"objective": value or null, "timed_out": bool}``: exactly what
``HeldLP.solve`` gives for those bounds (``from_plan``: from the plan's basis). Protocol
lines start with ``_highs_child.PREFIX``. It ends at the end of its input.

Without ``held.npz`` it holds no held LP and answers only re-plans: a line
``{"kind": "replan", "job": LineJob, "seconds": s, "expected": s}`` is answered with a
``LineAnswer`` (optimizer/_replan.py, the same function the run's own process calls) on a
copy of the MILP, loaded before it says ``ready`` (a held-LP worker loads one at the first
such line).
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import highspy
import numpy as np

from optimizer._held_blocks import HeldBlocks
from optimizer._highs_child import PREFIX, ModelArrays, load_arrays, make_highs
from optimizer._replan import (
    LineJob,
    RelaxedLP,
    basis_of,
    from_plan,
    lp_optimum,
    replan_line,
)


def _held_arrays(z: Any, arrays: ModelArrays) -> ModelArrays:
    """The held LP: the model's arrays with the held bounds of held.npz (``z``)."""
    return ModelArrays(cost=arrays.cost, offset=arrays.offset, maximize=arrays.maximize,
                       col_lower=z["col_lower"], col_upper=z["col_upper"],
                       row_lower=z["row_lower"], row_upper=z["row_upper"],
                       a_start=arrays.a_start, a_index=arrays.a_index,
                       a_value=arrays.a_value, integer=np.zeros(0, dtype=bool))


def held_highs(folder: Path, arrays: ModelArrays | None = None,
               ) -> tuple[highspy.Highs, np.ndarray, np.ndarray]:
    """The held LP of ``folder`` (integrality dropped, held bounds, the plan's basis) and
    its column bounds, which each job's changes are put back to."""
    if arrays is None:
        arrays = load_arrays(folder / "model.npz")
    with np.load(folder / "held.npz") as z:
        held = _held_arrays(z, arrays)
        col_status = z.get("col_status", None)
        row_status = z.get("row_status", None)
    h = make_highs(held, relax_integers=True)
    for key, value in json.loads((folder / "options.json").read_text()).items():
        h.setOptionValue(key, value)
    if col_status is not None and row_status is not None:
        h.setBasis(basis_of(col_status, row_status))
    return h, held.col_lower, held.col_upper


def held_blocks(folder: Path, arrays: ModelArrays) -> HeldBlocks | None:
    """The held LP of ``folder`` in blocks (optimizer/_held_blocks.py), when held.npz
    names them (``row_block``, ``col_block`` and the held LP's ``objective`` at the plan)
    and they add up to it; else None."""
    with np.load(folder / "held.npz") as z:
        if "row_block" not in z or "col_status" not in z:
            return None
        blocks = HeldBlocks(_held_arrays(z, arrays), z["row_block"], z["col_block"],
                            z["col_status"], z["row_status"],
                            json.loads((folder / "options.json").read_text()),
                            float(z["objective"][0]))
    return blocks if blocks.usable else None


def answer_in_blocks(blocks: HeldBlocks | None, job: dict[str, object]
                     ) -> dict[str, object] | None:
    """``answer`` for a job from the plan, on the held LP's blocks (the same optimum);
    None when there are none, or for a job they cannot take (then ``answer`` does it)."""
    if blocks is None or not job.get("from_plan"):
        return None
    cols = {int(c): (float(lo), float(up)) for c, lo, up in job["cols"]}  # type: ignore[attr-defined]
    try:
        found = blocks.solve(cols, max(float(job["limit"]), 0.01))  # type: ignore[arg-type]
    except ValueError:  # a held column given a range
        return None
    return {"objective": found, "timed_out": blocks.timed_out}


def answer(h: highspy.Highs, job: dict[str, object], lower: np.ndarray,
           upper: np.ndarray, plan: highspy.HighsBasis | None = None) -> dict[str, object]:
    """One re-solve with the job's column bounds, which are put back afterwards; with
    ``"from_plan": true`` from the plan's basis ``plan`` (as ``HeldLP.solve``)."""
    cols = [(int(c), float(lo), float(up)) for c, lo, up in job["cols"]]  # type: ignore[attr-defined]
    with from_plan(h, plan) if job.get("from_plan") else contextlib.nullcontext():
        # HiGHS compares time_limit with the instance's run time summed over all its runs
        h.setOptionValue("time_limit", float(h.getRunTime()) + max(float(job["limit"]), 0.01))  # type: ignore[arg-type]
        for c, lo, up in cols:
            h.changeColBounds(c, lo, up)
        try:
            found, stopped = lp_optimum(h)
            return {"objective": found, "timed_out": stopped}
        finally:
            for c, _lo, _up in cols:
                h.changeColBounds(c, float(lower[c]), float(upper[c]))


class _Milp:
    """The MILP of the folder on a Highs of its own, and its LP relaxation kept warm on
    another (optimizer/_replan.py ``RelaxedLP``), with the run's options, made at the
    first re-plan asked for (a held-LP worker may never get one)."""

    def __init__(self, folder: Path, arrays: ModelArrays) -> None:
        self.arrays = arrays
        options = json.loads((folder / "options.json").read_text())
        self.h = make_highs(arrays)
        lp = make_highs(arrays, relax_integers=True)
        for key, value in options.items():
            self.h.setOptionValue(key, value)
            lp.setOptionValue(key, value)
        self.relaxation = RelaxedLP(lp, arrays.col_lower, arrays.col_upper)
        self.ints = arrays.integer_indices()

    def replan(self, job: dict[str, object]) -> dict[str, object]:
        a = self.arrays
        return replan_line(self.h, a.col_lower, a.col_upper, self.ints,
                           LineJob.from_json(job["job"]),  # type: ignore[arg-type]
                           float(job["seconds"]),  # type: ignore[arg-type]
                           float(job.get("expected") or 0.0),  # type: ignore[arg-type]
                           self.relaxation).to_json()


def worker_main(folder: Path) -> None:
    arrays = load_arrays(folder / "model.npz")
    has_held = (folder / "held.npz").exists()
    # The per-line jobs (from the plan) are solved in the held LP's blocks when it has
    # them; the whole held LP is then loaded only if a job needs it (a second copy
    # would hold as much memory as the blocks).
    blocks = held_blocks(folder, arrays) if has_held else None
    held = held_highs(folder, arrays) if has_held and blocks is None else None
    # the basis held.npz gave it: the plan's (invalid when there was none)
    plan = held[0].getBasis() if held is not None else None
    # A re-plan worker (no held LP) loads its MILP (two Highs copies: about 0.15 s at 50
    # lines x 12 periods) before it says ready: it starts while HiGHS solves, and a line
    # given the explanations' last fraction of a second must not spend it loading and
    # then be killed for overrunning. A held-LP worker loads it only if a re-plan is
    # asked of it.
    milp: _Milp | None = None if has_held else _Milp(folder, arrays)
    _say("ready")
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        if job.get("kind") == "replan":
            if milp is None:
                milp = _Milp(folder, arrays)
            _say(json.dumps(milp.replan(job)))
        elif has_held:
            found = answer_in_blocks(blocks, job)
            if found is None:
                if held is None:
                    held = held_highs(folder, arrays)
                    plan = held[0].getBasis()
                h, lower, upper = held
                found = answer(h, job, lower, upper, plan)
            _say(json.dumps(found))
        else:
            _say(json.dumps(None))  # no held LP here: the run solves it itself


def _say(text: str) -> None:
    """A protocol line, marked (anything else a library prints on stdout is skipped)."""
    sys.stdout.write(PREFIX + text + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    worker_main(Path(sys.argv[1]))
