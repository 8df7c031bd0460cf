"""The bounds of issue 16 (round two), measured: every hot spot and budget case at a size near
the documented input limits (a 2 MB YAML, a 20 MB text), each command in its own process under
/usr/bin/time, beside the peer of the same command on an ordinary report in the same run.

    python benchmarks/bounds.py            # prints a table; --json FILE writes the figures

What the table says: CPU seconds (user + system: the machine is shared, the clock is not ours),
the wall clock, the peak resident memory, and the CPU ratio to the peer. The promise
(docs/guarantees.md) is no command over 10 s or 1.5 GB on any input under the limits.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
REPORT = (ROOT / "tests" / "bad_inputs" / "encoding_utf8_bom.yaml").read_bytes()[3:].decode("utf-8")
# The smallest report a text check passes, as tests/test_round_two.py uses it.
TEXT = (ROOT / "tests" / "fixtures" / "minimal-report.txt").read_text(encoding="utf-8")


def _yaml(**replace: str) -> str:
    text = REPORT
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _text(body: str) -> str:
    return TEXT.replace("执法队伍专业化水平有待提高。", body)


def _items(n: int, item: str) -> str:
    return "".join(f"  - {item.format(i=i)}\n" for i in range(n))


FIGURES = "  licenses: 917\n"
PLANS = "  - 持续深化综合行政执法改革。\n"
SLOW = "{{ range(20000)|map('string')|map('center', 9)|join|length }}"
NO_PART_TWO = "二、党政主要负责人履行推进法治建设第一责任人职责情况\n局长认真履行推进法治建设第一责任人职责。\n"

# name, files to write {name: text}, the command's arguments, the peer's arguments
Case = tuple[str, Callable[[], dict[str, str]], list[str], list[str]]
VALIDATE_PEER = ["validate", "peer.yaml"]
CHECK_PEER = ["check", "peer.txt"]
IMPORT_PEER = ["import", "peer.txt", "-o", "peer-out.yaml", "--force"]

CASES: list[Case] = [
    ("validate: layout.order of 120,000 entries",
     lambda: {"h.yaml": REPORT + "layout:\n  order:\n" + "".join(f"    - part{i}\n" for i in range(120_000))},
     ["validate", "h.yaml"], VALIDATE_PEER),
    ("validate: 20,000 figures, 20,000 misspelt references",
     lambda: {"h.yaml": _yaml(**{FIGURES: FIGURES + "".join(f"  figure_number_{i}: {i}\n" for i in range(20_000)),
                                 PLANS: _items(20_000, "第{i}项{{{{ figures.figure_nmber_{i} }}}}件。")})},
     ["validate", "h.yaml"], VALIDATE_PEER),
    ("validate: 100,000 unknown fields",
     lambda: {"h.yaml": _yaml(**{"agency:\n  name: 某市城市管理局\n": "agency:\n  name: 某市城市管理局\n"
                                 + "".join(f"  unknown_{i}: x\n" for i in range(100_000))})},
     ["validate", "h.yaml"], VALIDATE_PEER),
    ("check: a run of 5,000,000 digits before %",
     lambda: {"h.txt": _text("完成率" + "1" * 5_000_000 + "%。")}, ["check", "h.txt"], CHECK_PEER),
    ("check: a clause of 5,000,000 characters (no part-two heading)",
     lambda: {"h.txt": TEXT.replace(NO_PART_TWO, "").replace("\n一、", "\n" + "落实" * 2_500_000 + "。\n一、", 1)},
     ["check", "h.txt"], CHECK_PEER),
    ("check: 300,000 共N件 before one 其中",
     lambda: {"h.txt": _text("共办理案件1件，" * 300_000 + "其中1件。")}, ["check", "h.txt"], CHECK_PEER),
    ("check: 300,000 <div> then 300,000 stray </span>",
     lambda: {"h.html": "<html><body>" + "<div>" * 300_000 + "</span>" * 300_000 + "<p>"
              + TEXT.replace("\n", "</p><p>") + "</p>"}, ["check", "h.html"], CHECK_PEER),
    ("import: a bracket of 2,000,000 characters that never closes",
     lambda: {"h.txt": _text("(" + "依法行政" * 500_000 + "。")}, ["import", "h.txt", "-o", "h.yaml", "--force"],
     IMPORT_PEER),
    ("import: a run of 5,000,000 spaces",
     lambda: {"h.txt": _text("依法" + " " * 5_000_000 + "行政。")}, ["import", "h.txt", "-o", "h.yaml", "--force"],
     IMPORT_PEER),
    ("import --figures: 50,000 figures of one name",
     lambda: {"h.txt": _text("，".join(f"办理行政许可{i}件" for i in range(50_000)) + "。")},
     ["import", "h.txt", "-o", "h.yaml", "--figures", "--force"], IMPORT_PEER),
    ("init --from: 30,000 figures",
     lambda: {"h.yaml": _yaml(**{FIGURES: FIGURES + "".join(f"  f{i}: {i}\n" for i in range(30_000)),
                                 PLANS: _items(30_000, "第{i}项{{{{ figures.f{i} }}}}件。")})},
     ["init", "--from", "h.yaml", "-o", "next.yaml", "--force"], ["init", "--from", "peer.yaml", "-o", "peer-next.yaml", "--force"]),
    ("compare: 20,000 plans against 20,000 passages",
     lambda: {"a.yaml": _yaml(**{PLANS: _items(20_000, "持续推进第{i}项综合行政执法改革工作。")}),
              "b.yaml": _yaml(**{"year: 2024\n": "year: 2025\n", "achievements:\n": "achievements:\n"
                                 + _items(20_000, "heading: 第{i}项执法改革\n    text: 推进综合行政执法改革第{i}项工作。")})},
     ["compare", "a.yaml", "b.yaml"], ["compare", "peer.yaml", "peer-2025.yaml"]),
    ("validate: a valid report of 20,000 entries",
     lambda: {"h.yaml": _yaml(**{"achievements:\n": "achievements:\n"
                                 + _items(20_000, "heading: 第{i}项执法改革\n    text: 推进综合行政执法改革第{i}项工作。")})},
     ["validate", "h.yaml"], VALIDATE_PEER),
    ("render --draft: a valid report of 20,000 entries",
     lambda: {"h.yaml": _yaml(**{"achievements:\n": "achievements:\n"
                                 + _items(20_000, "heading: 第{i}项执法改革\n    text: 推进综合行政执法改革第{i}项工作。")})},
     ["render", "h.yaml", "-o", "h.docx", "--force", "--draft"], ["render", "peer.yaml", "-o", "peer.docx", "--force"]),
    ("render: 400 prose fields each a slow expression (the time budget)",
     lambda: {"h.yaml": _yaml(**{PLANS: "".join(f"  - 第{i}项{SLOW}。\n" for i in range(400))})},
     ["render", "h.yaml", "-o", "h.txt", "--force"], ["render", "peer.yaml", "-o", "peer.txt", "--force"]),
    ("render: 30 prose fields each making 999,999 characters (one output budget)",
     lambda: {"h.yaml": _yaml(**{PLANS: "".join(f"  - 第{i}项{{{{ 'x' * 999999 }}}}。\n" for i in range(30))})},
     ["render", "h.yaml", "-o", "h.txt", "--force"], ["render", "peer.yaml", "-o", "peer.txt", "--force"]),
    ("render --templates: a template holding 150 strings of 990,000 characters",
     lambda: {"h.yaml": REPORT, "mine/report.j2": "@title 标题\n{% set ns = namespace(l=[]) %}{% for i in range(150) %}"
              "{% set ns.l = ns.l + [('x' * 990000) ~ i] %}{% endfor %}{{ ns.l|length }}\n"},
     ["render", "h.yaml", "--templates", "mine", "-o", "h.txt", "--force"],
     ["render", "peer.yaml", "-o", "peer.txt", "--force"]),
    ("render: a table row of 20,000 cells",
     lambda: {"h.yaml": _yaml(**{"    text: 共办理行政许可{{ figures.licenses }}件。\n": "    text: 共办理。\n    table: [["
                                 + ",".join(["a"] * 20000) + "]" + "".join(", [b]" for _ in range(20)) + "]\n"})},
     ["render", "h.yaml", "-o", "h.docx", "--force"], ["render", "peer.yaml", "-o", "peer.docx", "--force"]),
    ("render: a title of 600,000 characters",
     lambda: {"h.yaml": _yaml(**{"year: 2024\n": f"year: 2024\ntitle: {'关于' * 300_000}的报告\n"})},
     ["render", "h.yaml", "-o", "h.docx", "--force"], ["render", "peer.yaml", "-o", "peer.docx", "--force"]),
]


def measure(args: list[str], cwd: Path) -> dict[str, float]:
    """One command under /usr/bin/time: CPU seconds, wall seconds, peak resident MB, exit code."""
    stats = cwd / ".time"
    cmd = ["/usr/bin/time", "-o", str(stats), "-f", "%U %S %e %M", sys.executable, "-m", "authoring", *args]
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    if "Traceback" in done.stdout + done.stderr:
        raise SystemExit(f"authoring {' '.join(args)}: a traceback\n{done.stderr[-2000:]}")
    user, system, wall, rss = stats.read_text().split()[-4:]
    return {"cpu_s": float(user) + float(system), "wall_s": float(wall), "rss_mb": int(rss) / 1024,
            "exit": done.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("-k", default="", help="only the cases whose name holds this")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "peer.yaml").write_text(REPORT, encoding="utf-8")
        (folder / "peer-2025.yaml").write_text(_yaml(**{"year: 2024\n": "year: 2025\n"}), encoding="utf-8")
        (folder / "peer.txt").write_text(TEXT, encoding="utf-8")
        for name, make, args, peer in CASES:
            if options.k not in name:
                continue
            sizes = []
            for file, text in make().items():
                (folder / file).parent.mkdir(parents=True, exist_ok=True)
                (folder / file).write_text(text, encoding="utf-8")
                sizes.append(len(text.encode("utf-8")))
            case, base = measure(args, folder), measure(peer, folder)
            row = {"case": name, "input_mb": round(sum(sizes) / 1e6, 2), **case,
                   "peer_cpu_s": base["cpu_s"], "ratio": round(case["cpu_s"] / max(base["cpu_s"], 0.01), 1)}
            rows.append(row)
            print(f"{name:64} {row['input_mb']:6.2f} MB  cpu {case['cpu_s']:6.2f} s  wall {case['wall_s']:6.2f} s  "
                  f"{case['rss_mb']:7.1f} MB  exit {case['exit']}  peer {base['cpu_s']:.2f} s  ×{row['ratio']}",
                  flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    if options.json:
        options.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
