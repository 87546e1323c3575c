"""Answer providers behind one small interface: Bedrock, a local llama.cpp model, or extractive.

`auto` writes answers with Bedrock, then extractively, and picks practice-question answers with
Bedrock, then the local model (`provider_order`). A provider that cannot answer (no credentials,
access denied, model not enabled in the Region, throttled, past its deadline) raises
ProviderUnavailable with a line for the learner, and the next one answers instead.
"""

from __future__ import annotations

import importlib.util
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from agents.settings import Settings
from prompts import message

log = logging.getLogger(__name__)


class ProviderUnavailable(RuntimeError):
    """This provider cannot answer now. `code` names a line of prompts/messages.json, said in the
    learner's language by `say`; any other text is kept as it is."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        super().__init__(self.say("en"))

    def say(self, lang: str) -> str:
        try:
            return message(self.code, lang, **self.fields)
        except KeyError:
            return self.code


@dataclass(frozen=True)
class ProviderStatus:
    name: str
    available: bool
    reason: str
    model: str | None = None


def _unexplained(exc: Exception) -> ProviderUnavailable:
    return ProviderUnavailable("provider.failed", detail=f"{exc.__class__.__name__}: {exc}"[:200])


@dataclass
class ChatProvider:
    """A provider backed by a LangChain chat model (Bedrock, llama.cpp, Ollama, or a fake in tests).

    With deadlines set, an answer must start within `first_token_timeout` seconds and end within
    `total_timeout`; a model that stalls costs the learner that long at most, then the next
    provider answers.
    """

    name: str
    model: str
    chat: BaseChatModel
    explain: Callable[[Exception], ProviderUnavailable] = _unexplained
    first_token_timeout: float | None = None
    total_timeout: float | None = None

    def stream(self, messages: list[BaseMessage]) -> Iterator[str]:
        try:
            chunks = self.chat.stream(messages)
            if self.first_token_timeout is not None:
                chunks = with_deadlines(chunks, self.first_token_timeout, self.total_timeout or 1e9)
            for chunk in chunks:
                text = _text(chunk.content)
                if text:
                    yield text
        except ProviderUnavailable:
            raise
        except Exception as exc:
            raise self.explain(exc) from exc

    def invoke(self, messages: list[BaseMessage]) -> str:
        return "".join(self.stream(messages))

    def reply(self, messages: list[BaseMessage], **kwargs: Any) -> BaseMessage:
        """One whole reply (a short one: a letter, a query), failures explained like the stream's."""
        try:
            return self.chat.invoke(messages, **kwargs)
        except ProviderUnavailable:
            raise
        except Exception as exc:
            raise self.explain(exc) from exc


def with_deadlines(items: Iterator[Any], first: float, total: float) -> Iterator[Any]:
    """The items of a blocking iterator, read in a worker thread, within two deadlines."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue()

    def pump() -> None:
        try:
            for item in items:
                box.put(("item", item))
            box.put(("done", None))
        except Exception as exc:  # handed to the caller's thread
            box.put(("error", exc))

    threading.Thread(target=pump, name="answer-stream", daemon=True).start()
    started = time.monotonic()
    seen = False
    while True:
        limit = total if seen else min(first, total)
        try:
            kind, value = box.get(timeout=max(started + limit - time.monotonic(), 0.01))
        except queue.Empty:
            code = "provider.stalled" if seen else "provider.no_first_token"
            raise ProviderUnavailable(code, seconds=f"{limit:.0f}") from None
        if kind == "done":
            return
        if kind == "error":
            raise value
        seen = seen or bool(_text(getattr(value, "content", "")))
        yield value


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Converse streams content blocks
        return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""


# -- Bedrock ---------------------------------------------------------------------------------

_THROTTLED = ("ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException")


def explain_bedrock_error(model_id: str, region: str) -> Callable[[Exception], ProviderUnavailable]:
    def explain(exc: Exception) -> ProviderUnavailable:
        code = ""
        response = getattr(exc, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code", ""))
        text = str(exc)
        name = exc.__class__.__name__
        where = {"model": model_id, "region": region}
        if name in ("NoCredentialsError", "PartialCredentialsError") or "Unable to locate credentials" in text:
            return ProviderUnavailable("provider.no_credentials")
        if code == "AccessDeniedException" or "AccessDenied" in text:
            return ProviderUnavailable("provider.access_denied", **where)
        if code == "ResourceNotFoundException" or "model identifier is invalid" in text.lower():
            return ProviderUnavailable("provider.model_unavailable", **where)
        if code == "ValidationException" and ("not supported" in text or "on-demand throughput" in text):
            return ProviderUnavailable("provider.needs_profile", **where)
        if code == "ValidationException" and ("access" in text.lower() or "enabled" in text.lower()):
            return ProviderUnavailable("provider.access_denied", **where)
        if code in _THROTTLED:
            return ProviderUnavailable("provider.throttled")
        if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError"):
            return ProviderUnavailable("provider.unreachable", region=region)
        if code:
            return ProviderUnavailable("provider.server_error", error=code)
        return _unexplained(exc)

    return explain


def bedrock_client(region: str, read_timeout: float = 20.0, endpoint_url: str | None = None) -> Any:
    import boto3
    from botocore.config import Config

    # Short socket timeouts and few retries: the answer's own deadlines (Settings) bound the wait,
    # and a throttled or stalled Bedrock falls back to the extractive answer instead of hanging.
    config = Config(
        region_name=region,
        retries={"mode": "adaptive", "max_attempts": 2},
        connect_timeout=5,
        read_timeout=read_timeout,
    )
    return boto3.client("bedrock-runtime", region_name=region, config=config, endpoint_url=endpoint_url)


def bedrock_provider(settings: Settings, client: Any | None = None) -> ChatProvider:
    from langchain_aws import ChatBedrockConverse

    from knowledge.tokens import encoding

    if client is None:
        import boto3

        if boto3.Session().get_credentials() is None:
            raise ProviderUnavailable("provider.no_credentials")
        client = bedrock_client(settings.aws_region, settings.first_token_timeout, settings.bedrock_endpoint_url)
    chat = ChatBedrockConverse(
        client=client,
        model=settings.bedrock_model_id,
        region_name=settings.aws_region,
        temperature=0.1,
        max_tokens=1024,
        # its default token counter needs transformers, which would download a tokenizer
        custom_get_token_ids=lambda text: encoding().encode(text, disallowed_special=()),
    )
    return ChatProvider(
        "bedrock",
        settings.bedrock_model_id,
        chat,
        explain_bedrock_error(settings.bedrock_model_id, settings.aws_region),
        first_token_timeout=settings.first_token_timeout,
        total_timeout=settings.answer_timeout,
    )


# -- local -------------------------------------------------------------------------------------


def local_model_path(settings: Settings) -> Path | None:
    """The GGUF to run: the configured file, else the packaged model once verified, else the
    user's own file in the models folder."""
    from agents.model_install import is_installed, model_path

    if settings.local_model_path is not None:
        return settings.local_model_path if settings.local_model_path.is_file() else None
    if is_installed(settings.data_dir):
        return model_path(settings.data_dir)
    packaged = model_path(settings.data_dir).name
    own = sorted(p for p in (settings.data_dir / "models").glob("*.gguf") if p.name != packaged)
    return own[0] if own else None


def explain_local_error(exc: Exception) -> ProviderUnavailable:
    from agents.local_chat import LocalModelTimeout

    if isinstance(exc, LocalModelTimeout):
        code = "provider.no_first_token" if exc.first_token else "provider.stalled"
        return ProviderUnavailable(code, seconds=f"{exc.seconds:.0f}")
    return _unexplained(exc)


def explain_ollama_error(model: str, host: str) -> Callable[[Exception], ProviderUnavailable]:
    def explain(exc: Exception) -> ProviderUnavailable:
        text = str(exc).lower()
        if "not found" in text and ("model" in text or "pull" in text):
            return ProviderUnavailable("provider.ollama_model_missing", model=model)
        if isinstance(exc, OSError) or "connect" in text or "refused" in text:
            return ProviderUnavailable("provider.ollama_unreachable", host=host)
        return _unexplained(exc)

    return explain


def ollama_running(host: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{host}/api/tags", timeout=0.5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def local_provider(settings: Settings) -> ChatProvider:
    """A GGUF file run by llama.cpp (xllamacpp, or llama-cpp-python), else a running Ollama server.

    Nothing is loaded here: the model loads at its first answer, once per process.
    """
    path = local_model_path(settings)
    if path is None:
        if importlib.util.find_spec("langchain_ollama") is not None and ollama_running(settings.ollama_host):
            from langchain_ollama import ChatOllama

            chat = ChatOllama(model=settings.ollama_model, base_url=settings.ollama_host, temperature=0.0)
            return ChatProvider(
                "local",
                f"ollama:{settings.ollama_model}",
                chat,
                explain_ollama_error(settings.ollama_model, settings.ollama_host),
                first_token_timeout=settings.first_token_timeout,
                total_timeout=settings.answer_timeout,
            )
        raise ProviderUnavailable("provider.no_local_model", folder=settings.data_dir / "models")
    if importlib.util.find_spec("xllamacpp") is not None:
        from agents.local_chat import ChatXLlamaCpp, default_threads

        local = ChatXLlamaCpp(
            model_path=str(path),
            n_ctx=settings.local_n_ctx,
            n_batch=settings.local_n_batch,
            n_threads=settings.local_threads or default_threads(),
            max_tokens=settings.local_max_tokens,
            first_token_timeout=settings.first_token_timeout,
            total_timeout=settings.answer_timeout,
        )
        return ChatProvider("local", path.name, local, explain_local_error)
    if importlib.util.find_spec("llama_cpp") is None:
        raise ProviderUnavailable("the local model needs xllamacpp: pip install -e .")
    from langchain_community.chat_models import ChatLlamaCpp

    llama = ChatLlamaCpp(
        model_path=str(path), temperature=0.0, max_tokens=settings.local_max_tokens, n_ctx=settings.local_n_ctx,
        n_batch=settings.local_n_batch, n_threads=settings.local_threads or None, verbose=False,
    )  # fmt: skip
    return ChatProvider("local", path.name, llama, _unexplained, settings.first_token_timeout, settings.answer_timeout)


# -- choosing ------------------------------------------------------------------------------------

EXTRACTIVE = "extractive"
ORDER = ("bedrock", "local", EXTRACTIVE)


def provider_order(choice: str, picking: bool = False) -> tuple[str, ...]:
    """Who answers, in turn; a forced provider still ends in extractive.

    auto: Bedrock, then extractive. The packaged local model joins `auto` only to pick the
    answer of a practice question, where it is right 0.70 of the time on our held-out set (chance
    is 0.25); as a writer of prose answers it is slow on 2 cores and no better than the
    extractive answer on our yes/no and dev questions (README, bench/bench_local.py), so there it
    is opt-in (`--provider local`).
    """
    if choice == "auto":
        return ORDER if picking else ("bedrock", EXTRACTIVE)
    return (choice,) if choice == EXTRACTIVE else (choice, EXTRACTIVE)


Factory = Callable[[Settings], ChatProvider]
FACTORIES: dict[str, Factory] = {"bedrock": bedrock_provider, "local": local_provider}


def statuses(settings: Settings, factories: dict[str, Factory] | None = None, lang: str = "en") -> list[ProviderStatus]:
    """What each provider would do now, and why not (for `doctor` and the app's sidebar)."""
    out = []
    for name, factory in (factories or FACTORIES).items():
        try:
            provider = factory(settings)
            out.append(ProviderStatus(name, True, message("provider.ready", lang), provider.model))
        except ProviderUnavailable as exc:
            out.append(ProviderStatus(name, False, exc.say(lang)))
    out.append(ProviderStatus(EXTRACTIVE, True, message("provider.extractive", lang)))
    return out


def preload_local_model(settings: Settings) -> None:
    """Start loading the local model in the background (a pasted practice question will need it),
    so its 2-3 s overlap with loading the index; the answer then finds it loaded."""
    if settings.provider not in ("auto", "local"):
        return

    def load() -> None:
        try:
            chat = local_provider(settings).chat
            server = getattr(chat, "server", None)
            if callable(server):
                server()
        except ProviderUnavailable:
            pass  # no model: the answer says so itself
        except Exception as exc:
            log.info("preloading the local model failed: %s", exc)

    threading.Thread(target=load, name="preload-local-model", daemon=True).start()
