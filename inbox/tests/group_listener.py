"""A channel in the inbox group, as a browser's consumer would be, for tests of what is pushed."""

import asyncio

from asgiref.sync import async_to_sync


def received(layer, channel) -> list[dict]:
    """Every event waiting on `channel` (none arrive later than 50 ms apart)."""

    async def drain() -> list[dict]:
        events = []
        while True:
            try:
                events.append(await asyncio.wait_for(layer.receive(channel), timeout=0.05))
            except TimeoutError:
                return events

    return async_to_sync(drain)()
