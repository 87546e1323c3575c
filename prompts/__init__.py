"""Prompt texts live beside this file as .txt, loaded by name; no prompt strings in code."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    return (_HERE / f"{name}.txt").read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    data: dict[str, Any] = json.loads((_HERE / "messages.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def message(key: str, lang: str, **fields: object) -> str:
    """A user-facing line from messages.json in the learner's language ("ja" or "en")."""
    texts = _messages()[key]
    return texts.get(lang, texts["en"]).format(**fields)
