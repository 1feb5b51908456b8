"""Raw webhook deliveries in the admin: what Meta sent, byte for byte, what became of it, and a
"Replay selected deliveries" action. Deliveries are never added or edited by hand."""

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from inbox.admin import pretty_json
from webhook import replay
from webhook.models import Delivery

# Enough to read any real delivery; a 3.5 MB one would make the page unusable.
BODY_DISPLAY_CHARS = 200_000


def body_display(body: bytes) -> SafeString:
    """Pretty JSON when the body is JSON, its text when it is UTF-8, else its Python repr."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _pre(f"Not valid UTF-8; the bytes are:\n{body!r}")
    try:
        return pretty_json(json.loads(text)) if len(text) <= BODY_DISPLAY_CHARS else _pre(text)
    except ValueError:
        return _pre(text)


def _pre(text: str) -> SafeString:
    if len(text) > BODY_DISPLAY_CHARS:
        text = f"{text[:BODY_DISPLAY_CHARS]}\n… ({len(text) - BODY_DISPLAY_CHARS} more characters not shown)"
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "received_at", "state", "attempts", "messages", "statuses", "size", "error_summary"]
    list_filter = ["state"]
    search_fields = ["error"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    list_per_page = 100
    actions = ["replay_selected"]
    fields = [
        "state",
        "received_at",
        "processed_at",
        "attempts",
        "messages",
        "statuses",
        "signature",
        "error_text",
        "body_json",
    ]
    readonly_fields = ["error_text", "body_json"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Bodies can be megabytes: the list only needs their size.
        return super().get_queryset(request).defer("body").annotate(body_size=Length("body"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhook.change_delivery")

    @admin.display(description="Bytes", ordering="body_size")
    def size(self, delivery: Delivery) -> int:
        return delivery.body_size

    @admin.display(description="Error")
    def error_summary(self, delivery: Delivery) -> str:
        last_line = delivery.error.strip().splitlines()[-1:] or [""]
        return Truncator(last_line[0]).chars(80)

    @admin.display(description="Error")
    def error_text(self, delivery: Delivery) -> SafeString | str:
        return _pre(delivery.error) if delivery.error else "-"

    @admin.display(description="Body")
    def body_json(self, delivery: Delivery) -> SafeString:
        return body_display(bytes(delivery.body))

    @admin.action(description="Replay selected deliveries", permissions=["replay"])
    def replay_selected(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        processed, failed = replay.replay(queryset.order_by("received_at", "pk").defer(None))
        if failed:
            self.message_user(
                request,
                f"Replayed {processed + failed} deliveries: {processed} processed, {failed} still failing "
                "(see their errors).",
                messages.WARNING,
            )
        else:
            self.message_user(request, f"Replayed {processed} deliveries: all processed.", messages.SUCCESS)
