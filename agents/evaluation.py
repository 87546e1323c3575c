"""Scores a question file (the format of eval/README.md): evidence hit@k, repeated passages, latency."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.retrieval import HybridRetriever, Mode, SearchResponse
from tools.translate import english_search_query


class EvalFileError(ValueError):
    pass


@dataclass
class QuestionResult:
    id: str
    route: str
    hit_rank: int | None
    duplicates: int
    latency_ms: float


@dataclass
class EvalReport:
    k: int
    mode: str
    questions: list[QuestionResult] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        scored = [q for q in self.questions if q.hit_rank != -1]
        latencies = sorted(q.latency_ms for q in self.questions)
        return {
            "k": self.k,
            "mode": self.mode,
            "questions": len(self.questions),
            "with_evidence": len(scored),
            "evidence_hit_at_k": _ratio(sum(1 for q in scored if q.hit_rank is not None), len(scored)),
            "evidence_mrr": _ratio(sum(1 / q.hit_rank for q in scored if q.hit_rank), len(scored)),
            "duplicate_passages": sum(q.duplicates for q in self.questions),
            "latency_ms": {
                "p50": _pct(latencies, 50),
                "p95": _pct(latencies, 95),
                "max": _pct(latencies, 100),
            },
            "per_question": [
                {
                    "id": q.id,
                    "hit_rank": q.hit_rank,
                    "duplicates": q.duplicates,
                    "latency_ms": round(q.latency_ms, 1),
                }
                for q in self.questions
            ],
        }


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    questions = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not item.get("question"):
            raise EvalFileError(f"{path}:{n}: each line needs a 'question'")
        questions.append(item)
    if not questions:
        raise EvalFileError(f"{path}: no questions")
    return questions


def is_evidence(text: str, groups: Sequence[Sequence[str]]) -> bool:
    lowered = text.lower()
    return all(any(alt.lower() in lowered for alt in group) for group in groups)


def evaluate_retrieval(
    retriever: HybridRetriever,
    questions: list[dict[str, Any]],
    k: int = 5,
    mode: Mode = "hybrid",
    translate: bool = True,
) -> EvalReport:
    report = EvalReport(k=k, mode=mode)
    for item in questions:
        query_en = english_search_query(item["question"]) if translate else None
        response = retriever.search(item["question"], k=k, query_en=query_en, mode=mode)
        report.questions.append(score_response(item, response))
    return report


def score_response(item: dict[str, Any], response: SearchResponse) -> QuestionResult:
    evidence = item.get("evidence")
    rank: int | None = -1  # -1: the question has no evidence to look for (e.g. pricing)
    if evidence:
        rank = next(
            (n for n, r in enumerate(response.results, start=1) if is_evidence(r.passage.text, evidence)),
            None,
        )
    ids = [r.passage.id for r in response.results]
    texts = [r.passage.text.strip().lower() for r in response.results]
    duplicates = (len(ids) - len(set(ids))) + (len(texts) - len(set(texts)))
    return QuestionResult(
        str(item.get("id", "")), str(item.get("route", "")), rank, duplicates, response.timings_ms["total"]
    )


def _ratio(a: float, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _pct(values: list[float], pct: int) -> float | None:
    if not values:
        return None
    if pct >= 100:
        return round(values[-1], 1)
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 1)


@dataclass
class AnswerResult:
    id: str
    route_expected: str | None
    route: str
    facts_ok: bool | None
    forbidden: list[str]
    citations: int
    latency_ms: float


def evaluate_answers(agent: Any, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Runs each question through the agent: route accuracy, answer facts, forbidden strings, citations."""
    import time
    import uuid

    results = []
    for item in questions:
        started = time.perf_counter()
        state = agent.invoke(
            {"question": item["question"]}, {"configurable": {"thread_id": f"eval-{uuid.uuid4().hex}"}}
        )
        latency = (time.perf_counter() - started) * 1000
        answer = str(state.get("answer", ""))
        facts = item.get("answer_facts")
        results.append(
            AnswerResult(
                id=str(item.get("id", "")),
                route_expected=item.get("route"),
                route=str(state.get("route")),
                facts_ok=is_evidence(answer, facts) if facts else None,
                forbidden=[s for s in item.get("answer_must_not", []) if s.lower() in answer.lower()],
                citations=len(state.get("citations", [])),
                latency_ms=latency,
            )
        )
    routed = [r for r in results if r.route_expected]
    with_facts = [r for r in results if r.facts_ok is not None]
    passed = [r for r in with_facts if r.facts_ok and not r.forbidden]
    latencies = sorted(r.latency_ms for r in results)
    return {
        "route_accuracy": _ratio(sum(r.route == r.route_expected for r in routed), len(routed)),
        "answers_with_facts": _ratio(len(passed), len(with_facts)),
        "answers_passed": len(passed),
        "answers_scored": len(with_facts),
        "answer_latency_ms": {"p50": _pct(latencies, 50), "p95": _pct(latencies, 95)},
        "per_answer": [
            {
                "id": r.id,
                "route": r.route,
                "route_ok": r.route == r.route_expected if r.route_expected else None,
                "facts_ok": r.facts_ok,
                "forbidden": r.forbidden,
                "citations": r.citations,
                "latency_ms": round(r.latency_ms, 1),
            }
            for r in results
        ],
    }
