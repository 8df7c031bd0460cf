"""render fills `{{ figures.name }}` without compiling a template (benchmarks/ measures the time);
whenever it does, the text must be exactly what the Jinja environment would have made."""
from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from authoring.render import _environment_for, fill_figures, template_search_path

FIGURES: dict[str, Any] = {"licenses": 917, "rate": 98.5, "share": 4.10, "empty": None, "whole": 3.0, "items": 2}

_pieces = st.sampled_from([
    "{{ figures.licenses }}", "{{figures.rate}}", "{{  figures.share  }}", "{{ figures.empty }}",
    "{{ figures.whole }}", "{{ figures.items }}", "{{ figures.missing }}", "{{ year }}", "{{- figures.rate }}",
    "{", "}", "{{", "}}", "{%", "%}", "{#", "#}", "\r", "\n", " ", "件", "共办理", "。", "figures.licenses",
])


def _jinja(text: str) -> str:
    env = _environment_for(tuple(str(p) for p in template_search_path())).prose_environment
    return env.from_string(text).render(figures=FIGURES, year=2024)


def test_plain_figures_are_filled() -> None:
    assert fill_figures("共办理行政许可{{ figures.licenses }}件，{{figures.rate}}%", FIGURES) == "共办理行政许可917件，98.5%"
    assert fill_figures("{{ figures.empty }}", FIGURES) == "【待填】"
    assert fill_figures("{{ figures.whole }}", FIGURES) == "3"
    # A figure named like a dict method is the figure (issue 16, finding 3), as in Jinja.
    assert fill_figures("{{ figures.items }}", FIGURES) == "2" == _jinja("{{ figures.items }}")


def test_anything_else_is_left_to_jinja() -> None:
    for text in ["{{ figures.missing }}", "{{ year }}", "{% if 1 %}x{% endif %}",
                 "{{ figures.licenses }}{# note #}", "{{{ figures.licenses }}", "{{ figures.licenses }}}",
                 "{{ figures.licenses | round }}", "a\r\n{{ figures.licenses }}", "没有模板"]:
        assert fill_figures(text, FIGURES) is None, text


@settings(max_examples=400, deadline=None)
@given(st.lists(_pieces, max_size=8).map("".join))
def test_whenever_filled_the_text_is_what_jinja_makes(text: str) -> None:
    quick = fill_figures(text, FIGURES)
    if quick is not None:
        assert quick == _jinja(text)
