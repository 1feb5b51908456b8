"""Sending an approved template: the only message allowed once the window has closed."""

import pytest

from inbox import outbound
from inbox.models import Message
from inbox.tests.outbound_data import ORDER_READY_VALUES, closed_conversation, make_template

pytestmark = pytest.mark.django_db


def test_a_template_is_sent_after_the_window_closed_with_its_parameters(fake_graph, staff_user):
    conversation = closed_conversation()

    message = outbound.send_template(
        conversation=conversation, author=staff_user, template=make_template(), variables=ORDER_READY_VALUES
    )

    template = fake_graph.sent[-1]["template"]
    assert template["name"] == "order_ready"
    assert template["language"] == {"code": "en"}
    assert template["components"] == [
        {"type": "header", "parameters": [{"type": "text", "text": "A-1042"}]},
        {"type": "body", "parameters": [{"type": "text", "text": t} for t in ("John", "A-1042", "8 pm")]},
    ]
    assert message.message_type == "template"
    assert message.text_body.startswith("Order A-1042 is ready\n\nHi John, your order A-1042 is cleaned")
    assert message.status == "accepted"


def test_named_parameters_are_sent_by_name(fake_graph, staff_user):
    template = make_template(
        name="pickup_reminder",
        components=[{"type": "BODY", "text": "Hello {{customer_name}}, order {{order_number}} is waiting."}],
    )

    outbound.send_template(
        conversation=closed_conversation(),
        author=staff_user,
        template=template,
        variables={"var-body-customer_name": "John", "var-body-order_number": "A-1042"},
    )

    assert fake_graph.sent[-1]["template"]["components"] == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "John", "parameter_name": "customer_name"},
                {"type": "text", "text": "A-1042", "parameter_name": "order_number"},
            ],
        }
    ]


def test_missing_variables_are_named_and_nothing_is_sent(fake_graph, staff_user):
    with pytest.raises(outbound.SendFailed, match=r"Fill in Body \{\{3\}\}"):
        outbound.send_template(
            conversation=closed_conversation(),
            author=staff_user,
            template=make_template(),
            variables={**ORDER_READY_VALUES, "var-body-3": "  "},
        )
    assert fake_graph.sent == []


def test_an_unapproved_template_is_refused(fake_graph, staff_user):
    with pytest.raises(outbound.SendFailed, match="not approved"):
        outbound.send_template(
            conversation=closed_conversation(), author=staff_user, template=make_template(status="PAUSED"), variables={}
        )


def test_meta_refusing_a_template_reports_its_reason(fake_graph, staff_user):
    template = make_template(name="no_such_template")

    with pytest.raises(outbound.SendFailed) as caught:
        outbound.send_template(
            conversation=closed_conversation(), author=staff_user, template=template, variables=ORDER_READY_VALUES
        )

    assert caught.value.code == 132001
    assert not Message.objects.filter(direction=Message.OUTBOUND).exists()
