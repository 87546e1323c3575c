from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from knowledge.passage import KIND_GUIDE, KIND_NOTE
from tools.retrieval import HybridRetriever, QueryError, make_docs_tool
from tools.translate import english_search_query

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def retriever(index: KnowledgeIndex, tmp_path: Path) -> HybridRetriever:
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "docs", docs)
    shutil.copytree(docs, tmp_path / "copy" / "docs")  # the same pages again under another path
    notes = tmp_path / "notes"
    shutil.copytree(FIXTURES / "notes", notes)
    ingest(index, [str(docs), str(tmp_path / "copy")])
    ingest(index, [str(notes)], kind=KIND_NOTE)
    return HybridRetriever(index)


def test_japanese_question_finds_english_evidence(retriever: HybridRetriever) -> None:
    question = "SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？"
    response = retriever.search(question, k=3, query_en=english_search_query(question))
    assert response.query_en and "training job" in response.query_en
    english = [r for r in response.results if r.passage.kind == KIND_GUIDE]
    assert english and "execution role" in english[0].passage.text


def test_results_never_repeat_a_passage(retriever: HybridRetriever) -> None:
    response = retriever.search("How do I restore a deleted object with S3 versioning?", k=8)
    texts = [" ".join(r.passage.text.split()) for r in response.results]
    assert len(texts) == len(set(texts))
    assert any("delete marker" in t for t in texts)


def test_filters_by_kind(retriever: HybridRetriever) -> None:
    response = retriever.search("スポットトレーニング", k=5, kinds=[KIND_NOTE])
    assert response.results and all(r.passage.kind == KIND_NOTE for r in response.results)


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_every_mode_returns_scored_results_with_timings(retriever: HybridRetriever, mode: str) -> None:
    response = retriever.search("Managed Spot Training checkpoints", k=3, mode=mode)  # type: ignore[arg-type]
    assert response.results
    assert all(r.score > 0 for r in response.results)
    assert response.timings_ms["total"] > 0


@pytest.mark.parametrize(("query", "message"), [("", "empty"), ("   ", "empty"), ("あ" * 50_000, "too long")])
def test_empty_or_huge_questions_are_refused(retriever: HybridRetriever, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        retriever.search(query)


def test_passages_carry_location_and_url_for_drill_down(retriever: HybridRetriever) -> None:
    response = retriever.search("Managed Spot Training up to 90%", k=3)
    top = response.results[0].passage
    assert top.location.endswith(".md:L" + str(top.line_start) + "-" + str(top.line_end)) or ":L" in top.location
    assert top.url and top.url.startswith("https://docs.aws.amazon.com/")


def test_docs_tool_has_a_schema_and_returns_the_contract(retriever: HybridRetriever) -> None:
    tool = make_docs_tool(retriever)
    assert "AWS documentation" in tool.description
    out = tool.invoke({"query": "S3 versioning delete marker", "k": 2})
    assert set(out) == {"query", "query_en", "results", "timings_ms"}
    assert {"id", "source", "title", "location", "url", "section", "text", "score"} <= set(out["results"][0])


def test_empty_index_returns_no_results(index: KnowledgeIndex) -> None:
    assert HybridRetriever(index).search("anything").results == []
