"""CPU seconds per component over a phase, read from /proc/<pid>/stat (utime + stime).

PostgreSQL counts the backends connected to the bench's databases plus the server's own
background processes (WAL writer, checkpointer, ...), not the backends of anything else sharing
the server; Redis counts redis-server. Processes that exit during a phase take their CPU
with them, so components are sampled while their processes live."""

import os
from collections.abc import Callable

import psycopg2

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    # After the command name: state is field 3, utime 14, stime 15 (proc(5)).
    return (int(fields[11]) + int(fields[12])) / TICKS


def pids_named(name: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().strip() == name:
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def postgres_pids(dsn: str, database_prefix: str) -> list[int]:
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND (datname LIKE %s OR backend_type <> 'client backend')",
            (database_prefix + "%",),
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    # The postmaster is every backend's parent and never appears in pg_stat_activity.
    postmaster = {_parent(pid) for pid in pids} - {0, 1}
    return pids + sorted(postmaster)


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError):
        return 0


class Meter:
    """Samples each component's processes at `start()` and `stop()`; `stop()` returns the CPU
    seconds each component used in between."""

    def __init__(self, components: dict[str, Callable[[], list[int]]]) -> None:
        self.components = components
        self.before: dict[str, dict[int, float]] = {}

    def _sample(self) -> dict[str, dict[int, float]]:
        sample: dict[str, dict[int, float]] = {}
        for name, pids in self.components.items():
            sample[name] = {pid: seconds for pid in pids() if (seconds := cpu_seconds(pid)) is not None}
        return sample

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> dict[str, float]:
        after = self._sample()
        return {
            name: sum(seconds - self.before.get(name, {}).get(pid, 0.0) for pid, seconds in pids.items())
            for name, pids in after.items()
        }
