"""One POST can carry many entries, changes, messages and statuses, for several business
numbers; every item is applied. The background processor applies several stored deliveries in
one transaction and isolates a broken one."""

from unittest import mock

import pytest

from inbox import actions
from inbox.models import Conversation, Message, StatusEvent
from webhook import ingest
from webhook.models import Delivery
from webhook.tests.deliveries import (
    AMELIE,
    KERRY,
    OUTBOUND_FAILED_WAMID,
    OUTBOUND_VOICE_WAMID,
    OUTBOUND_WAMID,
    data,
    deliver,
    load,
    messages_of,
    wire,
)

pytestmark = pytest.mark.django_db


def test_every_message_and_status_of_a_batch_is_applied(client):
    deliver(client, "text__basic")
    kerry = Conversation.objects.get()
    for wamid in (OUTBOUND_WAMID, OUTBOUND_VOICE_WAMID, OUTBOUND_FAILED_WAMID):
        actions.record_outbound_message(conversation=kerry, message_id=wamid, message_type="text", text_body="x")
    deliver(client, "batch__entries_changes_messages_statuses")

    wamids = [m["id"] for m in messages_of("batch__entries_changes_messages_statuses")]
    assert Message.objects.filter(message_id__in=wamids).count() == 5
    kerry.refresh_from_db()
    amelie = Conversation.objects.get(phone_number=AMELIE)
    assert (kerry.message_count, kerry.unread_count) == (1 + 3 + 3, 4)
    assert (amelie.message_count, amelie.unread_count, amelie.contact_name) == (2, 2, "Amélie Dubois")
    assert Message.objects.get(message_id=wamids[3]).media_state == Message.MEDIA_PENDING
    statuses = dict(Message.objects.filter(direction=Message.OUTBOUND).values_list("message_id", "status"))
    assert statuses == {OUTBOUND_WAMID: "delivered", OUTBOUND_VOICE_WAMID: "read", OUTBOUND_FAILED_WAMID: "sent"}
    assert StatusEvent.objects.count() == 3
    delivery = Delivery.objects.order_by("pk").last()
    assert (delivery.messages, delivery.statuses) == (5, 3)


def test_each_business_number_of_one_post_gets_its_own_conversation(client):
    deliver(client, "batch__two_business_numbers")
    assert sorted(Conversation.objects.values_list("phone_number_id", "phone_number", "message_count")) == [
        ("106540352242922", KERRY, 1),
        ("114433982109876", KERRY, 1),
    ]


def test_ignored_changes_in_a_post_do_not_stop_the_messages_beside_them(client):
    value = data("text__basic")
    value["entry"][0]["changes"].insert(0, data("field__account_update")["entry"][0]["changes"][0])
    value["entry"].insert(0, data("errors__value_only")["entry"][0])
    deliver(client, wire(value))
    assert Message.objects.count() == 1


def test_the_processor_applies_several_deliveries_in_one_go():
    deliveries = [
        Delivery.objects.create(body=load(name))
        for name in ("text__basic", "text__basic", "image__caption", "batch__entries_changes_messages_statuses")
    ]
    ingest.process_deliveries(deliveries)
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.PROCESSED}
    assert Message.objects.count() == 1 + 1 + 5
    kerry = Conversation.objects.get(phone_number=KERRY)
    assert (kerry.message_count, kerry.unread_count) == (5, 5)


def test_the_processor_marks_only_the_broken_delivery_failed():
    deliveries = [
        Delivery.objects.create(body=load(name))
        for name in ("text__basic", "system__user_changed_number", "image__caption")
    ]
    with mock.patch("inbox.actions.change_customer_number", side_effect=RuntimeError("number change broke")):
        ingest.process_deliveries(deliveries)
    states = dict(Delivery.objects.values_list("pk", "state"))
    assert [states[d.pk] for d in deliveries] == [Delivery.PROCESSED, Delivery.FAILED, Delivery.PROCESSED]
    assert "number change broke" in Delivery.objects.get(state=Delivery.FAILED).error
    assert Message.objects.count() == 2
    assert not Message.objects.filter(message_type="system").exists()
