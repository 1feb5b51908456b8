"""The staff inbox's URLs (the conversation list at `/`)."""

from django.urls import include, path

from inbox.views import contact, conversations, media, notes

app_name = "inbox"

urlpatterns = [
    path("", conversations.index, name="index"),
    path("conversations/", conversations.conversation_list, name="conversation-list"),
    path("c/<int:pk>/", conversations.conversation, name="conversation"),
    path("c/<int:pk>/thread/", conversations.thread, name="thread"),
    path("c/<int:pk>/messages/", conversations.older_messages, name="older-messages"),
    path("c/<int:pk>/read/", conversations.mark_read, name="mark-read"),
    path("c/<int:pk>/unread/", conversations.mark_unread, name="mark-unread"),
    path("c/<int:pk>/contact/", contact.contact, name="contact"),
    path("c/<int:pk>/notes/", notes.add_note, name="add-note"),
    path("notes/<int:pk>/delete/", notes.delete_note, name="delete-note"),
    path("messages/<int:pk>/media/", media.media_file, name="media"),
    path("messages/<int:pk>/media/thumbnail/", media.media_thumbnail, name="media-thumbnail"),
    path("messages/<int:pk>/media/retry/", media.media_retry, name="media-retry"),
    path("", include("inbox.compose_urls")),
]
