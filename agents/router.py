"""Routing a question to one of the four tools.

A chat model with structured output decides when one is available; whenever there is none, or its
answer is not one of the routes, the deterministic classifier below decides. The classifier's
patterns are the routing contract in both languages: asking for an amount of money is `pricing`,
asking how to spend less is `docs`.
"""

from __future__ import annotations

import re
from typing import Literal

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from prompts import load_prompt
from tools.practice import parse_practice

Route = Literal["docs", "pricing", "quiz", "translate"]
ROUTES: tuple[Route, ...] = ("docs", "pricing", "quiz", "translate")

_TRANSLATE = re.compile(
    r"の英語(?:は|名|表記|で)|英語に\s*[:：]|を英語で|英語で[？?。]?\s*$|英語で.{0,24}(?:書|言|表|なん|何)|^\s*翻訳\s*[:：]|英訳|和訳|英語(?:に|で|では|だと|の|表記|名|表現)(?:して|訳|何|なん|どう|言|書|は)|翻訳して|訳して|"
    r"英語にすると|(?<!amazon )\btranslate\b(?=.*\b(?:into|to|in) english\b)|"
    r"^(?:please |can you |could you )?translate\b(?! (?:api|service|job|text api))|"
    r"\bin english\b|\binto english\b|\benglish (?:for|term|name|word)\b|\bhow do you say\b",
    re.I,
)
_QUIZ = re.compile(
    r"問題を?(?:出して|作って|作成|ください|解きたい)|出題|クイズ|模擬(?:問題|試験)|練習問題|確認問題|"
    r"\d+\s*問|問題集|テストして|腕試し|問題を?\s*\d+\s*(?:つ|個|問)|練習(?:したい|させて|する)|"
    r"\bpractice\b.*\bquestions?\b|\blet me practice\b|\btest (?:my|me|your) (?:knowledge|understanding)\b|"
    r"\bmock (?:test|exam)\b|\bexam practice\b|\bpractice (?:test|exam|on)\b|"
    r"\bquiz\b|\bquiz me\b|\btest me\b|practice (?:question|exam|test)|sample question|"
    r"exam[- ]style question|"
    r"\bmock exam\b|\bflashcard|\bgive me \d* ?questions?\b|\bask me\b|\bquestions? (?:on|about)\b|"
    r"理解度(?:チェック|確認|テスト)|力試し|\bdrill me\b|\bpractice question|過去問|予想問題|例題|"
    r"問題.{0,6}(?:ほしい|欲しい|ちょうだい|お願い|やりたい|解きたい|出して|作って)",
    re.I,
)
_SAVE = re.compile(
    r"(?:見積も|計算す|試算す|確認す|調べ)る方法|見積もり方|\bwhy\b.*\bexpensive\b|なぜ.{0,20}(?:高い|高額)|"
    r"\bhow (?:do|can|should) (?:i|we|you) (?:estimate|calculate|track|monitor|check)\b|"
    r"抑え|削減|節約|下げ|安く(?:する|したい|できる|抑)|最適化|減らす|コスト効率|費用対効果|"
    r"\breduc|\bsav(?:e|ing)|\blower\b|\bcut\b|\boptimi[sz]|\bcheaper way|\bminimi[sz]",
    re.I,
)
_PRICE = re.compile(
    r"料金|価格|値段|いくら|単価|費用は|費用が|費用を(?:計算|見積)|コストは|コストが|コストを(?:計算|見積)|"
    r"(?:推論|利用|使用|運用|月額|時間あたり|1日あたり|月あたり)(?:の)?(?:コスト|費用)|"
    r"(?:安|高)い(?:です|でしょう)?か|より(?:安|高)い|コストパフォーマンス|コスパ|"
    r"どのくらい(?:の)?(?:コスト|費用|お金)|どちらが(?:安|高)|安いのは|高いのは|見積|ドル|円|USD|"
    r"トークンあたり|per (?:1[,.]?000|1k|million|1m) tokens?|\bprice|\bpricing\b|"
    r"\bhow much\b(?! (?:data|storage|memory|time|space|capacity|traffic))|"
    r"\bcost (?:of|for|to|per)\b|\bcosts?\b.*\b(?:tokens?|requests?|per hour|per month|per day)\b|"
    r"\bcheaper\b|\bmore expensive\b|\bexpensive\b|\bestimate\b|\b(?:does|do|would|will)\b[^?]*\bcost\b",
    re.I,
)


def classify_route(question: str) -> Route:
    """The deterministic router: the fallback when no model routes, and the model's check."""
    text = question.strip()
    if parse_practice(text) is not None:
        return "docs"  # a pasted practice question, whatever its words ("MOST cost-effective")
    if _TRANSLATE.search(text):
        return "translate"
    if _QUIZ.search(text):
        return "quiz"
    if _PRICE.search(text) and not _SAVE.search(text):
        return "pricing"
    return "docs"


class RouteDecision(BaseModel):
    """Which tool answers the learner's question."""

    route: Route = Field(description="docs, pricing, quiz or translate")


def route_with_model(model: BaseChatModel | None, question: str) -> tuple[Route, str]:
    """(route, how it was decided): the model's choice when valid, else the classifier's."""
    if model is None or parse_practice(question) is not None:
        return classify_route(question), "rules"
    try:
        structured = model.with_structured_output(RouteDecision)
        decision = structured.invoke([("system", load_prompt("router")), ("human", question)])
        route = decision.route if isinstance(decision, RouteDecision) else None
    except Exception:  # invalid output, throttling, no access: the rules still route
        route = None
    if route in ROUTES:
        return route, "model"
    return classify_route(question), "rules"
