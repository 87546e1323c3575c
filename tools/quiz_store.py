"""The learner's progress in SQLite: questions seen, attempts, per-domain accuracy, and the FSRS
schedule that brings missed questions back first."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fsrs import Card, Rating, Scheduler

from tools.quiz_model import QuizQuestion, grade

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, body TEXT NOT NULL, domain TEXT, topic TEXT, first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id TEXT NOT NULL REFERENCES questions(id),
    question TEXT NOT NULL, options TEXT NOT NULL, chosen TEXT NOT NULL, correct INTEGER NOT NULL,
    answered_at TEXT NOT NULL, domain TEXT, source TEXT
);
CREATE TABLE IF NOT EXISTS cards (question_id TEXT PRIMARY KEY, card TEXT NOT NULL, due TEXT NOT NULL);
"""


class ProgressStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._scheduler = Scheduler()

    def close(self) -> None:
        self._db.close()

    def remember(self, questions: Iterable[QuizQuestion]) -> None:
        now = datetime.now(UTC).isoformat()
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO questions VALUES (?, ?, ?, ?, ?)",
                [(q.id, q.model_dump_json(), q.domain, q.topic, now) for q in questions],
            )

    def record(self, question: QuizQuestion, chosen: list[int], now: datetime | None = None) -> bool:
        """Grade an answer, store the attempt and reschedule the card (missed: Again, right: Good)."""
        now = now or datetime.now(UTC)
        correct = grade(question, chosen)
        self.remember([question])
        source = question.citations[0].get("location") if question.citations else None
        row = self._db.execute("SELECT card FROM cards WHERE question_id = ?", (question.id,)).fetchone()
        card = Card.from_dict(json.loads(row[0])) if row else Card()
        card, _ = self._scheduler.review_card(card, Rating.Good if correct else Rating.Again, now)
        with self._db:
            self._db.execute(
                "INSERT INTO attempts (question_id, question, options, chosen, correct, answered_at, domain, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (question.id, question.question, json.dumps(question.options, ensure_ascii=False),
                 json.dumps(chosen), int(correct), now.isoformat(), question.domain, source),
            )  # fmt: skip
            self._db.execute(
                "INSERT OR REPLACE INTO cards VALUES (?, ?, ?)",
                (question.id, json.dumps(card.to_dict()), card.due.isoformat()),
            )
        return correct

    def due(self, limit: int = 10, now: datetime | None = None) -> list[QuizQuestion]:
        """Questions whose review is due, the most overdue first."""
        moment = (now or datetime.now(UTC)).isoformat()
        rows = self._db.execute(
            "SELECT q.body FROM cards c JOIN questions q ON q.id = c.question_id "
            "WHERE c.due <= ? ORDER BY c.due LIMIT ?",
            (moment, limit),
        ).fetchall()
        return [QuizQuestion.model_validate_json(r[0]) for r in rows]

    def recent_questions(self, days: int = 14) -> list[str]:
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        rows = self._db.execute("SELECT body FROM questions WHERE first_seen >= ?", (since,)).fetchall()
        return [json.loads(r[0])["question"] for r in rows]

    def accuracy_by_domain(self) -> dict[str, dict[str, Any]]:
        rows = self._db.execute(
            "SELECT COALESCE(domain, ''), COUNT(*), SUM(correct) FROM attempts GROUP BY domain ORDER BY domain"
        ).fetchall()
        return {d: {"attempts": n, "correct": c, "accuracy": round(c / n, 3)} for d, n, c in rows}

    def attempts(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT question_id, question, options, chosen, correct, answered_at, domain, source FROM attempts "
            "ORDER BY id"
        ).fetchall()
        keys = ("question_id", "question", "options", "chosen", "correct", "answered_at", "domain", "source")
        return [dict(zip(keys, r, strict=True)) for r in rows]


def export_csv(questions: Iterable[QuizQuestion], path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "type", "question", "options", "answer", "explanation", "citations", "domain"])
        for q in questions:
            options = " | ".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(q.options))
            answer = ", ".join(chr(65 + i) for i in q.answer)
            sources = " ; ".join(str(c.get("url") or c.get("location")) for c in q.citations)
            writer.writerow([q.id, q.type, q.question, options, answer, q.explanation, sources, q.domain])
            count += 1
    return count


def export_anki(questions: Iterable[QuizQuestion], path: Path, deck_name: str = "AWS 認定試験 (awsstudy)") -> int:
    import genanki

    model = genanki.Model(
        1607392319,  # fixed ids keep re-exports updating the same deck and note type
        "awsstudy question",
        fields=[{"name": "Question"}, {"name": "Options"}, {"name": "Answer"}, {"name": "Explanation"}],
        templates=[{
            "name": "Card 1",
            "qfmt": "{{Question}}<br><br>{{Options}}",
            "afmt": "{{FrontSide}}<hr id=answer><b>{{Answer}}</b><br><br>{{Explanation}}",
        }],
    )  # fmt: skip
    deck = genanki.Deck(2059400110, deck_name)
    count = 0
    for q in questions:
        options = "<br>".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(q.options))
        answer = ", ".join(f"{chr(65 + i)}. {q.options[i]}" for i in q.answer)
        links = "".join(f'<br><a href="{c["url"]}">[{c["n"]}] {c["title"]}</a>' for c in q.citations if c.get("url"))
        explanation = q.explanation.replace("\n", "<br>") + links
        deck.add_note(genanki.Note(model=model, fields=[q.question.replace("\n", "<br>"), options, answer, explanation],
                                   guid=genanki.guid_for(q.id)))  # fmt: skip
        count += 1
    genanki.Package(deck).write_to_file(str(path))
    return count
