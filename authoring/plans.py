"""Last year's plans against this year's report: for each plan, the passage of the later report
that best answers it (the cosine of idf-weighted character bigrams), or why none does — only
named by a heading, left 待填, or answered by last year's own text carried over. compare and the
workbench's checklist of an `init --from` draft both read it."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional

from authoring.domain import FieldPath, format_path, part_keys
from authoring.draft import is_introduction

# A plan counts as answered when the best passage scores at least this (cosine of idf-weighted
# character bigrams, 0‥1). Chosen on the corpus: a plan and the passage reporting on it score
# 0.3–0.6; unrelated passages of the same report stay under 0.2.
MATCH_THRESHOLD = 0.25
STRONG_MATCH = 0.35  # below this a match is shown as “可能对应” for a person to confirm
# A passage answers a plan only if its text, heading aside, shares at least this much with the
# plan: "天气晴朗。" under the heading init --from wrote (落实2024年安排：…) scores 0 and answers
# nothing; a terse real answer ("全年组织执法培训12期") shares the plan's words and scores over it.
EVIDENCE = 0.1
# The checklist headings init --from writes: they repeat the plan, so they are no evidence.
_GENERATED = re.compile(r"^落实\d{4}年安排([：:]|情况$)")
# "Looks copied from last year" once at least this share of this year's sentences are last year's
# (years aside, figures filled in): part one, the part rewritten every year, is 66–77 % of the
# examples' sentences, so a report that rewrote it and kept the rest word for word stays under a
# third; over half means part one itself was kept. The same share of unchanged figures (of at
# least MIN_FIGURES both years give) says the same of the numbers.
COPIED_SHARE = 0.5
_PLACEHOLDER = re.compile(r"【待填】|待填|待补充|TODO|XX+|××+")
# Words every plan and passage share: they say nothing about which plan a passage answers.
_STOP = re.compile(r"进一步|持续|深入|全面|加强|推进|坚持|不断|扎实|切实|认真|积极|大力|着力|落实\d{4}年安排")


@dataclass
class PlanMatch:
    """One plan of the earlier year and the passage of the later year that reports on it."""

    plan: str
    path: str
    status: str  # "matched" | "weak" | "unmatched" | "to_fill"
    score: float = 0.0
    where: str = ""
    passage: str = ""
    source: FieldPath = ()  # the field `where` names, for a caller that shows it (the workbench)


STATUS_LABELS = {"matched": "有对应内容", "weak": "可能对应，请核对", "unmatched": "未找到", "to_fill": "待填",
                 "heading_only": "只有标题，正文没有写到这项安排",
                 "copied": "对应的文字与上一年报告相同，不能说明今年已落实"}


# -- a report's sentences, as compared across years -----------------------------------------------

_PROSE_KEYS = ("title", "preamble", *part_keys())


def sentences(data: dict[str, Any]) -> list[str]:
    """The report's sentences as compared across years: figures filled in with the year's values,
    every year written as Y (2024年 and 2025年 are the same words), without spaces and punctuation;
    a checklist heading init --from wrote and a sentence under 8 characters are left out."""
    given = data.get("figures")
    figures: dict[str, Any] = given if isinstance(given, dict) else {}
    out: list[str] = []
    for text in _prose(data):
        if _GENERATED.match(text):
            continue
        text = re.sub(r"\{\{\s*figures\.(\w+)\s*\}\}", lambda m: str(figures.get(m.group(1))), text)
        for sentence in re.split(r"[。！？；;!?\n]", re.sub(r"\d{4}(?=\s*年)", "Y", text)):
            words = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", sentence)
            if len(words) >= 8:
                out.append(words)
    return out


def _prose(value: Any, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        keys = _PROSE_KEYS if not key else list(value)
        return [t for k in keys if k in value and k not in ("leader", "layout") for t in _prose(value[k], str(k))]
    if isinstance(value, list):
        return [t for v in value for t in _prose(v, key)]
    return []


# -- plans against passages ---------------------------------------------------------------------

def _entry_text(entry: Any) -> tuple[str, str]:
    """(heading, body) of a list entry, body including points and sub-items."""
    if isinstance(entry, str):
        return "", entry
    if not isinstance(entry, dict):
        return "", ""
    body = [entry.get("text")] + list(entry.get("points") or [])
    for sub in entry.get("items") or []:
        h, b = _entry_text(sub)
        body += [_own(h), b]  # a checklist heading init --from wrote says nothing of its own
    heading = entry.get("heading")
    return (heading if isinstance(heading, str) else ""), "".join(b for b in body if isinstance(b, str))


_Passage = tuple[FieldPath, str, str]  # (where, heading, body)


def _passages(data: dict[str, Any]) -> list[_Passage]:
    """(where, heading, body) of every entry and item of the later report that could answer a plan."""
    out: list[_Passage] = []
    for key in ("achievements", "other"):
        for i, entry in enumerate(data.get(key) or []):
            heading, body = _entry_text(entry)
            out.append(((key, i), heading, body))
            if isinstance(entry, dict):
                for j, item in enumerate(entry.get("items") or []):
                    h, b = _entry_text(item)
                    out.append(((key, i, "items", j), h, b))
    fr = data.get("first_responsible")
    if isinstance(fr, dict):
        for i, entry in enumerate(fr.get("duties") or []):
            heading, body = _entry_text(entry)
            out.append((("first_responsible", "duties", i), heading, body))
    return out


def _bigrams(text: str) -> Counter[str]:
    text = _STOP.sub(" ", re.sub(r"\{\{.*?\}\}", " ", text))
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]+", " ", text)
    return Counter(a + b for a, b in zip(chars, chars[1:]) if " " not in (a, b))


# Every plan is compared with every passage: bounded so that a report of 20,000 plans (a 2 MB
# YAML allows it) is compared in seconds, not hours (300 × 3,000 took 7 s of CPU when every
# passage shares the plans' words). Real reports have tens of plans and a hundred passages.
MAX_PLANS = 200
MAX_PASSAGES = 2000


class _Vectors:
    """Bigram counts of many texts, for the cosine of one query with each of them: each text's
    norm computed once and the dot products summed from an index of bigram → texts. Computed
    pair by pair, norms included, matching was plans × passages × their text."""

    def __init__(self, docs: list[Counter[str]], idf: dict[str, float]) -> None:
        self.idf = idf
        self.norms = [_norm(d, idf) for d in docs]
        self.index: dict[str, list[tuple[int, int]]] = {}
        for n, doc in enumerate(docs):
            for g, count in doc.items():
                self.index.setdefault(g, []).append((n, count))

    def cosines(self, query: Counter[str]) -> list[float]:
        """The cosine of the idf-weighted counts of `query` with those of every doc, in order."""
        out = [0.0] * len(self.norms)
        nq = _norm(query, self.idf)
        if not nq:
            return out
        for g, count in query.items():
            weight = count * self.idf.get(g, 1.0) ** 2
            for n, c in self.index.get(g, ()):
                out[n] += weight * c
        return [dot / (nq * norm) if norm else 0.0 for dot, norm in zip(out, self.norms)]


def _norm(bigrams: Counter[str], idf: dict[str, float]) -> float:
    return math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in bigrams.items()))


def match_plans(plans: Any, later: dict[str, Any], earlier: Optional[dict[str, Any]] = None) -> list[PlanMatch]:
    """Each plan of the earlier report with the passage of the later report that best answers it.
    A passage answers only by what its text says (EVIDENCE); a heading that names the plan, as the
    checklist headings of init --from do, is not an answer by itself (status heading_only), nor is
    a passage that is the `earlier` report's own text (status copied)."""
    entries = [
        (i, *_entry_text(e)) for i, e in enumerate(plans or []) if not is_introduction(e)
    ]
    old = set(sentences(earlier)) if earlier else set()
    given = _passages(later)[:MAX_PASSAGES]
    passages = [p for p in given if not _copied_text(p[2], old)]
    kept = {p[0] for p in passages}
    copies = [p for p in given if p[0] not in kept]
    # The heading counts double, but not a checklist heading init --from wrote: it is the plan's.
    docs = [_bigrams(_own(h) * 2 + b) for _, h, b in passages]
    idf = {g: math.log((1 + len(docs)) / (1 + df)) + 1 for g, df in Counter(g for d in docs for g in d).items()}
    candidates = _Candidates(passages, _Vectors(docs, idf), _Vectors([_bigrams(b) for _, _, b in passages], idf))
    copied = _Vectors([_bigrams(_own(h) * 2 + b) for _, h, b in copies], idf)
    out: list[PlanMatch] = []
    for i, heading, body in entries:
        label = heading or _first_sentence(body)
        if label:
            query = _bigrams(heading + heading + body)
            match = _answer(label, f"plans[{i + 1}]", heading, query, candidates)
            out.append(_copied_answer(match, query, copies, copied) if match.status == "unmatched" else match)
    return out


@dataclass
class _Candidates:
    """The passages that may answer a plan, with what is computed of them once for all plans."""

    passages: list[_Passage]
    docs: _Vectors  # heading (twice) and text
    bodies: _Vectors  # text only

    def __post_init__(self) -> None:
        self.cores = [_core(h) if h else "" for _, h, _ in self.passages]
        self.to_fill = [_to_fill(b) for _, _, b in self.passages]


def _copied_text(body: str, old: set[str]) -> bool:
    """Whether at least COPIED_SHARE of a passage's sentences are last year's, word for word."""
    said = sentences({"achievements": [body]}) if old else []
    return bool(said) and sum(1 for s in said if s in old) >= COPIED_SHARE * len(said)


def _found(label: str, path: str, status: str, score: float, passage: _Passage) -> PlanMatch:
    """A plan answered (or only named) by a passage of the later report."""
    where, h, b = passage
    return PlanMatch(label, path, status, round(score, 2), format_path(where), h or _first_sentence(b), where)


def _copied_answer(match: PlanMatch, query: Counter[str], copies: list[_Passage],
                   vectors: _Vectors) -> PlanMatch:
    """A plan that only last year's own text, carried over, would answer: said so."""
    scored = list(zip(vectors.cosines(query), copies))
    empty: _Passage = ((), "", "")
    score, best = max(scored, default=(0.0, empty), key=lambda x: x[0])
    if score < MATCH_THRESHOLD:
        return match
    return _found(match.plan, match.path, "copied", score, best)


def _own(heading: str) -> str:
    """A passage's heading as evidence: none when init --from wrote it."""
    return "" if _GENERATED.match(heading) else heading


def _answer(label: str, path: str, heading: str, query: Counter[str], candidates: _Candidates) -> PlanMatch:
    """The passage that best answers one plan, or why none does."""
    best, score, named = None, 0.0, None
    core = _core(heading) if heading else ""
    alike, evidences = candidates.docs.cosines(query), candidates.bodies.cosines(query)
    for n, passage in enumerate(candidates.passages):
        evidence = evidences[n]
        names = bool(core and passage[1] and core in candidates.cores[n])
        if candidates.to_fill[n] and names:
            return _found(label, path, "to_fill", 0.9, passage)
        if evidence < EVIDENCE:
            if named is None and (names or alike[n] >= MATCH_THRESHOLD):
                named = (passage, evidence)  # named, or alike by its heading: nothing said under it
            continue
        s = max(alike[n], 0.9 if names else 0.0)
        if s > score:
            best, score = passage, s
    if best is not None and score >= MATCH_THRESHOLD:
        return _found(label, path, "matched" if score >= STRONG_MATCH else "weak", score, best)
    if named is not None:
        return _found(label, path, "heading_only", named[1], named[0])
    return PlanMatch(label, path, "unmatched", round(score, 2))


def _to_fill(body: str) -> bool:
    return bool(_PLACEHOLDER.search(body)) and len(_PLACEHOLDER.sub("", body).strip()) < 10


def _core(heading: str) -> str:
    return _STOP.sub("", heading).strip("。.，, ")


def _first_sentence(text: str) -> str:
    sentence = re.split(r"[。；;！!？?]", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= 40 else sentence[:40] + "……"
