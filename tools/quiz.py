"""Exam-style practice questions (the full generator lands with the quiz issue)."""

from __future__ import annotations

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field


class QuizRequest(BaseModel):
    topic: str = Field(description="What to be quizzed on: a service, an exam domain, or a phrase.")
    n: int = Field(default=5, ge=1, le=20, description="How many questions.")


NOT_AVAILABLE = {
    "ja": "問題の出題はまだ使えません（次のリリースで追加されます）。",
    "en": "Practice questions are not available yet (they come in the next release).",
}


def make_quiz(topic: str, n: int = 5, lang: str = "ja") -> dict[str, object]:
    return {
        "available": False,
        "topic": topic,
        "questions": [],
        "answer": NOT_AVAILABLE.get(lang, NOT_AVAILABLE["en"]),
    }


def make_quiz_tool() -> StructuredTool:
    return StructuredTool.from_function(
        func=make_quiz,
        name="quiz",
        description=(
            "Generate exam-style multiple-choice questions grounded in the indexed documentation. Use it "
            "when the learner asks for practice questions, a quiz or a mock exam."
        ),
        args_schema=QuizRequest,
    )
