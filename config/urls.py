from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from inbox import health

urlpatterns = [
    path("api/whatsapp/webhook/", include("webhook.urls")),
    path("api/whatsapp/", include("inbox.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("inbox.urls")),
]
