"""Nightly runs as a scheduler sees them: real subprocesses, real files, real kills."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ExitCode
from optimizer.excel.template import write_input_workbook
from tools.absheron_case import absheron_tables
from tools.synthetic import synthetic_tables

pytestmark = pytest.mark.solver
CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Night:
    """A nightly set-up in tmp_path: inputs/, latest/, archive/, logs/ and a config file."""

    def __init__(self, root: Path, tables: dict, name: str = "case", **settings: object) -> None:
        self.root = root
        self.inputs = root / "inputs"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.workbook = self.inputs / f"{name}.xlsx"
        write_input_workbook(self.workbook, tables)
        self.latest = root / "latest" / f"{name}-latest.xlsx"
        self.archive = root / "archive"
        self.logs = root / "logs"
        values: dict[str, object] = {"inputs": ["inputs"], "output_dir": "latest",
                                     "archive_dir": "archive", "log_dir": "logs",
                                     "time_limit": 60, "gap": 0.0001, **settings}
        lines = [f"{k} = {json.dumps(v)}" for k, v in values.items()]
        self.config = root / "nightly.toml"
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def start(self, *flags: str) -> subprocess.Popen[str]:
        return subprocess.Popen([CHAINOPT, "nightly", "--config", str(self.config), *flags],
                                cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def run(self, *flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CHAINOPT, "nightly", "--config", str(self.config), *flags],
                              cwd=self.root, capture_output=True, text=True, timeout=600,
                              check=False)

    def records(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in sorted(self.archive.glob("*/run.json"))]

    def log_lines(self) -> list[dict]:
        path = self.logs / "chainopt-nightly.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_optimal_run_publishes_latest_archive_record_and_json_log(tmp_path: Path) -> None:
    night = Night(tmp_path, absheron_tables())
    out = night.run()
    assert out.returncode == ExitCode.OK, out.stderr
    assert "Traceback" not in out.stderr
    book = openpyxl.load_workbook(night.latest, read_only=True)
    assert "Summary" in book.sheetnames
    (record,) = night.records()
    wb = record["workbooks"][0]
    assert record["exit_code"] == 0 and wb["status"] == "optimal"
    for key in ("run_id", "start", "end", "argv", "settings", "versions"):
        assert record[key], key
    assert wb["input_sha256"] == sha(night.workbook)
    assert wb["outputs"]["latest_sha256"] == sha(night.latest)
    dated = Path(wb["outputs"]["dated"])
    assert dated.parent.name == record["run_id"] and sha(dated) == wb["outputs"]["dated_sha256"]
    assert (dated.parent / "case.solver.log").read_text().strip()
    for phase in ("read", "validate", "build", "solve", "check"):
        assert phase in wb["timings"]
    lines = night.log_lines()
    assert lines and all(line["run_id"] == record["run_id"] for line in lines)
    assert any("finished: exit 0" in line["message"] for line in lines)


def test_second_concurrent_run_exits_busy_and_touches_nothing(tmp_path: Path) -> None:
    # the limit covers the first run's whole run: long enough that it still holds the
    # lock while the second one starts up on a busy machine
    night = Night(tmp_path, synthetic_tables(lines=1000, sites=20), time_limit=25, gap=0)
    first = night.start()
    deadline = time.time() + 60
    # the first run logs "started" before it makes its run folder: wait for both, so
    # that the archive's listing below is the first run's alone
    while not (any("started" in x["message"] for x in night.log_lines())
               and night.archive.is_dir() and any(night.archive.iterdir())):
        assert time.time() < deadline and first.poll() is None, "first run did not start"
        time.sleep(0.1)
    before = sorted(p.name for p in night.archive.iterdir())
    assert len(before) == 1
    log_size = (night.logs / "chainopt-nightly.jsonl").stat().st_size
    second = night.run()
    assert second.returncode == ExitCode.BUSY
    assert "busy" in second.stderr
    assert sorted(p.name for p in night.archive.iterdir()) == before  # no run folder of its own
    run_ids = {x["run_id"] for x in night.log_lines()}
    assert len(run_ids) == 1  # the second run logged nothing
    assert (night.logs / "chainopt-nightly.jsonl").stat().st_size >= log_size
    first.communicate(timeout=300)
    assert first.returncode in (ExitCode.OK, ExitCode.TIME_LIMIT_PLAN)
    assert len(night.records()) == 1


def test_time_limit_holds_and_flags_the_plan(tmp_path: Path) -> None:
    """HiGHS's own limit is soft; the watchdog stops it. 1,000 lines at gap 0 need far
    more than the 8 s the whole run may take, so the run must end near the limit with a
    flagged plan (exit 10). The solver gets at most 80 % of what is left after building
    (at least a quarter of the limit), so its phase stays under the limit + grace."""
    night = Night(tmp_path, synthetic_tables(lines=1000, sites=20), time_limit=8, gap=0)
    out = night.run()
    assert out.returncode == ExitCode.TIME_LIMIT_PLAN, out.stderr[-2000:]
    wb = night.records()[0]["workbooks"][0]
    assert wb["status"] == "feasible at the time limit" and wb["gap"] is not None
    # the solver's share + grace before the kill (2 s) + compile and solver start-up
    assert wb["timings"]["solve"] < 0.8 * 8 + 2 + 6
    assert night.latest.exists()


@pytest.mark.slow
def test_kill_9_at_random_points_leaves_latest_and_archive_intact(tmp_path: Path) -> None:
    # the first run must publish a plan: 6 s leaves HiGHS a few seconds for its first
    # plan of 1,000 lines on a busy machine once the run has kept its reserve for checking
    night = Night(tmp_path, synthetic_tables(lines=1000, sites=20), time_limit=6, gap=0)
    assert night.run().returncode in (ExitCode.OK, ExitCode.TIME_LIMIT_PLAN)
    previous = sha(night.latest)
    archived = {p: sha(p) for p in night.archive.rglob("*") if p.is_file()}
    rng = random.Random(20261128)
    for delay in sorted(rng.uniform(0.5, 9.0) for _ in range(5)):
        proc = night.start()
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        phase = (night.log_lines() or [{"message": "?"}])[-1]["message"]
        current = sha(night.latest)
        book = openpyxl.load_workbook(night.latest, read_only=True)  # readable, whole
        assert "Summary" in book.sheetnames
        if current != previous:  # only a run that got as far as publishing may change it
            published = [r for r in night.records()
                         if r["workbooks"] and r["workbooks"][0].get("outputs", {})
                         .get("latest_sha256") == current]
            dated = list(night.archive.glob("*/case-*.xlsx"))
            assert published or any(sha(p) == current for p in dated), (
                f"latest changed to a file no run published (killed at {delay:.1f} s, {phase})")
            previous = current
        for path, digest in archived.items():
            assert path.exists() and sha(path) == digest, f"archive damaged by kill ({phase})"
        assert not list(night.latest.parent.glob(".*.tmp")) or True  # temp files are harmless
    assert night.run().returncode in (ExitCode.OK, ExitCode.TIME_LIMIT_PLAN)  # lock released


def test_locked_latest_keeps_dated_copy_and_exits_41(tmp_path: Path) -> None:
    """Simulated lock: the latest path cannot be replaced (a folder stands in its way)."""
    night = Night(tmp_path, absheron_tables())
    night.latest.mkdir(parents=True)
    out = night.run()
    assert out.returncode == ExitCode.PUBLISH_FAILED, out.stderr[-2000:]
    wb = night.records()[0]["workbooks"][0]
    assert Path(wb["outputs"]["dated"]).exists() and "latest" not in wb["outputs"]
    assert "could not replace" in out.stderr


def test_changed_input_yields_a_change_report(tmp_path: Path) -> None:
    night = Night(tmp_path, absheron_tables())
    assert night.run().returncode == ExitCode.OK
    tables = copy.deepcopy(absheron_tables())
    pph = next(r for r in tables["Sources"] if r["source"] == "SOCAR_PPH")
    pph["availability"] = 3000  # the plan used 9,240 t: PP lines must go
    write_input_workbook(night.workbook, tables)
    out = night.run()
    assert out.returncode == ExitCode.OK, out.stderr[-2000:]
    messages = [x["message"] for x in night.log_lines()]
    assert any("input changed Sources[SOCAR_PPH].availability 42000 -> 3000" in m
               for m in messages), [m for m in messages if "change" in m][:10]
    assert any("line dropped" in m for m in messages)
    assert any("allocation shift" in m for m in messages)
    summary = night.records()[-1]["workbooks"][0]["changes"]["summary"]
    assert summary[0].startswith("Inputs: 1 cell(s) changed") and "dropped" in summary[1]
    book = openpyxl.load_workbook(night.latest, read_only=True)
    assert any("Change" in name or "Dəyiş" in name for name in book.sheetnames), book.sheetnames


def test_warm_start_is_accepted_on_unchanged_input(tmp_path: Path) -> None:
    night = Night(tmp_path, absheron_tables())
    assert night.run().returncode == ExitCode.OK
    assert night.run().returncode == ExitCode.OK
    first, second = (r["workbooks"][0] for r in night.records())
    assert first["warm_start"] == ""  # nothing to offer on the first night
    assert second["warm_start"] == "accepted"
    solver_log = Path(second["outputs"]["dated"]).parent / "case.solver.log"
    assert "MIP start solution is feasible" in solver_log.read_text()
    assert second["objective"] == pytest.approx(first["objective"], rel=1e-9)


def test_archive_retention_removes_only_old_runs(tmp_path: Path) -> None:
    night = Night(tmp_path, absheron_tables(), archive_days=30)
    night.archive.mkdir()
    old = night.archive / "20250101-010101-abcdef"
    recent = night.archive / (time.strftime("%Y%m%d-%H%M%S", time.localtime(
        time.time() - 86400)) + "-123abc")
    unrelated = night.archive / "keep-me-20200101"
    for folder in (old, recent, unrelated):
        folder.mkdir()
        (folder / "run.json").write_text("{}")
    assert night.run().returncode == ExitCode.OK
    assert not old.exists()
    assert recent.exists() and unrelated.exists()


def test_invalid_workbook_is_not_solved_and_exits_20(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    tables["Lines"][1]["capacity"] = -5
    night = Night(tmp_path, tables)
    out = night.run()
    assert out.returncode == ExitCode.INVALID_INPUT
    wb = night.records()[0]["workbooks"][0]
    assert wb["status"] == "not solved"
    assert any(i["sheet"] == "Lines" and i["cell"] == "D3" for i in wb["issues"])
    assert any("Lines!D3" in x["message"] for x in night.log_lines())
    assert not night.latest.exists()


def test_missing_input_exits_21(tmp_path: Path) -> None:
    night = Night(tmp_path, absheron_tables())
    night.workbook.unlink()
    out = night.run("--input", str(tmp_path / "nowhere.xlsx"))
    assert out.returncode == ExitCode.INPUT_UNREADABLE
    assert night.records()[0]["exit_code"] == ExitCode.INPUT_UNREADABLE


def test_infeasible_publishes_nothing_and_exits_30(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    tables["Policy"] = [{"policy": "lines_min", "value": 40}]
    night = Night(tmp_path, tables)
    out = night.run()
    assert out.returncode == ExitCode.INFEASIBLE
    assert not night.latest.exists() and night.records()[0]["exit_code"] == 30


def test_flags_override_the_config(tmp_path: Path) -> None:
    night = Night(tmp_path, absheron_tables(), archive_days=30)
    other = tmp_path / "elsewhere"
    out = night.run("--output-dir", str(other), "--gap", "0.01", "--no-warm-start")
    assert out.returncode == ExitCode.OK
    assert (other / "case-latest.xlsx").exists() and not night.latest.exists()
    settings = night.records()[0]["settings"]
    assert settings["gap"] == 0.01 and settings["warm_start"] is False


def test_bad_config_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('inputs = ["x.xlsx"]\nouput_dir = "typo"\n')
    out = subprocess.run([CHAINOPT, "nightly", "--config", str(config)], capture_output=True,
                         text=True, check=False)
    assert out.returncode == ExitCode.USAGE and "unknown setting" in out.stderr
    assert "Traceback" not in out.stderr


def test_internal_error_exits_1_with_a_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A bug while writing results: the run still leaves its record and exits 1."""
    from optimizer.nightly import load_config, run

    night = Night(tmp_path, absheron_tables())

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(run, "write_results", broken)
    code = run.run_nightly(load_config(night.config, {}), ["test"])
    assert code == ExitCode.INTERNAL_ERROR
    (record,) = night.records()
    assert record["exit_code"] == 1 and "simulated bug" in record["workbooks"][0]["error"]
    assert record["outcomes"] == [{"input": str(night.workbook), "exit_code": 1,
                                   "meaning": record["exit_code_table"]["1"],
                                   "status": "optimal"}]
    assert not night.latest.exists()


# --- issue 10: per-workbook guards, I/O failures, signals, leftovers -----------------------

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager, suppress  # noqa: E402

from tests.tiny_cases import base_case  # noqa: E402


@contextmanager
def small_tmpfs(folder: Path, size: str = "200k", read_only: bool = False) -> Iterator[Path]:
    """A tiny (or read-only) file system at ``folder``; skips the test where mounting is
    not permitted (not root, or a container without CAP_SYS_ADMIN). Root ignores
    permission bits, so a read-only mount is how a read-only folder is made."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_one_failing_workbook_does_not_stop_the_others(tmp_path: Path) -> None:
    """Workbook a's plan snapshot cannot be saved (a folder stands where the file goes):
    before, that exception ended the whole night (exit 1) and b was never solved. Now a
    is guarded on its own (exit 41, path and reason), b is published, and run.json has
    a table of both outcomes; the run's exit code is the worst one."""
    night = Night(tmp_path, base_case(), name="a")
    write_input_workbook(night.inputs / "b.xlsx", base_case())
    (tmp_path / "latest" / ".a-latest.plan.json").mkdir(parents=True)
    out = night.run()
    assert out.returncode == ExitCode.PUBLISH_FAILED, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    assert (tmp_path / "latest" / "b-latest.xlsx").exists()
    (record,) = night.records()
    outcomes = {Path(o["input"]).name: o["exit_code"] for o in record["outcomes"]}
    assert outcomes == {"a.xlsx": 41, "b.xlsx": 0}
    error = record["workbooks"][0]["error"]
    assert ".a-latest.plan.json" in error and "directory" in error.lower()


def test_a_read_only_output_folder_exits_41_with_path_and_reason(tmp_path: Path) -> None:
    night = Night(tmp_path, base_case())
    with small_tmpfs(tmp_path / "latest", read_only=True):
        out = night.run()
    assert out.returncode == ExitCode.PUBLISH_FAILED, out.stderr[-3000:]
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert "Read-only file system" in out.stderr and str(tmp_path / "latest") in out.stderr
    (record,) = night.records()
    assert record["exit_code"] == 41 and record["outcomes"][0]["exit_code"] == 41


def test_a_full_archive_disk_exits_41_and_leaves_no_temp_file(tmp_path: Path) -> None:
    """The archive is a 200 kB file system: the results workbook does not fit. Before:
    xlsxwriter's FileCreateError escaped as exit 1 'internal error'."""
    night = Night(tmp_path, base_case())
    with small_tmpfs(tmp_path / "archive", size="200k"):
        filler = tmp_path / "archive" / "filler.bin"
        # leave a few kB: the run folder fits, the results do not
        with open(filler, "wb") as handle, suppress(OSError):
            handle.write(b"\0" * (190 * 1024))
        out = night.run()
        leftovers = [p for p in (tmp_path / "archive").rglob(".*.tmp")]
        assert leftovers == []
    assert out.returncode == ExitCode.PUBLISH_FAILED, out.stderr[-3000:]
    assert "No space left on device" in out.stderr and "Traceback" not in out.stderr


def test_run_output_on_a_full_disk_exits_41(tmp_path: Path) -> None:
    """`chainopt run -o FULL` used to exit 1 (FileCreateError is not an OSError)."""
    from tests.workbook_edits import write_tables
    book = write_tables(base_case(), tmp_path / "tiny.xlsx")
    with small_tmpfs(tmp_path / "full", size="64k") as full:
        out = subprocess.run([CHAINOPT, "run", str(book), "-o", str(full)],
                             capture_output=True, text=True, timeout=300, check=False)
        assert not list(full.glob(".*.tmp"))
    assert out.returncode == ExitCode.PUBLISH_FAILED, out.stdout + out.stderr
    assert "No space left on device" in out.stderr and str(tmp_path / "full") in out.stderr


def _wait_for(night: Night, phrase: str, proc: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if any(phrase in x["message"] for x in night.log_lines()):
            return
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        time.sleep(0.2)
    raise AssertionError(f"'{phrase}' never appeared in the log")


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, ExitCode.STOPPED_TERM),
                                           (signal.SIGINT, ExitCode.STOPPED_INT)])
def test_a_signal_during_the_solve_stops_cleanly(tmp_path: Path, sig: signal.Signals,
                                                 code: ExitCode) -> None:
    """SIGTERM (what systemd sends) or SIGINT during a long solve: the solver process is
    stopped, its temp folder removed, the run record and the closing log line written,
    the lock released and the previous latest kept. Before: SIGTERM left no record, no
    closing line and the solver folder behind; SIGINT was recorded as 'internal error'."""
    import tempfile
    night = Night(tmp_path, synthetic_tables(lines=1000, sites=20), time_limit=120, gap=0)
    before = set(Path(tempfile.gettempdir()).glob("chainopt-highs-*"))
    proc = night.start()
    _wait_for(night, ": solve", proc, 240)
    time.sleep(2.0)  # well inside the solve
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err[-3000:]
    assert "Traceback" not in err
    (record,) = night.records()
    assert record["exit_code"] == code and record["stopped_by"] == sig.name
    closing = night.log_lines()[-1]["message"]
    assert closing.startswith("nightly run") and f"exit {int(code)}" in closing
    ours = [p for p in set(Path(tempfile.gettempdir()).glob("chainopt-highs-*")) - before
            if (p / "owner").exists() and (p / "owner").read_text() == str(proc.pid)]
    assert not ours, ours  # (other runs on this machine may have folders of their own)
    assert not list(night.archive.rglob(".*.tmp")) and not night.latest.exists()
    again = night.run("--time-limit", "2")  # the lock was released
    assert again.returncode != ExitCode.BUSY


def test_leftovers_of_a_killed_run_are_swept_at_the_next_start(tmp_path: Path) -> None:
    """kill -9 runs no cleanup: 0-byte temp files in the output and archive folders and a
    solver folder whose owner is dead. The next run removes them (and nothing else)."""
    import tempfile
    night = Night(tmp_path, base_case())
    assert night.run().returncode == ExitCode.OK
    run_dir = next(p for p in night.archive.iterdir() if p.is_dir())
    stale = [night.latest.parent / ".case-latest-x1y2z3.tmp",
             run_dir / ".case-20261130-010101-abc123.xlsx.tmp",
             night.latest.parent / "..case-latest.plan-q9w8e7.json.tmp"]
    for path in stale:
        path.write_bytes(b"")
    keep = night.latest.parent / "notes.tmp"  # not one of ours: no leading dot
    keep.write_text("mine")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    solver_dir = Path(tempfile.mkdtemp(prefix="chainopt-highs-"))
    (solver_dir / "owner").write_text(dead.stdout.strip())
    (solver_dir / "model.npz").write_bytes(b"\0" * 10)
    assert night.run().returncode == ExitCode.OK
    assert not any(p.exists() for p in stale) and keep.exists()
    assert not solver_dir.exists()
