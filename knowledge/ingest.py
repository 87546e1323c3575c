"""Ingest: sources → sections → passages → index, one source at a time, a clear line per failure."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from knowledge.index import KnowledgeIndex
from knowledge.loaders.botocore_docs import DEFAULT_SERVICES, available_services, load_service
from knowledge.loaders.files import LoadError, SkippedFile, iter_files, load_file
from knowledge.loaders.web import expand, is_url, load_url
from knowledge.passage import KIND_NOTE, SourceDocument
from knowledge.splitter import split_document

NOTES_DIR = Path(__file__).parent / "notes"
BOTOCORE_PREFIX = "botocore:"


@dataclass
class IngestReport:
    sources: int = 0
    unchanged: int = 0
    chunks_added: int = 0
    chunks_skipped: int = 0
    chunks_removed: int = 0
    errors: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "sources": self.sources,
            "unchanged_sources": self.unchanged,
            "chunks_added": self.chunks_added,
            "chunks_skipped": self.chunks_skipped,
            "chunks_removed": self.chunks_removed,
            "errors": self.errors,
            "skipped_files": self.skipped_files,
            "seconds": round(self.seconds, 2),
        }


def default_targets() -> list[str]:
    return [str(NOTES_DIR), *(BOTOCORE_PREFIX + s for s in DEFAULT_SERVICES)]


def iter_documents(
    targets: Iterable[str], kind: str | None = None, report: IngestReport | None = None
) -> Iterator[SourceDocument | LoadError]:
    """Each target's documents, or a LoadError naming what failed; one bad file never stops the rest."""
    for target in targets:
        try:
            if target.startswith(BOTOCORE_PREFIX):
                yield from _botocore(target[len(BOTOCORE_PREFIX) :])
            elif is_url(target):
                for url in expand(target):
                    yield _guard(url, partial(load_url, url))
            else:
                path = Path(target).expanduser()
                chosen = kind or (KIND_NOTE if path.resolve() == NOTES_DIR.resolve() else None)
                for item in iter_files(path):
                    if isinstance(item, SkippedFile):
                        if report is not None:
                            report.skipped_files.append(f"{item.location}: {item.reason}")
                        continue
                    yield _guard(str(item), partial(load_file, item, chosen))
        except LoadError as exc:
            yield exc


def _botocore(name: str) -> Iterator[SourceDocument | LoadError]:
    known = available_services()
    names = known if name == "all" else [name]
    for service in names:
        if service not in known:
            yield LoadError(f"botocore:{service}", "no such service in botocore (try `botocore:all`)")
            continue
        yield _guard(f"botocore:{service}", partial(load_service, service))


def _guard(location: str, load: Callable[[], SourceDocument]) -> SourceDocument | LoadError:
    try:
        return load()
    except LoadError as exc:
        return exc
    except Exception as exc:  # a parser bug on one odd file must not end the batch
        return LoadError(location, f"could not be read ({exc.__class__.__name__}: {exc})")


def ingest(
    index: KnowledgeIndex,
    targets: Iterable[str],
    kind: str | None = None,
    on_source: Callable[[SourceDocument, int], None] | None = None,
    on_passages: Callable[[int], None] | None = None,
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    index.sweep_orphans()
    for item in iter_documents(targets, kind, report):
        if isinstance(item, LoadError):
            report.errors.append(str(item))
            continue
        passages = split_document(item)
        if on_source:
            on_source(item, len(passages))
        try:
            result = index.add_document(item, passages, progress=on_passages)
        except Exception as exc:  # e.g. Bedrock embeddings throttled: the source is not committed
            report.errors.append(f"{item.location}: not indexed ({exc.__class__.__name__}: {exc})")
            continue
        report.sources += 1
        report.unchanged += int(result.unchanged)
        report.chunks_added += result.added
        report.chunks_skipped += result.skipped
        report.chunks_removed += result.removed
        if result.unchanged and on_passages:
            on_passages(result.skipped)
    index.refresh_keyword_index()
    report.seconds = time.perf_counter() - started
    return report
