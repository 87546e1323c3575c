"""Which language the learner wrote in: Japanese if the question has any kana or kanji."""

from __future__ import annotations

from typing import Literal

from knowledge.keyword_tokens import has_japanese

Lang = Literal["ja", "en"]


def detect_language(text: str) -> Lang:
    return "ja" if has_japanese(text) else "en"
