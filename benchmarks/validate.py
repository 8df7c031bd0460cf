"""Benchmark: what running the content rules on rendered blocks adds to `validate`.

Since issue 14, validate renders a report without errors and runs the 第一责任人 duty rule on
its blocks (the rule check runs on any document). The peer, in the same run on the same files,
is validation as it was before: schema and content checks only (validate_report(render=False)).

  warm   in one process after a warm-up, per example: median seconds of --reps runs
  cold   whole process, `python -c` loading and validating one example (median of --runs)

`authoring render` is not slower: validation's blocks are the ones it writes (rendered once).

    python benchmarks/validate.py            # 3 examples, 30 warm reps, 7 cold runs
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD = ("import sys; from authoring.main import load_report; from authoring.validate import validate_report; "
        "validate_report(load_report(sys.argv[1]), render=sys.argv[2] == '1')")


def warm(path: Path, render: bool, reps: int) -> float:
    """Median seconds of one load + validate in a warm process."""
    from authoring.main import load_report
    from authoring.validate import validate_report

    validate_report(load_report(path), render=render)  # warm-up: imports, compiled templates
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        validate_report(load_report(path), render=render)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(path: Path, render: bool, runs: int) -> float:
    """Median seconds of a fresh process that loads and validates `path`."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", COLD, str(path), "1" if render else "0"], env=env, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD, str(path), "1" if render else "0"], env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print warm and cold timings of validate with and without the rendered-block rules."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores")
    print(f"{'example':28} {'warm before':>12} {'warm now':>10} {'ratio':>6}   {'cold before':>12} {'cold now':>10} {'ratio':>6}")
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        wb, wn = warm(path, False, args.reps), warm(path, True, args.reps)
        cb, cn = cold(path, False, args.runs), cold(path, True, args.runs)
        print(f"{path.stem:28} {wb * 1000:10.1f}ms {wn * 1000:8.1f}ms {wn / wb:6.2f}   "
              f"{cb * 1000:10.1f}ms {cn * 1000:8.1f}ms {cn / cb:6.2f}")


if __name__ == "__main__":
    main()
