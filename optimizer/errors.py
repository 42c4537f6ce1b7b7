"""Exception types and the documented exit codes (one table, shown by `chainopt --help`)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # optimal plan written
    INTERNAL_ERROR = 1  # a bug: run again with --debug and report it
    USAGE = 2  # wrong command-line options
    TIME_LIMIT_PLAN = 10  # best plan found in the time allowed written, gap reported
    TIME_LIMIT_NO_PLAN = 11  # no plan found in the time allowed; nothing written
    INVALID_INPUT = 20  # the workbook has errors: fix the spreadsheet
    INPUT_UNREADABLE = 21  # the input file is missing, not a workbook, or damaged
    INFEASIBLE = 30  # no plan satisfies every limit; see the report
    UNBOUNDED = 31  # the data lets net value grow without limit (a missing limit)
    CHECK_FAILED = 40  # the independent check found a violated limit; results flagged
    PUBLISH_FAILED = 41  # results could not be written under the intended name
    BUSY = 50  # another run holds the lock; retry later
    SOLVER_ERROR = 60  # the solver failed
    STOPPED_INT = 130  # stopped by SIGINT (Ctrl+C): cleaned up, nothing half-written
    STOPPED_TERM = 143  # stopped by SIGTERM (a scheduler): cleaned up, nothing half-written


EXIT_CODE_HELP: dict[ExitCode, str] = {
    ExitCode.OK: "optimal plan written",
    ExitCode.INTERNAL_ERROR: "internal error (a bug): rerun with --debug and report it",
    ExitCode.USAGE: "wrong command-line usage",
    ExitCode.TIME_LIMIT_PLAN: "time limit reached; best plan found written, with its gap",
    ExitCode.TIME_LIMIT_NO_PLAN: "time limit reached before any plan was found; nothing written",
    ExitCode.INVALID_INPUT: "the workbook has errors: fix the spreadsheet (report printed)",
    ExitCode.INPUT_UNREADABLE: "input file missing, not an .xlsx workbook, damaged, or beyond "
    "the reading limits",
    ExitCode.INFEASIBLE: "no plan meets every limit (minimums, budgets, policies): relax one",
    ExitCode.UNBOUNDED: "net value can grow without limit: a capacity or demand limit is missing",
    ExitCode.CHECK_FAILED: "results written, but the independent check found a violated limit",
    ExitCode.PUBLISH_FAILED: "a results file could not be written (the path and the reason "
    "are given: disk full, read-only or missing folder, file open elsewhere)",
    ExitCode.BUSY: "busy: another run holds the lock; retry later",
    ExitCode.SOLVER_ERROR: "the solver failed (or returned infinite or undefined values)",
    ExitCode.STOPPED_INT: "stopped by Ctrl+C (SIGINT): solver stopped, temporary files removed, "
    "previous results intact",
    ExitCode.STOPPED_TERM: "stopped by SIGTERM: solver stopped, temporary files removed, "
    "previous results intact",
}


def exit_code_table() -> str:
    return "\n".join(f"  {int(code):>3}  {text}" for code, text in EXIT_CODE_HELP.items())


class ChainoptError(Exception):
    """An error with a message for the user and an exit code; never shown as a traceback."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code
