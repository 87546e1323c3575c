"""Grounded answers: the prompt around the retrieved passages, and the checks on what comes back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from string import Template

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from agents.language import Lang
from agents.state import Citation
from knowledge.passage import Passage
from prompts import load_prompt

_CITE = re.compile(r"\[(\d{1,2})\]")
_URL = re.compile(r"https?://[^\s)\]>」』]+")


def answer_messages(question: str, lang: Lang, passages: Sequence[Passage]) -> list[BaseMessage]:
    """System rules, then the passages as data and the question; nothing in a passage can close its tag."""
    documents = "\n\n".join(
        f'<document index="{n}" title="{_attr(p.title)}" section="{_attr(p.section)}">\n'
        f"{_neutralise(p.text)}\n</document>"
        for n, p in enumerate(passages, start=1)
    )
    user = Template(load_prompt("answer_user")).safe_substitute(documents=documents, question=question)
    return [SystemMessage(load_prompt(f"answer_{lang}")), HumanMessage(user)]


def _neutralise(text: str) -> str:
    return re.sub(r"</?\s*(documents?|system|instructions?)\b[^>]*>", "", text, flags=re.I)


def _attr(text: str) -> str:
    return text.replace('"', "'").replace("<", "").replace(">", "")


def tidy_answer(answer: str, passages: Sequence[Passage]) -> str:
    """Drop citation numbers that point at no passage and URLs that no passage carries."""
    count = len(passages)
    allowed = {p.url for p in passages if p.url}
    answer = _CITE.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= count else "", answer)
    return _URL.sub(lambda m: m.group(0) if m.group(0).rstrip(".,") in allowed else "", answer).strip()


def number_citations(answer: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    """The answer with its [n] renumbered in order of first use, one number per passage and per URL
    (two passages of one page are one source), and exactly the passages it cites; a number that
    points at no passage is dropped."""
    renumber: dict[int, int] = {}
    first_of: list[int] = []  # for each new number, the passage it shows
    by_source: dict[str, int] = {}
    for match in _CITE.finditer(answer):
        old = int(match.group(1))
        if old in renumber or not 1 <= old <= len(passages):
            continue
        passage = passages[old - 1]
        source = passage.url or passage.id
        if source not in by_source:
            first_of.append(old)
            by_source[source] = len(first_of)
        renumber[old] = by_source[source]
    text = _CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]" if int(m.group(1)) in renumber else "", answer)
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)  # "[1][1]" after two passages became one
    return text, [_citation(n, passages[old - 1]) for n, old in enumerate(first_of, start=1)]


def citation_list(passages: Sequence[Passage], numbers: Sequence[int]) -> list[Citation]:
    return [_citation(n, passages[n - 1]) for n in numbers]


def _citation(n: int, passage: Passage) -> Citation:
    return Citation(
        n=n,
        id=passage.id,
        kind=passage.kind,
        title=passage.title,
        location=passage.location,
        url=passage.url,
        text=passage.text,
    )
