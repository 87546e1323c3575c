"""Streamlit entry point: the chat, quiz and knowledge pages with settings in the sidebar.

Starts in seconds; on the first run it builds the default index while saying what it is doing.
"""

from __future__ import annotations

import streamlit as st

from agents.settings import Settings
from knowledge.index import IndexUnavailable
from ui.chat import chat_page
from ui.knowledge_page import knowledge_page
from ui.quiz_page import quiz_page
from ui.resources import build_default_index, runtime
from ui.sidebar import sidebar

st.set_page_config(page_title="AWS 認定試験 学習アシスタント", page_icon="📘", layout="wide")
st.markdown("<style>mark{background:#ffe08a;padding:0 2px}.passage{line-height:1.7}</style>", unsafe_allow_html=True)

base = Settings()
choices = sidebar(base)
try:
    rt = runtime(str(base.data_dir), base.embedding)
except IndexUnavailable as exc:
    st.error(str(exc))
    st.stop()
if rt.index.count() == 0:
    build_default_index(rt)

{"chat": chat_page, "quiz": quiz_page, "knowledge": knowledge_page}[choices.page](rt, choices.settings)
