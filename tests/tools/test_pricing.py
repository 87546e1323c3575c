from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tools.price_question import parse_workload
from tools.price_sources import parse_offer_file, refresh_prices, rows_from_pricing_api
from tools.price_table import PriceError, PriceTable, cost
from tools.pricing import make_pricing_tool, price_for_question, usd

EXAMPLE = (
    "Bedrock で DeepSeek-R1 に 2,000 トークン入力して 1,000 トークン出力するリクエストを 1時間に100回送るといくら？"
)
OFFER = Path(__file__).parents[1] / "fixtures" / "prices" / "AmazonBedrock.json"


@pytest.fixture(scope="module")
def table() -> PriceTable:
    return PriceTable.load()


def test_snapshot_has_deepseek_r1_with_date_and_source(table: PriceTable) -> None:
    row = table.resolve("DeepSeek-R1")
    assert (row.model_id, row.input_per_1k, row.output_per_1k) == ("deepseek.r1-v1:0", 0.00135, 0.0054)
    assert row.as_of and "genai-prices" in row.source and row.region == "us-east-1"
    haiku = table.resolve("Claude 3 Haiku")
    assert haiku.input_per_1k == 0.00025 and haiku.output_per_1k == 0.00125


def test_every_row_carries_region_mode_date_and_source(table: PriceTable) -> None:
    assert len(table.rows) > 100
    for row in table.rows:
        assert row.region and row.mode and row.as_of and row.source
        assert row.input_per_1k is not None or row.per_image is not None
    kinds = {row.kind for row in table.rows}
    assert {"text", "embedding", "image"} <= kinds


def test_snapshot_was_cross_checked_against_a_second_source() -> None:
    meta = json.loads((Path(__file__).parents[2] / "tools" / "data" / "bedrock_prices.json").read_text())
    assert "genai-prices" in meta["sources"] and "litellm" in meta["sources"]
    deepseek = next(c for c in meta["cross_checks"] if c["model_id"] == "deepseek.r1-v1:0")
    assert deepseek["agree"]


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("DeepSeek-R1", "deepseek.r1-v1:0"),
        ("deepseek r1", "deepseek.r1-v1:0"),
        ("deepseek.r1-v1:0", "deepseek.r1-v1:0"),
        ("ディープシーク R1", "deepseek.r1-v1:0"),
        ("Claude 3 Haiku", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("claude-3-haiku", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("Nova Micro", "amazon.nova-micro-v1:0"),
        ("Titan Text Embeddings V2", "amazon.titan-embed-text-v2:0"),
    ],
)
def test_names_resolve(table: PriceTable, name: str, model_id: str) -> None:
    assert table.resolve(name).model_id == model_id


def test_unknown_model_is_an_error_with_suggestions(table: PriceTable) -> None:
    with pytest.raises(PriceError) as info:
        table.resolve("DeepSeak R9 Ultra")
    assert info.value.code == "unknown_model" and info.value.suggestions
    assert any("DeepSeek" in s for s in info.value.suggestions)


def test_ambiguous_model_is_an_error_not_a_guess(table: PriceTable) -> None:
    with pytest.raises(PriceError) as info:
        table.resolve("Claude Haiku")
    assert info.value.code == "ambiguous_model" and len(info.value.suggestions) >= 2


def test_unknown_region_is_refused(table: PriceTable) -> None:
    with pytest.raises(PriceError, match=r"no price for deepseek\.r1-v1:0 in eu-west-9"):
        table.resolve("DeepSeek-R1", "eu-west-9")


def test_calculator_breaks_down_the_cost(table: PriceTable) -> None:
    result = cost(table.resolve("DeepSeek-R1"), 200_000, 100_000)
    assert (result.input_cost, result.output_cost, result.total) == (0.27, 0.54, 0.81)
    hourly = cost(table.resolve("DeepSeek-R1"), 2_000, 1_000, requests=100, period="hour")
    assert hourly.total == 0.81 and usd(hourly.total) == "0.81"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            EXAMPLE,
            (2000, 1000, 100, "hour"),
        ),
        ("DeepSeek-R1, 2,000 input + 1,000 output tokens, 100 requests an hour", (2000, 1000, 100, "hour")),
        ("入力 2K トークン、出力 1K トークン、100回/時間", (2000, 1000, 100, "hour")),
        ("Nova Pro を1日1万リクエスト（入力 500 トークン、出力 200 トークン）", (500, 200, 10000, "day")),
        ("How much does Claude 3 Haiku cost per 1,000 tokens?", (None, None, None, None)),
        ("Llama 3.1 8B の料金", (None, None, None, None)),
    ],
)
def test_workloads_are_read_from_questions(question: str, expected: tuple[Any, ...]) -> None:
    w = parse_workload(question)
    assert (w.input_tokens, w.output_tokens, w.requests, w.period) == expected


def test_pricing_answer_shows_figures_arithmetic_region_date_and_source(table: PriceTable) -> None:
    question = EXAMPLE
    result = price_for_question(question, table, "ja")
    assert "0.27 + 0.54 = 0.81 USD" in result["answer"]
    assert (
        "us-east-1" in result["answer"] and result["as_of"] in result["answer"] and "genai-prices" in result["answer"]
    )
    assert result["cost"] == 0.81 and result["citations"][0]["url"] == "https://aws.amazon.com/bedrock/pricing/"


def test_two_models_are_compared_side_by_side(table: PriceTable) -> None:
    result = price_for_question("Nova Micro と Nova Lite はどちらが安い？", table, "ja")
    assert result["model_id"] == "amazon.nova-micro-v1:0"
    assert result["comparison"][0]["model_id"] == "amazon.nova-lite-v1:0"
    assert "0.58 倍" in result["answer"] and "安いのは Nova Micro" in result["answer"]


def test_question_without_a_known_model_asks_which(table: PriceTable) -> None:
    result = price_for_question("GPT-9 Ultra の料金は？", table, "ja")
    assert result["error"] == "unknown_model" and "特定できませんでした" in result["answer"]


def test_pricing_tool_schema_and_error(table: PriceTable) -> None:
    tool = make_pricing_tool(table)
    assert "cheaper" in tool.description
    out = tool.invoke({"model": "DeepSeek-R1", "input_tokens": 200000, "output_tokens": 100000})
    assert out["cost"] == 0.81
    assert tool.invoke({"model": "nonexistent model xyz"})["error"]["code"] == "unknown_model"


def test_offer_file_is_parsed_as_a_stream_into_on_demand_rows() -> None:
    rows = {(r.model_id, r.region): r for r in parse_offer_file(OFFER, None, "AmazonBedrock")}
    deepseek = rows[("DeepSeek R1", "us-east-1")]
    assert (deepseek.input_per_1k, deepseek.output_per_1k) == (0.00135, 0.0054)  # batch row left out
    nova = rows[("Nova Micro", "ap-northeast-1")]
    assert (nova.input_per_1k, nova.output_per_1k) == (0.00004, 0.00016)  # per 1M tokens converted
    assert deepseek.as_of == "2026-11-01"


def _price_list_items() -> list[str]:
    offer = json.loads(OFFER.read_text())
    items = []
    for sku, product in offer["products"].items():
        items.append(json.dumps({"product": product, "terms": {"OnDemand": offer["terms"]["OnDemand"][sku]}}))
    return items


def test_pricing_api_rows_through_botocore_stubber() -> None:
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    stubber.add_response(
        "get_products",
        {"PriceList": _price_list_items(), "FormatVersion": "aws_v1"},
        {
            "ServiceCode": "AmazonBedrock",
            "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "ap-northeast-1"}],
        },
    )
    stubber.add_response(
        "get_products",
        {"PriceList": [], "FormatVersion": "aws_v1"},
        {
            "ServiceCode": "AmazonBedrockFoundationModels",
            "Filters": [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "ap-northeast-1"}],
        },
    )
    with stubber:
        rows = rows_from_pricing_api(client, "ap-northeast-1")
    assert [(r.model_id, r.region, r.input_per_1k) for r in rows] == [("Nova Micro", "ap-northeast-1", 0.00004)]


def test_refresh_caches_prices_and_the_table_adopts_them(tmp_path: Path) -> None:
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    stubber.add_response("get_products", {"PriceList": _price_list_items(), "FormatVersion": "aws_v1"})
    stubber.add_response("get_products", {"PriceList": [], "FormatVersion": "aws_v1"})
    cache = tmp_path / "prices" / "refreshed.json"
    with stubber:
        payload = refresh_prices(cache, None, client=client)
    assert cache.is_file() and payload["fetched_at"] and len(payload["rows"]) == 2
    table = PriceTable.load(cache=cache)
    tokyo = table.resolve("Nova Micro", "ap-northeast-1")
    assert tokyo.model_id == "amazon.nova-micro-v1:0" and tokyo.input_per_1k == 0.00004
    assert table.resolve("DeepSeek-R1").model_id == "deepseek.r1-v1:0"  # still one model, not two
    assert table.meta["refreshed_at"] == payload["fetched_at"]


def test_refresh_without_network_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(PriceError, match="cannot reach the AWS Price List"):
        refresh_prices(tmp_path / "prices" / "refreshed.json")
    assert not (tmp_path / "prices" / "refreshed.json").exists()


def test_a_region_without_a_price_is_said_not_swapped(table: PriceTable) -> None:
    result = price_for_question("Llama 3 70B を東京リージョンで使うといくらかかりますか？", table, "ja")
    assert "ap-northeast-1 の価格は手元のデータにありません" in result["answer"]
    assert result["region"] == "us-east-1"
