"""A lean HTTP/1.1 keep-alive client on asyncio's transports, and the two load shapes.

Closed loop: N connections each send the next request as soon as the previous answer is in
(measures throughput). Open loop: requests leave at fixed scheduled times whatever the server
does, on as many connections as that takes, and latency is taken from the *scheduled* time, so a
stalled server cannot hide its stall by slowing the generator down (coordinated omission)."""

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

TIMEOUT = -1  # status of a request that got no answer in time
ERROR = -2  # status of a request whose connection failed


class Connection(asyncio.Protocol):
    """One keep-alive connection with at most one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.closed = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            status = take_response(self.buffer)
            if status is not None:
                self.waiter.set_result(status)

    def connection_lost(self, exc) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(f"connection lost: {exc}"))

    async def request(self, data: bytes) -> int:
        """Send `data` and return the answer's status code."""
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def take_response(buffer: bytearray) -> int | None:
    """If `buffer` starts with a complete response, remove it and return its status code."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    start = head.find(b"\r\ncontent-length:")
    if start < 0:
        raise ValueError("response without Content-Length: " + head[:200].decode("latin-1"))
    stop = head.find(b"\r\n", start + 2)
    length = int(head[start + 17 : stop if stop >= 0 else len(head)])
    total = end + 4 + length
    if len(buffer) < total:
        return None
    status = int(head[9:12])
    del buffer[:total]
    return status


async def connect(host: str, port: int) -> Connection:
    _, protocol = await asyncio.get_running_loop().create_connection(Connection, host, port)
    return protocol


@dataclass
class Outcome:
    """What one run of requests produced; times are CLOCK_MONOTONIC nanoseconds."""

    statuses: list[int] = field(default_factory=list)  # per request index
    scheduled_ns: list[int] = field(default_factory=list)
    sent_ns: list[int] = field(default_factory=list)
    done_ns: list[int] = field(default_factory=list)
    connections: int = 0
    # Open loop: how late the generator itself handed each request to a connection, which
    # shows whether the generator kept its schedule (connecting is the server's share).
    dispatch_lag_ns: list[int] = field(default_factory=list)

    def add(self, count: int) -> None:
        self.statuses.extend([TIMEOUT] * count)
        self.scheduled_ns.extend([0] * count)
        self.sent_ns.extend([0] * count)
        self.done_ns.extend([0] * count)


async def closed_loop(
    *, host: str, port: int, requests: Sequence[bytes], connections: int, duration: float, cycle: bool
) -> Outcome:
    """Keep `connections` requests in flight for `duration` seconds. Without `cycle`, stops
    early when every request has been sent once."""
    outcome = Outcome(connections=connections)
    pool = [await connect(host, port) for _ in range(connections)]
    deadline = time.monotonic_ns() + int(duration * 1e9)
    next_index = 0

    async def worker(connection: Connection) -> None:
        nonlocal next_index
        while time.monotonic_ns() < deadline and (cycle or next_index < len(requests)):
            index = next_index
            next_index += 1
            outcome.add(1)
            started = time.monotonic_ns()
            outcome.scheduled_ns[index] = outcome.sent_ns[index] = started
            try:
                outcome.statuses[index] = await connection.request(requests[index % len(requests)])
            except (ConnectionError, OSError):
                outcome.statuses[index] = ERROR
                connection = await connect(host, port)
            outcome.done_ns[index] = time.monotonic_ns()
        connection.close()

    await asyncio.gather(*(worker(connection) for connection in pool))
    return outcome


async def open_loop(
    *,
    host: str,
    port: int,
    requests: Sequence[bytes],
    rate: float,
    count: int,
    warm_connections: int,
    max_connections: int,
    answer_timeout: float,
) -> Outcome:
    """Send `count` requests at `rate` per second from scheduled times, opening connections
    whenever none is idle (up to `max_connections`), and wait up to `answer_timeout` seconds
    after the last send for the answers still out."""
    outcome = Outcome()
    outcome.add(count)
    idle: list[Connection] = [await connect(host, port) for _ in range(warm_connections)]
    opened = len(idle)
    freed = asyncio.Event()
    start = time.monotonic_ns() + 20_000_000
    interval = 1e9 / rate

    async def send(index: int, connection: Connection | None) -> None:
        nonlocal opened
        try:
            if connection is None:
                connection = await connect(host, port)
            outcome.sent_ns[index] = time.monotonic_ns()
            outcome.statuses[index] = await connection.request(requests[index % len(requests)])
            outcome.done_ns[index] = time.monotonic_ns()
            idle.append(connection)
        except (ConnectionError, OSError):
            outcome.statuses[index] = ERROR
            outcome.done_ns[index] = time.monotonic_ns()
            opened -= 1
        freed.set()

    tasks = []
    for index in range(count):
        scheduled = start + int(index * interval)
        outcome.scheduled_ns[index] = scheduled
        delay = scheduled - time.monotonic_ns()
        if delay > 0:
            await asyncio.sleep(delay / 1e9)
        while not idle and opened >= max_connections:
            freed.clear()
            await freed.wait()
        outcome.dispatch_lag_ns.append(time.monotonic_ns() - scheduled)
        if idle:
            connection = idle.pop()
        else:
            connection = None
            opened += 1
        tasks.append(asyncio.create_task(send(index, connection)))
    outcome.connections = opened
    _, pending = await asyncio.wait(tasks, timeout=answer_timeout) if tasks else (set(), set())
    for task in pending:
        task.cancel()
    for connection in idle:
        connection.close()
    return outcome


def latencies_ns(outcome: Outcome) -> list[float]:
    """Per request, answer time minus scheduled time; unanswered requests are infinite."""
    return [
        done - scheduled if status not in (TIMEOUT, ERROR) else math.inf
        for status, scheduled, done in zip(outcome.statuses, outcome.scheduled_ns, outcome.done_ns, strict=True)
    ]
