"""The admin: every inbox record searchable and filterable for superusers.

Messages, status events and templates come from Meta, so they are view-only here. A
conversation's customer email and notes are editable, and internal notes can be added; those
writes go through `inbox.actions`, so agents with the inbox open see them live."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from inbox import actions, media
from inbox.models import Conversation, FormerNumber, Message, MessageTemplate, Note, StatusEvent

admin.site.site_header = "WhatsApp inbox administration"
admin.site.site_title = "WhatsApp inbox admin"

PREVIEW_CHARS = 60


def pretty_json(value: Any) -> SafeString:
    """`value` as indented JSON in a <pre>, escaped."""
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


def admin_link(obj: Any, label: str) -> SafeString:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label)


def _url_or_none(name: str, pk: int) -> str | None:
    """The inbox's media URLs, when the media views are installed."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


class ReadOnlyPermissions:
    """Records written by the webhook or Meta's API: viewable, never edited by hand (counters
    and live updates would go out of step)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    pass


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = [
        "sender",
        "from_name",
        "message_type",
        "preview",
        "timestamp",
        "direction",
        "status",
        "media_state",
    ]
    list_filter = ["message_type", "direction", "status", "media_state", "phone_number_id"]
    search_fields = [
        "from_number",
        "from_name",
        "text_body",
        "message_id",
        "conversation__phone_number",
        "conversation__contact_name",
    ]
    date_hierarchy = "timestamp"
    ordering = ["-timestamp", "-id"]
    list_select_related = ["conversation"]
    show_full_result_count = False
    list_per_page = 100
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "conversation_link",
                    "message_id",
                    "direction",
                    "message_type",
                    "timestamp",
                    "status",
                    "error_code",
                    "error_message",
                    "created_at",
                ]
            },
        ),
        ("Sender", {"fields": ["from_number", "from_user_id", "from_name", "phone_number_id", "author"]}),
        (
            "Content",
            {
                "fields": [
                    "text_body",
                    "reply_to",
                    "forwarded",
                    "frequently_forwarded",
                    "latitude",
                    "longitude",
                    "location_name",
                    "location_address",
                ]
            },
        ),
        (
            "Media",
            {
                "fields": [
                    "media_id",
                    "media_mime_type",
                    "media_filename",
                    "media_size",
                    "media_state",
                    "media_attempts",
                    "media_error",
                    "media_preview",
                ]
            },
        ),
        ("Meta's payload", {"fields": ["payload_json"]}),
    ]
    readonly_fields = ["conversation_link", "media_preview", "payload_json"]
    actions = ["retry_media_downloads"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("inbox.change_message")

    @admin.action(description="Retry media downloads", permissions=["retry"])
    def retry_media_downloads(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        queued = media.retry(queryset)
        self.message_user(
            request,
            f"Queued {queued} media download(s) again. Downloaded files, messages without media and "
            "downloads already in progress or scheduled were left alone.",
        )

    @admin.display(description="From number", ordering="from_number")
    def sender(self, message: Message) -> str:
        if message.is_inbound:
            return message.from_number or message.from_user_id or "-"
        return f"to {message.conversation.customer_handle}"

    @admin.display(description="Preview")
    def preview(self, message: Message) -> str:
        if message.text_body:
            return Truncator(message.text_body).chars(PREVIEW_CHARS)
        return f"[{message.message_type}]"

    @admin.display(description="Conversation")
    def conversation_link(self, message: Message) -> SafeString:
        return admin_link(message.conversation, str(message.conversation))

    @admin.display(description="Media file")
    def media_preview(self, message: Message) -> SafeString | str:
        url = _url_or_none("inbox:media", message.pk)
        if message.media_state != Message.MEDIA_DOWNLOADED or url is None:
            return "-"
        thumbnail = _url_or_none("inbox:media-thumbnail", message.pk) if message.media_thumbnail else None
        if thumbnail or message.media_mime_type.startswith("image/"):
            return format_html('<a href="{}"><img src="{}" alt="" style="max-width: 320px"></a>', url, thumbnail or url)
        return format_html('<a href="{}">{}</a>', url, message.media_filename or "Open the file")

    @admin.display(description="Payload")
    def payload_json(self, message: Message) -> SafeString:
        return pretty_json(message.payload)


class ConversationForm(forms.ModelForm):
    new_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Added as an internal note in your name; customers never see notes.",
    )

    class Meta:
        model = Conversation
        fields = ["customer_email", "notes"]


class ReadOnlyInline(ReadOnlyPermissions, admin.TabularInline):
    extra = 0


class NoteInline(ReadOnlyInline):
    model = Note
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    verbose_name_plural = "Internal notes (add one with “New note” above)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("author")


class FormerNumberInline(ReadOnlyInline):
    model = FormerNumber
    fields = ["wa_id", "phone_number_id", "changed_at"]
    readonly_fields = fields
    verbose_name_plural = "Former numbers"


class UnreadFilter(admin.SimpleListFilter):
    title = "unread"
    parameter_name = "unread"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Has unread messages"), ("no", "All read")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(unread_count__gt=0)
        if self.value() == "no":
            return queryset.filter(unread_count=0)
        return queryset


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    form = ConversationForm
    list_display = [
        "customer",
        "phone_number",
        "contact_name",
        "customer_email",
        "message_count",
        "unread_count",
        "last_message_at",
        "phone_number_id",
    ]
    list_filter = [UnreadFilter, "phone_number_id"]
    search_fields = ["phone_number", "contact_name", "customer_email", "user_id"]
    ordering = [F("last_message_at").desc(nulls_last=True), "-id"]
    show_full_result_count = False
    fieldsets = [
        (
            "Customer",
            {"fields": ["phone_number", "user_id", "contact_name", "phone_number_id", "messages_link"]},
        ),
        ("Counters", {"fields": ["message_count", "unread_count", "last_message_at", "last_inbound_at", "created_at"]}),
        ("Details kept by staff", {"fields": ["customer_email", "notes", "new_note"]}),
    ]
    readonly_fields = [
        "phone_number",
        "user_id",
        "contact_name",
        "phone_number_id",
        "messages_link",
        "message_count",
        "unread_count",
        "last_message_at",
        "last_inbound_at",
        "created_at",
    ]
    inlines = [NoteInline, FormerNumberInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # conversations start when a customer writes or an agent sends

    @admin.display(description="Customer", ordering="contact_name")
    def customer(self, conversation: Conversation) -> str:
        return conversation.display_name

    @admin.display(description="Messages")
    def messages_link(self, conversation: Conversation) -> SafeString:
        url = reverse("admin:inbox_message_changelist")
        return format_html(
            '<a href="{}?conversation__id__exact={}">{} messages</a>', url, conversation.pk, conversation.message_count
        )

    def save_model(self, request: HttpRequest, obj: Conversation, form: ConversationForm, change: bool) -> None:
        actions.update_contact(
            conversation=obj,
            customer_email=form.cleaned_data["customer_email"],
            notes=form.cleaned_data["notes"],
        )
        if form.cleaned_data["new_note"].strip():
            actions.add_note(conversation=obj, author=request.user, body=form.cleaned_data["new_note"].strip())


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "status", "recipient_number", "timestamp", "error_code", "error_message"]
    list_filter = ["status"]
    search_fields = ["message_id", "recipient_number"]
    date_hierarchy = "timestamp"
    ordering = ["-timestamp", "-id"]
    show_full_result_count = False
    list_per_page = 100
    fields = [
        "message_link",
        "message_id",
        "phone_number_id",
        "recipient_number",
        "status",
        "timestamp",
        "error_code",
        "error_message",
        "created_at",
        "payload_json",
    ]
    readonly_fields = ["message_link", "payload_json"]

    @admin.display(description="Message")
    def message_link(self, event: StatusEvent) -> SafeString | str:
        message = Message.objects.filter(message_id=event.message_id, phone_number_id=event.phone_number_id).first()
        return admin_link(message, str(message)) if message else "not stored (sent by another tool, or not yet)"

    @admin.display(description="Payload")
    def payload_json(self, event: StatusEvent) -> SafeString:
        return pretty_json(event.payload)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "language", "category", "status", "waba_id", "synced_at"]
    list_filter = ["status", "category", "language"]
    search_fields = ["name", "template_id"]
    fields = ["name", "language", "category", "status", "waba_id", "template_id", "synced_at", "components_json"]
    readonly_fields = ["components_json"]
    actions = ["sync_from_meta"]

    @admin.display(description="Components")
    def components_json(self, template: MessageTemplate) -> SafeString:
        return pretty_json(template.components)

    @admin.action(description="Sync templates from Meta (all of them, whatever is selected)")
    def sync_from_meta(self, request: HttpRequest, queryset: QuerySet) -> None:
        from django.contrib import messages

        from inbox import whatsapp
        from inbox.template_sync import SyncError, sync_templates

        try:
            result = sync_templates()
        except (SyncError, whatsapp.GraphError) as exc:
            self.message_user(request, f"Templates not synced: {getattr(exc, 'reason', exc)}", messages.ERROR)
            return
        self.message_user(request, f"Templates synced: {result}.", messages.SUCCESS)
