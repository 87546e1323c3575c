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
from dataclasses import dataclass
from typing import Literal

from agents.evidence import passage_sentences, terms
from agents.language import Lang
from knowledge.passage import Passage
from tools.translate import Glossary

Polarity = Literal["yes", "no"]

_YES_NO_JA = re.compile(r"(ですか|ますか|でしょうか|ありますか|できますか|必要ですか|べきですか|ません?か)[？?]?\s*$")
_YES_NO_EN = re.compile(r"^(is|are|do|does|did|can|could|should|must|will|would|has|have)\b", re.I)
# words that frame the question rather than name what it is about
_FRAME = frozenset(
    [
        "amazon",
        "aws",
        "service",
        "use",
        "using",
        "used",
        "need",
        "needed",
        "necessary",
        "require",
        "required",
        "requirement",
        "possible",
        "able",
        "allow",
        "allowed",
        "support",
        "supported",
        "can",
        "could",
        "should",
        "must",
        "way",
        "method",
        "feature",
        "option",
        "want",
        "必要",
        "可能",
        "サポート",
        "使用",
        "利用",
        "使う",
        "できる",
        "場合",
        "後",
        "ある",
        "いる",
        "時",
        "とき",
    ]
)
_NEGATION_EN = re.compile(
    r"\b(?:not|never|cannot|can't|can not|don't|doesn't|isn't|aren't|won't|wasn't|unable|unsupported|disallow\w*|"
    r"prohibit\w*|no longer)\b",
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
    r"\b(?:but|however|unless|except|although|only if|only when|instead)\b|ただし|しかし|除いて|を除き|場合を除", re.I
)
# one idea, several wordings: "change its name" is renaming
_COMPOUNDS = (
    ({"name", "change"}, "rename"),
    ({"name", "modify"}, "rename"),
    ({"名前", "変更"}, "rename"),
    ({"scale", "zero"}, "scale-to-zero"),
    ({"roll", "back"}, "rollback"),
)
_CANONICAL = {"renamed": "rename", "renaming": "rename", "リネーム": "rename", "gpus": "gpu", "rolled": "roll"}


@dataclass(frozen=True)
class Verdict:
    polarity: Polarity
    passage: int  # 1-based
    sentence: str


def is_yes_no(question: str) -> bool:
    q = question.strip()
    return bool(_YES_NO_JA.search(q) or _YES_NO_EN.match(q))


def _content(text: str, glossary: Glossary) -> set[str]:
    found = {_CANONICAL.get(t, t) for t in terms(text, glossary)}
    for parts, joined in _COMPOUNDS:
        if parts <= found:
            found.add(joined)
    return found


def question_terms(question: str, glossary: Glossary, query_en: str | None = None) -> set[str]:
    wanted = _content(question, glossary) | (_content(query_en, glossary) if query_en else set())
    return {t for t in wanted if t not in _FRAME and len(t) > 1}


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


def yes_no_verdict(
    question: str, passages: Sequence[Passage], glossary: Glossary, query_en: str | None = None
) -> Verdict | None:
    """The verdict a cited sentence states for this question, or None when none states it plainly."""
    if not is_yes_no(question) or _asks_negatively(question):
        return None
    wanted = question_terms(question, glossary, query_en)
    if len(wanted) < 2:
        return None
    allowed_missing = 1 if len(wanted) >= 4 else 0
    found: list[Verdict] = []
    for n, passage in enumerate(passages, start=1):
        for sentence in passage_sentences(passage):
            missing = wanted - _content(sentence, glossary)
            if len(missing) > allowed_missing:
                continue
            said = polarity(sentence)
            if said is not None:
                found.append(Verdict(said, n, sentence))
    if not found or len({v.polarity for v in found}) > 1:
        return None
    return found[0]


_LEADS = {
    ("ja", "yes"): "はい。",
    ("ja", "no"): "いいえ。",
    ("en", "yes"): "Yes.",
    ("en", "no"): "No.",
}
_UNSETTLED = {
    "ja": "資料からは断定できません。最も近い記述を示します。",
    "en": "The sources do not settle this. The closest passages say:",
}


def verdict_lead(verdict: Verdict | None, lang: Lang) -> str:
    return _LEADS[(lang, verdict.polarity)] if verdict else _UNSETTLED[lang]


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
    return f"{_UNSETTLED[lang]}\n{answer[match.end() :].lstrip()}"
