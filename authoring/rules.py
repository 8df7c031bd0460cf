"""The one rule set: every rule's id, category, severity and message (data/rules.yaml), the
finding a rule makes, and which rules a run leaves out (--ignore). validate and check both word
their findings from here, so the same content gets the same verdict."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Optional

from authoring.errors import AuthoringError, Place, Problem
from authoring.resources import load_data

SEVERITIES = ("error", "warning", "info")


@lru_cache(maxsize=None)
def rules_table() -> dict[str, Any]:
    """data/rules.yaml as loaded (rules, categories, params, display)."""
    return load_data("rules.yaml")


def rule_spec(rule: str) -> dict[str, Any]:
    """The entry of one rule in rules.yaml ({} for an id it does not list)."""
    return dict(rules_table()["rules"].get(rule) or {})


def rule_ids() -> list[str]:
    """Every rule id the rule set knows."""
    return list(rules_table()["rules"])


def categories() -> dict[str, str]:
    """Rule categories and their Chinese names."""
    return dict(rules_table()["categories"])


def stops_render(rule: str) -> bool:
    """True for a rule whose error leaves nothing to render (a schema error, an undefined
    figure): even a draft cannot be made. An id the table does not know (a template failure)
    stops it too."""
    spec = rule_spec(rule)
    return not spec or spec.get("stops") == "render"


def rule_message(rule: str, **values: Any) -> str:
    """The rule's message from rules.yaml, filled with `values`."""
    return str(rules_table()["rules"][rule]["message"]).format(**values)


def problem(rule: str, place: Place, **values: Any) -> Problem:
    """A Problem of a rule at a place, with the rule's severity and message."""
    return Problem(rule_message(rule, **values), place, rule_spec(rule)["severity"], rule)


@dataclass(frozen=True)
class Finding:
    """One thing the checker found: rule id, severity, Chinese message and where it is."""

    rule: str
    severity: str
    category: str
    message: str
    line: Optional[int] = None
    heading: str = ""

    def place(self, file: str = "") -> Place:
        """The finding's place in the project's error model."""
        return Place(file, self.line, None, label=self.heading)

    def to_problem(self, file: str = "") -> Problem:
        """The finding as a Problem (for printing in the project's one error format)."""
        return Problem(self.message, self.place(file), self.severity, self.rule)


def make_finding(rule: str, line: Optional[int] = None, where: str = "", **values: Any) -> Finding:
    """A finding of a rule from rules.yaml at `line` under the heading `where`, its message
    filled with `values`."""
    spec = rules_table()["rules"][rule]
    return Finding(rule, spec["severity"], spec["category"], spec["message"].format(**values), line, where)


def validate_ignore(ignore: Iterable[str]) -> list[str]:
    """The ignore list, refused with a Chinese message if it names no known rule or category, or
    a rule that cannot be switched off (without it there is no report to render)."""
    items = [i.strip() for i in ignore if i and i.strip()]
    table = rules_table()
    unknown = [i for i in items if i not in table["rules"] and i not in table["categories"]]
    if unknown:
        known = "、".join(list(table["categories"]) + rule_ids())
        raise AuthoringError(f"未知的规则或类别：{'、'.join(unknown)}（可用：{known}）", field="--ignore")
    fixed = [i for i in items if i in table["rules"] and stops_render(i)]
    if fixed:
        raise AuthoringError(f"规则 {'、'.join(fixed)} 不能忽略：有这类错误时无法生成报告，请改正 YAML", field="--ignore")
    return items


def ignored(rule: str, ignore: Iterable[str]) -> bool:
    """Whether `--ignore` left this rule out: by its id, or by its category (rules that stop
    rendering stay in whatever their category)."""
    skip = set(ignore)
    if not skip or stops_render(rule) and rule not in skip:
        return False
    return rule in skip or rule_spec(rule).get("category") in skip
