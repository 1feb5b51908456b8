"""The live inbox socket: forwards frames rendered by `inbox.realtime` to logged-in staff.

One-way (server → browser): anything the browser sends is ignored; writes are ordinary HTTP
requests. No ORM calls here: the user was loaded by AuthMiddlewareStack before `connect`, and
frames arrive already rendered, through the process's shared subscription (`inbox.fanout`)."""

import logging

from channels.generic.websocket import AsyncWebsocketConsumer

from inbox import fanout, realtime

logger = logging.getLogger(__name__)


class InboxConsumer(AsyncWebsocketConsumer):
    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not (user.is_active and user.is_staff):
            await self.close()
            return
        # The word that this user's or this session's access has ended comes to this socket
        # alone; frames come through the fan-out.
        self.joined = [realtime.user_group(user.pk)]
        session_key = getattr(self.scope.get("session"), "session_key", None)
        if session_key:
            self.joined.append(realtime.session_group(session_key))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self.frames = fanout.of(realtime.INBOX_GROUP)
        await self.frames.join(self)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "frames"):
            await self.frames.leave(self)
        for group in getattr(self, "joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def forward(self, event: dict) -> None:
        """A frame of the inbox group, from the fan-out."""
        if event.get("type") == realtime.EVENT_TYPE:
            await self.send(text_data=event["html"])

    async def inbox_close(self, event: dict) -> None:
        await self.close(code=realtime.ACCESS_ENDED)
