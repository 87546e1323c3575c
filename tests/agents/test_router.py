from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from agents.router import classify_route, route_with_model
from tests.agents.fakes import ToolCallingFakeModel

CASES = [json.loads(line) for line in (Path(__file__).parent / "router_cases.jsonl").read_text().splitlines()]


def test_labelled_set_is_large_and_covers_every_route_in_both_languages() -> None:
    assert len(CASES) >= 60
    for route in ("docs", "pricing", "quiz", "translate"):
        questions = [c["question"] for c in CASES if c["route"] == route]
        english = [q for q in questions if q[0].isascii() and q[0].isalpha()]
        assert english and len(english) < len(questions)


def test_rules_route_the_labelled_set_at_least_95_percent_right() -> None:
    wrong = [(c["question"], c["route"], classify_route(c["question"])) for c in CASES]
    wrong = [w for w in wrong if w[1] != w[2]]
    assert 1 - len(wrong) / len(CASES) >= 0.95, wrong


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("DeepSeek-R1 とは？", "docs"),
        ("DeepSeek-R1 の料金は？", "pricing"),
        ("SageMaker のデプロイ戦略の問題を出して", "quiz"),
        ("「実行ロール」を英訳して", "translate"),
        ("SageMaker のトレーニング費用を抑える方法はありますか？", "docs"),
        ("How does Amazon Translate work?", "docs"),
    ],
)
def test_the_issue_examples(question: str, route: str) -> None:
    assert classify_route(question) == route


def test_a_model_decides_when_it_answers_with_a_valid_route() -> None:
    model = ToolCallingFakeModel(
        responses=[AIMessage("", tool_calls=[{"name": "RouteDecision", "args": {"route": "quiz"}, "id": "1"}])]
    )
    assert route_with_model(model, "S3 について教えて") == ("quiz", "model")


def test_invalid_model_output_falls_back_to_the_rules() -> None:
    model = ToolCallingFakeModel(responses=[AIMessage("I think pricing maybe?")])
    assert route_with_model(model, "DeepSeek-R1 の料金は？") == ("pricing", "rules")


def test_no_model_uses_the_rules() -> None:
    assert route_with_model(None, "Quiz me on IAM") == ("quiz", "rules")
