"""What a quiz question is, how it is checked, and how an answer is graded."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

QuestionType = Literal["single", "multiple"]


class QuizQuestion(BaseModel):
    """One exam-style question. `answer` holds 0-based option indices."""

    id: str = ""
    type: QuestionType = "single"
    question: str
    options: list[str]
    answer: list[int]
    explanation: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    domain: str = ""
    topic: str = ""

    def with_id(self) -> QuizQuestion:
        key = normalise(self.question) + "\x1f" + "\x1f".join(sorted(normalise(o) for o in self.options))
        return self.model_copy(update={"id": hashlib.sha256(key.encode()).hexdigest()[:16]})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s\W_]+", " ", text).strip()


def validate(question: QuizQuestion, known_ids: set[str] | None = None) -> list[str]:
    """Every problem with a question, whatever made it; an empty list means it may be shown."""
    problems: list[str] = []
    expected = 4 if question.type == "single" else 5
    if len(question.options) != expected:
        problems.append(f"{question.type} needs {expected} options, has {len(question.options)}")
    normalised = [normalise(o) for o in question.options]
    if any(not o for o in normalised):
        problems.append("an option is empty")
    if len(set(normalised)) != len(normalised):
        problems.append("two options are the same")
    right = {1} if question.type == "single" else {2, 3}
    if len(question.answer) not in right or len(set(question.answer)) != len(question.answer):
        problems.append(f"{question.type} needs {'one' if question.type == 'single' else 'two or three'} answers")
    if any(not 0 <= i < len(question.options) for i in question.answer):
        problems.append("an answer index is out of range")
    if len(question.explanation.strip()) < 10:
        problems.append("no explanation")
    if not question.citations:
        problems.append("no citations")
    if known_ids is not None:
        missing = [c.get("id") for c in question.citations if c.get("id") not in known_ids]
        if missing:
            problems.append(f"citations not in the index: {missing}")
    if len(normalise(question.question)) < 10:
        problems.append("the question is too short")
    return problems


def too_close(a: str, b: str, threshold: float = 0.8) -> bool:
    """Near-duplicate questions: Jaccard similarity of their character trigrams."""

    def grams(text: str) -> set[str]:
        t = normalise(text)
        return {t[i : i + 3] for i in range(max(len(t) - 2, 1))}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / max(len(ga | gb), 1) >= threshold


def distinct(questions: Iterable[QuizQuestion], seen: Sequence[str] = ()) -> list[QuizQuestion]:
    """Drop questions repeated within the quiz or too close to one the learner saw recently."""
    kept: list[QuizQuestion] = []
    for q in questions:
        if any(too_close(q.question, s) for s in seen) or any(
            q.id == k.id or (too_close(q.question, k.question) and set(q.options) == set(k.options)) for k in kept
        ):
            continue
        kept.append(q)
    return kept


def grade(question: QuizQuestion, chosen: Sequence[int]) -> bool:
    """All or nothing, as on the exam: a multiple-response answer is right only when it is exact."""
    return sorted(set(chosen)) == sorted(question.answer)
