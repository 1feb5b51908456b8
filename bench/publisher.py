"""The push baseline's sender: `python -m bench.publisher '<json spec>'` (Django settings from the
environment, so it uses the app's Redis pub/sub channel layer).

Publishes frames shaped like the app's (its median size, carrying its median number of
messages each) straight onto the "inbox" group at the same message rate (open loop), as
`inbox.realtime` would, but with no HTTP, no database and no rendering in between. Prints
`ready`, waits for a line on stdin, then prints one JSON line with each message's scheduled
time (its frame's, CLOCK_MONOTONIC ns) and the publisher's CPU seconds."""

import asyncio
import json
import os
import sys
import time

import django


def fragment(wamids: list[str], first_index: int, size: int) -> str:
    """Out-of-band message fragments like the app's, one per wamid, padded to about `size`
    bytes in all."""
    parts = [
        f'<div id="msg-{first_index + n}" class="message message-in" data-wamid="{wamid}" '
        f'hx-swap-oob="beforeend:#thread-1"><p class="message-body">'
        for n, wamid in enumerate(wamids)
    ]
    padding = max(size - sum(len(part) + 10 for part in parts), 0) // len(parts)
    return "".join(part + "x" * padding + "</p></div>" for part in parts)


async def publish(spec: dict) -> dict:
    from channels.layers import get_channel_layer

    from bench import payloads
    from inbox import realtime

    layer = get_channel_layer()
    count, per_frame = spec["count"], spec["per_frame"]
    firsts = range(0, count, per_frame)
    events = [
        {
            "type": realtime.EVENT_TYPE,
            "html": fragment(
                [payloads.wamid(spec["prefix"], i) for i in range(first, min(first + per_frame, count))],
                first,
                spec["size"],
            ),
        }
        for first in firsts
    ]
    interval = 1e9 / spec["rate"]
    # A first publish opens the Redis connection outside the measured window.
    await layer.group_send(realtime.INBOX_GROUP, {"type": realtime.EVENT_TYPE, "html": "<div></div>"})
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    times = os.times()
    cpu_before = times.user + times.system
    start = time.monotonic_ns() + 20_000_000
    scheduled = []
    for first, event in zip(firsts, events, strict=True):
        due = start + int(first * interval)
        delay = due - time.monotonic_ns()
        if delay > 0:
            await asyncio.sleep(delay / 1e9)
        scheduled.extend([due] * min(per_frame, count - first))
        await layer.group_send(realtime.INBOX_GROUP, event)
    times = os.times()
    return {"scheduled_ns": scheduled, "cpu_s": times.user + times.system - cpu_before}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if "pubsub" not in backend:
        raise SystemExit(f"the push baseline needs the Redis pub/sub layer, not {backend} (set REDIS_URL)")
    print(json.dumps(asyncio.run(publish(json.loads(sys.argv[1])))), flush=True)


if __name__ == "__main__":
    main()
