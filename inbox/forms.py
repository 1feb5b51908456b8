"""Forms of the staff inbox: they validate input for views and hold no logic beyond that."""

from django import forms

from inbox import conversation_lists
from inbox.models import Conversation


class ListFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[(conversation_lists.ALL, "All"), (conversation_lists.UNREAD, "Unread")], required=False
    )
    q = forms.CharField(max_length=100, required=False, strip=True)
    number = forms.CharField(max_length=32, required=False)
    cursor = forms.CharField(max_length=80, required=False)

    def selection(self) -> conversation_lists.ListFilter:
        """The filter asked for; anything invalid falls back to the plain list."""
        data = self.cleaned_data if self.is_valid() else {}
        return conversation_lists.ListFilter(
            show=data.get("show") or conversation_lists.ALL,
            query=data.get("q") or "",
            number=data.get("number") or "",
            cursor=data.get("cursor") or "",
        )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = ["customer_email"]
        labels = {"customer_email": "Email"}
        widgets = {"customer_email": forms.EmailInput(attrs={"placeholder": "name@example.com", "autocomplete": "off"})}


class NoteForm(forms.Form):
    body = forms.CharField(
        max_length=5000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Add an internal note (only staff see it)"}),
        error_messages={"required": "Write something first."},
    )
