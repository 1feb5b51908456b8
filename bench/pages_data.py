"""The page benchmark's data set (rows from `bench.pages_rows`) written with PostgreSQL COPY
into its own freshly migrated database.

Indexes and unique constraints are dropped for the load and rebuilt after it, and foreign keys
are not checked row by row (session_replication_role = replica): the rows are consistent by
construction."""

import io
import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg2

from bench import database, pages_rows

NAME = "inbox_bench_pages"
TABLES = ("inbox_conversation", "inbox_message")


@dataclass(frozen=True)
class DataSet:
    conversations: int
    messages: int
    big_conversation: int  # pk of the long thread
    search_term: str
    seconds: float


class _LineReader(io.RawIOBase):
    """A file-like view of an iterator of lines, for copy_expert."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.pending) < len(buffer):
            chunk = "".join(itertools.islice(self.lines, 2000))
            if not chunk:
                break
            self.pending += chunk.encode()
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _copy(cursor, table: str, lines: Iterator[str]) -> None:
    cursor.copy_expert(f"COPY {table} FROM STDIN", io.BufferedReader(_LineReader(lines), 1 << 20))


def _columns(cursor, table: str) -> list[pages_rows.Column]:
    cursor.execute(
        "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return cursor.fetchall()


def _drop_indexes(cursor) -> list[str]:
    """Drop every index and unique constraint of TABLES except primary keys; return the
    statements that recreate them."""
    recreate, drop = [], []
    for table in TABLES:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            (table,),
        )
        for name, definition in cursor.fetchall():
            drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))",
            (table, table),
        )
        for name, definition in cursor.fetchall():
            drop.append(f'DROP INDEX "{name}"')
            recreate.append(definition)
    for statement in drop:
        cursor.execute(statement)
    return recreate


def build(*, conversations: int, messages: int, big_thread: int, env: dict[str, str]) -> DataSet:
    started = time.monotonic()
    database.recreate(NAME)
    database.migrate(env)
    rng = random.Random(6)
    counts = pages_rows.message_counts(conversations=conversations, messages=messages, big_thread=big_thread, rng=rng)
    connection = psycopg2.connect(database.dsn(NAME))
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        rows = pages_rows.Rows(
            counts=counts,
            rng=rng,
            now=datetime.now(UTC),
            message_columns=_columns(cursor, "inbox_message"),
            conversation_columns=_columns(cursor, "inbox_conversation"),
        )
        recreate = _drop_indexes(cursor)
        _copy(cursor, "inbox_message", rows.messages())
        _copy(cursor, "inbox_conversation", iter(rows.conversations))
        for statement in recreate:
            cursor.execute(statement)
        for table in TABLES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    connection.commit()
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    connection.close()
    return DataSet(
        conversations=conversations,
        messages=messages,
        big_conversation=1,
        search_term=pages_rows.SEARCH_TERM,
        seconds=time.monotonic() - started,
    )
