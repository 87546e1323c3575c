from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from knowledge.loaders.files import LoadError
from knowledge.loaders.web import load_url
from knowledge.passage import KIND_WEB
from tests.net import free_port, wait_for_port

PAGE = """<html><head><title>Managed Spot Training - Amazon SageMaker AI</title></head>
<body><nav>Navigation</nav><div id="main-col-body"><h1>Managed Spot Training</h1>
<p>Managed Spot Training uses Amazon EC2 Spot instances to run training jobs and can optimize the cost of
training models by up to 90% over on-demand instances.</p></div></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "site"
    (root / "sagemaker" / "latest" / "dg").mkdir(parents=True)
    (root / "sagemaker" / "latest" / "dg" / "spot.html").write_text(PAGE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (root / "sitemap.xml").write_text(
        f"<urlset><url><loc>{base}/sagemaker/latest/dg/spot.html</loc></url>"
        f"<url><loc>{base}/missing.html</loc></url></urlset>"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_url_is_fetched_and_split_into_sections(site: str) -> None:
    doc = load_url(f"{site}/sagemaker/latest/dg/spot.html")
    assert doc.kind == KIND_WEB and doc.url == f"{site}/sagemaker/latest/dg/spot.html"
    assert doc.title == "Managed Spot Training"
    assert "up to 90%" in doc.sections[0].text and "Navigation" not in doc.sections[0].text


def test_failing_url_is_a_one_line_error(site: str) -> None:
    with pytest.raises(LoadError, match="HTTP 404"):
        load_url(f"{site}/missing.html")


def test_sitemap_ingests_its_pages_and_reports_the_broken_one(site: str, index: KnowledgeIndex) -> None:
    report = ingest(index, [f"{site}/sitemap.xml"])
    assert report.sources == 1 and report.chunks_added >= 1
    assert len(report.errors) == 1 and "missing.html" in report.errors[0]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not wait_for_port(port, 30):
            pytest.fail("chroma run did not start within 30 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_works_against_a_real_chroma_server(chroma_server: int, tmp_path: Path, embeddings: Embeddings) -> None:
    index = KnowledgeIndex(tmp_path / "local", embeddings, "use-m3", chroma_host="127.0.0.1", chroma_port=chroma_server)
    docs = Path(__file__).parents[1] / "fixtures" / "docs"
    report = ingest(index, [str(docs)])
    assert report.chunks_added > 0
    vector = embeddings.embed_query("S3 versioning delete marker")
    hits = index.dense_search(vector, 3)
    assert hits and "delete marker" in index.passages([hits[0].id])[hits[0].id][0].text
    index.close()


def test_a_teammate_sees_the_shared_server_and_ingest_never_sweeps_it(
    chroma_server: int, tmp_path: Path, embeddings: Embeddings
) -> None:
    docs = Path(__file__).parents[1] / "fixtures" / "docs"
    notes = Path(__file__).parents[1] / "fixtures" / "notes"
    alice = KnowledgeIndex(tmp_path / "alice", embeddings, "use-m3", chroma_host="127.0.0.1", chroma_port=chroma_server)
    shared = ingest(alice, [str(docs)]).chunks_added
    bob = KnowledgeIndex(tmp_path / "bob", embeddings, "use-m3", chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert bob.count() == shared  # Bob's manifest is empty, the server is not
    assert bob.keyword_search(["versioning"], 3)  # BM25 built from the server's passages
    ingest(bob, [str(notes)])  # an ingest on Bob's machine keeps Alice's passages
    assert alice.count() > shared and all(i in alice.live_ids() for i in bob.live_ids())
    alice.close()
    bob.close()
