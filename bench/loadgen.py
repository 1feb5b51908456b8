"""The load generator process: `python -m bench.loadgen '<json spec>'`.

Builds its signed requests first, prints `ready`, waits for a line on stdin, runs the closed or
open loop, and prints one JSON line with every request's status and times plus its own CPU
seconds for the timed part, so the generator's cost shows beside the server's."""

import asyncio
import json
import os
import sys
import time
from itertools import islice

from bench import http_client, payloads
from bench.stats import percentile


def build_requests(spec: dict) -> list[bytes]:
    host = f"{spec['host']}:{spec['port']}"
    generated = payloads.webhook_requests(
        prefix=spec["prefix"],
        deliveries=spec["requests"],
        per_post=spec["per_post"],
        secret=spec["secret"],
        host=host,
        timestamp=int(time.time()),
    )
    return list(islice(generated, spec["requests"]))


async def run(spec: dict, requests: list[bytes]) -> http_client.Outcome:
    if spec["shape"] == "closed":
        return await http_client.closed_loop(
            host=spec["host"],
            port=spec["port"],
            requests=requests,
            connections=spec["connections"],
            duration=spec["duration"],
            cycle=spec.get("cycle", False),
        )
    return await http_client.open_loop(
        host=spec["host"],
        port=spec["port"],
        requests=requests,
        rate=spec["rate"],
        count=spec["count"],
        warm_connections=spec["warm_connections"],
        max_connections=spec["max_connections"],
        answer_timeout=spec["answer_timeout"],
    )


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    spec = json.loads(sys.argv[1])
    requests = build_requests(spec)
    print("ready", flush=True)
    sys.stdin.readline()
    cpu_before = cpu_seconds()
    outcome = asyncio.run(run(spec, requests))
    result = {
        "statuses": outcome.statuses,
        "scheduled_ns": outcome.scheduled_ns,
        "sent_ns": outcome.sent_ns,
        "done_ns": outcome.done_ns,
        "connections": outcome.connections,
        "cpu_s": cpu_seconds() - cpu_before,
        "dispatch_lag_ms_p99": percentile(outcome.dispatch_lag_ns, 99) / 1e6 if outcome.dispatch_lag_ns else 0.0,
        "exhausted": spec["shape"] == "closed" and not spec.get("cycle") and len(outcome.statuses) >= len(requests),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
