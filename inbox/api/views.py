"""The REST API for integrators: messages, conversations, delivery statuses and mark-read.

Staff only, by token (`Authorization: Token <key>`) or session. Lists are newest first and
paginated by cursor (see `inbox.api.pagination`); writes go through `inbox.actions`."""

import logging

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inbox import actions
from inbox.api import pagination, queries
from inbox.api.errors import json_errors
from inbox.api.serializers import (
    CONVERSATION_MESSAGES,
    ConversationListSerializer,
    ErrorSerializer,
    MarkReadRequestSerializer,
    MarkReadResponseSerializer,
    MessageListSerializer,
    StatusListSerializer,
)
from inbox.models import Message

logger = logging.getLogger(__name__)

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No or invalid credentials"),
    403: OpenApiResponse(ErrorSerializer, description="Not a staff user"),
}
BAD_PARAMS = {400: OpenApiResponse(ErrorSerializer, description="A query parameter is invalid")}


class InboxAPIView(APIView):
    # Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAdminUser]

    def get_exception_handler(self):  # type: ignore[override]
        return json_errors


class MessageListView(InboxAPIView):
    @extend_schema(
        operation_id="messages_list",
        summary="Messages, newest first",
        parameters=[queries.MessageParams],
        responses={200: MessageListSerializer, **BAD_PARAMS, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = queries.parse(request, queries.MessageParams)
        page = pagination.paginate(
            request, queries.messages(params), field="timestamp", limit=params["limit"], before=params.get("before")
        )
        data = {"count": page.count, "next": page.next, "messages": page.items}
        return Response(MessageListSerializer(data, context={"request": request}).data)


class ConversationListView(InboxAPIView):
    @extend_schema(
        operation_id="conversations_list",
        summary="Conversations, most recent activity first, each with its last 10 messages",
        parameters=[queries.ConversationParams],
        responses={200: ConversationListSerializer, **BAD_PARAMS, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = queries.parse(request, queries.ConversationParams)
        # One window-function query fetches the last messages of every conversation on the page.
        recent = Message.objects.order_by("-timestamp", "-id")[:CONVERSATION_MESSAGES]
        queryset = queries.conversations(params).prefetch_related(
            Prefetch("messages", queryset=recent, to_attr="recent_messages")
        )
        page = pagination.paginate(
            request, queryset, field="last_message_at", limit=params["limit"], before=params.get("before")
        )
        data = {"count": page.count, "next": page.next, "conversations": page.items}
        return Response(ConversationListSerializer(data, context={"request": request}).data)


class StatusListView(InboxAPIView):
    @extend_schema(
        operation_id="statuses_list",
        summary="Delivery status events of outbound messages, newest first",
        parameters=[queries.StatusParams],
        responses={200: StatusListSerializer, **BAD_PARAMS, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = queries.parse(request, queries.StatusParams)
        queryset = queries.status_events(params)
        page = pagination.paginate(
            request, queryset, field="timestamp", limit=params["limit"], before=params.get("before")
        )
        data = {"count": page.count, "next": page.next, "statuses": page.items}
        return Response(StatusListSerializer(data, context={"request": request}).data)


class MarkReadView(InboxAPIView):
    @extend_schema(
        operation_id="mark_read",
        summary="Mark a customer's messages read and their unread count 0",
        request=MarkReadRequestSerializer,
        responses={
            200: MarkReadResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="phone_number missing or empty"),
            404: OpenApiResponse(ErrorSerializer, description="No conversation with that number"),
            **ERRORS,
        },
        examples=[OpenApiExample("Customer number", value={"phone_number": "919876543210"}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        body = MarkReadRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        phone = queries.normalize_phone(body.validated_data["phone_number"])
        if not phone:
            raise ValidationError({"phone_number": ["Enter a phone number."]})
        conversations = list(queries.customer_conversations(phone).order_by("pk"))
        if not conversations:
            raise NotFound(f"No conversation with phone number {phone}.")
        marked = sum(len(actions.mark_read(conversation=conversation)) for conversation in conversations)
        logger.info("API mark-read by user %s: %d conversation(s)", request.user.pk, len(conversations))
        return Response(
            {"phone_number": phone, "conversations": [c.pk for c in conversations], "marked_read": marked}
        )
