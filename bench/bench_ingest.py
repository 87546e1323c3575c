"""Ingest throughput: the default index, then ../shared/notes and ../shared/corpus, into a fresh data dir.

    python bench/bench_ingest.py --data-dir /tmp/awsstudy-bench [--skip-corpus]

Prints passages/s, total time and the index size on disk after each step.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from common import SHARED, dir_size_mb, open_index, table

from knowledge.ingest import default_targets, ingest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--keep", action="store_true", help="reuse what is already in --data-dir")
    args = parser.parse_args()
    if not args.keep:
        shutil.rmtree(args.data_dir, ignore_errors=True)
    index = open_index(args.data_dir)
    steps = [("default (notes + botocore)", default_targets())]
    if not args.skip_corpus:
        steps.append(("shared/notes + shared/corpus", [str(SHARED / "notes"), str(SHARED / "corpus")]))
    rows = []
    for name, targets in steps:
        report = ingest(index, targets)
        rate = report.chunks_added / report.seconds if report.seconds else 0
        rows.append(
            [
                name,
                report.sources,
                report.chunks_added,
                f"{report.seconds:.1f}",
                f"{rate:.0f}",
                f"{dir_size_mb(args.data_dir):.0f}",
                len(report.errors),
            ]
        )
        print(table(rows[-1:], ["step", "sources", "passages", "seconds", "passages/s", "MB on disk", "errors"]))
    again = ingest(index, [t for _, targets in steps for t in targets])
    print(
        f"\nre-ingest of everything: {again.chunks_added} added, {again.unchanged} sources unchanged, "
        f"{again.seconds:.1f} s"
    )
    print("\n" + table(rows, ["step", "sources", "passages", "seconds", "passages/s", "MB on disk", "errors"]))
    index.close()


if __name__ == "__main__":
    main()
