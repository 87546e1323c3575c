"""How the hybrid lists are weighted and fused, chosen by measurement on an existing index.

    python bench/bench_fusion.py --data-dir DIR

Each question's four ranked lists (dense and BM25, for the question and for its glossary English)
are fetched once; every setting is then scored on the tuning files and, separately, on the
held-out file that no setting was chosen on.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from common import HELD_OUT_FILES, TUNING_FILES, open_index, questions, table

from agents.evaluation import is_evidence
from knowledge.keyword_tokens import keyword_tokens
from tools.retrieval import RetrievalConfig, diversify, reciprocal_rank_fusion
from tools.translate import english_search_query


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    index = open_index(args.data_dir)
    sets = {"tuning": questions(TUNING_FILES), "held-out": questions(HELD_OUT_FILES)}
    cached = {name: [_lists(index, q) for q in items] for name, items in sets.items()}
    default = RetrievalConfig()
    grid = itertools.product((10, 30, 60), (0.0, 0.5, 1.0), (0.5, 1.0), (0.75, 0.85, 1.0))
    rows = []
    for rrf_k, dense_en, keyword_en, mmr in grid:
        weights = (1.0, dense_en, 1.0, keyword_en)
        scores = [_score(cached[name], weights, rrf_k, mmr, default) for name in sets]
        marker = (
            " <- default"
            if (rrf_k, dense_en, keyword_en, mmr)
            == (
                default.rrf_k,
                default.translated_dense_weight,
                default.translated_keyword_weight,
                default.mmr_lambda,
            )
            else ""
        )
        rows.append(
            [
                rrf_k,
                dense_en,
                keyword_en,
                mmr,
                *(f"{h}/{len(sets[n])}" for h, n in zip(scores, sets, strict=True)),
                sum(scores),
                marker,
            ]
        )
    rows.sort(key=lambda r: -int(r[6]))  # type: ignore[call-overload]
    print(
        table(
            rows[:20],
            ["rrf_k", "dense EN w", "BM25 EN w", "MMR λ", "tuning hit@5", "held-out hit@5", "sum", ""],
        )
    )
    for row in rows:
        if row[7]:
            print("\ndefault:", row[:7])


def _lists(index, item):  # type: ignore[no-untyped-def]
    question = str(item["question"])
    query_en = english_search_query(question)
    texts = [question, *([query_en] if query_en else [])]
    vectors = index.embeddings.embed_documents(texts)
    dense = [index.dense_search(v, 40) for v in vectors]
    keyword = [index.keyword_search(keyword_tokens(t), 40) for t in texts]
    ids = {h.id for hits in dense + keyword for h in hits}
    return item, dense, keyword, index.passages(sorted(ids), with_vectors=True)


def _score(cached, weights, rrf_k, mmr, cfg) -> int:  # type: ignore[no-untyped-def]
    hits = 0
    for item, dense, keyword, passages in cached:
        lists = [(weights[0], dense[0]), (weights[2], keyword[0])]
        if len(dense) > 1:
            lists += [(weights[1], dense[1]), (weights[3], keyword[1])]
        fused = sorted(reciprocal_rank_fusion(lists, rrf_k).items(), key=lambda kv: -kv[1])[: cfg.candidates]
        candidates = [(passages[i][0], s, passages[i][1]) for i, s in fused if i in passages]
        chosen = diversify(candidates, 5, cfg.duplicate_cosine, mmr)
        hits += any(is_evidence(p.text, item["evidence"]) for p, _ in chosen)
    return hits


if __name__ == "__main__":
    main()
