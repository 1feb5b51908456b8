"""The bench's databases: created fresh each run, migrated, and read back to check that every
delivery was stored and processed exactly once."""

import subprocess
import time
from dataclasses import dataclass
from datetime import datetime

import psycopg2

from bench.processes import PYTHON, ROOT

HOST = "127.0.0.1"
PORT = 5432
USER = "postgres"


def url(name: str) -> str:
    return f"postgres://{USER}@{HOST}:{PORT}/{name}"


def dsn(name: str) -> str:
    return f"host={HOST} port={PORT} user={USER} dbname={name}"


def recreate(name: str) -> None:
    connection = psycopg2.connect(dsn("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def server_version(name: str) -> str:
    connection = psycopg2.connect(dsn(name))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version


@dataclass(frozen=True)
class Stored:
    """What the app's database holds for one phase's deliveries."""

    deliveries: int
    by_state: dict[str, int]
    messages_declared: int  # sum of Delivery.messages
    max_attempts: int
    messages: int  # Message rows with the phase's wamid prefix
    distinct_wamids: int
    last_processed_at: datetime | None


class Checker:
    """One autocommit connection to the app's database for the bench's reads."""

    def __init__(self, name: str) -> None:
        self.connection = psycopg2.connect(dsn(name))
        self.connection.autocommit = True

    def close(self) -> None:
        self.connection.close()

    def _one(self, sql: str, params: tuple = ()) -> tuple:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def max_id(self, table: str) -> int:
        return self._one(f"SELECT coalesce(max(id), 0) FROM {table}")[0]

    def rows_after(self, table: str, after_id: int) -> int:
        return self._one(f"SELECT count(*) FROM {table} WHERE id > %s", (after_id,))[0]

    def wait_processed(self, *, after_id: int, expected: int, timeout: float) -> bool:
        """Wait until `expected` deliveries after `after_id` exist and none is still received."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            total, waiting = self._one(
                "SELECT count(*), count(*) FILTER (WHERE state = 'received') FROM webhook_delivery WHERE id > %s",
                (after_id,),
            )
            if total >= expected and waiting == 0:
                return True
            time.sleep(0.02)
        return False

    def stored(self, *, after_id: int, prefix: str) -> Stored:
        with self.connection.cursor() as cursor:
            cursor.execute(
                # By the phase's wamid prefix too: a request a previous phase gave up on may
                # still have been stored since.
                "SELECT state, count(*), coalesce(sum(messages), 0), coalesce(max(attempts), 0), max(processed_at) "
                "FROM webhook_delivery WHERE id > %s AND position(%s::bytea in body) > 0 GROUP BY state",
                (after_id, f'"wamid.{prefix}'.encode()),
            )
            rows = cursor.fetchall()
        messages, distinct = self._one(
            "SELECT count(*), count(DISTINCT message_id) FROM inbox_message WHERE message_id LIKE %s",
            (f"wamid.{prefix}%",),
        )
        processed_times = [row[4] for row in rows if row[4] is not None]
        return Stored(
            deliveries=sum(row[1] for row in rows),
            by_state={row[0]: row[1] for row in rows},
            messages_declared=sum(row[2] for row in rows),
            max_attempts=max((row[3] for row in rows), default=0),
            messages=messages,
            distinct_wamids=distinct,
            last_processed_at=max(processed_times, default=None),
        )

    def delivery_times(self, prefix: str) -> dict[int, tuple[datetime, datetime]]:
        """(received_at, processed_at) of each processed one-message delivery of a phase, by
        its message's index."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT substring(convert_from(body, 'UTF8') from %s)::int, received_at, processed_at "
                "FROM webhook_delivery WHERE position(%s::bytea in body) > 0 AND processed_at IS NOT NULL",
                (rf'"wamid\.{prefix}(\d+)"', f'"wamid.{prefix}'.encode()),
            )
            return {index: (received, processed) for index, received, processed in cursor.fetchall()}

    def media_states(self, prefix: str) -> dict[str, int]:
        """How many of the phase's messages (wamid prefix) are in each media state."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT media_state, count(*) FROM inbox_message WHERE message_id LIKE %s GROUP BY media_state",
                (f"wamid.{prefix}%",),
            )
            return dict(cursor.fetchall())

    def media_rows(self, prefix: str) -> list[tuple[str, str, str, int | None, str]]:
        """(media id, state, stored file name, stored size, error) of each of the phase's messages."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT media_id, media_state, media_file, media_size, media_error FROM inbox_message "
                "WHERE message_id LIKE %s ORDER BY message_id",
                (f"wamid.{prefix}%",),
            )
            return cursor.fetchall()

    def autovacuum(self) -> bool:
        return self._one("SHOW autovacuum")[0] == "on"

    def vacuum(self) -> None:
        """What autovacuum would have done by now: clear the dead rows of processed deliveries
        and updated conversations, and give the planner the tables' real sizes."""
        with self.connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")

    def counters_match(self) -> tuple[int, int]:
        """(sum of Conversation.message_count, number of Message rows): equal when every message
        was counted exactly once."""
        return self._one(
            "SELECT (SELECT coalesce(sum(message_count), 0) FROM inbox_conversation), "
            "(SELECT count(*) FROM inbox_message)"
        )
