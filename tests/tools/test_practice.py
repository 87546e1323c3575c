"""Reading pasted practice questions in the shapes learners paste them."""

from __future__ import annotations

import pytest

from tools.practice import parse_practice, picks_asked

STEM = "A company trains models on Amazon SageMaker and needs to reduce training cost. Which solution meets this?"
OPTIONS = ["Use Managed Spot Training", "Use a larger instance", "Disable checkpoints", "Use Amazon EC2 On-Demand"]


@pytest.mark.parametrize(
    "labels",
    [
        ["A.", "B.", "C.", "D."],
        ["A)", "B)", "C)", "D)"],
        ["(A)", "(B)", "(C)", "(D)"],
        ["A:", "B:", "C:", "D:"],
        ["1.", "2.", "3.", "4."],
        ["ア.", "イ.", "ウ.", "エ."],
        ["Ａ．", "Ｂ．", "Ｃ．", "Ｄ．"],
        ["- A.", "- B.", "- C.", "- D."],
    ],
)
def test_labelled_options_one_per_line(labels: list[str]) -> None:
    text = STEM + "\n" + "\n".join(f"{label} {option}" for label, option in zip(labels, OPTIONS, strict=True))
    parsed = parse_practice(text)
    assert parsed is not None and parsed.stem == STEM
    assert list(parsed.options) == OPTIONS and parsed.picks == 1


def test_options_on_one_line() -> None:
    parsed = parse_practice(STEM + " A. " + " B. ".join(OPTIONS[:2]) + " C. " + OPTIONS[2] + " D. " + OPTIONS[3])
    assert parsed is not None and list(parsed.options) == OPTIONS and parsed.labels == ("A", "B", "C", "D")


def test_unlabelled_options_one_per_line_under_the_question() -> None:
    parsed = parse_practice(STEM + "\n" + "\n".join(OPTIONS))
    assert parsed is not None and list(parsed.options) == OPTIONS


def test_an_option_continued_on_the_next_line_stays_one_option() -> None:
    text = STEM + "\nA. Use Managed Spot Training\n   with checkpoints in S3\nB. x option\nC. y option\nD. z option"
    parsed = parse_practice(text)
    assert parsed is not None and parsed.options[0] == "Use Managed Spot Training with checkpoints in S3"


@pytest.mark.parametrize(
    ("stem", "picks"),
    [
        ("Which TWO actions should the team take? (Choose TWO.)", 2),
        ("Select THREE.", 3),
        ("どの方法を使うべきですか？（2つ選択してください。）", 2),
        ("正しいものを２つ選んでください。", 2),
        ("Which service should the company use?", 1),
    ],
)
def test_how_many_answers_the_stem_asks_for(stem: str, picks: int) -> None:
    assert picks_asked(stem) == picks


def test_choose_two_with_five_options() -> None:
    text = "Which TWO steps reduce cost? (Choose TWO.)\nA. a1\nB. b1\nC. c1\nD. d1\nE. e1"
    parsed = parse_practice(text)
    assert parsed is not None and parsed.picks == 2 and len(parsed.options) == 5


@pytest.mark.parametrize(
    "text",
    [
        "SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？",
        "DeepSeek-R1 の料金は？",
        "What is SageMaker Canvas?",
        "A. only options\nB. without a stem",
        "Steps:\n1. Create a bucket\n",
        "Which is better?\nA. yes",
    ],
)
def test_ordinary_questions_are_not_practice_questions(text: str) -> None:
    assert parse_practice(text) is None


@pytest.mark.parametrize("labels", [["ア.", "イ.", "ウ.", "エ."], ["1.", "2.", "3.", "4."], ["A)", "B)", "C)", "D)"]])
def test_options_on_one_line_with_any_labels(labels: list[str]) -> None:
    text = STEM + " " + " ".join(f"{label} {option}" for label, option in zip(labels, OPTIONS, strict=True))
    parsed = parse_practice(text)
    assert parsed is not None and list(parsed.options) == OPTIONS


def test_a_pasted_question_keeps_its_lines_through_the_query_check() -> None:
    from tools.retrieval import check_query

    text = "次のうち、学習コストを最も下げる方法はどれですか？\n" + "\n".join(
        ["ア. スポット", "イ. 大きなインスタンス", "ウ. 手動", "エ. 無効化"]
    )
    cleaned = check_query(text + "\n\n   ")
    assert cleaned == text
    parsed = parse_practice(cleaned)
    assert parsed is not None and parsed.options == ("スポット", "大きなインスタンス", "手動", "無効化")
