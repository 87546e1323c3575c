"""The CLI's commands: parse nothing, print everything; the work happens in agents/, tools/, knowledge/."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from agents.settings import Settings
from cli.output import CliError, emit_json, shorten


def _question(text: str, settings: Settings) -> str:
    from tools.retrieval import QueryError, check_query

    try:
        return check_query(text, settings.max_query_chars)
    except QueryError as exc:
        raise CliError("bad_query", str(exc)) from exc


def _settings(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: a bad AWSSTUDY_* value
        raise CliError("settings", f"invalid settings: {' '.join(str(exc).split())[:300]}") from exc
    if args.data_dir is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    return settings


def _data_dir_ready(settings: Settings) -> None:
    """A data directory we can write to, or one line saying why not (never a traceback)."""
    path = settings.data_dir
    if path.exists() and not path.is_dir():
        raise CliError("data_dir", f"{path} is a file, not a directory; choose another --data-dir")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError("data_dir", f"cannot create the data directory {path} ({exc.strerror or exc})") from exc


@contextmanager
def _runtime(args: argparse.Namespace) -> Iterator[Any]:
    from agents.context import open_runtime
    from knowledge.embeddings import EmbeddingUnavailable
    from knowledge.index import IndexUnavailable

    settings = _settings(args)
    _data_dir_ready(settings)
    try:
        runtime = open_runtime(settings)
    except IndexUnavailable as exc:
        raise CliError("index", str(exc)) from exc
    except EmbeddingUnavailable as exc:
        raise CliError("embedding", str(exc)) from exc
    try:
        yield runtime
    finally:
        runtime.close()


def ingest(args: argparse.Namespace) -> int:
    from knowledge.index import reset_index
    from knowledge.ingest import default_targets
    from knowledge.ingest import ingest as run_ingest

    targets = list(args.targets)
    if args.url_list is not None:
        try:
            lines = args.url_list.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CliError("bad_input", f"{args.url_list}: cannot read ({exc.strerror or exc})") from exc
        targets += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if args.default or not targets:
        targets = default_targets() + targets
    if args.rebuild:
        reset_index(_settings(args).data_dir)
    with _runtime(args) as runtime:
        bar = _progress_bar(args.json)
        report = run_ingest(
            runtime.index,
            targets,
            kind=args.kind,
            on_source=(lambda doc, n: bar.set_description(shorten(doc.title, 40))) if bar else None,
            on_passages=bar.update if bar else None,
        )
        if bar:
            bar.close()
        total = runtime.index.count()
    payload = {**report.as_json(), "passages_in_index": total}
    if args.json:
        emit_json(payload)
    else:
        for line in report.errors:
            print(f"  ✗ {line}", file=sys.stderr)
        rate = report.chunks_added / report.seconds if report.seconds else 0.0
        print(
            f"{report.sources} sources ({report.unchanged} unchanged): {report.chunks_added} passages added, "
            f"{report.chunks_skipped} already indexed, {report.chunks_removed} removed "
            f"in {report.seconds:.1f} s ({rate:.0f} passages/s); {total} passages in the index"
        )
        if report.skipped_files:
            print(f"{len(report.skipped_files)} files of other types skipped")
        if report.errors:
            print(f"{len(report.errors)} sources could not be read (listed above)")
    return 0 if report.sources or not report.errors else 1


def _progress_bar(as_json: bool) -> Any:
    if as_json or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit=" passages", file=sys.stderr, dynamic_ncols=True)


def sources(args: argparse.Namespace) -> int:
    with _runtime(args) as runtime:
        if args.remove:
            if runtime.index.manifest.source(args.remove) is None:
                raise CliError("not_found", f"no source {args.remove!r}; `awsstudy sources` lists them")
            removed = runtime.index.remove_source(args.remove)
            runtime.index.refresh_keyword_index()
            if args.json:
                emit_json({"removed": args.remove, "chunks": removed})
            else:
                print(f"removed {args.remove} ({removed} passages)")
            return 0
        records = runtime.index.sources()
    if args.json:
        emit_json(
            {
                "sources": [
                    {
                        "id": r.source_id,
                        "kind": r.kind,
                        "title": r.title,
                        "location": r.location,
                        "url": r.url,
                        "chunks": r.chunks,
                        "ingested_at": r.ingested_at,
                    }
                    for r in records
                ]
            }
        )
        return 0
    if not records:
        print("the index is empty; run `awsstudy ingest` to build the default index")
        return 0
    for r in records:
        print(f"{r.kind:9} {r.chunks:6}  {shorten(r.title, 60):60}  {r.source_id}")
    print(f"{len(records)} sources, {sum(r.chunks for r in records)} passages")
    return 0


def search(args: argparse.Namespace) -> int:
    from tools.translate import english_search_query

    settings = _settings(args)
    question = _question(args.question, settings)
    k = args.k or settings.retrieval_k
    if not 1 <= k <= 50:
        raise CliError("bad_query", "-k must be between 1 and 50")
    query_en = args.query_en or (None if args.no_translate else english_search_query(question))
    with _runtime(args) as runtime:
        if runtime.index.count() == 0:
            raise CliError("empty_index", "the index is empty; run `awsstudy ingest` first")
        startup_ms = runtime.retriever.warm_up()
        response = runtime.retriever.search(
            question, k=k, query_en=query_en, kinds=args.kind, services=args.service, mode=args.mode
        )
    if args.json:
        emit_json(response.as_json())
        return 0
    if response.query_en:
        print(f"(searched also as: {response.query_en})")
    for n, result in enumerate(response.results, start=1):
        p = result.passage
        print(f"[{n}] {p.title}" + (f" › {p.section}" if p.section else ""))
        print(f"    {p.url or p.location}")
        print(f"    {shorten(p.text, 220)}")
    print(
        f"{len(response.results)} passages in {response.timings_ms['total']:.0f} ms "
        f"(loading the index and model took {startup_ms:.0f} ms)"
    )
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from agents.evaluation import EvalFileError, evaluate_answers, evaluate_retrieval, load_questions

    try:
        questions = load_questions(args.file)
    except EvalFileError as exc:
        raise CliError("bad_input", str(exc)) from exc
    with _runtime(args) as runtime:
        if runtime.index.count() == 0:
            raise CliError("empty_index", "the index is empty; run `awsstudy ingest` first")
        runtime.retriever.warm_up()
        report = evaluate_retrieval(runtime.retriever, questions, k=args.k, mode=args.mode).as_json()
        if not args.no_answers:
            report["answers"] = evaluate_answers(runtime.agent(args.provider), questions)
    if args.json:
        emit_json(report)
        return 0
    for q in report["per_question"]:
        hit = "—" if q["hit_rank"] == -1 else (f"hit @{q['hit_rank']}" if q["hit_rank"] else "MISS")
        print(f"{q['id']:>8}  {hit:8}  dup {q['duplicates']}  {q['latency_ms']:.0f} ms")
    lat = report["latency_ms"]
    print(
        f"evidence hit@{report['k']}: {report['evidence_hit_at_k']} over {report['with_evidence']} questions "
        f"(MRR {report['evidence_mrr']}); repeated passages: {report['duplicate_passages']}; "
        f"latency p50 {lat['p50']} ms, p95 {lat['p95']} ms"
    )
    answers = report.get("answers")
    if answers:
        for a in answers["per_answer"]:
            verdict = "—" if a["facts_ok"] is None else ("OK" if a["facts_ok"] and not a["forbidden"] else "NG")
            print(
                f"{a['id']:>8}  route {a['route']:9} {'ok' if a['route_ok'] else 'WRONG':5}  "
                f"answer {verdict}  "
                f"citations {a['citations']}  {a['latency_ms']:.0f} ms"
            )
        print(
            f"route accuracy {answers['route_accuracy']}; answers with the key facts "
            f"{answers['answers_passed']}/{answers['answers_scored']}; "
            f"answer latency p50 {answers['answer_latency_ms']['p50']} ms"
        )
    return 0


def doctor(args: argparse.Namespace) -> int:
    from agents.doctor import run_checks

    settings = _settings(args)
    checks = run_checks(settings)
    if args.json:
        emit_json({"checks": [c.as_json() for c in checks], "ok": all(c.ok or c.optional for c in checks)})
    else:
        for c in checks:
            mark = "✓" if c.ok else ("·" if c.optional else "✗")
            print(f"{mark} {c.name}: {c.detail}")
            if not c.ok and c.fix:
                print(f"    fix: {c.fix}")
    return 0 if all(c.ok or c.optional for c in checks) else 1


def route(args: argparse.Namespace) -> int:
    from agents.language import detect_language
    from agents.router import route_with_model

    settings = _settings(args)
    question = _question(args.question, settings)
    chosen, decided_by = route_with_model(_router_model(settings), question)
    lang = detect_language(question)
    if args.json:
        emit_json({"route": chosen, "lang": lang})
    else:
        print(f"{chosen} ({lang}, decided by {decided_by})")
    return 0


def _router_model(settings: Settings) -> Any:
    from agents.providers import ProviderUnavailable, bedrock_provider

    if settings.provider not in ("auto", "bedrock"):
        return None
    try:
        return bedrock_provider(settings).chat
    except ProviderUnavailable:
        return None


def ask(args: argparse.Namespace) -> int:
    import uuid

    from agents.providers import preload_local_model
    from tools.practice import parse_practice

    settings = _settings(args)
    question = _question(args.question, settings)
    live = not args.json and sys.stdout.isatty()
    if parse_practice(question) is not None:  # load the local model while the index loads
        preload_local_model(
            settings if args.provider is None else settings.model_copy(update={"provider": args.provider})
        )
    with _runtime(args) as runtime:
        if runtime.index.count() == 0:
            raise CliError("empty_index", "the index is empty; run `awsstudy ingest` first")
        runtime.retriever.warm_up()
        agent = runtime.agent(args.provider)
        config = {"configurable": {"thread_id": args.thread or f"cli-{uuid.uuid4().hex}"}}
        started = time.perf_counter()
        first_token_ms: float | None = None
        state: dict[str, Any] = {}
        streamed = False
        shown: list[str] = []
        for mode, chunk in agent.stream({"question": question}, config, stream_mode=["custom", "values"]):
            if mode == "values":
                state = chunk
            elif "token" in chunk:
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - started) * 1000
                if live:
                    print(chunk["token"], end="", flush=True)
                    shown.append(chunk["token"])
                    streamed = True
            elif chunk.get("reset") and live:
                if streamed:
                    print()
                print(f"  ({chunk['notice']}; falling back)", file=sys.stderr)
                streamed = False
                shown.clear()
        total_ms = (time.perf_counter() - started) * 1000
    timings = {**state.get("timings_ms", {}), "total": round(total_ms, 1)}
    if first_token_ms is not None:
        timings["first_token"] = round(first_token_ms, 1)
    payload: dict[str, Any] = {
        "route": state.get("route"),
        "lang": state.get("lang"),
        "answer": state.get("answer", ""),
        "citations": state.get("citations", []),
        "provider": state.get("provider"),
        "model": state.get("model"),
        "timings_ms": timings,
        "notices": state.get("notices", []),
    }
    for key in ("price", "quiz", "translation", "practice"):
        if state.get(key) is not None:
            payload[key] = state[key]
    if args.json:
        emit_json(payload)
        return 0
    if not streamed:
        print(payload["answer"])
    else:
        print()
        if "".join(shown).strip() != payload["answer"].strip():
            # the checked answer differs from what streamed (a verdict withdrawn, a citation removed)
            print("--- 確認後の回答 / checked answer ---")
            print(payload["answer"])
    for c in payload["citations"]:
        note = "（学習ノート）" if c.get("kind") == "note" else ""
        print(f"  [{c['n']}] {note}{c['title']} — {c['url'] or c['location']}")
    model = f" {payload['model']}" if payload["model"] else ""
    print(f"({payload['route']} · {payload['provider']}{model} · {total_ms:.0f} ms)")
    for notice in payload["notices"]:
        print(f"  note: {notice}", file=sys.stderr)
    return 0


def price(args: argparse.Namespace) -> int:
    from tools.price_sources import refresh_prices
    from tools.price_table import PriceError, cost
    from tools.pricing import cache_file, describe, load_table, price_json

    settings = _settings(args)
    refreshed: dict[str, Any] | None = None
    try:
        if args.refresh:
            refreshed = refresh_prices(cache_file(settings.data_dir), args.region)
            load_table.cache_clear()
        table = load_table(settings.data_dir)
        if args.list:
            rows = sorted(table.rows, key=lambda r: (r.provider, r.model_id))
            if args.json:
                emit_json({"models": [price_json(r) for r in rows]})
            else:
                for r in rows:
                    print(f"{r.model_id:55} {r.region:10} in {r.input_per_1k} out {r.output_per_1k} /1K  ({r.as_of})")
            return 0
        if not args.models:
            if refreshed is not None:
                message = f"refreshed {len(refreshed['rows'])} prices from the {refreshed['source']}"
                emit_json({"refreshed": len(refreshed["rows"]), "source": refreshed["source"]}) if args.json else print(
                    message
                )
                return 0
            raise CliError("bad_input", "name a model, e.g. `awsstudy price DeepSeek-R1` (or --list)")
        rows = [table.resolve(name, args.region) for name in args.models]
        given = args.input_tokens or args.output_tokens
        costs = [
            cost(r, args.input_tokens, args.output_tokens, args.requests, args.per) if given else None for r in rows
        ]
    except PriceError as exc:
        raise CliError(exc.code, str(exc)) from exc
    objects = [price_json(r, c) for r, c in zip(rows, costs, strict=True)]
    if args.json:
        emit_json(objects[0] if len(objects) == 1 else {"models": objects})
        return 0
    print(describe(rows, costs, "en"))
    return 0


def quiz(args: argparse.Namespace) -> int:
    from tools.quiz import QuizGenerator, compose_quiz
    from tools.quiz_store import ProgressStore, export_anki, export_csv

    if not 1 <= args.n <= 20:
        raise CliError("bad_input", "-n must be between 1 and 20")
    settings = _settings(args)
    store = ProgressStore(settings.data_dir / "progress.sqlite3")
    try:
        if args.stats:
            stats = {"by_domain": store.accuracy_by_domain(), "due": len(store.due(limit=1000))}
            emit_json(stats) if args.json else _print_stats(stats)
            return 0
        with _runtime(args) as runtime:
            if runtime.index.count() == 0:
                raise CliError("empty_index", "the index is empty; run `awsstudy ingest` first")
            runtime.retriever.warm_up()
            generator = QuizGenerator(runtime.retriever, _router_model(settings))
            questions, reviews = compose_quiz(generator, store, args.topic, args.exam, args.n, args.lang)
        if not questions:
            raise CliError("no_questions", "no questions could be built for this topic from the index; try another")
        if args.export_csv:
            export_csv(questions, args.export_csv)
        if args.export_anki:
            export_anki(questions, args.export_anki)
        if args.json or not sys.stdin.isatty():
            emit_json({"questions": [_question_json(q, q.id in reviews) for q in questions]})
            return 0
        return _interactive(questions, store, reviews)
    finally:
        store.close()


def _question_json(q: Any, review: bool) -> dict[str, Any]:
    keys = ("id", "type", "question", "options", "answer", "explanation", "citations", "domain")
    return {**{k: getattr(q, k) for k in keys}, "review": review}


def _interactive(questions: list[Any], store: Any, reviews: set[str]) -> int:
    right = 0
    for n, q in enumerate(questions, start=1):
        tag = "（復習）" if q.id in reviews else ""
        how = "1 つ選択" if q.type == "single" else f"{len(q.answer)} つ選択"
        print(f"\nQ{n}/{len(questions)} {tag}[{q.domain}] {how}\n{q.question}")
        for i, option in enumerate(q.options):
            print(f"  {chr(65 + i)}. {option}")
        chosen = _ask_letters(len(q.options), single=q.type == "single")
        if chosen is None:
            print("\n中断しました。ここまでの結果は保存されています。")
            break
        correct = store.record(q, chosen)
        right += correct
        answer = ", ".join(chr(65 + i) for i in q.answer)
        print("✓ 正解！" if correct else f"✗ 不正解。正解は {answer}")
        print(q.explanation)
        for c in q.citations:
            print(f"  [{c['n']}] {c['title']} — {c.get('url') or c['location']}")
    print(f"\n結果: {right}/{len(questions)} 問正解")
    _print_stats({"by_domain": store.accuracy_by_domain(), "due": len(store.due(limit=1000))})
    return 0


def _ask_letters(count: int, single: bool) -> list[int] | None:
    while True:
        try:
            raw = input("答え（例: B）> " if single else "答え（例: A,C）> ").strip().upper()
        except (EOFError, KeyboardInterrupt):
            return None
        letters = sorted({ord(ch) - 65 for ch in raw if ch.isalpha()})
        if letters and all(0 <= i < count for i in letters) and (len(letters) == 1 or not single):
            return letters
        print(f"A〜{chr(64 + count)} から{'1 つ' if single else '選んだものすべて'}を答えてください。")


def _print_stats(stats: dict[str, Any]) -> None:
    for domain, s in stats["by_domain"].items():
        print(f"  {domain or '(分野なし)'}: {s['correct']}/{s['attempts']} ({s['accuracy']:.0%})")
    print(f"  復習の予定: {stats['due']} 問")


__all__ = ["ask", "doctor", "evaluate", "ingest", "price", "quiz", "route", "search", "sources"]
