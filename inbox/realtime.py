"""The only code that touches the channel layer: pushes rendered HTML to every agent's browser,
and closes the sockets of a session or a user whose access has ended.

Broadcasts are deferred to `transaction.on_commit` here, so no caller can push a change that is
later rolled back; a Redis failure is logged (robust=True), never turned into a failed write
whose data has already committed."""

import asyncio
import hashlib
import logging
import threading
from dataclasses import dataclass, field, fields
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

INBOX_GROUP = "inbox"
EVENT_TYPE = "inbox.html"
CLOSE_TYPE = "inbox.close"
# The close code telling the page its access ended (logged out, deactivated, password changed):
# it reloads, landing on the login page, rather than reconnecting.
ACCESS_ENDED = 4001


def user_group(user_pk: int) -> str:
    return f"inbox-user-{int(user_pk)}"


def session_group(session_key: str) -> str:
    # Hashed: group names travel through Redis, and a session key is a login.
    return "inbox-session-" + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def cut(group: str) -> None:
    """Close every live socket in `group` once the current transaction commits."""
    transaction.on_commit(partial(publish, group, {"type": CLOSE_TYPE}), robust=True)


@dataclass
class Changes:
    """What one write changed, by primary key; rendered into one frame."""

    new_messages: list[int] = field(default_factory=list)
    changed_messages: list[int] = field(default_factory=list)
    conversations: list[int] = field(default_factory=list)
    new_notes: list[int] = field(default_factory=list)
    deleted_notes: list[int] = field(default_factory=list)
    # Conversations whose contact details changed (not just their counters or last message).
    contacts: list[int] = field(default_factory=list)
    # Conversations merged into another, to be removed from every list.
    deleted_conversations: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in KINDS)


KINDS = tuple(f.name for f in fields(Changes))


def broadcast(changes: Changes) -> None:
    """Push `changes` to every agent once the current transaction commits."""
    if changes:
        transaction.on_commit(partial(_push, changes), robust=True)


def _push(changes: Changes) -> None:
    from inbox import frames

    for html in frames.render_frames(changes):
        publish(INBOX_GROUP, {"type": EVENT_TYPE, "html": html})


class _Publisher:
    """One event loop in a thread of its own for publishing from synchronous code.

    `async_to_sync` outside a server's event loop (a worker process, a management command)
    starts a new loop per call, and the Redis layer opens a connection per loop: ~3 ms of CPU
    per frame. This loop and its connection live as long as the process."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def use(self, loop: asyncio.AbstractEventLoop) -> None:
        """Publish on a server's own loop: the only one whose in-memory layer queues its
        websockets read, and a Redis connection it already has."""
        with self._lock:
            self._loop = loop

    @property
    def ready(self) -> bool:
        return self._loop is not None

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="realtime-publisher", daemon=True).start()
            return self._loop

    def send(self, group: str, message: dict) -> None:
        layer = get_channel_layer()
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), self.loop()).result(timeout=10)


_publisher = _Publisher()


def publish_on(loop: asyncio.AbstractEventLoop) -> None:
    """Make frames published from any thread of this process go through the server's `loop`."""
    _publisher.use(loop)


def publish(group: str, message: dict) -> None:
    """Send `message` to `group` now (callers defer to commit; see `broadcast`). Call from
    synchronous code, never from the publishing loop's own thread."""
    if isinstance(get_channel_layer(), InMemoryChannelLayer) and not _publisher.ready:
        # Without a server loop (tests, commands) the in-memory layer is only reachable this way.
        async_to_sync(get_channel_layer().group_send)(group, message)
    else:
        _publisher.send(group, message)
