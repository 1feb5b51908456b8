"""Template tags of the composer: its state for a conversation, and whether a message can
still be answered (for the reply and reaction buttons on each message)."""

from django import template

from inbox import composer, window
from inbox.models import Conversation

register = template.Library()


@register.simple_tag
def compose_state(conversation: Conversation) -> composer.ComposeState:
    return composer.build(conversation)


@register.simple_tag
def compose_reactions() -> tuple[str, ...]:
    return composer.REACTIONS


@register.filter
def window_open(conversation: Conversation) -> bool:
    return window.is_open(conversation)
