"""The inbox screen: the conversation list and an open conversation's thread.

Opening a conversation marks it read for everyone. Full pages on a normal request, the named
partial on an htmx one."""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST, require_safe

from inbox import actions, conversation_lists, outbound, threads
from inbox.forms import ContactForm, ListFilterForm, NoteForm
from inbox.models import Conversation, Message
from inbox.views.access import HtmxHttpRequest, staff_required


def list_context(request: HtmxHttpRequest) -> dict[str, Any]:
    selection = ListFilterForm(request.GET).selection()
    return {
        "selection": selection,
        "page": conversation_lists.page(selection),
        "unread": conversation_lists.unread_totals(),
    }


def conversation_context(conversation: Conversation) -> dict[str, Any]:
    return {
        "conversation": conversation,
        "thread": threads.latest_page(conversation),
        "notes": conversation.staff_notes.select_related("author"),
        "contact_form": ContactForm(instance=conversation),
        "note_form": NoteForm(),
    }


@require_safe
@staff_required
def index(request: HtmxHttpRequest) -> HttpResponse:
    context = list_context(request)
    context["numbers"] = conversation_lists.business_numbers()
    return render(request, "inbox/inbox.html", context)


@require_safe
@staff_required
def conversation_list(request: HtmxHttpRequest) -> HttpResponse:
    """Rows for the list pane: the next page while scrolling, or a new first page (a search, a
    filter, catching up after a reconnect) with the unread totals."""
    context = list_context(request)
    partial = "conversation-list" if context["selection"].cursor else "list-refresh"
    return render(request, f"inbox/inbox.html#{partial}", context)


@require_GET
@staff_required
def conversation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    _mark_read(conversation)
    context = conversation_context(conversation)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "inbox/conversation.html#conversation-pane", context)
    context.update(list_context(request))
    context["numbers"] = conversation_lists.business_numbers()
    return render(request, "inbox/conversation.html", context)


def _mark_read(conversation: Conversation) -> None:
    changed = actions.mark_read(conversation=conversation)
    if changed:
        outbound.send_read_receipt(changed)


@require_safe
@staff_required
def thread(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The newest page of the thread: how an open conversation catches up after a reconnect."""
    conversation = get_object_or_404(Conversation, pk=pk)
    return render(
        request, "inbox/conversation.html#thread", {"conversation": conversation, "thread": threads.latest_page(conversation)}
    )


@require_safe
@staff_required
def older_messages(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    before = request.GET.get("before", "")
    if not before.isdigit():
        raise Http404("Which message should older messages come before?")
    anchor = get_object_or_404(Message, pk=int(before), conversation=conversation)
    return render(
        request,
        "inbox/conversation.html#older-messages",
        {"conversation": conversation, "thread": threads.page_before(conversation, anchor)},
    )


@require_POST
@staff_required
def mark_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """For a message that arrived while the agent had the conversation open."""
    _mark_read(get_object_or_404(Conversation, pk=pk))
    return HttpResponse(status=204)


@require_POST
@staff_required
def mark_unread(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Back to the list with the conversation unread, so it isn't marked read again at once."""
    actions.mark_unread(conversation=get_object_or_404(Conversation, pk=pk))
    if request.htmx:
        response = render(request, "inbox/inbox.html#empty-pane")
        response["HX-Push-Url"] = reverse("inbox:index")
        return response
    return redirect("inbox:index")
