"""The demo's simulated customers: a stream of several customers writing in, one of them long
enough ago that the window has closed, reacting to and quoting what the agents answered."""

import random

import pytest

from conftest import TEST_APP_SECRET
from inbox import whatsapp, window
from inbox.models import Conversation, Message
from inbox.tests.conftest import fake_graph  # noqa: F401  (the fixture)
from webhook import demo_customers
from webhook.management.commands import simulate_webhook
from webhook.simulator import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def sender(live_server, graph) -> demo_customers.Sender:
    return demo_customers.Sender(
        url=f"{live_server.url}/api/whatsapp/webhook/",
        app_secret=TEST_APP_SECRET,
        graph_url=graph.url,
        phone_number_id="106540352242922",
    )


def test_the_stream_brings_several_customers_and_one_closed_window(live_server, fake_graph):
    demo_customers.run_stream(sender(live_server, fake_graph), sleep=lambda seconds: None, rng=random.Random(4), limit=8)

    lapsed = Conversation.objects.get(phone_number=demo_customers.LAPSED[0].wa_id)
    assert not window.is_open(lapsed)
    assert Conversation.objects.count() >= 3
    assert Message.objects.count() >= 8


def test_customers_react_to_and_quote_the_agents_last_reply(live_server, fake_graph):
    customer = Customer("919820012345", "Priya Sharma")
    reply = whatsapp.sent_message_id(whatsapp.send_text("106540352242922", customer.wa_id, "We can do it by Friday"))
    demo = sender(live_server, fake_graph)

    demo_customers.play_step(demo, customer, ("react", ("🙏",)))
    demo_customers.play_step(demo, customer, ("quote", ("Thank you!",)))

    reaction = Message.objects.get(message_type="reaction")
    quote = Message.objects.get(message_type="text")
    assert (reaction.reply_to, reaction.text_body) == (reply, "🙏")
    assert quote.reply_to == reply


def test_without_an_agent_reply_a_reaction_is_skipped(live_server, fake_graph):
    demo = sender(live_server, fake_graph)

    assert demo_customers.play_step(demo, Customer("447700900123", "John"), ("react", ("👍",))) is None
    assert not Message.objects.exists()


def test_the_suggested_simulate_command_writes_as_one_of_the_demo_customers():
    parser = simulate_webhook.Command().create_parser("manage.py", "simulate_webhook")
    defaults = parser.parse_args(["--url", "http://127.0.0.1:8000/api/whatsapp/webhook/"])

    assert (defaults.wa_id, defaults.name) in {(c.wa_id, c.name) for c, _ in demo_customers.SCRIPTS}
