from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inbox import receive
from inbox.models import Message
from webhook.models import Delivery
from webhook.tests.deliveries import load, with_message

pytestmark = pytest.mark.django_db


def stored(state: str, *, wamid: str, received_ago: timedelta = timedelta(0)) -> Delivery:
    delivery = Delivery.objects.create(body=with_message("text__basic", id=wamid), state=state)
    Delivery.objects.filter(pk=delivery.pk).update(received_at=timezone.now() - received_ago)
    delivery.refresh_from_db()
    return delivery


def run(*args: str) -> str:
    out = StringIO()
    call_command("replay_deliveries", *args, stdout=out)
    return out.getvalue()


def stored_wamids() -> set[str]:
    return set(Message.objects.values_list("message_id", flat=True))


def test_replays_failed_and_stuck_deliveries_by_default():
    stored(Delivery.FAILED, wamid="wamid.FAILED")
    stored(Delivery.RECEIVED, wamid="wamid.STUCK", received_ago=timedelta(hours=1))
    stored(Delivery.RECEIVED, wamid="wamid.IN_FLIGHT")
    processed = stored(Delivery.PROCESSED, wamid="wamid.DONE")

    out = run()

    assert stored_wamids() == {"wamid.FAILED", "wamid.STUCK"}
    assert out.strip().splitlines()[-1] == "Replayed 2 deliveries: 2 processed, 0 failed."
    processed.refresh_from_db()
    assert processed.attempts == 0


def test_replays_chosen_ids_in_any_state():
    first = stored(Delivery.PROCESSED, wamid="wamid.ONE")
    stored(Delivery.FAILED, wamid="wamid.TWO")
    third = stored(Delivery.PROCESSED, wamid="wamid.THREE")

    run("--id", str(first.pk), str(third.pk))

    assert stored_wamids() == {"wamid.ONE", "wamid.THREE"}


def test_all_includes_processed_deliveries_and_since_until_bound_the_arrival_time():
    stored(Delivery.PROCESSED, wamid="wamid.OLD", received_ago=timedelta(days=3))
    stored(Delivery.PROCESSED, wamid="wamid.MIDDLE", received_ago=timedelta(days=2))
    stored(Delivery.PROCESSED, wamid="wamid.NEW", received_ago=timedelta(hours=1))
    now = timezone.now()
    since, until = now - timedelta(days=2, hours=1), now - timedelta(days=1)

    run("--all", "--since", since.isoformat(), "--until", until.isoformat())

    assert stored_wamids() == {"wamid.MIDDLE"}


def test_accepts_a_plain_date_for_since():
    stored(Delivery.FAILED, wamid="wamid.TODAY")

    run("--since", timezone.localdate().isoformat())

    assert stored_wamids() == {"wamid.TODAY"}


def test_exits_non_zero_naming_deliveries_that_still_fail():
    failing = stored(Delivery.FAILED, wamid="wamid.BROKEN")
    out = StringIO()

    with mock.patch.object(receive, "receive_messages", side_effect=RuntimeError("still broken")):
        with pytest.raises(CommandError, match="1 deliveries still fail"):
            call_command("replay_deliveries", stdout=out)

    assert f"delivery {failing.pk}: failed: RuntimeError: still broken" in out.getvalue()
    assert "0 processed, 1 failed" in out.getvalue()


def test_dry_run_lists_without_processing():
    delivery = stored(Delivery.FAILED, wamid="wamid.LATER")

    out = run("--dry-run")

    assert f"delivery {delivery.pk}: failed" in out
    assert not Message.objects.exists()
    delivery.refresh_from_db()
    assert delivery.attempts == 0


def test_says_so_when_there_is_nothing_to_replay():
    stored(Delivery.PROCESSED, wamid="wamid.DONE")

    assert run().strip() == "Nothing to replay."


def test_refuses_unknown_ids_and_bad_dates():
    with pytest.raises(CommandError, match="No delivery with id 999"):
        run("--id", "999")
    with pytest.raises(CommandError, match="ISO 8601"):
        run("--since", "last tuesday")


def test_replays_a_body_that_is_not_a_whatsapp_payload_as_processed_with_nothing_stored():
    Delivery.objects.create(body=load("object__page"), state=Delivery.FAILED)

    run()

    assert Delivery.objects.get().state == Delivery.PROCESSED
    assert not Message.objects.exists()
