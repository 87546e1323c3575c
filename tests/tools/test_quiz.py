from __future__ import annotations

import csv
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from knowledge.passage import KIND_NOTE
from tools.quiz import QuizGenerator, quiz_request
from tools.quiz_model import QuizQuestion, distinct, grade, validate
from tools.quiz_store import ProgressStore, export_anki, export_csv
from tools.retrieval import HybridRetriever

NOTES = Path(__file__).parents[2] / "knowledge" / "notes"


def good(**change: object) -> QuizQuestion:
    base = QuizQuestion(
        type="single",
        question="ある企業は本番トラフィックのコピーで新モデルを検証したい。どれを使うべきですか？",
        options=["shadow testing", "batch transform", "canary traffic shifting", "multi-model endpoint"],
        answer=[0],
        explanation="正解は shadow testing。他は検証の方法ではない。",
        citations=[{"n": 1, "id": "p1", "title": "t", "location": "l", "url": None, "text": "x"}],
        domain="デプロイとオーケストレーション",
    )
    return base.model_copy(update=change).with_id()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"options": ["a", "b", "c"]}, "needs 4 options"),
        ({"options": ["Shadow testing", "shadow  testing", "canary", "batch"]}, "two options are the same"),
        ({"answer": [4]}, "out of range"),
        ({"answer": [0, 1]}, "needs one"),
        ({"explanation": ""}, "no explanation"),
        ({"citations": []}, "no citations"),
        ({"citations": [{"id": "not-indexed"}]}, "not in the index"),
        ({"type": "multiple", "answer": [0]}, "needs 5 options"),
    ],
)
def test_validator_catches_each_hand_made_bad_question(change: dict[str, object], problem: str) -> None:
    problems = validate(good(**change), known_ids={"p1"})
    assert any(problem in p for p in problems), problems


def test_a_good_question_passes() -> None:
    assert validate(good(), known_ids={"p1"}) == []


def test_repeated_and_recently_seen_questions_are_dropped() -> None:
    q = good()
    same_again = good(options=list(reversed(q.options)), answer=[3])
    other = good(question="ある企業はアイドル時の費用をゼロにしたい。どの推論方式を使うべきですか？")
    assert [x.id for x in distinct([q, same_again, other])] == [q.id, other.id]
    assert distinct([q, other], seen=[q.question]) == [other]


def test_multiple_response_is_all_or_nothing() -> None:
    q = good(type="multiple", options=["a1", "b2", "c3", "d4", "e5"], answer=[1, 3])
    assert grade(q, [3, 1]) and not grade(q, [1]) and not grade(q, [1, 3, 4])


def test_attempts_and_domain_accuracy_are_stored(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.sqlite3")
    q = good()
    assert store.record(q, [0]) is True
    assert store.record(q, [2]) is False
    attempts = store.attempts()
    assert [a["correct"] for a in attempts] == [1, 0] and attempts[1]["chosen"] == "[2]"
    assert store.accuracy_by_domain()["デプロイとオーケストレーション"] == {
        "attempts": 2,
        "correct": 1,
        "accuracy": 0.5,
    }
    store.close()
    reopened = ProgressStore(tmp_path / "progress.sqlite3")
    assert len(reopened.attempts()) == 2  # on disk, not in memory
    reopened.close()


def test_missed_questions_come_back_first_through_fsrs(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.sqlite3")
    now = datetime.now(UTC)
    missed, known = good(), good(question="ある企業は大きなペイロードを非同期に推論したい。どれを使うべきですか？")
    store.record(missed, [1], now)
    store.record(known, [0], now)
    # FSRS learning steps: Again brings a card back in a minute, Good in ten
    assert [q.id for q in store.due(now=now + timedelta(minutes=5))] == [missed.id]
    assert [q.id for q in store.due(now=now + timedelta(days=30))] == [missed.id, known.id]  # most overdue first
    store.close()


def test_exports_to_csv_and_anki(tmp_path: Path) -> None:
    questions = [good(), good(question="ある企業は多数のモデルを 1 つのエンドポイントでホストしたい。どれですか？")]
    assert export_csv(questions, tmp_path / "q.csv") == 2
    rows = list(csv.reader((tmp_path / "q.csv").open(encoding="utf-8")))
    assert rows[0][0] == "id" and rows[1][4] == "A"
    assert export_anki(questions, tmp_path / "q.apkg") == 2
    assert "collection.anki2" in zipfile.ZipFile(tmp_path / "q.apkg").namelist()


@pytest.fixture
def generator(index: KnowledgeIndex, tmp_path: Path) -> QuizGenerator:
    notes = tmp_path / "notes"
    shutil.copytree(NOTES, notes)
    ingest(index, [str(notes)], kind=KIND_NOTE)
    return QuizGenerator(HybridRetriever(index))


@pytest.mark.parametrize("topic", ["SageMaker のデプロイ戦略", "Amazon Bedrock Guardrails", "model evaluation metrics"])
def test_offline_quiz_is_grounded_valid_and_without_repeats(generator: QuizGenerator, topic: str) -> None:
    questions = generator.generate(topic, 5, "ja")
    assert len(questions) == 5
    known = set(generator.retriever.index.live_ids())
    for q in questions:
        assert validate(q, known) == [] and q.explanation and q.citations
        right = [q.options[i] for i in q.answer]
        assert all(name in q.explanation for name in right)
    assert len({q.id for q in questions}) == 5


def test_a_new_quiz_prefers_questions_not_seen_recently(generator: QuizGenerator) -> None:
    first = generator.generate("SageMaker のデプロイ戦略", 3, "ja")
    second = generator.generate("SageMaker のデプロイ戦略", 3, "ja", seen=[q.question for q in first])
    assert not {q.id for q in first} & {q.id for q in second}


def test_quiz_requests_give_topic_and_count() -> None:
    assert quiz_request("S3 の問題を10問出して") == ("S3", 10)
    assert quiz_request("Quiz me on SageMaker deployment strategies") == ("SageMaker deployment strategies", 5)


def test_model_drafts_are_validated_repaired_once_or_dropped(index: KnowledgeIndex, tmp_path: Path) -> None:
    from langchain_core.messages import AIMessage

    from tests.agents.fakes import ToolCallingFakeModel

    notes = tmp_path / "notes"
    shutil.copytree(NOTES, notes)
    ingest(index, [str(notes)], kind=KIND_NOTE)
    good_draft = {
        "type": "single", "question": "ある企業は利用者に影響なく新モデルを本番データで評価したい。どれですか？",
        "options": ["shadow testing", "batch transform", "serverless inference", "multi-model endpoint"],
        "answer": [0], "explanation": "shadow testing は本番のコピーで評価する。他は推論方式。", "sources": [1],
    }  # fmt: skip
    broken = {**good_draft, "question": "ある企業は段階的にトラフィックを新モデルへ移したい。どれですか？",
              "options": ["canary", "canary", "batch transform", "shadow testing"]}  # fmt: skip
    fixed = {
        **broken,
        "options": ["canary traffic shifting", "batch transform", "shadow testing", "serverless inference"],
    }
    never_fixed = {
        **good_draft,
        "question": "ある企業は多数のモデルをまとめてホストしたい。どれですか？",
        "answer": [7],
    }
    model = ToolCallingFakeModel(
        responses=[
            AIMessage("", tool_calls=[{"name": "QuizDraft", "id": "1",
                                       "args": {"questions": [good_draft, broken, never_fixed]}}]),
            AIMessage("", tool_calls=[{"name": "DraftQuestion", "id": "2", "args": fixed}]),
            AIMessage("", tool_calls=[{"name": "DraftQuestion", "id": "3", "args": never_fixed}]),
        ]
    )  # fmt: skip
    generator = QuizGenerator(HybridRetriever(index), model=model)
    questions = generator.generate("SageMaker のデプロイ戦略", 6, "ja")
    stems = [q.question for q in questions]
    assert good_draft["question"] in stems and broken["question"] in stems  # the broken one after its repair
    assert never_fixed["question"] not in stems
    repaired = next(q for q in questions if q.question == broken["question"])
    assert repaired.options[0] == "canary traffic shifting" and validate(repaired) == []
