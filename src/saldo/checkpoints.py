"""SQLite WAL checkpoints in a thread of their own, for a bulk writer (the CDR import).

By default the connection that commits copies the WAL back into the database file once it
passes 1,000 pages, so every batch of an import paid for a checkpoint before rating the next
one. A bulk unit of work (``transaction(..., bulk=True)``) turns that off on its connection,
and ``BackgroundCheckpoints`` runs a passive checkpoint after each commit on a connection of
its own, while the writer rates the next batch (SQLite releases the GIL while it copies).
Passive checkpoints never block the writer; a final one runs when the import ends.
"""

from __future__ import annotations

import sqlite3
import threading
from types import TracebackType

from sqlalchemy import Engine


class BackgroundCheckpoints:
    def __init__(self, engine: Engine) -> None:
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self._path = database if database and database != ":memory:" else None
        self._due = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BackgroundCheckpoints:
        if self._path is not None:
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()
        return self

    def committed(self) -> None:
        """A batch was committed: its pages may go to the database file."""
        self._due.set()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is None:
            return
        self._stop = True
        self._due.set()
        self._thread.join()

    def _run(self) -> None:
        assert self._path is not None
        conn = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
        try:
            while True:
                self._due.wait()
                self._due.clear()
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                if self._stop:
                    return
        finally:
            conn.close()
