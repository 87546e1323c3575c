"""The agent end to end: router accuracy, and per provider the time to first token and the total
answer time on the six questions of ../shared/eval/dev.jsonl, with how many carry the key facts.

    python bench/bench_agent.py --data-dir DIR [--providers extractive bedrock local]

A provider that cannot run here (no credentials, no local model) is listed with the reason.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from pathlib import Path

from common import ROOT, SHARED, table

from agents.context import open_runtime
from agents.evaluation import is_evidence, load_questions
from agents.providers import FACTORIES, ProviderUnavailable
from agents.router import classify_route
from agents.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--providers", nargs="+", default=["extractive", "bedrock", "local"])
    args = parser.parse_args()

    labelled = [
        json.loads(line) for line in (ROOT / "tests" / "agents" / "router_cases.jsonl").read_text().splitlines()
    ]
    right = sum(classify_route(c["question"]) == c["route"] for c in labelled)
    print(
        f"router (rules, offline): {right}/{len(labelled)} = {right / len(labelled):.1%} "
        "on tests/agents/router_cases.jsonl\n"
    )

    settings = Settings(data_dir=args.data_dir)
    runtime = open_runtime(settings)
    runtime.retriever.warm_up()
    questions = load_questions(SHARED / "eval" / "dev.jsonl")
    rows = []
    for name in args.providers:
        if name != "extractive":
            try:
                FACTORIES[name](settings)
            except ProviderUnavailable as exc:
                rows.append([name, "-", "-", "-", "-", f"unavailable: {exc}"])
                continue
        agent = runtime.agent(name)
        first, total, facts = [], [], 0
        for item in questions:
            started = time.perf_counter()
            first_token = None
            state: dict[str, object] = {}
            config = {"configurable": {"thread_id": uuid.uuid4().hex}}
            for mode, chunk in agent.stream({"question": item["question"]}, config, stream_mode=["custom", "values"]):
                if mode == "custom" and "token" in chunk and first_token is None:
                    first_token = time.perf_counter() - started
                elif mode == "values":
                    state = chunk
            elapsed = time.perf_counter() - started
            total.append(elapsed * 1000)
            first.append((first_token if first_token is not None else elapsed) * 1000)
            answer = str(state.get("answer", ""))
            forbidden = any(s.lower() in answer.lower() for s in item.get("answer_must_not", []))
            facts += bool(item.get("answer_facts")) and is_evidence(answer, item["answer_facts"]) and not forbidden
        rows.append(
            [
                name,
                f"{statistics.median(first):.0f}",
                f"{statistics.median(total):.0f}",
                f"{max(total):.0f}",
                f"{facts}/{len(questions)}",
                "",
            ]
        )
    print(table(rows, ["provider", "first token p50 ms", "answer p50 ms", "answer max ms", "key facts", "note"]))
    runtime.close()


if __name__ == "__main__":
    main()
