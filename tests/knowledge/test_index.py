from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from knowledge.index import EmbeddingMismatch, IndexCorrupt, KnowledgeIndex
from knowledge.ingest import ingest
from knowledge.passage import KIND_NOTE

FIXTURES = Path(__file__).parents[1] / "fixtures"


def copy_fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def test_reingesting_same_folder_adds_no_passages(index: KnowledgeIndex, tmp_path: Path) -> None:
    docs = copy_fixture(tmp_path, "docs")
    first = ingest(index, [str(docs)])
    assert first.chunks_added > 0 and not first.errors
    second = ingest(index, [str(docs)])
    assert second.chunks_added == 0 and second.unchanged == first.sources
    assert index.count() == first.chunks_added


def test_changed_file_replaces_its_old_passages(index: KnowledgeIndex, tmp_path: Path) -> None:
    docs = copy_fixture(tmp_path, "docs")
    ingest(index, [str(docs)])
    page = next(docs.rglob("s3-buckets.md"))
    page.write_text(
        "# Storing data\n\nAmazon S3 Intelligent-Tiering moves objects between access tiers automatically.\n"
    )
    report = ingest(index, [str(docs)])
    assert report.chunks_removed > 0 and report.chunks_added == 1
    texts = [p.text for p, _ in index.passages(sorted(index.live_ids())).values()]
    assert any("Intelligent-Tiering" in t for t in texts)
    assert not any("delete marker" in t for t in texts)


def test_removed_source_drops_its_passages(index: KnowledgeIndex, tmp_path: Path) -> None:
    docs = copy_fixture(tmp_path, "docs")
    ingest(index, [str(docs)])
    source = next(s for s in index.sources() if s.title == "Storing training data in Amazon S3")
    assert index.keyword_search(["versioning"], 5)
    removed = index.remove_source(source.source_id)
    assert removed == source.chunks
    assert source.source_id not in {s.source_id for s in index.sources()}
    assert index.keyword_search(["versioning"], 5) == []


def test_one_bad_file_does_not_stop_the_batch(index: KnowledgeIndex, tmp_path: Path) -> None:
    docs = copy_fixture(tmp_path, "docs")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (docs / "picture.png").write_bytes(b"\x89PNG")
    report = ingest(index, [str(docs), str(tmp_path / "missing-folder")])
    assert report.sources == 2
    assert len(report.errors) == 2
    assert any("broken.pdf" in e and "PDF" in e for e in report.errors)
    assert any("missing-folder" in e and "no such file" in e for e in report.errors)


class FailingEmbeddings(Embeddings):
    """Embeds normally, then fails on the N-th batch: a crash in the middle of an ingest."""

    name = "use-m3"

    def __init__(self, inner: Embeddings, fail_after: int) -> None:
        self.inner = inner
        self.calls = 0
        self.fail_after = fail_after

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls > self.fail_after:
            raise RuntimeError("simulated crash")
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_crash_mid_ingest_keeps_the_previous_index(tmp_path: Path, embeddings: Embeddings) -> None:
    data = tmp_path / "data"
    docs = copy_fixture(tmp_path, "docs")
    notes = copy_fixture(tmp_path, "notes")
    good = KnowledgeIndex(data, embeddings, "use-m3")
    ingest(good, [str(docs)])
    before = good.count()
    good.close()

    crashing = KnowledgeIndex(data, FailingEmbeddings(embeddings, fail_after=1), "use-m3")
    report = ingest(crashing, [str(notes)], kind=KIND_NOTE)
    assert report.errors and all("not indexed" in e for e in report.errors)
    assert crashing.count() == before + report.chunks_added
    crashing.close()

    reopened = KnowledgeIndex(data, embeddings, "use-m3")
    assert reopened.count() == before + report.chunks_added
    assert reopened.keyword_search(["versioning"], 5)  # the earlier sources are still searchable
    again = ingest(reopened, [str(notes)], kind=KIND_NOTE)
    assert not again.errors
    reopened.close()


def test_opening_with_another_embedding_is_refused(tmp_path: Path, embeddings: Embeddings) -> None:
    index = KnowledgeIndex(tmp_path / "data", embeddings, "use-m3")
    index.close()
    with pytest.raises(EmbeddingMismatch, match="built with the embedding 'use-m3'"):
        KnowledgeIndex(tmp_path / "data", embeddings, "e5-small")


def test_corrupt_manifest_is_a_clear_error(tmp_path: Path, embeddings: Embeddings) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "manifest.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorrupt, match="ingest --rebuild"):
        KnowledgeIndex(data, embeddings, "use-m3")


def test_corrupt_chroma_is_a_clear_error_and_rebuild_moves_it_aside(tmp_path: Path, embeddings: Embeddings) -> None:
    from knowledge.index import reset_index

    data = tmp_path / "data"
    index = KnowledgeIndex(data, embeddings, "use-m3")
    ingest(index, [str(copy_fixture(tmp_path, "docs"))])
    index.close()
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    with pytest.raises(IndexCorrupt, match="ingest --rebuild"):
        KnowledgeIndex(data, embeddings, "use-m3")
    reset_index(data)
    fresh = KnowledgeIndex(data, embeddings, "use-m3")
    assert fresh.count() == 0 and any((data / "previous").iterdir())
    fresh.close()
