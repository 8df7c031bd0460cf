"""check's rules on the report's years: the year known, the title and the opening naming the
same one, no stale “2023年以来”, the plans part on next year, and the meetings it cites
(meetings.yaml) held by the time it was due and the latest of them."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Optional

from authoring.blocks import Paragraph, Title
from authoring.check_context import Context, heading_label, params
from authoring.domain import submission_deadline
from authoring.lines import normalize_text
from authoring.resources import load_data
from authoring.rules import Finding, make_finding

_RANGE = re.compile(r"\d{4}\s*[—–\-－~～至到]+\s*\d{4}\s*年|\d{4}\s*年?\s*[—–\-－~～至到]+\s*\d{4}")


def year_rules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    year = ctx.year
    if year is None:
        return [make_finding("year.unknown")]
    title = next((b for b in ctx.blocks[:3] if isinstance(b, Title)), None)
    title_year = None
    if title is not None:
        m = re.search(r"(\d{4})\s*年", normalize_text(title.text))
        title_year = int(m.group(1)) if m else None
    opening = next((i for i, b in enumerate(ctx.blocks[:6]) if isinstance(b, Paragraph) and not b.number), None)
    if title_year is not None and opening is not None:
        m = re.match(r"\s*(\d{4})\s*年(度)?\s*[，,]", ctx.norms[opening])
        if m and int(m.group(1)) != title_year:
            out.append(make_finding("year.title_mismatch", ctx.line(opening), ctx.under[opening],
                                    title_year=title_year, text_year=int(m.group(1))))

    reported: set[str] = set()
    for i, norm in enumerate(ctx.norms):
        if "以来" not in norm:
            continue
        for m in re.finditer(r"(\d{4})\s*年(度)?以来", norm):
            since = int(m.group(1))
            # Last year's "以来" is what a copied report keeps; "2019年以来累计……" is a deliberate
            # multi-year figure, and a year after the report year is always wrong.
            stale = year - int(params()["since_years_back"]) <= since < year
            if (stale or since > year) and m.group(0) not in reported:
                reported.add(m.group(0))
                out.append(make_finding("year.since", ctx.line(i), ctx.under[i],
                                        found=ctx.texts[i][m.start():m.end()], year=year))

    plan = ctx.parts.get("plans")
    if plan is not None and plan.form == "heading":
        wrong: set[int] = set()
        m = re.search(r"(\d{4})\s*年", normalize_text(plan.heading))
        if m and not _RANGE.search(normalize_text(plan.heading)) and int(m.group(1)) != year + 1:
            wrong.add(int(m.group(1)))
            out.append(make_finding("year.plan", plan.line, heading_label(ctx.blocks, plan.start, plan.heading),
                                    found=m.group(1), expected=year + 1))
        # Under a combined "存在的问题和下一步打算" heading the problems come first and rightly
        # name the report year: only a plans part of its own is read paragraph by paragraph.
        shared = any(s.key != "plans" and (s.start, s.end) == (plan.start, plan.end) for s in ctx.parts.spans)
        for i in range(plan.start, plan.start if shared else plan.end):
            b = ctx.blocks[i]
            text = normalize_text(b.text) if isinstance(b, Paragraph) else ""
            m = re.match(r"\s*(\d{4})\s*年(度)?(?![—–\-－~～至到\d])", text)
            if m and int(m.group(1)) != year + 1 and int(m.group(1)) not in wrong:
                wrong.add(int(m.group(1)))
                out.append(make_finding("year.plan", ctx.line(i), ctx.under[i],
                                        found=m.group(1), expected=year + 1))
    out += _meeting_rules(ctx, year)
    return out


def _meeting_rules(ctx: Context, year: int) -> list[Finding]:
    data = load_data("meetings.yaml")
    patterns = data.get("patterns", {})
    text = "\n".join(ctx.norms)
    cited: list[dict[str, Any]] = []
    first_line: dict[str, Optional[int]] = {}
    def held(m: dict[str, Any]) -> tuple[int, int]:
        y, mo = str(m["held"]).split("-")[:2]
        return int(y), int(mo)

    # The report is submitted by the deadline (data/deadlines.yaml); the table has a meeting's
    # month, so a meeting is after the deadline only when its month starts after it.
    submitted = submission_deadline(year)

    def after_deadline(m: dict[str, Any]) -> bool:
        return _dt.date(*held(m), 1) > submitted

    collective = data.get("collective") or {}
    for m in data["meetings"]:
        rx = patterns.get(m["name"])
        if collective.get(m["congress"]) and not after_deadline(m):
            # "二十届历次全会" cites every plenum of the congress held before the report was due.
            rx = f"{rx}|{collective[m['congress']]}" if rx else None
        if not rx:
            continue
        search = re.compile(rx).search
        for i, norm in enumerate(ctx.norms):
            if search(norm):
                cited.append(m)
                first_line[m["name"]] = ctx.line(i)
                break
    out: list[Finding] = []
    if not cited:
        return out

    # A meeting held after the report was submitted cannot be cited.
    for m in cited:
        if after_deadline(m):
            out.append(make_finding("year.future_meeting", first_line[m["name"]], "",
                                    found=m["name"], held=str(m["held"]), year=year))
    current = [m for m in data["meetings"] if held(m)[0] <= year and patterns.get(m["name"])]
    if current:
        expected = max(current, key=held)
        names = {m["name"] for m in cited}
        if expected["name"] not in names and held(expected)[0] >= year - 1 and text:
            older = [m["name"] for m in cited if held(m) < held(expected)]
            if older:
                out.append(make_finding("year.stale_meeting", first_line[older[0]], "",
                                        found="、".join(older), expected=expected["name"], year=year))
    return out


