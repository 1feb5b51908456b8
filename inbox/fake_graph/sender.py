"""Delivers the fake Graph API's status webhooks (sent → delivered → read) to the inbox, signed,
on a schedule, from one background thread; retried a few times like Meta would.

Without a webhook URL the signed bodies are kept in `outbox` instead, so a test can post them
itself (e.g. through Django's test client, inside its own database transaction)."""

import heapq
import itertools
import logging
import threading
import time
from dataclasses import dataclass

import requests

from inbox.fake_graph import webhooks

logger = logging.getLogger(__name__)

RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True)
class Outgoing:
    body: bytes
    headers: dict[str, str]


class WebhookSender:
    def __init__(self, *, url: str | None, app_secret: str) -> None:
        self.url = url
        self.app_secret = app_secret
        self.outbox: list[Outgoing] = []
        self.delivered: list[Outgoing] = []
        self._queue: list[tuple[float, int, bytes, int]] = []
        self._counter = itertools.count()
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="fake-graph-webhooks", daemon=True)
        self._session = requests.Session()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def schedule(self, payload: dict, delay: float) -> None:
        body = webhooks.encode(payload)
        if not self.url:
            self.outbox.append(Outgoing(body=body, headers=webhooks.headers(body, self.app_secret)))
            return
        self._push(time.monotonic() + delay, body, attempt=0)

    def _push(self, due: float, body: bytes, *, attempt: int) -> None:
        with self._wake:
            heapq.heappush(self._queue, (due, next(self._counter), body, attempt))
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and (not self._queue or self._queue[0][0] > time.monotonic()):
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._wake.wait(timeout)
                if self._stopped:
                    return
                _, _, body, attempt = heapq.heappop(self._queue)
            self._deliver(body, attempt)

    def _deliver(self, body: bytes, attempt: int) -> None:
        outgoing = Outgoing(body=body, headers=webhooks.headers(body, self.app_secret))
        try:
            response = self._session.post(self.url, data=body, headers=outgoing.headers, timeout=(3, 10))
            ok = response.status_code == 200
            problem = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            ok, problem = False, type(exc).__name__
        if ok:
            self.delivered.append(outgoing)
            return
        if attempt < len(RETRY_DELAYS):
            logger.warning("status webhook not accepted (%s); retrying in %ss", problem, RETRY_DELAYS[attempt])
            self._push(time.monotonic() + RETRY_DELAYS[attempt], body, attempt=attempt + 1)
        else:
            logger.error("status webhook dropped after %s attempts (%s)", attempt + 1, problem)
