"""Small text clean-ups shared by the loaders."""

from __future__ import annotations

import html
import re

# Backslash escapes that Markdown writers (and the awsdocs converters) put before punctuation.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~=\"'&:;,/$%^@?])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_EMPHASIS = re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1")
_TAG = re.compile(r"<[^>]{1,200}>")
_SPACES = re.compile(r"[ \t\u3000]+")


def unescape_markdown(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text)


def clean_markdown_line(line: str) -> str:
    """Readable text for one Markdown line: links to their text, escapes and inline HTML removed."""
    line = _IMAGE.sub("", line)  # alt texts are mostly file names or Marp sizing ("w:800 center")
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _REF_LINK.sub(lambda m: m.group(1), line)
    line = _EMPHASIS.sub(lambda m: m.group(2), line)
    line = _TAG.sub("", line)
    line = unescape_markdown(line)
    return html.unescape(line).rstrip()


def strip_html(fragment: str) -> str:
    """Plain text from an HTML fragment (botocore documentation strings)."""
    text = re.sub(r"(?i)<\s*(br|/p|/li|/ul|/ol|/h\d)\s*/?>", "\n", fragment)
    text = re.sub(r"(?i)<\s*li[^>]*>", "\n- ", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def normalise_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
