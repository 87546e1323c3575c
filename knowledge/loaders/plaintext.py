"""Plain text into sections: paragraphs, or one section per slide for slide-deck transcripts.

Transcripts exported from slide-sharing sites number their slides ("  12. Title • point • point");
those become one readable section per slide, bullets on their own lines, not one giant blob.
"""

from __future__ import annotations

import re
from itertools import pairwise

from knowledge.loaders.text_cleaning import normalise_space
from knowledge.passage import Section

_SLIDE_START = re.compile(r"^\s{0,6}(\d{1,3})\.\s+(\S.*)$")
_BULLET = re.compile(r"\s*[•●▪◦・]\s+")


def text_sections(text: str, title_hint: str) -> tuple[str, list[Section]]:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _SLIDE_START.match(line)]
    if len(starts) >= 3 and _numbers_ascend(lines, starts):
        return _slide_sections(lines, starts, title_hint)
    return title_hint, _paragraph_sections(lines)


def _numbers_ascend(lines: list[str], starts: list[int]) -> bool:
    numbers = [int(_SLIDE_START.match(lines[i]).group(1)) for i in starts]  # type: ignore[union-attr]
    ascending = sum(1 for a, b in pairwise(numbers) if b == a + 1)
    return ascending >= 0.8 * (len(numbers) - 1)


def _slide_sections(lines: list[str], starts: list[int], title_hint: str) -> tuple[str, list[Section]]:
    preamble = [normalise_space(line) for line in lines[: starts[0]] if line.strip()]
    title = next((line for line in preamble if len(line) > 3 and "Upgrade" not in line), title_hint)
    sections: list[Section] = []
    for n, begin in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        match = _SLIDE_START.match(lines[begin])
        assert match is not None
        number, first = match.group(1), match.group(2)
        body = " ".join([first, *(line.strip() for line in lines[begin + 1 : end] if line.strip())])
        pieces = [normalise_space(p) for p in _BULLET.split(body) if p.strip()]
        heading = _slide_title(pieces[0]) if pieces else f"Slide {number}"
        text = "\n".join(f"- {p}" if i else p for i, p in enumerate(pieces))
        last = max(i for i in range(begin, end) if lines[i].strip() or i == begin)
        sections.append(Section(text=text, headings=(f"{number}. {heading}",), line_start=begin + 1, line_end=last + 1))
    return title, sections


def _slide_title(first_piece: str) -> str:
    return first_piece if len(first_piece) <= 40 else first_piece[:40].rstrip() + "…"


def _paragraph_sections(lines: list[str]) -> list[Section]:
    """The whole file as one headingless section; the splitter cuts it at blank lines."""
    text = "\n".join(line.rstrip() for line in lines)
    return [Section(text=text, headings=(), line_start=1, line_end=len(lines))] if text.strip() else []
