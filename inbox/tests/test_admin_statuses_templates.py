import pytest
from django.urls import reverse

from inbox.models import Message, MessageTemplate
from inbox.tests.factories import make_message, make_status_event

pytestmark = pytest.mark.django_db

STATUSES = reverse("admin:inbox_statusevent_changelist")
TEMPLATES = reverse("admin:inbox_messagetemplate_changelist")


def test_status_events_are_searchable_by_wamid_and_filterable_by_status(admin_client):
    failed = make_status_event(message_id="wamid.FAILED", status="failed", error_code=131026)
    read = make_status_event(message_id="wamid.READ", status="read")

    assert list(admin_client.get(STATUSES, {"q": "wamid.FAILED"}).context["cl"].result_list) == [failed]
    assert list(admin_client.get(STATUSES, {"status__exact": "read"}).context["cl"].result_list) == [read]


def test_status_event_detail_links_its_message_and_shows_the_payload(admin_client):
    message = make_message(direction=Message.OUTBOUND)
    event = make_status_event(
        message_id=message.message_id, phone_number_id=message.phone_number_id, payload={"status": "delivered"}
    )
    orphan = make_status_event(message_id="wamid.OTHER_TOOL")

    page = admin_client.get(reverse("admin:inbox_statusevent_change", args=[event.pk])).content.decode()
    orphan_page = admin_client.get(reverse("admin:inbox_statusevent_change", args=[orphan.pk])).content.decode()

    assert reverse("admin:inbox_message_change", args=[message.pk]) in page
    assert "&quot;status&quot;: &quot;delivered&quot;" in page
    assert "not stored" in orphan_page


def test_lists_message_templates_read_only(admin_client):
    template = MessageTemplate.objects.create(
        name="order_update", language="en_US", category="UTILITY", status="APPROVED", components=[{"type": "BODY"}]
    )

    listing = admin_client.get(TEMPLATES, {"q": "order"})
    detail = admin_client.get(reverse("admin:inbox_messagetemplate_change", args=[template.pk])).content.decode()

    assert list(listing.context["cl"].result_list) == [template]
    assert "&quot;type&quot;: &quot;BODY&quot;" in detail
    assert admin_client.get(reverse("admin:inbox_messagetemplate_add")).status_code == 403
