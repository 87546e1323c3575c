"""The real packaged model, when it is installed (`awsstudy models install`); `pytest -m slow`."""

from __future__ import annotations

import pytest

from agents.model_install import is_installed
from agents.practice_answer import OptionEvidence, PracticeEvidence, pick_answer
from agents.providers import local_provider
from agents.settings import Settings
from tools.practice import parse_practice

pytestmark = pytest.mark.slow

QUESTION = """Which AWS service stores objects such as training datasets with 11 nines of durability?
A. Amazon EC2
B. Amazon S3
C. AWS IAM
D. Amazon VPC"""


@pytest.fixture
def settings() -> Settings:
    settings = Settings()
    if not is_installed(settings.data_dir):
        pytest.skip("the local model is not installed: awsstudy models install")
    return settings


def test_the_packaged_model_streams_japanese(settings: Settings) -> None:
    provider = local_provider(settings)
    text = "".join(provider.stream([("human", "「実行ロール」を一文で説明してください。")]))  # type: ignore[list-item]
    assert text and any("\u3040" <= ch <= "\u30ff" for ch in text)


def test_the_packaged_model_picks_an_easy_question(settings: Settings) -> None:
    question = parse_practice(QUESTION)
    assert question is not None
    evidence = PracticeEvidence(question, [], [OptionEvidence(x, t, None, None) for x, t in
                                               zip(question.labels, question.options, strict=True)])  # fmt: skip
    pick = pick_answer(local_provider(settings), evidence)
    assert pick is not None and pick.answer == [1]
