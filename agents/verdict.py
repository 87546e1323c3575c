"""はい/いいえ only when a sentence of the sources states it for the question's own predicate.

A wrong verdict teaches the opposite of the documentation, so this is deliberately strict: the
sentence must carry (nearly) every content term of the question — renaming is renaming, not any
change to a bucket — and a clear polarity without a "but"/"unless" that could flip it. When no
sentence qualifies, or two disagree, there is no verdict and the answer says the sources do not
settle it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from agents.evidence import passage_sentences, terms
from agents.language import Lang
from knowledge.keyword_tokens import has_japanese, keyword_tokens
from knowledge.passage import Passage
from prompts import message
from tools.dictionary import uncovered_words
from tools.translate import Glossary

Polarity = Literal["yes", "no"]
MIN_COVERAGE = 0.75  # share of the question's ideas a deciding sentence (with its page) must carry
LONG_QUESTION, HIGH_COVERAGE = 6, 0.85
_HIRAGANA = re.compile(r"[\u3040-\u309f]")

_YES_NO_JA = re.compile(r"(ですか|ますか|でしょうか|ありますか|できますか|必要ですか|べきですか|ません?か)[？?]?\s*$")
_YES_NO_EN = re.compile(r"^(is|are|do|does|did|can|could|should|must|will|would|has|have)\b", re.I)
# words that frame the question rather than name what it is about
_FRAME = frozenset(
    "amazon aws service use using used need needed necessary require required requirement possible able allow "
    "allowed support supported can could should must way method feature capability option want "
    "also still even just only other another same one own any some every each like then turn turned "
    "必要 可能 サポート 使用 利用 使う できる でき 済み 場合 後 から ある いる 時 とき まま".split()
)
# a negated main verb; a bare "not" in a side clause ("when not in use") is no answer
_NEGATION_EN = re.compile(
    r"\b(?:cannot|can't|can not|don't|doesn't|does not|do not|isn't|is not|aren't|are not|won't|will not|"
    r"must not|mustn't|should not|shouldn't|may not|need not|"
    r"wasn't|was not|unable to|unsupported|not (?:supported|allowed|available|required|possible|permitted|needed)|"
    r"never|no longer|disallow\w*|prohibit\w*|(?:off|disabled) by default)\b",
    re.I,
)
_NEGATION_JA = re.compile(r"ません|できない|しない|されない|不要|不可|ないため|ない。|ないで|ありません|必要はない")
_POSITIVE_EN = re.compile(
    r"\b(?:can|supports?|supported|allows?|enables?|lets|is required|are required|must|requires?|automatically|"
    r"is possible|are able)\b",
    re.I,
)
_POSITIVE_JA = re.compile(r"できます|可能です|可能|サポートしています|対応しています|必要です|使えます|します。")
_CONTRAST = re.compile(
    r"\b(?:but|however|unless|except|although|only if|only when)\b|ただし|しかし|除いて|を除き|場合を除", re.I
)
# names a sentence may leave implicit: the page it is on says which service it is about
_SERVICES = frozenset(
    "s3 iam sagemaker glue cloudformation bedrock lambda kinesis firehose cloudwatch comprehend rekognition "
    "transcribe translate macie dynamodb ec2 ecr athena emr redshift".split()
)
# a thing inside another of its kind: "a group that contains groups", 「バケットの中にバケット」
_CONTAINS = re.compile(r"\b(?:contain|include|nest|inside|within|hold)\w*|含|入れ|ネスト|中に", re.I)
# one idea, several wordings: "change its name" is renaming
_COMPOUNDS = (
    (frozenset({"name", "change"}), "rename"),
    (frozenset({"name", "modify"}), "rename"),
    (frozenset({"scale", "zero"}), "scale-to-zero"),
    (frozenset({"roll", "back"}), "rollback"),
)
_CANONICAL = {"renamed": "rename", "renaming": "rename", "gpus": "gpu", "rolled": "roll", "rollbacks": "rollback"}


@dataclass(frozen=True)
class Verdict:
    polarity: Polarity
    passage: int  # 1-based
    sentence: str


def is_yes_no(question: str) -> bool:
    q = question.strip()
    return bool(_YES_NO_JA.search(q) or _YES_NO_EN.match(q))


def _canonical(tokens: set[str]) -> set[str]:
    found = {_CANONICAL.get(t, t) for t in tokens}
    for parts, joined in _COMPOUNDS:
        if parts <= found:
            found.add(joined)
    return found


def sentence_terms(sentence: str, glossary: Glossary) -> set[str]:
    return _canonical(terms(sentence, glossary))


@dataclass(frozen=True)
class Idea:
    """One idea of a question: any one of its words ("変更" → change or modify), or, for a phrase
    the glossary names ("IAM ユーザー" → IAM user), all of them."""

    words: frozenset[str]
    whole: bool = False


def question_concepts(question: str, glossary: Glossary) -> list[Idea]:
    """What a sentence must speak of to answer the question.

    A Japanese word the glossary renders is met by its English; one only the dictionary knows by
    one of its glosses; one neither knows must appear as it is (only a Japanese sentence meets it).
    """
    ideas: list[Idea] = []
    covered = ""
    if has_japanese(question):
        found = glossary.translate(question)
        covered = "".join(ja for ja, _ in found.terms)
        for ja, en in found.terms:
            rendered = [_CANONICAL.get(t, t) for t in keyword_tokens(en)]
            ideas.append(Idea(frozenset(rendered), whole=1 < len(rendered) == len(keyword_tokens(ja))))
    for token in keyword_tokens(question):
        if not has_japanese(token):
            ideas.append(Idea(frozenset({_CANONICAL.get(token, token)})))
    for surface, english in uncovered_words(question, covered):
        words = {_CANONICAL.get(t, t) for t in keyword_tokens(" ".join(english))}
        if words or not _HIRAGANA.search(surface):  # an inflected stem with no gloss (なっ) is no idea
            ideas.append(Idea(frozenset({surface, *words})))
    every = set().union(*(i.words for i in ideas)) if ideas else set()
    for parts, joined in _COMPOUNDS:
        if parts <= every:
            ideas = [i for i in ideas if not i.words & parts] + [Idea(frozenset({joined}))]
    kept = [Idea(i.words - _FRAME, i.whole) for i in ideas]
    kept = [i for i in kept if i.words and not all(len(t) <= 1 for t in i.words)]
    return list(dict.fromkeys(kept))


def _meets(idea: Idea, words: AbstractSet[str]) -> bool:
    """An idea is met by its words (all of a phrase's, any other's), each word also by a longer
    form of it (success → successfully)."""
    found = [_word_met(t, words) for t in idea.words]
    return all(found) if idea.whole else any(found)


def _word_met(word: str, words: AbstractSet[str]) -> bool:
    if word in words:
        return True
    return len(word) >= 5 and any(w.startswith(word) or (len(w) >= 5 and word.startswith(w)) for w in words)


def polarity(sentence: str) -> Polarity | None:
    if _CONTRAST.search(sentence):
        return None
    if _NEGATION_EN.search(sentence) or _NEGATION_JA.search(sentence):
        return "no"
    if _POSITIVE_EN.search(sentence) or _POSITIVE_JA.search(sentence):
        return "yes"
    return None


def _asks_negatively(question: str) -> bool:
    return bool(re.search(r"\b(?:not|n't|never)\b|ないのですか|ないですか|ませんか", question, re.I))


def yes_no_verdict(question: str, passages: Sequence[Passage], glossary: Glossary) -> Verdict | None:
    """The verdict a cited sentence states for this question, or None when none states it plainly."""
    if not is_yes_no(question) or _asks_negatively(question):
        return None
    wanted = question_concepts(question, glossary)
    if len(wanted) < 2:
        return None
    sentences = [
        (n, p, s, sentence_terms(s, glossary)) for n, p in enumerate(passages, 1) for s in passage_sentences(p)
    ]
    # "Can a group contain other groups?": an idea the question names twice is a relation of a
    # thing to its own kind, and only a sentence that names it twice can speak of it
    twice = (
        [i for i in wanted if not i.whole and not i.words & _SERVICES and _repeats(i, question, glossary)]
        if _CONTAINS.search(question)
        else []
    )
    found: list[tuple[float, Verdict]] = []
    for n, passage, sentence, have in sentences:
        if any(_mentions(i, sentence, glossary) < 2 for i in twice):
            continue
        # a service name the sentence leaves out may come from its page ("bucket" on an S3 page)
        context = _SERVICES | sentence_terms(passage.heading_text(), glossary)
        spoken = [c for c in wanted if _meets(c, have)]
        missing = [c for c in wanted if not _meets(c, have) and not _meets(c, context)]
        coverage = 1 - len(missing) / len(wanted)
        if len(spoken) < 2 or coverage < MIN_COVERAGE:
            continue
        # The question's own point left out (renaming, GPUs, nesting) means no verdict from this
        # sentence. Only a long question may leave one idea out, when the sentence carries nearly
        # all the rest; a short one must be met whole (with its page naming the service).
        if len(missing) > (1 if len(wanted) >= LONG_QUESTION and coverage >= HIGH_COVERAGE else 0):
            continue
        said = polarity(sentence)
        if said is not None:
            found.append((coverage, Verdict(said, n, sentence)))
    if not found:
        return None
    best = max(c for c, _ in found)
    closest = [v for c, v in found if c == best]
    # the sentences that match the question best must agree, or there is no verdict
    if len({v.polarity for v in closest}) > 1:
        return None
    return closest[0]


def _mentions(idea: Idea, text: str, glossary: Glossary) -> int:
    """How many times a text names an idea (a Japanese word counted through its glossary English)."""
    count = 0
    for token in keyword_tokens(text):
        english = glossary.entries.get(token)
        words = {_CANONICAL.get(t, t) for t in keyword_tokens(english)} if english else {_CANONICAL.get(token, token)}
        count += bool(words & idea.words)
    return count


def _repeats(idea: Idea, question: str, glossary: Glossary) -> bool:
    """The question names the idea twice with the same word ("group … groups"), not once in each
    language ("非同期推論（Asynchronous Inference）")."""
    counts: dict[str, int] = {}
    for token in keyword_tokens(question):
        english = glossary.entries.get(token)
        words = {_CANONICAL.get(t, t) for t in keyword_tokens(english)} if english else {_CANONICAL.get(token, token)}
        if words & idea.words:
            counts[token] = counts.get(token, 0) + 1
    return any(n >= 2 for n in counts.values())


def verdict_unsettled(lead: str, lang: Lang) -> bool:
    return lead == message("verdict.unsettled", lang)


def verdict_lead(verdict: Verdict | None, lang: Lang) -> str:
    return message(f"verdict.{verdict.polarity}" if verdict else "verdict.unsettled", lang)


_MODEL_LEAD = re.compile(r"^\s*(?:\*\*)?(はい|いいえ|yes|no)\b[、,.。!！]?(?:\*\*)?\s*", re.I)


def check_model_verdict(answer: str, verdict: Verdict | None, lang: Lang) -> str:
    """A model's leading はい/いいえ stays only when a cited sentence states the same; otherwise
    it is replaced by the sources-do-not-settle line."""
    match = _MODEL_LEAD.match(answer)
    if match is None:
        return answer
    said: Polarity = "yes" if match.group(1).lower() in ("はい", "yes") else "no"
    if verdict is not None and verdict.polarity == said:
        return answer
    return f"{message('verdict.unsettled', lang)}\n{answer[match.end() :].lstrip()}"
