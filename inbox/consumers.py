"""The live inbox socket: forwards frames rendered by `inbox.realtime` to logged-in staff.

One-way (server → browser): anything the browser sends is ignored; writes are ordinary HTTP
requests. No ORM calls here: the user was loaded by AuthMiddlewareStack before `connect`, and
frames arrive already rendered."""

import logging

from channels.generic.websocket import AsyncWebsocketConsumer

from inbox import realtime

logger = logging.getLogger(__name__)


class InboxConsumer(AsyncWebsocketConsumer):
    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not (user.is_active and user.is_staff):
            await self.close()
            return
        # Every frame, and the word that this user's or this session's access has ended.
        self.joined = [realtime.INBOX_GROUP, realtime.user_group(user.pk)]
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if session_key:
            self.joined.append(realtime.session_group(session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections, on a thread, before every handler; for a
        # frame that is a thread hop per agent per frame, and forwarding one needs no database.
        if message["type"] == realtime.EVENT_TYPE:
            await self.inbox_html(message)
        else:
            await super().dispatch(message)

    async def inbox_html(self, event: dict) -> None:
        await self.send(text_data=event["html"])

    async def inbox_close(self, event: dict) -> None:
        await self.close(code=realtime.ACCESS_ENDED)
