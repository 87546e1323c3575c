"""The one typed settings object: environment (AWSSTUDY_*), then .streamlit/secrets.toml, then defaults.

Nothing else in the product reads os.environ for configuration; the CLI and the app build a
Settings and pass what each layer needs (paths, names) down as plain arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

Provider = Literal["auto", "bedrock", "local", "extractive"]
SECRETS_FILE = Path(".streamlit/secrets.toml")


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "awsstudy"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AWSSTUDY_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    provider: Provider = "auto"
    bedrock_model_id: str = "us.amazon.nova-lite-v1:0"
    # a Bedrock Runtime endpoint other than AWS's (a VPC endpoint, or a local fake in tests)
    bedrock_endpoint_url: str | None = None
    aws_region: str = Field(
        default="us-east-1",
        validation_alias=AliasChoices("AWSSTUDY_AWS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
    )
    local_model_path: Path | None = None
    # llama.cpp through xllamacpp: context, prompt batch, threads (0: every core), output budget
    local_n_ctx: int = Field(default=4096, ge=512, le=32768)
    local_n_batch: int = Field(default=512, ge=8, le=4096)
    local_threads: int = Field(default=0, ge=0, le=256)
    local_max_tokens: int = Field(default=512, ge=16, le=4096)
    # deadlines for any model's answer: the first token, then the whole answer (seconds)
    first_token_timeout: float = Field(default=20.0, gt=0, le=600)
    answer_timeout: float = Field(default=90.0, gt=0, le=1800)
    ollama_host: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:7b-instruct"
    # use-m3 | e5-small | bedrock:<model id> | sentence-transformers:<model name>
    embedding: str = "use-m3"
    collection: str = "awsstudy"
    chroma_host: str | None = Field(default=None, validation_alias=AliasChoices("AWSSTUDY_CHROMA_HOST", "CHROMA_HOST"))
    chroma_port: int = Field(default=8000, validation_alias=AliasChoices("AWSSTUDY_CHROMA_PORT", "CHROMA_PORT"))
    answer_language: Literal["auto", "ja", "en"] = "auto"
    retrieval_k: int = Field(default=5, ge=1, le=50)
    max_query_chars: int = 2000

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if SECRETS_FILE.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=SECRETS_FILE))
        return tuple(sources)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite3"
