"""The docxtpl side of the benchmark: report YAML → the same content → a .docx, with docxtpl.

This is what an agency would write if it used docxtpl directly: `yaml.safe_load`, a little
Python to fill the figures into the prose and number the headings (一、（一）1.), then one
template render. It never imports our package, so its cold start is docxtpl's own.

    python benchmarks/docxtpl_render.py examples/changzhou-cgj-2024.yaml -o /tmp/y.docx
"""
from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path
from typing import Any, Optional, Union

import yaml
from docxtpl import DocxTemplate

_CN = "零一二三四五六七八九"
_END = "。！？；：…"
_FIGURE = re.compile(r"\{\{\s*figures\.(\w+)\s*\}\}")
# Same default wording as our tool (authoring/data/parts.yaml and duties.yaml), copied so that
# the two documents hold the same text.
_HEADINGS = {
    "achievements": "主要举措和成效",
    "first_responsible": "党政主要负责人履行推进法治建设第一责任人职责情况",
    "shortcomings": "存在的不足和原因",
    "plans": "{next_year}年度推进法治政府建设的主要安排",
    "other": "其他需要报告的情况",
}
_OPENING = (
    "{leader}认真履行推进法治建设第一责任人职责，切实履行依法治国重要组织者、推动者和实践者的职责，"
    "对法治建设重要工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要任务亲自督办，"
    "以身作则、以上率下，带头尊法学法守法用法，加强对法治政府建设的组织领导，"
    "及时研究解决法治建设重大问题，为推进法治建设提供有力保障。"
)
_LEVEL_FORMAT = {1: "{cn}、", 2: "（{cn}）", 3: "{n}.", 4: "（{n}）"}


def cn(n: int) -> str:
    """1 → 一, 12 → 十二 (1–99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN[ones]
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return "【待填】" if v is None else str(v)


def _fill(data: Any, figures: dict[str, Any]) -> Any:
    if isinstance(data, dict):
        return {k: _fill(v, figures) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill(v, figures) for v in data]
    if isinstance(data, str) and "{{" in data:
        return _FIGURE.sub(lambda m: _value(figures[m.group(1)]), data)
    return data


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in _END else text + "。"


def _paras(text: Optional[str]) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class _Numbers:
    def __init__(self) -> None:
        self.counters = [0] * 6

    def next(self, level: int) -> str:
        self.counters[level] += 1
        for deeper in range(level + 1, 6):
            self.counters[deeper] = 0
        n = self.counters[level]
        return _LEVEL_FORMAT[min(level, 4)].format(n=n, cn=cn(n))


def _entry(e: Any, level: int, numbers: _Numbers, out: list[dict[str, Any]]) -> None:
    if isinstance(e, str):
        e = {"text": e}
    items = e.get("items") or []
    paras = _paras(e.get("text"))
    points = "".join(f"{cn(i)}是{_sentence(str(p))}" for i, p in enumerate(e.get("points") or [], 1))
    if paras and points:
        paras[-1] += points
    elif points:
        paras = [points]
    if items:
        if e.get("heading"):
            out.append({"kind": f"h{min(level, 3)}", "text": numbers.next(level) + e["heading"]})
        out.extend({"kind": "p", "level": 0, "lead": "", "text": p} for p in paras)
        for item in items:
            _entry(item, level + 1, numbers, out)
        return
    lead = ""
    if e.get("heading"):
        lead = numbers.next(level) + _sentence(e["heading"])
    elif level > 2:
        lead = numbers.next(level)
    for i, p in enumerate(paras or [""]):
        if i == 0 and lead:
            out.append({"kind": "p", "level": level, "lead": lead, "text": p})
        elif p:
            out.append({"kind": "p", "level": 0, "lead": "", "text": p})


def build_context(data: dict[str, Any]) -> dict[str, Any]:
    """Report data (as yaml.safe_load gives it) → the template's variables."""
    figures = data.get("figures") or {}
    data = _fill(data, figures)
    year = int(data["year"])
    agency = data["agency"]["name"]
    short = data["agency"].get("short_name") or agency
    layout = data.get("layout") or {}
    headings = {k: v.format(next_year=year + 1) for k, v in _HEADINGS.items()}
    headings.update(layout.get("headings") or {})
    order = layout.get("order") or [k for k in _HEADINGS if k != "other" or data.get("other")]
    numbers = _Numbers()
    parts = []
    for key in order:
        blocks: list[dict[str, Any]] = []
        if key == "first_responsible":
            fr = data["first_responsible"]
            opening = fr.get("text") or _OPENING.format(leader=fr["leader"])
            blocks.extend({"kind": "p", "level": 0, "lead": "", "text": p} for p in _paras(opening))
            entries = fr.get("duties") or []
        else:
            entries = data.get(key) or []
        heading = numbers.next(1) + headings[key]
        for e in entries:
            _entry(e, 2, numbers, blocks)
        parts.append({"heading": heading, "blocks": blocks})
    preamble = data.get("preamble") or (
        f"{year}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
        "认真落实法治政府建设各项任务，现将有关情况报告如下："
    )
    signature = data.get("signature") or {}
    date = signature.get("date")
    return {
        "title": data.get("title") or f"{agency}关于{year}年度法治政府建设情况的报告",
        "preamble": _paras(preamble),
        "parts": parts,
        "signature": {
            "name": signature.get("name") or agency,
            "date": f"{date.year}年{date.month}月{date.day}日" if hasattr(date, "year") else (date or ""),
        },
    }


def render_bytes(template: Union[str, Path, DocxTemplate], data: dict[str, Any]) -> bytes:
    """One report: context, docxtpl render (autoescaped: prose may hold & and <), saved bytes."""
    tpl = template if isinstance(template, DocxTemplate) else DocxTemplate(str(template))
    tpl.render(build_context(data), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Render a report YAML with docxtpl (benchmark).")
    parser.add_argument("yaml_file", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--template", type=Path, default=None,
                        help="the docxtpl template; built by docxtpl_template.py if not given")
    args = parser.parse_args(argv)
    template = args.template
    if template is None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from docxtpl_template import ensure_template

        template = ensure_template()
    with open(args.yaml_file, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    args.output.write_bytes(render_bytes(template, data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
