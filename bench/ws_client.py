"""A minimal RFC 6455 websocket client on asyncio streams: the handshake with a session cookie
and an Origin header, and reading the server's (unmasked) frames. Enough to listen to
`/ws/inbox/`; no extensions, no sending beyond pong and close."""

import asyncio
import base64
import hashlib
import os
import struct

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


class Refused(Exception):
    """The server answered the handshake with something other than 101."""


class Closed(Exception):
    """The server closed the websocket."""


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def handshake_request(*, host: str, path: str, key: str, origin: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n"
        f"Cookie: {cookie}\r\n"
        "\r\n"
    ).encode()


def client_frame(opcode: int, payload: bytes, *, mask: bytes | None = None) -> bytes:
    """A final frame from the client; clients must mask what they send."""
    mask = mask if mask is not None else os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return header + mask + masked


async def read_frame(reader: asyncio.StreamReader) -> tuple[bool, int, bytes]:
    """(fin, opcode, payload) of the next frame."""
    first, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if second & 0x80 else None
    payload = await reader.readexactly(length)
    if mask:
        payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bool(first & 0x80), first & 0x0F, payload


class Listener:
    """One connected websocket client."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, *, host: str, port: int, path: str, origin: str, cookie: str) -> "Listener":
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 22)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(handshake_request(host=f"{host}:{port}", path=path, key=key, origin=origin, cookie=cookie))
        head = await reader.readuntil(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        if not status_line.startswith("HTTP/1.1 101"):
            writer.close()
            raise Refused(status_line)
        if accept_key(key).encode() not in head:
            writer.close()
            raise Refused("bad Sec-WebSocket-Accept")
        return cls(reader, writer)

    async def message(self) -> bytes:
        """The next complete text or binary message, answering pings on the way."""
        parts: list[bytes] = []
        while True:
            fin, opcode, payload = await read_frame(self.reader)
            if opcode == PING:
                self.writer.write(client_frame(PONG, payload))
                continue
            if opcode == PONG:
                continue
            if opcode == CLOSE:
                raise Closed(payload[:2].hex() if payload else "")
            parts.append(payload)
            if fin:
                return b"".join(parts)

    def close(self) -> None:
        try:
            self.writer.write(client_frame(CLOSE, struct.pack("!H", 1000)))
        except (ConnectionError, RuntimeError):
            pass
        self.writer.close()
