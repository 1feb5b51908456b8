"""The composer's views: send text or a file, send a template (with a live preview), react to a
message, and report where the 24-hour window stands. Thin: they read the form, call
`inbox.outbound`, and render the composer partial.

The POST responses hold only the composer (reset after a send, or with the typed text and the
reason after a refusal): the sent message reaches every agent, the sender included, through the
live push."""

import logging

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox import composer, outbound, window
from inbox.models import Conversation, Message, MessageTemplate
from inbox.views.access import HtmxHttpRequest, staff_required

logger = logging.getLogger(__name__)

PARTIAL = "inbox/compose.html#compose"


def _message(conversation: Conversation, pk: str | None) -> Message | None:
    if not pk or not str(pk).isdigit():
        return None
    return Message.objects.filter(conversation=conversation, pk=pk).first()


def _template(pk: str | None) -> MessageTemplate | None:
    if not pk or not str(pk).isdigit():
        return None
    return MessageTemplate.objects.filter(pk=pk).first()


def _values(data) -> dict[str, str]:
    return {key: value for key, value in data.items() if key.startswith("var-")}


def _render(request: HtmxHttpRequest, state: composer.ComposeState) -> HttpResponse:
    if not request.htmx and request.method == "POST" and not state.error:
        return _back(request)
    return render(request, PARTIAL, {"conversation": state.conversation, "compose": state})


def _back(request: HtmxHttpRequest) -> HttpResponse:
    """Without HTMX (no JavaScript) a form post returns to the page it came from."""
    target = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@staff_required
@require_http_methods(["GET", "POST"])
def compose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the composer (`mode=template`, `template`, its `var-*` values, `body`, `reply_to` preset it).
    POST: send `body` as text, or the `attachment` with `body` as its caption."""
    conversation = get_object_or_404(Conversation, pk=pk)
    if request.method == "GET":
        state = composer.build(
            conversation,
            mode=request.GET.get("mode", ""),
            body=request.GET.get("body", ""),
            reply_to=_message(conversation, request.GET.get("reply_to")),
            template=_template(request.GET.get("template")),
            values=_values(request.GET),
        )
        return _render(request, state)
    body = request.POST.get("body", "")
    reply_to = _message(conversation, request.POST.get("reply_to"))
    upload = request.FILES.get("attachment")
    try:
        if upload is not None:
            outbound.send_media(
                conversation=conversation,
                author=request.user,
                file=upload,
                filename=upload.name or "file",
                mime_type=upload.content_type or "application/octet-stream",
                caption=body,
                reply_to=reply_to,
            )
        else:
            outbound.send_text(conversation=conversation, author=request.user, body=body, reply_to=reply_to)
    except outbound.SendFailed as failure:
        reason = failure.reason
        if upload is not None:
            reason += " Choose the file again to retry."
        conversation.refresh_from_db()
        return _render(request, composer.build(conversation, body=body, reply_to=reply_to, error=reason))
    conversation.refresh_from_db()
    return _render(request, composer.build(conversation, focus=True))


@staff_required
@require_POST
def compose_template(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Send the chosen approved template with the filled-in variables."""
    conversation = get_object_or_404(Conversation, pk=pk)
    template = _template(request.POST.get("template"))
    values = _values(request.POST)
    mode = request.POST.get("mode", "")
    if template is None:
        state = composer.build(conversation, mode=mode, error="Choose a template first.")
        return _render(request, state)
    try:
        outbound.send_template(conversation=conversation, author=request.user, template=template, variables=values)
    except outbound.SendFailed as failure:
        state = composer.build(conversation, mode=mode, template=template, values=values, error=failure.reason)
        return _render(request, state)
    conversation.refresh_from_db()
    return _render(request, composer.build(conversation, sent_template=template.name, focus=True))


@staff_required
@require_POST
def compose_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The template preview with the variables typed so far."""
    conversation = get_object_or_404(Conversation, pk=pk)
    state = composer.build(
        conversation, mode=composer.TEMPLATE, template=_template(request.POST.get("template")), values=_values(request.POST)
    )
    return render(request, "inbox/compose.html#template-preview", {"conversation": conversation, "compose": state})


@staff_required
@require_POST
def compose_react(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """React to a message with `emoji` (empty: remove the reaction). 204 on success; a refusal
    is shown in the composer's alert line."""
    conversation = get_object_or_404(Conversation, pk=pk)
    message = _message(conversation, request.POST.get("message"))
    if message is None:
        return _alert(conversation, "That message is not in this conversation.")
    try:
        outbound.send_reaction(
            conversation=conversation, author=request.user, message=message, emoji=request.POST.get("emoji", "")
        )
    except outbound.SendFailed as failure:
        return _alert(conversation, failure.reason)
    if not request.htmx:
        return _back(request)
    return HttpResponse(status=204)


def _alert(conversation: Conversation, reason: str) -> HttpResponse:
    response = HttpResponse(reason, content_type="text/plain; charset=utf-8")
    response["HX-Retarget"] = f"#compose-alert-{conversation.pk}"
    response["HX-Reswap"] = "innerHTML"
    return response


@staff_required
@require_GET
def compose_window(request: HtmxHttpRequest, pk: int) -> JsonResponse:
    """Where the 24-hour window stands, for the composer's countdown after the customer writes."""
    conversation = get_object_or_404(Conversation, pk=pk)
    closes_at = window.closes_at(conversation)
    return JsonResponse(
        {
            "is_open": window.is_open(conversation),
            "closes_at": closes_at.isoformat() if closes_at else None,
            "text": window.describe(conversation),
        }
    )
