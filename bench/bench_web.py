"""How fast does `chainopt serve` answer the history page of a year of nightly runs?

Builds a 365-night archive (one real nightly run of the bundled case, then 364 synthetic
nights copied from it with varied numbers: tools/web_archive.py), starts `chainopt serve`
in its own process on a free loopback port, and sends waves of CONCURRENT requests
(default 50) to /history. Prints the latency of the first (cold) request, then for each
wave the fastest, median, 95th percentile and slowest answer, and the wave's wall time.
Loopback only; every request has a 30 s timeout; the server is stopped at the end.

    uv run python bench/bench_web.py                 # 365 nights, 50 concurrent, 3 waves
    uv run python bench/bench_web.py --nights 730 --concurrent 100 --url /
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
        body = response.read()
        status = response.status
    return time.perf_counter() - start, status, len(body)


def build(root: Path, nights: int) -> None:
    from tools.absheron_case import absheron_tables
    from tools.web_archive import real_archive, synthetic_nights

    archive = real_archive(root, [absheron_tables()])
    (template,) = [p.name for p in archive.iterdir()]
    synthetic_nights(archive, template, nights - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--url", default="/history")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        build(root, args.nights)
        print(f"archive: {args.nights} nights built in {time.perf_counter() - start:.1f} s")
        port = _free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "chainopt"), "serve", "--archive-dir",
             str(root / "archive"), "--output-dir", str(root / "output"), "--port", str(port),
             "--threads", str(args.threads), "--quiet"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}{args.url}"
            deadline = time.time() + 120
            while True:
                try:
                    cold, status, size = _get(url)
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.3)
            print(f"GET {args.url}: status {status}, {size:,} bytes; first (cold) request "
                  f"{cold * 1000:.0f} ms")
            print(f"{'wave':>4} {'requests':>8} {'min ms':>7} {'median':>7} {'p95':>7} "
                  f"{'max ms':>7} {'wall s':>7}")
            for wave in range(1, args.waves + 1):
                begin = time.perf_counter()
                with ThreadPoolExecutor(max_workers=args.concurrent) as pool:
                    results = list(pool.map(_get, [url] * args.concurrent))
                wall = time.perf_counter() - begin
                times = sorted(r[0] * 1000 for r in results)
                assert all(r[1] == 200 for r in results), "a request failed"
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                print(f"{wave:>4} {len(times):>8} {times[0]:>7.0f} "
                      f"{statistics.median(times):>7.0f} {p95:>7.0f} {times[-1]:>7.0f} "
                      f"{wall:>7.2f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
