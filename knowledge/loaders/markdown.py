"""Markdown (including Marp slide decks) into sections with line numbers.

Parsed line by line rather than through unstructured's partition_md, because that converts to
HTML first and loses the line numbers the citation drill-down points at.
"""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.loaders.text_cleaning import clean_markdown_line
from knowledge.passage import Section

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SLIDE_BREAK = re.compile(r"^---\s*$")
_MARP_DIRECTIVE = re.compile(r"^<!--\s*_?[a-zA-Z]+\s*:[^>]*-->$")


def markdown_sections(text: str, title_hint: str) -> tuple[str, list[Section]]:
    """Return the document title and its sections (1-based line numbers)."""
    lines = text.split("\n")
    body_start, front = _front_matter(lines)
    if "marp: true" in front:
        return _marp_sections(lines, body_start, title_hint)
    return _heading_sections(lines, body_start, title_hint)


def _front_matter(lines: list[str]) -> tuple[int, str]:
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                return i + 1, "\n".join(lines[1:i])
    return 0, ""


def _heading_sections(lines: list[str], start: int, title_hint: str) -> tuple[str, list[Section]]:
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    buf: list[str] = []
    buf_start = start + 1
    title = ""
    in_fence = False
    in_comment = False

    def flush(end_line: int) -> None:
        text = "\n".join(buf).strip("\n")
        if text.strip():
            sections.append(
                Section(
                    text=text,
                    headings=tuple(h for _, h in stack),
                    line_start=buf_start,
                    line_end=end_line,
                )
            )

    for i in range(start, len(lines)):
        raw = lines[i]
        if _FENCE.match(raw):
            in_fence = not in_fence
            buf.append(raw)
            continue
        if not in_fence:
            raw, in_comment = _strip_html_comments(raw, in_comment)
        match = None if in_fence or in_comment else _HEADING.match(raw)
        if match:
            flush(i)
            level, heading = len(match.group(1)), clean_markdown_line(match.group(2))
            if not title and level == 1:
                title = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
            # A passage starts with its heading, as the page shows it.
            buf = [heading]
            buf_start = i + 1
            continue
        buf.append(raw if in_fence else clean_markdown_line(raw))
    flush(len(lines))
    return title or title_hint, _trim_leading_blank(sections)


def _marp_sections(lines: list[str], start: int, title_hint: str) -> tuple[str, list[Section]]:
    """One section per slide; a slide's first heading names it, its speaker notes stay with it."""
    sections: list[Section] = []
    slide_start = start
    number = 0
    deck_title = ""
    in_fence = False
    for i in range(start, len(lines) + 1):
        if i < len(lines):
            if _FENCE.match(lines[i]):
                in_fence = not in_fence
            if in_fence or not _SLIDE_BREAK.match(lines[i]):
                continue
        number += 1
        slide = lines[slide_start:i]
        heading, body = _slide_heading(slide)
        text = "\n".join([heading, *(clean_markdown_line(line) for line in body)]).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
        if heading and not deck_title:
            deck_title = heading
        if text or heading:
            label = heading or f"Slide {number}"
            sections.append(
                Section(
                    text=text or label,
                    headings=(f"{number}. {label}",),
                    line_start=slide_start + 1,
                    line_end=i,
                )
            )
        slide_start = i + 1
    return deck_title or title_hint, sections


def _slide_heading(slide: list[str]) -> tuple[str, list[str]]:
    body: list[str] = []
    heading = ""
    for line in slide:
        match = _HEADING.match(line)
        if match and not heading:
            heading = clean_markdown_line(match.group(2))
            continue
        stripped = line.strip()
        if _MARP_DIRECTIVE.match(stripped) or stripped in ("<!--", "-->"):
            continue  # directives style the slide; speaker notes keep their words, not the markers
        body.append(line.replace("<!--", "").replace("-->", ""))
    return heading, body


def _strip_html_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    out: list[str] = []
    rest = line
    while rest:
        if in_comment:
            end = rest.find("-->")
            if end < 0:
                return "".join(out), True
            rest = rest[end + 3 :]
            in_comment = False
        else:
            begin = rest.find("<!--")
            if begin < 0:
                out.append(rest)
                break
            out.append(rest[:begin])
            rest = rest[begin + 4 :]
            in_comment = True
    return "".join(out), in_comment


def _trim_leading_blank(sections: list[Section]) -> list[Section]:
    return [s for s in sections if s.text.strip()]


def read_markdown(path: Path) -> tuple[str, list[Section]]:
    from knowledge.loaders.files import read_text

    return markdown_sections(read_text(path), path.stem)
