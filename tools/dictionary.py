"""A general Japanese-English dictionary for the words the AWS glossary does not know.

JMdict ships offline through `jamdict` + `jamdict-data` (CC-BY-SA; a SQLite file inside the
wheel, opened in about 0.1 s). The glossary gives official AWS names; this gives the plain words
around them (隔離 → isolation, 成功 → success), so a Japanese question can meet an English
sentence word for word.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)
MAX_GLOSSES = 4
_PAREN = re.compile(r"\s*\([^)]*\)")
_CONTENT = re.compile(r"[\u30a0-\u30ff\u3400-\u9fff]")  # katakana or kanji: hiragana-only words are grammar
_FRAME_WORDS = frozenset(
    "為る する 成る なる 有る ある 居る いる 出来る できる 使う 使用 利用 場合 後 時 方法 必要 可能".split()
)


class JapaneseDictionary:
    def __init__(self) -> None:
        self._jam: Any | None = None
        self._failed = False

    def _open(self) -> Any | None:
        if self._jam is None and not self._failed:
            try:
                from jamdict import Jamdict

                self._jam = Jamdict()
            except Exception as exc:  # a broken install: the glossary alone still works
                log.warning("the Japanese dictionary is unavailable (%s); using the glossary only", exc)
                self._failed = True
        return self._jam

    @lru_cache(maxsize=8192)  # noqa: B019 - one dictionary per process, words repeat across questions
    def glosses(self, word: str) -> tuple[str, ...]:
        """Single-word English glosses of the first senses of `word`, most common first."""
        jam = self._open()
        if jam is None or not word:
            return ()
        try:
            result = jam.lookup(word, strict_lookup=True, lookup_chars=False, lookup_ne=False)
        except Exception as exc:
            log.warning("dictionary lookup of %r failed: %s", word, exc)
            return ()
        out: list[str] = []
        for entry in result.entries[:2]:
            for sense in entry.senses[:2]:
                for gloss in sense.gloss:
                    text = _PAREN.sub("", str(gloss.text)).strip().lower().removeprefix("to ")
                    if text and " " not in text and text not in out:
                        out.append(text)
        return tuple(out[:MAX_GLOSSES])


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
