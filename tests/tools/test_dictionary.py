"""JMdict from the packaged SQLite file: English for the words the glossary does not know."""

from __future__ import annotations

import threading

from tools.dictionary import JapaneseDictionary, default_dictionary, uncovered_words


def test_glosses_come_from_the_packaged_dictionary() -> None:
    dictionary = default_dictionary()
    assert "isolation" in dictionary.glosses("隔離")
    assert "latency" in dictionary.glosses("遅延")
    assert dictionary.glosses("存在しない語ですよ") == ()


def test_the_dictionary_answers_from_any_thread() -> None:
    dictionary = JapaneseDictionary()
    found: list[tuple[str, ...]] = []
    threads = [threading.Thread(target=lambda w=w: found.append(dictionary.glosses(w))) for w in ("成功", "確認")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted("success" in f or "confirmation" in f for f in found) == [True, True]


def test_a_missing_database_falls_back_to_no_glosses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert JapaneseDictionary(tmp_path / "missing.db").glosses("成功") == ()


def test_words_outside_the_glossary_get_their_english() -> None:
    words = dict(uncovered_words("インターネットから隔離して実行するには", covered="実行"))
    assert "isolation" in words["隔離"]
    assert "実行" not in words and "する" not in words
