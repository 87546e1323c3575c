"""The Bedrock path against botocore's Stubber: the real langchain-aws client, mocked only at the wire."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from agents.graph import build_graph
from agents.nodes import AgentDeps
from agents.providers import ChatProvider, ProviderUnavailable, bedrock_provider
from agents.settings import Settings
from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from tools.retrieval import HybridRetriever
from tools.translate import amazon_translate, default_glossary, translate_text

FIXTURES = Path(__file__).parents[1] / "fixtures"
MODEL = "us.amazon.nova-lite-v1:0"


def converse_reply(text: str) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 120, "outputTokens": 20, "totalTokens": 140},
        "metrics": {"latencyMs": 250},
    }


def stubbed_client(service: str = "bedrock-runtime") -> Any:
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")


def stubbed_provider(tmp_path: Path) -> tuple[ChatProvider, Stubber]:
    client = stubbed_client()
    settings = Settings(data_dir=tmp_path, bedrock_model_id=MODEL, aws_region="us-east-1")
    provider = bedrock_provider(settings, client=client)
    provider.chat.disable_streaming = True  # the Stubber answers `converse`; streaming uses an event stream
    return provider, Stubber(client)


@pytest.fixture
def retriever(index: KnowledgeIndex, tmp_path: Path) -> HybridRetriever:
    shutil.copytree(FIXTURES / "docs", tmp_path / "docs")
    ingest(index, [str(tmp_path / "docs")])
    return HybridRetriever(index)


def run(retriever: HybridRetriever, provider: ChatProvider, question: str) -> dict[str, Any]:
    deps = AgentDeps(
        retriever=retriever,
        glossary=default_glossary(),
        provider_factory=lambda name: (
            provider if name == "bedrock" else (_ for _ in ()).throw(ProviderUnavailable("no local model"))
        ),
    )
    return dict(build_graph(deps).invoke({"question": question}, {"configurable": {"thread_id": "b"}}))


def test_bedrock_answer_comes_back_with_its_model_id(retriever: HybridRetriever, tmp_path: Path) -> None:
    provider, stubber = stubbed_provider(tmp_path)
    stubber.add_response("converse", converse_reply("SageMaker assumes the execution role [1]."))
    with stubber:
        state = run(retriever, provider, "Which identity does a training job use to read S3?")
    assert state["provider"] == "bedrock" and state["model"] == MODEL
    assert state["answer"].startswith("SageMaker assumes") and state["citations"][0]["n"] == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("AccessDeniedException", "Bedrock denied access"),
        ("ThrottlingException", "throttling"),
        ("ResourceNotFoundException", "not available in us-east-1"),
    ],
)
def test_bedrock_errors_fall_back_with_a_clear_notice(
    retriever: HybridRetriever, tmp_path: Path, code: str, message: str
) -> None:
    provider, stubber = stubbed_provider(tmp_path)
    stubber.add_client_error("converse", service_error_code=code, service_message="stubbed", http_status_code=400)
    with stubber:
        state = run(retriever, provider, "How do I restore a deleted object in a versioned S3 bucket?")
    assert state["provider"] == "extractive" and state["citations"]
    assert any(message in n for n in state["notices"]), state["notices"]


def test_no_credentials_is_a_clear_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ProviderUnavailable, match="no AWS credentials found"):
        bedrock_provider(Settings(data_dir=tmp_path))


def test_amazon_translate_is_used_when_available_and_glossary_when_it_fails() -> None:
    client = stubbed_client("translate")
    stubber = Stubber(client)
    stubber.add_response(
        "translate_text",
        {
            "TranslatedText": "The training job reads data from S3.",
            "SourceLanguageCode": "ja",
            "TargetLanguageCode": "en",
        },
        {
            "Text": "トレーニングジョブは S3 からデータを読み込みます",
            "SourceLanguageCode": "ja",
            "TargetLanguageCode": "en",
        },
    )
    stubber.add_client_error("translate_text", service_error_code="AccessDeniedException")
    with stubber:
        ok = translate_text(
            "トレーニングジョブは S3 からデータを読み込みます", default_glossary(), amazon_translate(client)
        )
        fallback = translate_text("トレーニングジョブを監視", default_glossary(), amazon_translate(client))
    assert ok["method"] == "translator" and ok["text"] == "The training job reads data from S3."
    assert fallback["method"] == "glossary-keywords" and "training job" in str(fallback["text"])


@pytest.mark.live
def test_live_bedrock_answers_in_japanese(tmp_path: Path) -> None:
    provider = bedrock_provider(Settings(data_dir=tmp_path))
    text = provider.invoke([("human", "「実行ロール」を一文で説明してください。")])  # type: ignore[list-item]
    assert text and any("\u3040" <= ch <= "\u30ff" for ch in text)
