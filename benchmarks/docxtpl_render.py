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
# The 第一责任人 duties given as facts, worded as our templates/duties.j2 words them (a docxtpl
# user would write the same sentences in the template or in Python): the order they are told
# in, the sections that hold the facts no duty entry takes, and the default names.
_FACT_ORDER = ["leading_group", "meetings", "personally", "study", "decisions", "court", "report_on_law"]
_FACT_GROUPS = {"meetings": ["party", "party_name", "office", "office_name", "topics"],
                "personally": ["deploy", "inquire", "coordinate", "supervise"],
                "study": ["sessions", "topics"], "decisions": ["count", "reviewed", "discussed"],
                "court": ["cases", "attended", "rate", "in_person"]}
_FACT_SECTIONS = [("加强组织领导，履行第一责任人职责", ["leading_group", "meetings", "personally"]),
                  ("带头尊法学法，提升法治素养", ["study"]), ("坚持依法决策，规范决策程序", ["decisions"]),
                  ("带头出庭应诉，维护司法权威", ["court"]), ("落实述法制度，压实法治责任", ["report_on_law"])]


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


def _given(v: Any) -> bool:
    if v is None or v is False or v == "" or v == [] or v == {}:
        return False
    if isinstance(v, dict):
        return any(_given(x) for k, x in v.items() if k not in ("party_name", "office_name"))
    return True


def _clause(text: Any) -> str:
    return str(text).strip().rstrip("。；;，,.、 ")


def _series(items: Any) -> str:
    out = ""
    for item in (_clause(i) for i in items):
        if out and not (out[-1] in "》”" and item[:1] in "《“"):
            out += "、"
        out += item
    return out


def _fact_sentence(key: str, v: Any, w: dict[str, str]) -> str:
    """One fact as the sentence part two states it in (templates/duties.j2)."""
    if key == "leading_group":
        return f"{w['short']}{v if isinstance(v, str) else w['group']}由{w['leader']}担任组长。"
    if key == "meetings":
        party = f"{v['party_name'] or w['party_meeting']}{v['party']}次" if v["party"] is not None else ""
        office = f"{v['office_name'] or w['office_meeting']}{v['office']}次" if v["office"] is not None else ""
        topics = f"，研究审议{_series(v['topics'])}" if v["topics"] else ""
        return f"全年召开{'、'.join(x for x in (party, office) if x) or '会议'}研究部署法治建设工作{topics}。"
    if key == "personally":
        said = [("对法治建设重要工作亲自部署，" + _clause(v["deploy"])) if v["deploy"] else "",
                ("重大问题亲自过问，" + _clause(v["inquire"])) if v["inquire"] else "",
                ("重点环节亲自协调，" + _clause(v["coordinate"])) if v["coordinate"] else "",
                ("重要任务亲自督办，" + _clause(v["supervise"])) if v["supervise"] else ""]
        return "；".join(x for x in said if x) + "。"
    if key == "study":
        n = f"全年专题学法{v['sessions']}次" if v["sessions"] is not None else "坚持专题学法"
        topics = f"，集中学习{_series(v['topics'])}" if v["topics"] else ""
        return f"{w['leader']}带头学法，{w['party_body']}理论学习中心组{n}{topics}。"
    if key == "decisions":
        out = "严格执行重大行政决策程序"
        count, reviewed, discussed = v["count"], v["reviewed"], v["discussed"]
        if count is not None and str(count) == "0":
            return out + "，全年未作出重大行政决策。"
        if count is not None:
            out += f"，全年作出重大行政决策{count}项"
        if count is not None and reviewed is not None and str(reviewed) == str(count) and str(discussed) == str(count):
            return out + "，均经合法性审核和集体讨论决定。"
        out += f"，经合法性审核{reviewed}项" if reviewed is not None else ""
        return out + (f"，经集体讨论决定{discussed}项" if discussed is not None else "") + "。"
    if key == "court":
        out = "严格落实行政机关负责人出庭应诉制度"
        if v["cases"] is not None and str(v["cases"]) == "0":
            out += "，全年未发生行政诉讼案件"
        elif v["cases"] is not None:
            out += f"，全年应诉行政诉讼案件{v['cases']}件"
        out += f"，负责人出庭应诉{v['attended']}件" if v["attended"] is not None else ""
        out += f"，出庭应诉率{v['rate']}%" if v["rate"] is not None else ""
        if v["in_person"] is not None:
            out += f"，{'其中' if v['attended'] is not None else ''}{w['leader']}亲自出庭应诉{v['in_person']}件"
        return out + "。"
    return "严格落实年终述法制度，将履行推进法治建设第一责任人职责情况列入年终述职内容。"


def _facts(fr: dict[str, Any]) -> dict[str, Any]:
    skip = set(fr.get("in_text") or [])
    out: dict[str, Any] = {}
    for key in _FACT_ORDER:
        v = fr.get(key)
        if key in skip or not _given(v):
            out[key] = None
        elif key in _FACT_GROUPS and isinstance(v, dict):
            out[key] = {f: (v.get(f) if _given(v.get(f)) else None) for f in _FACT_GROUPS[key]}
        else:
            out[key] = v
    return out


def _first_responsible(fr: dict[str, Any], short: str, numbers: _Numbers, blocks: list[dict[str, Any]]) -> None:
    leader = fr["leader"]
    found = re.match(r"^(.*?党[组委])", leader or "")
    body = found.group(1) if found else ""
    words = {"leader": leader, "short": short, "party_body": body, "group": "法治建设领导小组",
             "party_meeting": f"{body or '党组'}会议", "office_meeting": "局长办公会议"}
    facts = _facts(fr)

    def told(keys: list[str]) -> str:
        return "".join(_fact_sentence(k, facts[k], words) for k in _FACT_ORDER if k in keys and facts[k] is not None)

    duties = [d if isinstance(d, dict) else {"text": d} for d in fr.get("duties") or []]
    claimed = {k for d in duties for k in d.get("facts") or []}

    def sections() -> None:
        for heading, keys in _FACT_SECTIONS:
            text = told([k for k in keys if k not in claimed])
            if text:
                _entry({"heading": heading, "text": text}, 2, numbers, blocks)

    opening = fr.get("text") or ("" if fr.get("default_opening") is False else _OPENING.format(leader=leader))
    blocks.extend({"kind": "p", "level": 0, "lead": "", "text": p} for p in _paras(opening))
    if not claimed:
        sections()
    for d in duties:
        lead = told(d["facts"]) if d.get("facts") else ""
        _entry(dict(d, text=lead + (d.get("text") or "")) if lead else d, 2, numbers, blocks)
    if claimed:
        sections()


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
        heading = numbers.next(1) + headings[key]
        if key == "first_responsible":
            _first_responsible(data["first_responsible"], short, numbers, blocks)
        else:
            for e in data.get(key) or []:
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
