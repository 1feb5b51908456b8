"""Fixtures for the inbox's tests."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from conftest import TEST_APP_SECRET
from inbox import realtime, whatsapp
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


@pytest.fixture
def listener():
    """(layer, channel): a channel in the inbox group, as a browser's consumer would be; read
    it with `inbox.tests.group_listener.received`."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.INBOX_GROUP, channel)
    yield layer, channel
    async_to_sync(layer.group_discard)(realtime.INBOX_GROUP, channel)
