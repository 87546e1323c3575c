"""What flows through the agent graph. Everything here is JSON-serialisable for the checkpointer."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from agents.language import Lang
from agents.router import Route


class Citation(TypedDict):
    n: int
    id: str
    kind: str  # "note" for study notes: shown as a note, never as the AWS page itself
    title: str
    location: str
    url: str | None
    text: str


class AgentState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]  # the conversation, kept per thread
    question: str  # as the learner asked it this turn
    standalone_question: str  # with a follow-up's reference resolved against the previous turn
    lang: Lang
    route: Route
    route_source: str  # "model" or "rules"
    query_en: str | None
    passages: list[dict[str, Any]]  # retrieved, numbered in order: [1] is passages[0]
    answer: str
    citations: list[Citation]
    provider: str
    model: str | None
    notices: list[str]  # why a provider was skipped, in the learner's terms
    translation: dict[str, Any] | None
    price: dict[str, Any] | None
    quiz: dict[str, Any] | None
    practice: dict[str, Any] | None  # a pasted practice question: options, evidence, the pick if any
    timings_ms: dict[str, float]
