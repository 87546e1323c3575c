"""The graph's nodes: plain functions of the state and the injected dependencies, returning only
the keys they change."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.config import get_stream_writer

from agents.answer import answer_messages, citation_list, number_citations, tidy_answer
from agents.extractive import extractive_answer
from agents.language import detect_language
from agents.practice_answer import (
    evidence_from_json,
    evidence_json,
    gather_evidence,
    pick_answer,
    practice_json,
    practice_text,
)
from agents.providers import EXTRACTIVE, ChatProvider, ProviderUnavailable, provider_order
from agents.question_shape import question_shape
from agents.router import route_with_model
from agents.state import AgentState
from agents.verdict import check_model_verdict, is_yes_no, yes_no_verdict
from knowledge.passage import Passage
from tools.practice import parse_practice
from tools.price_table import PriceTable
from tools.pricing import load_table, price_for_question
from tools.quiz import QuizGenerator, quiz_request, quiz_summary
from tools.retrieval import HybridRetriever
from tools.translate import Glossary, Translator, english_search_query, translate_text, translation_target

log = logging.getLogger(__name__)
SIDE_K = 3  # passages searched for each side of a comparison


@dataclass
class AgentDeps:
    retriever: HybridRetriever
    glossary: Glossary
    provider_choice: str = "auto"
    # builds a chat provider by name, or raises ProviderUnavailable saying why not
    provider_factory: Callable[[str], ChatProvider] | None = None
    router_model: BaseChatModel | None = None
    translator: Translator | None = None
    prices: PriceTable | None = None
    quiz_model: BaseChatModel | None = None
    answer_language: str = "auto"  # "ja" or "en" forces the answer's language
    k: int = 5


_REFERENCE = re.compile(
    r"^(?:それ|これ|あれ|その|この|あの|そちら|こちら)|それ|\b(?:it|its|that|this|them|they)\b", re.I
)
_SUBJECT = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*(?:[ ][A-Z0-9][A-Za-z0-9.\-]*)*")


def standalone_question(question: str, history: list[AnyMessage]) -> str:
    """A follow-up ("それの料金は？") gets the previous question's subject ("DeepSeek-R1") in front."""
    previous = next((m.content for m in reversed(history) if isinstance(m, HumanMessage)), None)
    if not isinstance(previous, str) or not _REFERENCE.search(question) or len(question) > 60:
        return question
    subjects = [s for s in _SUBJECT.findall(previous) if len(s) > 1]
    subject = " ".join(subjects) if subjects else previous
    return f"{subject} {question}"


def _lap(state: AgentState, name: str, start: float) -> dict[str, float]:
    return {**state.get("timings_ms", {}), name: round((time.perf_counter() - start) * 1000, 1)}


def understand(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    question = state["question"].strip()
    history = state.get("messages", [])
    forced = deps.answer_language if deps.answer_language in ("ja", "en") else None
    return {
        "lang": forced or detect_language(question),
        "standalone_question": standalone_question(question, history),
        "messages": [HumanMessage(question)],
        # a new turn: nothing from the previous answer carries over
        "passages": [], "citations": [], "notices": [], "timings_ms": {},
        "translation": None, "price": None, "quiz": None, "query_en": None, "practice": None,
    }  # fmt: skip


def route(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    start = time.perf_counter()
    chosen, source = route_with_model(deps.router_model, state["standalone_question"])
    return {"route": chosen, "route_source": source, "timings_ms": _lap(state, "route", start)}


def docs(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    question = state["standalone_question"]
    pasted = parse_practice(state["question"])
    if pasted is not None:
        start = time.perf_counter()
        evidence = gather_evidence(deps.retriever, pasted, deps.glossary)
        return {
            "practice": {"evidence": evidence_json(evidence)},
            "passages": [asdict(p) for p in evidence.passages],
            "timings_ms": _lap(state, "retrieval", start),
        }
    start = time.perf_counter()
    query_en = english_search_query(question, deps.glossary)
    found = [r.passage for r in deps.retriever.search(question, k=deps.k, query_en=query_en).results]
    shape = question_shape(question)
    if shape.sides is not None:  # "X と Y の違い": each side searched on its own as well
        for side in shape.sides:
            side_en = english_search_query(side, deps.glossary)
            found += [r.passage for r in deps.retriever.search(side, k=SIDE_K, query_en=side_en).results]
        found = list({p.id: p for p in found}.values())
    return {
        "query_en": query_en,
        "passages": [asdict(p) for p in found],
        "timings_ms": _lap(state, "retrieval", start),
    }


def translate(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    start = time.perf_counter()
    result = translate_text(translation_target(state["question"]), deps.glossary, deps.translator)
    return {"translation": result, "timings_ms": _lap(state, "translate", start)}


def pricing(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    start = time.perf_counter()
    table = deps.prices or load_table()
    price = price_for_question(state["standalone_question"], table, state["lang"])
    return {"price": price, "timings_ms": _lap(state, "pricing", start)}


def quiz(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    start = time.perf_counter()
    topic, n = quiz_request(state["standalone_question"])
    generator = QuizGenerator(deps.retriever, deps.quiz_model, deps.glossary)
    questions = generator.generate(topic, n, state["lang"])
    payload = {
        "topic": topic,
        "questions": [q.model_dump() for q in questions],
        "answer": quiz_summary(questions, state["lang"]),
        "citations": [],
    }
    return {"quiz": payload, "timings_ms": _lap(state, "quiz", start)}


def answer(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    start = time.perf_counter()
    lang = state["lang"]
    chosen = state["route"]
    out: dict[str, Any] = {"provider": EXTRACTIVE, "model": None, "citations": []}
    if chosen == "translate":
        result = state.get("translation") or {}
        label = "英訳" if lang == "ja" else "English"
        out["answer"] = f"{label}: {result.get('text', '')}"
    elif chosen in ("pricing", "quiz"):
        payload = state.get("price") if chosen == "pricing" else state.get("quiz")
        out["answer"] = str((payload or {}).get("answer", ""))
        out["citations"] = list((payload or {}).get("citations", []))
    elif state.get("practice"):
        out.update(_practice_answer(state, deps))
    else:
        out.update(_grounded_answer(state, deps))
    out["messages"] = [AIMessage(out["answer"])]
    out["timings_ms"] = _lap(state, "answer", start)
    return out


def _grounded_answer(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    passages = [Passage(**p) for p in state.get("passages", [])]
    question, lang = state["standalone_question"], state["lang"]
    notices: list[str] = []
    writer = get_stream_writer()
    for name in provider_order(deps.provider_choice):
        if name == EXTRACTIVE:
            break
        if not passages:
            break  # nothing to ground a model's answer in: the extractive path says so plainly
        try:
            if deps.provider_factory is None:
                raise ProviderUnavailable("provider.not_configured")
            provider = deps.provider_factory(name)
            parts: list[str] = []
            for token in provider.stream(answer_messages(question, lang, passages)):
                parts.append(token)
                writer({"token": token})
            text = tidy_answer("".join(parts), passages)
            if not text:
                raise ProviderUnavailable("provider.empty")
            if is_yes_no(question):  # a model's はい/いいえ stands only when a cited sentence states it
                verdict = yes_no_verdict(question, passages, deps.glossary)
                text = check_model_verdict(text, verdict, lang)
            text, citations = number_citations(text, passages)
            return {
                "answer": text,
                "citations": citations,
                "provider": provider.name,
                "model": provider.model,
                "notices": notices,
            }
        except ProviderUnavailable as exc:
            notices.append(f"{name}: {exc.say(lang)}")
            writer({"reset": True, "notice": f"{name}: {exc.say(lang)}"})
    result = extractive_answer(
        question, passages, deps.retriever.index.embeddings, deps.glossary, state.get("query_en"), lang
    )
    text, citations = number_citations(result.text, passages)
    return {
        "answer": text,
        "citations": citations,
        "provider": EXTRACTIVE,
        "model": None,
        "notices": notices,
    }


def _practice_answer(state: AgentState, deps: AgentDeps) -> dict[str, Any]:
    """A pasted practice question: the first model that can pick does; without one, evidence only."""
    lang = state["lang"]
    stored = state.get("practice") or {}
    evidence = evidence_from_json(stored["evidence"], [Passage(**p) for p in state.get("passages", [])])
    notices: list[str] = []
    pick = None
    for name in provider_order(deps.provider_choice, picking=True):
        if name == EXTRACTIVE:
            break
        try:
            if deps.provider_factory is None:
                raise ProviderUnavailable("provider.not_configured")
            pick = pick_answer(deps.provider_factory(name), evidence)
        except ProviderUnavailable as exc:  # a model failure costs the pick, never the evidence
            log.info("practice pick with %s unavailable: %s", name, exc)
            notices.append(f"{name}: {exc.say(lang)}")
            continue
        if pick is not None:
            break
    practice = practice_json(evidence, pick, lang)
    passages = evidence.passages
    cited = sorted({n for o in practice["options"] for n in o["citations"]})
    return {
        "answer": practice_text(practice, pick, lang),
        "practice": practice,
        "citations": citation_list(passages, cited),
        "provider": pick.provider if pick else EXTRACTIVE,
        "model": pick.model if pick else None,
        "notices": notices,
    }
