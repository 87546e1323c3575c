"""What flows through the knowledge base: sources, their sections, and the passages we index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Source kinds, used as retrieval filters and shown to the learner.
KIND_API = "aws-api"  # botocore's API reference strings
KIND_GUIDE = "aws-guide"  # AWS guides in Markdown (awsdocs repositories)
KIND_NOTE = "note"  # study notes: ours in knowledge/notes/ and the learner's own
KIND_FILE = "file"  # any other file the learner adds
KIND_WEB = "web"  # a page fetched from a URL
KINDS = (KIND_API, KIND_GUIDE, KIND_NOTE, KIND_FILE, KIND_WEB)


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, before splitting."""

    text: str
    headings: tuple[str, ...] = ()
    line_start: int | None = None
    line_end: int | None = None
    page: int | None = None
    # An operation or shape page has its own URL and title within a service's source.
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """One source as loaded: a file, a page, or one AWS service's API documentation."""

    source_id: str
    kind: str
    title: str
    location: str
    sections: list[Section]
    url: str | None = None
    service: str | None = None
    content_hash: str = ""


@dataclass(frozen=True)
class Passage:
    """One indexed chunk, with everything the drill-down needs to show where it came from."""

    id: str
    source_id: str
    kind: str
    title: str
    text: str
    location: str
    section: str = ""
    url: str | None = None
    service: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    page: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, str | int]:
        """Chroma metadata: scalar values only, no None."""
        values: dict[str, str | int | None] = {
            "source_id": self.source_id,
            "kind": self.kind,
            "title": self.title,
            "location": self.location,
            "section": self.section,
            "url": self.url,
            "service": self.service,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "page": self.page,
        }
        return {k: v for k, v in values.items() if v is not None}

    @classmethod
    def from_metadata(cls, pid: str, text: str, meta: dict[str, Any]) -> Passage:
        def opt_int(key: str) -> int | None:
            value = meta.get(key)
            return int(value) if value is not None else None

        return cls(
            id=pid,
            source_id=str(meta.get("source_id", "")),
            kind=str(meta.get("kind", "")),
            title=str(meta.get("title", "")),
            text=text,
            location=str(meta.get("location", "")),
            section=str(meta.get("section", "")),
            url=meta.get("url") or None,
            service=meta.get("service") or None,
            line_start=opt_int("line_start"),
            line_end=opt_int("line_end"),
            page=opt_int("page"),
        )

    def heading_text(self) -> str:
        """The title and section path, prepended when embedding and keyword-indexing."""
        return " — ".join(part for part in (self.title, self.section) if part)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def passage_id(source_id: str, section: str, text: str) -> str:
    """Derived from content, so re-ingesting an unchanged source yields the same ids."""
    digest = hashlib.sha256(f"{source_id}\x1f{section}\x1f{text}".encode()).hexdigest()
    return digest[:32]


def format_location(path: str, line_start: int | None, line_end: int | None, page: int | None) -> str:
    if page is not None:
        return f"{path}#page={page}"
    if line_start is not None:
        end = line_end if line_end is not None else line_start
        return f"{path}:L{line_start}" if end == line_start else f"{path}:L{line_start}-{end}"
    return path
