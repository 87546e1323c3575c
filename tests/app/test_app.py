"""The app driven through streamlit.testing: chat, citation drill-down, quiz, knowledge and settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("app") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWSSTUDY_DATA_DIR", str(data))
        mp.setenv("AWSSTUDY_PROVIDER", "extractive")  # the fake-free path: no model at all
        assert main(["ingest", str(FIXTURES / "docs"), "--json"]) == 0
        assert main(["ingest", str(ROOT / "knowledge" / "notes"), "--kind", "note", "--json"]) == 0
        yield data


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("AWSSTUDY_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AWSSTUDY_PROVIDER", "extractive")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    return at


def test_chat_answers_with_route_provider_and_citations(app: AppTest) -> None:
    app.chat_input[0].set_value(
        "SageMaker のトレーニングジョブが S3 にアクセスするには IAM ユーザーが必要ですか？"
    ).run()
    assert not app.exception
    assistant = app.chat_message[-1]
    text = " ".join(m.value for m in assistant.markdown)
    assert "必要ありません" in text
    captions = " ".join(c.value for c in app.caption)
    assert "ドキュメント" in captions and "extractive" in captions
    labels = [e.label for e in app.expander]
    assert labels and labels[0].startswith("[")


def test_citation_drill_down_shows_passage_location_and_link(app: AppTest) -> None:
    app.chat_input[0].set_value("S3 のバージョニングで削除したオブジェクトを復元できますか？").run()
    expander = app.expander[0]
    body = " ".join(m.value for m in expander.markdown)
    assert "<mark>" in body or "delete marker" in body
    assert "https://docs.aws.amazon.com/" in body
    assert any(":L" in c.value for c in expander.caption)


def test_conversation_continues_and_new_chat_resets(app: AppTest) -> None:
    app.chat_input[0].set_value("DeepSeek-R1 とは？").run()
    app.chat_input[0].set_value("それの料金は？").run()
    assert not app.exception
    assert "0.00135" in app.chat_message[-1].markdown[0].value
    assert len(app.dataframe) >= 1  # the price table
    app.button(key="new_chat").click().run()
    assert len(app.chat_message) == 0


def test_empty_question_is_a_warning_not_an_error(app: AppTest) -> None:
    app.chat_input[0].set_value("x" * 5000).run()
    assert not app.exception and "too long" in app.warning[0].value


def test_settings_sidebar_says_why_bedrock_is_unavailable(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    captions = " ".join(c.value for c in app.sidebar.caption)
    assert "Bedrock" in captions and "抽出のみ" in captions
    assert app.sidebar.radio(key="provider").value == "extractive"


def test_quiz_mode_grades_a_question_and_shows_the_explanation(app: AppTest) -> None:
    app.sidebar.radio(key="page").set_value("quiz").run()
    app.text_input(key="quiz_topic").set_value("SageMaker のデプロイ戦略")
    app.number_input(key="quiz_n").set_value(2)
    app.button[0].click().run()
    assert not app.exception
    key = app.session_state["quiz"]["key"]
    radios = [r for r in app.radio if r.key == f"{key}-q0"]
    if radios:
        radios[0].set_value(radios[0].options[0]).run()
    else:
        app.checkbox(key=f"{key}-q0_0").check().run()
        app.checkbox(key=f"{key}-q0_1").check().run()
    app.button(key=f"{key}-submit0").click().run()
    assert not app.exception
    verdicts = [m.value for m in app.success] + [m.value for m in app.error]
    assert any("正解" in v for v in verdicts)
    assert any("正解:" in m.value for m in app.markdown)
    assert app.expander and app.expander[0].label.startswith("[1]")
    # a new quiz starts with nothing chosen: no answer leaks from the previous one
    app.button[0].click().run()
    new_key = app.session_state["quiz"]["key"]
    assert new_key != key
    assert all(r.value is None for r in app.radio if r.key and r.key.startswith(new_key))


def test_knowledge_page_lists_sources(app: AppTest) -> None:
    app.sidebar.radio(key="page").set_value("knowledge").run()
    assert not app.exception
    assert "件のソース" in app.caption[0].value
    assert len(app.dataframe[0].value) >= 3
