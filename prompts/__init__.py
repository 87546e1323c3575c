"""Prompt texts live beside this file as .txt, loaded by name; no prompt strings in code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    return (_HERE / f"{name}.txt").read_text(encoding="utf-8").strip()
