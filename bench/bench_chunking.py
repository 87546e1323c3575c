"""Passage size and overlap, chosen by measurement.

    python bench/bench_chunking.py [--guides s3-user-guide iam-user-guide] [--sizes 200:30 300:40 450:60]

Indexes the chosen guides of ../shared/corpus once per size into a temporary folder and scores
the questions whose evidence exists in those guides: hit@5 (hybrid and dense-only), MRR,
passages and ingest time.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import tempfile
import time
from pathlib import Path

from common import SHARED, open_index, questions, table

import knowledge.ingest as ingest_module
from agents.evaluation import evaluate_retrieval, is_evidence
from knowledge.ingest import ingest
from knowledge.splitter import split_document
from tools.retrieval import HybridRetriever


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guides", nargs="+", default=["s3-user-guide", "iam-user-guide"])
    parser.add_argument("--sizes", nargs="+", default=["200:30", "300:40", "450:60"])
    args = parser.parse_args()
    targets = [str(SHARED / "corpus" / g) for g in args.guides]
    results = []
    for spec in args.sizes:
        max_tokens, overlap = (int(x) for x in spec.split(":"))
        folder = Path(tempfile.mkdtemp(prefix="awsstudy-chunking-"))
        # the splitter's sizes are module constants; the benchmark swaps the function ingest calls
        ingest_module.split_document = functools.partial(  # type: ignore[assignment]
            split_document, max_tokens=max_tokens, overlap_tokens=overlap
        )
        index = open_index(folder)
        start = time.perf_counter()
        report = ingest(index, targets)
        seconds = time.perf_counter() - start
        results.append((spec, index, report.chunks_added, seconds, folder))
    # score only questions whose evidence exists somewhere in these guides
    answerable = []
    for item in questions():
        for _, index, _, _, _ in results:
            texts = [p.text for p, _ in index.passages(sorted(index.live_ids())).values()]
            if any(is_evidence(t, item["evidence"]) for t in texts):
                answerable.append(item)
                break
    rows = []
    for spec, index, passages, seconds, folder in results:
        retriever = HybridRetriever(index)
        hybrid = evaluate_retrieval(retriever, answerable, k=5).as_json()
        dense = evaluate_retrieval(retriever, answerable, k=5, mode="dense", translate=False).as_json()
        rows.append(
            [
                spec,
                passages,
                f"{seconds:.0f}",
                hybrid["evidence_hit_at_k"],
                hybrid["evidence_mrr"],
                dense["evidence_hit_at_k"],
                hybrid["latency_ms"]["p50"],
            ]
        )
        index.close()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"guides: {', '.join(args.guides)}; {len(answerable)} answerable questions\n")
    print(
        table(
            rows,
            [
                "max:overlap tokens",
                "passages",
                "ingest s",
                "hybrid hit@5",
                "hybrid MRR",
                "dense hit@5",
                "p50 ms",
            ],
        )
    )


if __name__ == "__main__":
    main()
