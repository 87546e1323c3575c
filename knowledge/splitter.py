"""Heading-aware splitting into passages sized in tiktoken tokens.

A section is cut at paragraph boundaries, then sentences, then raw tokens, and packed into
passages of at most `max_tokens` with `overlap_tokens` carried over; sections too small to stand
alone are folded into the next section of the same page. Line ranges follow every piece so the
drill-down can point at the lines a passage came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from knowledge.passage import Passage, Section, SourceDocument, format_location, passage_id
from knowledge.tokens import count_tokens, truncate_tokens

# Chosen by bench/bench_chunking.py on dev.jsonl + bench/questions.jsonl (see README).
MAX_TOKENS = 300
OVERLAP_TOKENS = 40
MIN_SECTION_TOKENS = 30

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class _Unit:
    text: str
    line_start: int | None
    line_end: int | None
    tokens: int


def split_document(
    doc: SourceDocument,
    max_tokens: int = MAX_TOKENS,
    overlap_tokens: int = OVERLAP_TOKENS,
    min_section_tokens: int = MIN_SECTION_TOKENS,
) -> list[Passage]:
    passages: list[Passage] = []
    seen: set[str] = set()
    for section in merge_small_sections(doc.sections, min_section_tokens):
        for text, start, end in pack_units(_units(section, max_tokens), max_tokens, overlap_tokens):
            heading = " > ".join(section.headings)
            pid = passage_id(doc.source_id, heading, text)
            if pid in seen:  # the same text twice under one heading is one passage
                continue
            seen.add(pid)
            passages.append(
                Passage(
                    id=pid,
                    source_id=doc.source_id,
                    kind=doc.kind,
                    title=section.title or doc.title,
                    text=text,
                    location=format_location(doc.location, start, end, section.page)
                    if section.url is None or start is not None
                    else section.url,
                    section=heading,
                    url=section.url or doc.url,
                    service=doc.service,
                    line_start=start,
                    line_end=end,
                    page=section.page,
                )
            )
    return passages


def merge_small_sections(sections: list[Section], min_tokens: int) -> list[Section]:
    """Fold a section with almost no text (a bare heading, a 'Topics' list) into the next one."""
    merged: list[Section] = []
    pending: Section | None = None
    for section in sections:
        if not section.text.strip():
            continue
        if pending is not None:
            if _same_page(pending, section):
                section = replace(
                    section,
                    text=f"{pending.text}\n\n{section.text}",
                    line_start=pending.line_start if pending.line_start is not None else section.line_start,
                )
            else:
                merged.append(pending)
            pending = None
        if count_tokens(section.text) < min_tokens:
            pending = section
        else:
            merged.append(section)
    if pending is not None:
        merged.append(pending)
    return merged


def _same_page(a: Section, b: Section) -> bool:
    return a.url == b.url and a.title == b.title and a.page == b.page


def _units(section: Section, max_tokens: int) -> Iterator[_Unit]:
    """Paragraphs with their line ranges; oversized ones cut into sentences, then tokens."""
    base = section.line_start
    lines = section.text.split("\n")
    start = 0
    for i in range(len(lines) + 1):
        if i < len(lines) and lines[i].strip():
            continue
        block = "\n".join(lines[start:i]).strip()
        if block:
            first = base + start if base is not None else None
            last = base + i - 1 if base is not None else None
            yield from _fit(block, first, last, max_tokens)
        start = i + 1


def _fit(block: str, first: int | None, last: int | None, max_tokens: int) -> Iterator[_Unit]:
    tokens = count_tokens(block)
    if tokens <= max_tokens:
        yield _Unit(block, first, last, tokens)
        return
    sentences = [s for s in _SENTENCE_END.split(block) if s.strip()]
    if len(sentences) == 1:
        for piece in truncate_tokens(block, max_tokens):
            yield _Unit(piece, first, last, count_tokens(piece))
        return
    for sentence in sentences:
        yield from _fit(sentence.strip(), first, last, max_tokens)


def pack_units(
    units: Iterator[_Unit], max_tokens: int, overlap_tokens: int
) -> Iterator[tuple[str, int | None, int | None]]:
    chunk: list[_Unit] = []
    size = 0
    fresh = 0  # units in the chunk that no earlier chunk has shown
    for unit in units:
        if chunk and size + unit.tokens > max_tokens:
            yield _join(chunk)
            chunk, size = _overlap_tail(chunk, overlap_tokens, max_tokens - unit.tokens)
            fresh = 0
        chunk.append(unit)
        size += unit.tokens
        fresh += 1
    if chunk and fresh:
        yield _join(chunk)


def _overlap_tail(chunk: list[_Unit], overlap_tokens: int, room: int) -> tuple[list[_Unit], int]:
    tail: list[_Unit] = []
    size = 0
    for unit in reversed(chunk[1:]):  # never carry the whole previous chunk
        if size + unit.tokens > min(overlap_tokens, room):
            break
        tail.insert(0, unit)
        size += unit.tokens
    return tail, size


def _join(chunk: list[_Unit]) -> tuple[str, int | None, int | None]:
    starts = [u.line_start for u in chunk if u.line_start is not None]
    ends = [u.line_end for u in chunk if u.line_end is not None]
    text = "\n\n".join(u.text for u in chunk)
    return text, (min(starts) if starts else None), (max(ends) if ends else None)
