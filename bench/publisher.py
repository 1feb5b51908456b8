"""The push baseline's sender: `python -m bench.publisher '<json spec>'` (Django settings from the
environment, so it uses the app's Redis pub/sub channel layer).

Publishes a fragment of the app's frame size carrying a bench wamid straight onto the "inbox"
group at a fixed rate (open loop), as `inbox.realtime` would, but with no HTTP, no database and
no rendering in between. Prints `ready`, waits for a line on stdin, then prints one JSON line
with the scheduled and sent times (CLOCK_MONOTONIC ns) and its CPU seconds."""

import asyncio
import json
import os
import sys
import time

import django


def fragment(wamid: str, index: int, size: int) -> str:
    """An out-of-band message fragment like the app's, padded to about `size` bytes."""
    head = (
        f'<div id="msg-{index}" class="message message-in" data-wamid="{wamid}" '
        f'hx-swap-oob="beforeend:#thread-1"><p class="message-body">'
    )
    tail = "</p></div>"
    return head + "x" * max(size - len(head) - len(tail), 0) + tail


async def publish(spec: dict) -> dict:
    from channels.layers import get_channel_layer

    from bench import payloads
    from inbox import realtime

    layer = get_channel_layer()
    events = [
        {"type": realtime.EVENT_TYPE, "html": fragment(payloads.wamid(spec["prefix"], i), i, spec["size"])}
        for i in range(spec["count"])
    ]
    interval = 1e9 / spec["rate"]
    # A first publish opens the Redis connection outside the measured window.
    await layer.group_send(realtime.INBOX_GROUP, {"type": realtime.EVENT_TYPE, "html": "<div></div>"})
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    times = os.times()
    cpu_before = times.user + times.system
    start = time.monotonic_ns() + 20_000_000
    scheduled, sent = [], []
    for index, event in enumerate(events):
        due = start + int(index * interval)
        delay = due - time.monotonic_ns()
        if delay > 0:
            await asyncio.sleep(delay / 1e9)
        scheduled.append(due)
        sent.append(time.monotonic_ns())
        await layer.group_send(realtime.INBOX_GROUP, event)
    times = os.times()
    return {"scheduled_ns": scheduled, "sent_ns": sent, "cpu_s": times.user + times.system - cpu_before}


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
