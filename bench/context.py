"""What every phase needs: the servers the bench started, the environment of its workers, the
app database checker, and where the per-round figures and failures are collected."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bench import cpu, database
from bench.database import Checker
from bench.processes import Processes
from bench.profiles import Profile

HOST = "127.0.0.1"
WS_PATH = "/ws/inbox/"


@dataclass(frozen=True)
class Server:
    name: str
    kind: str  # "hello", "verify" (verify + insert) or "app"
    port: int
    pid: int
    worker_pids: tuple[int, ...] = ()  # the app's process_webhooks (and media) workers


@dataclass
class Context:
    profile: Profile
    processes: Processes
    servers: dict[str, Server]
    app_env: dict[str, str]
    worker_env: dict[str, str]
    secret: str
    session_key: str
    checker: Checker
    results: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # CLOCK_REALTIME minus CLOCK_MONOTONIC, to place the database's timestamps on the
    # monotonic clock that the workers use.
    clock_offset_ns: int = field(default_factory=lambda: time.time_ns() - time.monotonic_ns())
    # Stand in for autovacuum between runs, on a server that has it off.
    vacuum_between_runs: bool = False

    def record(self, key: str, value: float) -> None:
        self.results[key].append(value)

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"  FAIL: {message}", flush=True)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)
        print(f"  note: {message}", flush=True)

    def monotonic_ns(self, moment: datetime) -> int:
        return int(moment.timestamp() * 1e9) - self.clock_offset_ns

    def meter(self, server: Server) -> cpu.Meter:
        return cpu.Meter(
            {
                "server": lambda: [server.pid],
                "workers": lambda: list(server.worker_pids),
                "postgres": lambda: cpu.postgres_pids(database.dsn("postgres"), "inbox_bench"),
                "redis": lambda: cpu.pids_named("redis-server"),
            }
        )

    def listener_spec(self, server: Server, *, prefix: str, clients: int) -> dict:
        return {
            "host": HOST,
            "port": server.port,
            "path": WS_PATH,
            "origin": f"http://{HOST}:{server.port}",
            "cookie": f"sessionid={self.session_key}",
            "clients": clients,
            "prefix": prefix,
        }
