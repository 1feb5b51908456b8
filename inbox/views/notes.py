"""Internal notes on a conversation: staff add and delete them; customers never see them.

The new note itself reaches every open browser, the author's included, through the live push;
the response only resets the form (as the composer does)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from inbox import actions
from inbox.forms import NoteForm
from inbox.models import Conversation, Note
from inbox.views.access import HtmxHttpRequest, staff_required


@require_POST
@staff_required
def add_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.add_note(conversation=conversation, author=request.user, body=form.cleaned_data["body"])
        form = NoteForm()
    return render(request, "inbox/conversation.html#note-form", {"conversation": conversation, "note_form": form})


@require_POST
@staff_required
def delete_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Idempotent: a note another agent deleted a moment ago is simply gone."""
    note = Note.objects.filter(pk=pk).first()
    if note is not None:
        actions.delete_note(note=note)
    return HttpResponse(status=204)
