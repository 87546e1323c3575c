"""The knowledge index: passage vectors in Chroma, BM25 over their tokens, and the manifest.

Chroma runs on disk under the data directory, or as a server (`chroma run`) when a host is given.
The collection records which embedding built it; opening it with another is refused.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.keyword_tokens import keyword_tokens
from knowledge.manifest import ChunkRecord, Manifest, ManifestError, SourceRecord
from knowledge.passage import Passage, SourceDocument

EMBED_BATCH = 64


class IndexUnavailable(RuntimeError):
    """A problem with the index that the user can fix; the message says how."""


class EmbeddingMismatch(IndexUnavailable):
    pass


class IndexCorrupt(IndexUnavailable):
    pass


@dataclass(frozen=True)
class AddResult:
    source_id: str
    added: int
    skipped: int
    removed: int
    unchanged: bool


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


def chroma_client(path: Path, host: str | None = None, port: int = 8000) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class KeywordIndex:
    """BM25 (bm25s) over the manifest's tokens, saved per manifest generation."""

    def __init__(self, chunks: list[ChunkRecord], retriever: Any) -> None:
        self.ids = [c.id for c in chunks]
        self.kinds = np.array([c.kind for c in chunks], dtype=object)
        self.services = np.array([c.service or "" for c in chunks], dtype=object)
        self._retriever = retriever

    @classmethod
    def build(cls, chunks: list[ChunkRecord]) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25()
        if chunks:
            retriever.index([c.tokens or ["\x00"] for c in chunks], show_progress=False)
        return cls(chunks, retriever)

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self._retriever.save(str(tmp))
        (tmp / "ids.json").write_text(
            json.dumps({"ids": self.ids, "kinds": list(self.kinds), "services": list(self.services)})
        )
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        data = json.loads((folder / "ids.json").read_text())
        chunks = [
            ChunkRecord(i, k, s or None, [])
            for i, k, s in zip(data["ids"], data["kinds"], data["services"], strict=True)
        ]
        retriever = bm25s.BM25.load(str(folder)) if chunks else bm25s.BM25()
        return cls(chunks, retriever)

    def search(self, tokens: list[str], n: int, mask: np.ndarray | None = None) -> list[Hit]:
        if not self.ids or not tokens:
            return []
        scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [Hit(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def mask(self, kinds: Sequence[str] | None, services: Sequence[str] | None) -> np.ndarray | None:
        if not kinds and not services:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if kinds:
            keep &= np.isin(self.kinds, list(kinds))
        if services:
            keep &= np.isin(self.services, list(services))
        return keep


class KnowledgeIndex:
    def __init__(
        self,
        data_dir: Path,
        embeddings: Embeddings,
        embedding_name: str,
        collection: str = "awsstudy",
        chroma_host: str | None = None,
        chroma_port: int = 8000,
        client: Any | None = None,
    ) -> None:
        self.data_dir = data_dir
        # On a shared `chroma run` server other people's ingests live beside ours: the server's
        # collection, not this machine's manifest, says what exists, and nothing is swept.
        self.shared = chroma_host is not None
        self.embeddings = embeddings
        self.embedding_name = embedding_name
        try:
            self.manifest = Manifest(data_dir / "manifest.sqlite3")
        except ManifestError as exc:
            raise IndexCorrupt(str(exc)) from exc
        try:
            self._client = client or chroma_client(data_dir / "chroma", chroma_host, chroma_port)
            self._collection = self._client.get_or_create_collection(
                collection,
                embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedding": embedding_name},
            )
        except Exception as exc:
            where = f"{chroma_host}:{chroma_port}" if chroma_host else str(data_dir / "chroma")
            raise IndexCorrupt(
                f"cannot open the Chroma index at {where} ({exc.__class__.__name__}: {exc}); "
                "if it is damaged, run `awsstudy ingest --rebuild`"
            ) from exc
        built_with = (self._collection.metadata or {}).get("embedding")
        if built_with and built_with != embedding_name:
            raise EmbeddingMismatch(
                f"the index was built with the embedding {built_with!r} but {embedding_name!r} is "
                f"selected; set AWSSTUDY_EMBEDDING={built_with} or run `awsstudy ingest --rebuild`"
            )
        self._keyword: KeywordIndex | None = None
        self._keyword_generation = ""
        self._live: set[str] | None = None
        # the app's sessions share one index: writers and the BM25 rebuild go one at a time
        self._write_lock = threading.RLock()

    # -- writing -----------------------------------------------------------------------------

    def add_document(
        self,
        doc: SourceDocument,
        passages: list[Passage],
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Store a source's passages; an unchanged source costs one manifest lookup."""
        with self._write_lock:
            previous = self.manifest.source(doc.source_id)
            if previous is not None and previous.content_hash == doc.content_hash:
                return AddResult(doc.source_id, 0, previous.chunks, 0, unchanged=True)
            old_ids = set(self.manifest.chunk_ids(doc.source_id))
            new_ids = [p.id for p in passages]
            stored = set(self._existing(new_ids))
            todo = [p for p in passages if p.id not in stored]
            for start in range(0, len(todo), EMBED_BATCH):
                batch = todo[start : start + EMBED_BATCH]
                vectors = self.embeddings.embed_documents([embedding_text(p) for p in batch])
                self._collection.upsert(
                    ids=[p.id for p in batch],
                    embeddings=vectors,
                    documents=[p.text for p in batch],
                    metadatas=[p.metadata() for p in batch],
                )
                if progress:
                    progress(len(batch))
            record = SourceRecord(
                source_id=doc.source_id,
                kind=doc.kind,
                title=doc.title,
                location=doc.location,
                url=doc.url,
                service=doc.service,
                content_hash=doc.content_hash,
                chunks=len(passages),
                ingested_at=time.time(),
            )
            self.manifest.replace_source(
                record, ((p.id, p.kind, p.service, keyword_tokens(keyword_text(p))) for p in passages)
            )
            gone = sorted(old_ids - set(new_ids))
            if gone:
                self._collection.delete(ids=gone)
            self._live = None
            return AddResult(doc.source_id, len(todo), len(passages) - len(todo), len(gone), unchanged=False)

    def remove_source(self, source_id: str) -> int:
        with self._write_lock:
            ids = self.manifest.chunk_ids(source_id)
            removed = self.manifest.remove_source(source_id)
            for start in range(0, len(ids), 5000):
                self._collection.delete(ids=ids[start : start + 5000])
            self._live = None
            return removed

    def sweep_orphans(self) -> int:
        """Delete vectors that no committed source owns (left by an interrupted ingest).

        Never on a shared server, where vectors this manifest does not know are a teammate's.
        """
        if self.shared:
            return 0
        with self._write_lock:
            live = self.live_ids()
            stored = self._collection.get(include=[])["ids"]
            orphans = [i for i in stored if i not in live]
            for start in range(0, len(orphans), 5000):
                self._collection.delete(ids=orphans[start : start + 5000])
            return len(orphans)

    def refresh_keyword_index(self) -> KeywordIndex:
        """Rebuild BM25 when the manifest (or a shared server's collection) changed since it was saved."""
        with self._write_lock:
            generation = str(self.manifest.generation())
            if self.shared:
                generation += f":{self._collection.count()}"
            if self._keyword is not None and self._keyword_generation == generation:
                return self._keyword
            folder = self.data_dir / "bm25"
            saved = self.manifest.get_meta("bm25_generation")
            keyword: KeywordIndex | None = None
            if saved == generation and (folder / "ids.json").is_file():
                try:
                    keyword = KeywordIndex.load(folder)
                except Exception:  # a damaged BM25 cache is rebuilt from the manifest
                    keyword = None
            if keyword is None:
                keyword = KeywordIndex.build(self._server_chunks() if self.shared else self.manifest.chunks())
                keyword.save(folder)
                self.manifest.set_meta("bm25_generation", generation)
            self._keyword, self._keyword_generation = keyword, generation
            return keyword

    def _server_chunks(self) -> list[ChunkRecord]:
        """Keyword tokens for every passage on a shared server, including those others ingested."""
        known = {c.id: c for c in self.manifest.chunks()}
        out: list[ChunkRecord] = []
        total = self._collection.count()
        for offset in range(0, total, 5000):
            page = self._collection.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            for pid, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                if pid in known:
                    out.append(known[pid])
                    continue
                passage = Passage.from_metadata(pid, text or "", dict(meta or {}))
                out.append(ChunkRecord(pid, passage.kind, passage.service, keyword_tokens(keyword_text(passage))))
        return out

    # -- reading -----------------------------------------------------------------------------

    def live_ids(self) -> set[str]:
        if self._live is None or (self.shared and len(self._live) != self._collection.count()):
            local = set(self.manifest.chunk_ids())
            self._live = local | set(self._collection.get(include=[])["ids"]) if self.shared else local
        return self._live

    def count(self) -> int:
        return len(self.live_ids())

    def sources(self) -> list[SourceRecord]:
        return self.manifest.sources()

    def dense_search(
        self,
        vector: list[float],
        n: int,
        kinds: Sequence[str] | None = None,
        services: Sequence[str] | None = None,
    ) -> list[Hit]:
        live = self.live_ids()
        if not live:
            return []
        where = _where(kinds, services)
        result = self._collection.query(
            query_embeddings=[vector], n_results=min(n, len(live)), where=where, include=["distances"]
        )
        ids, distances = result["ids"][0], (result["distances"] or [[]])[0]
        return [Hit(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True) if i in live]

    def keyword_search(
        self,
        tokens: list[str],
        n: int,
        kinds: Sequence[str] | None = None,
        services: Sequence[str] | None = None,
    ) -> list[Hit]:
        keyword = self.refresh_keyword_index()
        live = self.live_ids()
        return [h for h in keyword.search(tokens, n, keyword.mask(kinds, services)) if h.id in live]

    def passages(self, ids: Sequence[str], with_vectors: bool = False) -> dict[str, tuple[Passage, np.ndarray | None]]:
        if not ids:
            return {}
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        got = self._collection.get(ids=list(ids), include=include)
        vectors = got.get("embeddings") if with_vectors else None
        out: dict[str, tuple[Passage, np.ndarray | None]] = {}
        for n, pid in enumerate(got["ids"]):
            passage = Passage.from_metadata(pid, got["documents"][n], dict(got["metadatas"][n] or {}))
            out[pid] = (passage, np.asarray(vectors[n], dtype=np.float32) if vectors is not None else None)
        return out

    def _existing(self, ids: list[str]) -> list[str]:
        found: list[str] = []
        for start in range(0, len(ids), 5000):
            found.extend(self._collection.get(ids=ids[start : start + 5000], include=[])["ids"])
        return found

    def close(self) -> None:
        self.manifest.close()


def _where(kinds: Sequence[str] | None, services: Sequence[str] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if kinds:
        clauses.append({"kind": {"$in": list(kinds)}})
    if services:
        clauses.append({"service": {"$in": list(services)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def embedding_text(passage: Passage) -> str:
    heading = passage.heading_text()
    return f"{heading}\n{passage.text}" if heading else passage.text


def keyword_text(passage: Passage) -> str:
    return embedding_text(passage)


def reset_index(data_dir: Path) -> None:
    """Move a broken or outdated index aside and start empty (used by `ingest --rebuild`)."""
    from chromadb.api.client import SharedSystemClient

    # Chroma keeps one client per path for the life of the process; drop it with the files.
    SharedSystemClient.clear_system_cache()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in ("chroma", "manifest.sqlite3", "manifest.sqlite3-wal", "manifest.sqlite3-shm", "bm25"):
        target = data_dir / name
        if target.exists():
            backup = data_dir / "previous" / stamp / name
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(target), str(backup))
