"""Fixtures for browser tests: the real app served by daphne in a subprocess, and headless
Chromium driven by Playwright. Reuse them from any test directory by importing them into that
directory's conftest.py:

    from inbox.tests.browser.live_server import chromium, live_inbox, new_agent  # noqa: F401

- `live_inbox` (session): `daphne config.asgi:application` on a free port, on the *test*
  database (PostgreSQL's test database when DATABASE_URL is set; on SQLite the test database is
  switched to a file at collection time, see `share_sqlite_test_database`). It gets the suite's
  settings as environment variables: WHATSAPP_APP_SECRET=conftest.TEST_APP_SECRET, the test
  verify and access tokens, a Graph API URL nothing listens on unless a test starts a fake Graph
  API there (`live_inbox.graph_port`; nothing can reach Meta), read
  receipts off, its own MEDIA_ROOT (`live_inbox.media_root`), the same SECRET_KEY (so sessions
  made here log browsers in), and REDIS_URL when set (the server and this process then share
  Redis; without it the server's in-memory layer is enough, as every push it makes starts in
  that process). `live_inbox.post_webhook(payload)` POSTs a delivery signed like Meta's;
  `live_inbox.fake_graph(...)` is a fake Graph API where the server looks for Meta.
- `second_live_inbox` (session): another daphne process beside it, for tests of several
  server processes sharing Redis (skips without REDIS_URL).
- `chromium` (module): Chromium at conftest.CHROMIUM, launched headless with a fresh profile;
  skips with a reason when it isn't installed (CI fails instead, see the root conftest.py).
- `new_agent(username, path="/")`: a logged-in staff member in a browser context of their own,
  on an inbox page, with the socket connected (`routes=` takes a handler for the page's
  websocket, to drop frames on purpose; `server=` another LiveInbox; `init_script=` JavaScript
  run before the page's own). Dialogs (alert/confirm) are recorded in `page.dialogs`
  and dismissed; script errors in `page.errors`.

Tests using them need the database to commit, so they use `transactional_db` (new_agent does).
"""

import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connections

from conftest import CHROMIUM, TEST_APP_SECRET, TEST_VERIFY_TOKEN
from inbox.fake_graph import FakeGraph

BASE_DIR = Path(__file__).resolve().parents[3]
START_TIMEOUT = 30.0
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM))


def share_sqlite_test_database() -> None:
    """Another process can't open SQLite's in-memory test database: give it a file (unique to
    this run, so parallel runs in one checkout don't collide). Call before the test database is
    created, i.e. at collection."""
    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    test = database.setdefault("TEST", {})
    if not test.get("NAME"):
        test["NAME"] = str(Path(tempfile.mkdtemp(prefix="inbox-browser-")) / "test.sqlite3")


def _database_url() -> str:
    database = connections["default"].settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}?timeout=20&transaction_mode=IMMEDIATE"
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{database['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveInbox:
    url: str
    media_root: Path
    graph_port: int
    log: Path
    process: subprocess.Popen = field(repr=False)

    def post_webhook(self, payload: dict | bytes) -> requests.Response:
        """POST a delivery to the webhook, signed with the test app secret as Meta signs it."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(TEST_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        return requests.post(
            f"{self.url}/api/whatsapp/webhook/",
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            timeout=10,
        )

    def fake_graph(self, **options) -> FakeGraph:
        """The fake Graph API on the port where this server looks for Meta, signing like the
        test app and sending its status webhooks here; `options` as FakeGraph takes them."""
        return FakeGraph(
            port=self.graph_port, app_secret=TEST_APP_SECRET, webhook_url=f"{self.url}/api/whatsapp/webhook/", **options
        )

    def server_log(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serving(root: Path, *, graph_port: int | None = None, media_root: Path | None = None) -> Iterator[LiveInbox]:
    """One daphne process on the test database until the block ends."""
    port = _free_port()
    graph_port = graph_port or _free_port()
    media_root = media_root or root / "media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WHATSAPP_APP_SECRET": TEST_APP_SECRET,
        "WHATSAPP_WEBHOOK_VERIFY_TOKEN": TEST_VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": "test-access-token",
        "WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{graph_port}",
        "WHATSAPP_SEND_READ_RECEIPTS": "False",
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
    }
    log = root / f"daphne-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    server = LiveInbox(url=f"http://127.0.0.1:{port}", media_root=media_root, graph_port=graph_port, log=log, process=process)
    try:
        _wait_until_serving(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_inbox(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[LiveInbox]:
    # Depending on django_db_setup makes the server stop before the test database is dropped.
    with serving(tmp_path_factory.mktemp("live-inbox")) as server:
        yield server


@pytest.fixture(scope="session")
def second_live_inbox(live_inbox, tmp_path_factory) -> Iterator[LiveInbox]:
    """Another server process beside `live_inbox`, as production runs several behind a load
    balancer; they only share updates through Redis, so this needs REDIS_URL."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("several server processes share live updates through Redis: set REDIS_URL")
    with serving(tmp_path_factory.mktemp("live-inbox-2"), media_root=live_inbox.media_root) as server:
        yield server


def _wait_until_serving(server: LiveInbox) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne exited with {server.process.returncode}:\n{server.server_log()}")
        try:
            if requests.get(f"{server.url}/accounts/login/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"daphne did not answer within {START_TIMEOUT}s:\n{server.server_log()}")


@pytest.fixture(scope="module")
def chromium():
    if not chromium_available():
        pytest.skip(f"Chromium isn't installed at {CHROMIUM}: browser tests skipped (CI requires it).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, so Django would refuse
    # the tests' own ORM calls as "async". They are plain sync code; allow them while a browser
    # is up, and only then (module scope), so other tests keep Django's check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def login_cookie(user, url: str) -> dict:
    """A session cookie for `user`, made in the test database the server reads."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.session.session_key, "url": url}


@pytest.fixture
def new_agent(chromium, live_inbox, transactional_db, django_user_model):
    contexts = []

    def open_inbox(
        username: str = "agent",
        *,
        path: str = "/",
        viewport: dict | None = None,
        routes=None,
        server: LiveInbox | None = None,
        init_script: str = "",
        **context_options,
    ):
        server = server or live_inbox
        user, _ = django_user_model.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": username.capitalize()}
        )
        context = chromium.new_context(
            base_url=server.url, viewport=viewport or {"width": 1280, "height": 800}, **context_options
        )
        contexts.append(context)
        context.add_cookies([login_cookie(user, server.url)])
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        if routes is not None:
            page.route_web_socket("**/ws/inbox/", routes.route)
        page.dialogs, page.errors = [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(path)
        page.wait_for_selector('#live-state[data-state="live"]')
        return page

    yield open_inbox
    for context in contexts:
        context.close()
