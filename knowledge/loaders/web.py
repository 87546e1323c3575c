"""Web pages, lists of URLs and sitemaps (for users with internet; tested against 127.0.0.1)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlparse

from knowledge.loaders.files import LoadError, with_section_urls
from knowledge.passage import KIND_WEB, SourceDocument, content_hash

MAX_BYTES = 20 * 1024 * 1024
MAX_SITEMAP_URLS = 2000
TIMEOUT_S = 20
_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)


def is_url(target: str) -> bool:
    parsed = urlparse(target)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def fetch(url: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "awsstudy/0.1 (+study assistant)"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            data = response.read(MAX_BYTES + 1)
            ctype = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise LoadError(url, f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise LoadError(url, f"cannot reach the URL ({exc.reason})") from exc
    except (TimeoutError, OSError) as exc:
        raise LoadError(url, f"cannot reach the URL ({exc})") from exc
    if len(data) > MAX_BYTES:
        raise LoadError(url, "page too large (over 20 MB)")
    return data, ctype.lower()


def expand(url: str) -> Iterator[str]:
    """A sitemap becomes the page URLs it lists; any other URL is itself."""
    if not url.rstrip("/").endswith(".xml") and "sitemap" not in url:
        yield url
        return
    data, _ = fetch(url)
    locations = _LOC.findall(data.decode("utf-8", "replace"))
    if not locations:
        raise LoadError(url, "sitemap lists no <loc> URLs")
    yield from locations[:MAX_SITEMAP_URLS]


def load_url(url: str) -> SourceDocument:
    data, ctype = fetch(url)
    if "pdf" in ctype or url.lower().endswith(".pdf"):
        from knowledge.loaders.pdf import pdf_sections

        title, sections = pdf_sections(data, url, url.rsplit("/", 1)[-1])
    else:
        from knowledge.loaders.html import html_sections

        charset = re.search(r"charset=([\w-]+)", ctype)
        page = html_sections(data.decode(charset.group(1) if charset else "utf-8", "replace"), url)
        title, sections = page.title, page.sections
    if not any(s.text.strip() for s in sections):
        raise LoadError(url, "no text found on this page")
    return SourceDocument(
        source_id=f"url:{url}",
        kind=KIND_WEB,
        title=title or url,
        location=url,
        sections=with_section_urls(sections),
        url=url,
        service=_service_from_url(url),
        content_hash=content_hash(data.hex()),
    )


def _service_from_url(url: str) -> str | None:
    parsed = urlparse(url)
    if parsed.netloc != "docs.aws.amazon.com":
        return None
    parts = [p for p in parsed.path.split("/") if p and p not in ("ja_jp", "en_us")]
    return parts[0].lower() if parts else None
