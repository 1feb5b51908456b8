"""The only code that touches the channel layer: pushes rendered HTML to every agent's browser.

Broadcasts are deferred to `transaction.on_commit` here, so no caller can push a change that is
later rolled back; a Redis failure is logged (robust=True), never turned into a failed write
whose data has already committed."""

import logging
from dataclasses import dataclass, field, fields
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

INBOX_GROUP = "inbox"
EVENT_TYPE = "inbox.html"
# Items per frame: a batch of webhook deliveries can change hundreds of messages, and one frame
# for all of them would exceed the websocket's 1 MiB frame limit and Redis's pub/sub buffers.
FRAME_ITEMS = 25


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


def split(changes: Changes, size: int = FRAME_ITEMS) -> list[Changes]:
    """`changes` in parts of at most `size` items of each kind, in order."""
    longest = max(len(getattr(changes, kind)) for kind in KINDS)
    return [
        Changes(**{kind: getattr(changes, kind)[start : start + size] for kind in KINDS})
        for start in range(0, max(longest, 1), size)
    ]


def _push(changes: Changes) -> None:
    from inbox import frames

    send = async_to_sync(get_channel_layer().group_send)
    for part in split(changes):
        html = frames.render(part)
        if html.strip():
            send(INBOX_GROUP, {"type": EVENT_TYPE, "html": html})
