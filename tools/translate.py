"""Japanese → English search queries: official AWS English names from a glossary, applied deterministically.

Japanese questions mostly have English evidence. Dense multilingual search bridges the languages
only loosely; the English names (実行ロール → execution role) give keyword search its footing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

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

    def reverse_terms(self) -> list[tuple[str, str]]:
        """(English, Japanese) for multi-word terms, longest first, each English once.

        Short Japanese keys map to lists of search alternatives ("store storage"), not to one
        term, so only keys of four or more characters are reversed.
        """
        seen: dict[str, str] = {}
        for ja, en in self.entries.items():
            if " " in en and len(ja) >= 4:
                seen.setdefault(en, ja)
        return sorted(seen.items(), key=lambda kv: -len(kv[0]))

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


# -- the translate tool ------------------------------------------------------------------------

_QUOTED = re.compile(r"[「『\"“](.+?)[」』\"”]")
_AFTER_COLON = re.compile(r"[:：]\s*(.+)$", re.S)
_INSTRUCTION = re.compile(
    r"(?:を|は|って)?(?:英訳|和訳|英語(?:に|で|では|だと)?(?:翻訳|訳|して|すると|言うと|何と言いますか|なんですか|"
    r"何ですか|表記|名)*|翻訳)(?:して|する|を|は)?(?:ください|下さい|ほしい|欲しい)?[。？?！!]*$"
    r"|^(?:please |can you |could you )?translate\s+|\s+(?:into|to|in) english[.?!]*$"
    r"|^what is the english (?:term|name|word) for\s+|^how do you say\s+",
    re.I,
)

Translator = Callable[[str], str]


def translation_target(question: str) -> str:
    """The phrase the learner wants translated, without the request around it."""
    for pattern in (_QUOTED, _AFTER_COLON):
        match = pattern.search(question)
        if match and match.group(1).strip():
            return match.group(1).strip()
    text = question.strip()
    for _ in range(3):
        text = _INSTRUCTION.sub("", text).strip()
    return text.rstrip("?？").strip() or question.strip()


def translate_text(text: str, glossary: Glossary, translator: Translator | None = None) -> dict[str, object]:
    """Japanese → English: a glossary term exactly, else the translator (Amazon Translate or a model),
    else the glossary's keyword rendering, labelled as such."""
    exact = glossary.entries.get(text.strip())
    found = glossary.translate(text)
    terms = [list(t) for t in found.terms]
    if exact:
        return {"source": text, "text": exact, "method": "glossary", "terms": [[text.strip(), exact]]}
    if translator is not None:
        try:
            return {"source": text, "text": translator(text).strip(), "method": "translator", "terms": terms}
        except Exception as exc:  # no access, throttled: the glossary still answers
            error = f"{exc.__class__.__name__}: {exc}"[:200]
            return {
                "source": text,
                "text": found.text,
                "method": "glossary-keywords",
                "terms": terms,
                "error": error,
            }
    return {"source": text, "text": found.text, "method": "glossary-keywords", "terms": terms}


class ModelQueryTranslator:
    """A chat model rewriting a Japanese question into an English search query; one short call per
    question, remembered for the process (a learner often asks again or follows up)."""

    def __init__(self, chat: Any, max_tokens: int = 48, cache_size: int = 256) -> None:
        self.chat = chat
        self.max_tokens = max_tokens
        self.cache_size = cache_size
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        key = text.strip()
        if key not in self._cache:
            from langchain_core.messages import HumanMessage, SystemMessage

            from prompts import load_prompt

            reply = self.chat.invoke(
                [SystemMessage(load_prompt("translate_query")), HumanMessage(key)], max_tokens=self.max_tokens
            )
            content = reply.content if isinstance(reply.content, str) else str(reply.content)
            if len(self._cache) >= self.cache_size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = " ".join(content.split())
        return self._cache[key]


def amazon_translate(client: Any) -> Translator:
    """Amazon Translate (boto3 `translate_text`) as a translator, for users with credentials."""

    def translate(text: str) -> str:
        response = client.translate_text(Text=text, SourceLanguageCode="ja", TargetLanguageCode="en")
        return str(response["TranslatedText"])

    return translate


class TranslateInput(BaseModel):
    text: str = Field(description="Japanese text or term to render in English (official AWS names).")


def make_translate_tool(glossary: Glossary | None = None, translator: Translator | None = None) -> StructuredTool:
    chosen = glossary or default_glossary()
    return StructuredTool.from_function(
        func=lambda text: translate_text(text, chosen, translator),
        name="translate",
        description=(
            "Translate Japanese into English using the official AWS names (実行ロール → execution role). "
            "Use it when the learner asks for a translation or an English term, and to turn a Japanese "
            "question into an English search query."
        ),
        args_schema=TranslateInput,
    )
