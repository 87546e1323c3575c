"""Reading a pricing question: token counts and request rates in Japanese or English.

"2,000 トークン入力して 1,000 トークン出力、1時間に100回" and "2K input + 1K output tokens,
100 requests an hour" both give input 2000, output 1000, 100 requests per hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?<![A-Za-z0-9.\-])(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(k|K|千|万|m|M|million|百万)?(?![A-Za-z0-9])"
_MULTIPLIER = {"k": 1_000, "千": 1_000, "万": 10_000, "m": 1_000_000, "million": 1_000_000, "百万": 1_000_000}
_SIDE = r"入力|出力|インプット|アウトプット|input|output|prompt|completion"
_OUTPUT_SIDE = re.compile(r"出力|アウトプット|output|completion", re.I)
_TOKENS = r"トークン|tokens?\b"
# "2,000 トークン", "2K input tokens", "2,000 output" (tokens said later), "2,000 トークン入力"
_AFTER = re.compile(rf"\s*(?:({_SIDE})\s*)?(?:の\s*)?({_TOKENS})?(?:\s*(?:を|の)?\s*({_SIDE}))?", re.I)
# "入力 2,000", "入力トークン: 2K", "input tokens = 2000"
_BEFORE = re.compile(rf"({_SIDE})\s*(?:{_TOKENS})?\s*(?:数)?\s*[:：=は]?\s*$", re.I)
_UNIT_PRICE = re.compile(r"\bper\s*$|/\s*$", re.I)
_UNIT_PRICE_AFTER = re.compile(rf"\s*(?:{_TOKENS})\s*(?:あたり|当たり|につき|ごと)", re.I)
_REQUEST = re.compile(_NUMBER + r"\s*(?:回|件|リクエスト|requests?|calls?|invocations?|times)", re.I)
_PERIODS = {
    "hour": r"時間|毎時|hour|h\b|hourly",
    "day": r"日|毎日|day|daily",
    "month": r"月|毎月|month|monthly",
}
_PERIOD_BEFORE = re.compile(r"(?:1|一)?\s*(時間|日|か?月|ヶ月)\s*(?:に|あたり|当たり|で)?\s*$")


@dataclass(frozen=True)
class Workload:
    input_tokens: int | None = None
    output_tokens: int | None = None
    requests: float | None = None
    period: str | None = None


def _value(number: str, unit: str | None) -> float:
    value = float(number.replace(",", "").replace("，", ""))
    key = (unit or "").lower() if (unit or "").isascii() else (unit or "")
    return value * _MULTIPLIER.get(key, 1)


def parse_workload(text: str) -> Workload:
    inputs: list[int] = []
    outputs: list[int] = []
    unsided: list[int] = []
    request_spans = [m.span() for m in _REQUEST.finditer(text)]
    mentions_tokens = re.search(_TOKENS, text, re.I) is not None
    for match in re.finditer(_NUMBER, text):
        start, end = match.span()
        if any(a <= start < b for a, b in request_spans) or _UNIT_PRICE.search(text[max(0, start - 6) : start]):
            continue
        if _UNIT_PRICE_AFTER.match(text, end):
            continue  # "1,000 トークンあたり": the unit of a price, not a workload
        after = _AFTER.match(text, end)
        before = _BEFORE.search(text[max(0, start - 24) : start])
        said_tokens = bool(after and after.group(2))
        # "2000 input tokens", then "入力 2000", then "2000 トークン入力して"
        word = (after.group(1) if after else None) or (before.group(1) if before else None)
        word = word or (after.group(3) if after else None)
        if not (said_tokens or word) or not (said_tokens or mentions_tokens):
            continue  # a number that is not a token count ("Claude 3", "Llama 3.1")
        amount = int(_value(match.group(1), match.group(2)))
        if word is None:
            unsided.append(amount)
        elif _OUTPUT_SIDE.match(word):
            outputs.append(amount)
        else:
            inputs.append(amount)
    for amount in unsided:  # "2,000 トークン … 1,000 トークン" without sides: first in, then out
        (inputs if not inputs else outputs if not outputs else inputs).append(amount)
    requests, period = _requests(text)
    return Workload(
        input_tokens=inputs[0] if inputs else None,
        output_tokens=outputs[0] if outputs else None,
        requests=requests,
        period=period,
    )


def _requests(text: str) -> tuple[float | None, str | None]:
    match = _REQUEST.search(text)
    if match is None:
        return None, None
    count = _value(match.group(1), match.group(2))
    window_after = text[match.end() : match.end() + 12]
    window_before = text[max(0, match.start() - 10) : match.start()]
    for period, pattern in _PERIODS.items():
        if re.match(rf"\s*(?:/|／|per|an?|each|every|毎)?\s*(?:{pattern})", window_after, re.I):
            return count, period
    before = _PERIOD_BEFORE.search(window_before)
    if before:
        unit = before.group(1)
        return count, "hour" if "時間" in unit else "day" if "日" in unit else "month"
    return count, None


_REGIONS = {
    "ap-northeast-1": r"東京|tokyo",
    "ap-northeast-3": r"大阪|osaka",
    "us-east-1": r"バージニア|virginia",
    "us-east-2": r"オハイオ|ohio",
    "us-west-2": r"オレゴン|oregon",
    "eu-central-1": r"フランクフルト|frankfurt",
    "eu-west-1": r"アイルランド|ireland",
    "eu-west-2": r"ロンドン|london",
    "eu-west-3": r"パリ|paris",
    "ap-southeast-1": r"シンガポール|singapore",
    "ap-southeast-2": r"シドニー|sydney",
    "ap-south-1": r"ムンバイ|mumbai",
    "ca-central-1": r"カナダ|canada",
    "sa-east-1": r"サンパウロ|são paulo|sao paulo",
}
_REGION_CODE = re.compile(
    r"\b(?:us|eu|ap|ca|sa|me|af|il|mx)-(?:[a-z]+-)?(?:north|south|east|west|central|northeast|southeast|southwest|northwest)-\d\b"
)


def parse_region(text: str) -> str | None:
    """The AWS Region a question names ("東京リージョン", "us-west-2"), if any."""
    code = _REGION_CODE.search(text.lower())
    if code:
        return code.group(0)
    for region, pattern in _REGIONS.items():
        if re.search(pattern, text, re.I):
            return region
    return None
