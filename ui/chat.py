"""The chat page: streamed answers with the route, provider and model, and citations to drill into."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import streamlit as st

from agents.context import Runtime
from agents.settings import Settings
from tools.pricing import usd
from tools.retrieval import QueryError, check_query
from ui.citations import render_citations

ROUTE_LABELS = {"docs": "📖 ドキュメント", "pricing": "💰 料金", "quiz": "📝 クイズ", "translate": "🔤 翻訳"}


def _session() -> dict[str, Any]:
    if "chat" not in st.session_state:
        st.session_state.chat = {"thread": uuid.uuid4().hex, "messages": []}
    return st.session_state.chat


def _agent(rt: Runtime, settings: Settings) -> Any:
    """One compiled agent per browser session and settings; conversations stay in their own thread."""
    key = (settings.provider, settings.bedrock_model_id, settings.aws_region, settings.answer_language,
           settings.retrieval_k)  # fmt: skip
    cache = st.session_state.setdefault("agents", {})
    if key not in cache:
        cache[key] = rt.agent(settings.provider, settings)
    return cache[key]


def render_meta(message: dict[str, Any]) -> None:
    parts = [ROUTE_LABELS.get(message.get("route", ""), message.get("route", ""))]
    parts.append(
        f"プロバイダー: {message.get('provider')}" + (f"（{message['model']}）" if message.get("model") else "")
    )
    if message.get("ms") is not None:
        parts.append(f"{message['ms']:.0f} ms")
    st.caption(" · ".join(p for p in parts if p))
    for notice in message.get("notices", []):
        st.caption(f"ℹ️ {notice}")


def render_price(price: dict[str, Any] | None) -> None:
    if not price or "model_id" not in price:
        return
    rows = [price, *(price.get("comparison") or [])]
    table = []
    for row in rows:
        breakdown = row.get("breakdown") or {}
        # prices as exact strings: a number column would round 0.00135 to 0.0014
        table.append({
            "モデル": row["model_name"], "リージョン": row["region"],
            "入力 USD/1K": usd(row["input_per_1k"]), "出力 USD/1K": usd(row["output_per_1k"]),
            "入力コスト": usd(breakdown.get("input_cost")), "出力コスト": usd(breakdown.get("output_cost")),
            "合計 USD": usd(row.get("cost")), "時点": row["as_of"],
        })  # fmt: skip
    st.dataframe(table, hide_index=True)


def render_message(rt: Runtime | None, message: dict[str, Any]) -> None:
    with st.chat_message(message["role"]):
        content = message["content"]
        st.markdown(_keep_lines(content) if message["role"] == "user" else content)
        if message["role"] == "assistant":
            render_price(message.get("price"))
            render_meta(message)
            render_citations(rt, message["content"], message.get("citations", []))


def chat_page(rt: Runtime, settings: Settings) -> None:
    session = _session()
    left, right = st.columns([5, 1])
    left.title("AWS 認定試験 学習アシスタント")
    if right.button("新しい会話", key="new_chat"):
        st.session_state.chat = {"thread": uuid.uuid4().hex, "messages": []}
        session = _session()
    if not session["messages"]:
        st.info("例：「SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？」"
                "「DeepSeek-R1 の料金は？」「Bedrock Guardrails の問題を出して」「実行ロールを英訳して」")  # fmt: skip
    for message in session["messages"]:
        render_message(rt, message)
    question = st.chat_input("質問を入力してください（日本語・英語）")
    if not question:
        return
    try:
        question = check_query(question, settings.max_query_chars)
    except QueryError as exc:
        st.warning(f"質問を受け付けられません：{exc}")
        return
    session["messages"].append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(_keep_lines(question))
    with st.chat_message("assistant"):
        state: dict[str, Any] = {}
        try:
            agent = _agent(rt, settings)
            config = {"configurable": {"thread_id": session["thread"]}}
            stream = agent.stream({"question": question}, config, stream_mode=["custom", "values"])
            provisional = st.empty()
            with provisional.container():
                streamed = st.write_stream(_tokens(stream, state))
        except Exception as exc:  # a tool or provider failure is a message in the chat, not a traceback
            st.error(f"回答の作成中にエラーが発生しました：{exc.__class__.__name__}: {exc}")
            return
        answer = str(state.get("answer", ""))
        if not streamed or (isinstance(streamed, str) and streamed.strip() != answer.strip()):
            # the checked answer replaces what streamed (a withdrawn verdict, renumbered citations)
            provisional.markdown(answer)
        message = {
            "role": "assistant", "content": answer, "citations": state.get("citations", []),
            "route": state.get("route"), "provider": state.get("provider"), "model": state.get("model"),
            "notices": state.get("notices", []), "price": state.get("price"), "quiz": state.get("quiz"),
            "ms": (state.get("timings_ms") or {}).get("answer"),
        }  # fmt: skip
        render_price(message["price"])
        render_meta(message)
        render_citations(rt, answer, message["citations"])
    session["messages"].append(message)


def _tokens(stream: Any, state: dict[str, Any]) -> Iterator[str]:
    for mode, chunk in stream:
        if mode == "values":
            state.clear()
            state.update(chunk)
        elif "token" in chunk:
            yield chunk["token"]


def _keep_lines(text: str) -> str:
    """A pasted question's lines (one option each) shown as lines, not run into one paragraph."""
    return text.replace("\n", "  \n")
