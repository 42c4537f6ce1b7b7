"""The solver process: HiGHS runs here so that a time limit can be enforced by a kill.

Part of optimizer/solve.py (the only module that talks to the solver); kept in its own
small module so that the solver process imports only numpy and highspy. It is started as
``python -m optimizer._highs_child FOLDER`` (a plain subprocess: no fork of a threaded
parent, no re-import of the caller's main module), or as ``... --standby`` ahead of its
model, reading FOLDER from its standard input (optimizer/standby.py). The folder holds model.npz,
options.json and optionally warm.npy; the process writes incumbent.npy and solution.npy
(each atomically) and prints protocol lines on stdout, marked with PREFIX:

    log <line>                          each solver log line
    progress <seconds> <primal> <dual>  now and then during the MIP search
    incumbent <objective>               an improving plan is in incumbent.npy (<= 1/s)
    done <model status> <has plan> <objective> <dual bound>

The file ``cancel`` in the folder asks HiGHS to stop (checked in its interrupt
callbacks); if HiGHS does not stop in time, the parent kills this process and keeps the
last incumbent. A parent that is gone (killed outright) stops it the same way.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np


@dataclass
class ModelArrays:
    """A MILP as arrays (picklable), column-wise constraint matrix."""

    cost: np.ndarray
    offset: float
    maximize: bool
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    integer: np.ndarray  # bool per column

    def integer_indices(self) -> np.ndarray:
        """The integer columns' indices (int32, as HiGHS's integrality calls take them)."""
        return np.flatnonzero(self.integer).astype(np.int32)


def quiet_highs() -> highspy.Highs:
    """A Highs object, without the banner HiGHS prints on stdout when it is created.

    The banner is written by C code, so Python's sys.stdout redirection cannot catch it;
    file descriptor 1 is pointed at /dev/null for the moment of construction.
    """
    try:
        saved = os.dup(1)
    except OSError:  # no stdout at all (a detached service): nothing to protect
        return highspy.Highs()
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            try:
                return highspy.Highs()
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


def make_highs(a: ModelArrays, relax_integers: bool = False) -> highspy.Highs:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(a.cost), len(a.row_lower)
    lp.col_cost_ = a.cost
    lp.offset_ = a.offset
    lp.sense_ = highspy.ObjSense.kMaximize if a.maximize else highspy.ObjSense.kMinimize
    lp.col_lower_, lp.col_upper_ = a.col_lower, a.col_upper
    lp.row_lower_, lp.row_upper_ = a.row_lower, a.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.a_start
    lp.a_matrix_.index_ = a.a_index
    lp.a_matrix_.value_ = a.a_value
    if a.integer.any() and not relax_integers:
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else
                           highspy.HighsVarType.kContinuous for i in a.integer]
    h = quiet_highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.passModel(lp)
    return h


PREFIX = "\x1echainopt\t"  # marks protocol lines among anything else on stdout


def save_arrays(a: ModelArrays, path: Path) -> None:
    np.savez(path, cost=a.cost, offset=np.array([a.offset]), maximize=np.array([a.maximize]),
             col_lower=a.col_lower, col_upper=a.col_upper, row_lower=a.row_lower,
             row_upper=a.row_upper, a_start=a.a_start, a_index=a.a_index, a_value=a.a_value,
             integer=a.integer)


def load_arrays(path: Path) -> ModelArrays:
    with np.load(path) as z:
        return ModelArrays(cost=z["cost"], offset=float(z["offset"][0]),
                           maximize=bool(z["maximize"][0]), col_lower=z["col_lower"],
                           col_upper=z["col_upper"], row_lower=z["row_lower"],
                           row_upper=z["row_upper"], a_start=z["a_start"],
                           a_index=z["a_index"], a_value=z["a_value"], integer=z["integer"])


def give_back_free_memory() -> None:
    """Return freed heap pages to the system (glibc ``malloc_trim``; elsewhere nothing):
    the C library otherwise keeps what a large temporary was freed from for reuse."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def _say(*fields: object) -> None:
    text = "\t".join(str(f).replace("\n", " ").replace("\t", " ") for f in fields)
    sys.stdout.write(PREFIX + text + "\n")
    sys.stdout.flush()


def _save_values(folder: Path, name: str, values: np.ndarray) -> Path:
    """Write atomically, so the parent never reads half a file (even if this is killed)."""
    tmp = folder / f".{name}.tmp.npy"
    np.save(tmp, values)
    final = folder / f"{name}.npy"
    os.replace(tmp, final)
    return final


def child_main(folder: Path) -> None:
    """Solve the model in ``folder`` (model.npz, options.json, optional warm.npy)."""
    arrays = load_arrays(folder / "model.npz")
    options = json.loads((folder / "options.json").read_text())
    zero_cost = bool(options.pop("_zero_cost", False))
    deadline = options.pop("_deadline", None)
    h = make_highs(arrays)
    n = len(arrays.cost)
    # HiGHS has its own copy now: the arrays and the HighsLp they went through are
    # returned to the system, so that this process is no larger than HiGHS alone
    # (the run's own process waits beside it: the two are the run's peak memory)
    del arrays
    give_back_free_memory()
    if zero_cost:  # feasibility probe: is an 'infeasible or unbounded' model feasible?
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
    for key, value in options.items():
        h.setOptionValue(key, value)
    h.cbLogging += lambda e: _say("log", e.message.rstrip("\n"))
    cancel_file = folder / "cancel"
    state = {"checked": 0.0, "cancel": False, "progress": 0.0, "incumbent": 0.0}
    # A run killed outright (SIGKILL, the OOM killer) cannot ask this process to stop:
    # it is then re-parented, and stops as if asked, instead of solving on for the rest
    # of its time limit with a core and its memory (a killed bench worker left one
    # running 3 minutes at 5,000 lines x 12 periods).
    parent = os.getppid()

    def interrupt(e: Any) -> None:
        now = time.monotonic()
        if now - state["checked"] >= 0.2:  # a stat call, not on every callback
            state["checked"] = now
            state["cancel"] = cancel_file.exists() or os.getppid() != parent
        if state["cancel"]:
            e.interrupt()

    def progress(e: Any) -> None:
        interrupt(e)
        now = time.monotonic()
        if now - state["progress"] >= 0.5:
            state["progress"] = now
            out = e.data_out
            _say("progress", out.running_time, out.mip_primal_bound, out.mip_dual_bound)

    def improving(e: Any) -> None:
        now = time.monotonic()
        if now - state["incumbent"] >= 1.0:
            state["incumbent"] = now
            out = e.data_out
            _save_values(folder, "incumbent", np.array(out.mip_solution))
            _say("incumbent", out.mip_primal_bound)

    h.cbMipInterrupt += progress
    h.cbSimplexInterrupt += interrupt
    h.cbIpmInterrupt += interrupt
    h.cbMipImprovingSolution += improving
    warm = folder / "warm.npy"
    if warm.exists():
        sol = highspy.HighsSolution()
        sol.col_value = np.load(warm)
        sol.value_valid = True
        h.setSolution(sol)
    if deadline is not None and "time_limit" in options:
        # the limit counts from when the parent started this process (its watchdog's
        # clock), not from here: importing highspy and loading the model take a second
        # on a busy machine, which would otherwise come out of the watchdog's grace
        h.setOptionValue("time_limit", max(float(deadline) - time.time(), 0.01))
    h.run()
    info = h.getInfo()
    has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if has_plan:
        _save_values(folder, "solution", np.array(h.getSolution().col_value))
    _say("done", int(h.getModelStatus()), int(has_plan), info.objective_function_value,
         info.mip_dual_bound)


if __name__ == "__main__":
    if sys.argv[1] == "--standby":  # optimizer/standby.py: imported, now wait for the model
        given = sys.stdin.readline().strip()
        if given:  # end of input instead: the run needed no solve
            child_main(Path(given))
    else:
        child_main(Path(sys.argv[1]))
