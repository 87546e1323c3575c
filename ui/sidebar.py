"""Settings in the sidebar: which page, which answer provider (and why one is unavailable), model, language, k."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from agents.settings import Settings
from ui.resources import provider_statuses

PAGES = {"chat": "💬 質問する", "quiz": "📝 クイズ", "knowledge": "📚 ナレッジ"}
PROVIDERS = {"auto": "自動", "bedrock": "Bedrock", "local": "ローカルモデル", "extractive": "抽出のみ（モデルなし）"}


@dataclass(frozen=True)
class UiChoices:
    page: str
    settings: Settings


def sidebar(base: Settings) -> UiChoices:
    with st.sidebar:
        page = st.radio("ページ", list(PAGES), format_func=PAGES.__getitem__, key="page")
        st.divider()
        st.subheader("設定")
        provider = st.radio(
            "回答プロバイダー", list(PROVIDERS), format_func=PROVIDERS.__getitem__, key="provider",
            index=list(PROVIDERS).index(base.provider),
        )  # fmt: skip
        model_id = st.text_input("Bedrock モデル ID", base.bedrock_model_id, key="bedrock_model_id")
        region = st.text_input("リージョン", base.aws_region, key="aws_region")
        for status in provider_statuses(model_id, region):
            mark = "✅" if status.available else "⚪"
            st.caption(f"{mark} {PROVIDERS.get(status.name, status.name)}: {status.reason}")
        language = st.selectbox(
            "回答の言語",
            ["auto", "ja", "en"],
            format_func={"auto": "質問と同じ", "ja": "日本語", "en": "English"}.__getitem__,
            key="answer_language",
        )
        k = st.slider("参照するパッセージ数 (k)", 1, 10, base.retrieval_k, key="retrieval_k")
    settings = base.model_copy(
        update={"provider": provider, "bedrock_model_id": model_id, "aws_region": region,
                "answer_language": language, "retrieval_k": k}
    )  # fmt: skip
    return UiChoices(page, settings)
