"""Heavy objects shared by every session (index, embeddings, price table), built once per process."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import streamlit as st

from agents.context import Runtime, open_runtime
from agents.providers import ProviderStatus, statuses
from agents.settings import Settings
from knowledge.ingest import default_targets, ingest


@st.cache_resource(show_spinner="索引とモデルを読み込んでいます…")
def runtime(data_dir: str, embedding: str) -> Runtime:
    rt = open_runtime(Settings().model_copy(update={"data_dir": Path(data_dir), "embedding": embedding}))
    rt.retriever.warm_up()
    return rt


@st.cache_data(ttl=300, show_spinner=False)
def provider_statuses(model_id: str, region: str) -> list[ProviderStatus]:
    base = Settings()
    return statuses(base.model_copy(update={"bedrock_model_id": model_id, "aws_region": region}), lang="ja")


@st.cache_resource
def build_lock() -> threading.Lock:
    return threading.Lock()


def build_default_index(rt: Runtime) -> None:
    """First run: build the default index with a progress bar; the app is usable right after.

    One session builds; any other that opens meanwhile waits for it instead of building again.
    """
    lock = build_lock()
    if not lock.acquire(blocking=False):
        with st.spinner("別のセッションが既定の索引を作成しています。完了までお待ちください…"), lock:
            pass
        return
    try:
        _build(rt)
    finally:
        lock.release()


def _build(rt: Runtime) -> None:
    targets = default_targets()
    bar = st.progress(0.0, text="初回のみ：既定の索引（学習ノートと AWS API リファレンス）を作成しています…")
    done = 0

    def on_source(doc: Any, passages: int) -> None:
        nonlocal done
        done += 1
        bar.progress(min(done / len(targets), 1.0), text=f"索引を作成中（{done}/{len(targets)}）：{doc.title}")

    report = ingest(rt.index, targets, on_source=on_source)
    bar.empty()
    st.success(f"{report.chunks_added:,} 件のパッセージを索引に追加しました（{report.seconds:.0f} 秒）。")
