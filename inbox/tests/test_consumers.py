"""The live socket at /ws/inbox/ on the real ASGI application: staff only, same origin only,
and it forwards every frame of the inbox group."""

import asyncio

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client

from config.asgi import application
from inbox import fanout, realtime

PATH = "/ws/inbox/"
ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest_asyncio.fixture(autouse=True)
async def close_database_connections():
    """The session lookups run in asgiref's worker thread; its persistent connection would keep
    PostgreSQL from dropping the test database at the end of the run."""
    yield
    await sync_to_async(connections.close_all)()


@sync_to_async
def staff_member(*, is_staff: bool = True, is_active: bool = True, username: str = ""):
    return get_user_model().objects.create_user(
        username=username or f"agent-{is_staff}-{is_active}", password="x", is_staff=is_staff, is_active=is_active
    )


@sync_to_async
def logged_in(user) -> str:
    """The key of a new session of `user`, made as logging in makes one."""
    client = Client()
    client.force_login(user)
    return client.session.session_key


def cookie(session_key: str) -> tuple[bytes, bytes]:
    return (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode())


async def session_cookie(**options) -> tuple[bytes, bytes]:
    """The cookie header of a new user's session (a staff member unless `options` say not)."""
    return cookie(await logged_in(await staff_member(**options)))


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


@sync_to_async
def log_out(session_key: str) -> None:
    from django.contrib.auth import logout
    from django.test import RequestFactory

    request = RequestFactory().post("/accounts/logout/")
    request.session = SessionStore(session_key=session_key)
    request.user = None
    logout(request)


async def closed_for_ended_access(socket: WebsocketCommunicator) -> bool:
    output = await socket.receive_output(timeout=2)
    return output == {"type": "websocket.close", "code": realtime.ACCESS_ENDED}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_logging_out_closes_that_sessions_sockets_only():
    user = await staff_member()
    session_key = await logged_in(user)
    first, second = communicator(ORIGIN, cookie(session_key)), communicator(ORIGIN, cookie(session_key))
    other_session = communicator(ORIGIN, cookie(await logged_in(user)))
    sockets = (first, second, other_session)
    try:
        for socket in sockets:
            assert (await socket.connect())[0]
        await log_out(session_key)
        assert await closed_for_ended_access(first)
        assert await closed_for_ended_access(second)
        assert await other_session.receive_nothing(timeout=0.2)
    finally:
        for socket in sockets:
            await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
        pytest.param(lambda user: setattr(user, "is_staff", False), id="no longer staff"),
        pytest.param(lambda user: user.set_password("a new secret"), id="password changed"),
    ],
)
async def test_a_user_losing_access_loses_every_socket_at_once(change):
    user = await staff_member()
    mine = communicator(ORIGIN, cookie(await logged_in(user)))
    colleague = communicator(ORIGIN, await session_cookie(username="colleague"))
    try:
        assert (await mine.connect())[0] and (await colleague.connect())[0]

        @sync_to_async
        def save():
            change(user)
            user.save()

        await save()
        assert await closed_for_ended_access(mine)
        assert await colleague.receive_nothing(timeout=0.2)
    finally:
        await mine.disconnect()
        await colleague.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_logging_in_elsewhere_leaves_open_sockets_alone():
    from django.contrib.auth.models import update_last_login

    user = await staff_member()
    socket = communicator(ORIGIN, cookie(await logged_in(user)))
    try:
        assert (await socket.connect())[0]
        await sync_to_async(update_last_login)(None, user)
        await sync_to_async(user.save)()
        assert await socket.receive_nothing(timeout=0.2)
    finally:
        await socket.disconnect()


async def frame(html: str) -> None:
    await get_channel_layer().group_send(realtime.INBOX_GROUP, {"type": realtime.EVENT_TYPE, "html": html})


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_sockets_of_one_process_share_one_member_of_the_group_and_each_gets_every_frame_in_order():
    sockets = [communicator(ORIGIN, await session_cookie(username=f"agent-{n}")) for n in range(3)]
    for socket in sockets:
        assert (await socket.connect())[0]
    try:
        assert len(fanout.of(realtime.INBOX_GROUP).members) == 3
        layer = get_channel_layer()
        if isinstance(layer, InMemoryChannelLayer):
            assert len(layer.groups[realtime.INBOX_GROUP]) == 1
        for n in range(5):
            await frame(f"<p>{n}</p>")
        for socket in sockets:
            assert [await socket.receive_from(timeout=2) for _ in range(5)] == [f"<p>{n}</p>" for n in range(5)]
    finally:
        for socket in sockets:
            await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_that_leaves_gets_no_more_frames_and_the_others_still_do():
    staying = communicator(ORIGIN, await session_cookie(username="staying"))
    leaving = communicator(ORIGIN, await session_cookie(username="leaving"))
    assert (await staying.connect())[0]
    assert (await leaving.connect())[0]
    try:
        await leaving.disconnect()
        await frame("<p>after</p>")
        assert await staying.receive_from(timeout=2) == "<p>after</p>"
    finally:
        await staying.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_shared_channel_stays_in_the_group_past_the_layers_expiry(monkeypatch):
    layer = get_channel_layer()
    monkeypatch.setattr(fanout, "REJOIN_EVERY", 0.1)
    monkeypatch.setattr(layer, "group_expiry", 0.5, raising=False)
    socket = communicator(ORIGIN, await session_cookie())
    assert (await socket.connect())[0]
    try:
        await asyncio.sleep(1.0)
        await frame("<p>a day later</p>")
        assert await socket.receive_from(timeout=2) == "<p>a day later</p>"
    finally:
        await socket.disconnect()


class Member:
    def __init__(self, *, fails: bool = False) -> None:
        self.fails = fails
        self.got: list[str] = []

    async def forward(self, event: dict) -> None:
        if self.fails:
            raise RuntimeError("socket gone")
        self.got.append(event["html"])


async def received(member: Member) -> None:
    """Wait up to a second for `member` to get a frame."""
    for _ in range(100):
        if member.got:
            return
        await asyncio.sleep(0.01)


async def gets(shared: fanout.Fanout, member: Member, html: str) -> None:
    """A frame sent to the fan-out's group reaches `member`."""
    await get_channel_layer().group_send(shared.group, {"type": realtime.EVENT_TYPE, "html": html})
    await received(member)
    assert member.got == [html]


def fail_once(monkeypatch, method: str, error: Exception) -> None:
    """The channel layer's `method` raises `error` the first time it is called."""
    layer = get_channel_layer()
    real = getattr(layer, method)
    failures = [error]

    async def failing(*args):
        if failures:
            raise failures.pop()
        return await real(*args)

    monkeypatch.setattr(layer, method, failing)


@pytest.mark.asyncio
async def test_a_member_that_fails_costs_the_others_nothing(caplog):
    shared = fanout.of("fanout-test")
    assert fanout.of("fanout-test") is shared
    broken, healthy = Member(fails=True), Member()
    await shared.join(broken)
    await shared.join(healthy)
    try:
        await gets(shared, healthy, "<p>x</p>")
        assert "could not forward a frame" in caplog.text
    finally:
        await shared.leave(broken)
        await shared.leave(healthy)
    assert not shared.members


@pytest.mark.asyncio
async def test_a_frame_that_cannot_be_received_does_not_stop_the_ones_after_it(monkeypatch, caplog):
    monkeypatch.setattr(fanout, "RETRY_AFTER", 0.01)
    fail_once(monkeypatch, "receive", RuntimeError("undecodable"))
    shared = fanout.of("fanout-receive-test")
    member = Member()
    await shared.join(member)
    try:
        await gets(shared, member, "<p>next</p>")
        assert "could not receive a frame" in caplog.text
    finally:
        await shared.leave(member)


@pytest.mark.asyncio
async def test_a_join_the_layer_refused_leaves_the_next_one_to_start_afresh(monkeypatch):
    fail_once(monkeypatch, "group_add", ConnectionError("Redis is restarting"))
    shared = fanout.of("fanout-join-test")
    first, second = Member(), Member()
    with pytest.raises(ConnectionError):
        await shared.join(first)
    assert first not in shared.members
    await shared.join(second)
    try:
        await gets(shared, second, "<p>back</p>")
    finally:
        await shared.leave(second)


@pytest.mark.asyncio
async def test_a_leave_the_layer_refused_leaves_the_next_join_to_start_afresh(monkeypatch):
    fail_once(monkeypatch, "group_discard", ConnectionError("Redis is restarting"))
    shared = fanout.of("fanout-leave-test")
    first, second = Member(), Member()
    await shared.join(first)
    with pytest.raises(ConnectionError):
        await shared.leave(first)
    await shared.join(second)
    try:
        await gets(shared, second, "<p>back</p>")
    finally:
        await shared.leave(second)
