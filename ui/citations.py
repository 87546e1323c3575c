"""Citation drill-down: each [n] opens its passage with the title, section, the sentences the
answer used highlighted, the neighbouring passages of the same source, and its link."""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from agents.context import Runtime


def sentences_used(answer: str, text: str) -> list[str]:
    """Sentences of a passage that the answer quotes or shares most of its words with."""
    words = {w for w in re.findall(r"\w{3,}", answer.lower())}
    out = []
    for sentence in re.split(r"(?<=[。.!?])\s+|(?<=。)|\n+", text):
        sentence = sentence.strip()
        if len(sentence) < 12:
            continue
        tokens = set(re.findall(r"\w{3,}", sentence.lower()))
        if sentence in answer or (tokens and len(tokens & words) / len(tokens) >= 0.6):
            out.append(sentence)
    return out


def highlighted(text: str, marks: list[str]) -> str:
    escaped = html.escape(text)
    for sentence in marks:
        escaped = escaped.replace(html.escape(sentence), f"<mark>{html.escape(sentence)}</mark>")
    return escaped.replace("\n", "<br>")


def neighbours(rt: Runtime, passage_id: str) -> tuple[str | None, str | None]:
    """The passages just before and after this one in its source, for context."""
    before, after = rt.index.manifest.neighbour_ids(passage_id)
    found = rt.index.passages([i for i in (before, after) if i])
    return (found[before][0].text if before in found else None, found[after][0].text if after in found else None)


def render_citations(rt: Runtime | None, answer: str, citations: list[dict[str, Any]]) -> None:
    for c in citations:
        note = "学習ノート：" if c.get("kind") == "note" else ""
        with st.expander(f"[{c['n']}] {note}{c['title']}", expanded=False):
            section = c.get("section") or ""
            st.caption(f"{c['location']}" + (f" · {section}" if section else ""))
            marks = sentences_used(answer, c["text"])
            st.markdown(f"<div class='passage'>{highlighted(c['text'], marks)}</div>", unsafe_allow_html=True)
            if rt is not None and not str(c["id"]).startswith("price:"):
                before, after = neighbours(rt, c["id"])
                if before or after:
                    with st.popover("前後の文脈"):
                        if before:
                            st.caption("前のパッセージ")
                            st.text(before[:1200])
                        if after:
                            st.caption("次のパッセージ")
                            st.text(after[:1200])
            if c.get("url"):
                label = "ノートの参考リンク" if note else "AWS ドキュメント"
                st.markdown(f"🔗 {label}: [{c['url']}]({c['url']})")
            else:
                st.caption(f"📄 {c['location']}")
