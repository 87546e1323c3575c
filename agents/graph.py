"""The agent's wiring, in one place: understand → route → one of the four tools → answer."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from agents import nodes
from agents.nodes import AgentDeps
from agents.state import AgentState


def choose_tool(state: AgentState) -> Literal["docs", "pricing", "quiz", "translate"]:
    return state["route"]


def build_graph(deps: AgentDeps, checkpointer: BaseCheckpointSaver[Any] | None = None) -> Any:
    builder = StateGraph(AgentState)
    builder.add_node("understand", partial(nodes.understand, deps=deps))
    builder.add_node("route", partial(nodes.route, deps=deps))
    builder.add_node("docs", partial(nodes.docs, deps=deps))
    builder.add_node("pricing", partial(nodes.pricing, deps=deps))
    builder.add_node("quiz", partial(nodes.quiz, deps=deps))
    builder.add_node("translate", partial(nodes.translate, deps=deps))
    builder.add_node("answer", partial(nodes.answer, deps=deps))

    builder.add_edge(START, "understand")
    builder.add_edge("understand", "route")
    builder.add_conditional_edges("route", choose_tool)
    for tool in ("docs", "pricing", "quiz", "translate"):
        builder.add_edge(tool, "answer")
    builder.add_edge("answer", END)
    return builder.compile(checkpointer=checkpointer)
