"""The packaged local model where we use it, and where we check it; every figure of the README's
"Local model" section comes from here.

    python bench/bench_local.py --data-dir DIR [--sets tuning holdout] [--skip-model] [--skip-prose]

- model: load time, first-token time and tokens/s on a pick prompt and on a RAG answer prompt;
- practice questions (bench/practice_*.jsonl): options parsed with the right count, every option
  with a reason and a citation, and picks right closed-book vs with the retrieved evidence;
- yes/no verdicts (bench/yes_no_*.jsonl): right / wrong / no verdict, extractive and with the
  local model writing the answer (its verdict checked against the cited sentences).
The *_tuning files were used while building; the *_holdout files were written before the code
and never used to choose anything.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from common import ROOT, SHARED, table

from agents.context import open_runtime
from agents.evaluation import is_evidence
from agents.practice_answer import gather_evidence, pick_answer
from agents.providers import ProviderUnavailable, local_provider
from agents.settings import Settings
from tools.practice import parse_practice
from tools.translate import default_glossary

BENCH = ROOT / "bench"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def verdict_of(answer: str) -> str | None:
    head = answer.strip()[:12].lower()
    if head.startswith(("はい", "yes")):
        return "yes"
    if head.startswith(("いいえ", "no.", "no,", "no ")):
        return "no"
    return None


def model_speed(chat: Any) -> list[list[object]]:
    rows = []
    started = time.perf_counter()
    chat.server()
    rows.append(["load (once per process)", f"{time.perf_counter() - started:.1f} s", ""])
    prompts = {
        "pick prompt (~300 tokens in, 1 out)": "Answer with one letter.\n" + "Evidence: SageMaker assumes an "
        "execution role to read S3. " * 12 + "\nWhich identity? A. IAM user B. execution role C. root D. none",
        "RAG answer (~1,200 tokens in)": "Answer in Japanese in about 5 sentences.\n" + "SageMaker training jobs "
        "read data from Amazon S3 with an execution role that SageMaker assumes. "
        * 60
        + "\nQ: トレーニングジョブが S3 を読む仕組みを説明してください。",
    }
    for label, prompt in prompts.items():
        started = time.perf_counter()
        first = None
        pieces = 0
        for chunk in chat.stream(prompt):
            if chunk.content and first is None:
                first = time.perf_counter() - started
            pieces += bool(chunk.content)
        total = time.perf_counter() - started
        rate = (pieces - 1) / (total - first) if first is not None and total > first and pieces > 1 else 0.0
        rows.append([label, f"first token {first or total:.1f} s", f"{rate:.1f} tokens/s, {total:.1f} s total"])
    return rows


def practice_rows(runtime: Any, provider: Any | None, name: str, items: list[dict[str, Any]]) -> list[object]:
    glossary = default_glossary()
    parsed_ok = reasons_ok = closed = evidence = 0
    times: list[float] = []
    for item in items:
        question = parse_practice(item["text"])
        if question is None or len(question.options) != len(item["options"]) or question.picks != item["picks"]:
            continue
        parsed_ok += 1
        found = gather_evidence(runtime.retriever, question, glossary)
        reasons_ok += all(o.sentence and o.passage for o in found.options)
        if provider is None:
            continue
        truth = sorted(item["answer"])
        started = time.perf_counter()
        pick = pick_answer(provider, found, closed_book=True)  # what `auto` does with it
        times.append(time.perf_counter() - started)
        closed += bool(pick and pick.answer == truth)
        pick = pick_answer(provider, found, closed_book=False)
        evidence += bool(pick and pick.answer == truth)
    n = len(items)
    picks = (f"{closed}/{n} = {closed / n:.2f}", f"{evidence}/{n} = {evidence / n:.2f}") if provider else ("-", "-")
    p50 = f"{statistics.median(times):.1f} s" if times else "-"
    return [name, f"{parsed_ok}/{n}", f"{reasons_ok}/{n}", *picks, p50]


def verdict_rows(runtime: Any, provider: str, name: str, items: list[dict[str, Any]]) -> list[object]:
    agent = runtime.agent(provider)
    right = wrong = none = 0
    wrong_ids = []
    for item in items:
        state = agent.invoke({"question": item["question"]}, {"configurable": {"thread_id": uuid.uuid4().hex}})
        said = verdict_of(str(state.get("answer", "")))
        if said is None:
            none += 1
        elif said == item["verdict"]:
            right += 1
        else:
            wrong += 1
            wrong_ids.append(item["id"])
    n = len(items)
    return [name, provider, f"{right}/{n} = {right / n:.2f}", str(wrong), str(none), " ".join(wrong_ids)]


def dev_rows(runtime: Any, provider: str) -> list[object]:
    agent = runtime.agent(provider)
    items = load(SHARED / "eval" / "dev.jsonl")
    ok = 0
    times = []
    for item in items:
        started = time.perf_counter()
        state = agent.invoke({"question": item["question"]}, {"configurable": {"thread_id": uuid.uuid4().hex}})
        times.append(time.perf_counter() - started)
        answer = str(state.get("answer", ""))
        forbidden = any(s.lower() in answer.lower() for s in item.get("answer_must_not", []))
        ok += bool(item.get("answer_facts")) and is_evidence(answer, item["answer_facts"]) and not forbidden
    return [provider, f"{ok}/{len(items)}", f"{statistics.median(times):.1f} s", f"{max(times):.1f} s"]


def query_rows(runtime: Any, chat: Any, name: str, path: Path) -> list[object]:
    """hit@5 of Japanese questions searched with the glossary's English, the model's, or both."""
    from agents.evaluation import score_response
    from tools.translate import ModelQueryTranslator, english_search_query

    items = [q for q in load(path) if q.get("evidence") and q.get("lang") == "ja"]
    translate = ModelQueryTranslator(chat)
    hits = {"glossary": 0, "model": 0, "model + glossary": 0}
    times = []
    for item in items:
        glossary_en = english_search_query(item["question"]) or ""
        started = time.perf_counter()
        model_en = translate(item["question"])
        times.append(time.perf_counter() - started)
        for label, query_en in (("glossary", glossary_en), ("model", model_en),
                                ("model + glossary", f"{model_en} {glossary_en}")):  # fmt: skip
            response = runtime.retriever.search(item["question"], k=5, query_en=query_en)
            hits[label] += score_response(item, response).hit_rank is not None
    n = len(items)
    return [name, n, *(f"{hits[k]}/{n}" for k in hits), f"{statistics.median(times):.1f} s"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True, help="an index built by bench_ingest.py")
    parser.add_argument("--model-dir", type=Path, help="data dir holding the installed model (default: --data-dir)")
    parser.add_argument("--sets", nargs="+", default=["tuning", "holdout"])
    parser.add_argument("--skip-model", action="store_true", help="offline figures only")
    parser.add_argument("--skip-prose", action="store_true", help="do not let the local model write answers")
    parser.add_argument("--skip-translate", action="store_true", help="do not measure the model's search queries")
    parser.add_argument("--skip-verdicts", action="store_true", help="do not run the yes/no and dev answers")
    parser.add_argument("--skip-practice", action="store_true", help="do not run the practice questions")
    parser.add_argument("--prose-sets", nargs="*", default=["tuning", "holdout"],
                        help="yes/no sets the local model also answers in prose (about 25 s a question)")  # fmt: skip
    parser.add_argument("--time-install", type=Path, metavar="EMPTY_DIR",
                        help="time `models install` into this fresh data dir, then again (the no-op)")  # fmt: skip
    args = parser.parse_args()
    if args.time_install is not None:
        from agents.model_install import install

        for attempt in ("first install", "second run (no-op)"):
            started = time.perf_counter()
            install(args.time_install)
            print(f"models install, {attempt}: {time.perf_counter() - started:.1f} s")
        print()
    settings = Settings(data_dir=args.data_dir)
    model_settings = Settings(data_dir=args.model_dir or args.data_dir)
    chat = provider = None
    if not args.skip_model:
        try:
            provider = local_provider(model_settings)
            chat = provider.chat
        except ProviderUnavailable as exc:
            print(f"local model unavailable: {exc}\n")
    runtime = open_runtime(settings)
    runtime.retriever.warm_up()
    if chat is not None:
        print(table(model_speed(chat), ["local model (xllamacpp, 2 threads)", "time", "rate"]) + "\n")
    if chat is not None and not args.skip_translate:
        files = {"tuning": BENCH / "questions.jsonl", "holdout": BENCH / "questions_holdout.jsonl"}
        rows = [query_rows(runtime, chat, s, files[s]) for s in args.sets]
        print(table(rows, ["Japanese questions", "n", "glossary hit@5", "model hit@5", "model + glossary hit@5",
                           "translation p50"]) + "\n")  # fmt: skip
    if not args.skip_practice:
        rows = [practice_rows(runtime, provider, s, load(BENCH / f"practice_{s}.jsonl")) for s in args.sets]
        header = ["practice set", "parsed", "option evidence", "closed-book right", "with evidence right", "pick p50"]
        print(table(rows, header) + "\n")
    if chat is not None:
        import os

        os.environ["AWSSTUDY_LOCAL_MODEL_PATH"] = str(chat.model_path)
        runtime.settings = settings.model_copy(update={"local_model_path": Path(chat.model_path)})
    if args.skip_verdicts:
        runtime.close()
        return
    providers = ["extractive"] + (["local"] if chat is not None and not args.skip_prose else [])
    rows = [
        verdict_rows(runtime, p, s, load(BENCH / f"yes_no_{s}.jsonl"))
        for s in args.sets
        for p in providers
        if p == "extractive" or s in args.prose_sets
    ]
    print(table(rows, ["yes/no set", "answers by", "right verdict", "wrong", "no verdict", "wrong ids"]) + "\n")
    rows = [dev_rows(runtime, p) for p in providers]
    print(table(rows, ["dev.jsonl answers by", "key facts", "p50", "max"]))
    runtime.close()


if __name__ == "__main__":
    main()
