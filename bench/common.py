"""Helpers shared by the benchmarks: open an index, load question files, print a table."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from agents.evaluation import load_questions  # noqa: E402
from knowledge.embeddings import make_embeddings  # noqa: E402
from knowledge.index import KnowledgeIndex  # noqa: E402

# dev.jsonl and our tuning set were used to choose settings; the held-out file never was.
TUNING_FILES = [SHARED / "eval" / "dev.jsonl", ROOT / "bench" / "questions.jsonl"]
HELD_OUT_FILES = [ROOT / "bench" / "questions_holdout.jsonl"]


def open_index(data_dir: Path, embedding: str = "use-m3") -> KnowledgeIndex:
    return KnowledgeIndex(data_dir, make_embeddings(embedding), embedding)


def questions(files: list[Path] | None = None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in files if files is not None else TUNING_FILES + HELD_OUT_FILES:
        if path.is_file():
            out += [q for q in load_questions(path) if q.get("evidence")]
    return out


def dir_size_mb(path: Path) -> float:
    total = 0
    for root, _, files in os.walk(path):
        total += sum((Path(root) / f).stat().st_size for f in files)
    return total / 1_048_576


def table(rows: list[list[object]], header: list[str]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
