"""`chainopt run` in a terminal shows its phases live; piped or --quiet it shows none."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.solver
CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def _run_in_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal, as a person at a terminal would."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    proc = subprocess.Popen([CHAINOPT, *args], cwd=cwd, stdin=follower, stdout=follower,
                            stderr=follower, env=env, close_fds=True)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_terminal_shows_the_phases(tmp_path: Path) -> None:
    code, screen = _run_in_terminal(["run", "-o", "out"], tmp_path)
    assert code == 0, screen[-2000:]
    for phase in ("read", "validate", "build", "solve", "check", "write"):
        assert phase in screen, f"phase {phase} not shown:\n{screen[-1500:]}"
    assert "Optimal" in screen and "INFO" not in screen  # the display replaces log lines


def test_quiet_terminal_and_pipes_show_no_progress(tmp_path: Path) -> None:
    code, screen = _run_in_terminal(["run", "-o", "out", "--quiet"], tmp_path)
    assert code == 0 and "validate" not in screen and "Optimal" in screen
    piped = subprocess.run([CHAINOPT, "run", "-o", "out2"], cwd=tmp_path, capture_output=True,
                           text=True, check=False)
    assert piped.returncode == 0
    assert "\x1b[" not in piped.stderr + piped.stdout  # no colour or cursor codes in logs
    assert "INFO" in piped.stderr  # plain log lines instead
