"""The shape of the offline answer follows the question: a name, a comparison, steps."""

from __future__ import annotations

import pytest

from agents.question_shape import question_shape


@pytest.mark.parametrize(
    ("question", "kind", "sides"),
    [
        ("SageMaker Studio とノートブックインスタンスの違いは？", "compare",
         ("SageMaker Studio", "ノートブックインスタンス")),
        ("What is the difference between serverless inference and asynchronous inference?", "compare",
         ("serverless inference", "asynchronous inference")),
        ("Serverless inference vs asynchronous inference", "compare",
         ("Serverless inference", "asynchronous inference")),
        ("リクエストとレスポンスを保存してモデル監視に使う機能は？", "name", None),
        ("Which AWS service delivers streaming data to S3?", "name", None),
        ("S3 バケットのバージョニングを有効にするには？", "steps", None),
        ("How do I enable versioning on a bucket?", "steps", None),
        ("SageMaker の実行ロールについて教えて", "plain", None),
    ],
)  # fmt: skip
def test_question_shapes(question: str, kind: str, sides: tuple[str, str] | None) -> None:
    shape = question_shape(question)
    assert shape.kind == kind and shape.sides == sides
