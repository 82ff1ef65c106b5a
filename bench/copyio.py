"""Streaming rows into PostgreSQL with ``COPY … FROM STDIN`` (psycopg 3).

Rows are formatted as COPY text in the generating thread and handed to one writer thread
that owns the connection, so generation (Python) and loading (the server) overlap on the
two cores. Everything is loaded in one transaction: a failed run leaves nothing behind.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import defaultdict

import psycopg

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def cell(value) -> str:
    """One value in COPY text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


def cents(value: int) -> str:
    """An amount in cents as a decimal string: 12345 -> ``123.45``."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


class Batch:
    """Rows of one table waiting to be copied, in COPY text format."""

    def __init__(self, table: str, columns: tuple[str, ...]):
        self.table, self.columns = table, columns
        self.lines: list[str] = []

    def add(self, *values) -> None:
        self.lines.append("\t".join(map(cell, values)))

    def __len__(self) -> int:
        return len(self.lines)


class Loader:
    """Copies batches in the order they are sent, on its own thread and connection."""

    def __init__(self, url: str):
        self.connection = psycopg.connect(url)
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds = 0.0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="copy-loader", daemon=True)
        self.thread.start()

    def send(self, batches: list[Batch]) -> None:
        if self.error:
            raise RuntimeError("loading failed") from self.error
        self.queue.put([b for b in batches if len(b)])

    def _run(self) -> None:
        try:
            with self.connection.cursor() as cursor:
                while (batches := self.queue.get()) is not None:
                    started = time.perf_counter()
                    for batch in batches:
                        columns = ", ".join(f'"{c}"' for c in batch.columns)
                        sql = f"COPY {batch.table} ({columns}) FROM STDIN"
                        with cursor.copy(sql) as copy:
                            chunk = 5000
                            for i in range(0, len(batch.lines), chunk):
                                copy.write("\n".join(batch.lines[i:i + chunk]) + "\n")
                        self.rows[batch.table] += len(batch)
                    self.seconds += time.perf_counter() - started
        except BaseException as exc:  # reported to the generating thread
            self.error = exc
            while True:  # drain so the sender never blocks
                if self.queue.get() is None:
                    break

    def finish(self, statements: tuple[str, ...] = ()) -> None:
        """Wait for the last batch, run ``statements`` (say, building indexes), commit."""
        self.queue.put(None)
        self.thread.join()
        if self.error:
            self.connection.rollback()
            raise RuntimeError("loading failed") from self.error
        for statement in statements:
            self.connection.execute(statement)
        self.connection.commit()
