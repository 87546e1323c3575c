"""Bedrock model prices and a cost calculator (the full tool lands with the pricing issue)."""

from __future__ import annotations

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field


class PriceQuery(BaseModel):
    question: str = Field(description="The learner's pricing question, with model names and token counts.")


NOT_AVAILABLE = {
    "ja": "料金の検索と計算はまだ使えません（次のリリースで追加されます）。公式の料金ページ "
    "https://aws.amazon.com/bedrock/pricing/ を確認してください。",
    "en": "Price lookup and cost calculation are not available yet (they come in the next release). "
    "See https://aws.amazon.com/bedrock/pricing/.",
}


def lookup_price(question: str) -> dict[str, object]:
    return {"available": False, "message": NOT_AVAILABLE}


def make_pricing_tool() -> StructuredTool:
    return StructuredTool.from_function(
        func=lookup_price,
        name="pricing",
        description=(
            "Look up on-demand prices of Amazon Bedrock models (USD per 1,000 input and output tokens, "
            "region, date, source) and compute the cost of a workload. Use it when the learner asks how "
            "much something costs or which model is cheaper; not for how to reduce cost (use docs)."
        ),
        args_schema=PriceQuery,
    )
