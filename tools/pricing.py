"""The pricing tool: Bedrock model prices with region, date and source, and the cost of a workload
with its arithmetic, in the learner's language. Unknown or ambiguous names are errors with the
closest matches; a price is never guessed."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from tools.price_question import Workload, parse_region, parse_workload
from tools.price_table import Cost, PriceError, PriceRow, PriceTable, cost

REFRESH_HINT = {
    "ja": "最新の価格は `awsstudy price --refresh` で取得できます。",
    "en": "Run `awsstudy price --refresh` for current prices.",
}
_PERIOD = {
    "ja": {"hour": "時間", "day": "日", "month": "月"},
    "en": {"hour": "hour", "day": "day", "month": "month"},
}


def cache_file(data_dir: Path) -> Path:
    return data_dir / "prices" / "refreshed.json"


@lru_cache(maxsize=4)
def load_table(data_dir: Path | None = None) -> PriceTable:
    return PriceTable.load(cache=cache_file(data_dir) if data_dir else None)


def usd(value: float | None) -> str:
    if value is None:
        return "—"
    text = format(Decimal(str(round(value, 8))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def price_json(row: PriceRow, result: Cost | None = None) -> dict[str, Any]:
    """The CLI's price object (DESIGN.md), with the breakdown when a workload was given."""
    out: dict[str, Any] = {
        "model_id": row.model_id,
        "model_name": row.model_name,
        "region": row.region,
        "mode": row.mode,
        "currency": row.currency,
        "input_per_1k": row.input_per_1k,
        "output_per_1k": row.output_per_1k,
        "cost": result.total if result else None,
        "as_of": row.as_of,
        "source": row.source,
    }
    if row.per_image is not None:
        out["per_image"] = row.per_image
    if result is not None:
        out["breakdown"] = result.as_json()
    return out


def workload_cost(row: PriceRow, workload: Workload) -> Cost | None:
    if (workload.input_tokens is None and workload.output_tokens is None) or row.kind == "image":
        return None
    return cost(row, workload.input_tokens or 0, workload.output_tokens or 0, workload.requests or 1, workload.period)


PRICING_PAGE = "https://aws.amazon.com/bedrock/pricing/"


def price_citation(n: int, row: PriceRow) -> dict[str, Any]:
    """A price row as a numbered citation: where the figure comes from, and the page to check it on."""
    output = f", output {usd(row.output_per_1k)} USD per 1,000 tokens" if row.output_per_1k is not None else ""
    image = f", {usd(row.per_image)} USD per image" if row.per_image is not None else ""
    return {
        "n": n,
        "id": f"price:{row.model_id}:{row.region}",
        "title": f"Amazon Bedrock pricing — {row.model_name} ({row.as_of})",
        "location": f"{row.source} [{row.region}, {row.mode}]",
        "url": PRICING_PAGE,
        "text": f"{row.model_name} ({row.model_id}), {row.region}, {row.mode}: "
        f"input {usd(row.input_per_1k)} USD per 1,000 tokens{output}{image}. "
        f"As of {row.as_of}; source: {row.source}.",
    }


def describe(rows: list[PriceRow], costs: list[Cost | None], lang: str, cite: bool = False) -> str:
    lines: list[str] = []
    for n, (row, result) in enumerate(zip(rows, costs, strict=True), start=1):
        head, *rest = _describe_row(row, lang)
        lines += [*([""] if n > 1 else []), f"{head} [{n}]" if cite else head, *rest]
        if result is not None:
            lines += ["", *_describe_cost(result, lang)]
    if len(rows) >= 2:
        lines.append(_compare(rows, costs, lang))
    first = rows[0]
    lines.append("")  # the source line is its own paragraph, not part of the last bullet
    if lang == "ja":
        lines.append(f"価格は {first.as_of} 時点のスナップショット（出典: {first.source} ）。{REFRESH_HINT['ja']}")
    else:
        lines.append(f"Prices as of {first.as_of} (source: {first.source}). {REFRESH_HINT['en']}")
    return "\n".join(lines)


_MODE_JA = {
    "on-demand": "オンデマンド",
    "on-demand (global cross-Region inference)": "オンデマンド（グローバルクロスリージョン推論）",
}


_ROW_TEXT = {
    "ja": {"head": "{name}（{id}）の料金（{region}、{mode}）:", "image": "- 画像 1 枚あたり {price} USD",
           "input": "- 入力 1,000 トークンあたり {price} USD", "output": "- 出力 1,000 トークンあたり {price} USD"},
    "en": {"head": "{name} ({id}), {region}, {mode}:", "image": "- {price} USD per image",
           "input": "- input: {price} USD per 1,000 tokens", "output": "- output: {price} USD per 1,000 tokens"},
}  # fmt: skip


def _describe_row(row: PriceRow, lang: str) -> list[str]:
    text = _ROW_TEXT[lang]
    mode = _MODE_JA.get(row.mode, row.mode) if lang == "ja" else row.mode
    out = [text["head"].format(name=row.model_name, id=row.model_id, region=row.region, mode=mode)]
    if row.per_image is not None:
        return [*out, text["image"].format(price=usd(row.per_image))]
    out.append(text["input"].format(price=usd(row.input_per_1k)))
    if row.output_per_1k is not None:
        out.append(text["output"].format(price=usd(row.output_per_1k)))
    return out


_COST_TEXT = {
    "ja": {
        "per": "（1 {per}あたり {times} 回）", "many": "（{times} 回）", "one": "（1 回）", "head": "計算{scope}:",
        "input": "- 入力: {tokens:,} トークン × {times} 回 = {total:,} トークン → "
        "{total:,} / 1,000 × {price} = {cost} USD",
        "output": "- 出力: {tokens:,} トークン × {times} 回 = {total:,} トークン → "
        "{total:,} / 1,000 × {price} = {cost} USD",
        "sum": "- 合計: {a} + {b} = {t} USD", "suffix": "／{per}",
    },
    "en": {
        "per": " ({times} requests per {per})", "many": " ({times} requests)", "one": " (one request)",
        "head": "Cost{scope}:",
        "input": "- input: {tokens:,} tokens × {times} = {total:,} tokens → {total:,} / 1,000 × {price} = {cost} USD",
        "output": "- output: {tokens:,} tokens × {times} = {total:,} tokens → {total:,} / 1,000 × {price} = {cost} USD",
        "sum": "- total: {a} + {b} = {t} USD", "suffix": " per {per}",
    },
}  # fmt: skip


def _describe_cost(c: Cost, lang: str) -> list[str]:
    text = _COST_TEXT[lang]
    times = f"{c.requests:,.0f}"
    per = _PERIOD[lang].get(c.period or "", "")
    scope = text["per" if per else ("many" if c.requests != 1 else "one")].format(per=per, times=times)
    out = [text["head"].format(scope=scope)]
    sides = [("input", c.input_tokens, c.row.input_per_1k, c.input_cost)]
    if c.row.output_per_1k is not None:
        sides.append(("output", c.output_tokens, c.row.output_per_1k, c.output_cost))
    for side, tokens, price, side_cost in sides:
        out.append(text[side].format(tokens=tokens, times=times, total=int(tokens * c.requests), price=usd(price),
                                     cost=usd(side_cost)))  # fmt: skip
    total = text["sum"].format(a=usd(c.input_cost), b=usd(c.output_cost), t=usd(c.total))
    out.append(total + (text["suffix"].format(per=per) if per else ""))
    return out


def _compare(rows: list[PriceRow], costs: list[Cost | None], lang: str) -> str:
    a, b = rows[0], rows[1]
    if costs[0] is not None and costs[1] is not None and costs[1].total:
        ratio, basis = costs[0].total / costs[1].total, ("合計" if lang == "ja" else "total")
    elif a.input_per_1k and b.input_per_1k:
        ratio, basis = a.input_per_1k / b.input_per_1k, ("入力単価" if lang == "ja" else "input price")
    else:
        return ""
    cheaper = (a if ratio < 1 else b).model_name
    if lang == "ja":
        return f"比較: {a.model_name} は {b.model_name} の {ratio:.2f} 倍（{basis}）。安いのは {cheaper}。"
    return f"Comparison: {a.model_name} costs {ratio:.2f}× {b.model_name} ({basis}); {cheaper} is cheaper."


def price_for_question(question: str, table: PriceTable, lang: str) -> dict[str, Any]:
    """The pricing route: the models a question names, their prices and the workload's cost."""
    rows = table.find_models(question)[:4]
    if not rows:
        suggestions = table.closest(question, limit=5)
        if lang == "ja":
            text = "どのモデルの料金かを特定できませんでした。モデル名を入れて質問してください"
        else:
            text = "I could not tell which model you mean; name the model"
        text += (
            (f"（候補: {', '.join(suggestions)}）" if lang == "ja" else f" (closest: {', '.join(suggestions)})")
            if suggestions
            else ""
        )
        return {
            "available": True,
            "answer": text + ("。" if lang == "ja" else "."),
            "error": "unknown_model",
            "suggestions": suggestions,
        }
    workload = parse_workload(question)
    region = parse_region(question)
    notes: list[str] = []
    if region is not None:
        rows, notes = _in_region(table, rows, region, lang)
    costs = [workload_cost(row, workload) for row in rows]
    objects = [price_json(row, c) for row, c in zip(rows, costs, strict=True)]
    return {
        "available": True,
        "answer": "\n".join([*notes, describe(rows, costs, lang, cite=True)]),
        "citations": [price_citation(n, row) for n, row in enumerate(rows, start=1)],
        **objects[0],
        "comparison": objects[1:] or None,
        "workload": {
            "input_tokens": workload.input_tokens,
            "output_tokens": workload.output_tokens,
            "requests": workload.requests,
            "period": workload.period,
        },
    }


def _in_region(table: PriceTable, rows: list[PriceRow], region: str, lang: str) -> tuple[list[PriceRow], list[str]]:
    """Each model's price in the asked Region; where the table has none, say so and keep the row it has."""
    chosen, notes = [], []
    for row in rows:
        try:
            chosen.append(table.in_region(row.model_id, region))
        except PriceError:
            chosen.append(row)
            if lang == "ja":
                notes.append(
                    f"{row.model_name} の {region} の価格は手元のデータにありません。"
                    f"以下は {row.region} の価格です（`awsstudy price --refresh` で全リージョンを取得）。"
                )
            else:
                notes.append(
                    f"No {region} price for {row.model_name} in the local data; below is its {row.region} "
                    "price (`awsstudy price --refresh` fetches every Region)."
                )
    return chosen, notes


class PriceQuery(BaseModel):
    model: str = Field(
        description="A Bedrock model name or id: 'DeepSeek-R1', 'claude-3-haiku', 'amazon.nova-micro-v1:0'."
    )
    input_tokens: int = Field(default=0, ge=0, description="Input tokens per request.")
    output_tokens: int = Field(default=0, ge=0, description="Output tokens per request.")
    requests: float = Field(default=1, gt=0, description="Number of requests (per period, if one is meant).")
    region: str | None = Field(default=None, description="AWS Region code, e.g. us-east-1.")


def make_pricing_tool(table: PriceTable | None = None) -> StructuredTool:
    chosen = table or load_table()

    def pricing(
        model: str,
        input_tokens: int = 0,
        output_tokens: int = 0,
        requests: float = 1,
        region: str | None = None,
    ) -> dict[str, Any]:
        try:
            row = chosen.resolve(model, region)
        except PriceError as exc:
            return {"error": {"code": exc.code, "message": str(exc), "suggestions": exc.suggestions}}
        result = cost(row, input_tokens, output_tokens, requests) if input_tokens or output_tokens else None
        return price_json(row, result)

    return StructuredTool.from_function(
        func=pricing,
        name="pricing",
        description=(
            "Look up on-demand prices of Amazon Bedrock models (USD per 1,000 input and output tokens, "
            "with region, date and source) and compute the cost of a workload. Use it when the learner asks "
            "how much something costs or which model is cheaper; not for how to reduce cost (use docs). "
            "An unknown or ambiguous model name returns an error listing the closest models."
        ),
        args_schema=PriceQuery,
    )
