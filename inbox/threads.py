"""Pages of a conversation's thread, newest page first, with each message's reactions and the
message it quotes attached in a fixed number of queries (the views and the live frames both use
`decorate`, so a message looks the same whichever way it reached the browser)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from inbox import message_lookups
from inbox.models import Conversation, Message

PAGE_SIZE = 40
# A reaction is shown on the message it reacts to, never as a message of its own.
REACTION = "reaction"


@dataclass
class Reaction:
    emoji: str
    names: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.names)


@dataclass
class ThreadPage:
    messages: list[Message]
    has_older: bool

    @property
    def oldest(self) -> Message | None:
        return self.messages[0] if self.messages else None


def shown(conversation: Conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation=conversation)
        .exclude(message_type=REACTION)
        .select_related("author")
        .order_by("-timestamp", "-id")
    )


def latest_page(conversation: Conversation, *, size: int = PAGE_SIZE) -> ThreadPage:
    return _page(shown(conversation), size, conversation)


def page_before(conversation: Conversation, anchor: Message, *, size: int = PAGE_SIZE) -> ThreadPage:
    """The messages just older than `anchor` in thread order (Meta's timestamp, then id)."""
    older = Q(timestamp__lt=anchor.timestamp) | Q(timestamp=anchor.timestamp, pk__lt=anchor.pk)
    return _page(shown(conversation).filter(older), size, conversation)


def _page(messages: QuerySet[Message], size: int, conversation: Conversation) -> ThreadPage:
    rows = list(messages[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    rows.reverse()
    for message in rows:
        # The caller's conversation, rather than a copy joined into every row.
        message.conversation = conversation
    return ThreadPage(messages=decorate(rows), has_older=has_older)


def decorate(messages: list[Message]) -> list[Message]:
    """Give every message `.reactions` (current reactions, by emoji) and `.quoted` (the
    message it replies to, or None): two queries for any number of messages."""
    attach_reactions(messages)
    attach_quotes(messages)
    return messages


def attach_reactions(messages: list[Message]) -> None:
    wamids = {m.message_id for m in messages}
    by_target: dict[tuple[str, str], dict[tuple, Message]] = defaultdict(dict)
    if wamids:
        # The business number is checked here, not in SQL: with one number in the inbox, a
        # condition on it can lead the planner to scan every message of that number.
        numbers = {m.phone_number_id for m in messages}
        reactions = message_lookups.reactions_to(wamids)
        for reaction in sorted((r for r in reactions if r.phone_number_id in numbers), key=lambda r: (r.timestamp, r.pk)):
            # One reaction per sender: the latest replaces (or, without an emoji, removes) it.
            by_target[(reaction.phone_number_id, reaction.reply_to)][_sender(reaction)] = reaction
    for message in messages:
        latest = by_target.get((message.phone_number_id, message.message_id), {})
        message.reactions = _grouped(r for r in latest.values() if r.text_body)


def _sender(reaction: Message) -> tuple:
    if reaction.is_inbound:
        return ("customer", reaction.from_number or reaction.from_user_id)
    return ("business",)


def _grouped(reactions: Iterable[Message]) -> list[Reaction]:
    groups: dict[str, Reaction] = {}
    for reaction in reactions:
        emoji = reaction.text_body or ""
        groups.setdefault(emoji, Reaction(emoji=emoji)).names.append(reactor_name(reaction))
    return list(groups.values())


def reactor_name(reaction: Message) -> str:
    if reaction.is_inbound:
        return reaction.from_name or "Customer"
    if reaction.author is not None:
        return reaction.author.get_full_name() or reaction.author.get_username()
    return "Business"


def attach_quotes(messages: list[Message]) -> None:
    wanted = {(m.phone_number_id, m.reply_to) for m in messages if m.reply_to and m.message_type != REACTION}
    found: dict[tuple[str, str], Message] = {}
    if wanted:
        on_hand = {(m.phone_number_id, m.message_id): m for m in messages}
        missing = wanted - on_hand.keys()
        found.update({key: on_hand[key] for key in wanted & on_hand.keys()})
        if missing:
            quoted = Message.objects.filter(
                phone_number_id__in={pnid for pnid, _ in missing},
                message_id__in={wamid for _, wamid in missing},
            ).select_related("author")
            found.update({(q.phone_number_id, q.message_id): q for q in quoted})
    for message in messages:
        message.quoted = found.get((message.phone_number_id, message.reply_to)) if message.reply_to else None


def reaction_targets(reactions: list[Message]) -> list[Message]:
    """The messages that `reactions` react to and that we have (one query)."""
    keys = {(r.phone_number_id, r.reply_to) for r in reactions if r.reply_to}
    if not keys:
        return []
    candidates = Message.objects.filter(
        phone_number_id__in={pnid for pnid, _ in keys}, message_id__in={wamid for _, wamid in keys}
    ).select_related("author")
    return [m for m in candidates if (m.phone_number_id, m.message_id) in keys and m.message_type != REACTION]
