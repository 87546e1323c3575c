"""Answer providers behind one small interface: Bedrock, a local llama.cpp model, or extractive.

`auto` tries them in that order. A provider that cannot answer (no credentials, access denied,
model not enabled in the region, throttled) raises ProviderUnavailable with a message for the
learner, and the agent falls back to the next one instead of failing the question.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from agents.settings import Settings


class ProviderUnavailable(RuntimeError):
    """This provider cannot answer now; the message says why in the learner's terms."""


@dataclass(frozen=True)
class ProviderStatus:
    name: str
    available: bool
    reason: str
    model: str | None = None


@dataclass
class ChatProvider:
    """A provider backed by a LangChain chat model (Bedrock, llama.cpp, Ollama, or a fake in tests)."""

    name: str
    model: str
    chat: BaseChatModel
    explain: Callable[[Exception], str] = lambda exc: f"{exc.__class__.__name__}: {exc}"

    def stream(self, messages: list[BaseMessage]) -> Iterator[str]:
        try:
            for chunk in self.chat.stream(messages):
                text = _text(chunk.content)
                if text:
                    yield text
        except ProviderUnavailable:
            raise
        except Exception as exc:
            raise ProviderUnavailable(self.explain(exc)) from exc

    def invoke(self, messages: list[BaseMessage]) -> str:
        return "".join(self.stream(messages))


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Converse streams content blocks
        return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""


# -- Bedrock ---------------------------------------------------------------------------------


def explain_bedrock_error(model_id: str, region: str) -> Callable[[Exception], str]:
    def explain(exc: Exception) -> str:
        code = ""
        response = getattr(exc, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code", ""))
        message = str(exc)
        name = exc.__class__.__name__
        if name in ("NoCredentialsError", "PartialCredentialsError") or "Unable to locate credentials" in message:
            return "no AWS credentials found"
        if code == "AccessDeniedException" or "AccessDenied" in message:
            return (
                f"Bedrock denied access to {model_id} in {region}: enable the model in the Bedrock console "
                "(Model access) and allow bedrock:InvokeModelWithResponseStream for your IAM identity"
            )
        if code == "ResourceNotFoundException" or "model identifier is invalid" in message.lower():
            return f"the model {model_id} is not available in {region}; choose another model or region"
        if code == "ValidationException" and ("not supported" in message or "on-demand throughput" in message):
            return f"{model_id} cannot be invoked on demand in {region} (try its inference profile, e.g. us.{model_id})"
        if code in ("ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"):
            return "Bedrock is throttling requests (retried with backoff); try again in a minute"
        if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
            return f"cannot reach Bedrock in {region} (no network?)"
        return f"Bedrock error ({code or name}): {message[:200]}"

    return explain


def bedrock_client(region: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(region_name=region, retries={"mode": "adaptive", "max_attempts": 4}, read_timeout=120)
    return boto3.client("bedrock-runtime", region_name=region, config=config)


def bedrock_provider(settings: Settings, client: Any | None = None) -> ChatProvider:
    from langchain_aws import ChatBedrockConverse

    from knowledge.tokens import encoding

    if client is None:
        import boto3

        if boto3.Session().get_credentials() is None:
            raise ProviderUnavailable("no AWS credentials found")
        client = bedrock_client(settings.aws_region)
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
    )


# -- local -------------------------------------------------------------------------------------


def local_model_path(settings: Settings) -> Path | None:
    if settings.local_model_path is not None:
        return settings.local_model_path if settings.local_model_path.is_file() else None
    models = sorted((settings.data_dir / "models").glob("*.gguf"))
    return models[0] if models else None


def ollama_running(host: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{host}/api/tags", timeout=0.5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def local_provider(settings: Settings) -> ChatProvider:
    """A GGUF file run by llama.cpp, else a running Ollama server."""
    path = local_model_path(settings)
    if path is None:
        if importlib.util.find_spec("langchain_ollama") is not None and ollama_running(settings.ollama_host):
            from langchain_ollama import ChatOllama

            chat = ChatOllama(model=settings.ollama_model, base_url=settings.ollama_host, temperature=0.0)
            return ChatProvider("local", f"ollama:{settings.ollama_model}", chat)
        raise ProviderUnavailable(
            "no local model: put a GGUF file in "
            f"{settings.data_dir / 'models'}, set AWSSTUDY_LOCAL_MODEL_PATH, or run Ollama"
        )
    if importlib.util.find_spec("llama_cpp") is None:
        raise ProviderUnavailable("the local model needs llama-cpp-python: pip install -e '.[local]'")
    from langchain_community.chat_models import ChatLlamaCpp

    chat = ChatLlamaCpp(model_path=str(path), temperature=0.0, max_tokens=768, n_ctx=4096, verbose=False)
    return ChatProvider("local", path.name, chat)


# -- choosing ------------------------------------------------------------------------------------

EXTRACTIVE = "extractive"
ORDER = ("bedrock", "local", EXTRACTIVE)


def provider_order(choice: str) -> tuple[str, ...]:
    """auto: Bedrock, then local, then extractive; a forced provider still ends in extractive."""
    if choice == "auto":
        return ORDER
    return (choice,) if choice == EXTRACTIVE else (choice, EXTRACTIVE)


Factory = Callable[[Settings], ChatProvider]
FACTORIES: dict[str, Factory] = {"bedrock": bedrock_provider, "local": local_provider}


def statuses(settings: Settings, factories: dict[str, Factory] | None = None) -> list[ProviderStatus]:
    """What each provider would do now, and why not (for `doctor` and the app's sidebar)."""
    out = []
    for name, factory in (factories or FACTORIES).items():
        try:
            provider = factory(settings)
            out.append(ProviderStatus(name, True, "ready", provider.model))
        except ProviderUnavailable as exc:
            out.append(ProviderStatus(name, False, str(exc)))
    out.append(ProviderStatus(EXTRACTIVE, True, "always available: answers with the sources' own sentences"))
    return out
