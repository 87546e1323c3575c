"""Every benchmark in turn on one fresh index (about 20 minutes on 2 cores): `make bench`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
DATA = Path("/tmp/awsstudy-bench")

for script, extra in (
    ("bench_ingest.py", ["--data-dir", str(DATA)]),
    ("bench_search.py", ["--data-dir", str(DATA)]),
    ("bench_fusion.py", ["--data-dir", str(DATA)]),
    ("bench_chunking.py", []),
    ("bench_embeddings.py", ["--data-dir", str(DATA)]),
):
    print(f"\n=== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script), *extra], check=False)
