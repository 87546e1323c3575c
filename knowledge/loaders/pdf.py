"""PDF pages into sections with pypdf (unstructured's PDF path needs torch and a downloaded model)."""

from __future__ import annotations

import io
import logging

from knowledge.loaders.files import LoadError
from knowledge.passage import Section


def pdf_sections(data: bytes, location: str, title_hint: str) -> tuple[str, list[Section]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LoadError(location, "encrypted PDF")
        pages = [(number, page.extract_text() or "") for number, page in enumerate(reader.pages, start=1)]
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title)
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(location, f"malformed PDF ({exc.__class__.__name__})") from exc
    sections = [
        Section(text=text.strip(), headings=(f"p. {number}",), page=number) for number, text in pages if text.strip()
    ]
    if not sections:
        raise LoadError(location, "PDF has no extractable text (scanned images need OCR)")
    return title or title_hint, sections
