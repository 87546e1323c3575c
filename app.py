"""Streamlit entry point. Until the full app lands (chat, drill-down, quiz), this page searches the index
and builds the default index on first run, saying what it is doing while it does."""

from __future__ import annotations

import streamlit as st

from agents.context import Runtime, open_runtime
from agents.settings import Settings
from knowledge.index import IndexError_
from knowledge.ingest import default_targets, ingest
from tools.retrieval import QueryError
from tools.translate import english_search_query

st.set_page_config(page_title="AWS 認定試験 学習アシスタント", page_icon="📘", layout="wide")


@st.cache_resource(show_spinner="索引を開いています…")
def runtime() -> Runtime:
    return open_runtime(Settings())


def build_default_index(rt: Runtime) -> None:
    bar = st.progress(0.0, text="初回のみ：既定の索引（AWS API リファレンスと学習ノート）を作成しています…")
    targets = default_targets()
    done = 0

    def on_source(doc: object, passages: int) -> None:
        nonlocal done
        done += 1
        bar.progress(min(done / len(targets), 1.0), text=f"索引を作成中：{getattr(doc, 'title', '')}")

    report = ingest(rt.index, targets, on_source=on_source)
    bar.empty()
    st.success(f"{report.chunks_added} 件のパッセージを索引に追加しました（{report.seconds:.0f} 秒）。")


st.title("AWS 認定試験 学習アシスタント")
try:
    rt = runtime()
except IndexError_ as exc:
    st.error(str(exc))
    st.stop()

if rt.index.count() == 0:
    build_default_index(rt)

question = st.chat_input("質問を入力してください（日本語・英語）")
if question:
    with st.chat_message("user"):
        st.write(question)
    with st.chat_message("assistant"):
        try:
            response = rt.retriever.search(question, k=5, query_en=english_search_query(question))
        except QueryError as exc:
            st.warning(str(exc))
        else:
            for n, result in enumerate(response.results, start=1):
                p = result.passage
                with st.expander(f"[{n}] {p.title}" + (f" › {p.section}" if p.section else "")):
                    st.write(p.text)
                    st.caption(p.location)
                    if p.url:
                        st.markdown(f"[{p.url}]({p.url})")
            st.caption(f"{response.timings_ms['total']:.0f} ms")
