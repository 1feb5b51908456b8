"""One subscription to the inbox group per server process, shared by all of its sockets.

Every frame goes to every agent, so the channel layer need not carry each frame to each socket
separately: per socket that costs a queue, a task switch, a decode and a dispatch, a third of
the server's CPU for each frame to 50 sockets in `make bench`'s push baseline. Instead the first
socket of an event loop puts a channel of the loop's own into the group; one task reads that
channel and hands each frame to every socket, in the order the frames came; the last socket to
leave takes the channel out again."""

import asyncio
import logging
import weakref
from typing import Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# The in-memory layer forgets a group member after a day (`group_expiry`); joining again
# keeps the shared channel in the group however long its sockets stay open.
REJOIN_EVERY = 3600.0  # seconds
RETRY_AFTER = 1.0  # seconds after a failed receive


class Member(Protocol):
    async def forward(self, event: dict) -> None: ...


class Fanout:
    """The sockets of one event loop that receive `group`."""

    def __init__(self, group: str) -> None:
        self.group = group
        # Insertion-ordered: frames reach sockets in the order they connected.
        self.members: dict[Member, None] = {}
        self._lock = asyncio.Lock()
        self._channel: str | None = None
        self._tasks: list[asyncio.Task] = []

    async def join(self, member: Member) -> None:
        async with self._lock:
            self.members[member] = None
            if self._channel is None:
                layer = get_channel_layer()
                try:
                    channel = await layer.new_channel()
                    await layer.group_add(self.group, channel)
                except BaseException:
                    # The socket fails to connect; the next one starts afresh.
                    self.members.pop(member, None)
                    raise
                self._channel = channel
                self._tasks = [
                    asyncio.create_task(self._forward(layer, channel)),
                    asyncio.create_task(self._stay_joined(layer, channel)),
                ]

    async def leave(self, member: Member) -> None:
        async with self._lock:
            self.members.pop(member, None)
            if self.members or self._channel is None:
                return
            # Cleared first: if the layer can't be reached, the next join still starts afresh.
            channel, tasks = self._channel, self._tasks
            self._channel, self._tasks = None, []
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await get_channel_layer().group_discard(self.group, channel)

    async def _forward(self, layer, channel: str) -> None:
        while True:
            try:
                event = await layer.receive(channel)
            except Exception:
                # Every socket of the process depends on this loop: it must outlive a bad message.
                logger.exception("could not receive a frame for the inbox's sockets")
                await asyncio.sleep(RETRY_AFTER)
                continue
            for member in list(self.members):
                try:
                    await member.forward(event)
                except Exception:
                    # One socket's failure must not cost the others their frame.
                    logger.exception("could not forward a frame to a socket")

    async def _stay_joined(self, layer, channel: str) -> None:
        while True:
            await asyncio.sleep(REJOIN_EVERY)
            await layer.group_add(self.group, channel)


_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Fanout]]" = weakref.WeakKeyDictionary()


def of(group: str) -> Fanout:
    """The fan-out of `group` on the running event loop."""
    fanouts = _by_loop.setdefault(asyncio.get_running_loop(), {})
    if group not in fanouts:
        fanouts[group] = Fanout(group)
    return fanouts[group]
