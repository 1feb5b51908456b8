"""The conversation list: filtered, searched and keyset-paginated, newest activity first
(Meta's timestamps), so the 100,000th conversation costs the same as the first."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_datetime

from inbox.models import Conversation, Message

PAGE_SIZE = 50
ALL = "all"
UNREAD = "unread"


@dataclass(frozen=True)
class ListFilter:
    """What an agent asked the list for; `cursor` is where the previous page ended."""

    show: str = ALL
    query: str = ""
    number: str = ""
    cursor: str = ""


@dataclass
class Page:
    conversations: list[Conversation]
    next_cursor: str


def ordered() -> QuerySet[Conversation]:
    return Conversation.objects.select_related("last_message").order_by(
        F("last_message_at").desc(nulls_last=True), "-id"
    )


def filtered(selection: ListFilter) -> QuerySet[Conversation]:
    conversations = ordered()
    if selection.show == UNREAD:
        conversations = conversations.filter(unread_count__gt=0)
    if selection.number:
        conversations = conversations.filter(phone_number_id=selection.number)
    if selection.query:
        conversations = conversations.filter(matching(selection.query))
    return conversations


def matching(query: str) -> Q:
    """Name, number, BSUID, email or any message text containing `query`."""
    condition = (
        Q(contact_name__icontains=query)
        | Q(customer_email__icontains=query)
        | Q(user_id__icontains=query)
        | Q(pk__in=Message.objects.filter(text_body__icontains=query).values("conversation_id"))
    )
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 3:
        # Numbers are stored as bare digits: "+49 151 234" finds 49151234...
        condition |= Q(phone_number__contains=digits)
    return condition


def page(selection: ListFilter) -> Page:
    conversations = filtered(selection)
    after = parse_cursor(selection.cursor)
    if after is not None:
        conversations = conversations.filter(after)
    rows = list(conversations[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(conversations=rows, next_cursor=cursor_after(rows[-1]) if more else "")


def cursor_after(conversation: Conversation) -> str:
    stamp = conversation.last_message_at.isoformat() if conversation.last_message_at else ""
    return f"{stamp}|{conversation.pk}"


def parse_cursor(cursor: str) -> Q | None:
    """The rows that come after `cursor` in list order; None for the first page or a cursor
    that doesn't parse (which then shows the first page rather than an error)."""
    stamp, _, pk_text = cursor.partition("|")
    if not pk_text.isdigit():
        return None
    pk = int(pk_text)
    if not stamp:
        return Q(last_message_at__isnull=True, pk__lt=pk)
    at: datetime | None = parse_datetime(stamp)
    if at is None:
        return None
    return Q(last_message_at__lt=at) | Q(last_message_at=at, pk__lt=pk) | Q(last_message_at__isnull=True)


def unread_totals() -> dict[str, int]:
    """Unread messages in all conversations and the number of conversations holding them."""
    # Plain SQL: every live frame reads these, and compiling the ORM's aggregate cost several
    # times running it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(unread_count), 0), COUNT(*) FROM {Conversation._meta.db_table} WHERE unread_count > 0"
        )
        messages, conversations = cursor.fetchone()
    return {"messages": int(messages), "conversations": conversations}


BUSINESS_NUMBERS_CACHE = ("inbox:business-numbers", 300)  # key, seconds


def business_numbers() -> list[str]:
    """The business numbers that have conversations, for the list's filter. Cached: the
    DISTINCT reads every conversation, and a new number appearing a few minutes late in a
    filter menu harms no one."""
    key, seconds = BUSINESS_NUMBERS_CACHE

    def query() -> list[str]:
        return list(
            Conversation.objects.order_by("phone_number_id").values_list("phone_number_id", flat=True).distinct()
        )

    return cache.get_or_set(key, query, seconds)
