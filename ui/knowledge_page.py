"""The knowledge page: the sources in the index, uploads and URLs to ingest, removal and rebuild."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from agents.context import Runtime
from agents.settings import Settings
from knowledge.ingest import default_targets, ingest
from knowledge.loaders.files import SUPPORTED_SUFFIXES


def _ingest_with_progress(rt: Runtime, targets: list[str], kind: str | None = None) -> None:
    bar = st.progress(0.0, text="取り込み中…")
    done = 0

    def on_source(doc: object, passages: int) -> None:
        nonlocal done
        done += 1
        bar.progress(min(done / max(len(targets), 1), 1.0), text=f"取り込み中：{getattr(doc, 'title', '')}")

    report = ingest(rt.index, targets, kind=kind, on_source=on_source)
    bar.empty()
    st.success(f"{report.sources} 件のソース、{report.chunks_added} 件のパッセージを追加しました。")
    for error in report.errors:
        st.warning(error)


def knowledge_page(rt: Runtime, settings: Settings) -> None:
    st.title("ナレッジ")
    sources = rt.index.sources()
    st.caption(f"{len(sources):,} 件のソース、{sum(s.chunks for s in sources):,} 件のパッセージ")
    st.dataframe(
        [{"種類": s.kind, "タイトル": s.title, "パッセージ": s.chunks, "場所": s.url or s.location} for s in sources],
        hide_index=True,
        height=280,
    )
    st.subheader("資料を追加")
    uploads = st.file_uploader(
        "ファイル（Markdown、HTML、PDF、テキスト）", accept_multiple_files=True,
        type=[s.lstrip(".") for s in sorted(SUPPORTED_SUFFIXES)],
    )  # fmt: skip
    urls = st.text_area("URL（1 行に 1 つ。サイトマップも可）", key="urls")
    as_notes = st.checkbox("自分の学習ノートとして登録する", value=True, key="as_notes")
    if st.button("取り込む", key="ingest", disabled=not uploads and not urls.strip()):
        folder = settings.data_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        targets = []
        for upload in uploads or []:
            safe = re.sub(r"[^\w.\-]+", "_", Path(upload.name).name)
            target = folder / safe
            target.write_bytes(upload.getvalue())
            targets.append(str(target))
        targets += [line.strip() for line in urls.splitlines() if line.strip()]
        _ingest_with_progress(rt, targets, "note" if as_notes else None)
    st.subheader("管理")
    choice = st.selectbox("ソースを削除", [""] + [s.source_id for s in sources], key="remove_choice")
    if st.button("削除する", key="remove", disabled=not choice):
        removed = rt.index.remove_source(choice)
        rt.index.refresh_keyword_index()
        st.success(f"{choice} を削除しました（{removed} パッセージ）。")
    if st.button("既定のソースを取り込み直す", key="rebuild"):
        _ingest_with_progress(rt, default_targets())
