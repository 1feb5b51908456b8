"""Syncing message templates from Meta: the command, the function and the admin action."""

import pytest
from django.core.management import CommandError, call_command

from inbox import template_sync
from inbox.models import MessageTemplate
from inbox.tests.outbound_data import make_template

pytestmark = pytest.mark.django_db
WABA = "102290129340398"


@pytest.fixture(autouse=True)
def business_account(settings):
    settings.WHATSAPP_BUSINESS_ACCOUNT_ID = WABA


def test_sync_stores_every_template_meta_lists(fake_graph):
    result = template_sync.sync_templates()

    stored = {(t.name, t.language): t for t in MessageTemplate.objects.all()}
    assert set(stored) == {(t["name"], t["language"]) for t in fake_graph.state.templates}
    order_ready = stored[("order_ready", "en")]
    assert order_ready.status == "APPROVED"
    assert order_ready.category == "UTILITY"
    assert order_ready.template_id == "1447220063321810"
    assert order_ready.waba_id == WABA
    assert order_ready.components[1]["type"] == "BODY"
    assert result.created == len(stored)
    assert result.approved == len(stored) - 1


def test_sync_updates_changed_templates_and_removes_deleted_ones(fake_graph):
    make_template(name="order_ready", language="en", status="PENDING", components=[])
    make_template(name="deleted_at_meta", language="en")

    result = template_sync.sync_templates()

    assert MessageTemplate.objects.get(name="order_ready").status == "APPROVED"
    assert not MessageTemplate.objects.filter(name="deleted_at_meta").exists()
    assert (result.updated, result.removed) == (1, 1)


def test_sync_leaves_templates_alone_when_meta_refuses(fake_graph):
    make_template()
    fake_graph.fail_next("token_expired")

    with pytest.raises(template_sync.whatsapp.TokenError):
        template_sync.sync_templates()

    assert MessageTemplate.objects.count() == 1


def test_sync_templates_command_reports_what_changed(fake_graph, capsys):
    call_command("sync_templates")

    assert "Templates synced:" in capsys.readouterr().out
    assert MessageTemplate.objects.filter(status="APPROVED").exists()


def test_sync_templates_command_takes_the_account_id(fake_graph, settings):
    settings.WHATSAPP_BUSINESS_ACCOUNT_ID = ""

    call_command("sync_templates", "--waba-id", "555")

    assert set(MessageTemplate.objects.values_list("waba_id", flat=True)) == {"555"}


def test_sync_templates_command_fails_clearly_without_an_account_id(settings):
    settings.WHATSAPP_BUSINESS_ACCOUNT_ID = ""

    with pytest.raises(CommandError, match="WHATSAPP_BUSINESS_ACCOUNT_ID"):
        call_command("sync_templates")


def test_sync_templates_command_reports_a_refusal(fake_graph):
    fake_graph.fail_next("token_expired")

    with pytest.raises(CommandError, match="access token"):
        call_command("sync_templates")


def test_admin_action_syncs_templates(fake_graph, admin_client):
    template = make_template(status="PENDING")

    response = admin_client.post(
        "/admin/inbox/messagetemplate/",
        {"action": "sync_from_meta", "_selected_action": [template.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Templates synced" in response.content.decode()
    assert MessageTemplate.objects.get(pk=template.pk).status == "APPROVED"


def test_admin_action_shows_meta_refusal(fake_graph, admin_client):
    template = make_template()
    fake_graph.fail_next("token_expired")

    response = admin_client.post(
        "/admin/inbox/messagetemplate/",
        {"action": "sync_from_meta", "_selected_action": [template.pk]},
        follow=True,
    )

    assert "Templates not synced" in response.content.decode()
