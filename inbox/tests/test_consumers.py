"""The live socket at /ws/inbox/ on the real ASGI application: staff only, same origin only,
and it forwards every frame of the inbox group."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from config.asgi import application
from inbox import realtime

PATH = "/ws/inbox/"
ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest_asyncio.fixture(autouse=True)
async def close_database_connections():
    """The session lookups run in asgiref's worker thread; its persistent connection would keep
    PostgreSQL from dropping the test database at the end of the run."""
    yield
    await sync_to_async(connections.close_all)()


@sync_to_async
def session_cookie(*, is_staff: bool = True, is_active: bool = True) -> tuple[bytes, bytes]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=f"agent-{is_staff}-{is_active}", password="x", is_staff=is_staff, is_active=is_active
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode())


def communicator(*headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, PATH, headers=list(headers))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_anonymous_connections_are_refused():
    socket = communicator(ORIGIN)
    connected, _ = await socket.connect()
    try:
        assert not connected
    finally:
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_users_without_staff_status_are_refused():
    socket = communicator(ORIGIN, await session_cookie(is_staff=False))
    connected, _ = await socket.connect()
    try:
        assert not connected
    finally:
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_cross_origin_connections_are_refused():
    socket = communicator((b"origin", b"https://evil.example"), await session_cookie())
    connected, _ = await socket.connect()
    try:
        assert not connected
    finally:
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_staff_receive_every_frame_of_the_inbox_group():
    socket = communicator(ORIGIN, await session_cookie())
    connected, _ = await socket.connect()
    try:
        assert connected
        await get_channel_layer().group_send(
            realtime.INBOX_GROUP, {"type": realtime.EVENT_TYPE, "html": '<div id="conv-1">row</div>'}
        )
        assert await socket.receive_from(timeout=2) == '<div id="conv-1">row</div>'
    finally:
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_frames_are_forwarded_without_a_trip_to_a_database_thread(monkeypatch):
    socket = communicator(ORIGIN, await session_cookie())
    connected, _ = await socket.connect()
    try:
        assert connected

        trips = []

        async def database_trip():
            trips.append(True)

        monkeypatch.setattr("channels.consumer.aclose_old_connections", database_trip)
        await get_channel_layer().group_send(realtime.INBOX_GROUP, {"type": realtime.EVENT_TYPE, "html": "<p>x</p>"})
        assert await socket.receive_from(timeout=2) == "<p>x</p>"
        assert trips == []
    finally:
        await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_closed_socket_leaves_the_group():
    socket = communicator(ORIGIN, await session_cookie())
    connected, _ = await socket.connect()
    assert connected
    await socket.disconnect()
    layer = get_channel_layer()
    assert not layer.groups.get(realtime.INBOX_GROUP)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_messages_from_the_browser_are_ignored():
    socket = communicator(ORIGIN, await session_cookie())
    connected, _ = await socket.connect()
    try:
        assert connected
        await socket.send_to(text_data="hello")
        assert await socket.receive_nothing(timeout=0.2)
    finally:
        await socket.disconnect()
