"""The websocket listener process: `python -m bench.ws_listeners '<json spec>'`.

Logs N staff clients into `/ws/inbox/`, prints `ready` (or `refused <reason>`), and records
when each client first sees each bench wamid in a frame. A line `expect <count> <timeout>` on
stdin makes it wait until every client has seen `count` wamids (or the timeout passes) and print
one JSON line: per client the (index, CLOCK_MONOTONIC ns) pairs it saw, the size of the frames
and how many bench messages each carried, and its CPU seconds."""

import asyncio
import json
import os
import statistics
import sys
import time

from bench import payloads
from bench.ws_client import Closed, Listener, Refused

SIZE_SAMPLE = 2000


class Recorder:
    def __init__(self, clients: int, prefix: str) -> None:
        self.pattern = payloads.wamid_pattern(prefix)
        self.seen: list[dict[int, int]] = [{} for _ in range(clients)]
        self.frames = 0
        self.sizes: list[tuple[int, int]] = []  # (bytes, bench messages) of sampled frames
        self.errors: list[str] = []

    async def listen(self, number: int, listener: Listener) -> None:
        seen = self.seen[number]
        try:
            while True:
                message = await listener.message()
                now = time.monotonic_ns()
                self.frames += 1
                indices = {int(index) for index in self.pattern.findall(message)}
                for index in indices:
                    seen.setdefault(index, now)
                # Every client gets the same frames: one client's are the sample.
                if indices and number == 0 and len(self.sizes) < SIZE_SAMPLE:
                    self.sizes.append((len(message), len(indices)))
        except (Closed, ConnectionError, asyncio.IncompleteReadError) as exc:
            self.errors.append(f"client {number}: {type(exc).__name__} {exc}")

    async def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(len(seen) < count for seen in self.seen):
            await asyncio.sleep(0.02)


async def connect_all(spec: dict) -> list[Listener]:
    async def one() -> Listener:
        return await Listener.connect(
            host=spec["host"], port=spec["port"], path=spec["path"], origin=spec["origin"], cookie=spec["cookie"]
        )

    return list(await asyncio.gather(*(one() for _ in range(spec["clients"]))))


async def main(spec: dict) -> None:
    try:
        listeners = await connect_all(spec)
    except (Refused, OSError, asyncio.IncompleteReadError) as exc:
        print(f"refused {type(exc).__name__}: {exc}", flush=True)
        return
    recorder = Recorder(len(listeners), spec["prefix"])
    tasks = [asyncio.create_task(recorder.listen(number, listener)) for number, listener in enumerate(listeners)]
    times = os.times()
    cpu_before = times.user + times.system
    print("ready", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    _, count, timeout = line.split()
    await recorder.wait_for(int(count), float(timeout))
    times = os.times()
    for task in tasks:
        task.cancel()
    for listener in listeners:
        listener.close()
    result = {
        "seen": [sorted(seen.items()) for seen in recorder.seen],
        "frames": recorder.frames,
        "frame_bytes": statistics.median(size for size, _ in recorder.sizes) if recorder.sizes else 0,
        "messages_per_frame": statistics.median(n for _, n in recorder.sizes) if recorder.sizes else 0,
        "errors": recorder.errors,
        "cpu_s": times.user + times.system - cpu_before,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
