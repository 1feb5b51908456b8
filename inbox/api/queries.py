"""The API's query parameters: validated by serializers (which also document them in the OpenAPI
schema) and turned into querysets. An empty parameter counts as absent, as in the original app."""

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from inbox.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Cursor
from inbox.models import Conversation, FormerNumber, Message, StatusEvent

# Characters people type inside phone numbers; a wa_id is digits only.
PHONE_PUNCTUATION = str.maketrans("", "", " -().")


def normalize_phone(value: str) -> str:
    """A customer number as Meta writes a wa_id: no leading "+", no spaces or punctuation."""
    return value.strip().translate(PHONE_PUNCTUATION).removeprefix("+")


@extend_schema_field(OpenApiTypes.STR)
class PhoneField(serializers.CharField):
    def to_internal_value(self, data: object) -> str:
        phone = normalize_phone(super().to_internal_value(data))
        if not phone:
            raise ValidationError("Enter a phone number.")
        return phone


@extend_schema_field(OpenApiTypes.STR)
class CursorField(serializers.CharField):
    def to_internal_value(self, data: object) -> Cursor:
        try:
            return Cursor.decode(super().to_internal_value(data))
        except ValueError:
            raise ValidationError("Not a cursor from a `next` link.") from None


class PageParams(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        help_text=f"Rows per page, {DEFAULT_LIMIT} by default; larger values are capped at {MAX_LIMIT}.",
    )
    before = CursorField(
        required=False, help_text="Opaque cursor: copy it from the previous page's `next` link."
    )

    def validate_limit(self, value: int) -> int:
        return min(value, MAX_LIMIT)


class MessageParams(PageParams):
    phone = PhoneField(
        required=False, help_text="Customer number, with or without +: the conversation's number or the sender's."
    )
    type = serializers.CharField(required=False, help_text="Meta's message type, e.g. text, image, reaction.")
    message_id = serializers.CharField(required=False, help_text="Meta's wamid.")
    direction = serializers.ChoiceField(
        choices=Message.DIRECTIONS,
        required=False,
        error_messages={"invalid_choice": '"{input}" is not a direction: use "in" or "out".'},
    )
    conversation = serializers.IntegerField(required=False, min_value=1, help_text="Conversation id.")


class ConversationParams(PageParams):
    phone = PhoneField(
        required=False, help_text="Customer number, with or without +; a former number finds the conversation too."
    )


class StatusParams(PageParams):
    message_id = serializers.CharField(required=False, help_text="Meta's wamid of the outbound message.")
    status = serializers.CharField(required=False, help_text="sent, delivered, read, failed, ...")


def parse(request: Request, params_class: type[serializers.Serializer]) -> dict:
    """Validated parameters; raises ValidationError (a 400) naming each bad one."""
    data = {key: value for key, value in request.query_params.items() if value.strip()}
    params = params_class(data=data)
    params.is_valid(raise_exception=True)
    return params.validated_data


def customer_conversations(phone: str) -> QuerySet[Conversation]:
    """Conversations with the customer at `phone`, now or before a number change."""
    former = FormerNumber.objects.filter(wa_id=phone).values("conversation")
    return Conversation.objects.filter(Q(phone_number=phone) | Q(pk__in=former))


def messages(params: dict) -> QuerySet[Message]:
    queryset = Message.objects.all()
    if "phone" in params:
        # A subquery rather than a join, so each side of the OR can use its own index.
        customer = Conversation.objects.filter(phone_number=params["phone"]).values("pk")
        queryset = queryset.filter(Q(conversation__in=customer) | Q(from_number=params["phone"]))
    if "type" in params:
        queryset = queryset.filter(message_type=params["type"])
    if "message_id" in params:
        queryset = queryset.filter(message_id=params["message_id"])
    if "direction" in params:
        queryset = queryset.filter(direction=params["direction"])
    if "conversation" in params:
        queryset = queryset.filter(conversation_id=params["conversation"])
    return queryset


def conversations(params: dict) -> QuerySet[Conversation]:
    if "phone" in params:
        return customer_conversations(params["phone"])
    return Conversation.objects.all()


def status_events(params: dict) -> QuerySet[StatusEvent]:
    queryset = StatusEvent.objects.all()
    if "message_id" in params:
        queryset = queryset.filter(message_id=params["message_id"])
    if "status" in params:
        queryset = queryset.filter(status=params["status"])
    return queryset
