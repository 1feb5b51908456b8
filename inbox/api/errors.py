"""Every API error as `{"error": "<readable message>"}`, with `details` naming each bad field of
a 400, instead of DRF's varying `detail` shapes."""

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def json_errors(exc: Exception, context: dict) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
        details = {field: _messages(value) for field, value in exc.detail.items()}
        summary = " ".join(
            message if field == "non_field_errors" else f"{field}: {message}"
            for field, messages in details.items()
            for message in messages
        )
        response.data = {"error": summary, "details": details}
    else:
        detail = getattr(exc, "detail", response.data)
        response.data = {"error": " ".join(_messages(detail))}
    return response
