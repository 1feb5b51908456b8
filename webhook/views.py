"""Meta's webhook endpoint through Django's request path (tests, WSGI, `runserver`).

Under daphne the same URL is answered by `webhook.asgi`, which stores the delivery and leaves
processing to the background processor; here the delivery is processed before answering.
A delivery is acknowledged only once its raw body has committed; a processing error still
answers 200, because the delivery is safe and can be replayed."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from webhook import ingest, intake
from webhook.models import Delivery

logger = logging.getLogger(__name__)


def _response(answer: intake.Answer) -> HttpResponse:
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _response(intake.verify(request.GET.dict()))
    if request.method != "POST":
        return _response(intake.METHOD_NOT_ALLOWED)
    body = read_body(request)
    if body is None:
        return _response(intake.TOO_LARGE)
    header = request.headers.get("X-Hub-Signature-256")
    refusal = intake.check(body, header)
    if refusal:
        return _response(refusal)
    try:
        delivery = Delivery.objects.get(pk=Delivery.objects.store(body=body, signature=header or ""))
    except DatabaseError:
        logger.exception("webhook delivery could not be stored; asking Meta to retry")
        return _response(intake.UNAVAILABLE)
    ingest.process_delivery(delivery)
    return _response(intake.OK)


def read_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is too large (checked before reading when declared)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if intake.too_large(declared):
        return None
    body = request.read(settings.WEBHOOK_MAX_BODY_BYTES + 1)
    return None if intake.too_large(len(body)) else body
