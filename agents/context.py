"""The composition root: builds the index, retriever and agent that the CLI and the app share."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from agents.graph import build_graph
from agents.nodes import AgentDeps
from agents.providers import FACTORIES, ChatProvider, ProviderUnavailable
from agents.settings import Settings
from knowledge.embeddings import embedding_name, make_embeddings
from knowledge.index import KnowledgeIndex
from tools.pricing import load_table
from tools.retrieval import HybridRetriever
from tools.translate import Translator, amazon_translate, default_glossary


@dataclass
class Runtime:
    settings: Settings
    index: KnowledgeIndex
    retriever: HybridRetriever
    _closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for closer in self._closers:
            closer.close()
        self.index.close()

    def agent(self, provider: str | None = None, settings: Settings | None = None) -> Any:
        """The compiled graph with a SQLite checkpointer in the data directory."""
        from langgraph.checkpoint.sqlite import SqliteSaver

        connection = sqlite3.connect(self.settings.data_dir / "conversations.sqlite3", check_same_thread=False)
        self._closers.append(connection)
        return build_graph(self.deps(provider, settings), SqliteSaver(connection))

    def deps(self, provider: str | None = None, settings: Settings | None = None) -> AgentDeps:
        """The agent's dependencies; `settings` overrides the model, region and k (the app's sidebar)."""
        settings = settings or self.settings
        choice = provider or settings.provider
        cache: dict[str, ChatProvider] = {}

        def factory(name: str) -> ChatProvider:
            if name not in cache:
                if name not in FACTORIES:
                    raise ProviderUnavailable(f"unknown provider {name!r}")
                cache[name] = FACTORIES[name](settings)
            return cache[name]

        model = _router_model(factory, choice)
        return AgentDeps(
            retriever=self.retriever,
            glossary=default_glossary(),
            provider_choice=choice,
            provider_factory=factory,
            router_model=model,
            quiz_model=model,
            translator=_translator(settings),
            prices=load_table(self.settings.data_dir),
            answer_language=settings.answer_language,
            k=settings.retrieval_k,
        )


def _router_model(factory: Any, choice: str) -> Any:
    """Bedrock routes and drafts quiz questions when it is the provider; a small local model does
    neither better than the rules and the passage-built questions."""
    if choice not in ("auto", "bedrock"):
        return None
    try:
        return factory("bedrock").chat
    except ProviderUnavailable:
        return None


def _translator(settings: Settings) -> Translator | None:
    import boto3

    if boto3.Session().get_credentials() is None:
        return None
    return amazon_translate(boto3.client("translate", region_name=settings.aws_region))


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
