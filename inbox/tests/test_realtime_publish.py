"""Publishing from synchronous code (worker processes, commands) over the Redis layer."""

import asyncio
import os
import threading

import pytest
from channels.layers import get_channel_layer

from inbox import realtime

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.mark.redis
@pytest.mark.asyncio
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
async def test_frames_published_from_several_threads_reach_a_subscriber(settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "publish-test"},
        }
    }
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(realtime.INBOX_GROUP, channel)
    try:
        senders = [
            threading.Thread(
                target=realtime.publish,
                args=(realtime.INBOX_GROUP, {"type": realtime.EVENT_TYPE, "html": f"<p>{n}</p>"}),
            )
            for n in range(3)
        ]
        await asyncio.to_thread(lambda: [(t.start(), t.join()) for t in senders])
        received = {(await asyncio.wait_for(layer.receive(channel), 5))["html"] for _ in range(3)}
        assert received == {"<p>0</p>", "<p>1</p>", "<p>2</p>"}
    finally:
        await layer.group_discard(realtime.INBOX_GROUP, channel)
