"""Search quality and latency on an existing index: hit@k for dense-only, BM25-only and hybrid.

    python bench/bench_search.py --data-dir DIR [-k 5]

Questions: ../shared/eval/dev.jsonl and bench/questions.jsonl (those with evidence).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import open_index, questions, table

from agents.evaluation import evaluate_retrieval
from tools.retrieval import HybridRetriever


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()
    index = open_index(args.data_dir)
    retriever = HybridRetriever(index)
    items = questions()
    retriever.warm_up()  # load the model and the BM25 index outside the timings
    print(f"index: {index.count()} passages; {len(items)} questions with evidence; k={args.k}\n")
    rows = []
    for mode, translate in (
        ("dense", False),
        ("keyword", False),
        ("keyword", True),
        ("hybrid", False),
        ("hybrid", True),
    ):
        report = evaluate_retrieval(retriever, items, k=args.k, mode=mode, translate=translate).as_json()  # type: ignore[arg-type]
        ja = [q for q, item in zip(report["per_question"], items, strict=True) if item.get("lang") == "ja"]
        en = [q for q, item in zip(report["per_question"], items, strict=True) if item.get("lang") != "ja"]
        lat = report["latency_ms"]
        misses = [q["id"] for q in report["per_question"] if q["hit_rank"] is None]
        rows.append(
            [
                f"{mode}{' + glossary EN' if translate else ''}",
                report["evidence_hit_at_k"],
                _hit(ja),
                _hit(en),
                report["evidence_mrr"],
                report["duplicate_passages"],
                lat["p50"],
                lat["p95"],
                " ".join(misses) or "-",
            ]
        )
    print(table(rows, ["retrieval", f"hit@{args.k}", "ja", "en", "MRR", "dups", "p50 ms", "p95 ms", "misses"]))


def _hit(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "-"
    hits = sum(1 for r in rows if r["hit_rank"])
    return f"{hits}/{len(rows)}"


if __name__ == "__main__":
    main()
