from django.urls import path

from inbox.api import views

urlpatterns = [
    path("messages/", views.MessageListView.as_view(), name="api-messages"),
    path("conversations/", views.ConversationListView.as_view(), name="api-conversations"),
    path("mark-read/", views.MarkReadView.as_view(), name="api-mark-read"),
    path("statuses/", views.StatusListView.as_view(), name="api-statuses"),
]
