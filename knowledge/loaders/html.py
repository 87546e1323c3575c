"""HTML pages into sections with unstructured's partition_html, headings kept as the section path."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup

from knowledge.loaders.files import LoadError
from knowledge.passage import Section

# docs.aws.amazon.com keeps the article in #main-col-body; elsewhere <main> or <article>.
_MAIN_SELECTORS = ("#main-col-body", "main", "article", "[role=main]", "body")
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg")


@dataclass(frozen=True)
class HtmlPage:
    title: str
    sections: list[Section]
    canonical_url: str | None


def html_sections(markup: str, location: str) -> HtmlPage:
    from knowledge.loaders.offline_nlp import prepare_unstructured

    try:
        soup = BeautifulSoup(markup, "html.parser")
    except Exception as exc:  # bs4 raises assorted errors on garbage
        raise LoadError(location, f"malformed HTML ({exc.__class__.__name__})") from exc
    title = (soup.title.get_text(strip=True) if soup.title else "") or ""
    canonical = soup.find("link", rel="canonical")
    canonical_url = str(canonical.get("href")) if canonical and canonical.get("href") else None
    main = next((found for sel in _MAIN_SELECTORS if (found := soup.select_one(sel)) is not None), soup)
    for tag in main.find_all(_DROP):
        tag.decompose()
    fragment = str(main)
    if not main.get_text(strip=True):
        raise LoadError(location, "HTML page has no text")

    prepare_unstructured()
    from unstructured.partition.html import partition_html

    try:
        elements = partition_html(text=fragment)
    except Exception as exc:
        raise LoadError(location, f"malformed HTML ({exc.__class__.__name__}: {exc})") from exc

    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            sections.append(Section(text="\n\n".join(buf), headings=tuple(h for _, h in stack)))
            buf.clear()

    for element in elements:
        text = element.text.strip()
        if not text:
            continue
        if element.category == "Title":
            flush()
            depth = element.metadata.category_depth or 0
            while stack and stack[-1][0] >= depth:
                stack.pop()
            stack.append((depth, text))
            buf.append(text)  # a passage starts with its heading
            if not title:
                title = text
            continue
        buf.append(f"- {text}" if element.category == "ListItem" else text)
    flush()
    return HtmlPage(title=title.split(" - ")[0].strip() or location, sections=sections, canonical_url=canonical_url)
