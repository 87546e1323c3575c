"""Verdicts only when a sentence states them for the question's own predicate."""

from __future__ import annotations

from agents.verdict import check_model_verdict, is_yes_no, polarity, yes_no_verdict
from knowledge.passage import Passage
from tools.translate import default_glossary


def passages(*texts: str) -> list[Passage]:
    return [Passage(id=f"p{n}", source_id="s", kind="aws-guide", title="T", text=t, location="x")
            for n, t in enumerate(texts)]  # fmt: skip


BUCKET = "After you create a bucket, you can't change its name or Region."
ROLE = "After you create a service-linked role, you cannot change the name of the role because entities reference it."
BLOCK = "You can change Amazon S3 Block Public Access settings when you create a bucket."


def test_renaming_a_bucket_is_answered_no_from_the_sentence_that_says_so() -> None:
    verdict = yes_no_verdict("Can you rename an Amazon S3 bucket after you create it?", passages(BLOCK, BUCKET),
                             default_glossary())  # fmt: skip
    assert verdict is not None and verdict.polarity == "no" and verdict.passage == 2


def test_a_sentence_about_something_else_gives_no_verdict() -> None:
    q = "Can you rename an Amazon S3 bucket after you create it?"
    assert yes_no_verdict(q, passages(BLOCK, ROLE), default_glossary()) is None


def test_japanese_question_meets_the_english_sentence() -> None:
    q = "作成済みの S3 バケットの名前を後から変更できますか？"
    verdict = yes_no_verdict(q, passages(BLOCK, BUCKET), default_glossary())
    assert verdict is not None and verdict.polarity == "no"


def test_disagreeing_sentences_give_no_verdict() -> None:
    q = "Can you rename an Amazon S3 bucket after you create it?"
    contradicting = "After you create a bucket, you can change its name at any time."
    assert yes_no_verdict(q, passages(BUCKET, contradicting), default_glossary()) is None


def test_polarity_needs_a_clear_statement_without_but() -> None:
    assert polarity("Serverless Inference does not support GPUs.") == "no"
    assert polarity("You can scale the endpoint to zero instances.") == "yes"
    assert polarity("You can use GPUs, but only for real-time endpoints.") is None
    assert polarity("SageMaker stores the model in S3.") is None


def test_questions_that_are_not_yes_no_get_no_verdict() -> None:
    assert not is_yes_no("What is SageMaker Canvas?")
    assert is_yes_no("Does SageMaker Serverless Inference support GPUs?") and is_yes_no("必要ですか？")
    assert yes_no_verdict("What is a bucket?", passages(BUCKET), default_glossary()) is None


def test_a_models_verdict_is_kept_only_when_the_sources_state_it() -> None:
    verdict = yes_no_verdict("Can you rename an Amazon S3 bucket after you create it?", passages(BUCKET),
                             default_glossary())  # fmt: skip
    assert check_model_verdict("No. Bucket names are fixed [1].", verdict, "en").startswith("No.")
    assert check_model_verdict("Yes, you can [1].", verdict, "en").startswith("The sources do not settle this")
    assert check_model_verdict("はい。変更できます [1]。", None, "ja").startswith("資料からは断定できません")
    assert check_model_verdict("Bucket names are fixed [1].", None, "en") == "Bucket names are fixed [1]."


def test_a_phrase_is_met_whole_so_a_sentence_about_the_role_does_not_answer_for_the_user() -> None:
    q = "SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？"
    not_needed = (
        "SageMaker のトレーニングジョブが S3 のデータを読み書きするとき、IAM ユーザーやアクセスキーは必要ありません。"
    )
    role = "ジョブ作成時に IAM ロールの ARN を渡し、SageMaker がそのロールを引き受けて S3 にアクセスします。"
    verdict = yes_no_verdict(q, passages(not_needed + "\n" + role), default_glossary())
    assert verdict is not None and verdict.polarity == "no" and verdict.sentence == not_needed


def test_a_relation_of_a_thing_to_its_own_kind_needs_a_sentence_that_names_both() -> None:
    q = "Can an IAM group contain other IAM groups?"
    precondition = "The group must not contain any users or have any attached policies."
    assert yes_no_verdict(q, passages(precondition), default_glossary()) is None
    nested = "IAM user groups can't be nested; a user group can contain only users, not other user groups."
    verdict = yes_no_verdict(q, passages(precondition + "\n" + nested), default_glossary())
    assert verdict is not None and verdict.polarity == "no" and verdict.sentence == nested


def test_must_not_is_a_negation() -> None:
    assert polarity("The group must not contain any users.") == "no"
