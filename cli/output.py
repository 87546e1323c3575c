"""How the CLI speaks: readable text by default, one JSON object with --json, one line per error."""

from __future__ import annotations

import json
import sys
from typing import Any


class CliError(Exception):
    """An error for the user: a code for scripts and a one-line message."""

    def __init__(self, code: str, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.exit_code = exit_code


def emit_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def fail(error: CliError, as_json: bool) -> int:
    sys.stderr.write(f"awsstudy: {error.message}\n")
    if as_json:
        emit_json({"error": {"code": error.code, "message": error.message}})
    return error.exit_code


def shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
