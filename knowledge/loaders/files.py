"""Files and folders into SourceDocuments, one loader per format, with a clear error per file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.aws_guides import guide_for_path
from knowledge.passage import (
    KIND_FILE,
    KIND_GUIDE,
    KIND_NOTE,
    Section,
    SourceDocument,
    content_hash,
)

TEXT_SUFFIXES = {".txt", ".text", ".rst", ".log"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
MAX_FILE_BYTES = 50 * 1024 * 1024
_DOCS_URL = re.compile(r"https://docs\.aws\.amazon\.com/[^\s)\]>\"'、。]+")


class LoadError(Exception):
    """A source that could not be read; the message names the problem in one line."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass(frozen=True)
class SkippedFile:
    location: str
    reason: str


def iter_files(path: Path) -> Iterator[Path | SkippedFile]:
    """The supported files under a path, sorted; hidden folders are passed over."""
    if not path.exists():
        raise LoadError(str(path), "no such file or folder")
    if path.is_file():
        yield path
        return
    found = False
    for child in sorted(path.rglob("*")):
        rel = child.relative_to(path)
        if any(part.startswith(".") for part in rel.parts) or not child.is_file():
            continue
        if child.suffix.lower() in SUPPORTED_SUFFIXES:
            found = True
            yield child
        elif child.suffix.lower() not in {".png", ".jpg", ".jpeg", ".gif", ".svg", ""}:
            yield SkippedFile(str(child), f"unsupported file type {child.suffix}")
    if not found:
        raise LoadError(str(path), "no Markdown, HTML, PDF or text files in this folder")


def read_text(path: Path) -> str:
    data = _read_bytes(path)
    if b"\x00" in data[:8192]:
        raise LoadError(str(path), "binary file, not text")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise LoadError(str(path), "not UTF-8 or Shift_JIS text")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(str(path), f"file too large ({size // 1_048_576} MB; limit 50 MB)")
        return path.read_bytes()
    except PermissionError as exc:
        raise LoadError(str(path), "permission denied") from exc
    except IsADirectoryError as exc:
        raise LoadError(str(path), "is a folder") from exc
    except OSError as exc:
        raise LoadError(str(path), f"cannot read ({exc.strerror or exc})") from exc


def load_file(path: Path, kind: str | None = None) -> SourceDocument:
    """One file into a SourceDocument; raises LoadError with a one-line reason."""
    path = path.resolve()
    suffix = path.suffix.lower()
    location = str(path)
    url: str | None = None
    service: str | None = None
    guide = guide_for_path(path)
    if guide is not None:
        url, service = guide.page_url(path), guide.service
    if suffix in MARKDOWN_SUFFIXES:
        from knowledge.loaders.markdown import markdown_sections

        raw = read_text(path)
        title, sections = markdown_sections(raw, path.stem)
        digest = content_hash(raw)
    elif suffix in TEXT_SUFFIXES:
        from knowledge.loaders.plaintext import text_sections

        raw = read_text(path)
        title, sections = text_sections(raw, path.stem)
        digest = content_hash(raw)
    elif suffix in HTML_SUFFIXES:
        from knowledge.loaders.html import html_sections

        raw = read_text(path)
        page = html_sections(raw, location)
        title, sections, url = page.title or path.stem, page.sections, url or page.canonical_url
        digest = content_hash(raw)
    elif suffix in PDF_SUFFIXES:
        from knowledge.loaders.pdf import pdf_sections

        data = _read_bytes(path)
        title, sections = pdf_sections(data, location, path.stem)
        digest = content_hash(data.hex())
    else:
        raise LoadError(location, f"unsupported file type {suffix or '(none)'}")
    if not any(s.text.strip() for s in sections):
        raise LoadError(location, "no text found in this file")
    chosen_kind = kind or (KIND_GUIDE if guide is not None else KIND_FILE)
    if chosen_kind in (KIND_NOTE, KIND_FILE):
        sections = with_section_urls(sections)
    return SourceDocument(
        source_id=f"file:{location}",
        kind=chosen_kind,
        title=title,
        location=location,
        sections=sections,
        url=url,
        service=service,
        content_hash=digest,
    )


def with_section_urls(sections: list[Section]) -> list[Section]:
    """A note that names the AWS page it summarises links its passage to that page."""
    out = []
    for section in sections:
        match = _DOCS_URL.search(section.text)
        out.append(replace(section, url=match.group(0).rstrip(".,")) if match and not section.url else section)
    return out
