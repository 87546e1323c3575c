"""A general Japanese-English dictionary for the words the AWS glossary does not know.

JMdict ships offline in `jamdict-data` (CC-BY-SA; a SQLite file inside the package, read directly
and read-only). The glossary gives official AWS names; this gives the plain words
around them (隔離 → isolation, 成功 → success), so a Japanese question can meet an English
sentence word for word.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
MAX_GLOSSES = 4
_PAREN = re.compile(r"\s*\([^)]*\)")
_CONTENT = re.compile(r"[\u30a0-\u30ff\u3400-\u9fff]")  # katakana or kanji: hiragana-only words are grammar
_FRAME_WORDS = frozenset(
    "為る する 成る なる 有る ある 居る いる 出来る できる 使う 使用 利用 場合 後 時 方法 必要 可能".split()
)


class JapaneseDictionary:
    """JMdict read straight from the SQLite file `jamdict-data` ships, read-only and shareable
    across threads (the graph runs its nodes in worker threads)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None
        self._failed = False
        self._lock = threading.Lock()

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None and not self._failed:
            try:
                path = self._path or _packaged_database()
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            except (ImportError, OSError, sqlite3.Error) as exc:  # the glossary alone still works
                log.warning("the Japanese dictionary is unavailable (%s); using the glossary only", exc)
                self._failed = True
        return self._db

    @lru_cache(maxsize=8192)  # noqa: B019 - one dictionary per process, words repeat across questions
    def glosses(self, word: str) -> tuple[str, ...]:
        """Single-word English glosses of the first senses of `word`'s first entries."""
        db = self._open()
        if db is None or not word:
            return ()
        try:
            with self._lock:
                rows = db.execute(_GLOSSES, (word, word)).fetchall()
        except sqlite3.Error as exc:
            log.warning("dictionary lookup of %r failed: %s", word, exc)
            return ()
        out: list[str] = []
        for (text,) in rows:
            gloss = _PAREN.sub("", str(text)).strip().lower().removeprefix("to ")
            if gloss and " " not in gloss and gloss not in out:
                out.append(gloss)
        return tuple(out[:MAX_GLOSSES])


def _packaged_database() -> Path:
    import jamdict_data

    return Path(jamdict_data.__file__).parent / "jamdict.db"


# the first two entries that write the word this way, their first two senses, English glosses in order
_GLOSSES = """
WITH entries AS (
    SELECT idseq FROM (SELECT idseq FROM Kanji WHERE text = ? UNION SELECT idseq FROM Kana WHERE text = ?)
    ORDER BY idseq LIMIT 2
), senses AS (
    SELECT s.ID, s.idseq, ROW_NUMBER() OVER (PARTITION BY s.idseq ORDER BY s.ID) AS n
    FROM Sense s JOIN entries e ON e.idseq = s.idseq
)
SELECT g.text FROM senses JOIN SenseGloss g ON g.sid = senses.ID
WHERE senses.n <= 2 AND (g.lang IS NULL OR g.lang = 'eng')
ORDER BY senses.idseq, senses.ID, g.rowid
"""


@lru_cache(maxsize=1)
def default_dictionary() -> JapaneseDictionary:
    return JapaneseDictionary()


def uncovered_words(
    text: str, covered: str, dictionary: JapaneseDictionary | None = None
) -> list[tuple[str, set[str]]]:
    """Japanese content words of `text` outside the glossary's matches (`covered`), each with the
    English words it may stand for (dictionary glosses, a loanword's origin)."""
    from knowledge.keyword_tokens import japanese_words

    chosen = dictionary or default_dictionary()
    out: list[tuple[str, set[str]]] = []
    for surface, base, origin in japanese_words(text):
        if surface in covered or not _CONTENT.search(surface) or base in _FRAME_WORDS or len(surface) < 2:
            continue  # the glossary's, grammar (その, なっ), the question's frame (する), or a suffix (的)
        english = set(chosen.glosses(base) or chosen.glosses(surface))
        if origin:
            english.add(origin.lower())
        out.append((surface, english))
    return out
