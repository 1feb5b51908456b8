"""Fixtures for the inbox's tests."""

import pytest

from conftest import TEST_APP_SECRET
from inbox import whatsapp
from inbox.fake_graph import FakeGraph


@pytest.fixture
def fake_graph(settings):
    """The fake Graph API on a free port, with WHATSAPP_GRAPH_URL pointing at it. Status
    webhooks are not sent anywhere: they collect in `fake_graph.outbox` (signed with the test
    app secret) for a test to post itself."""
    whatsapp.clear_token_problem()
    with FakeGraph(app_secret=TEST_APP_SECRET) as fake:
        settings.WHATSAPP_GRAPH_URL = fake.url
        yield fake
    whatsapp.clear_token_problem()
