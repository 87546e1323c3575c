"""Pasted practice questions through the graph: evidence for every option; a pick only from a model."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agents.graph import build_graph
from agents.nodes import AgentDeps
from agents.practice_answer import _first_token_probabilities
from agents.providers import ChatProvider, ProviderUnavailable
from agents.router import classify_route
from knowledge.index import KnowledgeIndex
from knowledge.ingest import ingest
from tools.retrieval import HybridRetriever
from tools.translate import default_glossary

FIXTURES = Path(__file__).parents[1] / "fixtures"
PASTED = """A data science team runs SageMaker training jobs that read data from Amazon S3.
Which identity should SageMaker use to read the training data with the LEAST operational overhead?
A. An IAM user with long-term access keys stored in the training script
B. An execution role that SageMaker assumes, passed as RoleArn
C. The AWS account root user
D. A bucket policy that allows public read access"""


@pytest.fixture
def retriever(index: KnowledgeIndex, tmp_path: Path) -> HybridRetriever:
    shutil.copytree(FIXTURES / "docs", tmp_path / "docs")
    ingest(index, [str(tmp_path / "docs")])
    return HybridRetriever(index)


def run(retriever: HybridRetriever, provider: ChatProvider | None, choice: str = "auto") -> dict[str, Any]:
    def factory(name: str) -> ChatProvider:
        if provider is None or name != provider.name:
            raise ProviderUnavailable(f"no {name}")
        return provider

    deps = AgentDeps(retriever=retriever, glossary=default_glossary(), provider_choice=choice,
                     provider_factory=factory)  # fmt: skip
    return dict(build_graph(deps).invoke({"question": PASTED}, {"configurable": {"thread_id": "p"}}))


def test_a_pasted_practice_question_goes_to_docs_whatever_its_words() -> None:
    assert classify_route(PASTED) == "docs"
    priced = PASTED.replace("LEAST operational overhead", "MOST cost-effective solution and price")
    assert classify_route(priced) == "docs"


def test_offline_there_is_no_pick_and_every_option_has_cited_evidence(retriever: HybridRetriever) -> None:
    state = run(retriever, None)
    practice = state["practice"]
    assert practice["answer"] is None and practice["confidence"] is None and practice["picks"] == 1
    assert [o["label"] for o in practice["options"]] == ["A", "B", "C", "D"]
    assert all(o["verdict"] == "unknown" and o["reason"] and o["citations"] for o in practice["options"])
    numbers = [c["n"] for c in state["citations"]]
    assert numbers == sorted(set(numbers)) and all(1 <= n <= len(state["passages"]) for n in numbers)
    assert "答えは選んでいません" not in state["answer"]  # an English question gets English framing
    assert "No answer picked" in state["answer"] and "models install" in state["answer"]
    assert "| B |" in state["answer"]
    assert state["provider"] == "extractive"


def test_a_model_picks_and_every_option_gets_a_verdict_and_reason(retriever: HybridRetriever) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("B")]))
    state = run(retriever, ChatProvider("local", "tiny.gguf", model))
    practice = state["practice"]
    assert practice["answer"] == [1]
    assert [o["verdict"] for o in practice["options"]] == ["incorrect", "correct", "incorrect", "incorrect"]
    assert "execution role" in practice["options"][1]["reason"].lower()
    assert state["provider"] == "local" and state["model"] == "tiny.gguf"
    assert "answer: B" in state["answer"]


def test_a_reply_that_names_no_option_is_no_pick(retriever: HybridRetriever) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("I think the role one.")]))
    state = run(retriever, ChatProvider("local", "tiny.gguf", model))
    assert state["practice"]["answer"] is None and state["provider"] == "extractive"


def test_the_extractive_provider_never_picks(retriever: HybridRetriever) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("B")]))
    state = run(retriever, ChatProvider("local", "tiny.gguf", model), choice="extractive")
    assert state["practice"]["answer"] is None


def test_confidence_comes_from_the_first_token_probabilities() -> None:
    logprobs = {"content": [{"top_logprobs": [{"token": "B", "logprob": -0.05}, {"token": " A", "logprob": -3.0},
                                              {"token": "Z", "logprob": -1.0}]}]}  # fmt: skip
    probabilities = _first_token_probabilities(logprobs, ("A", "B", "C", "D"))
    assert set(probabilities) == {"A", "B"} and probabilities["B"] > 0.9
    assert _first_token_probabilities(None, ("A", "B")) == {}


class FailingModel(GenericFakeChatModel):
    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise TimeoutError("read timed out")


def test_a_failing_model_costs_the_pick_never_the_evidence(retriever: HybridRetriever) -> None:
    provider = ChatProvider("local", "tiny.gguf", FailingModel(messages=iter([])))
    state = run(retriever, provider)
    assert state["practice"]["answer"] is None and state["provider"] == "extractive"
    assert all(o["citations"] for o in state["practice"]["options"])
    assert any("local: error: TimeoutError: read timed out" in n for n in state["notices"]), state["notices"]


class LetterProbabilityModel(BaseChatModel):
    """Replies as the local model does with logprobs: one letter and the first token's alternatives.
    `favourite` is the option text it believes; None makes it always say "A" (position bias)."""

    favourite: str | None = None

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:  # fmt: skip
        body = str(messages[-1].content)
        label = "A"
        if self.favourite is not None:
            label = next(line.split(". ", 1)[0] for line in body.splitlines() if line.endswith(self.favourite))
        top = [{"token": label, "logprob": -0.05}] + [{"token": x, "logprob": -4.0} for x in "ABCD" if x != label]
        message = AIMessage(label, response_metadata={"logprobs": {"content": [{"top_logprobs": top}]}})
        return ChatResult(generations=[ChatGeneration(message=message)])


def test_the_local_pick_reads_both_orders_and_keeps_the_option_it_believes(retriever: HybridRetriever) -> None:
    model = LetterProbabilityModel(favourite="An execution role that SageMaker assumes, passed as RoleArn")
    state = run(retriever, ChatProvider("local", "tiny.gguf", model))
    assert state["practice"]["answer"] == [1] and state["practice"]["confidence"] == "high"


def test_a_model_that_only_favours_a_position_is_low_confidence(retriever: HybridRetriever) -> None:
    state = run(retriever, ChatProvider("local", "tiny.gguf", LetterProbabilityModel()))
    assert state["practice"]["confidence"] == "low"
