"""Browser tests run by default when Chromium is installed (see live_server.py for the fixtures)."""

from inbox.tests.browser.live_server import (  # noqa: F401  (fixtures)
    chromium,
    chromium_available,
    live_inbox,
    new_agent,
    second_live_inbox,
    share_sqlite_test_database,
)


def pytest_configure(config) -> None:
    if chromium_available():
        share_sqlite_test_database()
