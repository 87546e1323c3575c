"""Bedrock prices as a table: rows with their region, date and source; model names resolved
without guessing; the cost of a workload with its arithmetic."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

SNAPSHOT_FILE = Path(__file__).parent / "data" / "bedrock_prices.json"

# Japanese (katakana) spellings learners type for model families.
_ALIASES = {
    "ディープシーク": "deepseek", "クロード": "claude", "ノヴァ": "nova", "ノバ": "nova", "ラマ": "llama",
    "ミストラル": "mistral", "タイタン": "titan", "コヒア": "cohere", "ハイク": "haiku", "ソネット": "sonnet",
    "オーパス": "opus", "マイクロ": "micro", "ライト": "lite", "プロ": "pro", "プレミア": "premier",
    "エンベディング": "embed", "埋め込み": "embed", "ジェンマ": "gemma", "クウェン": "qwen",
}  # fmt: skip
# Vendor words that are not part of a model's name ("Amazon Nova Micro" is "nova micro"); Mistral,
# Cohere and DeepSeek stay, since their names start with them.
_VENDORS = r"\b(?:amazon|anthropic|meta|aws|bedrock)\b"


@dataclass(frozen=True)
class PriceRow:
    model_id: str
    model_name: str
    provider: str
    kind: str  # text | embedding | image
    region: str
    mode: str
    input_per_1k: float | None
    output_per_1k: float | None
    as_of: str
    source: str
    per_image: float | None = None
    currency: str = "USD"

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("input_per_1k", "output_per_1k", "per_image"):
            if out[key] is not None:
                out[key] = round(out[key], 10)  # 1e-4, not 9.999999999999999e-05
        return out


class PriceError(ValueError):
    """A price we will not give: unknown or ambiguous model, or no price for the region."""

    def __init__(self, code: str, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.suggestions = suggestions or []


def normalise(name: str) -> str:
    text = name.lower()
    for ja, en in _ALIASES.items():
        text = text.replace(ja.lower(), f" {en} ")
    text = re.sub(r"-v\d+(:\d+)?$|:\d+$", "", text)  # -v1:0
    text = re.sub(r"-?\d{8}", " ", text)  # release dates in ids
    text = re.sub(_VENDORS, " ", text)
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)  # r1 -> r 1, 3haiku -> 3 haiku
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # dots that are not decimal points
    return " ".join(text.split())


def _keys(row: PriceRow) -> set[str]:
    short_id = row.model_id.split(".", 1)[-1]
    keys = {normalise(row.model_id), normalise(short_id), normalise(row.model_name)}
    keys |= {k.replace(" instruct", "") for k in keys}
    # the family without its release tag: "mistral large 24.02" is also "mistral large"
    keys |= {re.sub(r"(?: \d{2}\.\d{2}| \d{4})$", "", k) for k in keys}
    return {k for k in keys if k}


@dataclass(frozen=True)
class Cost:
    row: PriceRow
    input_tokens: int
    output_tokens: int
    requests: float
    period: str | None  # "hour" | "day" | "month" | None (one call)

    @property
    def input_cost(self) -> float:
        return round(self.input_tokens / 1000 * (self.row.input_per_1k or 0.0) * self.requests, 6)

    @property
    def output_cost(self) -> float:
        return round(self.output_tokens / 1000 * (self.row.output_per_1k or 0.0) * self.requests, 6)

    @property
    def total(self) -> float:
        return round(self.input_cost + self.output_cost, 6)

    def as_json(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "requests": self.requests,
            "period": self.period,
            "input_cost": self.input_cost,
            "output_cost": self.output_cost,
            "total": self.total,
        }


class PriceTable:
    def __init__(self, rows: list[PriceRow], meta: dict[str, Any] | None = None) -> None:
        self.rows = rows
        self.meta = meta or {}
        self._keys = [(row, _keys(row)) for row in rows]

    @classmethod
    def load(cls, snapshot: Path = SNAPSHOT_FILE, cache: Path | None = None) -> PriceTable:
        """The shipped snapshot, with a live refresh's rows (if any) taking precedence."""
        data = json.loads(snapshot.read_text())
        rows = {(r["model_id"], r["region"]): PriceRow(**r) for r in data["rows"]}
        meta = {k: v for k, v in data.items() if k != "rows"}
        if cache is not None and cache.is_file():
            shipped = cls(list(rows.values()))
            refreshed = json.loads(cache.read_text())
            for r in refreshed.get("rows", []):
                row = shipped.adopt(PriceRow(**r))
                rows[(row.model_id, row.region)] = row
            meta["refreshed_at"] = refreshed.get("fetched_at")
        return cls(list(rows.values()), meta)

    def adopt(self, row: PriceRow) -> PriceRow:
        """A Price List row ("DeepSeek R1") under the id the table knows ("deepseek.r1-v1:0")."""
        try:
            known = self.resolve(row.model_name)
        except PriceError:
            return row
        return replace(row, model_id=known.model_id, model_name=known.model_name, kind=known.kind)

    def regions(self, model_id: str) -> list[str]:
        return sorted({r.region for r in self.rows if r.model_id == model_id})

    def resolve(self, name: str, region: str | None = None) -> PriceRow:
        query = normalise(name)
        if not query:
            raise PriceError("unknown_model", "no model name given")
        exact = [row for row, keys in self._keys if row.model_id == name.strip() or query in keys]
        if not exact:
            words = set(query.split())
            exact = [row for row, keys in self._keys if any(words <= set(k.split()) for k in keys)]
        models = sorted({r.model_id for r in exact})
        if len(models) == 1:
            return self._in_region(models[0], region)
        if len(models) > 1:
            names = [self._label(m) for m in models][:8]
            raise PriceError("ambiguous_model", f"{name!r} matches several models: {', '.join(names)}; name one", names)
        suggestions = self.closest(name)
        raise PriceError(
            "unknown_model",
            f"no price for a model called {name!r}" + (f"; closest: {', '.join(suggestions)}" if suggestions else ""),
            suggestions,
        )

    def closest(self, name: str, limit: int = 5) -> list[str]:
        from rapidfuzz import fuzz, process

        choices = {self._label(row.model_id): " ".join(sorted(keys)) for row, keys in self._keys}
        found = process.extract(normalise(name), choices, scorer=fuzz.WRatio, limit=limit)
        return [label for _, score, label in found if score >= 50]

    def _label(self, model_id: str) -> str:
        row = next(r for r in self.rows if r.model_id == model_id)
        return f"{row.model_name} ({model_id})"

    def in_region(self, model_id: str, region: str | None) -> PriceRow:
        return self._in_region(model_id, region)

    def _in_region(self, model_id: str, region: str | None) -> PriceRow:
        rows = [r for r in self.rows if r.model_id == model_id]
        if region is None:
            preferred = [r for r in rows if r.region == "us-east-1"] or rows
            return preferred[0]
        for row in rows:
            if row.region == region:
                return row
        known = ", ".join(self.regions(model_id))
        raise PriceError(
            "no_price_in_region",
            f"no price for {model_id} in {region} (known: {known}); `awsstudy price --refresh` fetches "
            "current prices for every region",
        )

    def find_models(self, text: str) -> list[PriceRow]:
        """Every model a question names, in the order it names them (for the agent's pricing route)."""
        query = f" {normalise(text)} "
        found: list[tuple[int, int, PriceRow]] = []
        for row, keys in self._keys:
            for key in keys:
                at = query.find(f" {key} ")
                if at >= 0 and len(key) > 2:
                    found.append((at, -len(key), row))
        found.sort(key=lambda item: (item[0], item[1]))
        chosen: list[PriceRow] = []
        taken: list[tuple[int, int]] = []
        for at, negative_length, row in found:
            span = (at, at - negative_length)
            if any(a < span[1] and span[0] < b for a, b in taken) or row.model_id in {r.model_id for r in chosen}:
                continue
            taken.append(span)
            chosen.append(row)
        return chosen


def cost(row: PriceRow, input_tokens: int, output_tokens: int, requests: float = 1, period: str | None = None) -> Cost:
    if row.kind == "image":
        raise PriceError("not_token_priced", f"{row.model_name} is priced per image ({row.per_image} USD)")
    return Cost(row, input_tokens, output_tokens, requests, period)
