from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def test_app_answers_a_question_with_cited_passages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWSSTUDY_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(FIXTURES / "docs"), "--json"]) == 0
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    app.chat_input[0].set_value("S3 で削除したオブジェクトを復元できますか？").run()
    assert not app.exception
    labels = [e.label for e in app.expander]
    assert labels and labels[0].startswith("[1] ")
