"""Offline multilingual embeddings compared on speed and on ranking quality.

    python bench/bench_embeddings.py --data-dir DIR

Speed: passages/s on 100 indexed passages (~300 tokens) and sentences/s on short questions.
Quality: for each question, the union of the hybrid candidate lists from the index is re-ranked
by each model's cosine with the question; hit@5 and MRR of the evidence, Japanese and English.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from common import open_index, questions, table

from agents.evaluation import is_evidence
from knowledge.embeddings import EmbeddingUnavailable, make_embeddings
from knowledge.index import embedding_text
from knowledge.keyword_tokens import keyword_tokens
from tools.translate import english_search_query

CANDIDATES = ("use-m3", "e5-small")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=30, help="e5-small embeds ~5 passages/s: keep this small")
    parser.add_argument("--pool", type=int, default=15, help="candidates taken from each list")
    args = parser.parse_args()
    index = open_index(args.data_dir)
    items = questions()[: args.questions]
    pools = []
    for item in items:
        question = str(item["question"])
        query_en = english_search_query(question)
        texts = [question, *([query_en] if query_en else [])]
        ids: set[str] = set()
        for vector in index.embeddings.embed_documents(texts):
            ids |= {h.id for h in index.dense_search(vector, args.pool)}
        for text in texts:
            ids |= {h.id for h in index.keyword_search(keyword_tokens(text), args.pool)}
        pools.append((item, [p for p, _ in index.passages(sorted(ids)).values()]))
    sample = [p for _, pool in pools for p in pool][:100]
    rows = []
    for name in CANDIDATES:
        try:
            model = make_embeddings(name)
        except EmbeddingUnavailable as exc:
            rows.append([name, "-", "-", "-", "-", "-", str(exc)])
            continue
        model.embed_documents(["warm-up"])
        start = time.perf_counter()
        model.embed_documents([embedding_text(p) for p in sample])
        passages_per_s = len(sample) / (time.perf_counter() - start)
        short = [str(i["question"]) for i in items]
        start = time.perf_counter()
        for text in short:
            model.embed_query(text)
        queries_per_s = len(short) / (time.perf_counter() - start)
        ranks: dict[str, list[int | None]] = {"ja": [], "en": []}
        cache: dict[str, list[float]] = {}
        for item, pool in pools:
            q = np.asarray(model.embed_query(str(item["question"])))
            todo = [p for p in pool if p.id not in cache]
            if todo:
                cache.update(
                    zip(
                        [p.id for p in todo],
                        model.embed_documents([embedding_text(p) for p in todo]),
                        strict=True,
                    )
                )
            vectors = np.asarray([cache[p.id] for p in pool])
            order = np.argsort(-(vectors @ q))
            rank = next((n for n, i in enumerate(order, 1) if is_evidence(pool[i].text, item["evidence"])), None)
            ranks["ja" if item.get("lang") == "ja" else "en"].append(rank)
        every = ranks["ja"] + ranks["en"]
        rows.append(
            [
                name,
                f"{passages_per_s:.0f}",
                f"{queries_per_s:.0f}",
                _hit(every),
                _hit(ranks["ja"]),
                _hit(ranks["en"]),
                f"{np.mean([1 / r if r else 0 for r in every]):.3f}",
            ]
        )
    print(f"{len(items)} questions; pools of {np.mean([len(p) for _, p in pools]):.0f} candidates on average\n")
    print(table(rows, ["embedding", "passages/s", "queries/s", "hit@5", "ja", "en", "MRR"]))


def _hit(ranks: list[int | None]) -> str:
    return f"{sum(1 for r in ranks if r and r <= 5)}/{len(ranks)}"


if __name__ == "__main__":
    main()
