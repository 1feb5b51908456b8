"""The API's JSON shapes, with the field names of the design's API contract (kept from the
original app). Times are ISO 8601 in UTC ("Z"); details that may not exist (media, location,
error) are null rather than empty strings."""

from datetime import UTC

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inbox.models import Conversation, Message, StatusEvent

CONVERSATION_MESSAGES = 10


class UTCDateTimeField(serializers.DateTimeField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(default_timezone=UTC, **kwargs)


class BlankAsNullField(serializers.CharField):
    """A text column stored as "" when absent, shown as null."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value: str) -> str | None:
        return value or None


def media_path(message: Message) -> str | None:
    """Our authenticated URL for a downloaded media file, or None (not downloaded, or the media
    view is not installed)."""
    if message.media_state != Message.MEDIA_DOWNLOADED:
        return None
    try:
        return reverse("inbox:media", args=[message.pk])
    except NoReverseMatch:
        return None


class MessageSerializer(serializers.ModelSerializer):
    media_mime_type = BlankAsNullField()
    media_url = serializers.SerializerMethodField()
    media_state = BlankAsNullField(help_text="pending, downloaded or failed; null without media")
    location_name = BlankAsNullField()
    location_address = BlankAsNullField()
    timestamp = UTCDateTimeField(read_only=True, help_text="Meta's timestamp")
    status = serializers.CharField(
        read_only=True,
        help_text="Inbound: received or read. Outbound: the highest status reached "
        "(accepted, sent, delivered, read, played) or failed",
    )
    error_message = BlankAsNullField()

    class Meta:
        model = Message
        fields = [
            "id",
            "message_id",
            "direction",
            "from_number",
            "from_name",
            "phone_number_id",
            "conversation",
            "message_type",
            "text_body",
            "media_id",
            "media_mime_type",
            "media_url",
            "media_state",
            "latitude",
            "longitude",
            "location_name",
            "location_address",
            "reply_to",
            "timestamp",
            "status",
            "error_code",
            "error_message",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_media_url(self, message: Message) -> str | None:
        path = media_path(message)
        request = self.context.get("request")
        if path and request is not None:
            return request.build_absolute_uri(path)
        return path


class ConversationSerializer(serializers.ModelSerializer):
    last_message_at = UTCDateTimeField(read_only=True, allow_null=True)
    messages = MessageSerializer(
        source="recent_messages",
        many=True,
        read_only=True,
        help_text=f"The last {CONVERSATION_MESSAGES} messages, newest first",
    )

    class Meta:
        model = Conversation
        fields = [
            "id",
            "phone_number",
            "user_id",
            "contact_name",
            "phone_number_id",
            "message_count",
            "unread_count",
            "last_message_at",
            "customer_email",
            "notes",
            "messages",
        ]
        read_only_fields = fields


class StatusEventSerializer(serializers.ModelSerializer):
    timestamp = UTCDateTimeField(read_only=True)
    error_message = BlankAsNullField()

    class Meta:
        model = StatusEvent
        fields = ["message_id", "recipient_number", "status", "timestamp", "error_code", "error_message"]
        read_only_fields = fields


class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Every row matching the filters, across all pages")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one")


class MessageListSerializer(PageSerializer):
    messages = MessageSerializer(many=True)


class ConversationListSerializer(PageSerializer):
    conversations = ConversationSerializer(many=True)


class StatusListSerializer(PageSerializer):
    statuses = StatusEventSerializer(many=True)


class MarkReadRequestSerializer(serializers.Serializer):
    phone_number = serializers.CharField(help_text="The customer's number, with or without +")


class MarkReadResponseSerializer(serializers.Serializer):
    phone_number = serializers.CharField()
    conversations = serializers.ListField(child=serializers.IntegerField(), help_text="Ids marked read")
    marked_read = serializers.IntegerField(help_text="Inbound messages that changed to read")


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    details = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: the message for each bad parameter",
    )
