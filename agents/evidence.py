"""Sentences and terms of passages: what answers quote and how Japanese and English terms meet."""

from __future__ import annotations

import re

from agents.language import detect_language
from knowledge.keyword_tokens import keyword_tokens
from knowledge.passage import Passage
from tools.dictionary import uncovered_words
from tools.translate import Glossary

_SPLIT = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z0-9\"'(「])|\n+")


def terms(text: str, glossary: Glossary) -> set[str]:
    """Keyword tokens of a text and of its English (glossary names, then dictionary words), so
    Japanese and English terms meet."""
    if detect_language(text) != "ja":
        return set(keyword_tokens(text))
    found = glossary.translate(text)
    covered = "".join(ja for ja, _ in found.terms)
    english = [found.text, *(" ".join(words) for _, words in uncovered_words(text, covered))]
    return set(keyword_tokens(text)) | set(keyword_tokens(" ".join(english)))


def passage_sentences(passage: Passage) -> list[str]:
    """Readable sentences of a passage: no headings, links, code, table rows or unpunctuated slide dumps."""
    headings = {h.strip() for h in passage.section.split(" > ")} | {passage.title.strip()}
    out = []
    for piece in _SPLIT.split(passage.text):
        sentence = piece.strip().lstrip("-+•*・ ").strip()
        if not 12 <= len(sentence) <= 300 or sentence in headings or "http" in sentence or sentence[-1] in "?？":
            continue
        if sentence.startswith(("```", "|", "参考:", "参考：")):
            continue
        if sentence.isascii() and sentence[-1] not in ".!:)" and len(sentence.split()) < 10:
            continue  # a link-list entry or a title, not a statement
        out.append(sentence)
    return out
