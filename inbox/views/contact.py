"""The contact panel beside a conversation: who the customer is, the customer's email (editable)
and the conversation's internal notes."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from inbox import actions
from inbox.forms import ContactForm, NoteForm
from inbox.models import Conversation
from inbox.views.access import HtmxHttpRequest, staff_required


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def contact(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the whole panel (how an open conversation catches up after a reconnect).
    POST: save the email and answer with the panel's details."""
    conversation = get_object_or_404(Conversation, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "inbox/conversation.html#contact-panel",
            {
                "conversation": conversation,
                "notes": conversation.staff_notes.select_related("author"),
                "contact_form": ContactForm(instance=conversation),
                "note_form": NoteForm(),
            },
        )
    form = ContactForm(request.POST, instance=conversation)
    if form.is_valid():
        actions.update_contact(conversation=conversation, customer_email=form.cleaned_data["customer_email"])
        form = ContactForm(instance=conversation)
    return render(
        request,
        "inbox/conversation.html#contact-details",
        {"conversation": conversation, "contact_form": form},
    )
