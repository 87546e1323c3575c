"""The composition root: builds the index and retriever that the CLI and the app share from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from agents.settings import Settings
from knowledge.embeddings import embedding_name, make_embeddings
from knowledge.index import KnowledgeIndex
from tools.retrieval import HybridRetriever


@dataclass
class Runtime:
    settings: Settings
    index: KnowledgeIndex
    retriever: HybridRetriever

    def close(self) -> None:
        self.index.close()


def open_index(settings: Settings) -> KnowledgeIndex:
    embeddings = make_embeddings(settings.embedding, settings.aws_region)
    return KnowledgeIndex(
        settings.data_dir,
        embeddings,
        embedding_name(embeddings, settings.embedding),
        collection=settings.collection,
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
    )


def open_runtime(settings: Settings) -> Runtime:
    index = open_index(settings)
    return Runtime(settings, index, HybridRetriever(index))
