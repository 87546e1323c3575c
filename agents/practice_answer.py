"""The practice-question explainer: evidence for every option, and a pick only when a model makes it.

Picking by similarity between options and passages scores at chance (0.21-0.25 on 87 public
questions; see FIELD-NOTES), so without a model the answer is null and each option shows its best
evidence. With a model (Bedrock, or the local GGUF) the model reads the stem, the options and
that evidence, and names the letter(s); the local model's probability for its letter becomes the
confidence label.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import HumanMessage, SystemMessage

from agents.evidence import passage_sentences, terms
from agents.language import Lang
from agents.providers import ChatProvider
from knowledge.passage import Passage
from prompts import load_prompt, message
from tools.practice import PracticeQuestion
from tools.retrieval import HybridRetriever
from tools.translate import Glossary, english_search_query

log = logging.getLogger(__name__)
Confidence = Literal["high", "medium", "low"]
PER_OPTION_K = 3
EVIDENCE_CHARS = 220  # a quoted sentence in the pick prompt: prefill is the cost on 2 cores


@dataclass
class OptionEvidence:
    label: str
    text: str
    sentence: str | None  # the best sentence found for this option
    passage: int | None  # 1-based index into the explainer's passages


@dataclass
class PracticeEvidence:
    question: PracticeQuestion
    passages: list[Passage] = field(default_factory=list)
    options: list[OptionEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class Pick:
    answer: list[int]
    confidence: Confidence | None
    provider: str
    model: str | None


def _last_sentence(stem: str) -> str:
    pieces = [p.strip() for p in re.split(r"(?<=[.?!。？])\s*", stem) if p.strip()]
    return pieces[-1] if pieces else stem


def gather_evidence(retriever: HybridRetriever, question: PracticeQuestion, glossary: Glossary) -> PracticeEvidence:
    """Search for each option in the light of the stem's question; keep each option's best sentence."""
    evidence = PracticeEvidence(question)
    ask = _last_sentence(question.stem)[:200]
    context = terms(question.stem, glossary)
    for label, option in zip(question.labels, question.options, strict=True):
        query = f"{option} {ask}"
        response = retriever.search(query, k=PER_OPTION_K, query_en=english_search_query(query, glossary))
        wanted = terms(option, glossary)
        best: tuple[float, str, Passage] | None = None
        for rank, result in enumerate(response.results):
            for sentence in passage_sentences(result.passage):
                found = terms(sentence, glossary)
                score = len(wanted & found) + 0.3 * len(context & found) - 0.2 * rank
                if best is None or score > best[0]:
                    best = (score, sentence, result.passage)
        if best is None and response.results:
            top = response.results[0].passage
            best = (0.0, top.text.split("\n")[0][:300], top)
        if best is None:
            evidence.options.append(OptionEvidence(label, option, None, None))
            continue
        evidence.options.append(OptionEvidence(label, option, best[1], _number(evidence.passages, best[2])))
    return evidence


def evidence_json(evidence: PracticeEvidence) -> dict[str, Any]:
    """The evidence as checkpointable data; the passages travel separately in the state."""
    q = evidence.question
    return {
        "stem": q.stem, "options": list(q.options), "labels": list(q.labels), "picks": q.picks,
        "found": [{"sentence": o.sentence, "passage": o.passage} for o in evidence.options],
    }  # fmt: skip


def evidence_from_json(data: dict[str, Any], passages: list[Passage]) -> PracticeEvidence:
    question = PracticeQuestion(data["stem"], tuple(data["options"]), tuple(data["labels"]), int(data["picks"]))
    options = [
        OptionEvidence(label, text, found["sentence"], found["passage"])
        for label, text, found in zip(question.labels, question.options, data["found"], strict=True)
    ]
    return PracticeEvidence(question, passages, options)


def _number(passages: list[Passage], passage: Passage) -> int:
    for n, known in enumerate(passages, start=1):
        if known.id == passage.id:
            return n
    passages.append(passage)
    return len(passages)


def pick_messages(evidence: PracticeEvidence, closed_book: bool = False) -> list[Any]:
    q = evidence.question
    lines = [] if closed_book else [
        f"[{o.label}] {o.sentence[:EVIDENCE_CHARS]}" for o in evidence.options if o.sentence
    ]  # fmt: skip
    options = "\n".join(f"{label}. {text}" for label, text in zip(q.labels, q.options, strict=True))
    how = "one letter" if q.picks == 1 else f"{q.picks} letters separated by commas"
    body = (("Evidence from the AWS documentation:\n" + "\n".join(lines) + "\n\n") if lines else "") + (
        f"Question: {q.stem}\n{options}\n\nAnswer with {how} only."
    )
    return [SystemMessage(load_prompt("practice_pick")), HumanMessage(body)]


def pick_answer(provider: ChatProvider, evidence: PracticeEvidence, closed_book: bool | None = None) -> Pick | None:
    """The model's letter(s), or None when its reply names no valid option.

    The packaged 1.5B model picks better without the evidence lines in its prompt (README: the
    evidence of every option pulls it towards the distractors), so by default it reads only the
    question; a larger model (Bedrock) gets the evidence.
    """
    q = evidence.question
    local = getattr(provider.chat, "_llm_type", "") == "xllamacpp"
    if closed_book is None:
        closed_book = local
    if local:
        return _pick_by_probabilities(provider, evidence, closed_book)
    reply = provider.reply(pick_messages(evidence, closed_book), max_tokens=2 * q.picks + 2)
    text = reply.content if isinstance(reply.content, str) else str(reply.content)
    chosen = _letters(text, q.labels)
    if len(chosen) != q.picks:
        log.info("the model's reply %r names no valid pick of %d", text[:40], q.picks)
        return None
    return Pick(chosen, None, provider.name, provider.model)


def _pick_by_probabilities(provider: ChatProvider, evidence: PracticeEvidence, closed_book: bool) -> Pick | None:
    """Asked twice, the options in order and reversed, each option's letter probability averaged:
    a small model favours positions, and this cancels it (tuning set: 12/20 one pass, 15/20 two).
    The second pass reuses the cached prompt prefix, so it costs about a second."""
    q = evidence.question
    n = len(q.options)
    score = [0.0] * n
    for order in (list(range(n)), list(range(n))[::-1]):
        shown = _reordered(evidence, order)
        reply = provider.reply(pick_messages(shown, closed_book), max_tokens=1, logprobs=True)
        probabilities = _first_token_probabilities(reply.response_metadata.get("logprobs"), q.labels)
        for position, option in enumerate(order):
            score[option] += probabilities.get(q.labels[position], 0.0) / 2
    ranked = sorted(range(n), key=lambda i: -score[i])
    if score[ranked[0]] <= 0:
        log.info("the local model named no option")
        return None
    best = score[ranked[0]]
    confidence: Confidence = "high" if best >= 0.85 else "medium" if best >= 0.6 else "low"
    return Pick(sorted(ranked[: q.picks]), confidence, provider.name, provider.model)


def _reordered(evidence: PracticeEvidence, order: list[int]) -> PracticeEvidence:
    q = evidence.question
    options = [evidence.options[i] for i in order]
    question = PracticeQuestion(q.stem, tuple(o.text for o in options), q.labels, q.picks)
    relabelled = [
        OptionEvidence(label, o.text, o.sentence, o.passage) for label, o in zip(q.labels, options, strict=True)
    ]
    return PracticeEvidence(question, evidence.passages, relabelled)


def _letters(text: str, labels: Sequence[str]) -> list[int]:
    found: list[int] = []
    for token in re.findall(r"[A-F1-6アイウエオカ]", text.upper().replace("ANSWER", "")):
        if token in labels and labels.index(token) not in found:
            found.append(labels.index(token))
    return sorted(found)


def _first_token_probabilities(logprobs: Any, labels: Sequence[str]) -> dict[str, float]:
    """P(label) from the first generated token's top-5 alternatives, renormalised over the labels."""
    try:
        top = logprobs["content"][0]["top_logprobs"]
    except (TypeError, KeyError, IndexError):
        return {}
    raw: dict[str, float] = {}
    for item in top:
        token = str(item.get("token", "")).strip().upper()
        if token in labels and token not in raw:
            raw[token] = math.exp(float(item.get("logprob", -50.0)))
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()} if total > 0 else {}


def practice_json(evidence: PracticeEvidence, pick: Pick | None, lang: Lang) -> dict[str, Any]:
    q = evidence.question
    options = []
    for i, option in enumerate(evidence.options):
        verdict = "unknown" if pick is None else ("correct" if i in pick.answer else "incorrect")
        options.append({
            "label": option.label, "text": option.text, "verdict": verdict,
            "reason": _reason(option, verdict, lang), "citations": [option.passage] if option.passage else [],
        })  # fmt: skip
    return {
        "question": q.stem,
        "options": options,
        "answer": pick.answer if pick else None,
        "picks": q.picks,
        "confidence": pick.confidence if pick else None,
    }


def _reason(option: OptionEvidence, verdict: str, lang: Lang) -> str:
    if option.sentence is None:
        return message("practice.reason.none", lang)
    return message(f"practice.reason.{verdict}", lang, quote=option.sentence, n=option.passage)


def practice_text(practice: dict[str, Any], pick: Pick | None, lang: Lang) -> str:
    """The answer as a learner reads it: a verdict line, then the options as a table with evidence."""
    picks = practice["picks"]
    how = message("practice.how_one", lang) if picks == 1 else message("practice.how_many", lang, picks=picks)
    head = message("practice.head", lang, count=len(practice["options"]), how=how)
    if pick:
        letters = ", ".join(practice["options"][i]["label"] for i in pick.answer)
        level = message(f"practice.level.{pick.confidence}", lang) if pick.confidence else ""
        confidence = message("practice.confidence", lang, level=level) if level else ""
        verdict = message("practice.picked", lang, provider=pick.provider, letters=letters,
                          model=pick.model or pick.provider, confidence=confidence)  # fmt: skip
    else:
        verdict = message("practice.not_picked", lang)
    rows = [
        f"| {o['label']} | {_cell(o['text'])} | {message('practice.verdict.' + o['verdict'], lang)} "
        f"| {_cell(o['reason'])} |"
        for o in practice["options"]
    ]
    return "\n".join([head, "", verdict, "", message("practice.columns", lang), "|---|---|---|---|", *rows])


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
