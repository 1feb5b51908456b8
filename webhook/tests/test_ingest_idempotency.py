"""Meta delivers the same event more than once (retries for up to 7 days, one copy per
subscribed app, duplicates inside one POST): a repeat changes nothing."""

import pytest

from inbox.models import Conversation, Message, StatusEvent
from webhook import ingest
from webhook.models import Delivery
from webhook.tests.deliveries import data, deliver, load, message_of, wire

pytestmark = pytest.mark.django_db


def counters() -> list[tuple]:
    return list(
        Conversation.objects.order_by("pk").values_list(
            "message_count", "unread_count", "last_message_at", "last_message_id", "last_inbound_at"
        )
    )


def test_the_same_post_twice_stores_one_message_and_keeps_the_counters(client):
    deliver(client, "text__basic")
    before = counters()
    deliver(client, "text__basic")
    assert Message.objects.count() == 1
    assert counters() == before == [(1, 1, Message.objects.get().timestamp, Message.objects.get().pk,
                                      Message.objects.get().timestamp)]
    assert list(Delivery.objects.values_list("state", flat=True)) == [Delivery.PROCESSED] * 2


def test_the_same_message_twice_in_one_post_is_stored_once(client):
    value = data("text__basic")
    messages = value["entry"][0]["changes"][0]["value"]["messages"]
    messages.append(dict(messages[0]))
    deliver(client, wire(value))
    assert Message.objects.count() == 1
    assert counters()[0][:2] == (1, 1)


def test_the_same_message_in_two_entries_of_one_post_is_stored_once(client):
    value = data("text__basic")
    value["entry"].append(value["entry"][0])
    deliver(client, wire(value))
    assert Message.objects.count() == 1
    assert counters()[0][:2] == (1, 1)


def test_a_repeated_batch_changes_nothing(client):
    deliver(client, "batch__entries_changes_messages_statuses")
    before = (counters(), Message.objects.count(), StatusEvent.objects.count())
    deliver(client, "batch__entries_changes_messages_statuses")
    assert (counters(), Message.objects.count(), StatusEvent.objects.count()) == before


def test_replaying_a_processed_delivery_changes_nothing(client):
    deliver(client, "image__caption")
    before = counters()
    delivery = Delivery.objects.get()
    assert ingest.process_delivery(delivery)
    assert Message.objects.count() == 1
    assert counters() == before
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_repeated_media_message_keeps_its_download_state(client):
    deliver(client, "image__caption")
    Message.objects.update(media_state=Message.MEDIA_DOWNLOADED)
    deliver(client, "image__caption")
    assert Message.objects.get().media_state == Message.MEDIA_DOWNLOADED


def test_a_repeated_message_keeps_what_staff_did_to_it(client):
    from inbox import actions

    deliver(client, "text__basic")
    actions.mark_read(conversation=Conversation.objects.get())
    deliver(client, "text__basic")
    assert Message.objects.get().status == "read"
    assert counters()[0][1] == 0


def test_a_repeated_reaction_is_stored_once(client):
    deliver(client, "reaction__add")
    deliver(client, "reaction__add")
    assert Message.objects.filter(message_id=message_of("reaction__add")["id"]).count() == 1


def test_the_same_wamid_on_two_business_numbers_is_two_messages(client):
    value = data("batch__two_business_numbers")
    second = value["entry"][1]["changes"][0]["value"]["messages"][0]
    second["id"] = value["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    deliver(client, wire(value))
    assert Message.objects.count() == 2


def test_stored_delivery_bodies_stay_byte_exact_across_repeats(client):
    deliver(client, "text__control_characters")
    deliver(client, "text__control_characters")
    assert {bytes(d.body) for d in Delivery.objects.all()} == {load("text__control_characters")}
