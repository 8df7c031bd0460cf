"""Benchmark (issue 17): `authoring check` of a province's reports, against naive readers and
against the tree before this work, in one run on one machine; time and memory as the number
of files grows.

Every side is a whole process timed from outside, writing its CSV to a file:
  ours       `authoring check DIR --format csv` (the script pip writes), -j 1 and -j 2
  baseline   the same command on another git revision (--baseline REV, exported beside it)
  naive      python-docx: Document(), paragraph text, a regex per part (scale_peers.py docx)
  lxml       zipfile + lxml: the w:t text of document.xml, a regex per part (scale_peers.py lxml)
  read       .txt: read, decode, a regex per part (scale_peers.py txt)
For each: wall seconds, CPU seconds (user + system of the process and its workers, from
wait4: the figure least moved by other load), peak RSS of the largest process, and the peak of
the whole tree's proportional set size (workers included, shared pages counted once).
The sides take turns run by run; medians of --runs. The load average is recorded with every
measurement. With --baseline, ours and the baseline's CSV must be identical (same findings).

    python benchmarks/scale.py --baseline ca96fc2              # 100 / 1,000 / 5,000 files
    python benchmarks/scale.py --counts 100,1000 --runs 1      # shorter
    python benchmarks/scale.py --plot-only benchmarks/scale-results.json
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import bytecode_env, console_script  # noqa: E402
from scale_corpus import make_corpus, subset  # noqa: E402

RESULTS = HERE / "scale-results.json"
PICTURE = ROOT / "docs" / "scale.svg"


# -- one measured process ---------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], env: dict[str, str], out: Path) -> dict[str, float]:
    """Run `cmd` with stdout to `out`: wall and CPU seconds, peak RSS (largest process) and
    peak PSS of the process tree, in MiB."""
    start = time.perf_counter()
    # Not in ROOT: `python -c` puts the working folder first on sys.path, and the baseline's
    # side would import this tree's authoring instead of the baseline's (it did, once).
    with open(out, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=out.parent, env=env, stdout=fh, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_pss_kib(p) for p in _tree(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):  # 1: findings of error level, as check reports them
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "tree_pss_mib": peak[0] / 1024, "load": os.getloadavg()[0]}


def export_tree(rev: str, folder: Path) -> Path:
    """The source tree of git revision `rev`, exported into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


# -- the run ----------------------------------------------------------------------------------------


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="100,1000,5000", help="numbers of files (default 100,1000,5000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side at each count up to 1,000 (one above)")
    parser.add_argument("--baseline", help="git revision to compare with (its tree is exported and run alike)")
    parser.add_argument("--baseline-max", type=int, default=1000, help="largest count the baseline runs at")
    parser.add_argument("--full-max", type=int, default=1000000,
                        help="above this count only `authoring check` runs (-j 1 and -j 2) and the lxml peer")
    parser.add_argument("--corpus", type=Path, help="folder for the generated files (kept between runs)")
    parser.add_argument("--kinds", default="docx,txt")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--svg", type=Path, default=PICTURE)
    parser.add_argument("--plot-only", type=Path, help="draw the picture from a results file and stop")
    args = parser.parse_args(argv)
    if args.plot_only:
        write_svg(json.loads(args.plot_only.read_text(encoding="utf-8")), args.svg)
        print(f"picture written to {args.svg}")
        return 0
    counts = [int(c) for c in args.counts.split(",")]
    kinds = args.kinds.split(",")
    work = Path(tempfile.mkdtemp(prefix="authoring-scale-"))
    corpus = args.corpus or work / "corpus"
    make_corpus(corpus, max(counts))
    py = sys.executable
    script = work / "authoring"
    script.write_text(console_script(), encoding="utf-8")
    env = bytecode_env(work / "pycache")
    base_env: Optional[dict[str, str]] = None
    if args.baseline:
        base_root = export_tree(args.baseline, work / "baseline")
        base_env = dict(env, PYTHONPATH=str(base_root))
    peers = {"docx": ["docx", "lxml"], "txt": ["txt"]}

    def sides(kind: str, count: int, folder: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
        out = {"ours": ([py, str(script), "check", str(folder), "--format", "csv"], env),
               "ours_j2": ([py, str(script), "check", str(folder), "--format", "csv", "-j", "2"], env)}
        if base_env is not None and count <= args.baseline_max:
            out["baseline"] = ([py, "-c", "import sys; sys.argv[0] = 'authoring'; from authoring.__main__ import main; main()",
                                "check", str(folder), "--format", "csv"], base_env)
        for peer in peers[kind]:
            if count <= args.full_max or peer in ("lxml", "txt"):
                out[peer] = ([py, str(HERE / "scale_peers.py"), peer, str(folder)], env)
        return out

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", "benchmarks/scale.py"] + (argv if argv is not None else sys.argv[1:])),
        "commit": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip(),
        "baseline": args.baseline, "nproc": os.cpu_count(), "load_before": os.getloadavg(), "check": {},
    }
    print(f"{os.cpu_count()} CPUs · load {os.getloadavg()[0]:.2f} · counts {counts} · runs {args.runs}"
          + (f" · baseline {args.baseline}" if args.baseline else ""))
    # One untimed run of our command, so that bytecode is written outside the timings.
    measure(sides("txt", 1, subset(corpus, corpus / "txt", 1, ".txt"))["ours"][0], env, work / "warm.csv")
    for kind in kinds:
        for count in counts:
            folder = subset(corpus, corpus / kind, count, "." + kind)
            todo = sides(kind, count, folder)
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in todo}
            for r in range(args.runs if count <= 1000 else 1):
                for name, (cmd, side_env) in todo.items():
                    runs[name].append(measure(cmd, side_env, work / f"{kind}-{count}-{name}.csv"))
            same = None
            # Ours with -j 2 must print what -j 1 prints; with a baseline, what the baseline printed.
            # (The files are named as given: the same folder for every side.)
            same = (work / f"{kind}-{count}-ours.csv").read_bytes() == (work / f"{kind}-{count}-ours_j2.csv").read_bytes()
            if "baseline" in todo:
                same = same and ((work / f"{kind}-{count}-ours.csv").read_bytes()
                                 == (work / f"{kind}-{count}-baseline.csv").read_bytes())
            summary = {name: {key: statistics.median(m[key] for m in ms) for key in ms[0]} | {"runs": ms}
                       for name, ms in runs.items()}
            results["check"][f"{kind}-{count}"] = {"kind": kind, "count": count, "sides": summary, "same_csv": same}
            _print_row(kind, count, summary, same)
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    results["load_after"] = os.getloadavg()
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_svg(results, args.svg)
    print(f"results written to {args.json}, picture to {args.svg}")
    return 0


def _print_row(kind: str, count: int, summary: dict[str, Any], same: Optional[bool]) -> None:
    ours = summary["ours"]
    print(f"\n{kind} × {count}   same CSV (-j 1, -j 2{', baseline' if 'baseline' in summary else ''}): {same}", flush=True)
    # The ratios to ours in wall time and in CPU seconds: on a shared machine the CPU ratio is the
    # one to judge by (the wall time moves with the other load).
    for name, m in summary.items():
        wall, cpu = m["wall_s"] / ours["wall_s"], m["cpu_s"] / ours["cpu_s"]
        print(f"  {name:9} wall {m['wall_s']:8.2f} s  cpu {m['cpu_s']:8.2f} s  rss {m['rss_mib']:6.1f} MiB  "
              f"tree {m['tree_pss_mib']:6.1f} MiB  ({wall:.2f}× ours wall, {cpu:.2f}× cpu)  load {m['load']:.1f}")


# -- the picture ---------------------------------------------------------------------------------------


def _runs_said(rows: list[dict[str, Any]]) -> str:
    """How many runs each point is the median of, as the picture says it."""
    runs = sorted({len(m.get("runs", [m])) for r in rows for m in r["sides"].values()})
    return "one run per point" if runs == [1] else "the median of " + " or ".join(map(str, runs)) + " runs per point"


def write_svg(results: dict[str, Any], path: Path) -> None:
    """CPU time per file (linear) and peak memory of the whole process tree (log scale, with
    issue 17's 60 MiB line) against the number of files (log scale), one line per side."""
    import math

    rows = list(results["check"].values())
    kinds = sorted({r["kind"] for r in rows}, key=["docx", "txt"].index)
    styles = {"ours": ("#c0392b", "authoring check"), "ours_j2": ("#e67e22", "authoring check -j 2"),
              "baseline": ("#7f8c8d", f"before this work ({results.get('baseline') or 'baseline'})"),
              "docx": ("#2980b9", "python-docx + regex (naive)"),
              "lxml": ("#16a085", "zipfile + lxml + regex"), "txt": ("#2980b9", "read + regex (naive)")}
    panel_w, panel_h, left, top, gap = 330, 220, 70, 78 + (16 if "txt" in results else 0), 70
    width = left + len(kinds) * 2 * (panel_w + gap)
    height = top + panel_h + 150
    load = results.get("load_before", [0])[0]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="Noto Sans CJK SC, sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="15" font-weight="bold">authoring check at scale: '
           f'CPU time per file and peak memory against the number of files</text>',
           f'<text x="{left}" y="40" fill="#555">{results.get("date", "")} · commit {results.get("commit", "")} · '
           f'{results.get("nproc")} CPUs shared with other work, load {load:.1f} at the start · {_runs_said(rows)}</text>',
           f'<text x="{left}" y="56" fill="#555">{results.get("command", "")}</text>']
    if "txt" in results:  # the .txt rows measured again, in a run of their own
        out.append(f'<text x="{left}" y="72" fill="#555">.txt: {results["txt"]["command"]}</text>')
    for k, kind in enumerate(kinds):
        mine = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["count"])
        counts = [r["count"] for r in mine]
        names = [n for n in styles if any(n in r["sides"] for r in mine)]
        for j, (key, label, unit) in enumerate((("cpu", f"{kind}: CPU time per file (process + workers)", "ms"),
                                               ("tree_pss_mib", f"{kind}: peak memory, whole process tree",
                                                "MiB (log)"))):
            x0 = left + (2 * k + j) * (panel_w + gap)

            def value(m: dict[str, float], count: int) -> float:
                return m["cpu_s"] * 1000 / count if key == "cpu" else max(m[key], 1.0)

            values = [value(r["sides"][n], r["count"]) for r in mine for n in names if n in r["sides"]]
            lo_c, hi_c = math.log10(min(counts) / 1.5), math.log10(max(counts) * 1.5)

            def xs(c: float) -> float:
                return x0 + (math.log10(c) - lo_c) / (hi_c - lo_c) * panel_w

            if key == "cpu":
                top_v = max(values) * 1.15 if values else 1
                ticks = [top_v * t / 4 for t in range(5)]

                def ys(v: float) -> float:
                    return top + panel_h - v / top_v * panel_h
            else:
                lo_v, hi_v = math.log10(min(values + [8]) / 1.3), math.log10(max(values + [60]) * 1.4)
                ticks = [t for t in (3, 10, 30, 60, 100, 300, 1000, 3000) if lo_v <= math.log10(t) <= hi_v]

                def ys(v: float) -> float:
                    return top + panel_h - (math.log10(v) - lo_v) / (hi_v - lo_v) * panel_h

            out.append(f'<text x="{x0}" y="{top - 8}" font-weight="bold">{label}</text>')
            out.append(f'<rect x="{x0}" y="{top}" width="{panel_w}" height="{panel_h}" fill="none" stroke="#999"/>')
            for v in ticks:
                out.append(f'<line x1="{x0}" x2="{x0 + panel_w}" y1="{ys(v):.1f}" y2="{ys(v):.1f}" stroke="#eee"/>')
                out.append(f'<text x="{x0 - 6}" y="{ys(v) + 4:.1f}" text-anchor="end" fill="#555">{v:.0f}</text>')
            if key != "cpu":
                out.append(f'<line x1="{x0}" x2="{x0 + panel_w}" y1="{ys(60):.1f}" y2="{ys(60):.1f}" stroke="#c0392b" '
                           f'stroke-dasharray="2,3"/><text x="{x0 + panel_w - 4}" y="{ys(60) - 4:.1f}" '
                           f'text-anchor="end" fill="#c0392b">target 60 MiB</text>')
            out.append(f'<text x="{x0 - 46}" y="{top + panel_h / 2}" fill="#555" transform="rotate(-90 {x0 - 46} '
                       f'{top + panel_h / 2})" text-anchor="middle">{unit}</text>')
            for c in counts:
                out.append(f'<text x="{xs(c):.1f}" y="{top + panel_h + 16}" text-anchor="middle" fill="#555">{c:,}</text>')
            out.append(f'<text x="{x0 + panel_w / 2}" y="{top + panel_h + 32}" text-anchor="middle" fill="#555">'
                       f'files (log scale)</text>')
            for n in names:
                pts = [(xs(r["count"]), ys(value(r["sides"][n], r["count"]))) for r in mine if n in r["sides"]]
                color = styles[n][0]
                dash = ' stroke-dasharray="5,3"' if n == "baseline" else ""
                out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="'
                           + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
                out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in pts)
        legend_y = top + panel_h + 56
        x = left + 2 * k * (panel_w + gap)
        for i, n in enumerate(names):
            color, text = styles[n]
            yy = legend_y + 17 * i
            dash = ' stroke-dasharray="5,3"' if n == "baseline" else ""
            out.append(f'<line x1="{x}" x2="{x + 22}" y1="{yy}" y2="{yy}" stroke="{color}" stroke-width="2"{dash}/>')
            out.append(f'<text x="{x + 28}" y="{yy + 4}">{text}</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
