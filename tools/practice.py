"""Pasted practice questions: a stem followed by 2-6 labelled options, read into a structure.

Learners paste exam-style questions as they find them: "A." / "A)" / "(A)" / "1." / 「ア」 labels,
one option per line or all on one line, or unlabelled options one per line under a question.
Reading is pure text work; choosing an answer needs a model (agents/practice_pick.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_OPTIONS, MAX_OPTIONS = 2, 6
_LABEL_SETS = ("ABCDEF", "123456", "アイウエオカ")
_FULL_WIDTH = str.maketrans("ＡＢＣＤＥＦ１２３４５６（）．：", "ABCDEF123456().:")
# a label at the start of a line: "A.", "A)", "(A)", "A:", "1.", "ア.", "ア、", "ア " …
_LINE_LABEL = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\(([A-F1-6ア-カ])\)|([A-F1-6])\s*[.):]|([アイウエオカ])\s*[.)、:]?)\s+(\S.*)$"
)
# labels inside one line: "… A. x B. y C. z D. w" (or 1. … 4., ア. … エ.)
_INLINE_LABEL = re.compile(r"(?:^|(?<=\s))\(?([A-F1-6]|[アイウエオカ])[.)．、]\s*")
_PICKS = re.compile(r"\b(?:choose|select|pick)\s+(two|three|2|3)\b|([2-3２３二三])\s*つ(?:を)?\s*(?:選|えら)", re.I)
_WORD_COUNT = {"two": 2, "three": 3, "2": 2, "3": 3, "２": 2, "３": 3, "二": 2, "三": 3}
_QUESTION_END = re.compile(
    r"[?？]\s*$|(?:選んで|選択して|選びなさい|答えて)(?:ください)?[。.]?\s*$"
    r"|\b(?:choose|select) (?:one|two|three)\.?\)?\s*$",
    re.I,
)


@dataclass(frozen=True)
class PracticeQuestion:
    stem: str
    options: tuple[str, ...]
    labels: tuple[str, ...]
    picks: int

    def as_text(self) -> str:
        lines = [self.stem, *(f"{label}. {text}" for label, text in zip(self.labels, self.options, strict=True))]
        return "\n".join(lines)


def picks_asked(stem: str) -> int:
    match = _PICKS.search(stem)
    if not match:
        return 1
    word = (match.group(1) or match.group(2)).lower()
    return _WORD_COUNT.get(word, 1)


def parse_practice(text: str) -> PracticeQuestion | None:
    """The stem and options of a pasted practice question, or None when the text is not one."""
    normalised = text.translate(_FULL_WIDTH).replace("\r\n", "\n").strip()
    found = _labelled_lines(normalised) or _inline_labels(normalised) or _unlabelled_lines(normalised)
    if found is None:
        return None
    stem, labels, options = found
    stem = " ".join(stem.split()) if "\n" not in stem.strip() else stem.strip()
    options = [" ".join(o.split()) for o in options]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS or len(stem) < 12 or any(not o for o in options):
        return None
    picks = picks_asked(stem)
    if picks >= len(options):
        return None
    return PracticeQuestion(stem, tuple(options), tuple(labels), picks)


def _sequence_for(first: str) -> str | None:
    return next((labels for labels in _LABEL_SETS if labels[0] == first), None)


def _labelled_lines(text: str) -> tuple[str, list[str], list[str]] | None:
    lines = text.split("\n")
    starts: list[tuple[int, str, str]] = []
    expected: str | None = None
    for i, line in enumerate(lines):
        match = _LINE_LABEL.match(line)
        if not match:
            continue
        label = next(g for g in match.groups()[:3] if g)
        if expected is None:
            expected = _sequence_for(label)
            if expected is None:
                continue
        if label == expected[len(starts)] if len(starts) < len(expected) else False:
            starts.append((i, label, match.group(4)))
        elif starts:
            break
    if len(starts) < MIN_OPTIONS or starts[0][0] == 0:
        return None
    stem = "\n".join(lines[: starts[0][0]]).strip()
    options: list[str] = []
    for n, (i, _, first) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        follow = [line.strip() for line in lines[i + 1 : end] if line.strip()]
        # a trailing instruction after the last option is not part of it
        if n + 1 == len(starts):
            follow = [line for line in follow if not _QUESTION_END.search(line)][:2]
        options.append(" ".join([first, *follow]))
    return stem, [label for _, label, _ in starts], options


def _inline_labels(text: str) -> tuple[str, list[str], list[str]] | None:
    run: list[re.Match[str]] = []
    for match in _INLINE_LABEL.finditer(text):
        labels = _sequence_for(run[0].group(1)) if run else None
        if labels is not None and len(run) < len(labels) and match.group(1) == labels[len(run)]:
            run.append(match)
        elif _sequence_for(match.group(1)) is not None:
            run = [match]
    if len(run) < MIN_OPTIONS + 1 or run[0].start() < 12:
        return None
    stem = text[: run[0].start()].strip()
    options = [
        text[m.end() : (run[n + 1].start() if n + 1 < len(run) else len(text))].strip()
        for n, m in enumerate(run)
    ]
    return stem, [m.group(1) for m in run], options


def _unlabelled_lines(text: str) -> tuple[str, list[str], list[str]] | None:
    """A question line, then 3-6 short lines without question marks: one option each."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for i, line in enumerate(lines[:-1]):
        if not _QUESTION_END.search(line):
            continue
        options = lines[i + 1 :]
        if 3 <= len(options) <= MAX_OPTIONS and all(len(o) <= 250 and "?" not in o and "？" not in o for o in options):
            return "\n".join(lines[: i + 1]), list("ABCDEF"[: len(options)]), options
    return None
