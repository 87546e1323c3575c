"""Hybrid retrieval: dense (multilingual) + BM25 (Japanese-aware), fused by reciprocal rank,
near-duplicates removed and the rest diversified with MMR, so the top-k never repeats a passage.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from knowledge.index import Hit, KnowledgeIndex
from knowledge.keyword_tokens import keyword_tokens
from knowledge.passage import Passage

Mode = Literal["hybrid", "dense", "keyword"]
MAX_QUERY_CHARS = 2000


class QueryError(ValueError):
    """A question we cannot search for; the message says why in one line."""


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion settings, chosen with bench/bench_fusion.py (figures in the README)."""

    fetch_k: int = 40  # candidates taken from each list before fusion
    # A small constant lets a passage ranked first by one list beat one ranked fifth by all
    # of them; at 60 generic pages (release notes, document history) won by consensus.
    rrf_k: int = 10
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    # The glossary's English rendering is a bag of keywords: it helps BM25 find English
    # evidence, but as a dense query it drifts toward generic pages, so it counts for less.
    translated_dense_weight: float = 0.5
    translated_keyword_weight: float = 1.0
    duplicate_cosine: float = 0.95
    mmr_lambda: float = 0.85
    candidates: int = 30


@dataclass(frozen=True)
class SearchResult:
    passage: Passage
    score: float

    def as_json(self) -> dict[str, object]:
        p = self.passage
        return {
            "id": p.id,
            "source": p.source_id,
            "kind": p.kind,
            "title": p.title,
            "location": p.location,
            "url": p.url,
            "section": p.section or None,
            "text": p.text,
            "score": round(self.score, 5),
        }


@dataclass(frozen=True)
class SearchResponse:
    query: str
    query_en: str | None
    results: list[SearchResult]
    timings_ms: dict[str, float]

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "query_en": self.query_en,
            "results": [r.as_json() for r in self.results],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


def check_query(query: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The question with runs of spaces collapsed; its lines are kept, since a pasted practice
    question puts one option on each line."""
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in (query or "").splitlines())
    cleaned = "\n".join(line for line in lines if line)
    if not cleaned:
        raise QueryError("the question is empty")
    if len(cleaned) > max_chars:
        raise QueryError(f"the question is too long ({len(cleaned):,} characters; the limit is {max_chars:,})")
    return cleaned


class HybridRetriever:
    def __init__(self, index: KnowledgeIndex, config: RetrievalConfig | None = None) -> None:
        self.index = index
        self.config = config or RetrievalConfig()

    def warm_up(self) -> float:
        """Load the model weights, the BM25 index and Chroma's HNSW segment; returns milliseconds.

        Called before the first search so its timings measure searching, not start-up.
        """
        start = time.perf_counter()
        vector = self.index.embeddings.embed_query("warm-up")
        if self.index.count():
            self.index.dense_search(vector, 1)
            self.index.refresh_keyword_index()
        return (time.perf_counter() - start) * 1000

    def search(
        self,
        query: str,
        k: int = 5,
        query_en: str | None = None,
        kinds: Sequence[str] | None = None,
        services: Sequence[str] | None = None,
        mode: Mode = "hybrid",
    ) -> SearchResponse:
        cfg = self.config
        clock = _Clock()
        query = check_query(query)
        query_en = query_en.strip() if query_en and query_en.strip() and query_en.strip() != query else None
        texts = [query, *([query_en] if query_en else [])]
        ranked: list[tuple[float, list[Hit]]] = []
        if mode in ("hybrid", "dense"):
            vectors = self.index.embeddings.embed_documents(texts)
            clock.lap("embed")
            weights = (cfg.dense_weight, cfg.translated_dense_weight)
            for weight, vector in zip(weights, vectors, strict=False):
                ranked.append((weight, self.index.dense_search(vector, cfg.fetch_k, kinds, services)))
            clock.lap("dense")
        if mode in ("hybrid", "keyword"):
            weights = (cfg.keyword_weight, cfg.translated_keyword_weight)
            for weight, text in zip(weights, texts, strict=False):
                hits = self.index.keyword_search(keyword_tokens(text), cfg.fetch_k, kinds, services)
                ranked.append((weight, hits))
            clock.lap("keyword")
        fused = reciprocal_rank_fusion(ranked, cfg.rrf_k)
        top = sorted(fused.items(), key=lambda kv: -kv[1])[: cfg.candidates]
        found = self.index.passages([pid for pid, _ in top], with_vectors=True)
        candidates = [(found[pid][0], score, found[pid][1]) for pid, score in top if pid in found]
        clock.lap("fetch")
        chosen = diversify(candidates, k, cfg.duplicate_cosine, cfg.mmr_lambda)
        clock.lap("rerank")
        results = [SearchResult(p, s) for p, s in chosen]
        return SearchResponse(query, query_en, results, clock.timings())


def reciprocal_rank_fusion(lists: Sequence[tuple[float, Sequence[Hit]]], k: int = 60) -> dict[str, float]:
    fused: dict[str, float] = {}
    for weight, hits in lists:
        for rank, hit in enumerate(hits, start=1):
            fused[hit.id] = fused.get(hit.id, 0.0) + weight / (k + rank)
    return fused


def diversify(
    candidates: Sequence[tuple[Passage, float, np.ndarray | None]],
    k: int,
    duplicate_cosine: float,
    mmr_lambda: float,
) -> list[tuple[Passage, float]]:
    """Drop near-duplicates (same text, or vectors closer than `duplicate_cosine`), then pick by MMR."""
    unique: list[tuple[Passage, float, np.ndarray | None]] = []
    seen_text: set[str] = set()
    for passage, score, vector in candidates:
        key = _normalised(passage.text)
        if key in seen_text:
            continue
        if vector is not None and any(v is not None and _cos(vector, v) >= duplicate_cosine for _, _, v in unique):
            continue
        seen_text.add(key)
        unique.append((passage, score, vector))
    if not unique:
        return []
    top_score = max(s for _, s, _ in unique)
    chosen: list[tuple[Passage, float, np.ndarray | None]] = []
    pool = list(unique)
    while pool and len(chosen) < k:

        def gain(item: tuple[Passage, float, np.ndarray | None]) -> float:
            relevance = item[1] / top_score
            if item[2] is None or not chosen:
                return relevance
            similarity = max((_cos(item[2], c[2]) for c in chosen if c[2] is not None), default=0.0)
            return mmr_lambda * relevance - (1 - mmr_lambda) * similarity

        best = max(pool, key=gain)
        pool.remove(best)
        chosen.append(best)
    return [(p, s) for p, s, _ in chosen]


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b)) or 1.0
    return float(a @ b) / denominator


def _normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


class _Clock:
    def __init__(self) -> None:
        self._start = self._last = time.perf_counter()
        self._laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self._laps[name] = self._laps.get(name, 0.0) + (now - self._last) * 1000
        self._last = now

    def timings(self) -> dict[str, float]:
        return {**self._laps, "total": (time.perf_counter() - self._start) * 1000}


class DocsSearchInput(BaseModel):
    query: str = Field(description="The learner's question, in Japanese or English, as asked.")
    query_en: str | None = Field(default=None, description="An English rendering of the question, if known.")
    k: int = Field(default=5, ge=1, le=20, description="How many passages to return.")


def make_docs_tool(retriever: HybridRetriever) -> StructuredTool:
    def docs(query: str, query_en: str | None = None, k: int = 5) -> dict[str, object]:
        return retriever.search(query, k=k, query_en=query_en).as_json()

    return StructuredTool.from_function(
        func=docs,
        name="docs",
        description=(
            "Search AWS documentation (API reference, guides) and the learner's study notes. Use it for "
            "any question about what an AWS service does, how to configure it, or which service fits a "
            "need. Returns ranked passages with title, location, URL and text, never the same passage twice."
        ),
        args_schema=DocsSearchInput,
    )
