"""Progress for interactive runs: the phases, and during the solve the elapsed time,
incumbent, bound and gap from the solver's callbacks. Shown with rich on a terminal only;
on a pipe, a file or a scheduler's log (and with --quiet) it shows nothing.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.live import Live
from rich.text import Text

if TYPE_CHECKING:
    from optimizer.solve import SolveProgress

PHASES = ("read", "validate", "build", "solve", "marginal values", "check", "write")


class RunProgress:
    """Context manager; ``phase(name)`` and ``solver(p)`` are the pipeline's callbacks."""

    def __init__(self, enabled: bool, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.current = ""
        self.started = time.perf_counter()
        self.phase_started = self.started
        self.done: list[tuple[str, float]] = []
        self.solver_line = ""
        self._live: Live | None = None

    def __enter__(self) -> RunProgress:
        if self.enabled:
            self._live = Live(self._render(), console=self.console, refresh_per_second=4,
                              transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close_phase()
        if self._live is not None:
            self._live.update(self._render())
            self._live.__exit__(exc_type, exc, tb)

    def _close_phase(self) -> None:
        if self.current:
            self.done.append((self.current, time.perf_counter() - self.phase_started))
            self.current = ""

    def phase(self, name: str) -> None:
        self._close_phase()
        self.current, self.phase_started = name, time.perf_counter()
        self.solver_line = ""
        self._refresh()

    def solver(self, p: SolveProgress) -> None:
        parts = [f"{p.elapsed:6.1f} s"]
        parts.append(f"plan {p.incumbent:,.0f}" if p.incumbent is not None else "no plan yet")
        if p.bound is not None:
            parts.append(f"bound {p.bound:,.0f}")
        if p.gap is not None:
            parts.append(f"gap {100 * p.gap:.2f} %")
        self.solver_line = "  ".join(parts)
        self._refresh()

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._render())

    def _render(self) -> Text:
        text = Text()
        for name, seconds in self.done:
            text.append("  ✓ ", style="green")
            text.append(f"{name:<16} {seconds:6.2f} s\n")
        if self.current:
            text.append("  … ", style="yellow")
            text.append(f"{self.current:<16} {time.perf_counter() - self.phase_started:6.1f} s")
            if self.solver_line:
                text.append(f"   {self.solver_line}", style="cyan")
        return text


def interactive(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


class BatchProgress:
    """Progress of a batch of scenario solves: a bar with done, failed and remaining and
    the elapsed time on a terminal; otherwise one plain log line per finished scenario."""

    def __init__(self, total: int, enabled: bool, label: str = "scenarios",
                 console: Console | None = None) -> None:
        import logging

        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.total, self.done, self.failed = total, 0, 0
        self.label = label
        self.started = time.perf_counter()
        self._log = logging.getLogger("chainopt")
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> BatchProgress:
        if self.enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed}/{task.total} done, {task.fields[failed]} failed, "
                           "{task.fields[left]} left"), TimeElapsedColumn(),
                console=self.console, transient=False)
            self._progress.__enter__()
            self._task = self._progress.add_task(self.label, total=self.total, failed=0,
                                                 left=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)

    def extend(self, more: int) -> None:
        """More solves joined the batch (a sweep's bisection rounds)."""
        self.total += more
        if self._progress is not None:
            self._progress.update(self._task, total=self.total, left=self.total - self.done)

    def finished(self, name: str, ok: bool, detail: str) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        self.total = max(self.total, self.done)  # a sweep's bisection adds solves as it goes
        if self._progress is not None:
            self._progress.update(self._task, completed=self.done, failed=self.failed,
                                  left=max(self.total - self.done, 0))
        else:
            self._log.info("%s: %s (%d/%d done, %d failed, %.1f s)", name, detail, self.done,
                           self.total, self.failed, time.perf_counter() - self.started)
