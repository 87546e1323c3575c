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


def cited(answer: str, count: int) -> list[int]:
    return sorted({int(n) for n in _CITE.findall(answer) if 1 <= int(n) <= count})


def citations_for(answer: str, passages: Sequence[Passage]) -> list[Citation]:
    """The passages the answer cites; every passage when it cites none (it was given only these)."""
    numbers = cited(answer, len(passages)) or list(range(1, len(passages) + 1))
    return [
        Citation(
            n=n,
            id=passages[n - 1].id,
            title=passages[n - 1].title,
            location=passages[n - 1].location,
            url=passages[n - 1].url,
            text=passages[n - 1].text,
        )
        for n in numbers
    ]
