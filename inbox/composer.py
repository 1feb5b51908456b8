"""What the composer shows for a conversation: free text while the 24-hour window is open,
approved templates (with their variables and a preview) once it has closed, the message being
replied to, and the reason of a refused send. Used by `inbox.views.compose` and by the
`compose_state` template tag, so the page and every HTMX swap render the same state."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from inbox import message_templates, outbound, whatsapp, window
from inbox.models import Conversation, Message, MessageTemplate

TEXT = "text"
TEMPLATE = "template"
# The reactions offered in the thread, WhatsApp's default set.
REACTIONS = ("👍", "❤️", "😂", "😮", "😢", "🙏")
SOON = timedelta(hours=1)


@dataclass
class FilledVariable:
    variable: message_templates.Variable
    value: str = ""


@dataclass
class ComposeState:
    conversation: Conversation
    is_open: bool
    closes_at: datetime | None
    window_text: str
    mode: str = TEXT
    body: str = ""
    reply_to: Message | None = None
    error: str = ""
    templates: list[MessageTemplate] = field(default_factory=list)
    template: MessageTemplate | None = None
    variables: list[FilledVariable] = field(default_factory=list)
    preview: str = ""
    buttons: list[str] = field(default_factory=list)
    sent_template: str = ""
    focus: bool = False  # after a send, so the agent can type the next message at once
    token_problem: dict | None = None  # Meta rejected the access token on the last call
    token_missing: bool = False  # none is set: every send would be refused

    @property
    def closes_soon(self) -> bool:
        return self.closes_at is not None and self.closes_at - timezone.now() < SOON

    @property
    def accept(self) -> str:
        """The file types the attachment picker offers: what WhatsApp can send."""
        return ",".join(outbound.MEDIA_KINDS)


def build(
    conversation: Conversation,
    *,
    mode: str = "",
    body: str = "",
    reply_to: Message | None = None,
    error: str = "",
    template: MessageTemplate | None = None,
    values: dict[str, str] | None = None,
    sent_template: str = "",
    focus: bool = False,
) -> ComposeState:
    """The composer's state. Without an explicit `mode`, templates are shown once the window
    has closed; an open window may still choose template mode."""
    is_open = window.is_open(conversation)
    chosen = TEMPLATE if (mode == TEMPLATE or not is_open) else TEXT
    state = ComposeState(
        conversation=conversation,
        is_open=is_open,
        closes_at=window.closes_at(conversation),
        window_text=window.describe(conversation),
        mode=chosen,
        body=body,
        reply_to=reply_to,
        error=error,
        sent_template=sent_template,
        focus=focus,
        token_problem=whatsapp.token_problem(),
        token_missing=not whatsapp.has_token(),
    )
    if chosen == TEMPLATE:
        state.templates = message_templates.approved()
        state.template = template if template in state.templates else None
        # A lone template is preselected, except right after it was sent: the thread needs the room.
        if state.template is None and len(state.templates) == 1 and not sent_template:
            state.template = state.templates[0]
        if state.template is not None:
            values = values or {}
            state.variables = [
                FilledVariable(variable=v, value=values.get(v.key, "")) for v in message_templates.variables(state.template)
            ]
            state.preview = message_templates.render(state.template, values)
            state.buttons = message_templates.buttons(state.template)
    return state
