"""Japanese → English search queries: official AWS English names from a glossary, applied deterministically.

Japanese questions mostly have English evidence. Dense multilingual search bridges the languages
only loosely; the English names (実行ロール → execution role) give keyword search its footing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary_ja_en.tsv"
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-/]*")


@dataclass(frozen=True)
class GlossaryTranslation:
    text: str
    terms: tuple[tuple[str, str], ...]  # (Japanese, English) pairs found, in order


class Glossary:
    def __init__(self, entries: dict[str, str]) -> None:
        self.entries = entries
        self._by_first: dict[str, list[str]] = {}
        for ja in sorted(entries, key=len, reverse=True):
            self._by_first.setdefault(ja[0], []).append(ja)

    @classmethod
    def load(cls, path: Path = GLOSSARY_FILE) -> Glossary:
        entries: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            ja, _, en = line.partition("\t")
            if ja.strip() and en.strip():
                entries[ja.strip()] = en.strip()
        return cls(entries)

    def translate(self, text: str) -> GlossaryTranslation:
        """English keywords for a question: glossary terms and the Latin words it already has."""
        words: list[str] = []
        terms: list[tuple[str, str]] = []
        i = 0
        while i < len(text):
            match = next((ja for ja in self._by_first.get(text[i], []) if text.startswith(ja, i)), None)
            if match is not None:
                terms.append((match, self.entries[match]))
                words.append(self.entries[match])
                i += len(match)
                continue
            latin = _LATIN.match(text, i)
            if latin is not None:
                words.append(latin.group(0))
                i = latin.end()
                continue
            i += 1
        seen: set[str] = set()
        unique = [w for w in words if not (w.lower() in seen or seen.add(w.lower()))]  # type: ignore[func-returns-value]
        return GlossaryTranslation(" ".join(unique), tuple(terms))


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.load()


def english_search_query(question: str, glossary: Glossary | None = None) -> str | None:
    """The English rendering retrieval searches with, or None when the question has no Japanese."""
    from knowledge.keyword_tokens import has_japanese

    if not has_japanese(question):
        return None
    translated = (glossary or default_glossary()).translate(question).text
    return translated or None
