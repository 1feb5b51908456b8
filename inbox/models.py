"""The inbox's data: conversations with customers, their messages, delivery status events and
internal notes. Rules about one row live here; multi-step writes live in `inbox.actions`."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from inbox import statuses


class Conversation(models.Model):
    """One customer talking to one business number (the original app's WhatsAppConversation)."""

    phone_number_id = models.CharField(max_length=32, help_text="The business number's Graph id")
    phone_number = models.CharField(
        max_length=32, null=True, blank=True, help_text="The customer's wa_id; empty for username-only customers"
    )
    user_id = models.CharField(
        max_length=160, null=True, blank=True, help_text="Meta's business-scoped user id (BSUID)"
    )
    contact_name = models.CharField(max_length=256, blank=True)
    customer_email = models.EmailField(blank=True)
    notes = models.TextField(blank=True, help_text="Free-form notes kept from the original app")
    message_count = models.PositiveIntegerField(default=0)
    unread_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_inbound_at = models.DateTimeField(
        null=True, blank=True, help_text="Opens the 24-hour customer service window"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone_number_id", "phone_number"],
                condition=Q(phone_number__isnull=False),
                name="conversation_unique_wa_id",
            ),
            models.UniqueConstraint(
                fields=["phone_number_id", "user_id"],
                condition=Q(user_id__isnull=False),
                name="conversation_unique_user_id",
            ),
        ]
        # The list's indexes (newest activity first, conversations without messages last; and
        # the unread ones, with their unread counts since 0004) are created by migrations 0002
        # and 0004 in SQL: SQLite can't index NULLS LAST.

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.contact_name or self.customer_handle

    @property
    def customer_handle(self) -> str:
        if self.phone_number:
            return f"+{self.phone_number}"
        return self.user_id or "unknown customer"


class FormerNumber(models.Model):
    """A customer's previous wa_id, so late deliveries from the old number land in the same
    conversation after a `user_changed_number` system message."""

    phone_number_id = models.CharField(max_length=32)
    wa_id = models.CharField(max_length=32)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="former_numbers")
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone_number_id", "wa_id"], name="former_number_unique"),
        ]


class MessageQuerySet(models.QuerySet):
    def advance_status(self, status: str, *, error_code: int | None = None, error_message: str = "") -> int:
        """Move the status of the selected messages up to `status` where it ranks higher than
        their current one; a single UPDATE, so concurrent deliveries can't move it backwards.
        Returns the number of messages changed."""
        new_rank = statuses.rank(status)
        if new_rank is None:
            return 0
        changes: dict = {"status": status, "status_rank": new_rank}
        if status == "failed":
            changes.update(error_code=error_code, error_message=error_message)
        return self.filter(direction=Message.OUTBOUND, status_rank__lt=new_rank).update(**changes)


class Message(models.Model):
    """A WhatsApp message, inbound or outbound (the original app's WhatsAppMessage)."""

    INBOUND = "in"
    OUTBOUND = "out"
    DIRECTIONS = [(INBOUND, "inbound"), (OUTBOUND, "outbound")]

    MEDIA_NONE = ""
    MEDIA_PENDING = "pending"
    MEDIA_DOWNLOADED = "downloaded"
    MEDIA_FAILED = "failed"
    MEDIA_STATES = [
        (MEDIA_NONE, "no media"),
        (MEDIA_PENDING, "pending"),
        (MEDIA_DOWNLOADED, "downloaded"),
        (MEDIA_FAILED, "failed"),
    ]
    MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")

    # Indexed by message_thread, which starts with it.
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False)
    phone_number_id = models.CharField(max_length=32)
    message_id = models.CharField(max_length=255, help_text="Meta's wamid")
    direction = models.CharField(max_length=3, choices=DIRECTIONS, default=INBOUND)
    from_number = models.CharField(max_length=32, null=True, blank=True)
    from_user_id = models.CharField(max_length=160, null=True, blank=True)
    from_name = models.CharField(max_length=256, blank=True)
    message_type = models.CharField(max_length=64, help_text="Meta's type string, kept as sent")
    text_body = models.TextField(null=True, blank=True)

    media_id = models.CharField(max_length=128, null=True, blank=True)
    media_mime_type = models.CharField(max_length=128, blank=True)
    media_sha256 = models.CharField(max_length=128, blank=True)
    media_filename = models.CharField(max_length=255, blank=True)
    media_file = models.FileField(upload_to="whatsapp/%Y/%m/", max_length=255, blank=True)
    media_thumbnail = models.FileField(upload_to="whatsapp/thumbs/%Y/%m/", max_length=255, blank=True)
    media_size = models.BigIntegerField(null=True, blank=True)
    media_state = models.CharField(max_length=16, choices=MEDIA_STATES, blank=True, default=MEDIA_NONE)
    media_error = models.TextField(blank=True)
    media_attempts = models.PositiveSmallIntegerField(default=0)
    media_retry_at = models.DateTimeField(null=True, blank=True, help_text="When the next download try is due")

    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_name = models.CharField(max_length=512, blank=True)
    location_address = models.CharField(max_length=1024, blank=True)

    reply_to = models.CharField(
        max_length=255, null=True, blank=True, help_text="The wamid replied or reacted to"
    )
    forwarded = models.BooleanField(default=False)
    frequently_forwarded = models.BooleanField(default=False)

    timestamp = models.DateTimeField(help_text="Meta's timestamp")
    status = models.CharField(max_length=32, default=statuses.RECEIVED)
    status_rank = models.SmallIntegerField(default=0)
    error_code = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)

    payload = models.JSONField(default=dict, blank=True, help_text="Meta's message object, NUL removed")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        constraints = [
            # The wamid first, so this index also serves the lookups by wamid alone: a batch's
            # check for messages already stored, reactions' targets, the API's message_id filter.
            models.UniqueConstraint(fields=["message_id", "phone_number_id"], name="message_unique_wamid"),
        ]
        indexes = [
            models.Index(fields=["conversation", "timestamp", "id"], name="message_thread"),
            models.Index(fields=["-timestamp", "-id"], name="message_recent"),
            models.Index(fields=["from_number"], name="message_from_number"),
            models.Index(fields=["reply_to"], name="message_reply_to"),
            # Only outbound messages have an author; an index entry per inbound one would be NULL.
            models.Index(fields=["author"], condition=models.Q(author__isnull=False), name="message_author"),
        ]
        ordering = ["timestamp", "id"]

    def __str__(self) -> str:
        return f"{self.message_type} {self.message_id}"

    @property
    def is_inbound(self) -> bool:
        return self.direction == self.INBOUND

    @property
    def has_media(self) -> bool:
        return bool(self.media_id)


class StatusEvent(models.Model):
    """One delivery status webhook for an outbound message, kept for audit even when the
    message itself is unknown (sent by another tool, or not committed yet)."""

    message_id = models.CharField(max_length=255)
    phone_number_id = models.CharField(max_length=32)
    recipient_number = models.CharField(max_length=160, null=True, blank=True)
    status = models.CharField(max_length=32)
    timestamp = models.DateTimeField()
    error_code = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id", "status"], name="status_event_unique"),
        ]
        ordering = ["timestamp", "id"]

    def __str__(self) -> str:
        return f"{self.status} {self.message_id}"


class Note(models.Model):
    """An internal note on a conversation: seen by staff, never sent to the customer."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class MessageTemplate(models.Model):
    """An approved message template, synced from Meta; the only thing that may be sent after the
    24-hour customer service window has closed."""

    waba_id = models.CharField(max_length=32, blank=True)
    template_id = models.CharField(max_length=64, blank=True, help_text="Meta's template id")
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=16)
    category = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=32, blank=True)
    components = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["waba_id", "name", "language"], name="template_unique"),
        ]
        ordering = ["name", "language"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
