"""Shared fixtures. Tests never reach the network: any connection off the loopback fails loudly."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.embeddings import UniversalSentenceEncoderEmbeddings
from knowledge.index import KnowledgeIndex

FIXTURES = Path(__file__).parent / "fixtures"
_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if (
        isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1"))
    ) or self.family == socket.AF_UNIX:
        return _real_connect(self, address)  # type: ignore[arg-type]
    raise OSError(f"tests may not use the network (tried {address!r})")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-live", action="store_true", help="run tests that need AWS or the internet")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-live"):
        return
    skip = pytest.mark.skip(reason="live test: pass --run-live -m live")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def embeddings() -> UniversalSentenceEncoderEmbeddings:
    return UniversalSentenceEncoderEmbeddings()


@pytest.fixture
def index(tmp_path: Path, embeddings: UniversalSentenceEncoderEmbeddings) -> Iterator[KnowledgeIndex]:
    idx = KnowledgeIndex(tmp_path / "data", embeddings, embeddings.name)
    yield idx
    idx.close()
