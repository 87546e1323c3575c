"""The model-free answer: the most relevant sentences of the top passages, each with its citation.

Always available and instant. For a yes/no question it leads with はい/いいえ only when a
sentence of the sources states it for the question's own predicate (agents/verdict.py); otherwise
it says the sources do not settle it and shows the closest passages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from agents.evidence import passage_sentences, terms
from agents.language import Lang, detect_language
from agents.question_shape import question_shape
from agents.verdict import is_yes_no, verdict_lead, verdict_unsettled, yes_no_verdict
from knowledge.keyword_tokens import keyword_tokens
from knowledge.passage import Passage
from prompts import message
from tools.translate import Glossary

MAX_SENTENCES = 4
MAX_PER_PASSAGE = 2
MIN_RELATIVE_SCORE = 0.6  # a sentence far below the best one is noise, not support


@dataclass(frozen=True)
class ExtractiveAnswer:
    text: str
    cited: list[int]  # 1-based passage numbers the answer cites


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
    candidates = [(n, s) for n, passage in enumerate(passages, start=1) for s in passage_sentences(passage)]
    if not candidates:
        return ExtractiveAnswer(_no_sources(lang), [])
    texts = [question, *([query_en] if query_en else []), *(s for _, s in candidates)]
    vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    queries = vectors[: 1 + bool(query_en)]
    sentence_vectors = vectors[1 + bool(query_en) :]
    similarity = (sentence_vectors @ queries.T).max(axis=1)
    wanted = terms(question, glossary) | terms(query_en or "", glossary)
    defines = _definition_pattern(question)
    scored = []
    for (n, sentence), sim in zip(candidates, similarity, strict=True):
        # Sentence embeddings are weak across languages; shared terms, compared through the
        # glossary (削減 and "reduce" are one term), carry most of the signal.
        overlap = len(wanted & terms(sentence, glossary)) / max(len(wanted), 1)
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
    lead = ""
    if is_yes_no(question):
        verdict = yes_no_verdict(question, passages, glossary)
        lead = verdict_lead(verdict, lang)
        if verdict is not None:  # the deciding sentence comes first, whatever its score
            chosen = [(verdict.passage, verdict.sentence)] + [c for c in chosen if c[1] != verdict.sentence]
            chosen = chosen[:MAX_SENTENCES]
    shape = question_shape(question)
    parts: list[str] = [lead] if lead else []
    if shape.kind == "compare" and shape.sides is not None:
        table = _comparison(shape.sides, [(n, s) for _, n, s in scored], glossary, lang)
        if table:
            parts.append(table)
    elif shape.kind == "name" and not lead:
        named = _named_term(question, query_en, chosen, glossary)
        if named is not None:
            parts.append(_say_name(*named, glossary, lang))
    elif shape.kind == "steps":
        steps = _steps(passages, [n for n, _ in chosen])
        if steps is not None:
            parts.append(_say_steps(*steps, lang))
    body = "\n".join(f"- {_annotate(s, glossary, lang)} [{n}]" for n, s in chosen)
    intro = message("answer.intro", lang)
    # the line that says the sources do not settle it already introduces the passages
    parts.append(body if lead and verdict_unsettled(lead, lang) else f"{intro}\n{body}")
    text = "\n\n".join(parts) if len(parts) > 1 and not lead else "\n".join(parts)
    return ExtractiveAnswer(text, sorted({int(n) for n in re.findall(r"\[(\d+)\]", text)}))


# -- shapes ----------------------------------------------------------------------------------------

_NAME_CANDIDATE = re.compile(
    r"\b(?:Amazon|AWS)\s+(?:[A-Z][\w-]*)(?:\s+(?:[A-Z][\w-]*|for|of|and))*(?<!\bfor)(?<!\bof)(?<!\band)"
    r"|\bSageMaker\s+(?:[A-Z][\w-]*)(?:\s+[A-Z][\w-]*)*"
    r"|\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3}\b"
)


def _named_term(
    question: str, query_en: str | None, chosen: list[tuple[int, str]], glossary: Glossary
) -> tuple[str, int] | None:
    """The feature or service the top sentence names that the question does not: what it asks for."""
    if not chosen:
        return None
    asked = terms(question, glossary) | terms(query_en or "", glossary)
    n, sentence = chosen[0]
    found: list[str] = [
        english for english, _ in glossary.reverse_terms() if re.search(rf"\b{re.escape(english)}\b", sentence, re.I)
    ]
    found += [m.group(0) for m in _NAME_CANDIDATE.finditer(sentence) if m.start() > 0 or len(m.group(0).split()) > 1]
    for term in sorted(found, key=lambda t: -len(t)):
        new = set(keyword_tokens(term)) - asked - {"amazon", "aws"}
        if new:
            return term.strip(), n
    return None


def _say_name(term: str, n: int, glossary: Glossary, lang: Lang) -> str:
    japanese = next((ja for en, ja in glossary.reverse_terms() if en.lower() == term.lower()), None)
    name = f"{japanese}（{term}）" if japanese and lang == "ja" else term
    return message("answer.name", lang, name=name, n=n)


def _comparison(sides: tuple[str, str], ranked: list[tuple[int, str]], glossary: Glossary, lang: Lang) -> str | None:
    """X と Y の違い: for each side, the best-ranked sentences that name it and not the other side."""
    side_terms = [terms(side, glossary) - {"amazon", "aws", "sagemaker"} for side in sides]
    cells: list[list[tuple[int, str]]] = [[], []]
    for n, sentence in ranked:
        found = terms(sentence, glossary)
        for i in (0, 1):
            mine, other = side_terms[i], side_terms[1 - i]
            fits = mine and mine <= found and not (other and other <= found)
            if fits and len(cells[i]) < 2 and all(sentence != s for _, s in cells[i]):
                cells[i].append((n, sentence))
    if not cells[0] or not cells[1]:
        return None
    rows = max(len(cells[0]), len(cells[1]))
    lines = [f"| | {_cell(sides[0])} | {_cell(sides[1])} |", "|---|---|---|"]
    label = message("answer.compare_row", lang)
    for r in range(rows):
        row = [f"{_cell(c[r][1])} [{c[r][0]}]" if r < len(c) else "" for c in cells]
        lines.append(f"| {label if r == 0 else ''} | {row[0]} | {row[1]} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


_STEP_LINE = re.compile(r"^\s*(\d{1,2})[.)]\s+(\S.{5,300})$")


def _steps(passages: Sequence[Passage], order: list[int]) -> tuple[list[str], int] | None:
    """A numbered procedure in the best-ranked passage that has one: its steps, in order."""
    for n in dict.fromkeys(order):
        steps: list[str] = []
        for line in passages[n - 1].text.split("\n"):
            match = _STEP_LINE.match(line)
            if match and int(match.group(1)) == len(steps) + 1:
                steps.append(match.group(2).strip())
        if len(steps) >= 2:
            return steps[:8], n
    return None


def _say_steps(steps: list[str], n: int, lang: Lang) -> str:
    head = message("answer.steps", lang, n=n)
    return "\n".join([head, *(f"{i}. {step}" for i, step in enumerate(steps, start=1))])


_WHAT_IS = re.compile(r"^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?(.+?)\s*\??\s*$|^\s*(.+?)\s*とは(?:何|なん)?", re.I)


def _definition_pattern(question: str) -> re.Pattern[str] | None:
    match = _WHAT_IS.search(question)
    if match is None:
        return None
    subject = re.sub(r"^(?:amazon|aws)\s+", "", (match.group(1) or match.group(2)).strip(), flags=re.I)
    verbs = r"is|are|gives|lets|provides|enables|helps|allows|offers|は|とは"
    return re.compile(rf"{re.escape(subject)}\)?\s*,?\s*(?:{verbs})\b", re.I)


def _annotate(sentence: str, glossary: Glossary, lang: Lang) -> str:
    """In a Japanese answer, an English sentence stays verbatim and the official English terms it
    uses are glossed after it (「execution role＝実行ロール」)."""
    if lang != "ja" or detect_language(sentence) == "ja":
        return sentence
    spans: list[tuple[int, int, str, str]] = []
    for english, japanese in glossary.reverse_terms():
        match = re.search(rf"\b{re.escape(english)}\b", sentence, re.I)
        if match and not any(a < match.end() and match.start() < b for a, b, _, _ in spans):
            spans.append((match.start(), match.end(), match.group(0), japanese))
        if len(spans) == 2:
            break
    if not spans:
        return sentence
    glosses = "、".join(f"{english}＝{japanese}" for _, _, english, japanese in sorted(spans))
    return f"{sentence}（{glosses}）"


def _no_sources(lang: Lang) -> str:
    return message("answer.no_sources", lang)
