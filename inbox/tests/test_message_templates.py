"""Template variables, previews and send components."""

import pytest

from inbox import message_templates
from inbox.tests.outbound_data import ORDER_READY_VALUES, make_template

pytestmark = pytest.mark.django_db


def test_variables_are_listed_per_component_with_their_examples():
    variables = message_templates.variables(make_template())

    assert [(v.component, v.name, v.example) for v in variables] == [
        ("header", "1", "A-1042"),
        ("body", "1", "John"),
        ("body", "2", "A-1042"),
        ("body", "3", "8 pm"),
    ]
    assert variables[1].key == "var-body-1"
    assert variables[1].label == "Body {{1}}"


def test_a_repeated_variable_is_asked_for_once():
    template = make_template(components=[{"type": "BODY", "text": "{{1}} and {{1}} again, {{2}}"}])

    assert [v.name for v in message_templates.variables(template)] == ["1", "2"]


def test_render_fills_the_values_and_keeps_the_footer():
    text = message_templates.render(make_template(), ORDER_READY_VALUES)

    assert text == (
        "Order A-1042 is ready\n\n"
        "Hi John, your order A-1042 is cleaned, pressed and ready for pickup. We are open today until 8 pm.\n\n"
        "Sparkle Dry Cleaners"
    )


def test_render_leaves_unfilled_variables_visible():
    assert "Hi {{1}}, your order A-1042" in message_templates.render(make_template(), {"var-body-2": "A-1042"})


def test_media_headers_are_not_asked_for_as_text():
    template = make_template(components=[{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Hi {{1}}"}])

    assert [v.key for v in message_templates.variables(template)] == ["var-body-1"]


def test_buttons_are_listed_for_the_preview():
    assert message_templates.buttons(make_template()) == ["Deliver it instead"]


def test_only_approved_templates_are_offered():
    make_template(name="b_approved")
    make_template(name="a_rejected", status="REJECTED")

    assert [t.name for t in message_templates.approved()] == ["b_approved"]
