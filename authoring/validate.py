"""Step 2, validate: the cerberus schema plus content rules → every problem at once."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from authoring.blocks import Block
from authoring.check import CheckReport, check_blocks, duty_message, missing_duties
from authoring.domain import FieldPath
from authoring.duties import given_facts, stated_in_text
from authoring.errors import AuthoringError, Place, Problem
from authoring.load import LoadedReport
from authoring.read import reread
from authoring.render import render_report
from authoring.rules import Finding, ignored, problem, rule_spec, stops_render
from authoring.validate_fields import field_problems, iter_strings
from authoring.validate_schema import MAX_SCHEMA_ERRORS, schema_document, schema_problems

# What other modules take from validate (the schema and the field rules have modules of their own).
__all__ = ["MAX_SCHEMA_ERRORS", "Verdict", "check_yaml", "iter_strings", "schema_document", "validate_report",
           "verdict"]


def _duty_problems(report: LoadedReport, blocks: list[Block]) -> list[Problem]:
    """check's duties.missing on the blocks as the Word file reads back, the message naming the
    field to fill. A given fact answers its duty through the sentence it renders, and only where
    a reader finds that sentence in part two (not where a number typed into a text made a new
    part of what follows): so validate says what check of the rendered file says."""
    fr = report.data["first_responsible"]
    stated = stated_in_text(fr)
    problems: list[Problem] = []
    for duty in missing_duties(blocks):
        facts = duty.get("facts") or []
        listed = [k for k in facts if k in stated]
        given = [k for k in facts if k in given_facts(fr) and k not in stated]
        present = [k for k in facts if k in fr]
        if listed:
            # A fact listed as stated in the text renders no sentence: the text must say it.
            path: FieldPath = ("first_responsible", "in_text")
            message = duty_message(duty, "yaml", stated=listed[0])
        elif given:
            # Given, yet not in part two as rendered: a --templates copy left it out, or a number
            # typed into a text made what follows a part of its own.
            path = ("first_responsible", given[0])
            message = duty_message(duty, "yaml", unprinted=given[0])
        else:
            path = ("first_responsible", present[0]) if present else ("first_responsible",)
            message = duty_message(duty, "yaml")
        problems.append(Problem(message, report.place(path), "warning", "duties.missing"))
    return problems


# -- the verdict: YAML problems, then the content rules on the rendered blocks ------------------


@dataclass
class Verdict:
    """Everything validate says of a report YAML: its problems (YAML places, file order), the
    blocks it renders to and the checker's report on them (none when it cannot be rendered)."""

    problems: list[Problem]
    blocks: list[Block] = field(default_factory=list)
    check: Optional[CheckReport] = None
    # The content was checked, but a load-level error (a duplicate key, an impossible date) keeps
    # the report from being rendered: which of two values, or what date, only the clerk can say.
    stopped: bool = False

    @property
    def renderable(self) -> bool:
        """Whether the report could be rendered (no error that stops rendering)."""
        return self.check is not None and not self.stopped

    @property
    def errors(self) -> list[Problem]:
        """The error-level problems: what must change before the report is submitted."""
        return [p for p in self.problems if p.severity == "error"]


def _inside(path: FieldPath, refused: list[FieldPath]) -> bool:
    return any(path[: len(r)] == r for r in refused)


def _yaml_problems(report: LoadedReport) -> list[Problem]:
    """Load, schema and field problems; a field refused already (or one inside it) needs no
    second message, and an error the schema gives on a value the loader could not build is the
    loader's."""
    loaded = [(_problem_path(report, p), p) for p in report.problems]
    # The loader names a field by its path alone (signature.date); say it as every other message
    # does, in Chinese first: 落款（signature.date）.
    out = [replace(p, place=replace(p.place, label="")) if path else p for path, p in loaded]
    refused = [path for path, _ in loaded]
    schema = schema_problems(report)
    out += [found for path, found in schema if not _inside(path, refused)]
    refused += [path for path, _ in schema]
    for path, found in field_problems(report):
        if found.severity != "error" or not _inside(path, refused):
            out.append(found)
    return out


def _problem_path(report: LoadedReport, found: Problem) -> FieldPath:
    """The field a loader's problem is about (its place carries the path)."""
    return found.place.path


def _source_of(blocks: list[Block], line: Optional[int], rule: str = "") -> FieldPath:
    """The YAML field of the block a finding names; a finding about a whole part (its duties,
    its coverage) is placed at the part, not at the field its heading came from."""
    source: FieldPath = blocks[line - 1].source if line else ()
    if rule_spec(rule).get("place") == "part" and source:
        return (source[2],) if source[:2] == ("layout", "headings") and len(source) > 2 else source[:1]
    return source


_QUOTED = re.compile(r"“([^“”]{2,})”")


def _narrowed(report: LoadedReport, source: FieldPath, message: str) -> FieldPath:
    """A run-in paragraph comes from an entry's heading and text together: the finding is placed
    at the one of them that holds what its message quotes (“【待填】”, “管理,提升”)."""
    node: Any = report.data
    for key in source:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return source
    if not isinstance(node, dict):
        return source
    quoted = _QUOTED.findall(message)
    for path, text in iter_strings(node, source):
        if any(q in text for q in quoted):
            return path
    return source


def _finding_problem(report: LoadedReport, blocks: list[Block], finding: Finding) -> Problem:
    """A finding on a rendered block, placed at the YAML field that block came from."""
    source = _source_of(blocks, finding.line, finding.rule)
    if rule_spec(finding.rule).get("place") != "part":
        source = _narrowed(report, source, finding.message)
    place = report.place(source) if source else Place(report.path)
    return Problem(finding.message, place, finding.severity, finding.rule)


def _content(result: Verdict, report: LoadedReport, blocks: list[Block], ignore: Iterable[str],
             left_out: Iterable[FieldPath] = ()) -> list[Problem]:
    """check's rules on the rendered blocks, each finding placed at its YAML field; duties.missing
    as the YAML's facts answer it (_duty_problems). A rule that finds something absent (no
    成文日期) says nothing where the value was written but `left_out` (the loader refused it)."""
    # The blocks as the Word file reads back (reread: each block's line is its place in `blocks`),
    # so that validate says what check of that file will say.
    read = reread(blocks)
    result.check = check_blocks(read, source=report.path, ignore=ignore)
    refused = list(left_out)

    def said_already(finding: Finding) -> bool:
        source = _source_of(blocks, finding.line, finding.rule)
        return bool(source) and bool(rule_spec(finding.rule).get("absent")) and any(
            path[: len(source)] == source for path in refused)

    found = [_finding_problem(report, blocks, f) for f in result.check.findings
             if f.rule != "duties.missing" and not said_already(f)]
    if not ignored("duties.missing", ignore):
        found += _duty_problems(report, read)
    # An empty fact whose duty is reported missing needs no second line at the same place.
    missing = {p.place.path for p in found if p.rule == "duties.missing"}
    kept = [p for p in result.problems if not (p.rule == "fact-empty" and p.place.path in missing)]
    return kept + found


def _refused_values(report: LoadedReport) -> list[FieldPath]:
    """The fields whose value the loader could not build (2025-02-30) and left out as None."""
    out = []
    for found in report.problems:
        path = _problem_path(report, found) if found.rule == "yaml.bad_value" else ()
        if path and _value_at(report.data, path, _ABSENT) is None:
            out.append(path)
    return out


_ABSENT = object()  # a path that leads nowhere (not a value left out as None)


def _value_at(data: Any, path: FieldPath, default: Any) -> Any:
    """The value at a field path, or `default` where the path leads nowhere."""
    node = data
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return default
    return node


def _without_refused(report: LoadedReport) -> Optional[LoadedReport]:
    """The report as loaded with the values the loader refused taken out, for the content rules;
    None when that leaves it with a schema error (a required field was the refused one) or a
    refused value was an item of a list (taking it out would renumber the items after it)."""
    data = copy.deepcopy(report.data)
    for path in _refused_values(report):
        parent: Any = data
        for key in path[:-1]:
            parent = parent[key]
        if not isinstance(parent, dict):
            return None
        del parent[path[-1]]
    checked = replace(report, data=data, problems=[])
    return None if schema_problems(checked) else checked


def verdict(report: LoadedReport, *, ignore: Iterable[str] = (), templates: Optional[Union[str, Path]] = None,
            content: bool = True) -> Verdict:
    """validate's whole verdict on a loaded report. The content rules are check's, run on the
    blocks the report renders to (with `templates`, as render would), so validate and check say
    the same of a YAML and of the Word file made from it. `content=False` stops after the YAML."""
    problems = [p for p in _yaml_problems(report) if not ignored(p.rule, ignore)]
    notes = [replace(p, rule="yaml.encoding") for p in report.warnings]  # how the file was saved
    result = Verdict([p for p in notes if not ignored(p.rule, ignore)] + problems)
    stopping = [p for p in problems if p.severity == "error" and stops_render(p.rule)]
    # Only a duplicate key or a value YAML cannot build: the content is still checked, on the
    # report as loaded (the later of two keys, the refused value left out), so that one run shows
    # every problem; the report is still not rendered.
    checked = _without_refused(report) if stopping and all(
        rule_spec(p.rule).get("content") == "checked" for p in stopping) else (None if stopping else report)
    if content and checked is None:
        # Said, so that a clerk who fixes these is not surprised by what the next run finds.
        result.problems.append(problem("yaml.unchecked", Place(report.path)))
    elif content and checked is not None:
        try:
            blocks = render_report(checked, templates=templates)
        except AuthoringError as exc:  # a template failure: named by its template, or by the field
            result.problems += [replace(p, rule=p.rule or "yaml.template") for p in exc.problems]
        else:
            result.blocks = blocks
            result.problems = _content(result, checked, blocks, ignore, _refused_values(report))
            if stopping:
                result.stopped = True
                result.problems.append(problem("yaml.partly_checked", Place(report.path)))
    result.problems.sort(key=lambda p: (p.rule in ("yaml.unchecked", "yaml.partly_checked"), p.place.line or 0,
                                        p.place.column or 0))
    return result


def validate_report(report: LoadedReport, *, ignore: Iterable[str] = (),
                    templates: Optional[Union[str, Path]] = None, content: bool = True) -> list[Problem]:
    """All problems of a loaded report — the YAML's and the rendered report's — in file order."""
    return verdict(report, ignore=ignore, templates=templates, content=content).problems


def check_yaml(report: LoadedReport, *, ignore: Iterable[str] = ()) -> CheckReport:
    """`authoring check` of a report YAML: the verdict as a checker's report, its findings and
    the lines of its parts in the YAML's own lines (what validate prints)."""
    found = verdict(report, ignore=ignore)
    out = found.check or CheckReport(report.path)
    numbered = found.blocks
    out.file, out.kind, out.unit = report.path, "yaml", "line"
    out.parts.spans = [replace(s, line=_yaml_line(report, numbered, s.line)) for s in out.parts.spans]
    out.findings = [_as_finding(p) for p in found.problems]
    return out


def _yaml_line(report: LoadedReport, blocks: list[Block], line: Optional[int]) -> Optional[int]:
    source = _source_of(blocks, line)
    return report.place(source).line if source else None


def _as_finding(found: Problem) -> Finding:
    spec = rule_spec(found.rule)
    return Finding(found.rule, found.severity, spec.get("category", "yaml"), found.message, found.place.line,
                   found.place.field)
