"""Tokens for keyword (BM25) search in Japanese and English.

Latin words are kept whole and lower-cased before the Japanese analyser sees the text, because
MeCab splits `S3` into `s` and `3` inside Japanese sentences; Japanese runs go through fugashi
with the unidic-lite dictionary (both ship on PyPI), keeping content words only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f\u30fc]+")
_SKIP_POS = {"助詞", "助動詞", "補助記号", "記号", "空白", "接頭辞"}
_JA_STOP = frozenset(
    [
        "する",
        "ある",
        "いる",
        "なる",
        "できる",
        "れる",
        "られる",
        "せる",
        "こと",
        "もの",
        "ため",
        "よう",
        "これ",
        "それ",
        "どれ",
        "どの",
        "どう",
        "ください",
        "方法",
        "場合",
    ]
)
_EN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "more",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import fugashi

    return fugashi.Tagger()


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _japanese_tokens(run: str) -> list[str]:
    tokens = []
    for word in _tagger()(run):
        if word.feature.pos1 in _SKIP_POS:
            continue
        surface = word.surface
        if surface in _JA_STOP or (len(surface) == 1 and "\u3040" <= surface <= "\u309f"):
            continue  # single hiragana: particles the dictionary tagged otherwise
        tokens.append(surface)
    return tokens


def japanese_words(text: str) -> list[tuple[str, str, str | None]]:
    """Content words of the Japanese runs: (surface, dictionary form, English origin of a loanword).

    UniDic records where a katakana word comes from ("ゼロ-zero"); that origin is a translation
    for free, though not always the intended sense ("ロック-rock").
    """
    out: list[tuple[str, str, str | None]] = []
    for run in _JAPANESE.findall(text):
        for word in _tagger()(run):
            if word.feature.pos1 in _SKIP_POS or word.feature.pos1 == "接尾辞" or word.surface in _JA_STOP:
                continue  # suffixes (済み, 的, 化) shade the word before them; they are no idea of their own
            lemma = str(word.feature.lemma or word.surface)
            base = str(getattr(word.feature, "orthBase", None) or word.surface)
            origin = lemma.split("-", 1)[1] if "-" in lemma and lemma.split("-", 1)[1].isascii() else None
            out.append((word.surface, base, origin))
    return out


def keyword_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for match in re.finditer(f"{_LATIN.pattern}|{_JAPANESE.pattern}", text):
        run = match.group(0)
        if _JAPANESE.fullmatch(run):
            tokens.extend(_japanese_tokens(run))
            continue
        word = run.lower().strip("-_.")
        if word and word not in _EN_STOP:
            tokens.append(_stem(word))
            # "ml.m5.xlarge" and "bedrock-agent" also match their parts
            parts = [p for p in re.split(r"[._\-]", word) if p and p != word]
            tokens.extend(_stem(p) for p in parts if p not in _EN_STOP and len(p) > 1)
    return tokens


def has_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None
