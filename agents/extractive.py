"""The model-free answer: the most relevant sentences of the top passages, each with its citation.

Always available and instant. For a yes/no question it leads with はい/いいえ only when a chosen
sentence states the answer plainly (「必要ありません」, "is not required"); otherwise it shows
what the sources say and lets the learner judge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from agents.language import Lang, detect_language
from knowledge.keyword_tokens import keyword_tokens
from knowledge.passage import Passage
from tools.translate import Glossary

MAX_SENTENCES = 4
MAX_PER_PASSAGE = 2
MIN_RELATIVE_SCORE = 0.6  # a sentence far below the best one is noise, not support
_SPLIT = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z0-9\"'(「])|\n+")
_YES_NO_JA = re.compile(r"(ですか|ますか|でしょうか|ありますか|できますか|必要ですか|べきですか|ません?か)[？?]?\s*$")
_YES_NO_EN = re.compile(r"^(is|are|do|does|did|can|could|should|must|will|would|has|have)\b", re.I)
_NEGATIVE = re.compile(
    r"不要|必要ありません|必要はありません|必要ない|必要としません|できません|ありません|使えません|"
    r"\bnot (?:required|needed|necessary|supported|possible)\b|\bno need\b|\bdon't need\b|\bdoes not need\b|"
    r"\bcannot\b|\bcan't\b|\bisn't\b|\baren't\b",
    re.I,
)
_POSITIVE = re.compile(
    r"できます|可能です|あります|対応しています|使えます|必要です|"
    r"\bcan\b|\bsupports?\b|\bis required\b|\byes\b",
    re.I,
)


@dataclass(frozen=True)
class ExtractiveAnswer:
    text: str
    cited: list[int]  # 1-based passage numbers the answer cites


def is_yes_no(question: str) -> bool:
    q = question.strip()
    return bool(_YES_NO_JA.search(q) or _YES_NO_EN.match(q))


def extractive_answer(
    question: str,
    passages: Sequence[Passage],
    embeddings: Embeddings,
    glossary: Glossary,
    query_en: str | None = None,
    lang: Lang | None = None,
) -> ExtractiveAnswer:
    lang = lang or detect_language(question)
    if not passages:
        return ExtractiveAnswer(_no_sources(lang), [])
    candidates = [(n, sentence) for n, passage in enumerate(passages, start=1) for sentence in _sentences(passage)]
    if not candidates:
        return ExtractiveAnswer(_no_sources(lang), [])
    texts = [question, *([query_en] if query_en else []), *(s for _, s in candidates)]
    vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    queries = vectors[: 1 + bool(query_en)]
    sentence_vectors = vectors[1 + bool(query_en) :]
    similarity = (sentence_vectors @ queries.T).max(axis=1)
    wanted = _terms(question, glossary) | _terms(query_en or "", glossary)
    defines = _definition_pattern(question)
    scored = []
    for (n, sentence), sim in zip(candidates, similarity, strict=True):
        # Sentence embeddings are weak across languages; shared terms, compared through the
        # glossary (削減 and "reduce" are one term), carry most of the signal.
        overlap = len(wanted & _terms(sentence, glossary)) / max(len(wanted), 1)
        same_language = 0.2 if detect_language(sentence) == lang else 0.0
        # "What is X?" / 「X とは？」 wants the sentence that says what X is
        definition = 0.4 if defines is not None and defines.search(sentence) else 0.0
        scored.append((0.5 * float(sim) + overlap + same_language + definition + 0.2 / n**0.5, n, sentence))
    scored.sort(key=lambda item: -item[0])
    floor = scored[0][0] * MIN_RELATIVE_SCORE
    chosen: list[tuple[int, str]] = []
    per_passage: dict[int, int] = {}
    for score, n, sentence in scored:
        if score < floor:
            break
        if per_passage.get(n, 0) >= MAX_PER_PASSAGE or any(sentence == s for _, s in chosen):
            continue
        chosen.append((n, sentence))
        per_passage[n] = per_passage.get(n, 0) + 1
        if len(chosen) == MAX_SENTENCES:
            break
    lead = _yes_no_lead(question, chosen[:2], lang) if is_yes_no(question) else ""
    body = "\n".join(f"- {_annotate(s, glossary, lang)} [{n}]" for n, s in chosen)
    intro = "資料の該当箇所：" if lang == "ja" else "What the sources say:"
    text = f"{lead}\n{intro}\n{body}" if lead else f"{intro}\n{body}"
    return ExtractiveAnswer(text, sorted({n for n, _ in chosen}))


_WHAT_IS = re.compile(r"^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?(.+?)\s*\??\s*$|^\s*(.+?)\s*とは(?:何|なん)?", re.I)


def _definition_pattern(question: str) -> re.Pattern[str] | None:
    match = _WHAT_IS.search(question)
    if match is None:
        return None
    subject = re.sub(r"^(?:amazon|aws)\s+", "", (match.group(1) or match.group(2)).strip(), flags=re.I)
    verbs = r"is|are|gives|lets|provides|enables|helps|allows|offers|は|とは"
    return re.compile(rf"{re.escape(subject)}\)?\s*,?\s*(?:{verbs})\b", re.I)


def _terms(text: str, glossary: Glossary) -> set[str]:
    """Keyword tokens of a text and of its glossary English, so Japanese and English terms meet."""
    english = glossary.translate(text).text if detect_language(text) == "ja" else ""
    return set(keyword_tokens(text)) | set(keyword_tokens(english))


def _sentences(passage: Passage) -> list[str]:
    """Readable sentences of a passage: no headings, links, code, table rows or unpunctuated slide dumps."""
    headings = {h.strip() for h in passage.section.split(" > ")} | {passage.title.strip()}
    out = []
    for piece in _SPLIT.split(passage.text):
        sentence = piece.strip().lstrip("-+•*・ ").strip()
        if not 12 <= len(sentence) <= 300 or sentence in headings or "http" in sentence or sentence[-1] in "?？":
            continue
        if sentence.startswith(("```", "|", "参考:", "参考：")):
            continue
        if sentence.isascii() and sentence[-1] not in ".!:)" and len(sentence.split()) < 10:
            continue  # a link-list entry or a title, not a statement
        out.append(sentence)
    return out


def _yes_no_lead(question: str, chosen: list[tuple[int, str]], lang: Lang) -> str:
    negative = any(_NEGATIVE.search(s) for _, s in chosen)
    positive = any(_POSITIVE.search(s) for _, s in chosen)
    if negative == positive:
        return ""  # the sources do not settle it plainly: show them without a verdict
    if lang == "ja":
        if negative:
            return "いいえ、必要ありません。\n" if "必要" in question else "いいえ。\n"
        return "はい。\n"
    return "No.\n" if negative else "Yes.\n"


def _annotate(sentence: str, glossary: Glossary, lang: Lang) -> str:
    """In a Japanese answer, gloss the official English terms an English sentence uses."""
    if lang != "ja" or detect_language(sentence) == "ja":
        return sentence
    spans: list[tuple[int, int, str]] = []
    for english, japanese in glossary.reverse_terms():
        match = re.search(rf"\b{re.escape(english)}\b", sentence, re.I)
        if match and not any(a < match.end() and match.start() < b for a, b, _ in spans):
            spans.append((match.start(), match.end(), japanese))
        if len(spans) == 2:
            break
    for _, end, japanese in sorted(spans, reverse=True):
        sentence = f"{sentence[:end]}（{japanese}）{sentence[end:]}"
    return sentence


def _no_sources(lang: Lang) -> str:
    if lang == "ja":
        return "索引の資料にはこの質問の答えが見つかりませんでした。質問を言い換えるか、資料を追加してください。"
    return "The indexed sources do not contain an answer to this question. Rephrase it or add sources."
