"""The composer's routes, included by `inbox.urls` (so they share the `inbox:` namespace)."""

from django.urls import path

from inbox.views import compose

urlpatterns = [
    path("c/<int:pk>/compose/", compose.compose, name="compose"),
    path("c/<int:pk>/compose/template/", compose.compose_template, name="compose-template"),
    path("c/<int:pk>/compose/preview/", compose.compose_preview, name="compose-preview"),
    path("c/<int:pk>/compose/react/", compose.compose_react, name="compose-react"),
    path("c/<int:pk>/compose/window/", compose.compose_window, name="compose-window"),
]
