"""The manifest: which sources are in the index, their content hashes, and their live passages.

It is the source of truth for what the index holds. A source's passages are committed here in one
SQLite transaction after their vectors are stored, so a crash mid-ingest leaves the previous
state readable; vectors no committed source owns are ignored by search and swept by the next ingest.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    source_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    location TEXT NOT NULL,
    url TEXT,
    service TEXT,
    content_hash TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources(source_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    kind TEXT NOT NULL,
    service TEXT,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_source ON chunks(source_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class SourceRecord:
    source_id: str
    kind: str
    title: str
    location: str
    url: str | None
    service: str | None
    content_hash: str
    chunks: int
    ingested_at: float


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    kind: str
    service: str | None
    tokens: list[str]


class ManifestError(RuntimeError):
    pass


class Manifest:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ManifestError(f"the manifest {path} is unreadable ({exc}); run `awsstudy ingest --rebuild`") from exc

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        # One connection serves every thread of the app: a lock keeps one transaction at a time.
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def source(self, source_id: str) -> SourceRecord | None:
        row = self._one("SELECT * FROM sources WHERE source_id = ?", (source_id,))
        return SourceRecord(*row) if row else None

    def sources(self) -> list[SourceRecord]:
        rows = self._all("SELECT * FROM sources ORDER BY kind, title")
        return [SourceRecord(*row) for row in rows]

    def chunk_ids(self, source_id: str | None = None) -> list[str]:
        if source_id is None:
            return [r[0] for r in self._all("SELECT id FROM chunks ORDER BY rowid")]
        query = "SELECT id FROM chunks WHERE source_id = ? ORDER BY ord"
        return [r[0] for r in self._all(query, (source_id,))]

    def neighbour_ids(self, chunk_id: str) -> tuple[str | None, str | None]:
        """The passages just before and after one in its source."""
        row = self._one("SELECT source_id, ord FROM chunks WHERE id = ?", (chunk_id,))
        if row is None:
            return None, None
        around = dict(
            self._all(
                "SELECT ord, id FROM chunks WHERE source_id = ? AND ord IN (?, ?)", (row[0], row[1] - 1, row[1] + 1)
            )
        )
        return around.get(row[1] - 1), around.get(row[1] + 1)

    def chunks(self) -> list[ChunkRecord]:
        rows = self._all("SELECT id, kind, service, tokens FROM chunks ORDER BY rowid")
        return [ChunkRecord(r[0], r[1], r[2], r[3].split(" ") if r[3] else []) for r in rows]

    def replace_source(self, record: SourceRecord, chunks: Iterable[tuple[str, str, str | None, list[str]]]) -> None:
        """Swap a source's passages for new ones in one transaction."""
        with self.transaction() as db:
            db.execute("DELETE FROM chunks WHERE source_id = ?", (record.source_id,))
            db.execute("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?,?)", _row(record))
            db.executemany(
                "INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?)",
                (
                    (cid, record.source_id, n, kind, service, " ".join(tokens))
                    for n, (cid, kind, service, tokens) in enumerate(chunks)
                ),
            )
            self._bump(db)

    def remove_source(self, source_id: str) -> int:
        with self.transaction() as db:
            removed = db.execute("DELETE FROM chunks WHERE source_id = ?", (source_id,)).rowcount
            db.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))
            self._bump(db)
        return int(removed)

    def generation(self) -> int:
        row = self._one("SELECT value FROM meta WHERE key = 'generation'")
        return int(row[0]) if row else 0

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _bump(self, db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )


def _row(record: SourceRecord) -> tuple[object, ...]:
    return (
        record.source_id,
        record.kind,
        record.title,
        record.location,
        record.url,
        record.service,
        record.content_hash,
        record.chunks,
        record.ingested_at or time.time(),
    )
