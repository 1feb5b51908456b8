"""Raw ASGI HTTP calls for tests that need what Django's test client cannot send: a body in
chunks with no Content-Length, as a proxy or chunked transfer encoding delivers it."""

import asyncio
from dataclasses import dataclass

from asgiref.sync import async_to_sync

from webhook.tests.deliveries import URL


@dataclass
class AsgiResponse:
    status_code: int
    headers: dict[bytes, bytes]
    content: bytes


def call(app, *, method: str = "POST", chunks: list[bytes] = (), headers: dict[str, str] | None = None,
         query_string: bytes = b"") -> AsgiResponse:
    """Send one HTTP request to `app` (body in `chunks`, headers as given, nothing added)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": URL,
        "raw_path": URL.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()],
        "client": ("173.252.127.1", 40000),
        "server": ("testserver", 443),
    }
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1} for i, chunk in enumerate(chunks)
    ] or [{"type": "http.request", "body": b"", "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        if pending:
            return pending.pop(0)
        # The client stays connected until the response is sent (servers then cancel this).
        await asyncio.Event().wait()

    async def send(message: dict) -> None:
        sent.append(message)

    async_to_sync(app)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return AsgiResponse(start["status"], dict(start.get("headers", [])), body)
