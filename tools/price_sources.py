"""Where Bedrock prices come from: the shipped snapshot's builder, the public AWS Price List offer
files, and the Price List API. Each yields PriceRows; none of them ever guesses a price.

Regenerate the snapshot (maintainers, with the `prices` extra and the JSON inside a litellm wheel,
`pip download --no-deps litellm` and unzip):
    python -m tools.price_sources --litellm-version 1.109.1 \
        --litellm-json litellm/model_prices_and_context_window_backup.json
"""

from __future__ import annotations

import argparse
import json
import re
import time
import urllib.request
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.price_table import SNAPSHOT_FILE, PriceError, PriceRow

OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{code}/current/index.json"
SERVICE_CODES = ("AmazonBedrock", "AmazonBedrockFoundationModels")
PRICING_PAGE = "https://aws.amazon.com/bedrock/pricing/"


# -- the AWS Price List: offer files and the pricing API -----------------------------------------


def _per_1k(price: str, unit: str) -> float | None:
    """USD per 1,000 tokens from a Price List price and its unit ("1K tokens", "1M tokens", ...)."""
    value = Decimal(price)
    u = unit.lower().replace(" ", "")
    if u in ("1ktokens", "1000tokens", "ktokens", "1k"):
        return float(value)
    if u in ("1mtokens", "1000000tokens", "mtokens", "million tokens", "1m"):
        return float(value / 1000)
    if u in ("tokens", "token"):
        return float(value * 1000)
    return None


def _side(attributes: dict[str, str]) -> str | None:
    kind = attributes.get("inferenceType", "").lower()
    usage = attributes.get("usagetype", "").lower()
    if "batch" in usage or "cache" in usage or "batch" in attributes.get("feature", "").lower():
        return None  # on-demand rows only; batch and cache prices are other modes
    if kind.startswith("input") or usage.endswith("-input-tokens") or usage.endswith("input-tokens-custom-model"):
        return "input"
    if kind.startswith("output") or usage.endswith("-output-tokens"):
        return "output"
    return None


def rows_from_price_list(
    products: Iterable[tuple[str, dict[str, Any]]],
    on_demand: dict[str, dict[str, Any]],
    source: str,
    as_of: str,
    region: str | None = None,
) -> list[PriceRow]:
    """Pair input and output token prices of each model and region into rows."""
    sides: dict[tuple[str, str], dict[str, Any]] = {}
    for sku, product in products:
        attributes = product.get("attributes", {})
        side = _side(attributes)
        model = attributes.get("model") or attributes.get("servicename") or ""
        where = attributes.get("regionCode", "")
        if side is None or not model or (region and where != region) or sku not in on_demand:
            continue
        for term in on_demand[sku].values():
            for dimension in term.get("priceDimensions", {}).values():
                per_1k = _per_1k(dimension.get("pricePerUnit", {}).get("USD", "0"), dimension.get("unit", ""))
                if per_1k is None:
                    continue
                entry = sides.setdefault((model, where), {"provider": attributes.get("provider", "")})
                entry[side] = per_1k
    rows = []
    for (model, where), entry in sorted(sides.items()):
        if "input" not in entry:
            continue
        rows.append(
            PriceRow(
                model_id=model,
                model_name=model,
                provider=entry["provider"] or model.split(" ")[0],
                kind="text" if "output" in entry else "embedding",
                region=where,
                mode="on-demand",
                input_per_1k=entry["input"],
                output_per_1k=entry.get("output"),
                as_of=as_of,
                source=source,
            )
        )
    return rows


def parse_offer_file(path: Path, region: str | None, code: str) -> list[PriceRow]:
    """Stream a (large) offer file twice with ijson: products, then the on-demand terms they need."""
    import ijson

    with path.open("rb") as f:
        products = {sku: p for sku, p in ijson.kvitems(f, "products") if _side(p.get("attributes", {}))}
    with path.open("rb") as f:
        terms = {sku: t for sku, t in ijson.kvitems(f, "terms.OnDemand") if sku in products}
    with path.open("rb") as f:
        published = next(ijson.items(f, "publicationDate"), "")
    as_of = str(published)[:10] or time.strftime("%Y-%m-%d")
    return rows_from_price_list(products.items(), terms, f"AWS Price List offer file {code}", as_of, region)


def download_offer_file(code: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with (
        urllib.request.urlopen(OFFER_URL.format(code=code), timeout=60) as response,
        partial.open("wb") as out,
    ):
        while chunk := response.read(1 << 20):
            out.write(chunk)
    partial.replace(target)
    return target


def rows_from_pricing_api(client: Any, region: str | None) -> list[PriceRow]:
    """The Price List API (boto3 `pricing`, us-east-1 endpoint) for both Bedrock service codes."""
    rows: list[PriceRow] = []
    for code in SERVICE_CODES:
        filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}] if region else []
        products: list[tuple[str, dict[str, Any]]] = []
        terms: dict[str, dict[str, Any]] = {}
        for page in client.get_paginator("get_products").paginate(ServiceCode=code, Filters=filters):
            for raw in page.get("PriceList", []):
                item = json.loads(raw) if isinstance(raw, str) else raw
                sku = item["product"]["sku"]
                products.append((sku, item["product"]))
                terms[sku] = item.get("terms", {}).get("OnDemand", {})
        rows += rows_from_price_list(products, terms, f"AWS Price List API {code}", time.strftime("%Y-%m-%d"), region)
    return rows


def refresh_prices(cache: Path, region: str | None = None, client: Any | None = None) -> dict[str, Any]:
    """Current prices into the cache: the Price List API with credentials, else the public offer files."""
    if client is None:
        import boto3

        if boto3.Session().get_credentials() is not None:
            client = boto3.client("pricing", region_name="us-east-1")  # the API lives in few regions
    try:
        if client is not None:
            rows, source = rows_from_pricing_api(client, region), "AWS Price List API"
        else:
            rows = []
            for code in SERVICE_CODES:
                path = download_offer_file(code, cache.parent / f"{code}.json")
                rows += parse_offer_file(path, region, code)
            source = "AWS Price List offer files"
    except OSError as exc:
        raise PriceError(
            "refresh_failed", f"cannot reach the AWS Price List ({exc}); the shipped snapshot stays in use"
        ) from exc
    except Exception as exc:  # botocore ClientError, a changed file format
        raise PriceError("refresh_failed", f"the price refresh failed ({exc.__class__.__name__}: {exc})") from exc
    if not rows:
        raise PriceError("refresh_failed", "the AWS Price List returned no Bedrock token prices")
    payload = {
        "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "source": source,
        "rows": [r.as_json() for r in rows],
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False))
    tmp.replace(cache)
    return payload


# -- the shipped snapshot --------------------------------------------------------------------------


def rows_from_genai_prices(as_of: str) -> tuple[list[PriceRow], str]:
    import genai_prices
    from genai_prices import data

    version = getattr(genai_prices, "__version__", "unknown")
    aws = next(p for p in data.providers if p.id == "aws")
    source = f"genai-prices {version} (MIT), from {PRICING_PAGE}"
    by_id: dict[str, PriceRow] = {}
    for model in aws.models:
        prices = model.prices
        input_mtok, output = getattr(prices, "input_mtok", None), getattr(prices, "output_mtok", None)
        if not isinstance(input_mtok, Decimal) or not isinstance(output, Decimal | None):
            continue  # conditional or tiered prices: left out rather than simplified
        raw_id = model.id
        scope = "global" if raw_id.startswith("global.") else "in-Region"
        model_id = raw_id.removeprefix("regional.").removeprefix("global.")
        if model_id in by_id and scope == "global":
            continue  # the in-Region price is the on-demand list price
        by_id[model_id] = PriceRow(
            model_id=model_id,
            model_name=model.name if model.name and "(" not in model.name else _name_from_id(model_id),
            provider=model_id.split(".")[0],
            kind="embedding" if "embed" in model_id else "text",
            region="us-east-1",
            mode="on-demand" if scope == "in-Region" else "on-demand (global cross-Region inference)",
            input_per_1k=_mtok_to_1k(input_mtok),
            output_per_1k=_mtok_to_1k(output) if output is not None else None,
            as_of=as_of,
            source=source,
        )
    return list(by_id.values()), version


def rows_from_litellm(path: Path, as_of: str, known: set[str]) -> tuple[list[PriceRow], dict[str, Any]]:
    """Models genai-prices lacks (Cohere embeddings, image models), and its figures to cross-check."""
    entries: dict[str, Any] = json.loads(path.read_text())
    source = f"litellm model_prices_and_context_window.json (MIT), from {PRICING_PAGE}"
    rows = []
    for key, entry in sorted(entries.items()):
        if not isinstance(entry, dict) or entry.get("litellm_provider") not in (
            "bedrock",
            "bedrock_converse",
        ):
            continue
        prefix = key.split(".")[0]
        if "/" in key or "@" in key or prefix in ("us", "us-gov", "eu", "apac", "global", "jp", "au") or key in known:
            continue  # regional variants, step/size variants, and models the primary source has
        per_in, per_out = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
        if entry.get("mode") == "embedding" and per_in:
            kind, input_1k, output_1k, per_image = "embedding", per_in * 1000, None, None
        elif entry.get("mode") == "image_generation" and entry.get("output_cost_per_image"):
            kind, input_1k, output_1k, per_image = "image", None, None, entry["output_cost_per_image"]
        elif entry.get("mode") == "chat" and per_in and per_out:
            kind, input_1k, output_1k, per_image = "text", per_in * 1000, per_out * 1000, None
        else:
            continue
        rows.append(
            PriceRow(key, _name_from_id(key), prefix, kind, "us-east-1", "on-demand", input_1k, output_1k,
                     as_of, source, per_image=per_image)
        )  # fmt: skip
    return rows, entries


def cross_check(rows: list[PriceRow], litellm: dict[str, Any]) -> list[dict[str, Any]]:
    checks = []
    for row in rows:
        other = litellm.get(row.model_id)
        if not isinstance(other, dict) or not other.get("input_cost_per_token") or row.input_per_1k is None:
            continue
        theirs_in = round(other["input_cost_per_token"] * 1000, 8)
        theirs_out = round((other.get("output_cost_per_token") or 0) * 1000, 8)
        agree = abs(theirs_in - row.input_per_1k) < 1e-9 and (
            row.output_per_1k is None or abs(theirs_out - row.output_per_1k) < 1e-9
        )
        checks.append(
            {
                "model_id": row.model_id,
                "ours": [row.input_per_1k, row.output_per_1k],
                "litellm": [theirs_in, theirs_out],
                "agree": agree,
            }
        )
    return checks


def _mtok_to_1k(value: Any) -> float:
    return float(Decimal(str(value)) / 1000)


_BRANDS = {"cohere": "Cohere", "deepseek": "DeepSeek", "ai21": "AI21", "writer": "Writer", "qwen": "Qwen"}


def _name_from_id(model_id: str) -> str:
    """ "anthropic.claude-3-5-haiku-20241022-v1:0" -> "Claude 3.5 Haiku"."""
    vendor, _, rest = model_id.partition(".")
    rest = re.sub(r"-v1(:\d+)?$|:\d+$|-\d{8}", "", rest)
    rest = re.sub(r"-(v\d+)(:\d+)?$", r" \1", rest)  # a second version keeps its tag: "... Sonnet v2"
    words = [w if w[:1].isdigit() else w.capitalize() for w in rest.replace("-", " ").split()]
    name = re.sub(r"\b(\d) (\d)\b", r"\1.\2", " ".join(words))
    brand = _BRANDS.get(vendor, "")
    return f"{brand} {name}".strip()


def build_snapshot(
    litellm_json: Path | None, litellm_version: str | None = None, out: Path = SNAPSHOT_FILE
) -> dict[str, Any]:
    as_of = time.strftime("%Y-%m-%d")
    rows, version = rows_from_genai_prices(as_of)
    sources = {"genai-prices": version}
    checks: list[dict[str, Any]] = []
    if litellm_json is not None:
        extra, entries = rows_from_litellm(litellm_json, as_of, {r.model_id for r in rows})
        checks = cross_check(rows, entries)
        rows += extra
        sources["litellm"] = litellm_version or "unknown"
    snapshot = {
        "generated_by": "python -m tools.price_sources",
        "generated_at": as_of,
        "sources": sources,
        "cross_checks": checks,
        "cross_check_note": (
            "Where the two disagree, genai-prices gives the in-Region (regional endpoint) price and litellm "
            "the global cross-Region inference price, 10% lower; this snapshot keeps the in-Region price."
        ),
        "rows": [r.as_json() for r in sorted(rows, key=lambda r: (r.provider, r.model_id))],
    }
    out.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n")
    return snapshot


def _lines(rows: Iterable[PriceRow]) -> Iterator[str]:
    for r in rows:
        yield f"{r.model_id:55} {r.input_per_1k} {r.output_per_1k} {r.per_image}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--litellm-json", type=Path, help="litellm's model_prices JSON, for gaps and cross-checks")
    parser.add_argument("--litellm-version", help="the litellm release that JSON comes from")
    args = parser.parse_args()
    snapshot = build_snapshot(args.litellm_json, args.litellm_version)
    disagree = [c for c in snapshot["cross_checks"] if not c["agree"]]
    print(f"{len(snapshot['rows'])} rows; cross-checked {len(snapshot['cross_checks'])}, disagreeing {len(disagree)}")
    for check in disagree:
        print("  differs:", check)


if __name__ == "__main__":
    main()
