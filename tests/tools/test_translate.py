from __future__ import annotations

from tools.translate import Glossary, default_glossary, english_search_query


def test_glossary_has_official_names_for_common_terms() -> None:
    glossary = default_glossary()
    assert len(glossary.entries) >= 200
    assert glossary.entries["実行ロール"] == "execution role"
    assert glossary.entries["マネージドスポットトレーニング"] == "Managed Spot Training"
    assert glossary.entries["推論エンドポイント"] == "inference endpoint"


def test_longest_term_wins_and_latin_words_are_kept() -> None:
    glossary = Glossary({"ロール": "role", "実行ロール": "execution role", "必要": "required"})
    result = glossary.translate("SageMaker の実行ロールは必要？")
    assert result.text == "SageMaker execution role required"
    assert result.terms == (("実行ロール", "execution role"), ("必要", "required"))


def test_english_questions_need_no_translation() -> None:
    assert english_search_query("Do I need an IAM user?") is None
