"""The two baselines the bench serves with daphne beside the real app, so every figure has a
reference measured in the same run on the same server:

- `hello`: a bare ASGI app that reads the body and answers 200 "OK" (the server's ceiling);
- `verify_insert`: the least a correct webhook must do before answering 200: check Meta's
  HMAC signature over the raw body, check it is JSON, and INSERT the body as one row (psycopg2,
  one connection per thread on a small pool, commit per row), then answer 200.

Configured by BENCH_DATABASE_DSN and WHATSAPP_APP_SECRET."""

import asyncio
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg2

from webhook.signature import is_valid

TABLE = "bench_baseline_delivery"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(id bigserial PRIMARY KEY, body bytea NOT NULL, signature text NOT NULL, "
    "received_at timestamptz NOT NULL DEFAULT now())"
)

_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="baseline-insert")
_local = threading.local()


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b""
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def hello(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    await _read_body(receive)
    await _answer(send, 200, b"OK")


def _insert(body: bytes, signature: str) -> None:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg2.connect(os.environ["BENCH_DATABASE_DSN"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} (body, signature) VALUES (%s, %s)", (body, signature))
        connection.commit()
    except psycopg2.Error:
        if not connection.closed:
            connection.rollback()
        raise


async def verify_insert(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    body = await _read_body(receive)
    headers = dict(scope.get("headers", []))
    signature = headers.get(b"x-hub-signature-256", b"").decode("latin-1")
    if not is_valid(body, signature, os.environ["WHATSAPP_APP_SECRET"]):
        await _answer(send, 403, b"bad signature")
        return
    try:
        json.loads(body)
    except ValueError:
        await _answer(send, 400, b"not JSON")
        return
    try:
        await asyncio.get_running_loop().run_in_executor(_pool, _insert, body, signature)
    except psycopg2.Error:
        await _answer(send, 503, b"storage unavailable")
        return
    await _answer(send, 200, b"OK")
