"""Quiz mode: choose exam, topic and size; answer one question at a time; graded with explanation
and citations; a summary, per-domain accuracy over time, reviews due first, and an Anki export."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

import streamlit as st

from agents.context import Runtime
from agents.settings import Settings
from tools.quiz import EXAM_DOMAINS, QuizGenerator, compose_quiz
from tools.quiz_model import QuizQuestion
from tools.quiz_store import ProgressStore, export_anki
from ui.citations import render_citations


@st.cache_resource
def progress_store(path: str) -> ProgressStore:
    return ProgressStore(Path(path))


def _new_quiz(rt: Runtime, store: ProgressStore, topic: str, exam: str, n: int) -> list[QuizQuestion]:
    questions, _ = compose_quiz(QuizGenerator(rt.retriever), store, topic, exam, n, "ja")
    store.remember(questions)  # what this learner is shown counts as seen
    return questions


def quiz_page(rt: Runtime, settings: Settings) -> None:
    st.title("クイズモード")
    store = progress_store(str(settings.data_dir / "progress.sqlite3"))
    due = len(store.due(limit=1000))
    with st.form("quiz_setup"):
        cols = st.columns([2, 3, 1])
        exam = cols[0].selectbox("試験", ["", *EXAM_DOMAINS], format_func=lambda e: e or "指定なし", key="quiz_exam")
        topic = cols[1].text_input("トピック（空欄なら試験の分野から）", key="quiz_topic")
        n = cols[2].number_input("問題数", 1, 20, 5, key="quiz_n")
        start = st.form_submit_button(f"問題を作る（復習の予定 {due} 問を先に出します）" if due else "問題を作る")
    if start:
        with st.spinner("資料から問題を作っています…"):
            questions = _new_quiz(rt, store, topic.strip(), exam, int(n))
        if not questions:
            st.warning("このトピックでは索引から問題を作れませんでした。別のトピックを試してください。")
            return
        st.session_state.quiz = {
            "questions": [q.model_dump() for q in questions],
            "i": 0,
            "results": [],
            "graded": None,
            # widget keys carry the quiz's id, so no choice from an earlier quiz shows up in this one
            "key": uuid.uuid4().hex[:8],
        }
    quiz: dict[str, Any] | None = st.session_state.get("quiz")
    if quiz:
        _play(rt, store, quiz)
    _history(store)


def _play(rt: Runtime, store: ProgressStore, quiz: dict[str, Any]) -> None:
    questions = [QuizQuestion.model_validate(q) for q in quiz["questions"]]
    i = quiz["i"]
    if i >= len(questions):
        right = sum(quiz["results"])
        st.success(f"結果：{right} / {len(questions)} 問正解")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "awsstudy.apkg"
            export_anki(questions, path)
            st.download_button("Anki デッキをダウンロード", path.read_bytes(), "awsstudy.apkg", key="anki")
        return
    q = questions[i]
    key = quiz["key"]
    st.subheader(f"Q{i + 1} / {len(questions)}")
    st.caption(f"{q.domain} · {'1 つ選択' if q.type == 'single' else f'{len(q.answer)} つ選択'}")
    st.markdown(q.question)
    labels = [f"{chr(65 + j)}. {o}" for j, o in enumerate(q.options)]
    graded = quiz["graded"]
    if q.type == "single":
        choice = st.radio("選択肢", labels, index=None, key=f"{key}-q{i}", disabled=graded is not None)
        chosen = [labels.index(choice)] if choice else []
    else:
        chosen = [
            j
            for j, label in enumerate(labels)
            if st.checkbox(label, key=f"{key}-q{i}_{j}", disabled=graded is not None)
        ]
    if graded is None:
        if st.button("回答する", key=f"{key}-submit{i}", disabled=not chosen):
            correct = store.record(q, chosen)
            quiz["results"].append(correct)
            quiz["graded"] = {"correct": correct, "chosen": chosen}
            st.rerun()
        return
    answer = ", ".join(chr(65 + j) for j in q.answer)
    (st.success if graded["correct"] else st.error)("✓ 正解！" if graded["correct"] else f"✗ 不正解。正解は {answer}")
    st.markdown(q.explanation.replace("\n", "  \n"))
    render_citations(rt, q.explanation, q.citations)
    if st.button("次の問題へ" if i + 1 < len(questions) else "結果を見る", key=f"{key}-next{i}"):
        quiz["i"] += 1
        quiz["graded"] = None
        st.rerun()


def _history(store: ProgressStore) -> None:
    stats = store.accuracy_by_domain()
    if not stats:
        return
    st.divider()
    st.subheader("分野別の正答率")
    st.bar_chart({domain or "(分野なし)": s["accuracy"] for domain, s in stats.items()}, horizontal=True)
