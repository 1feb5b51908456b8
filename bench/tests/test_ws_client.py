import asyncio
import struct

from bench import ws_client


def _server_frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    length = len(payload)
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        return struct.pack("!BB", first, length) + payload
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length) + payload
    return struct.pack("!BBQ", first, 127, length) + payload


def _read(data: bytes) -> tuple[bool, int, bytes]:
    async def read() -> tuple[bool, int, bytes]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return await ws_client.read_frame(reader)

    return asyncio.run(read())


def test_accept_key_matches_the_rfc_example():
    assert ws_client.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_server_frames_of_every_length_encoding_are_read():
    for size in (5, 300, 70_000):
        payload = b"x" * size
        assert _read(_server_frame(ws_client.TEXT, payload)) == (True, ws_client.TEXT, payload)


def test_client_frames_are_masked_and_decode_back():
    payload = '<div data-wamid="wamid.A00000001">é</div>'.encode()
    frame = ws_client.client_frame(ws_client.TEXT, payload, mask=b"\x01\x02\x03\x04")
    assert frame[1] & 0x80
    assert payload not in frame
    assert _read(frame) == (True, ws_client.TEXT, payload)


def test_fragmented_messages_are_joined_and_pings_answered():
    class Writer:
        def __init__(self) -> None:
            self.sent: list[bytes] = []

        def write(self, data: bytes) -> None:
            self.sent.append(data)

    async def receive() -> tuple[bytes, list[bytes]]:
        reader = asyncio.StreamReader()
        reader.feed_data(
            _server_frame(ws_client.TEXT, b"hello ", fin=False)
            + _server_frame(ws_client.PING, b"p")
            + _server_frame(ws_client.CONTINUATION, b"world")
        )
        writer = Writer()
        message = await ws_client.Listener(reader, writer).message()
        return message, writer.sent

    message, sent = asyncio.run(receive())
    assert message == b"hello world"
    assert len(sent) == 1 and sent[0][0] == 0x80 | ws_client.PONG


def test_handshake_sends_the_session_cookie_and_origin():
    request = ws_client.handshake_request(
        host="127.0.0.1:8602", path="/ws/inbox/", key="k", origin="http://127.0.0.1:8602", cookie="sessionid=abc"
    ).decode()
    assert request.startswith("GET /ws/inbox/ HTTP/1.1\r\n")
    assert "\r\nOrigin: http://127.0.0.1:8602\r\n" in request
    assert "\r\nCookie: sessionid=abc\r\n" in request
    assert request.endswith("\r\n\r\n")
