"""What kind of answer a question wants: a named feature, a comparison, steps, or sentences.

The offline answer is composed from the sources' own sentences; the shape decides what comes first
(the name asked for, a side-by-side table, numbered steps) so that it reads as an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Shape = Literal["name", "compare", "steps", "plain"]

_COMPARE_JA = re.compile(r"^\s*(.+?)\s*(?:と|、)\s*(.+?)\s*(?:の|は)?(?:違い|差|比較|どう違う|使い分け)")
_COMPARE_EN = re.compile(
    r"(?:difference|differences)\s+between\s+(.+?)\s+and\s+(.+?)\s*[?.]?\s*$|^\s*(.+?)\s+(?:vs\.?|versus)\s+(.+?)\s*[?.]?\s*$",
    re.I,
)
_STEPS = re.compile(
    r"するには|する方法|手順|やり方|\bhow (?:do|can|should) (?:i|we|you)\b|\bhow to\b|\bsteps? to\b", re.I
)
_NAME = re.compile(
    r"(?:機能|サービス|設定|API|オプション|仕組み|ツール|手法|アルゴリズム|指標|ポリシー)(?:は|を)?(?:何|なに|どれ)?(?:ですか|でしょうか)?\s*[？?]?\s*$"
    r"|^\s*(?:which|what)\s+(?:aws\s+|amazon\s+)?(?:service|feature|setting|api|option|tool|capability|metric|policy)",
    re.I,
)


@dataclass(frozen=True)
class QuestionShape:
    kind: Shape
    sides: tuple[str, str] | None = None


def question_shape(question: str) -> QuestionShape:
    q = question.strip()
    match = _COMPARE_JA.search(q)
    if match:
        return QuestionShape("compare", (match.group(1).strip(" 「」"), match.group(2).strip(" 「」")))
    match = _COMPARE_EN.search(q)
    if match:
        left, right = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        return QuestionShape("compare", (left.strip(), right.strip()))
    if _NAME.search(q):
        return QuestionShape("name")
    if _STEPS.search(q):
        return QuestionShape("steps")
    return QuestionShape("plain")
