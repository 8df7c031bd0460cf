"""check's rules on the report's parts: every mandated part there, once, with something in it
(parts.yaml, headings.yaml); the 第一责任人 duties part two mentions (duties.yaml); the areas of
the 纲要 part one covers (areas.yaml)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Sequence

from authoring.blocks import Block
from authoring.check_context import Context, heading_label, part_body, part_text, shorten
from authoring.domain import FieldPath, part_labels
from authoring.duties import duty_specs, fact_label
from authoring.lines import normalize_text
from authoring.parts import classify_heading, find_parts
from authoring.resources import load_data
from authoring.rules import Finding, make_finding, rules_table

# -- parts --------------------------------------------------------------------------------------


def part_rules(ctx: Context) -> list[Finding]:
    labels = part_labels()
    out: list[Finding] = []
    for key in ctx.parts.missing:
        out.append(make_finding("parts.missing", label=labels[key]))
    seen: dict[str, str] = {}
    for span in ctx.parts.spans:
        label = heading_label(ctx.blocks, span.start, span.heading)
        if span.form != "heading":
            if span.key == "first_responsible":
                out.append(make_finding("parts.first_responsible_not_separate", span.line, "",
                                        form=rules_table()["display"]["forms"][span.form], heading=shorten(span.heading, 40)))
            else:
                out.append(make_finding("parts.not_separate", span.line, "", label=labels[span.key],
                                        form=rules_table()["display"]["forms"][span.form], heading=shorten(span.heading, 40)))
            continue
        if span.key in seen:
            # The other heading by its words, not its line: a YAML and its Word file number
            # their lines differently, and the message must be the same for both.
            out.append(make_finding("parts.duplicate", span.line, label, label=labels[span.key],
                                    other=shorten(seen[span.key], 30)))
        else:
            seen[span.key] = label
        if not part_body(ctx.blocks, span):
            out.append(make_finding("parts.empty", span.line, label, label=labels[span.key]))
        if span.key == "achievements" and classify_heading(span.heading, ctx.year) != ["achievements"]:
            out.append(make_finding("parts.topical", span.line, label, heading=shorten(span.heading, 30)))
    return out








# -- 第一责任人 duties ----------------------------------------------------------------------------


def duties_covered(text: str, given: Iterable[str] = ()) -> dict[str, bool]:
    """Duty id → whether part two's `text` mentions the duty, or a fact `given` for it (a duty id
    from the report YAML) answers it. A document has no facts: only its text counts."""
    norm = normalize_text(text)
    answered = set(given)
    out: dict[str, bool] = {}
    for duty in duty_specs():
        seen = norm
        for phrase in duty.get("except") or []:
            seen = seen.replace(phrase, "")
        out[duty["id"]] = duty["id"] in answered or any(k in seen for k in duty["keywords"])
    return out


def missing_duties(blocks: Sequence[Block], given: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The rule `duties.missing` on a report's blocks: the duties of the 2016 规定 that part two
    neither mentions nor answers with a fact (validate passes the facts of the YAML it rendered)."""
    parts = find_parts(list(blocks))
    if parts.get("first_responsible") is None:
        return []  # parts.missing says so
    covered = duties_covered(part_text(list(blocks), parts, "first_responsible"), given)
    return [d for d in duty_specs() if not covered[d["id"]]]




def duty_message(duty: dict[str, Any], source: str = "document", stated: str = "", unprinted: str = "",
                 label: Optional[Callable[[FieldPath], str]] = None) -> str:
    """The `duties.missing` message for one duty: on a document it names the duty; on a report
    YAML (`source="yaml"`) it also names the fields to fill, or the fact `stated` that the YAML
    lists as said by the text (in_text) when the text does not say it, or the fact given that
    part two as rendered does not show (`unprinted`). The fields are named by their YAML keys,
    as beside a file's line; `label` names a field of first_responsible as the place showing
    the message does instead (the workbench: its form's label, “行政机关负责人出庭应诉”)."""
    spec = rules_table()["rules"]["duties.missing"]
    if source != "yaml":
        return str(spec["message"]).format(duty=duty["name"])
    keyed = spec.get("yaml_names") or {}

    def field(key: str) -> str:
        return f"“{label(('first_responsible', key))}”" if label else str(keyed.get(key, key))

    def fact(key: str) -> str:
        # The field's Chinese name beside its key only where the duty's name does not already say it.
        if label:
            return field(key)
        return f"first_responsible.{key}" + ("" if fact_label(key) in duty["name"] else f"（{fact_label(key)}）")

    names = {k: field(k) for k in ("duties", "text", "in_text")}
    if stated or unprinted:
        fill = spec["fill_stated" if stated else "fill_unprinted"].format(key=field(stated or unprinted), **names)
    else:
        keys = "或".join(fact(k) for k in duty.get("facts") or [])
        fill = spec["fill_facts" if keys else "fill_text"].format(keys=keys, **names)
    message = str(spec["yaml_message"]).format(duty=duty["name"], fill=fill)
    # A field named in quotes needs no space to stand apart from the Chinese around it.
    return message.replace(" “", "“").replace("” ", "”") if label else message


def duty_rules(ctx: Context) -> tuple[dict[str, bool], list[Finding]]:
    span = ctx.parts.get("first_responsible")
    if span is None:
        return {}, []
    covered = duties_covered(ctx.span_text("first_responsible"))
    label = heading_label(ctx.blocks, span.start, span.heading)
    where = label if span.form == "heading" else ""
    spec = rules_table()["rules"]["duties.missing"]
    findings = [
        Finding("duties.missing", spec["severity"], spec["category"], duty_message(d), span.line, where)
        for d in duty_specs() if not covered[d["id"]]
    ]
    return {d["name"]: covered[d["id"]] for d in duty_specs()}, findings

# -- coverage of part one -----------------------------------------------------------------------


def coverage_rules(ctx: Context) -> tuple[dict[str, bool], list[Finding]]:
    span = ctx.parts.get("achievements")
    if span is None:
        return {}, []
    text = normalize_text(ctx.span_text("achievements"))
    areas = {a["name"]: any(normalize_text(k) in text for k in a["keywords"])
             for a in load_data("areas.yaml")["areas"]}
    untouched = [n for n, ok in areas.items() if not ok]
    if not untouched:
        return areas, []
    label = heading_label(ctx.blocks, span.start, span.heading)
    return areas, [make_finding("coverage.areas", span.line, label, areas="、".join(untouched))]


